"""Several years: the fictional fixture year tests/fixtures/2020 built next to 2019 (never published)."""
import csv
import io
import re
import shutil
import urllib.parse
from decimal import Decimal

import pytest

from helpers import ROOT, build_site, ds_for, json_rows

FIXTURE = ROOT / "tests" / "fixtures" / "2020"


def fund_amounts(year_dir):
    """专项名称 -> amount in 元, read straight from a year's form 1 CSV."""
    rows = csv.DictReader(io.StringIO((year_dir / "form1_special_funds.csv").read_text(encoding="utf-8-sig")))
    return {r["专项支出名称"]: int(Decimal(r["资金总额"]) * 10000) for r in rows}


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    # 2019 as published plus the fictional 2020, whatever other years data/ holds by now
    data = tmp_path_factory.mktemp("years") / "data"
    data.mkdir()
    shutil.copy(ROOT / "data" / "departments.csv", data)
    shutil.copytree(ROOT / "data" / "2019", data / "2019")
    shutil.copytree(FIXTURE, data / "2020")
    return ds_for(build_site(data, data.parent / "site")), data


async def test_fund_changes_match_the_csvs(two_years):
    ds, data = two_years
    before, after = fund_amounts(data / "2019"), fund_amounts(data / "2020")
    changes = await json_rows(ds, "/budget/fund_year_changes", 年度="2020", _size="max")
    by_name = {c["专项名称"]: c for c in changes}
    assert set(by_name) == set(before) | set(after)
    for name, change in by_name.items():
        expected_status = "新增" if name not in before else "停止" if name not in after else "延续"
        assert change["状态"] == expected_status, name
        assert change["变化_元"] == after.get(name, 0) - before.get(name, 0), name
    assert by_name["困难群众临时救助资金"]["状态"] == "新增"
    assert by_name["居家和社区养老改革试点配套资金"]["状态"] == "停止"
    assert by_name["残疾人两项补贴"]["变化_万元"] == 5 and by_name["残疾人两项补贴"]["变化_百分比"] == 5.6


async def test_no_changes_for_the_first_year(two_years):
    ds, _ = two_years
    assert await json_rows(ds, "/budget/fund_year_changes", 年度="2019") == []


async def test_categories_and_directions_compare_too(two_years):
    ds, _ = two_years
    categories = await json_rows(ds, "/budget/category_year_changes", 年度="2020")
    assert len(categories) == 7 and {c["状态"] for c in categories} == {"延续"}
    assert {c["支出类别"]: c["变化_万元"] for c in categories}["抚恤支出"] == 10.63
    directions = await json_rows(ds, "/budget/direction_year_changes", 年度="2020", 状态="停止")
    assert [d["专项名称"] for d in directions] == ["居家和社区养老改革试点配套资金"]


async def test_saved_query_fund_changes(two_years):
    ds, data = two_years
    result = await json_rows(ds, "/budget/fund_changes", 年度="2020", 部门="全部")
    assert len(result) == len(set(fund_amounts(data / "2019")) | set(fund_amounts(data / "2020")))
    assert result[0]["专项名称"] == "居家和社区养老改革试点配套资金"  # the largest change first: −150, discontinued


async def test_landing_shows_the_latest_year_and_its_changes(two_years):
    ds, _ = two_years
    page = (await ds.client.get("/")).text
    assert "2020 年预算" in page
    funds_change = re.search(r'data-change="funds">([^<]+)<', page).group(1)
    assert funds_change == "比 2019 年 −75 万元"  # 917 - 992
    assert re.search(r'data-change="2020-shifeng-minzheng-08">2019 年没有，新增', page)
    assert 'data-change="2020-shifeng-minzheng-01">比 2019 年 +5 万元' in page
    assert "居家和社区养老改革试点配套资金</a>（2019 年 150 万元）" in page
    assert 'href="/?%E5%B9%B4%E5%BA%A6=2019' in page  # a way back to 2019
    earlier = (await ds.client.get("/?" + urllib.parse.urlencode({"年度": "2019"}))).text
    assert "2019 年预算" in earlier and "data-change" not in earlier


async def test_fund_cards_link_the_years(two_years):
    ds, _ = two_years
    card = (await ds.client.get("/budget/special_funds/2020-shifeng-minzheng-01")).text
    assert re.search(r"2019 年：<a href=\"/budget/special_funds/2019-shifeng-minzheng-01\">90 万元</a>，\s+今年\+5 万元（\+5.6%）", card)
    old = (await ds.client.get("/budget/special_funds/2019-shifeng-minzheng-07")).text
    assert "2020 年不再列出这项专项" in old
    new = (await ds.client.get("/budget/special_funds/2020-shifeng-minzheng-08")).text
    assert "2019 年没有这项专项，2020 年新增" in new


async def test_checks_and_search_cover_both_years(two_years):
    ds, _ = two_years
    checks = await json_rows(ds, "/budget/data_checks", 对象_id="2020-shifeng-minzheng", _size="max")
    assert {c["检查项"]: c["结果"] for c in checks}["基本支出＋项目支出＝资金总额"] == "一致"  # 335 + 1300.5
    page = (await ds.client.get("/search?" + urllib.parse.urlencode({"q": "临时救助"}))).text
    assert "2020 年" in page and 'data-total="0"' not in page
    page = (await ds.client.get("/search?" + urllib.parse.urlencode({"q": "低保", "年度": "2019"}))).text
    assert "2020 年 ·" not in page
