"""Sites built from edited copies of data/: the landing page, the data checks and the standard downloads follow
the data, and two builds of the same data give the same downloads. (The session's own site, as data/ makes it, is
checked in tests/site/.)"""
import json
import re
import sqlite3

from helpers import ROOT, build_site, ds_for, edit, figure, read, set_cell, tree, write


async def test_landing_follows_the_data(data_copy, tmp_path):
    """Change a CSV, rebuild, and the landing page shows the new figures."""
    edit("form1_special_funds.csv", set_cell(7, "资金总额", "361"))(data_copy)  # 惠民资金 360 -> 361
    edit("form3_department_budget.csv", set_cell(2, "基本支出", "328万元"))(data_copy)
    ds = ds_for(build_site(data_copy, tmp_path / "site"))
    page = (await ds.client.get("/?年度=2019")).text  # data/ may hold later years; `/` shows the latest
    assert figure(page, "funds") == "993 万元"
    assert figure(page, "basic") == "328 万元"
    assert re.search(r"相差\s+0\.99 万元", page)


def test_a_failed_check_does_not_stop_the_build(data_copy, tmp_path):
    """Form 2 gives fund 01 a different amount from form 1: the build succeeds and publishes the disagreement."""
    edit("form2_expenditure_directions.csv", set_cell(2, "支出方向年度金额", "91"))(data_copy)  # form 1: 90
    conn = sqlite3.connect(build_site(data_copy, tmp_path / "site") / "budget.db")
    row = conn.execute("select 期望值, 实际值, 差额_元, 结果 from data_checks where id = ?",
                       ["2019-shifeng-minzheng-01-amount"]).fetchone()
    assert row == ("90", "91", 10000, "不一致")


def test_fiscal_period_follows_the_years_in_the_data(data_copy, tmp_path):
    """Add a year after the last one in data/ (a copy of 2019 with 年度 changed): the period and the row counts
    follow the data."""
    years = sorted(int(p.name) for p in data_copy.iterdir() if p.is_dir() and p.name.isdigit())
    new_year = str(years[-1] + 1)
    (data_copy / new_year).mkdir()
    for source in (data_copy / "2019").glob("*.csv"):
        header, *body = read(source)
        for row in body:
            row[header.index("年度")] = new_year
            if "记录_id" in header:
                row[header.index("记录_id")] = row[header.index("记录_id")].replace("2019-", f"{new_year}-", 1)
        write(data_copy / new_year / source.name, [header] + body)
    site = build_site(data_copy, tmp_path / "site")
    descriptor = json.loads((site / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["fiscalPeriod"] == {"start": f"{years[0]}-01-01", "end": f"{new_year}-12-31"}
    funds_before = sum(len(read(data_copy / str(y) / "form1_special_funds.csv")) - 1 for y in years)
    assert len(read(site / "downloads" / "special_funds.csv")) == 1 + funds_before + 8


def test_downloads_are_deterministic(tmp_path):
    a = build_site(ROOT / "data", tmp_path / "a")
    b = build_site(ROOT / "data", tmp_path / "b")
    assert tree(a / "downloads") == tree(b / "downloads")
    assert len(tree(a / "downloads")) >= 14  # 12 tables, datapackage.json and the source document
