"""The citizen's pages in a real browser: Debian's Chromium driven by Playwright, against a real
`datasette serve` started the way `make serve` starts it. Screenshots go to test-artifacts/."""
import re
import urllib.parse

import pytest
from helpers import ALL_AXE_TAGS, ARTIFACTS, WIDTHS, Visit, axe_report, axe_violations, landing_choices, screenshot

CHART_HASH = "#" + urllib.parse.urlencode(
    {"g.mark": "bar", "g.x_column": "专项名称", "g.x_type": "ordinal", "g.y_column": "资金总额_万元",
     "g.y_type": "quantitative"})
PAGES = {
    "landing": "/",
    "fund-card": "/budget/special_funds/2019-shifeng-minzheng-07",
    "form-1": "/forms/2019/shifeng-minzheng/1",
    "form-2": "/forms/2019/shifeng-minzheng/2",
    "form-3": "/forms/2019/shifeng-minzheng/3",
    "table-chart": "/budget/special_funds" + CHART_HASH,
}


async def canvas_ink(page):
    """How many non-transparent pixels the vega chart's canvas has drawn."""
    return await page.evaluate("""() => {
        const canvas = document.querySelector('.datasette-vega canvas, canvas.marks');
        if (!canvas || !canvas.width) return 0;
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
        return ink;
    }""")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
async def test_page_loads_cleanly_and_fits(visit, name, width):
    v = await visit(PAGES[name], width)
    page = v.page
    if name == "table-chart":
        await page.wait_for_selector("canvas.marks", timeout=15000)
        await page.wait_for_timeout(500)
        assert await canvas_ink(page) > 500, "the vega chart drew nothing"
    await screenshot(page, f"{name}-{width}")
    assert v.problems == []
    assert await page.evaluate("document.documentElement.lang") == "zh-CN"
    # Tables scroll inside their own box; the page itself never scrolls sideways.
    assert await page.evaluate("document.documentElement.scrollWidth") <= width
    assert await page.locator("h1").count() == 1


def landing_bars(budget_db):
    """How many funds and categories the landing page (`/`, the latest year) charts, counted in budget.db."""
    year, department = landing_choices(budget_db)[0]
    return {table: budget_db.execute(f"select count(*) from {table} where 年度 = ? and 部门 = ?",
                                     [year, department]).fetchone()[0]
            for table in ("special_funds", "department_expenditures")}


@pytest.mark.parametrize("width", WIDTHS)
async def test_landing_charts_draw_every_bar(visit, budget_db, width):
    counts = landing_bars(budget_db)
    page = (await visit("/", width)).page
    for chart, expected in (("fund", counts["special_funds"]), ("category", counts["department_expenditures"])):
        assert expected > 0
        bars = page.locator(f"[data-chart={chart}] rect")
        assert await bars.count() == expected
        for i in range(expected):
            box = await bars.nth(i).bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0


async def test_landing_works_without_javascript(visit, budget_db):
    v = await visit("/", 375, javascript=False)  # the latest year
    assert await v.page.locator("[data-chart=fund] rect").count() == landing_bars(budget_db)["special_funds"]
    assert v.problems == []
    v = await visit("/?年度=2019", 375, javascript=False)
    page = v.page
    assert "992 万元" in await page.locator("[data-figure=funds]").inner_text()
    assert await page.locator("[data-chart=fund] rect").count() == 8
    assert "36.3%" in await page.locator("[data-chart=fund]").inner_text()  # 惠民资金 360 of 992
    await screenshot(page, "landing-375-nojs")
    assert v.problems == []


async def test_landing_page_weight_under_300_kb(browser, server):
    v = await Visit(server).start(browser, 1280)
    session = await v.context.new_cdp_session(v.page)
    await session.send("Network.enable")
    transferred = []
    session.on("Network.loadingFinished", lambda event: transferred.append(event["encodedDataLength"]))
    await v.open("/")
    await v.page.wait_for_timeout(300)
    await v.context.close()
    total = sum(transferred)
    print(f"landing page: {len(transferred)} requests, {total} bytes transferred")
    assert len(transferred) >= 3  # the page, app.css, site.css: the measurement saw real traffic
    assert total < 300 * 1024


async def script_sources(page):
    return await page.locator("script[src]").evaluate_all("els => els.map(e => e.src)")


async def test_vega_bundle_loads_on_table_pages_only(visit):
    landing = (await visit("/")).page
    assert not [s for s in await script_sources(landing) if "vega" in s]
    table = (await visit("/budget/special_funds")).page
    # …and there only when the reader opens the chart panel (static/charts-on-demand.js).
    assert not [s for s in await script_sources(table) if "datasette_vega" in s]
    await table.locator(".chart-launcher button").click()
    await table.wait_for_selector("#graphForm")
    assert [s for s in await script_sources(table) if "datasette_vega" in s]


@pytest.mark.parametrize("name", ["landing", "fund-card", "form-2", "form-3"])
async def test_accessibility(visit, name):
    page = (await visit(PAGES[name], 375)).page
    serious = [v for v in await axe_violations(page, ALL_AXE_TAGS) if v["impact"] in ("serious", "critical")]
    assert serious == [], axe_report(serious, PAGES[name])
    landmarks = await page.evaluate("() => ['header', 'nav', 'main', 'footer'].filter(t => document.querySelector(t))")
    assert landmarks == ["header", "nav", "main", "footer"]
    tags = await page.evaluate(
        "() => Array.from(document.querySelectorAll('main h1, main h2, main h3, main h4')).map(h => h.tagName)")
    levels = [int(tag[1]) for tag in tags]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels


@pytest.mark.parametrize("name,landscape", [("fund-card", False), ("form-1", False), ("form-2", True), ("form-3", False)])
async def test_prints_on_a4(visit, name, landscape):
    page = (await visit(PAGES[name])).page
    await page.emulate_media(media="print")
    assert await page.locator("header").evaluate("e => getComputedStyle(e).display") == "none"
    pdf = await page.pdf(prefer_css_page_size=True, print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    boxes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    width, height = (float(x) for x in boxes.pop())
    assert not boxes, "every page has the same size"
    a4 = (595.28, 841.89)  # 210 x 297 mm in points
    expected = (a4[1], a4[0]) if landscape else a4
    assert abs(width - expected[0]) < 2 and abs(height - expected[1]) < 2, (width, height)
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 1 <= pages <= 4
