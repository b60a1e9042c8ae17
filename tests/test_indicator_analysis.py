"""Parsed indicator values and target-quality flags.

The heart is EXPECTED: every non-empty 2019 indicator cell of form 2, read straight from the source document by
tests/seed_forms.py, with the quantities a careful reader finds in it, written out by hand. A change in parsing, or
a new cell, fails the test; so does a number that is silently dropped (UNPARSED lists the digits we leave alone).
"""
import html
import re
import urllib.parse
from decimal import Decimal

import pytest
from axe_playwright_python.async_playwright import Axe

import indicator_analysis as ia
import seed_forms
from test_browser import Visit, browser, server  # noqa: F401  (fixtures: real Chromium, real datasette serve)

SLOTS = ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
         "社会公益或服务对象满意度指标"]


def q(kind, fragment, value=None, low=None, high=None, unit=None, period=None, per=None, qualifier=None,
      yuan=None, low_yuan=None, high_yuan=None, note=False):
    return dict(kind=kind, fragment=fragment, value=value, low=low, high=high, unit=unit, period=period, per=per,
                qualifier=qualifier, yuan=yuan, low_yuan=low_yuan, high_yuan=high_yuan, note=note)


def pct(fragment="100%", value="100"):
    return q("比例", fragment, value, unit="%")


def deadline(fragment, date, qualifier=None, borrowed_year=False):
    return q("期限", fragment, date, qualifier=qualifier, note=borrowed_year)


YEAR_END = deadline("2019年底前", "2019-12-31", "前")

EXPECTED = {  # (专项名称, 二级指标) -> quantities, left to right
    ("残疾人两项补贴", "数量指标"): [q("数量", "各2000人", "2000", unit="人", qualifier="各")],  # 两项: a name, not parsed
    ("残疾人两项补贴", "质量指标"): [pct()],
    ("残疾人两项补贴", "时效指标"): [YEAR_END],  # 按月发放: how often, no number
    ("残疾人两项补贴", "成本指标"): [q("金额标准", "70元/月/人", "70", unit="元", period="月", per="人", yuan=70)] * 2,
    ("残疾人两项补贴", "社会效益指标"): [],
    ("残疾人两项补贴", "可持续影响指标"): [],
    ("残疾人两项补贴", "社会公益或服务对象满意度指标"): [pct()],

    ("城市低保金", "数量指标"): [q("数量", "3500人", "3500", unit="人")],
    ("城市低保金", "质量指标"): [pct()],
    ("城市低保金", "时效指标"): [YEAR_END],
    ("城市低保金", "成本指标"): [  # A/B/C类: category letters
        q("区间", "450-520元/月.人", low="450", high="520", unit="元", period="月", per="人", low_yuan=450, high_yuan=520),
        q("区间", "400-450元/月.人", low="400", high="450", unit="元", period="月", per="人", low_yuan=400, high_yuan=450),
        q("区间", "300-400元/月.人", low="300", high="400", unit="元", period="月", per="人", low_yuan=300, high_yuan=400)],
    ("城市低保金", "社会效益指标"): [],
    ("城市低保金", "可持续影响指标"): [],
    ("城市低保金", "社会公益或服务对象满意度指标"): [pct()],

    ("农村低保金", "数量指标"): [q("数量", "750人", "750", unit="人")],
    ("农村低保金", "质量指标"): [pct()],
    ("农村低保金", "时效指标"): [YEAR_END],
    ("农村低保金", "成本指标"): [  # 一类/二类/三类: Chinese numerals; the trailing "60" is a stray, see UNPARSED
        q("金额标准", "260元/月.人", "260", unit="元", period="月", per="人", yuan=260),
        q("金额标准", "210元/月.人", "210", unit="元", period="月", per="人", yuan=210),
        q("金额标准", "160元/月.人", "160", unit="元", period="月", per="人", yuan=160)],
    ("农村低保金", "社会效益指标"): [],
    ("农村低保金", "可持续影响指标"): [],
    ("农村低保金", "社会公益或服务对象满意度指标"): [pct()],

    ("高龄老人补贴等惠民扩面提标资金", "数量指标"): [],  # 全区符合标准的高龄老人: no number
    ("高龄老人补贴等惠民扩面提标资金", "质量指标"): [pct()],
    ("高龄老人补贴等惠民扩面提标资金", "时效指标"): [YEAR_END],
    ("高龄老人补贴等惠民扩面提标资金", "成本指标"): [
        q("区间", "80-89周岁", low="80", high="89", unit="周岁"),
        q("金额标准", "600元/人·年", "600", unit="元", period="年", per="人", yuan=600),
        q("区间", "90-99周岁", low="90", high="99", unit="周岁"),
        q("金额标准", "1200元/人·年", "1200", unit="元", period="年", per="人", yuan=1200)],
    ("高龄老人补贴等惠民扩面提标资金", "社会效益指标"): [q("区间", "80周岁至99周岁", low="80", high="99", unit="周岁")],
    ("高龄老人补贴等惠民扩面提标资金", "社会公益或服务对象满意度指标"): [pct()],

    ("区划地名工作经费", "数量指标"): [],  # 区划范围内
    ("区划地名工作经费", "质量指标"): [pct()],
    ("区划地名工作经费", "时效指标"): [YEAR_END],
    ("区划地名工作经费", "成本指标"): [q("金额", "1.2万元", "1.2", unit="万元", yuan=12000)],
    ("区划地名工作经费", "社会效益指标"): [],
    ("区划地名工作经费", "社会公益或服务对象满意度指标"): [pct()],

    ("惠民资金", "数量指标"): [q("数量", "36个", "36", unit="个")],
    ("惠民资金", "质量指标"): [pct()],
    ("惠民资金", "时效指标"): [YEAR_END, pct("50%", "50"), pct("50%", "50")],  # 年初/年底: no year, no number
    ("惠民资金", "成本指标"): [q("金额标准", "10万/年", "10", unit="万元", period="年", yuan=100000, note=True)],
    ("惠民资金", "社会效益指标"): [],
    ("惠民资金", "社会公益或服务对象满意度指标"): [pct()],

    ("居家和社区养老改革试点配套资金", "数量指标"): [
        q("数量", "2000名", "2000", unit="名"), q("数量", "100名", "100", unit="名"), q("数量", "200张", "200", unit="张"),
        q("数量", "45个", "45", unit="个"), q("数量", "25个", "25", unit="个")],
    ("居家和社区养老改革试点配套资金", "质量指标"): [  # the 3000人 are a community size, not people served
        q("区间", "3000人以下", high="3000", unit="人", qualifier="以下"),
        q("数量", "11个", "11", unit="个"),
        q("区间", "不少于3000元", low="3000", unit="元", qualifier="不少于", low_yuan=3000),
        q("区间", "3000人以上", low="3000", unit="人", qualifier="以上"),
        q("数量", "34个", "34", unit="个"),
        q("区间", "不少于5000元", low="5000", unit="元", qualifier="不少于", low_yuan=5000)],
    ("居家和社区养老改革试点配套资金", "时效指标"): [pct("50%", "50"), pct("50%", "50")],
    ("居家和社区养老改革试点配套资金", "成本指标"): [  # 三无, 五保: names
        q("金额标准", "100元/人", "100", unit="元", per="人", yuan=100),
        q("数量", "1000人", "1000", unit="人"),
        q("比例", "1：1", "1:1", unit="比"),
        q("金额", "5000元", "5000", unit="元", yuan=5000),
        q("金额", "3000元", "3000", unit="元", yuan=3000),
        q("数量", "各100张", "100", unit="张", qualifier="各"),
        q("比例", "1：1", "1:1", unit="比"),
        q("金额", "5万元", "5", unit="万元", yuan=50000)],
    ("居家和社区养老改革试点配套资金", "社会效益指标"): [],
    ("居家和社区养老改革试点配套资金", "可持续影响指标"): [],
    ("居家和社区养老改革试点配套资金", "社会公益或服务对象满意度指标"): [pct()],

    ("城乡医疗救助", "数量指标"): [
        q("数量", "1000人", "1000", unit="人"), q("数量", "5000人", "5000", unit="人"), q("数量", "500名", "500", unit="名")],
    ("城乡医疗救助", "质量指标"): [pct(), q("区间", "60周岁以上", low="60", unit="周岁", qualifier="以上"), pct()],
    ("城乡医疗救助", "时效指标"): [  # "10月", "5月": the year is the 2019 written at the start of the cell
        deadline("2019年6月", "2019-06"), deadline("10月", "2019-10", borrowed_year=True),
        deadline("5月", "2019-05", borrowed_year=True), deadline("10月", "2019-10", borrowed_year=True)],
    ("城乡医疗救助", "成本指标"): [  # 护理险320/年 has no unit: see UNPARSED
        q("区间", "3000元/年封顶", high="3000", unit="元", period="年", qualifier="封顶", high_yuan=3000),
        q("区间", "5000元/年封顶", high="5000", unit="元", period="年", qualifier="封顶", high_yuan=5000),
        q("金额标准", "220元/年", "220", unit="元", period="年", yuan=220)],
    ("城乡医疗救助", "社会效益指标"): [],
    ("城乡医疗救助", "可持续影响指标"): [],
    ("城乡医疗救助", "社会公益或服务对象满意度指标"): [pct()],
}
UNPARSED = {("农村低保金", "成本指标"): ["60"], ("城乡医疗救助", "成本指标"): ["320"]}  # the two slips in the source


def seed_cells():
    """{(专项名称, 二级指标): cell} for every non-empty indicator cell, read from the source document."""
    _, rows = seed_forms.form2()
    return {(row[2], slot): cell for row in rows for slot, cell in zip(SLOTS, row[7:16]) if cell}


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


@pytest.mark.parametrize("text,measurable", [
    ("2000人", 1), ("100%", 1), ("2019年底前完成", 1), ("70元/月/人", 1), ("1.2万元等", 1),
    ("丰富我区年满80周岁至99周岁的老年人物质生活", 0),  # only an age range: who, not what
    ("按文件做好残疾人两项补贴工作", 0), ("区划范围内", 0), ("", 0), (None, 0), ("  ", 0),
])
def test_measurability(text, measurable):
    assert ia.measurability(text)[0] == measurable


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
    measurable_cells = [k for k, quantities in EXPECTED.items() if any(x["unit"] != "周岁" for x in quantities)]
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


# ---------------------------------------------------------------------------
# Saved queries and the /quality page
# ---------------------------------------------------------------------------


async def query(ds, name, **params):
    response = await ds.client.get(f"/budget/{name}.json?" + urllib.parse.urlencode({**params, "_shape": "array"}))
    assert response.status_code == 200, response.text[:500]
    return response.json()


def test_saved_queries_have_chinese_titles(metadata):
    queries = metadata["databases"]["budget"]["queries"]
    for name in ("checkable_promises_per_department", "checkable_promises_per_fund", "fund_parsed_values",
                 "per_beneficiary_estimate", "empty_indicator_slots", "unmeasurable_promises"):
        assert re.search(r"[\u4e00-\u9fff]", queries[name]["title"]), name
        assert re.search(r"[\u4e00-\u9fff]", queries[name]["description"]), name
    assert "估算" in queries["per_beneficiary_estimate"]["title"]


async def test_checkable_per_department(ds):
    rows = {r["来源"]: r for r in await query(ds, "checkable_promises_per_department", 年度="2019")}
    measurable = sum(any(x["unit"] != "周岁" for x in v) for v in EXPECTED.values())
    assert (rows["指标"]["栏数"], rows["指标"]["已填写"], rows["指标"]["可衡量"], rows["指标"]["未填写"]) == (
        72, len(EXPECTED), measurable, 72 - len(EXPECTED))
    assert rows["表1"]["可衡量"] == rows["表2"]["可衡量"] == 0
    assert rows["合计"]["已填写"] == 16 + 16 + len(EXPECTED)
    assert rows["合计"]["可衡量占已填写_百分比"] == round(100 * measurable / (32 + len(EXPECTED)), 1)
    assert await query(ds, "checkable_promises_per_department", 年度="2018") == []


async def test_checkable_per_fund(ds):
    rows = {r["专项名称"]: r for r in await query(ds, "checkable_promises_per_fund", 来源="指标") if r["年度"] == 2019}
    assert len(rows) == 8
    for fund, row in rows.items():
        cells = {slot: v for (name, slot), v in EXPECTED.items() if name == fund}
        assert row["已填写"] == len(cells)
        assert row["可衡量"] == sum(any(x["unit"] != "周岁" for x in v) for v in cells.values())
        assert row["未填写"] == 9 - len(cells)


async def test_fund_parsed_values(ds):
    rows = [r for r in await query(ds, "fund_parsed_values", 专项名称="医疗救助") if r["年度"] == 2019]
    expected = [x["fragment"] for (name, slot), v in EXPECTED.items() if name == "城乡医疗救助" for x in v]
    assert [r["原文片段"] for r in rows] == expected
    assert not any("320" in r["原文片段"] for r in rows)


async def test_per_beneficiary_estimate(ds, budget_db):
    rows = [r for r in await query(ds, "per_beneficiary_estimate") if r["年度"] == 2019]
    # funds whose 数量指标 gives a count and whose 成本指标 gives a rate (高龄: no count; 区划: no rate)
    assert {r["专项名称"] for r in rows} == {"残疾人两项补贴", "城市低保金", "农村低保金", "惠民资金",
                                          "居家和社区养老改革试点配套资金", "城乡医疗救助"}
    city = next(r for r in rows if r["专项名称"] == "城市低保金")
    amount = budget_db.execute(
        "select 年度金额_元 from expenditure_directions where 年度 = 2019 and 支出方向 = '城市低保户'").fetchone()[0]
    assert city["数量"] == 3500
    assert city["估算_金额除以数量_元"] == int((Decimal(amount) / 3500).quantize(Decimal(1)))
    assert "450-520元/月.人（折合每年 5400–6240 元）" in city["成本指标中的标准"]  # 450×12, 520×12
    community = next(r for r in rows if r["专项名称"] == "惠民资金")
    assert (community["数量"], community["估算_金额除以数量_元"]) == (36, 100000)  # 360万 ÷ 36 = the 10万/年 rate


async def test_empty_indicator_slots(ds, budget_db):
    every_year = await query(ds, "empty_indicator_slots")
    assert len(every_year) == budget_db.execute("select count(*) from special_funds").fetchone()[0]
    rows = [r for r in every_year if r["年度"] == 2019]
    assert len(rows) == 8
    for row in rows:
        slots = {slot for (name, slot) in EXPECTED if name == row["专项名称"]}
        assert row["空着的栏数"] == 9 - len(slots)
        assert set(row["空着的指标"].split("、")) == set(SLOTS) - slots
    assert [r["专项名称"] for r in await query(ds, "empty_indicator_slots", 专项名称="医疗") if r["年度"] == 2019] == [
        "城乡医疗救助"]


async def test_unmeasurable_promises(ds):
    rows = [r for r in await query(ds, "unmeasurable_promises", 来源="指标") if r["年度"] == 2019]
    texts = {(r["专项名称"], r["字段"]) for r in rows}
    assert texts == {k for k, v in EXPECTED.items() if not any(x["unit"] != "周岁" for x in v)}


def quality_sections(page):
    """/quality has one section per year and department: {(年度, 部门): its HTML}."""
    return {(int(year), department): part for year, department, part in re.findall(
        r'<section aria-labelledby="dept-\d+">\s*<h2 id="dept-\d+">(\d{4}) 年 · ([^<]+)</h2>(.*?)</section>', page, re.S)}


async def test_quality_page(ds, budget_db):
    response = await ds.client.get("/quality")
    assert response.status_code == 200
    page = response.text
    sections = quality_sections(page)
    # every year and department, its figures counted from the flags in target_quality
    assert set(sections) == {tuple(r) for r in budget_db.execute("select distinct 年度, 部门 from target_quality")}
    for (year, department), part in sections.items():
        checkable, filled, empty = budget_db.execute(
            "select sum(可衡量), sum(未填写 = 0), sum(未填写) from target_quality where 年度 = ? and 部门 = ?",
            [year, department]).fetchone()
        assert f'data-figure="checkable">{checkable} / {filled} 条<' in part, year
        assert f'data-figure="empty">{empty} 栏<' in part, year
    # the 2019 forms, read by hand
    part = sections[(2019, "石峰区民政局")]
    measurable = sum(any(x["unit"] != "周岁" for x in v) for v in EXPECTED.values())
    assert re.search(rf'data-figure="checkable">{measurable} / {32 + len(EXPECTED)} 条<', part)
    assert re.search(r'data-figure="empty">19 栏<', part)
    assert re.search(r'data-figure="identical">8 处<', part)  # 5 on form 1, 3 on form 2
    for fund_id, name in budget_db.execute("select id, 专项名称 from special_funds"):
        assert f'<a href="/budget/special_funds/{fund_id}">{html.escape(name)}</a>' in page
    for name in ("checkable_promises_per_department", "per_beneficiary_estimate", "empty_indicator_slots"):
        assert f'href="/budget/{name}"' in page
    for link in set(re.findall(r'href="(/[^"#]*)"', page)):
        assert (await ds.client.get(html.unescape(link))).status_code == 200, link


@pytest.mark.parametrize("width", [375, 1280])
async def test_quality_page_in_a_browser(browser, server, budget_db, width):  # noqa: F811
    v = await Visit(server).start(browser, width)
    try:
        await v.open("/quality")
        page = v.page
        assert v.problems == []
        assert await page.evaluate("document.documentElement.scrollWidth") <= width  # tables scroll in their box
        assert await page.locator("h1").count() == 1
        funds = budget_db.execute("select count(*) from special_funds").fetchone()[0]
        assert await page.locator("[data-summary=funds] tbody tr").count() == funds  # every year's funds
        section_2019 = page.locator("section", has=page.locator("h2", has_text="2019 年 · 石峰区民政局"))
        assert await section_2019.locator("[data-summary=funds] tbody tr").count() == 8
        violations = (await Axe().run(page)).response["violations"]
        assert [x["id"] for x in violations if x["impact"] in ("serious", "critical")] == []
    finally:
        await v.context.close()
