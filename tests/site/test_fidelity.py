"""Every non-empty cell of the three source forms is in budget.db, verbatim and in the right place; every curated
CSV is in filings.db verbatim; the keys hold."""
import re
import sqlite3
from decimal import Decimal

import pytest

import seed_forms
from helpers import ROOT, read

FORM1_HEADER, FORM1_ROWS = seed_forms.form1()
FORM2_HEADER, FORM2_ROWS = seed_forms.form2()
FORM3_CELLS = seed_forms.form3()
SLOT_NAMES = seed_forms.indicator_columns()


def test_source_has_what_the_issue_describes():
    assert len(FORM1_ROWS) == 8 and len(FORM2_ROWS) == 8
    assert SLOT_NAMES[0] == "数量指标" and SLOT_NAMES[-1] == "社会公益或服务对象满意度指标"


@pytest.mark.parametrize("cells", FORM1_ROWS, ids=[r[1] for r in FORM1_ROWS])
def test_form1_row(budget_db, cells):
    number, name, direction, amount, period_target, annual_target = cells
    row = budget_db.execute("select * from special_funds where 年度 = 2019 and 序号 = ?", [int(number)]).fetchone()
    assert row["专项名称"] == name
    assert row["支出方向"] == direction
    assert row["资金总额_原文"] == amount
    assert Decimal(str(row["资金总额_万元"])) == Decimal(amount)
    assert row["资金总额_元"] == int(Decimal(amount) * 10000)
    assert row["实施期绩效目标"] == period_target
    assert row["年度绩效目标"] == annual_target


@pytest.mark.parametrize("cells", FORM2_ROWS, ids=[r[2] for r in FORM2_ROWS])
def test_form2_row_and_its_nine_indicators(budget_db, cells):
    department, direction, fund_name, period, amount, period_target, annual_target = cells[:7]
    row = budget_db.execute(
        "select d.* from expenditure_directions d join special_funds f on f.id = d.专项_id "
        "where d.年度 = 2019 and f.专项名称 = ?", [fund_name]).fetchone()
    assert (row["主管部门"], row["支出方向"], row["专项实施期"]) == (department, direction, period)
    assert row["年度金额_原文"] == amount
    assert row["年度金额_元"] == int(Decimal(amount) * 10000)
    assert (row["实施期绩效目标"], row["年度绩效目标"]) == (period_target, annual_target)
    indicators = budget_db.execute(
        "select * from performance_indicators where 支出方向_id = ? order by 指标序号", [row["id"]]).fetchall()
    assert len(indicators) == 9
    for slot, (indicator, cell) in enumerate(zip(indicators, cells[7:])):
        assert indicator["二级指标"] == SLOT_NAMES[slot]
        assert indicator["一级指标"] == ("产出指标" if slot < 4 else "效益指标")
        assert indicator["指标值"] == (cell if cell else None)
        assert indicator["专项_id"] == row["专项_id"]


def test_form3(budget_db):
    c = FORM3_CELLS
    row = budget_db.execute("select * from department_budgets where 年度 = 2019").fetchone()
    assert row["部门"] == c[1] == "石峰区民政局"
    assert (row["资金总额_原文"], row["基本支出_原文"], row["项目支出_原文"]) == (c[4], c[7], c[9])
    assert (row["资金总额_元"], row["基本支出_元"], row["项目支出_元"]) == (15938800, 3270000, 12668700)
    assert row["整体绩效目标"] == c[11]
    assert row["产出指标"] == c[14] and row["产出指标"].startswith("    民政管理事务支出839万元")
    assert row["效益指标"] == c[16]
    assert row["业务股室意见"] is None and row["绩效股意见"] is None  # blank on the form


def test_form3_breakdown_matches_the_output_cell(budget_db):
    """The seven categories, parsed here independently from the filed 产出指标 text."""
    text = FORM3_CELLS[14]
    filed = re.findall(r"([^；\s]+?支出)([\d.]+)万元", text)
    rows = budget_db.execute("select * from department_expenditures where 年度 = 2019 order by 序号").fetchall()
    assert [(r["支出类别"], r["金额_原文"]) for r in rows] == filed
    assert all(r["原文"] in text for r in rows)


def test_labels_headers_and_titles_are_kept(budget_db):
    layout = {(r["表_id"][-1], r["原文"]) for r in budget_db.execute(
        "select 表_id, 原文 from form_layout where 年度 = 2019")}
    for header in FORM1_HEADER:
        assert ("1", header) in layout
    for header in FORM2_HEADER:
        assert ("2", header) in layout  # includes '所 属专项名称' and '数量\n指标' as printed
    data_cells = {FORM3_CELLS[i] for i in (1, 4, 7, 9, 11, 14, 16)}
    for label in FORM3_CELLS:
        if label not in data_cells:
            assert ("3", label) in layout, label
    forms = budget_db.execute("select 表名, 标题行原文 from forms where 年度 = 2019 order by 表号").fetchall()
    assert len(forms) == 3
    for (title, subtitle), form in zip(seed_forms.title_lines(), forms):
        assert (form["表名"], form["标题行原文"]) == (title, subtitle)
    assert forms[2]["表名"] == seed_forms.FORM3_TITLE


def test_every_nonempty_source_cell_is_somewhere_in_budget_db(budget_db):
    values = set()
    tables = [r[0] for r in budget_db.execute("select name from sqlite_master where type = 'table'")]
    for table in tables:
        for row in budget_db.execute(f"select * from [{table}]"):
            values.update(str(v) for v in row if v is not None)
    form1, form2, form3 = seed_forms.split_forms(seed_forms.read_lines())
    source_cells = [c for c in seed_forms.cells(form1[3:]) + seed_forms.cells(form2[3:]) + seed_forms.cells(form3[1:]) if c]
    titles = [line for pair in seed_forms.title_lines() for line in pair] + [seed_forms.FORM3_TITLE]
    missing = [c for c in source_cells + titles if c not in values]
    assert missing == []
    assert len(source_cells) > 200  # the parser really read the forms


def test_typos_are_kept_not_fixed(budget_db):
    values = [r[0] for r in budget_db.execute(
        "select 指标值 from performance_indicators where 年度 = 2019 and 指标值 is not null")]
    assert sum("应保尽保存" in v for v in values) == 2
    assert any(v.endswith("160元/月.人60") for v in values)


def test_forms_1_and_2_disagree_and_both_are_kept(budget_db):
    rows = budget_db.execute(
        "select f.专项名称, f.实施期绩效目标 as t1, d.实施期绩效目标 as t2 from special_funds f "
        "join expenditure_directions d on d.专项_id = f.id "
        "where f.年度 = 2019 and f.实施期绩效目标 != d.实施期绩效目标").fetchall()
    assert {r["专项名称"] for r in rows} == {"城市低保金", "农村低保金"}


def test_totals_are_published_as_filed(budget_db):
    funds = budget_db.execute("select sum(资金总额_元), sum(资金总额_万元) from special_funds where 年度 = 2019").fetchone()
    assert funds[0] == 9920000 and funds[1] == 992
    breakdown = budget_db.execute("select sum(金额_元) from department_expenditures where 年度 = 2019").fetchone()[0]
    assert breakdown == 15938700  # 1593.87 万元
    declared = budget_db.execute("select 资金总额_元 from department_budgets where 年度 = 2019").fetchone()[0]
    assert declared == 15938800  # 1593.88 万元: one hundred yuan more, published as it is


def test_filings_db_holds_every_csv_verbatim(built):
    conn = sqlite3.connect(built / "filings.db")
    sources = [ROOT / "data" / "departments.csv"] + sorted((ROOT / "data").glob("*/*.csv"))
    for source in sources:
        table = source.stem
        label = str(source.relative_to(ROOT))
        header, *body = read(source)
        stored = conn.execute(f"select * from [{table}] where 来源文件 = ? order by rowid", [label]).fetchall()
        columns = [d[0] for d in conn.execute(f"select * from [{table}] limit 0").description]
        assert columns == header + ["来源文件"]
        assert [[v if v is not None else "" for v in row[:-1]] for row in stored] == body, label
        types = {r[2] for r in conn.execute(f"pragma table_info([{table}])")}
        assert types == {"TEXT"}


def test_foreign_keys_hold(budget_db):
    assert budget_db.execute("pragma foreign_key_check").fetchall() == []
    links = set(budget_db.execute(
        "select m.name, p.[from], p.[table] from sqlite_master m, pragma_foreign_key_list(m.name) p").fetchall())
    links = {tuple(link) for link in links}
    assert ("expenditure_directions", "专项_id", "special_funds") in links
    assert ("performance_indicators", "支出方向_id", "expenditure_directions") in links


def test_nine_indicator_rows_per_direction(budget_db):
    counts = budget_db.execute(
        "select d.年度, count(i.id) from expenditure_directions d "
        "left join performance_indicators i on i.支出方向_id = d.id group by d.id").fetchall()
    assert [c[1] for c in counts] == [9] * len(counts)  # every direction of every year, none without indicators
    assert sum(1 for year, _ in counts if year == 2019) == 8  # the eight directions of the 2019 form 2
    assert budget_db.execute("select count(*) from performance_indicators").fetchone()[0] == 9 * len(counts)
