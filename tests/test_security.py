"""Security: headers on every response, a read-only site, and hostile data that stays inert in a real browser.

The browser test builds its own databases from a copy of data/ in which every free-text cell carries HTML,
<script>, javascript: links and event handlers (plus one very long cell), serves them with `make run`, and opens
every kind of page in Debian's Chromium. It fails on any dialog, any script execution, any injected element.
"""
import asyncio
import base64
import csv
import hashlib
import json
import os
import re
import shutil
import urllib.parse
import urllib.request

import pytest
from playwright.async_api import async_playwright

import build_db
from conftest import ROOT, running_site
from test_browser import CHROMIUM, CHROMIUM_ARGS, Visit

# ---------------------------------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------------------------------

# One of each kind of response: pages, JSON, CSV, static files, a 404, a refused method, an SQL error.
RESPONSES = [
    ("GET", "/"), ("GET", "/budget"), ("GET", "/budget/special_funds"), ("GET", "/budget/performance_indicators"),
    ("GET", "/budget/special_funds/2019-shifeng-minzheng-07"), ("GET", "/budget/largest_funds"),
    ("GET", "/budget?sql=select+1"), ("GET", "/forms"), ("GET", "/forms/2019/shifeng-minzheng/2"),
    ("GET", "/search?q=低保"), ("GET", "/budget/special_funds.json"), ("GET", "/budget/special_funds.csv"),
    ("GET", "/assets/site.css"), ("GET", "/-/static/app.css"), ("GET", "/source/2019/shifeng-minzheng.txt"),
    ("GET", "/-/versions.json"), ("GET", "/no-such-page"), ("GET", "/budget?sql=select+nonsense+from"),
    ("POST", "/budget"), ("DELETE", "/budget/special_funds/2019-shifeng-minzheng-07"),
]
# What a source in the policy may be: this site, nothing, a hash of one of our inline scripts, or the few keywords
# checked per directive below. Any host, scheme or wildcard is an outside origin.
OWN_SOURCES = re.compile(r"^('self'|'none'|'sha256-[A-Za-z0-9+/=]+')$")
EXTRA_ALLOWED = {"style-src": {"'unsafe-inline'"}, "img-src": {"data:"}, "script-src": {"'unsafe-eval'"}}


def policy(headers):
    directives = {}
    for part in headers["content-security-policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("method,path", RESPONSES)
async def test_security_headers_on_every_response(ds, method, path):
    response = await ds.client.request(method, path)
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
    assert headers["x-frame-options"] == "DENY"
    csp = policy(headers)
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    for directive, sources in csp.items():
        for source in sources:
            assert OWN_SOURCES.match(source) or source in EXTRA_ALLOWED.get(directive, ()), (directive, source)


def inline_scripts(page):
    return [m.group(1) for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page, re.S)]


def sha256_source(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("path", ["/", "/budget/special_funds", "/budget/largest_funds", "/budget?sql=select+1",
                                  "/budget/special_funds/2019-shifeng-minzheng-07", "/search?q=低保"])
async def test_every_inline_script_is_allowed_by_hash_and_nothing_else_is(ds, path):
    response = await ds.client.get(path)
    csp = policy(response.headers)
    scripts = inline_scripts(response.text)
    for script in scripts:
        assert sha256_source(script) in csp["script-src"], script[:200]
    assert "'unsafe-inline'" not in csp["script-src"]


async def test_eval_only_where_the_vega_charts_load(ds):
    table = await ds.client.get("/budget/special_funds")
    assert "/datasette_vega/" in table.text
    assert "'unsafe-eval'" in policy(table.headers)["script-src"]
    for path in ["/", "/budget/special_funds/2019-shifeng-minzheng-07", "/forms/2019/shifeng-minzheng/1", "/search?q=低保"]:
        response = await ds.client.get(path)
        assert "/datasette_vega/" not in response.text
        assert "'unsafe-eval'" not in policy(response.headers)["script-src"], path


# ---------------------------------------------------------------------------------------------------------------
# Read-only
# ---------------------------------------------------------------------------------------------------------------

WRITE_PATHS = ["/", "/budget", "/filings", "/budget/special_funds", "/budget/special_funds/2019-shifeng-minzheng-07",
               "/budget/largest_funds", "/budget/-/create", "/budget/special_funds/-/insert",
               "/budget/special_funds/-/upsert", "/budget/special_funds/-/drop",
               "/budget/special_funds/2019-shifeng-minzheng-07/-/update",
               "/budget/special_funds/2019-shifeng-minzheng-07/-/delete", "/-/create-token", "/-/messages",
               "/-/logout", "/-/permissions", "/-/allow-debug", "/assets/site.css", "/search"]


def file_digests(built):
    return {name: hashlib.sha256((built / name).read_bytes()).hexdigest() for name in ("budget.db", "filings.db")}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"])
async def test_every_write_method_is_refused(ds, built, method):
    before = file_digests(built)
    for path in WRITE_PATHS:
        response = await ds.client.request(method, path, data={"sql": "delete from special_funds"})
        assert response.status_code == 405, (method, path)
        assert response.headers["allow"] == "GET, HEAD"
        assert "只读" in response.text and "read-only" in response.text
    assert file_digests(built) == before
    count = (await ds.client.get("/budget/special_funds.json?_shape=array&_size=max")).json()
    assert len(count) == 8


@pytest.mark.parametrize("sql", [
    "delete from special_funds",
    "update special_funds set 资金总额_元 = 0",
    "insert into notes (id, 年度, 部门) values ('x', 2019, 'x')",
    "drop table special_funds",
    "create table pwned (x)",
    "attach database '/tmp/pwned.db' as pwned",
    "pragma writable_schema = 1",
    "replace into departments (部门编码, 部门) values ('x', 'x')",
    "with x as (select 1) delete from special_funds",
])
async def test_writing_sql_is_refused(ds, built, sql):
    before = file_digests(built)
    response = await ds.client.get("/budget.json?" + urllib.parse.urlencode({"sql": sql}))
    assert response.status_code in (400, 403)
    assert response.json()["ok"] is False
    assert file_digests(built) == before
    assert not os.path.exists("/tmp/pwned.db")
    total = (await ds.client.get("/budget.json?sql=select+sum(资金总额_元)+from+special_funds&_shape=array")).json()
    assert list(total[0].values()) == [9920000]


# ---------------------------------------------------------------------------------------------------------------
# Hostile data in a real browser
# ---------------------------------------------------------------------------------------------------------------

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
                                         *[slot for _, slot in build_db.INDICATOR_SLOTS]],
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
    build_db.build_database(data, folder)  # raises if the poisoned data no longer passes the checks
    with running_site(folder) as base:
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


@pytest.fixture(scope="module")
async def hostile_browser():
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


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


async def test_hostile_data_renders_inert_on_every_page_type(hostile_server, hostile_browser):
    pages = hostile_pages(hostile_server)
    assert len(pages) > 30 and any("/special_funds/" in p for p in pages)
    tabs = 3
    results = await asyncio.gather(*[check_pages(hostile_browser, hostile_server, pages[i::tabs]) for i in range(tabs)])
    failures = [failure for found, _ in results for failure in found]
    assert failures == []
    # The payload was really on the pages, shown as text: the test looked at hostile content, not at nothing.
    assert sum(shown for _, shown in results) >= len(pages) // 2


async def test_hostile_long_cell_page_stays_within_the_screen(hostile_server, hostile_browser):
    for width in (375, 1280):
        visit = await Visit(hostile_server).start(hostile_browser, width)
        try:
            await visit.open("/budget/special_funds/2019-shifeng-minzheng-01")
            page = visit.page
            assert LONG_TEXT[:50] in await page.locator("main").inner_text()
            assert await page.evaluate("document.documentElement.scrollWidth") <= width
            assert await page.evaluate("window.__xss") is None
            assert visit.problems == []
        finally:
            await visit.context.close()
