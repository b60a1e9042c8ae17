"""Issue 23, WCAG 2.1 AA for every citizen, checked in Debian's Chromium against a real `datasette serve`:
axe-core's WCAG 2.0/2.1 A and AA rules on every page type at 375 and 1280 px (any violation fails, whatever its
impact), what a screen reader relies on (landmarks, one h1, scoped table headers, English marked lang="en", bar
charts read as numbers with their unit), the keyboard (Tab order, skip link, focus ring, column menu, chart
panel), and large text (a 24 px minimum font size, 200% zoom, the 大字 switch) without sideways scrolling."""
import json
import shutil
import urllib.parse

import pytest

from helpers import (CHROMIUM, CHROMIUM_ARGS, ROOT, WIDTHS, Visit, axe_report, axe_violations, build_site,
                     running_site)

SQL = "select 专项名称, 资金总额_万元 from special_funds order by 资金总额_万元 desc"
CHART_PANEL = "chart-panel"
# Every page type of the site (issue 23's list); the chart panel is opened by its button before checking.
PAGES = {
    "home": "/",
    "departments": "/departments",
    "department": "/departments/shifeng-minzheng",
    "documents": "/documents",
    "document": "/documents/2019/shifeng-minzheng",
    "fund-card": "/budget/special_funds/2019-shifeng-minzheng-07",
    "forms": "/forms",
    "form": "/forms/2019/shifeng-minzheng/2",
    "search": "/search?" + urllib.parse.urlencode({"q": "低保"}),
    "quality": "/quality",
    "checks": "/checks",
    "changelog": "/changelog",
    "database": "/budget",
    "table": "/budget/performance_indicators",
    "table-facets": "/budget/special_funds?" + urllib.parse.urlencode([("_facet", "部门"), ("_facet", "年度")]),
    "row": "/budget/performance_indicators/2019-shifeng-minzheng-01-1-1",
    "dictionary": "/dictionary",
    "api": "/api",
    "sql-result": "/budget?" + urllib.parse.urlencode({"sql": SQL}),
    "not-found": "/no-such-page",
    "bad-sql": "/budget?" + urllib.parse.urlencode({"sql": "select nonsense from"}),
    "largest_funds": "/budget/largest_funds",
    "fund_indicators": "/budget/fund_indicators",
    "money_by_direction": "/budget/money_by_direction",
    CHART_PANEL: "/budget/special_funds",
}
ERROR_STATUS = {"not-found": 404, "bad-sql": 400}

# What a screen reader needs of the page, read from the DOM: the landmarks, the h1s, <th>s without scope, and
# runs of three or more English words in text outside lang="en" (code, SQL, form values and data cells aside).
STRUCTURE = """() => {
  const english = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    const words = walker.currentNode.nodeValue.match(/[A-Za-z]{2,}(?:[ ,.'’:-]+[A-Za-z]{2,}){2,}/);
    if (!words || !el || el.closest("code, pre, textarea, script, style, td, option, .CodeMirror")) continue;
    if (!(el.closest("[lang]") || document.documentElement).lang.startsWith("en")) english.push(words[0]);
  }
  return {
    landmarks: ["header", "nav", "main", "footer"].filter(t => document.querySelector(t)),
    h1: Array.from(document.querySelectorAll("h1")).map(h => h.textContent.trim()),
    unscoped: Array.from(document.querySelectorAll("th:not([scope])")).map(th => th.outerHTML.slice(0, 120)),
    english,
  };
}"""


async def open_page(visit, name, width):
    v = await visit(PAGES[name], width)
    if name == CHART_PANEL:
        await v.page.focus(".chart-launcher button")
        await v.page.keyboard.press("Enter")
        await v.page.wait_for_selector("#graphForm select")
        await v.page.wait_for_timeout(300)  # the panel's first chart settles
    return v


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
async def test_no_wcag_violations(visit, name, width):
    v = await open_page(visit, name, width)
    if name in ERROR_STATUS:  # the error page itself is what is checked
        assert any(p.startswith(f"HTTP {ERROR_STATUS[name]}:") for p in v.problems), v.problems
    violations = await axe_violations(v.page)
    assert violations == [], "\n" + axe_report(violations, f"{PAGES[name]} @ {width}px")
    page = await v.page.evaluate(STRUCTURE)
    assert page["landmarks"] == ["header", "nav", "main", "footer"]
    assert len(page["h1"]) == 1, page["h1"]
    assert page["unscoped"] == []
    assert page["english"] == [], "English outside lang=\"en\""


async def test_bar_charts_read_as_numbers_with_their_unit(visit, budget_db):
    """Each bar of the home page's charts is a table row whose text gives the amount in 万元 and its share."""
    page = (await visit("/", 375, javascript=False)).page
    year, department = budget_db.execute(
        "select 年度, 部门 from special_funds order by 年度 desc, 资金总额_元 desc limit 1").fetchone()
    funds = budget_db.execute("select 专项名称, 资金总额_万元 from special_funds where 年度 = ? and 部门 = ?",
                              [year, department]).fetchall()
    rows = [" ".join(text.split()) for text in await page.locator("[data-chart=fund] tbody tr").all_text_contents()]
    assert len(rows) == len(funds)
    for name, amount in funds:
        read = [text for text in rows if text.startswith(name + " ")]
        assert len(read) == 1 and f" {amount:g} 万元 " in read[0] and read[0].endswith("%"), (name, read)
    assert await page.locator("[data-chart=fund] svg[aria-hidden=true]").count() == len(funds)


# ---------------------------------------------------------------------------------------------------------------
# Keyboard
# ---------------------------------------------------------------------------------------------------------------

# The element that has focus: where it stands among the page's focusable elements in document order, and whether
# it shows a focus ring (an outline or a box-shadow) and is on screen.
FOCUSED = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const focusable = Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])'))
    .filter(e => !e.disabled && e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden');
  const s = getComputedStyle(el), box = el.getBoundingClientRect();
  const ringed = e => { const t = getComputedStyle(e);
    return (t.outlineStyle !== 'none' && parseFloat(t.outlineWidth) >= 2) || t.boxShadow !== 'none'; };
  // Text against its own background while focused (where that background is opaque): 4.5:1 like all text.
  const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map(v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const back = rgb(s.backgroundColor), fore = rgb(s.color);
  const [light, dark] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
  return {
    contrast: back.length === 3 || back[3] === 1 ? (light + 0.05) / (dark + 0.05) : null,
    position: focusable.indexOf(el), of: focusable.length,
    label: (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 40),
    href: el.getAttribute('href'), inMain: !!el.closest('main'),
    ring: ringed(el) || (el.closest('.select-wrapper') !== null && ringed(el.closest('.select-wrapper'))),
    onScreen: box.width > 0 && box.height > 0 && box.left + scrollX >= 0 && box.top + scrollY >= 0
      && box.right <= document.documentElement.scrollWidth,
  };
}"""


async def tab_stops(page):
    """Every stop of the Tab key from the top of the page until focus leaves the page."""
    stops = []
    while len(stops) < 1000:
        await page.keyboard.press("Tab")
        stop = await page.evaluate(FOCUSED)
        if stop is None or (stops and stop["position"] <= stops[-1]["position"]):
            return stops
        stops.append(stop)
    raise AssertionError("Tab never left the page")


@pytest.mark.parametrize("path,width", [(PAGES["home"], 1280), (PAGES["fund-card"], 375), (PAGES["table"], 375)])
async def test_tab_order(visit, path, width):
    page = (await visit(path, width)).page
    stops = await tab_stops(page)
    assert stops[0]["label"] == "跳到正文" and stops[0]["href"] == "#main"
    # Document order, every focusable element once (nothing skipped, no positive tabindex), each with its ring.
    assert [s["position"] for s in stops] == list(range(stops[0]["of"]))
    assert [s["label"] for s in stops if not s["ring"] or not s["onScreen"]] == []
    assert [(s["label"], s["contrast"]) for s in stops if s["contrast"] is not None and s["contrast"] < 4.5] == []
    assert len([s for s in stops if s["contrast"] is not None]) > len(stops) / 2  # links: their yellow focus background
    assert "大字" in [s["label"] for s in stops]
    # The skip link takes the reader past the header: the next Tab lands in the content.
    await page.reload()
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    assert (await page.evaluate(FOCUSED))["inMain"]


async def focus_by_tab(page, selector, limit=300):
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


async def test_column_menu_by_keyboard(visit):
    page = (await visit(PAGES["table"])).page
    menu = page.locator(".dropdown-menu")
    await focus_by_tab(page, ".dropdown-menu-icon")
    icon = await page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert icon == "“id”列的菜单"
    await page.keyboard.press("Enter")
    assert await menu.is_visible()
    assert await page.evaluate("document.activeElement.closest('.dropdown-menu') !== null")
    assert await page.evaluate("document.activeElement.textContent") == "按这一列升序排列"
    await page.keyboard.press("Escape")
    assert not await menu.is_visible()
    assert await page.evaluate("document.activeElement.getAttribute('aria-label')") == icon
    # Enter on an item follows it, as a click would.
    await page.keyboard.press("Space")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**?_sort=id")


async def test_chart_panel_by_keyboard(visit):
    page = (await visit(PAGES[CHART_PANEL])).page
    await focus_by_tab(page, ".chart-launcher button")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#graphForm select")
    await page.wait_for_function("document.activeElement.closest('#graphForm') !== null")
    # Choose a bar chart of the amounts by name, with the keyboard alone.
    await page.keyboard.press("Space")  # the first radio button: 柱状图
    for name, value in (("x_column", "专项名称"), ("y_column", "资金总额_万元")):
        await focus_by_tab(page, f"#graphForm select[name={name}]", limit=20)
        select = page.locator(f"#graphForm select[name={name}]")
        for _ in range(await select.locator("option").count()):
            if await select.input_value() == value:
                break
            await page.keyboard.press("ArrowDown")
        assert await select.input_value() == value
    await page.wait_for_selector("canvas.marks", timeout=15000)


# ---------------------------------------------------------------------------------------------------------------
# Large text: a 24 px minimum font size, 200% zoom and the 大字 switch, on every page type
# ---------------------------------------------------------------------------------------------------------------

# Buttons, selects and submit inputs whose text is wider than the room inside them (cut off at large sizes).
CUT_OFF_CONTROLS = """() => {
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:pre';
  document.body.appendChild(probe);
  const cut = [];
  document.querySelectorAll('select, input[type=submit], button').forEach(el => {
    if (!el.getClientRects().length) return;
    const text = (el.tagName === 'SELECT' ? (el.options[el.selectedIndex] || {}).text || '' : el.value || el.textContent).trim();
    const s = getComputedStyle(el);
    probe.style.font = s.font;
    probe.textContent = text;
    const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    if (probe.getBoundingClientRect().width > room + 1) cut.push(text);
  });
  probe.remove();
  return cut;
}"""


# Boxes that hide what overflows them (overflow: hidden or clip) and have more content than room: clipped text.
# What is hidden on purpose (visually-hidden labels, the skip link, closed menus, SVG bars) is left out.
CLIPPED_BOXES = """() => Array.from(document.querySelectorAll('body *')).filter(e => {
  if (e.closest('.visually-hidden, .skip-link, [hidden], .dropdown-menu, svg, .CodeMirror, thead')) return false;
  const s = getComputedStyle(e);
  if (!['hidden', 'clip'].includes(s.overflowX) && !['hidden', 'clip'].includes(s.overflowY)) return false;
  return e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1;
}).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40))"""


async def misfits(page, base, width, large_text=False):
    """[(page, what is wrong)] over every page type: sideways scrolling, clipped boxes, or controls whose text is
    cut off."""
    found = []
    for name, path in PAGES.items():
        await page.goto(base + path, wait_until="networkidle")
        if name == CHART_PANEL:
            await page.click(".chart-launcher button")
            await page.wait_for_selector("#graphForm select")
        if large_text:
            assert await page.evaluate("document.documentElement.classList.contains('large-text')"), name
        scroll_width = await page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            found.append((name, f"page is {scroll_width} px wide"))
        found += [(name, f"cut off: {text}") for text in await page.evaluate(CUT_OFF_CONTROLS)]
        found += [(name, f"clipped: {box}") for box in await page.evaluate(CLIPPED_BOXES)]
    return found


async def test_fits_a_phone_with_24px_minimum_font_size(server, tmp_path):
    """Chromium's own minimum font size setting (webkit.webprefs.minimum_font_size, as a reader sets it)."""
    from playwright.async_api import async_playwright

    (tmp_path / "Default").mkdir()
    (tmp_path / "Default" / "Preferences").write_text(
        json.dumps({"webkit": {"webprefs": {"minimum_font_size": 24}}}))
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            tmp_path, executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport={"width": 375, "height": 900})
        try:
            page = await context.new_page()
            await page.goto(server + "/", wait_until="networkidle")
            assert await page.evaluate("getComputedStyle(document.querySelector('.muted')).fontSize") == "24px"
            assert await misfits(page, server, 375) == []
        finally:
            await context.close()


async def test_fits_at_200_percent_zoom(browser, server):
    """A 1280 px window at 200%: 640 CSS px, each drawn with two device pixels."""
    context = await browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    try:
        assert await misfits(await context.new_page(), server, 640) == []
    finally:
        await context.close()


async def test_large_text_switch_persists_without_cookies(browser, server):
    context = await browser.new_context(viewport={"width": 375, "height": 900})
    try:
        page = await context.new_page()
        await page.goto(server + "/", wait_until="networkidle")
        switch = page.locator(".large-text-switch")
        body_size = "getComputedStyle(document.body).fontSize"
        assert await page.evaluate(body_size) == "16px"
        assert await switch.get_attribute("aria-pressed") == "false"
        await switch.focus()
        await page.keyboard.press("Enter")
        assert await switch.get_attribute("aria-pressed") == "true"
        assert await page.evaluate(body_size) == "24px"
        # Every page type opens in large text from now on, and fits the phone.
        assert await misfits(page, server, 375, large_text=True) == []
        assert await context.cookies() == []
        await page.goto(server + "/", wait_until="networkidle")
        await page.locator(".large-text-switch").click()
        await page.reload()
        assert await page.evaluate(body_size) == "16px"
        assert await page.locator(".large-text-switch").get_attribute("aria-pressed") == "false"
    finally:
        await context.close()


async def test_without_javascript_no_switch_and_readable(visit):
    v = await visit("/", 375, javascript=False)
    page = v.page
    assert not await page.locator(".large-text-switch").is_visible()
    assert await page.locator("header li:visible").count() == 8  # the site's links, no empty item
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    assert v.problems == []


@pytest.fixture(scope="module")
def two_year_site(tmp_path_factory):
    """2019 with the fictional fixture year 2020 (tests/fixtures/2020), served: the home page then has a year
    switcher and year-on-year change notes."""
    data = tmp_path_factory.mktemp("years") / "data"
    data.mkdir()
    shutil.copy(ROOT / "data" / "departments.csv", data)
    shutil.copytree(ROOT / "data" / "2019", data / "2019")
    shutil.copytree(ROOT / "tests" / "fixtures" / "2020", data / "2020")
    with running_site(build_site(data, data.parent / "site")) as base:
        yield base


async def test_year_switcher_by_keyboard(browser, two_year_site):
    v = await Visit(two_year_site).start(browser, 375)
    try:
        page = await v.open("/")
        assert "2020 年预算" in await page.locator("h1").inner_text()
        await focus_by_tab(page, ".year-switch a")
        assert await page.evaluate("document.activeElement.textContent") == "2019"
        await page.keyboard.press("Enter")
        await page.wait_for_url("**?%E5%B9%B4%E5%BA%A6=2019")
        assert "2019 年预算" in await page.locator("h1").inner_text()
        assert await page.locator(".year-switch [aria-current=page]").inner_text() == "2019"
        for year in ("2019", "2020"):  # both years' pages, with the switcher and the change notes, pass axe
            await v.open("/?" + urllib.parse.urlencode({"年度": year}))
            violations = await axe_violations(page)
            assert violations == [], "\n" + axe_report(violations, f"/?年度={year} (two years)")
        assert v.problems == []
    finally:
        await v.context.close()


# ---------------------------------------------------------------------------------------------------------------
# The page types of the standard target table and the self-evaluations (issues 20 and 22), on a site that has them
# ---------------------------------------------------------------------------------------------------------------

RESULT_PAGES = {
    "project-card": "/budget/special_funds/2031-shili-jiaotong-01",
    "project-form": "/forms/2031/shili-jiaotong/p1",
    "fund-card-with-results": "/budget/special_funds/2019-shifeng-minzheng-01",
    "results": "/results?" + urllib.parse.urlencode({"年度": "2031"}),
    "results-department": "/results?" + urllib.parse.urlencode({"年度": "2019", "部门": "石峰区民政局"}),
    "department-with-results": "/departments/shili-jiaotong?" + urllib.parse.urlencode({"年度": "2031"}),
    "lowest_scores": "/budget/lowest_scores?" + urllib.parse.urlencode({"年度": "全部", "部门": "全部"}),
    "self_evaluations-table": "/budget/self_evaluation_indicators",
}


@pytest.fixture(scope="module")
def results_site(selfeval_built):
    with running_site(selfeval_built) as base:
        yield base


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", RESULT_PAGES)
async def test_no_wcag_violations_on_targets_and_results_pages(browser, results_site, name, width):
    v = await Visit(results_site).start(browser, width)
    try:
        await v.open(RESULT_PAGES[name])
        assert v.problems == []
        violations = await axe_violations(v.page)
        assert violations == [], "\n" + axe_report(violations, f"{RESULT_PAGES[name]} @ {width}px")
        page = await v.page.evaluate(STRUCTURE)
        assert page["landmarks"] == ["header", "nav", "main", "footer"]
        assert len(page["h1"]) == 1, page["h1"]
        assert page["unscoped"] == []
        assert page["english"] == [], "English outside lang=\"en\""
        assert await v.page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        await v.context.close()


# /results with more departments than a page lists: the department finder, the pager and a search's list.
RESULT_LIST_PAGES = {
    "results-list": "/results?" + urllib.parse.urlencode({"年度": "2031"}),
    "results-list-page-2": "/results?" + urllib.parse.urlencode({"年度": "2031", "page": "2"}),
    "results-list-found": "/results?" + urllib.parse.urlencode({"年度": "2031", "部门": "部门1"}),
}


@pytest.fixture(scope="module")
def many_departments_site(many_departments_built):
    with running_site(many_departments_built) as base:
        yield base


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", RESULT_LIST_PAGES)
async def test_no_wcag_violations_on_the_results_list(browser, many_departments_site, name, width):
    v = await Visit(many_departments_site).start(browser, width)
    try:
        await v.open(RESULT_LIST_PAGES[name])
        assert v.problems == []
        violations = await axe_violations(v.page)
        assert violations == [], "\n" + axe_report(violations, f"{RESULT_LIST_PAGES[name]} @ {width}px")
        page = await v.page.evaluate(STRUCTURE)
        assert page["landmarks"] == ["header", "nav", "main", "footer"]
        assert len(page["h1"]) == 1, page["h1"]
        assert page["unscoped"] == []
        assert page["english"] == [], "English outside lang=\"en\""
        assert await v.page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        await v.context.close()
