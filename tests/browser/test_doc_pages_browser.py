"""/dictionary and /api in Debian's Chromium, against a real `datasette serve` of this session's build."""
import pytest
from helpers import ALL_AXE_TAGS, WIDTHS, axe_report, axe_violations, screenshot


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/dictionary", "/api"])
async def test_doc_pages_in_a_browser(visit, path, width):
    v = await visit(path, width)
    page = v.page
    await screenshot(page, f"{path.strip('/')}-{width}")
    assert v.problems == []
    assert await page.evaluate("document.documentElement.lang") == "zh-CN"
    assert await page.evaluate("document.documentElement.scrollWidth") <= width
    assert await page.locator("h1").count() == 1
    serious = [x for x in await axe_violations(page, ALL_AXE_TAGS) if x["impact"] in ("serious", "critical")]
    assert serious == [], axe_report(serious, path)
    levels = [int(tag[1]) for tag in await page.evaluate(
        "() => Array.from(document.querySelectorAll('main h1, main h2, main h3, main h4')).map(h => h.tagName)")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
