"""/sitemap.xml and /robots.txt, so search engines find every page a citizen may look for.

The sitemap lists the landing page (and each earlier year), every fund card, the original forms, the pages about
the data (/checks, /quality, /search, /dictionary, /api, /changelog), both databases, every visible table and
view, and every saved query, all read from the live site so new years, funds and queries appear by themselves.
robots.txt allows all of it and keeps crawlers away from addresses without end or with real cost: arbitrary SQL,
re-sorted and re-faceted copies of the same table, and the data formats (JSON, CSV, XLSX, SQLite), which are
listed on /api instead. datasette-sitemap was not used: it needs the paths as one SQL query and its robots.txt
names only the sitemap.
"""
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import escape

MOST_URLS = 50000  # the sitemap protocol's limit for one file
STATIC_PAGES = ["/forms", "/checks", "/quality", "/results", "/search", "/dictionary", "/api", "/changelog"]
ROBOTS = """User-agent: *
Allow: /
Allow: /downloads/
Disallow: /*?sql=
Disallow: /*&sql=
Disallow: /*_sort
Disallow: /*_facet
Disallow: /*.json
Disallow: /*.csv
Disallow: /*.xlsx
Disallow: /*.db
Disallow: /-/

Sitemap: {sitemap}
"""


@hookimpl
def register_routes():
    return [(r"^/sitemap\.xml$", sitemap_xml), (r"^/robots\.txt$", robots_txt)]


async def site_paths(datasette):
    urls = datasette.urls
    paths = ["/"]
    budget = datasette.get_database("budget")
    years = [r[0] for r in await budget.execute(
        "select 年度 from special_funds union select 年度 from department_budgets order by 年度 desc")]
    paths += [f"/?年度={year}" for year in years[1:]]  # the landing page shows the latest year itself
    paths += [urls.row("budget", "special_funds", r[0]) for r in await budget.execute(
        "select id from special_funds order by 年度 desc, 部门, 序号 limit ?", [MOST_URLS])]
    paths += STATIC_PAGES
    paths += [f"/forms/{r[0]}/{r[1]}/{r[2]}" for r in await budget.execute(
        "select f.年度, d.部门编码, f.表号 from forms f join departments d on d.部门 = f.部门 "
        "order by f.年度 desc, d.部门编码, f.表号")]
    paths += [f"/forms/{r[0]}/{r[1]}/p{r[2]}" for r in await budget.execute(  # standard layout: one per project
        "select f.年度, d.部门编码, f.序号 from special_funds f join departments d on d.部门 = f.部门 "
        "where f.版式 = '标准' order by f.年度 desc, d.部门编码, f.序号")]
    for name, db in datasette.databases.items():
        if name.startswith("_"):
            continue
        paths.append(urls.database(name))
        hidden = set(await db.hidden_table_names())
        paths += [urls.table(name, t) for t in await db.table_names() if t not in hidden]
        paths += [urls.table(name, v) for v in await db.view_names()]
        paths += [urls.query(name, q) for q in (datasette.metadata("queries", database=name, fallback=False) or {})]
    return list(dict.fromkeys(paths))[:MOST_URLS]


async def sitemap_xml(datasette, request):
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    # Addresses percent-encoded (RFC 3986), as the protocol asks; escape() for the & of a query string.
    lines += [f"<url><loc>{escape(datasette.absolute_url(request, path_quote(path)))}</loc></url>"
              for path in await site_paths(datasette)]
    lines.append("</urlset>")
    return Response("\n".join(lines) + "\n", content_type="application/xml; charset=utf-8")


def path_quote(path):
    return quote(path, safe="/?=&%~-._")


async def robots_txt(datasette, request):
    return Response.text(ROBOTS.format(sitemap=datasette.absolute_url(request, "/sitemap.xml")))
