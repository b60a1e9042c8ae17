"""The standard layout's pages (issue 20) in real Chromium against `datasette serve` over a site built from data/
plus the fixture year 2031: the fund card and the re-drawn 项目支出绩效目标表 at 375 and 1280 px — no sideways
scrolling of the page (a wide form scrolls inside its own region), no browser error, the values of the sample
(/work/shared/forms/samples/shili-jiaotong-2031-targets) visible. Screenshots go to test-artifacts/."""
import pytest

from helpers import WIDTHS, Visit, running_site, screenshot

PAGES = {"standard-fund-card": "/budget/special_funds/2031-shili-jiaotong-01",
         "standard-form": "/forms/2031/shili-jiaotong/p1"}


@pytest.fixture(scope="module")
def standard_server(standard_built):
    with running_site(standard_built) as base:
        yield base


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
async def test_standard_pages_fit_and_show_the_form(browser, standard_server, name, width):
    visit = await Visit(standard_server).start(browser, width)
    try:
        page = await visit.open(PAGES[name])
        assert visit.problems == []
        assert await page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        text = await page.inner_text("main") if await page.query_selector("main") else await page.inner_text("body")
        for literal in ("农村公路养护", "[518003]示例区交通运输局", "中期目标（2031年—2033年）", "每公里养护成本", "≤1.2万元",
                        "沿线群众满意度", "≥90%"):
            assert literal in text, (name, width, literal)
        if name == "standard-fund-card":  # mid-term beside annual on a wide screen, one under the other on a phone
            mid, annual = [await page.locator(f'table[data-indicators="{p}"]').bounding_box() for p in ("中期", "年度")]
            assert (mid["y"] == annual["y"] and mid["x"] < annual["x"]) if width == 1280 else annual["y"] > mid["y"]
        await screenshot(page, f"{name}-{width}")
    finally:
        await visit.context.close()
