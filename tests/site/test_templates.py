"""Datasette's own page chrome is Chinese-first: the overriding templates in templates/ translate its English strings,
keep its Jinja blocks and form fields, label every form control, and load datasette-vega only where rows are charted."""
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import datasette
import pytest
from datasette.version import __version__ as datasette_version

from helpers import ROOT

TEMPLATES = ROOT / "templates"
ORIGINALS = Path(datasette.__file__).parent / "templates"
VEGA = "/-/static-plugins/datasette_vega/"

# The overrides in templates/ that were copied from Datasette and translated.
OVERRIDES = [
    "table.html", "query.html", "row.html", "database.html", "error.html",
    "_description_source_license.html", "_table.html", "_facet_results.html",
    "_suggested_facets.html", "_crumbs.html", "_codemirror_foot.html",
]

# English strings from Datasette's templates that none of our pages may show any more.
ENGLISH_EVERYWHERE = [
    "View and edit SQL", "Suggested facets", "Advanced export", "Next page", "This data as",
    "Data license:", "Data source:", "About:", "Custom SQL query", "Run SQL", "Format SQL",
    "Download SQLite DB", "- remove filter -", "Links from other tables", ">home<",
]

# Row counts that depend on which years the build holds, counted in its databases: {funds} in the texts below.
COUNTS = {
    "funds": ("budget", "select count(*) from special_funds"),
    "indicators": ("budget", "select count(*) from performance_indicators"),
    "ecological": ("budget", "select count(*) from performance_indicators where 二级指标 = '生态效益指标'"),
    "low_income_indicators": ("budget", "select count(*) from performance_indicators i "
                                        "join special_funds f on f.id = i.专项_id where instr(f.专项名称, '低保')"),
    "filed_funds": ("filings", "select count(*) from form1_special_funds"),
}

# (url, status, charts: whether datasette-vega loads (None: not checked), Chinese that must appear, English that must not)
PAGES = [
    ("/", 200, False, [], []),
    ("/budget", 200, None,
     ["自定义 SQL 查询", "运行 SQL", "格式化 SQL", ">保存的查询</h2>", ">数据表</h2>", "下载数据库",
      "数据许可：", "数据来源：", "关于：", ">首页</a>", "共 {funds} 行"],
     [">Queries<", ">Tables<", "Table actions"]),
    ("/budget/special_funds", 200, True,
     ["共 {funds} 行", "查看和编辑 SQL", "数据格式：", "高级导出", 'value="应用"', "- 选择列 -", "数据许可：",
      "数据来源：", "关于：", ">首页</a>", "JSON 格式：", "CSV 选项：", 'value="导出 CSV"'],
     ["{funds} rows", 'value="Apply"', "- column -", "Export CSV", "JSON shape", "CSV options"]),
    ("/budget/special_funds?_facet=支出方向", 200, True,
     ["共 {funds} 行", "建议的分面：", "查看和编辑 SQL", "高级导出", "移除“支出方向”分面"],
     ["{funds} rows", 'value="Apply"']),
    ("/budget/performance_indicators?二级指标=生态效益指标", 200, True,
     ["共 {ecological} 行", "- 移除筛选 -", "查看和编辑 SQL", "高级导出", "筛选条件 1：列",
      # The description of the filters is Chinese too (Datasette's own is English: where … = "…").
      '<small class="human-description">筛选：二级指标 等于“生态效益指标”；按 id 升序排列</small>'],
     ["{ecological} rows", 'value="Apply"', "where 二级指标", "human-description\" lang=\"en\""]),
    ("/budget/special_funds?_sort_desc=资金总额_元", 200, True,
     ["按 资金总额_元 降序排列", "<title>专项资金（表1）：共 {funds} 行（按 资金总额_元 降序排列）"],
     ["sorted by", "descending"]),
    ("/budget/performance_indicators", 200, True, ["共 {indicators} 行", "下一页"], []),
    ("/budget/expenditure_directions/2019-shifeng-minzheng-01-1", 200, False,
     ["数据格式：", "其他表中引用这条记录的行", "绩效指标（表2）（<code>performance_indicators</code>）表的 支出方向_id 列",
      "9 行", ">首页</a>", ">预算绩效目标（规范化数据）</a>", ">支出方向（表2）</a>"],
     ["9 rows", "This data as"]),
    ("/budget?sql=select+1", 200, True,
     ["自定义 SQL 查询：返回 1 行", "运行 SQL", "格式化 SQL", "数据格式：", "隐藏 SQL", "SQL 查询语句"],
     ["returning", "(hide)"]),
    ("/budget/largest_funds", 200, True,
     ["SQL 查询：返回 {funds} 行", "查询参数", "运行 SQL", "编辑 SQL", "数据格式："],
     ["Query parameters", "Edit SQL"]),
    ("/budget/fund_indicators?专项名称=低保", 200, True,
     ["SQL 查询：返回 {low_income_indicators} 行", "查询参数", 'value="低保"', "数据格式："],
     ["Query parameters", "0 results"]),
    ("/filings/form1_special_funds", 200, True,
     ["共 {filed_funds} 行", "查看和编辑 SQL", "数据格式：", "高级导出", ">首页</a>"],
     ["{filed_funds} rows"]),
    ("/budget/no_such_table", 404, False,
     ["出错了", "找不到这个页面", '<a href="/">返回首页</a>'],
     ["Error 404"]),
]


class Page(HTMLParser):
    """Headings in order, and every form control with whether a <label> names it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings = []
        self.controls = []  # (tag, attrs, wrapped in a label)
        self.label_for = set()
        self.label_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("select", "textarea") or (
                tag == "input" and attrs.get("type", "text") not in ("hidden", "submit", "button", "reset")):
            self.controls.append((tag, attrs, self.label_depth > 0))

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1

    def unlabelled(self):
        return [(tag, attrs) for tag, attrs, wrapped in self.controls
                if not wrapped and attrs.get("id") not in self.label_for]


def parse(html):
    page = Page()
    page.feed(html)
    return page


def test_datasette_version_is_the_one_the_overrides_copy():
    assert datasette_version == "0.65.5"


@pytest.mark.parametrize("name", OVERRIDES)
def test_override_keeps_datasettes_blocks_and_fields(name):
    """A copy, not a rewrite: same blocks and form field names as Datasette's own template, and says so up top."""
    ours = (TEMPLATES / name).read_text(encoding="utf-8")
    theirs = (ORIGINALS / name).read_text(encoding="utf-8")
    head = ours.split("\n", 3)[:3]
    assert any(re.match(r"\{# Override of Datasette 0\.65\.5 " + re.escape(name) + r"\b", line) for line in head), head

    def blocks(text):
        return set(re.findall(r"\{%-?\s*block\s+(\w+)", text))

    def fields(text):
        return set(re.findall(r'\bname="([^"]*)"', text))

    assert blocks(theirs) <= blocks(ours)
    assert blocks(ours) - blocks(theirs) <= {"wants_charts", "footer"}
    # table.html adds one form of its own: the Chinese search box that submits q and 表 to /search.
    added = {"table.html": {"q", "表"}}.get(name, set())
    assert fields(ours) == fields(theirs) | added
    # table.html and query.html share one include of our own: the Excel-ready download links.
    ours_includes = [i for i in re.findall(r"\{%-?\s*(?:include|import|extends)\s+[^%]*%\}", ours)
                     if i != '{% include "_export_links.html" %}']
    assert ours_includes == re.findall(r"\{%-?\s*(?:include|import|extends)\s+[^%]*%\}", theirs)


@pytest.mark.parametrize("name", ["table.html", "query.html"])
def test_chart_pages_ask_for_charts(name):
    lines = (TEMPLATES / name).read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ['{% extends "base.html" %}', "{% block wants_charts %}yes{% endblock %}"]


@pytest.fixture(scope="module")
def counts(budget_db, filings_db):
    """COUNTS as Datasette prints numbers ("1,234")."""
    conns = {"budget": budget_db, "filings": filings_db}
    return {name: f"{conns[db].execute(sql).fetchone()[0]:,}" for name, (db, sql) in COUNTS.items()}


@pytest.mark.parametrize("url,status,charts,chinese,english", PAGES, ids=[p[0] for p in PAGES])
async def test_page_is_chinese_first(ds, counts, url, status, charts, chinese, english):
    response = await ds.client.get(url)
    assert response.status_code == status, (url, response.text[:500])
    html = response.text
    assert '<html lang="zh-CN">' in html
    for text in chinese:
        assert text.format_map(counts) in html, (url, text)
    # English is allowed in data, metadata and SQL, so look for the replaced strings outside <pre>, <code> and tables.
    chrome = re.sub(r"<(pre|code|table|title)\b.*?</\1>", "", html, flags=re.S)
    for text in ENGLISH_EVERYWHERE + english:
        assert text.format_map(counts) not in chrome, (url, text)
    if charts is not None:
        assert (VEGA in html) is charts, (url, "datasette-vega should" + ("" if charts else " not") + " load")


@pytest.mark.parametrize("url", [p[0] for p in PAGES if p[0] != "/"])
async def test_page_headings_and_labels(ds, url):
    """One h1, no skipped heading levels, and a <label> for every form control."""
    html = (await ds.client.get(url)).text
    page = parse(html)
    assert page.headings.count(1) == 1, (url, page.headings)
    for before, after in zip(page.headings, page.headings[1:]):
        assert after <= before + 1, (url, page.headings)
    assert page.unlabelled() == [], url
    if 'class="visually-hidden"' in html:  # the class that hides a label from sight but not from screen readers
        assert ".visually-hidden{" in html.replace(" ", "") or (
            '/assets/site.css' in html and ".visually-hidden" in (ROOT / "static" / "site.css").read_text()), url


async def test_filter_operators_in_chinese_with_unchanged_values(ds, counts):
    html = (await ds.client.get("/budget/performance_indicators?二级指标=生态效益指标")).text
    assert '<option value="exact" selected>等于 =</option>' in html
    assert '<option value="contains">包含</option>' in html
    assert '<option value="isnull__1">为空值（NULL）</option>' in html
    assert '<option value="like">模糊匹配（% 代表任意字符）</option>' in html
    assert '<option value="glob">通配符匹配（* 代表任意字符）</option>' in html
    # The form still filters: Datasette reads the same field names and redirects to the filtered table.
    response = await ds.client.get(
        "/budget/performance_indicators?_filter_column=二级指标&_filter_op=exact&_filter_value=生态效益指标")
    assert response.status_code == 302
    assert urllib.parse.unquote(response.headers["location"]) == "/budget/performance_indicators?二级指标__exact=生态效益指标"
    assert f"共 {counts['ecological']} 行" in (await ds.client.get(response.headers["location"])).text


# Every page's navigation bar and footer, in order (budget_site/presentation/site_vars.py builds them once per server).
NAV_LINKS = ["/", "/budget/special_funds", "/budget/performance_indicators", "/forms", "/quality", "/results", "/checks", "/budget",
             "/search"]
FOOTER_LINKS = ["/documents", "/budget/notes", "/budget.db", "/dictionary", "/api", "/changelog"]


def nav_and_footer_links(html):
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    footer = html.split('<footer class="ft">', 1)[1]
    return (re.findall(r'href="([^"]+)"', nav),
            [href for href in re.findall(r'href="([^"]+)"', footer) if not href.startswith("http")])


@pytest.mark.parametrize("url", ["/", "/budget/largest_funds", "/budget/special_funds", "/search?q=低保"])
async def test_every_page_links_the_same_places(ds, url):
    nav, footer = nav_and_footer_links((await ds.client.get(url)).text)
    assert nav == NAV_LINKS
    assert footer[-len(FOOTER_LINKS):] == FOOTER_LINKS  # after the page's own source document, if it has one


async def test_links_follow_the_base_url(built):
    """Behind a proxy that serves the site under a path (Datasette's base_url), the links built once carry it."""
    from datasette.app import Datasette

    ds = Datasette(config_dir=built, settings={"base_url": "/budget-site/"})
    nav, footer = nav_and_footer_links((await ds.client.get("/budget/largest_funds")).text)  # the client adds base_url
    assert nav == ["/budget-site" + href for href in NAV_LINKS]
    assert footer[-len(FOOTER_LINKS):] == ["/budget-site" + href for href in FOOTER_LINKS]


async def test_cell_classes_are_datasettes(ds):
    """budget_site/presentation/template_speed.py remembers each column's class; they stay Datasette's own: a
    Chinese name becomes the first six hex digits of its MD5 (年度 → 9dfd19, 部门 → 1e1459, 专项名称 → 62f4f2)."""
    html = (await ds.client.get("/budget/largest_funds?年度=2019&部门=全部")).text
    for column, digest in [("年度", "9dfd19"), ("部门", "1e1459"), ("专项名称", "62f4f2")]:
        assert f'<th class="col-{digest}" scope="col">{column}</th>' in html
        assert html.count(f'<td class="col-{digest}">') > 1
