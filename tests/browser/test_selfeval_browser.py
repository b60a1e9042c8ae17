"""The self-evaluation pages (issue 22) in real Chromium against `datasette serve` over a site built from data/ plus
the fixtures (tests/fixtures/selfeval, tests/fixtures/standard): the fund card, the department page and /results at
375 and 1280 px — no sideways scrolling of the page, no browser error, the sample's results visible (values from
/work/shared/forms/samples/shili-jiaotong-2031-selfeval.txt). Screenshots go to test-artifacts/."""
import pytest

from helpers import WIDTHS, Visit, running_site, screenshot

PAGES = {"selfeval-fund-card": ("/budget/special_funds/2031-shili-jiaotong-01",
                                ("兑现了吗：2031 年自评结果", "441.9 万元", "95.82 / 100", "1座因汛期推迟至次年", "12 / 15")),
         "selfeval-department": ("/departments/shili-jiaotong?年度=2031",
                                 ("441.9 / 450 万元", "95.82 / 100（优）", "公交运营补贴", "未填报")),
         "selfeval-results": ("/results?年度=2031", ("承诺兑现了吗：2031 年", "农村公路养护", "98.2%", "未填报")),
         "selfeval-fund-card-2019": ("/budget/special_funds/2019-shifeng-minzheng-01",
                                     ("两项补贴各2000人", "2036人", "97.8 / 100", "个别对象对发放时间有意见"))}


@pytest.fixture(scope="module")
def selfeval_server(selfeval_built):
    with running_site(selfeval_built) as base:
        yield base


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
async def test_selfeval_pages_fit_and_show_the_results(browser, selfeval_server, name, width):
    path, literals = PAGES[name]
    visit = await Visit(selfeval_server).start(browser, width)
    try:
        page = await visit.open(path)
        assert visit.problems == []
        assert await page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        text = await page.inner_text("main")
        for literal in literals:
            assert literal in text, (name, width, literal)
        assert await page.locator("h1").count() == 1
        await screenshot(page, f"{name}-{width}")
    finally:
        await visit.context.close()
