"""The journalists' questions about indicators, on the site: the saved queries and the /quality page, held against
the hand-written EXPECTED quantities of every 2019 indicator cell (tests/expected_indicators.py)."""
import html
import re
import urllib.parse

from expected_indicators import EXPECTED, SLOTS, measurable


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
    checkable = sum(measurable(v) for v in EXPECTED.values())
    assert (rows["指标"]["栏数"], rows["指标"]["已填写"], rows["指标"]["可衡量"], rows["指标"]["未填写"]) == (
        72, len(EXPECTED), checkable, 72 - len(EXPECTED))
    assert rows["表1"]["可衡量"] == rows["表2"]["可衡量"] == 0
    assert rows["合计"]["已填写"] == 16 + 16 + len(EXPECTED)
    assert rows["合计"]["可衡量占已填写_百分比"] == round(100 * checkable / (32 + len(EXPECTED)), 1)
    assert await query(ds, "checkable_promises_per_department", 年度="2018") == []


async def test_checkable_per_fund(ds):
    rows = {r["专项名称"]: r for r in await query(ds, "checkable_promises_per_fund", 来源="指标") if r["年度"] == 2019}
    assert len(rows) == 8
    for fund, row in rows.items():
        cells = {slot: v for (name, slot), v in EXPECTED.items() if name == fund}
        assert row["已填写"] == len(cells)
        assert row["可衡量"] == sum(measurable(v) for v in cells.values())
        assert row["未填写"] == 9 - len(cells)


async def test_fund_parsed_values(ds):
    rows = [r for r in await query(ds, "fund_parsed_values", 专项名称="医疗救助") if r["年度"] == 2019]
    expected = [x["fragment"] for (name, slot), v in EXPECTED.items() if name == "城乡医疗救助" for x in v]
    assert [r["原文片段"] for r in rows] == expected
    assert not any("320" in r["原文片段"] for r in rows)


async def test_per_beneficiary_estimate(ds):
    rows = [r for r in await query(ds, "per_beneficiary_estimate") if r["年度"] == 2019]
    # Only where 数量指标 states one head count and nothing else: 3500人 and 750人. Not 残疾人 ("各2000人": each of two
    # subsidies), 惠民资金 ("36个社区": not people), 居家养老 and 医疗救助 (several counts), 高龄老人 (no number).
    assert {r["专项名称"]: (r["受益数量"], r["单位"], r["估算_每单位每年_元"]) for r in rows} == {
        "城市低保金": (3500, "人", 171), "农村低保金": (750, "人", 800)}  # 600000 ÷ 3500 = 171.4; 600000 ÷ 750
    city = next(r for r in rows if r["专项名称"] == "城市低保金")
    assert "450-520元/月.人（折合每年 5400–6240 元）" in city["成本指标中的标准"]  # 450×12, 520×12
    assert "估算" in city["说明"]


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
    assert texts == {k for k, v in EXPECTED.items() if not measurable(v)}


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
    checkable = sum(measurable(v) for v in EXPECTED.values())
    assert re.search(rf'data-figure="checkable">{checkable} / {32 + len(EXPECTED)} 条<', part)
    assert re.search(r'data-figure="empty">19 栏<', part)
    assert re.search(r'data-figure="identical">8 处<', part)  # 5 on form 1, 3 on form 2
    for fund_id, name in budget_db.execute("select id, 专项名称 from special_funds"):
        assert f'<a href="/budget/special_funds/{fund_id}">{html.escape(name)}</a>' in page
    for name in ("checkable_promises_per_department", "per_beneficiary_estimate", "empty_indicator_slots"):
        assert f'href="/budget/{name}"' in page
    for link in set(re.findall(r'href="(/[^"#]*)"', page)):
        assert (await ds.client.get(html.unescape(link))).status_code == 200, link
