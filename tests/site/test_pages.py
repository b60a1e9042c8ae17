"""The citizen's pages: every figure comes from the database, every source cell shows on its form page."""
import html
import re
import urllib.parse
from decimal import Decimal

import pytest

import seed_forms
from helpers import figure, landing_choices


def wan(yuan):
    return f"{Decimal(yuan) / 10000:.4f}".rstrip("0").rstrip(".") + " 万元"


def check_landing_figures(page, budget_db, year, department):
    """Every headline figure and fund share on a landing page is summed from that year's rows in budget.db."""
    assert f"{department} {year} 年预算" in page
    b = budget_db.execute("select * from department_budgets where 年度 = ? and 部门 = ?", [year, department]).fetchone()
    funds = budget_db.execute(
        "select 专项名称, 资金总额_元 from special_funds where 年度 = ? and 部门 = ?", [year, department]).fetchall()
    funds_total = sum(yuan for _, yuan in funds)
    assert figure(page, "total") == wan(b["资金总额_元"])
    assert figure(page, "basic") == wan(b["基本支出_元"])
    assert figure(page, "project") == wan(b["项目支出_元"])
    assert figure(page, "funds") == wan(funds_total)
    gap = b["资金总额_元"] - b["基本支出_元"] - b["项目支出_元"]
    assert ('data-figure="parts-gap"' in page) == (gap != 0)
    if gap:
        assert re.search(rf"相差\s+{re.escape(wan(abs(gap)))}", page)
    for name, yuan in funds:
        share = f"{Decimal(yuan) * 100 / funds_total:.1f}%"  # of the same year's funds
        # the name and its share in the same row of the chart
        assert re.search(rf"{re.escape(name)}</a>(?:(?!</tr>).)*>{re.escape(share)}<", page, re.S), (year, name)


async def test_landing_figures_equal_sql_sums(ds, budget_db):
    choices = landing_choices(budget_db)
    check_landing_figures((await ds.client.get("/")).text, budget_db, *choices[0])  # the latest year
    for year, department in choices:
        page = (await ds.client.get("/?" + urllib.parse.urlencode({"年度": year, "部门": department}))).text
        check_landing_figures(page, budget_db, year, department)


async def test_landing_shows_the_2019_figures_as_filed(ds):
    page = (await ds.client.get("/?年度=2019")).text
    assert figure(page, "total") == "1593.88 万元"
    assert figure(page, "basic") == "327 万元"
    assert figure(page, "project") == "1266.87 万元"
    assert figure(page, "funds") == "992 万元"
    assert re.search(r"相差\s+0\.01 万元", page)
    assert re.search(r"惠民资金</a>(?:(?!</tr>).)*>36\.3%<", page, re.S)  # 360 of 992


@pytest.mark.parametrize("number", range(1, 9))
async def test_fund_card(ds, budget_db, number):
    """The eight funds of the 2019 forms, each card checked against budget.db."""
    fund = budget_db.execute("select * from special_funds where 年度 = 2019 and 序号 = ?", [number]).fetchone()
    response = await ds.client.get(f"/budget/special_funds/{fund['id']}")
    assert response.status_code == 200
    page = response.text
    assert f"<h1>{html.escape(fund['专项名称'])}</h1>" in page
    assert figure(page, "amount") == wan(fund["资金总额_元"])
    assert figure(page, "share") == share_of_its_year(budget_db, fund)
    empty = budget_db.execute(
        "select count(*) from performance_indicators where 专项_id = ? and 指标值 is null", [fund["id"]]).fetchone()[0]
    assert page.count('<span class="empty">未设置</span>') == empty
    for (value,) in budget_db.execute(
            "select 指标值 from performance_indicators where 专项_id = ? and 指标值 is not null", [fund["id"]]):
        assert html.escape(value) in page
    differs = budget_db.execute(
        "select count(*) from expenditure_directions where 专项_id = ? and (实施期绩效目标 != ? or 年度绩效目标 != ?)",
        [fund["id"], fund["实施期绩效目标"], fund["年度绩效目标"]]).fetchone()[0]
    assert ('data-note="forms-differ"' in page) == bool(differs)
    # links to the source rows and the raw filing all answer
    for link in re.findall(r'href="(/(?:budget|filings|forms)[^"#]*)"', page):
        assert (await ds.client.get(html.unescape(link))).status_code == 200, link


def share_of_its_year(budget_db, fund):
    """A fund's share of the same year's (and department's) special funds, as the card prints it."""
    total = budget_db.execute("select sum(资金总额_元) from special_funds where 年度 = ? and 部门 = ?",
                              [fund["年度"], fund["部门"]]).fetchone()[0]
    return f"{Decimal(fund['资金总额_元']) * 100 / total:.1f}%"


async def test_every_fund_card_in_every_year(ds, budget_db):
    funds = budget_db.execute("select * from special_funds order by id").fetchall()
    assert len(funds) >= 8
    for fund in funds:
        page = (await ds.client.get(f"/budget/special_funds/{fund['id']}")).text
        assert f"<h1>{html.escape(fund['专项名称'])}</h1>" in page, fund["id"]
        assert figure(page, "amount") == wan(fund["资金总额_元"]), fund["id"]
        assert figure(page, "share") == share_of_its_year(budget_db, fund), fund["id"]


async def test_fund_card_json_is_still_datasette_json(ds):
    response = await ds.client.get("/budget/special_funds/2019-shifeng-minzheng-01.json?_shape=array")
    assert response.json()[0]["专项名称"] == "残疾人两项补贴"


FORM_CELLS = {
    1: [c for row in [seed_forms.form1()[0]] + seed_forms.form1()[1] for c in row],
    2: [c for row in [seed_forms.form2()[0]] + seed_forms.form2()[1] for c in row],
    3: seed_forms.form3(),
}


@pytest.mark.parametrize("number", [1, 2, 3])
async def test_form_page_shows_every_source_cell(ds, number):
    response = await ds.client.get(f"/forms/2019/shifeng-minzheng/{number}")
    assert response.status_code == 200
    page = response.text
    missing = [c for c in FORM_CELLS[number] if c and html.escape(c, quote=False) not in page]
    assert missing == []
    title = [seed_forms.FORM1_TITLE, seed_forms.FORM2_TITLE, seed_forms.FORM3_TITLE][number - 1]
    assert f'<h1 class="form-title">{title}</h1>' in page


async def test_form_2_header_is_merged_like_the_paper_form(ds):
    page = (await ds.client.get("/forms/2019/shifeng-minzheng/2")).text
    assert re.search(r'<th scope="col" colspan="9">绩效指标</th>', page)
    assert re.search(r'<th scope="col" colspan="4">产出指标</th>', page)
    assert re.search(r'<th scope="col" colspan="5">效益指标</th>', page)
    assert re.search(r'<th scope="col" rowspan="3">所 属专项名称</th>', page)


async def test_forms_index_and_unknown_form(ds, budget_db):
    page = (await ds.client.get("/forms")).text
    assert page.count('href="/forms/2019/shifeng-minzheng/') == 3
    forms = budget_db.execute(
        "select f.年度, d.部门编码, f.表号 from forms f join departments d on d.部门 = f.部门").fetchall()
    for year, code, number in forms:  # every year's three forms
        assert f'href="/forms/{year}/{code}/{number}"' in page
    assert page.count('href="/forms/') == len(forms)
    response = await ds.client.get("/forms/2019/shifeng-minzheng/9")
    assert response.status_code == 404
    response = await ds.client.get("/forms/2018/shifeng-minzheng/1")
    assert response.status_code == 404 and "找不到这张表" in response.text


async def test_footer_has_source_licence_and_build_date(ds):
    page = (await ds.client.get("/")).text
    assert "数据来源" in page and "CC BY 4.0" in page
    assert re.search(r"数据生成于 <time datetime=\"\d{4}-\d\d-\d\dT\d\d:\d\d\+08:00\">\d{4}年\d{1,2}月\d{1,2}日</time>", page)
