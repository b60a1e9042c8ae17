"""Every page type a citizen or journalist meets, in real Chromium against `datasette serve`: all of its interface
text is Chinese (visible and hidden: the tab title, aria-labels, titles, option and button texts, Datasette's column
menu once opened, datasette-vega's chart panel once opened), it fits a 375 px phone without sideways scrolling, and
a table page is light until its chart panel is opened. Screenshots of each page go to test-artifacts/."""
import json
import re
import urllib.parse
import urllib.request

import pytest

from helpers import Visit, screenshot

SLOW_SQL = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
# One address per page type (name -> path, expected HTTP status).
PAGES = {
    "landing": ("/", 200),
    "fund-card": ("/budget/special_funds/2019-shifeng-minzheng-07", 200),
    "forms": ("/forms", 200),
    "form": ("/forms/2019/shifeng-minzheng/2", 200),
    "table": ("/budget/special_funds", 200),
    "table-filtered": ("/budget/performance_indicators?" + urllib.parse.urlencode(
        {"二级指标__contains": "效益", "_sort": "指标序号", "_facet": "一级指标"}), 200),
    "table-like": ("/budget/performance_indicators?" + urllib.parse.urlencode({"指标值__like": "%人%"}), 200),
    "view": ("/budget/fund_year_changes", 200),
    "filings-table": ("/filings/form1_special_funds", 200),
    "row": ("/budget/expenditure_directions/2019-shifeng-minzheng-01-1", 200),
    "database": ("/budget", 200),
    "filings-database": ("/filings", 200),
    "sql": ("/budget?" + urllib.parse.urlencode({"sql": "select 专项名称, 资金总额_万元 from special_funds"}), 200),
    "checks": ("/checks", 200),
    "quality": ("/quality", 200),
    "results": ("/results", 200),
    "search": ("/search?q=低保", 200),
    "search-empty": ("/search", 200),
    "dictionary": ("/dictionary", 200),
    "api": ("/api", 200),
    "changelog": ("/changelog", 200),
    "error-table": ("/budget/no_such_table", 404),
    "error-database": ("/no_such_database", 404),
    "error-row": ("/budget/special_funds/no-such-fund", 404),
    "error-invalid-sql": ("/budget?sql=selec", 400),
    "error-sql-syntax": ("/budget?" + urllib.parse.urlencode({"sql": "select * fromm special_funds"}), 400),
    "error-sql-interrupted": ("/budget?" + urllib.parse.urlencode({"sql": SLOW_SQL}), 400),
    "saved-queries": ("every saved query the site lists", 200),
}

# English that Datasette 0.65.5, its table.js, datasette-vega 0.6.2 and vega-embed put on pages. Words match whole,
# in any case, outside text marked lang="en", <code>, <pre> and the data cells of tables.
ENGLISH_UI = [
    "sorted by", "descending", "ascending", "where", "rows?", "home", "next page", "advanced export",
    "this data as", "query parameters", "edit SQL", "run SQL", "format SQL", "hide", "show", "suggested facets",
    "apply", "like", "not like", "glob", "custom SQL query", "download", "data license", "data source", "about",
    "tables", "queries", "views", "links from other tables", "JSON shape", "CSV options", "export CSV",
    "stream all rows", "expand labels", "returned", "results?",
    "sort ascending", "sort descending", "facet by this", "hide this column", "show all columns",
    "show not-blank rows", "type:", "remove this filter", "not null",
    "show charting options", "charting options", "bar", "line", "scatter", "X column", "Y column", "swap X and Y",
    "-- none --", "numeric", "binned", "date/time", "label", "category", "color", "size", "type",
    "save as SVG", "save as PNG", "view source", "view Vega", "open in Vega editor", "visualization",
    "invalid SQL", "SQL interrupted", "database not found", "table not found", "record not found", "error",
    "took too long", "time limit", "statement must be", "syntax error", "no such", "permission", "forbidden",
    "not found", "drag to resize", "click to view actions", "powered by", "curated data",
]
ENGLISH_PATTERN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(p).replace(r"\?", "?") for p in ENGLISH_UI)
                             + r")(?![\w-])", re.I)
# Three or more English words in a row outside lang="en" are English prose that should be marked or translated.
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}")

# Every piece of text a reader or a screen reader can meet, shown or hidden, with where it was found.
INTERFACE_TEXT = """() => {
  const skipped = el => !el || el.closest('[lang="en"], pre, code, script, style, noscript, textarea, .CodeMirror,'
      + ' table.rows-and-columns td, table.official td, .search-results .result-text');
  const found = [['title', document.title]];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.nodeValue.trim() && !skipped(node.parentElement)) found.push([node.parentElement.tagName, node.nodeValue]);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], input[type=submit], input[type=button], [data-column-description]')) {
    if (skipped(el)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'data-column-description']) {
      if (el.getAttribute(name)) found.push([el.tagName + '@' + name, el.getAttribute(name)]);
    }
    if (el.matches('input[type=submit], input[type=button]') && el.value) found.push([el.tagName + '@value', el.value]);
  }
  return found;
}"""


def english_in(texts):
    """[(where, English phrase, text)] for every English interface phrase or unmarked English sentence."""
    problems = []
    for where, text in texts:
        for match in ENGLISH_PATTERN.finditer(text):
            problems.append((where, match.group(0), text.strip()[:120]))
        for match in ENGLISH_RUN.finditer(text):
            problems.append((where, match.group(0), text.strip()[:120]))
    return problems


async def open_page(browser, server, path, width, status=200):
    visit = await Visit(server).start(browser, width)
    response = await visit.page.goto(server + path, wait_until="networkidle")
    assert response.status == status, (path, response.status)
    if status != 200:  # the page itself was meant to fail (Chromium logs that too); anything else still counts
        own = {f"HTTP {status}: {response.url}",
               f"console: Failed to load resource: the server responded with a status of {status} ({response.status_text})"}
        assert [p for p in visit.problems if p in own], visit.problems
        visit.problems = [p for p in visit.problems if p not in own]
    return visit


def saved_queries(server):  # noqa: F811
    """{page name: (address, 200)} for every saved query of the budget database, as the site lists them."""
    with urllib.request.urlopen(server + "/budget.json", timeout=30) as response:
        names = [query["name"] for query in json.load(response)["queries"]]
    assert len(names) >= 20
    return {f"query-{name}": (f"/budget/{urllib.parse.quote(name)}", 200) for name in names}


@pytest.mark.parametrize("name", PAGES)
async def test_interface_text_is_chinese_and_fits_a_phone(browser, server, name):  # noqa: F811
    pages = saved_queries(server) if name == "saved-queries" else {name: PAGES[name]}
    for name, (path, status) in pages.items():
        await check_page(browser, server, name, path, status)


async def check_page(browser, server, name, path, status):  # noqa: F811
    for width in (375, 1280):
        visit = await open_page(browser, server, path, width, status)
        page = visit.page
        try:
            await screenshot(page, f"pages-{name}-{width}")
            assert await page.evaluate("document.documentElement.lang") == "zh-CN"
            assert await page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
            if await page.locator("details.sql-details").count():  # opened, the SQL scrolls inside its box
                await page.locator("details.sql-details summary").first.click()
                assert await page.locator("details.sql-details pre").first.is_visible()
                assert await page.evaluate("document.documentElement.scrollWidth") <= width, (name, width, "SQL")
            assert english_in(await page.evaluate(INTERFACE_TEXT)) == [], (name, width)
            assert visit.problems == []
        finally:
            await visit.context.close()


async def test_saved_query_sql_is_folded_away(browser, server):  # noqa: F811
    visit = await open_page(browser, server, "/budget/totals_check", 375)
    try:
        sql = visit.page.locator("#sql-query")
        assert await sql.count() == 1 and not await sql.is_visible()
        assert await visit.page.locator("details.sql-details summary").inner_text() == "查看 SQL"
        await visit.page.locator("details.sql-details summary").click()
        assert await sql.is_visible() and "department_budgets" in await sql.inner_text()
    finally:
        await visit.context.close()


@pytest.mark.parametrize("path", ["/checks", "/quality"])
async def test_checks_and_quality_are_cards_on_a_phone(browser, server, path):  # noqa: F811
    """Every cell of their tables is on screen at 375 px, each under its column name; at 1280 px they are tables."""
    visit = await open_page(browser, server, path, 375)
    page = visit.page
    try:
        cells = page.locator("table.stack td")
        assert await cells.count() > 10
        offscreen = await cells.evaluate_all("""cells => cells.filter(c => c.getClientRects().length > 0 &&
            (c.getBoundingClientRect().right > 375 || c.getBoundingClientRect().left < 0)).length""")
        assert offscreen == 0
        labels = await cells.evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
        assert all(label.startswith('"') and label.endswith('："') for label in labels), set(labels)
        if path == "/checks":  # a check's result is the first line of its card
            first = await page.locator("table.stack tbody tr").first.evaluate(
                "tr => [...tr.children].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0].className")
            assert first == "result"
        else:  # every 查看 link is on screen and tappable
            links = page.locator("td[data-label='逐条原文'] a")
            assert await links.count() > 0
            for i in range(await links.count()):
                box = await links.nth(i).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375
    finally:
        await visit.context.close()
    visit = await open_page(browser, server, path, 1280)
    try:
        assert await visit.page.locator("table.stack").first.evaluate("t => getComputedStyle(t).display") == "table"
    finally:
        await visit.context.close()


async def test_column_menu_is_chinese(browser, server):  # noqa: F811
    visit = await open_page(browser, server, "/budget/performance_indicators?" + urllib.parse.urlencode(
        {"二级指标": "生态效益指标", "_nocol": "部门"}), 1280)
    page = visit.page
    try:
        await page.locator("th[data-column='指标值'] .dropdown-menu-icon").click()
        menu = page.locator("div.dropdown-menu").last
        await menu.wait_for(state="visible")
        text = await menu.inner_text()
        for chinese in ["按这一列升序排列", "按这一列降序排列", "按这一列分面统计", "隐藏这一列", "显示全部列",
                        "只看这一列不为空的行", "类型：文本（TEXT）"]:
            assert chinese in text, (chinese, text)
        assert await page.locator(".filter-row a[aria-label='移除这个筛选条件']").count() >= 1
        await screenshot(page, "pages-column-menu-1280")
        assert english_in(await page.evaluate(INTERFACE_TEXT)) == []
        assert visit.problems == []
    finally:
        await visit.context.close()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path", ["/budget/special_funds", "/budget/largest_funds"])
async def test_chart_panel_is_chinese_and_loads_only_when_opened(browser, server, path, width):  # noqa: F811
    visit = await open_page(browser, server, path, width)
    page = visit.page
    try:
        assert await page.evaluate("performance.getEntriesByType('resource').filter(e => "
                                   "e.name.includes('datasette_vega')).length") == 0
        launcher = page.locator(".chart-launcher button")
        assert await launcher.inner_text() == "显示图表选项"
        await launcher.click()
        await page.wait_for_selector("#graphForm")
        await page.get_by_label("柱状图").check()
        await page.wait_for_selector("canvas.marks", timeout=15000)
        await page.wait_for_timeout(300)
        form = await page.locator("#graphForm").inner_text()
        for chinese in ["图表选项", "柱状图", "折线图", "散点图", "X 轴（列）", "Y 轴（列）", "交换 X 轴和 Y 轴", "颜色", "大小"]:
            assert chinese in form, (chinese, form)
        options = await page.locator("#graphForm option").all_inner_texts()
        assert "（不用）" in options and "数值" in options and "类别（无顺序）" in options
        actions = await page.locator(".vega-actions a").all_text_contents()  # vega-embed's menu, shown on hover
        assert "保存为 PNG 图片" in actions and "保存为 SVG 图片" in actions, actions
        await screenshot(page, f"pages-chart{path.replace('/', '-')}-{width}")
        assert english_in(await page.evaluate(INTERFACE_TEXT)) == []
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        assert visit.problems == []
    finally:
        await visit.context.close()


async def transferred(browser, server, path, then=None):  # noqa: F811
    """Bytes on the wire (after gzip) for a page and everything it loads, as Chromium's network log counts them."""
    visit = await Visit(server).start(browser, 1280)
    session = await visit.context.new_cdp_session(visit.page)
    await session.send("Network.enable")
    sizes = []
    session.on("Network.loadingFinished", lambda event: sizes.append(event["encodedDataLength"]))
    await visit.open(path)
    await visit.page.wait_for_timeout(300)
    before = sum(sizes)
    if then:
        await then(visit.page)
        await visit.page.wait_for_timeout(300)
    problems = visit.problems
    await visit.context.close()
    assert problems == []
    return before, sum(sizes)


async def open_chart(page):
    await page.locator(".chart-launcher button").click()
    await page.wait_for_selector("#graphForm")


async def test_pages_are_light(browser, server):  # noqa: F811
    sizes = {}
    for name, path in [("landing", "/"), ("fund card", "/budget/special_funds/2019-shifeng-minzheng-07"),
                       ("saved query", "/budget/largest_funds")]:
        sizes[name] = (await transferred(browser, server, path))[0]
    table, with_chart = await transferred(browser, server, "/budget/special_funds", then=open_chart)
    sizes["table"], sizes["table with the chart panel open"] = table, with_chart
    print("transferred bytes:", sizes)
    assert table < 150 * 1024
    assert with_chart > table + 150 * 1024  # the chart bundle came when the panel was opened, and only then
    assert with_chart < 450 * 1024  # …compressed: 944 KB of JavaScript travels as about 300 KB
    assert all(size < 150 * 1024 for size in sizes.values() if size != with_chart), sizes
