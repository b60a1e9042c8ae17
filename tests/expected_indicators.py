"""The quantities a careful reader finds in every non-empty 2019 indicator cell of form 2, written out by hand.

The cells are read straight from the source document by seed_forms.py; EXPECTED lists, left to right, what is in
each. tests/site/test_indicators.py holds the parser and the derived tables against it, tests/site/test_quality.py
the saved queries and the /quality page. UNPARSED lists the digits deliberately left alone.
"""
import seed_forms

SLOTS = seed_forms.indicator_columns()  # the nine indicator columns, as headed on form 2


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


def measurable(quantities):
    """A cell is measurable when it states a quantity other than an age (ages say who is eligible)."""
    return any(x["unit"] != "周岁" for x in quantities)
