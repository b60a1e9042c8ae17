"""The home page, each department's page and the list of departments, read from budget.db on every request (never
typed into a template).

One department in the data: the home page is that department's page. Several: the home page lists the
LIST_SIZE largest of the year (department_years, which the build fills: one indexed look-up however many
departments there are) and /departments lists them all; each has its own page at /departments/<部门编码>. A page
shows the most recent year unless ?年度= asks for another. Each page reads everything it needs in one go on the
database thread (`execute_fn`), not query by query.
"""
from datasette import hookimpl
from datasette.utils.asgi import BadRequest, Response

from budgetlib.amounts import yuan_exact
from budgetlib.results_view import summaries, totals
from budgetlib.year_changes import STOPPED

LIST_SIZE = 50  # departments on the home page; /departments has them all

DEPARTMENT_YEARS = "select 年度 from department_years where 部门 = ? order by 年度 desc"
YEARS = "select distinct 年度 from department_years order by 年度 desc"
LIST = ("select * from department_years where 年度 = ? "
        "order by 资金总额_元 desc nulls last, 部门编码 limit ?")
TOTALS = ("select count(*) as count, coalesce(sum(资金总额_元), 0) as total, count(资金总额_元) as budgets, "
          "coalesce(sum(专项合计_元), 0) as funds_total "
          "from department_years where 年度 = ?")


def rows(conn, sql, params=()):
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def first(conn, sql, params=()):
    found = rows(conn, sql, params)
    return found[0] if found else None


def wanted_year(request, years):
    """The year asked for with ?年度=, if the data has it; else the most recent one."""
    asked = (request.args.get("年度") or "") if request else ""
    # str.isdigit() accepts ² and other digits int() refuses (a 500): a year is ASCII digits.
    if asked and not (asked.isascii() and asked.isdigit() and len(asked) <= 6):
        raise BadRequest("“年度”应为数字年份，例如 2019。The year must be a number such as 2019.")
    return int(asked) if asked and int(asked) in years else years[0]


def department_page(conn, department, request, saved_queries):
    """Everything a department's page shows for one of its years (runs on the database thread)."""
    info = first(conn, "select * from departments where 部门 = ?", [department])
    years = [r["年度"] for r in rows(conn, DEPARTMENT_YEARS, [department])]
    if info is None or not years:
        return None
    year = wanted_year(request, years)
    budget = first(conn, "select * from department_budgets where 年度 = ? and 部门 = ?", [year, department])
    # 资金总额_元 here is exact (from 分): a standard form's 元 amounts have 角分, and sums and changes must keep them.
    funds = rows(conn, "select id, 序号, 专项名称, 支出方向, 资金总额_分, 版式 from special_funds where 年度 = ? and 部门 = ? "
                       "order by 资金总额_分 desc, 序号", [year, department])
    funds = [{**f, "资金总额_元": yuan_exact(f["资金总额_分"])} for f in funds]
    categories = rows(conn, "select id, 支出类别, 金额_元 from department_expenditures where 年度 = ? and 部门 = ? "
                            "order by 金额_元 desc, 序号", [year, department])
    previous_year = max((y for y in years if y < year), default=None)
    previous_budget = first(conn, "select * from department_budgets where 年度 = ? and 部门 = ?",
                            [previous_year, department])
    # New, continued and stopped funds: the year's fund_year_changes rows, which the build writes (budgetlib/year_changes.py).
    # Amounts in exact 元 from 分 (a standard form's 元 amounts have 角分).
    changes = rows(conn, "select 状态, 本年_id, 上年_id, 专项名称, 上年_分, 变化_分 from fund_year_changes "
                         "where 年度 = ? and 部门 = ? order by 上年_id", [year, department])
    previous_total = first(conn, "select sum(资金总额_分) as total from special_funds where 部门 = ? and 年度 = ?",
                           [department, previous_year])["total"]
    document = first(conn, "select * from source_documents where 年度 = ? and 部门 = ?", [year, department])
    results = summaries(conn, year, department)  # the year's self-evaluations (issue 22), if published
    return {
        "results": results, "results_totals": totals(results),
        "code": info["部门编码"], "full_name": info["全称"],
        "previous_year": previous_year,
        "previous_budget": previous_budget,
        "previous_funds_total": yuan_exact(previous_total),
        "fund_changes": {c["本年_id"]: {"状态": c["状态"], "变化_元": yuan_exact(c["变化_分"])}
                         for c in changes if c["状态"] != STOPPED},
        "discontinued": [{"专项名称": c["专项名称"], "上年_id": c["上年_id"], "上年_元": yuan_exact(c["上年_分"])}
                         for c in changes if c["状态"] == STOPPED],
        "department_years": years, "year": year, "department": department,
        "budget": budget,
        "funds": funds, "funds_total": sum(f["资金总额_元"] or 0 for f in funds),
        "standard": any(f["版式"] == "标准" for f in funds),  # the year's projects come from 项目支出绩效目标表
        "funds_largest": max([f["资金总额_元"] or 0 for f in funds] or [0]),
        "categories": categories, "categories_total": sum(c["金额_元"] for c in categories),
        "categories_largest": max([c["金额_元"] for c in categories] or [0]),
        "source_document": document,
        "saved_queries": saved_queries,
    }


def overview(conn, request, limit):
    """The departments of a year, the largest first (at most limit of them), with the year's totals."""
    years = [r["年度"] for r in rows(conn, YEARS)]
    if not years:
        return None
    year = wanted_year(request, years)
    return {"year": year, "years": years, "departments": rows(conn, LIST, [year, limit]), **first(conn, TOTALS, [year])}


@hookimpl
def register_routes():
    return [(r"^/$", home_route), (r"^/departments$", list_route),
            (r"^/departments/(?P<code>[a-z0-9-]+)$", department_route)]


def not_found(datasette, request, title, error):
    async def render():
        return Response.html(await datasette.render_template(
            "error.html", {"title": title, "error": error, "status": 404}, request=request), status=404)
    return render()


async def home_route(datasette, request):
    db = datasette.get_database("budget")
    queries = datasette.metadata("queries", database="budget") or {}

    def home(conn):
        departments = [r[0] for r in conn.execute("select distinct 部门 from department_years limit 2")]
        if len(departments) == 1:
            return {"landing": department_page(conn, departments[0], request, queries), "overview": None}
        return {"landing": None, "overview": overview(conn, request, LIST_SIZE)}

    context = await db.execute_fn(home)
    if context["landing"]:
        context["source_document"] = context["landing"]["source_document"]
    # As Datasette's own index page: its JSON (/.json, still Datasette's) named as the alternate.
    json_url = datasette.absolute_url(request, datasette.urls.path("/.json"))
    context["alternate_url_json"] = json_url
    return Response.html(await datasette.render_template("index.html", context, request=request, view_name="index"),
                         headers={"Link": f'{json_url}; rel="alternate"; type="application/json+datasette"'})


async def list_route(datasette, request):
    db = datasette.get_database("budget")
    found = await db.execute_fn(lambda conn: overview(conn, request, -1))  # -1: no limit
    if found is None:
        return await not_found(datasette, request, "还没有部门", "数据库中还没有部门的数据。")
    return Response.html(await datasette.render_template("departments.html", {"overview": found}, request=request))


async def department_route(datasette, request):
    db = datasette.get_database("budget")
    queries = datasette.metadata("queries", database="budget") or {}

    def page(conn):
        name = conn.execute("select 部门 from departments where 部门编码 = ?", [request.url_vars["code"]]).fetchone()
        return department_page(conn, name[0], request, queries) if name else None

    found = await db.execute_fn(page)
    if found is None:
        return await not_found(datasette, request, "找不到这个部门", "没有这个部门编码，或这个部门还没有数据。")
    return Response.html(await datasette.render_template(
        "department.html", {"landing": found, "source_document": found["source_document"]}, request=request))
