"""Parsed indicator values and target-quality flags (builder/derive/indicators.py and the tables it derives).

The heart is EXPECTED (tests/expected_indicators.py): every non-empty 2019 indicator cell of form 2, read straight
from the source document by tests/seed_forms.py, with the quantities a careful reader finds in it, written out by
hand. A change in parsing, or a new cell, fails the test; so does a number that is silently dropped (UNPARSED lists
the digits we leave alone).
"""
from decimal import Decimal

import pytest

import builder.derive.indicators as ia
import seed_forms
from expected_indicators import EXPECTED, UNPARSED, measurable, seed_cells


def described(quantity):
    value = lambda number: None if number is None else str(number)  # noqa: E731
    return dict(kind=quantity.kind, fragment=quantity.fragment, value=value(quantity.value), low=value(quantity.low),
                high=value(quantity.high), unit=quantity.unit, period=quantity.period, per=quantity.per,
                qualifier=quantity.qualifier,
                yuan=quantity.yuan(quantity.value) if isinstance(quantity.value, Decimal) else None,
                low_yuan=quantity.yuan(quantity.low), high_yuan=quantity.yuan(quantity.high), note=bool(quantity.note))


def test_every_indicator_cell_is_listed():
    cells = seed_cells()
    assert len(cells) == 53
    assert set(cells) == set(EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_indicator_cell_parse(key):
    text = seed_cells()[key]
    quantities = ia.parse_indicator(text)
    assert [described(x) for x in quantities] == EXPECTED[key], text
    # each fragment is exactly the source text at its offset, in reading order, never overlapping
    end = 0
    for x in quantities:
        assert text[x.start:x.start + len(x.fragment)] == x.fragment
        assert x.start >= end
        end = x.start + len(x.fragment)
    assert [digits for digits, _ in ia.unparsed_numbers(text)] == UNPARSED.get(key, [])


def test_stray_digits_are_reported_where_they_stand():
    text = seed_cells()[("农村低保金", "成本指标")]
    [(digits, offset)] = ia.unparsed_numbers(text)
    assert text.endswith("160元/月.人60") and offset == len(text) - 2
    text = seed_cells()[("城乡医疗救助", "成本指标")]
    [(digits, offset)] = ia.unparsed_numbers(text)
    assert text[offset:] == "320/年"


@pytest.mark.parametrize("text,expected", [
    ("3个月内完成", []),  # a duration, not three of something
    ("6个月", []),
    ("护理险320/年", []),  # no unit: not assumed to be 元
    ("10月前完成", []),  # a month without any year in the cell
    ("2019年", []),  # a year alone is not a deadline
    ("2019年2月30日前", []),  # no such day
    ("13月", []),
    ("2019年底前完成，5-6月验收", [("期限", "2019年底前", "2019-12-31", None)]),  # a month range: not read as June
    ("3-5", []),  # a range without a unit
    ("１２０人", [("数量", "１２０人", "120", "人")]),  # full-width digits
    ("2020年12月31日前", [("期限", "2020年12月31日前", "2020-12-31", None)]),
    ("2020年2月底", [("期限", "2020年2月底", "2020-02-29", None)]),
    ("最高不超过5万元", [("区间", "不超过5万元", None, "万元")]),
    ("0.5元/人", [("金额标准", "0.5元/人", "0.5", "元")]),
    ("80%-90%", [("区间", "80%-90%", None, "%")]),
    # counted in 万, as a standard form's 指标性质 | 指标值 | 度量单位 read across (≥ | 320 | 万平方米): these were
    # judged to state no number at all
    ("≥320万平方米", [("区间", "≥320万平方米", None, "万平方米")]),
    ("4.5万吨", [("数量", "4.5万吨", "4.5", "万吨")]),
    ("1.2万人次以上", [("区间", "1.2万人次以上", None, "万人次")]),  # as 2000人以上
    ("5万元", [("金额", "5万元", "5", "万元")]),  # still money, not a count in 万
])
def test_edge_cases(text, expected):
    assert [(x.kind, x.fragment, None if x.value is None else str(x.value), x.unit)
            for x in ia.parse_indicator(text)] == expected


def test_money_in_whole_yuan_only_when_exact():
    [half] = ia.parse_indicator("0.5元/人")
    assert half.yuan(half.value) is None  # not a whole number of 元: no integer is made up
    [amount] = ia.parse_indicator("1.2345万元")
    assert amount.yuan(amount.value) == 12345
    [bound] = ia.parse_indicator("不超过5万元")
    assert (bound.low, bound.yuan(bound.high)) == (None, 50000)


@pytest.mark.parametrize("text,expected", [
    ("2000人", 1), ("100%", 1), ("2019年底前完成", 1), ("70元/月/人", 1), ("1.2万元等", 1),
    ("丰富我区年满80周岁至99周岁的老年人物质生活", 0),  # only an age range: who, not what
    ("按文件做好残疾人两项补贴工作", 0), ("区划范围内", 0), ("", 0), (None, 0), ("  ", 0),
])
def test_measurability(text, expected):
    assert ia.measurability(text)[0] == expected


@pytest.mark.parametrize("text,fund,restates", [
    ("按文件做好残疾人两项补贴工作", "残疾人两项补贴", 1),
    ("按文件做好困难群众生活保障工作", "城市低保金", 1),  # the issue's own example: 按文件做好…工作
    ("按文件用好惠民资金", "惠民资金", 1),
    ("支付高龄老人补贴等资金", "高龄老人补贴等惠民扩面提标资金", 1),  # only the fund's own words
    ("按文件保障城市低保户困难群众基本生活，补充上级资金的不足", "城市低保金", 0),  # says whose money it tops up
    ("做好社区设施维护、社区文体公益活动、 社区社会组织培育发展、社区环境卫生治理、社区志愿服务工作。", "惠民资金", 0),
    ("按文件做好2000人的补贴工作", "残疾人两项补贴", 0),  # a number is more than a restatement
    (None, "惠民资金", 0),
])
def test_restates_fund(text, fund, restates):
    assert ia.restates_fund(text, fund) == restates


def test_same_as_annual():
    assert ia.same_as_annual("按文件做好工作", "按文件做好工作") == 1
    assert ia.same_as_annual("按文件做好工作", "按文件用好资金") == 0
    assert ia.same_as_annual("", "") == 0  # two empty cells are not a repeated promise


# ---------------------------------------------------------------------------
# The tables in budget.db
# ---------------------------------------------------------------------------


def test_indicator_values_table_matches_expected(budget_db):
    ids = {r["id"]: r for r in budget_db.execute(
        "select i.id, f.专项名称, i.二级指标 from performance_indicators i join special_funds f on f.id = i.专项_id "
        "where i.年度 = 2019")}
    found = {}
    for row in budget_db.execute("select * from indicator_values where 年度 = 2019 order by 指标_id, 序号"):
        indicator = ids[row["指标_id"]]
        found.setdefault((indicator["专项名称"], indicator["二级指标"]), []).append(
            (row["类型"], row["原文片段"], row["数值"], row["下限"], row["上限"], row["单位"], row["数值_元"],
             row["下限_元"], row["上限_元"]))
    expected = {key: [(e["kind"], e["fragment"], e["value"], e["low"], e["high"], e["unit"], e["yuan"], e["low_yuan"],
                       e["high_yuan"]) for e in quantities] for key, quantities in EXPECTED.items() if quantities}
    assert found == expected


def test_indicator_values_point_into_the_verbatim_cell(budget_db):
    rows = budget_db.execute(
        "select v.年度, v.原文片段, substr(i.指标值, v.起始位置 + 1, length(v.原文片段)) as cut "
        "from indicator_values v join performance_indicators i on i.id = v.指标_id").fetchall()
    assert sum(r["年度"] == 2019 for r in rows) == sum(len(x) for x in EXPECTED.values())
    assert all(r["原文片段"] == r["cut"] for r in rows)  # every year


def test_no_float_columns_and_integrity(budget_db):
    for table in ("indicator_values", "target_quality"):
        types = {r["name"]: r["type"] for r in budget_db.execute(f"pragma table_info([{table}])")}
        assert "REAL" not in types.values() and "FLOAT" not in types.values()
        assert budget_db.execute(f"pragma foreign_key_check([{table}])").fetchall() == []
    assert budget_db.execute(
        "select count(*) from indicator_values where typeof(数值_元) not in ('integer', 'null') "
        "or typeof(数值) not in ('text', 'null')").fetchone()[0] == 0


def test_target_quality_has_every_promise(budget_db):
    cells = seed_cells()
    _, rows = seed_forms.form2()
    funds, directions = budget_db.execute("select count(*) from special_funds where 年度 = 2019").fetchone()[0], len(rows)
    counts = dict(budget_db.execute(
        "select 来源, count(*) from target_quality where 年度 = 2019 group by 来源").fetchall())
    assert counts == {"表1": 2 * funds, "表2": 2 * directions, "指标": 9 * directions}
    empty = budget_db.execute(
        "select count(*) from target_quality where 年度 = 2019 and 来源 = '指标' and 未填写 = 1").fetchone()[0]
    assert empty == 9 * directions - len(cells) == 19
    measurable_cells = [k for k, quantities in EXPECTED.items() if measurable(quantities)]
    assert budget_db.execute("select count(*) from target_quality where 年度 = 2019 and 来源 = '指标' and 可衡量 = 1"
                             ).fetchone()[0] == len(measurable_cells)
    # no target on form 1 or form 2 states a number, amount, percentage or date (read from the forms)
    assert budget_db.execute(
        "select count(*) from target_quality where 年度 = 2019 and 来源 != '指标' and 可衡量 = 1").fetchone()[0] == 0
    unparsed = dict(budget_db.execute(
        "select q.原文, q.未解析数字 from target_quality q where q.年度 = 2019 and q.未解析数字 is not null").fetchall())
    assert sorted(unparsed.values()) == ["320", "60"]
    # In every year: one promise per target of forms 1 and 2 and per indicator slot.
    for table, source, per_row in (("special_funds", "表1", 2), ("expenditure_directions", "表2", 2),
                                   ("expenditure_directions", "指标", 9)):
        assert budget_db.execute(f"select count(*) from {table}").fetchone()[0] * per_row == budget_db.execute(
            "select count(*) from target_quality where 来源 = ?", [source]).fetchone()[0], source


def test_identical_and_restating_flags(budget_db):
    identical = {r[0] for r in budget_db.execute(
        "select f.专项名称 from target_quality q join special_funds f on f.id = q.专项_id "
        "where q.年度 = 2019 and q.来源 = '表1' and q.与年度目标相同 = 1")}
    assert identical == {"残疾人两项补贴", "城市低保金", "农村低保金", "区划地名工作经费", "居家和社区养老改革试点配套资金"}
    assert budget_db.execute("select count(*) from target_quality where 字段 != '实施期绩效目标' "
                             "and 与年度目标相同 is not null").fetchone()[0] == 0
    restating = {r[0] for r in budget_db.execute(
        "select distinct 原文 from target_quality where 年度 = 2019 and 仅复述专项 = 1")}
    assert restating == {"按文件做好残疾人两项补贴工作", "按文件做好困难群众生活保障工作", "支付高龄老人补贴等资金",
                         "按文件做好地名区划工作", "按文件用好惠民资金", "按文件做好居家和社区养老改革试点建设"}
