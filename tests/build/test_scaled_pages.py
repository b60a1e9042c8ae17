"""Pages that stay fast however much data there is (issue 13): precomputed facet counts, a search that reads at most
a fixed number of matches, saved queries scoped to a year and a department, a home page that lists the largest
departments, a fund card served by its own route. Expected values come from the CSVs the site is built from."""
import csv
import re
import sqlite3
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from datasette.app import Datasette

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from builder.build import build  # noqa: E402
from generate import generate  # noqa: E402
from helpers import json_rows  # noqa: E402

from budget_site.datasette_seam import pm  # noqa: E402


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """Three departments, two years (bench/generate.py), built and opened as `datasette serve` opens it."""
    work = tmp_path_factory.mktemp("province")
    generate(work / "data", 3, 2, 2, 2, source=work / "source")
    build(work / "data", work / "site", work / "source")
    return work, Datasette(config_dir=(work / "site").resolve())


def plugin(name):
    """A module of the site as Datasette loaded it (to change one of its limits in a test)."""
    return next(p for p in pm.get_plugins() if getattr(p, "__name__", "").endswith(f".{name}"))


def rows_of(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def budgets(work, year):
    """部门 -> 资金总额 in yuan, from form 3 of a year."""
    return {r["部门名称"]: int(Decimal(r["资金总额"].removesuffix("万元")) * 10000)
            for r in rows_of(work / "data" / str(year) / "form3_department_budget.csv")}


async def test_unfiltered_facets_are_the_tables_counts(province):
    work, ds = province
    conn = sqlite3.connect(work / "site" / "budget.db")
    page = (await ds.client.get("/budget/performance_indicators.json")).json()
    for column in ("年度", "部门", "一级指标", "二级指标", "专项_id"):
        expected = conn.execute(f"select [{column}], count(*) from performance_indicators group by [{column}] "
                                f"order by count(*) desc, [{column}] limit 30").fetchall()
        shown = [(r["value"], r["count"]) for r in page["facet_results"][column]["results"]]
        assert shown == expected, column
    names = dict(conn.execute("select id, 专项名称 from special_funds"))
    for result in page["facet_results"]["专项_id"]["results"]:
        assert result["label"] == names[result["value"]]  # labels of the linked fund, as Datasette shows them


async def test_a_filtered_page_counts_live(province):
    _, ds = province
    page = (await ds.client.get("/budget/performance_indicators.json?年度=2019")).json()
    assert [(r["value"], r["count"]) for r in page["facet_results"]["年度"]["results"]] == [(2019, page["filtered_table_rows_count"])]


async def test_big_unfiltered_tables_suggest_no_facets(province, monkeypatch):
    _, ds = province
    small = (await ds.client.get("/budget/performance_indicators.json")).json()
    assert "指标序号" in [s["name"] for s in small["suggested_facets"]]  # Datasette's own suggestion at this size
    monkeypatch.setattr(plugin("facet_counts"), "SUGGEST_ROWS", 10)
    big = (await ds.client.get("/budget/performance_indicators.json")).json()
    assert big["suggested_facets"] == []
    filtered = (await ds.client.get("/budget/performance_indicators.json?年度=2019")).json()
    assert "指标序号" in [s["name"] for s in filtered["suggested_facets"]]


async def test_search_reads_at_most_the_most_recent_matches(province, monkeypatch):
    work, ds = province
    conn = sqlite3.connect(work / "site" / "budget.db")
    matches = [r[0] for r in conn.execute(
        "select rowid from search_index_fts where search_index_fts match '\"低 保\"' order by rowid desc")]
    exact = (await ds.client.get("/search?q=低保")).text
    assert f'data-total="{len(matches)}"' in exact and "data-at-least" not in exact
    monkeypatch.setattr(plugin("search_page"), "CANDIDATES", 5)
    page = (await ds.client.get("/search?q=低保")).text
    assert 'data-total="5" data-at-least' in page and "找到至少 5 处" in page
    ids = dict(conn.execute("select id, 记录_id from search_index"))
    listed = re.findall(r'<li data-table="[^"]+" data-id="([^"]+)"', page)
    assert sorted(listed) == sorted(ids[i] for i in matches[:5])  # the five most recent matches, ranked


async def test_saved_queries_default_to_the_latest_year_and_its_largest_department(province):
    work, ds = province
    latest = budgets(work, 2020)
    largest = max(latest, key=latest.get)
    funds = rows_of(work / "data" / "2020" / "form1_special_funds.csv") + \
        rows_of(work / "data" / "2019" / "form1_special_funds.csv")
    default = await json_rows(ds, "/budget/largest_funds")
    assert {(r["年度"], r["部门"]) for r in default} == {(2020, largest)}
    assert len(default) == sum(1 for f in funds if f["年度"] == "2020" and f["部门"] == largest)
    everything = await json_rows(ds, "/budget/largest_funds", 年度="全部", 部门="全部")
    assert len(everything) == len(funds)
    one = await json_rows(ds, "/budget/largest_funds", 年度="2019", 部门=largest)
    assert {(r["年度"], r["部门"]) for r in one} == {(2019, largest)}
    page = (await ds.client.get("/budget/largest_funds")).text
    assert "“年度”留空为最近一年，填“全部”为所有年度" in page and "“部门”留空为最近一年预算最多的部门" in page


async def test_home_page_lists_the_largest_departments_and_links_all(province, monkeypatch):
    work, ds = province
    latest = budgets(work, 2020)
    monkeypatch.setattr(plugin("landing"), "LIST_SIZE", 2)
    home = (await ds.client.get("/")).text
    listed = re.findall(r'<li data-department="[^"]+"><h3><a [^>]+>([^<]+)</a>', home)
    assert listed == sorted(latest, key=lambda d: -latest[d])[:2]
    assert "全部 3 个部门" in home and 'href="/departments?%E5%B9%B4%E5%BA%A6=2020"' in home
    everyone = (await ds.client.get("/departments?年度=2019")).text
    assert sorted(re.findall(r'<li data-department="[^"]+"><h3><a [^>]+>([^<]+)</a>', everyone)) == sorted(budgets(work, 2019))


async def test_the_fund_card_and_its_json(province):
    work, ds = province
    fund = rows_of(work / "data" / "2020" / "form1_special_funds.csv")[0]
    fund_id = f"2020-d0001-{int(fund['序号']):02d}"
    card = await ds.client.get(f"/budget/special_funds/{fund_id}")
    assert card.status_code == 200 and f"<h1>{fund['专项支出名称']}</h1>" in card.text
    assert f"/budget/special_funds/{fund_id}.json" in card.headers["link"]
    data = (await ds.client.get(f"/budget/special_funds/{fund_id}.json?_shape=array")).json()
    assert data[0]["专项名称"] == fund["专项支出名称"] and data[0]["资金总额_原文"] == fund["资金总额"]
    assert (await ds.client.get("/budget/special_funds/2020-d0001-99")).status_code == 404
