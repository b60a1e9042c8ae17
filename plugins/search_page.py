"""/search: the site-wide Chinese search page (see chinese_search.py for how matching works)."""
import sqlite3

from datasette import hookimpl
from datasette.utils.asgi import BadRequest, Response

PAGE_SIZE = 50
LAST_PAGE = 1000  # 50,000 results; a larger page number is a made-up URL (and overflowed SQLite's OFFSET: a 500)
TABLE_NAMES = {
    "special_funds": "专项资金（表1）", "expenditure_directions": "支出方向（表2）",
    "performance_indicators": "绩效指标（表2）", "department_budgets": "部门整体支出（表3）",
    "department_expenditures": "部门支出分类（表3）", "notes": "编者说明",
}

SEARCH_SQL = """
select s.*, bm25(search_index_fts) as score
from search_index_fts join search_index s on s.id = search_index_fts.rowid
where search_index_fts match cjk_query(:q)
  and (:table = '' or s.表 = :table) and (:year = '' or s.年度 = :year)
order by score, s.id
limit :limit offset :offset
"""
COUNT_SQL = """
select s.表, count(*) as n
from search_index_fts join search_index s on s.id = search_index_fts.rowid
where search_index_fts match cjk_query(:q) and (:year = '' or s.年度 = :year)
group by s.表
"""


@hookimpl
def register_routes():
    return [(r"^/search$", search)]


@hookimpl
def extra_template_vars():
    # Table pages offer a search box that comes here (Datasette's own _search cannot segment Chinese).
    return {"searchable_tables": TABLE_NAMES}


async def search(datasette, request):
    q = (request.args.get("q") or "").strip()
    table = request.args.get("表") or ""
    table = table if table in TABLE_NAMES else ""
    year = request.args.get("年度") or ""
    year = year if year.isdigit() else ""
    try:
        page = max(1, int(request.args.get("page") or 1))
    except ValueError:
        page = 1
    if page > LAST_PAGE:
        raise BadRequest(f"页码太大：搜索结果最多 {LAST_PAGE} 页。Page number too large.")
    db = datasette.get_database("budget")
    results, counts = [], {}
    params = {"q": q, "table": table, "year": year, "limit": PAGE_SIZE + 1, "offset": (page - 1) * PAGE_SIZE}
    try:
        searching = (await db.execute("select cjk_query(?) != '\"\"'", [q])).single_value() == 1
    except sqlite3.OperationalError:  # cjk_query refuses over-long queries (chinese_search.py)
        raise BadRequest("搜索词太长或词太多，请用几个较短的词再试。The search is too long or has too many words.")
    if searching:
        results = [dict(r) for r in await db.execute(SEARCH_SQL, params)]
        counts = {r["表"]: r["n"] for r in await db.execute(COUNT_SQL, params)}
    years = [r[0] for r in await db.execute("select distinct 年度 from search_index order by 年度 desc")]
    context = {
        "q": q, "table": table, "year": year, "page": page, "searching": searching,
        "results": results[:PAGE_SIZE], "has_more": len(results) > PAGE_SIZE,
        "counts": counts, "total": sum(counts.values()) if not table else counts.get(table, 0),
        "table_names": TABLE_NAMES, "years": years,
    }
    return Response.html(await datasette.render_template("search.html", context, request=request))
