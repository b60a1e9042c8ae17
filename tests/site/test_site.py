"""Every table, row and saved query answers in HTML, JSON and CSV; facets and saved queries give the right rows."""
import csv
import io
import sqlite3
import urllib.parse
from decimal import Decimal

import pytest

import seed_forms
from helpers import ROOT

FORMATS = ["", ".json", ".csv"]


def tables_of(path):
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")]
    conn.close()
    return names


def row_urls(path):
    conn = sqlite3.connect(path)
    urls = []
    for table in tables_of(path):
        pks = [r[1] for r in conn.execute(f"pragma table_info([{table}])") if r[5]]
        if len(pks) != 1:
            continue  # FTS index tables have no primary key and no row pages
        for (key,) in conn.execute(f"select [{pks[0]}] from [{table}]"):
            urls.append(f"/budget/{table}/{urllib.parse.quote(str(key))}")
    conn.close()
    return urls


async def get_ok(ds, url):
    response = await ds.client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:500])
    return response


@pytest.mark.parametrize("fmt", FORMATS)
async def test_every_table_page(ds, built, fmt):
    for database in ("budget", "filings"):
        tables = tables_of(built / f"{database}.db")
        assert tables
        for table in tables:
            await get_ok(ds, f"/{database}/{table}{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
async def test_every_row_page(ds, built, fmt):
    urls = row_urls(built / "budget.db")
    assert len(urls) > 150
    for url in urls:
        response = await get_ok(ds, url + fmt)
        if fmt == ".json":
            assert len(response.json()["rows"]) == 1


@pytest.mark.parametrize("fmt", FORMATS)
async def test_every_saved_query(ds, metadata, fmt):
    queries = metadata["databases"]["budget"]["queries"]
    assert len(queries) >= 8
    for name, query in queries.items():
        assert query["title"] and query["description"]
        await get_ok(ds, f"/budget/{name}{fmt}")


# The saved queries show the latest year and the department listed first on the home page unless asked for more:
# these tests read every year and department, as they did before the queries were scoped.
EVERYWHERE = {"年度": "全部", "部门": "全部"}


async def rows(ds, path, **params):
    query = urllib.parse.urlencode({**params, "_shape": "array"})
    response = await get_ok(ds, f"{path}.json?{query}")
    return response.json()


async def test_largest_funds(ds):
    result = await rows(ds, "/budget/largest_funds", 年度="2019", 部门="全部")
    assert [r["专项名称"] for r in result[:2]] == ["惠民资金", "高龄老人补贴等惠民扩面提标资金"]
    assert result[0]["资金总额_万元"] == 360 and result[0]["占比_百分比"] == round(100 * 360 / 992, 2)
    assert len(result) == 8


async def test_fund_indicators_by_parameter(ds, budget_db):
    every_year = await rows(ds, "/budget/fund_indicators", 专项名称="低保", **EVERYWHERE)
    assert len(every_year) == 9 * budget_db.execute(  # nine slots per direction of every fund named …低保…
        "select count(*) from expenditure_directions d join special_funds f on f.id = d.专项_id "
        "where instr(f.专项名称, '低保')").fetchone()[0]
    result = [r for r in every_year if r["年度"] == 2019]
    assert {r["专项名称"] for r in result} == {"城市低保金", "农村低保金"}
    assert len(result) == 18
    assert sum(r["指标值"] is None for r in result) == 4  # 经济 and 生态 slots left empty


async def test_totals_check_shows_exact_differences(ds, budget_db):
    result = await rows(ds, "/budget/totals_check", **EVERYWHERE)
    assert len(result) == 3 * budget_db.execute("select count(*) from department_budgets").fetchone()[0]
    for row in result:  # every year: differences in 万元 with at most four decimals, no float noise
        assert row["差额_万元"] == round(row["差额_万元"], 4), row
    by_item = {r["核对项"]: r for r in result if r["年度"] == 2019}
    assert by_item["基本支出 + 项目支出"]["合计_万元"] == 1593.87
    assert by_item["基本支出 + 项目支出"]["差额_万元"] == -0.01  # exact: no float noise
    assert by_item["分类支出之和"]["差额_万元"] == -0.01
    assert by_item["专项资金之和（与项目支出比较）"]["合计_万元"] == 992


async def test_form1_vs_form2(ds):
    result = await rows(ds, "/budget/form1_vs_form2", **EVERYWHERE)
    assert {(r["专项名称"], r["项目"]) for r in result if r["年度"] == 2019} == {
        ("城市低保金", "实施期绩效目标"), ("城市低保金", "年度绩效目标"),
        ("农村低保金", "实施期绩效目标"), ("农村低保金", "年度绩效目标")}


async def test_identical_targets(ds):
    result = await rows(ds, "/budget/identical_targets", **EVERYWHERE)
    form1 = {r["专项名称"] for r in result if r["表"] == "表1" and r["年度"] == 2019}
    assert form1 == {"残疾人两项补贴", "城市低保金", "农村低保金", "区划地名工作经费", "居家和社区养老改革试点配套资金"}


async def test_missing_indicators(ds, budget_db):
    result = await rows(ds, "/budget/missing_indicators", 二级指标="生态效益指标", **EVERYWHERE)
    assert len(result) == budget_db.execute(
        "select count(*) from performance_indicators where 二级指标 = '生态效益指标' and 指标值 is null").fetchone()[0]
    assert sum(r["年度"] == 2019 for r in result) == 8  # no 2019 fund set one
    result = await rows(ds, "/budget/missing_indicators", 二级指标="可持续影响指标", **EVERYWHERE)
    assert {r["专项名称"] for r in result if r["年度"] == 2019} == {
        "高龄老人补贴等惠民扩面提标资金", "区划地名工作经费", "惠民资金"}


async def test_department_spending_shares(ds, budget_db):
    every_year = await rows(ds, "/budget/department_spending_shares", **EVERYWHERE)
    assert len(every_year) == budget_db.execute("select count(*) from department_expenditures").fetchone()[0]
    for year, department in {(r["年度"], r["部门"]) for r in every_year}:  # shares of the same year's total
        shares = [r["占分类合计_百分比"] for r in every_year if (r["年度"], r["部门"]) == (year, department)]
        assert round(sum(shares), 1) == 100.0, year
    result = [r for r in every_year if r["年度"] == 2019]
    assert len(result) == 7 and result[0]["支出类别"] == "民政管理事务支出"


async def test_money_by_direction_adds_up(ds, budget_db):
    result = await rows(ds, "/budget/money_by_direction", **EVERYWHERE)
    assert sum(r["合计_万元"] for r in result if r["年度"] == 2019) == 992
    for year, yuan in budget_db.execute("select 年度, sum(资金总额_元) from special_funds group by 年度"):
        assert sum(Decimal(str(r["合计_万元"])) for r in result if r["年度"] == year) * 10000 == yuan, year


async def test_text_search_query(ds):
    result = await rows(ds, "/budget/indicator_text_search", 词="养老", **EVERYWHERE)
    assert result and all("养老" in r["原文"] for r in result)


FACETS = [  # (table, facet column, counts on the 2019 forms)
    ("special_funds", "支出方向", {"残疾人": 1, "困难群众": 1}),
    ("special_funds", "年度", {2019: 8}),
    ("special_funds", "部门", {"石峰区民政局": 8}),
    ("expenditure_directions", "支出方向", {"城市低保户": 1}),
    ("performance_indicators", "一级指标", {"产出指标": 32, "效益指标": 40}),
    ("performance_indicators", "二级指标", {"数量指标": 8, "生态效益指标": 8}),
    ("performance_indicators", "年度", {2019: 72}),
    ("performance_indicators", "部门", {"石峰区民政局": 72}),
    ("department_expenditures", "支出类别", {"抚恤支出": 1}),
]


async def facet_counts(ds, table, facet, **filters):
    query = urllib.parse.urlencode({**filters, "_facet": facet})
    response = await get_ok(ds, f"/budget/{table}.json?{query}")
    results = response.json()["facet_results"][facet]
    assert not results["truncated"], (table, facet)
    return {item["value"]: item["count"] for item in results["results"]}


@pytest.mark.parametrize("table,facet,expected", FACETS)
async def test_facets(ds, table, facet, expected):
    counts = await facet_counts(ds, table, facet, 年度="2019")
    for value, count in expected.items():
        assert counts[value] == count


@pytest.mark.parametrize("table,facet", sorted({(table, facet) for table, facet, _ in FACETS}))
async def test_facets_count_every_year(ds, budget_db, table, facet):
    counts = await facet_counts(ds, table, facet, _facet_size="max")
    expected = dict(budget_db.execute(f"select [{facet}], count(*) from [{table}] group by [{facet}]").fetchall())
    assert counts == expected


async def test_facet_filter_by_chinese_column(ds, budget_db):
    result = await rows(ds, "/budget/performance_indicators", 二级指标="生态效益指标", _size="max",
                        **{"指标值__isnull": "1"})
    assert len(result) == budget_db.execute(
        "select count(*) from performance_indicators where 二级指标 = '生态效益指标' and 指标值 is null").fetchone()[0]
    assert sum(r["年度"] == 2019 for r in result) == 8


async def test_default_facets_are_configured(ds):
    response = await get_ok(ds, "/budget/performance_indicators.json")
    assert {"一级指标", "二级指标", "年度", "部门"} <= set(response.json()["facet_results"])


async def test_csv_download_is_exact(ds, budget_db):
    response = await get_ok(ds, "/budget/special_funds.csv?_size=max")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert sum(int(r["资金总额_元"]) for r in table if r["年度"] == "2019") == 9920000
    assert sum(int(r["资金总额_元"]) for r in table) == budget_db.execute(
        "select sum(资金总额_元) from special_funds").fetchone()[0]


async def test_amounts_render_as_filed_in_html(ds):
    response = await get_ok(ds, "/budget/department_budgets")
    assert ">1593.88<" in response.text and ">1266.87<" in response.text and ">327<" in response.text


async def test_source_document_and_downloads(ds):
    response = await get_ok(ds, f"/source/{seed_forms.SOURCE.relative_to(ROOT / 'source')}")
    assert "部门整体支出绩效申报表" in response.content.decode("utf-8")
    response = await get_ok(ds, "/budget.db")
    assert response.content[:15] == b"SQLite format 3"


async def test_metadata_in_chinese(ds):
    response = await get_ok(ds, "/budget")
    assert "预算绩效目标（规范化数据）" in response.text
    response = await get_ok(ds, "/budget/special_funds")
    assert "专项资金（表1）" in response.text
