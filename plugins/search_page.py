"""/search: the site-wide Chinese search page (see chinese_search.py for how matching works).

A common two-character word (低保) matches hundreds of thousands of cells in a province's data; ranking them all
by bm25 and counting them all takes half a second or more. So the page reads at most CANDIDATES matches, the
most recent first (search_index is numbered year by year, so within a year its ids run in one range):

- when there are fewer, that is every match: they are counted exactly and ranked by bm25, as always;
- when there are more, the page says so ("至少 500 处"), and ranks those most recent matches by the same formula
  without its rarity weight (how often the words occur, relative to the length of the text; see relevance()).
"""
import sqlite3

from datasette import hookimpl
from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import Response

from builder.cjk import NOTHING, cjk_query, query_terms

PAGE_SIZE = 50
CANDIDATES = 500
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
# The most recent matches (highest ids first), at most :candidates of them, within the ids of a year.
CANDIDATE_SQL = """
select s.id, s.表, s.分词
from search_index_fts join search_index s on s.id = search_index_fts.rowid
where search_index_fts match cjk_query(:q) and search_index_fts.rowid between :low and :high
  and (:table = '' or s.表 = :table) and (:year = '' or s.年度 = :year)
order by search_index_fts.rowid desc
limit :candidates
"""
# Every year that has an entry: one index look-up per year, not a scan of the index.
YEARS_SQL = """
with recursive years(year) as (
  select max(年度) from search_index
  union all select (select max(年度) from search_index where 年度 < year) from years where year is not null
)
select year from years where year is not null
"""


def relevance(tokens, phrases, average_length):
    """bm25 without its rarity weight (k1 = 1.2, b = 0.75, as FTS5's): tokens, the cell one character per token;
    phrases, the query's terms as token strings."""
    padded, length = f" {tokens} ", tokens.count(" ") + 1
    score = 0.0
    for phrase in phrases:
        occurrences = padded.count(f" {phrase} ")
        score += occurrences * 2.2 / (occurrences + 1.2 * (0.25 + 0.75 * length / average_length))
    return score


def search_results(conn, params, limit_ms):
    """(results of the page, counts by table, total, exact?) — runs on the database thread."""
    def rows(sql, values):
        cursor = conn.execute(sql, values)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    with sqlite_timelimit(conn, limit_ms):
        low, high = 0, 1 << 62
        if params["year"]:
            low = (conn.execute("select id from search_index where 年度 = ? order by id limit 1", [params["year"]])
                   .fetchone() or [1 << 62])[0]
            high = (conn.execute("select id from search_index where 年度 = ? order by id desc limit 1",
                                 [params["year"]]).fetchone() or [0])[0]
        candidates = rows(CANDIDATE_SQL, {**params, "low": low, "high": high, "candidates": CANDIDATES})
        if len(candidates) < CANDIDATES:  # every match: exact counts and bm25, as for any small search
            counts = {r["表"]: r["n"] for r in rows(COUNT_SQL, params)}
            total = sum(counts.values()) if not params["table"] else counts.get(params["table"], 0)
            return rows(SEARCH_SQL, params), counts, total, True
        counts = {}
        for candidate in candidates:
            counts[candidate["表"]] = counts.get(candidate["表"], 0) + 1
        phrases = [" ".join(chars) for chars in query_terms(params["q"])]
        average = sum(c["分词"].count(" ") + 1 for c in candidates) / len(candidates)
        ranked = sorted(candidates, key=lambda c: (-relevance(c["分词"], phrases, average), c["id"]))
        page = [c["id"] for c in ranked[params["offset"]: params["offset"] + params["limit"]]]
        found = {r["id"]: r for r in rows(f"select * from search_index where id in ({', '.join('?' * len(page))})", page)}
        return [found[i] for i in page], counts, len(candidates), False


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
    db = datasette.get_database("budget")
    params = {"q": q, "table": table, "year": year, "limit": PAGE_SIZE + 1, "offset": (page - 1) * PAGE_SIZE}
    searching = cjk_query(q) != NOTHING
    limit_ms = datasette.setting("sql_time_limit_ms")

    def run(conn):
        years = [r[0] for r in conn.execute(YEARS_SQL)]
        if not searching:
            return years, [], {}, 0, True
        return (years, *search_results(conn, params, limit_ms))

    timed_out = False
    try:
        years, results, counts, total, exact = await db.execute_fn(run)
    except sqlite3.OperationalError as error:
        if error.args != ("interrupted",):
            raise
        years, results, counts, total, exact, timed_out = [], [], {}, 0, True, True  # past sql_time_limit_ms
    context = {
        "q": q, "table": table, "year": year, "page": page, "searching": searching,
        "results": results[:PAGE_SIZE], "has_more": len(results) > PAGE_SIZE,
        "counts": counts, "total": total, "exact": exact, "candidates": CANDIDATES,
        "table_names": TABLE_NAMES, "years": years, "timed_out": timed_out,
    }
    return Response.html(await datasette.render_template("search.html", context, request=request))
