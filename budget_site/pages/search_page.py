"""/search: the site-wide Chinese search page (see chinese_search.py for how matching works).

A common two-character word (低保) matches hundreds of thousands of cells in a province's data; ranking them all
by bm25 and counting them all takes half a second or more. So the page first counts the matches only up to
CANDIDATES + 1 (FTS5 stops there), the most recent first (search_index is numbered year by year, so within a year
its ids run in one range):

- up to CANDIDATES matches: that is every match; they are counted exactly, by table, and ranked by bm25, as always;
- more: the page says so ("至少 300 处") and ranks the CANDIDATES most recent matches by the same formula without its
  rarity weight (RANKED_SQL: how often the words occur, relative to the length of the text).
"""
import sqlite3

from datasette import hookimpl
from datasette.utils.asgi import BadRequest, Response

from budgetlib.cjk import NOTHING, QueryTooLong, cjk_query, query_terms

from ..datasette_seam import sqlite_timelimit

PAGE_SIZE = 50
LAST_PAGE = 1000  # 50,000 results; a larger page number is a made-up URL (and overflowed SQLite's OFFSET: a 500)
CANDIDATES = 300
TABLE_NAMES = {
    "special_funds": "专项资金（表1）", "expenditure_directions": "支出方向（表2）",
    "performance_indicators": "绩效指标（表2）", "department_budgets": "部门整体支出（表3）",
    "department_expenditures": "部门支出分类（表3）", "notes": "编者说明",
    "self_evaluations": "自评表", "self_evaluation_indicators": "自评表指标",
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
# How many matches, counting no further than :candidates + 1, within the ids of a year (joined with search_index only
# when the page asks for one table or one year).
CAPPED_COUNT_SQL = """
select count(*) from (
  select 1 from search_index_fts {join}
  where search_index_fts match cjk_query(:q) and search_index_fts.rowid between :low and :high {where}
  limit :candidates + 1
)
"""
FILTER_JOIN = "join search_index s on s.id = search_index_fts.rowid"
FILTERS = "and (:table = '' or s.表 = :table) and (:year = '' or s.年度 = :year)"
# The most recent :candidates matches, ranked by bm25 without its rarity weight (k1 = 1.2, b = 0.75, as FTS5's):
# the sum over the query's terms of tf·2.2 / (tf + 1.2·(0.25 + 0.75·length / average length)), where tf is how often
# the term occurs in the cell (counted in its one-token-per-character text) and length its number of tokens.
RANKED_SQL = """
with candidates as (
  select s.*, length(s.分词) - length(replace(s.分词, ' ', '')) + 1 as tokens
  from search_index_fts join search_index s on s.id = search_index_fts.rowid
  where search_index_fts match cjk_query(:q) and search_index_fts.rowid between :low and :high
    and (:table = '' or s.表 = :table) and (:year = '' or s.年度 = :year)
  order by search_index_fts.rowid desc
  limit :candidates
),
measured as (select *, avg(tokens) over () as average, {term_counts} from candidates)
select *, {score} as score from measured
order by score desc, id
limit :limit offset :offset
"""
TERM_COUNT = "(length(' ' || 分词 || ' ') - length(replace(' ' || 分词 || ' ', {term}, ''))) / length({term}) as {name}"
TERM_SCORE = "{name} * 2.2 / ({name} + 1.2 * (0.25 + 0.75 * tokens / average))"


def ranked_sql(terms):
    """RANKED_SQL for {name: the term as SQL (a :parameter or a literal)}."""
    return RANKED_SQL.format(term_counts=", ".join(TERM_COUNT.format(term=term, name=name) for name, term in terms.items()),
                             score=" + ".join(TERM_SCORE.format(name=name) for name in terms))


# Every year that has an entry: one index look-up per year, not a scan of the index.
YEARS_SQL = """
with recursive years(year) as (
  select max(年度) from search_index
  union all select (select max(年度) from search_index where 年度 < year) from years where year is not null
)
select year from years where year is not null
"""


def search_results(conn, params, limit_ms):
    """(results of the page, counts by table or None, total, exact?) — runs on the database thread."""
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
        bounded = {**params, "low": low, "high": high, "candidates": CANDIDATES}
        filtered = bool(params["table"] or params["year"])
        capped = CAPPED_COUNT_SQL.format(join=FILTER_JOIN if filtered else "", where=FILTERS if filtered else "")
        if conn.execute(capped, bounded).fetchone()[0] <= CANDIDATES:  # every match: exact, by bm25
            counts = {r["表"]: r["n"] for r in rows(COUNT_SQL, params)}
            total = sum(counts.values()) if not params["table"] else counts.get(params["table"], 0)
            return rows(SEARCH_SQL, params), counts, total, True
        terms = {f"term{i}": f" {' '.join(chars)} " for i, chars in enumerate(query_terms(params["q"]))}
        sql = ranked_sql({f"tf{i}": f":{name}" for i, name in enumerate(terms)})
        return rows(sql, {**bounded, **terms}), None, CANDIDATES, False


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
    params = {"q": q, "table": table, "year": year, "limit": PAGE_SIZE + 1, "offset": (page - 1) * PAGE_SIZE}
    try:
        searching = cjk_query(q) != NOTHING
    except QueryTooLong:
        raise BadRequest("搜索词太长或词太多，请用几个较短的词再试。The search is too long or has too many words.")
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
