"""Hostile data that stays inert in a real browser.

The site is built from a copy of data/ in which every free-text cell carries HTML, <script>, javascript: links and
event handlers (plus one very long cell), served with `make run`, and every kind of page is opened in Debian's
Chromium. The test fails on any dialog, any script execution, any injected element.
"""
import asyncio
import csv
import json
import shutil
import urllib.parse
import urllib.request

import pytest

import seed_forms
from helpers import ROOT, Visit, build_site, running_site


MARK = "data-xss"
PAYLOAD = (f'<script {MARK}>window.__xss=1;alert("xss")</script>'
           f'<img {MARK} src=x onerror="window.__xss=1;alert(1)">'
           f'<a {MARK} href="javascript:window.__xss=1;alert(2)">点我 click</a>'
           f'"\'><svg {MARK} onload="window.__xss=1"></svg>'
           f"<iframe {MARK} src=\"javascript:alert(3)\"></iframe>{{{{7*7}}}}")
HOSTILE_DEPARTMENT = f'<b {MARK}>区</b>"\'><script {MARK}>alert("部门")</script>民政局'
LONG_TEXT = "很长的文字" * 20000  # 100,000 characters in one cell
# Cells that join files must keep matching each other, and amounts, numbers and ids must stay valid: only free
# text (and names that are joined on, changed the same way everywhere) carries the payload.
FREE_TEXT = {
    "departments.csv": ["全称", "上级主管"],
    "forms.csv": ["表名", "编制单位", "标题行原文"],
    "form_layout.csv": ["原文"],
    "form1_special_funds.csv": ["专项支出名称", "支出方向", "实施期绩效目标", "年度绩效目标"],
    "form2_expenditure_directions.csv": ["主管部门", "所属专项名称", "专项实施期", "实施期绩效目标", "年度绩效目标",
                                         *seed_forms.indicator_columns()],
    "form3_department_budget.csv": ["整体绩效目标", "产出指标", "效益指标", "业务股室意见", "绩效股意见"],
    "form3_department_expenditures.csv": ["支出类别"],
    "notes.csv": ["说明"],
}


def poison(data):
    """Rewrite a copy of data/ so every free-text cell ends with the payload and the department has a hostile name."""
    for path in sorted(data.rglob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        columns = FREE_TEXT.get(path.name, [])
        for row in body:
            for i, column in enumerate(header):
                row[i] = row[i].replace("石峰区民政局", HOSTILE_DEPARTMENT)
                if column in columns and row[i]:
                    row[i] += PAYLOAD
        if path.name == "form1_special_funds.csv":
            body[0][header.index("实施期绩效目标")] += LONG_TEXT
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows([header] + body)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "data"
    shutil.copytree(ROOT / "data", data)
    poison(data)
    site = build_site(data, folder / "site")  # raises if the poisoned data no longer passes the checks
    with running_site(site) as base:
        yield base


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def hostile_pages(base):
    """Every kind of page: landing, forms, database, table, row, facets, saved queries, SQL, search, errors."""
    pages = ["/", "/?" + urllib.parse.urlencode({"年度": "2019", "部门": HOSTILE_DEPARTMENT}), "/forms",
             "/forms/2019/shifeng-minzheng/1", "/forms/2019/shifeng-minzheng/2", "/forms/2019/shifeng-minzheng/3",
             "/budget", "/filings", "/search?" + urllib.parse.urlencode({"q": "按文件"}),
             "/search?" + urllib.parse.urlencode({"q": PAYLOAD}),
             "/budget?" + urllib.parse.urlencode({"sql": "select '" + PAYLOAD.replace("'", "''") + "' as x, "
                                                          "'javascript:alert(1)' as y"}),
             "/budget/special_funds?" + urllib.parse.urlencode({"_facet": "专项名称", "专项名称__contains": "<script"}),
             "/budget/special_funds?" + urllib.parse.urlencode({"_search": PAYLOAD, "_sort": "专项名称"})]
    for database in ("budget", "filings"):
        info = get_json(f"{base}/{database}.json")
        for table in info["tables"]:
            if table["hidden"]:
                continue
            name = urllib.parse.quote(table["name"])
            pages.append(f"/{database}/{name}")
            row = get_json(f"{base}/{database}/{name}.json?_size=1&_shape=objects")
            if row["rows"] and row.get("primary_keys"):
                key = ",".join(urllib.parse.quote(str(row["rows"][0][k]), safe="") for k in row["primary_keys"])
                pages.append(f"/{database}/{name}/{key}")
    for query in get_json(f"{base}/budget.json")["queries"]:
        params = {p: "按文件" for p in query.get("params", [])}
        pages.append(f"/budget/{urllib.parse.quote(query['name'])}?{urllib.parse.urlencode(params)}")
        pages.append(f"/budget/{urllib.parse.quote(query['name'])}?"
                     + urllib.parse.urlencode({p: PAYLOAD for p in query.get("params", [])}))
    return pages


INJECTED = f"""() => ({{
    flag: window.__xss === 1,
    elements: document.querySelectorAll('[{MARK}]').length,
    javascriptLinks: document.querySelectorAll('a[href^="javascript:" i], iframe[src^="javascript:" i]').length,
    text: document.body.innerText.includes('window.__xss=1'),
}})"""


async def check_pages(browser, base, paths):
    """Open each page in turn in one browser tab; (failures, pages that showed the payload as text)."""
    visit = await Visit(base).start(browser, 1280)
    failures, shown = [], 0
    try:
        for path in paths:
            visit.problems.clear()
            # "load", not "networkidle": injected handlers (onerror, onload) fire before the load event ends.
            await visit.page.goto(base + path, wait_until="load")
            injected = await visit.page.evaluate(INJECTED)
            shown += injected["text"]
            # 4xx: pages asked for with hostile parameters may be refused; ERR_ABORTED: a chart's data request
            # cut short by moving on to the next page.
            problems = [p for p in visit.problems if not p.startswith("HTTP 4") and "net::ERR_ABORTED" not in p]
            if injected["flag"] or injected["elements"] or injected["javascriptLinks"] or problems:
                failures.append((path, injected, problems))
    finally:
        await visit.context.close()
    return failures, shown


async def test_hostile_data_renders_inert_on_every_page_type(hostile_server, browser):
    pages = hostile_pages(hostile_server)
    assert len(pages) > 30 and any("/special_funds/" in p for p in pages)
    tabs = 3
    results = await asyncio.gather(*[check_pages(browser, hostile_server, pages[i::tabs]) for i in range(tabs)])
    failures = [failure for found, _ in results for failure in found]
    assert failures == []
    # The payload was really on the pages, shown as text: the test looked at hostile content, not at nothing.
    assert sum(shown for _, shown in results) >= len(pages) // 2


async def test_hostile_long_cell_page_stays_within_the_screen(hostile_server, browser):
    for width in (375, 1280):
        visit = await Visit(hostile_server).start(browser, width)
        try:
            await visit.open("/budget/special_funds/2019-shifeng-minzheng-01")
            page = visit.page
            assert LONG_TEXT[:50] in await page.locator("main").inner_text()
            assert await page.evaluate("document.documentElement.scrollWidth") <= width
            assert await page.evaluate("window.__xss") is None
            assert visit.problems == []
        finally:
            await visit.context.close()
