"""The /quality page in Debian's Chromium, against a real `datasette serve` of this session's build."""
import pytest
from helpers import ALL_AXE_TAGS, WIDTHS, axe_violations


@pytest.mark.parametrize("width", WIDTHS)
async def test_quality_page_in_a_browser(visit, budget_db, width):
    v = await visit("/quality", width)
    page = v.page
    assert v.problems == []
    assert await page.evaluate("document.documentElement.scrollWidth") <= width  # tables scroll in their box
    assert await page.locator("h1").count() == 1
    funds = budget_db.execute("select count(*) from special_funds").fetchone()[0]
    assert await page.locator("[data-summary=funds] tbody tr").count() == funds  # every year's funds
    section_2019 = page.locator("section", has=page.locator("h2", has_text="2019 年 · 石峰区民政局"))
    assert await section_2019.locator("[data-summary=funds] tbody tr").count() == 8
    violations = await axe_violations(page, ALL_AXE_TAGS)
    assert [x["id"] for x in violations if x["impact"] in ("serious", "critical")] == []
