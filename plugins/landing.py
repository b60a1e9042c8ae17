"""The home page and each department's page, read from budget.db on every request (never typed into a template).

One department in the data: the home page is that department's page. Several: the home page lists them (totals,
funds, years) and each has its own page at /departments/<部门编码>. A page shows the most recent year unless
?年度= asks for another.
"""
from datasette import hookimpl
from datasette.utils.asgi import BadRequest, Response

from builder.year_changes import compare

# Rows of any year: a department may file form 1 without form 3 or the other way round.
DEPARTMENT_YEARS = ("select 部门, 年度 from special_funds where 部门 = :dept union "
                    "select 部门, 年度 from department_budgets where 部门 = :dept order by 年度 desc")
OVERVIEW = """
select d.部门编码, d.部门, d.全称,
  (select 资金总额_元 from department_budgets b where b.部门 = d.部门 and b.年度 = :year) as 资金总额_元,
  (select count(*) from special_funds f where f.部门 = d.部门 and f.年度 = :year) as 专项数,
  (select sum(资金总额_元) from special_funds f where f.部门 = d.部门 and f.年度 = :year) as 专项合计_元,
  (select group_concat(年度, '、') from (select distinct 年度 from special_funds f where f.部门 = d.部门
     union select 年度 from department_budgets b where b.部门 = d.部门 order by 年度)) as 年度列表
from departments d
where exists (select 1 from special_funds f where f.部门 = d.部门 and f.年度 = :year)
   or exists (select 1 from department_budgets b where b.部门 = d.部门 and b.年度 = :year)
order by 资金总额_元 desc nulls last, d.部门编码
"""


def wanted_year(request, years):
    """The year asked for with ?年度=, if the data has it; else the most recent one."""
    asked = (request.args.get("年度") or "") if request else ""
    # str.isdigit() accepts ² and other digits int() refuses (a 500): a year is ASCII digits.
    if asked and not (asked.isascii() and asked.isdigit() and len(asked) <= 6):
        raise BadRequest("“年度”应为数字年份，例如 2019。The year must be a number such as 2019.")
    return int(asked) if asked and int(asked) in years else years[0]


async def all_years(db):
    return [r[0] for r in await db.execute(
        "select 年度 from special_funds union select 年度 from department_budgets order by 年度 desc")]


async def department_page(db, department, request, saved_queries):
    """Everything a department's page shows for one of its years."""
    info = (await db.execute("select * from departments where 部门 = ?", [department])).first()
    years = [r["年度"] for r in await db.execute(DEPARTMENT_YEARS, {"dept": department})]
    if info is None or not years:
        return None
    year = wanted_year(request, years)
    budget = (await db.execute(
        "select * from department_budgets where 年度 = ? and 部门 = ?", [year, department])).first()
    funds = [dict(r) for r in await db.execute(
        "select id, 序号, 专项名称, 支出方向, 资金总额_元 from special_funds where 年度 = ? and 部门 = ? "
        "order by 资金总额_元 desc, 序号", [year, department])]
    categories = [dict(r) for r in await db.execute(
        "select id, 支出类别, 金额_元 from department_expenditures where 年度 = ? and 部门 = ? "
        "order by 金额_元 desc, 序号", [year, department])]
    previous_year = max((y for y in years if y < year), default=None)
    previous_budget = (await db.execute(
        "select * from department_budgets where 年度 = ? and 部门 = ?", [previous_year, department])).first()
    # The rule of the fund_year_changes view (builder/year_changes.py), applied to two years' rows.
    previous_funds = [dict(r) for r in await db.execute(
        "select id, 专项名称, 资金总额_元 as 金额_元 from special_funds where 部门 = ? and 年度 = ?",
        [department, previous_year])]
    fund_changes, stopped = {}, []
    if previous_year is not None:
        fund_changes, stopped = compare([{**f, "金额_元": f["资金总额_元"]} for f in funds], previous_funds, ["专项名称"])
    document = (await db.execute(
        "select * from source_documents where 年度 = ? and 部门 = ?", [year, department])).first()
    return {
        "code": info["部门编码"], "full_name": info["全称"],
        "previous_year": previous_year,
        "previous_budget": dict(previous_budget) if previous_budget else None,
        "previous_funds_total": sum(f["金额_元"] for f in previous_funds) if previous_funds else None,
        "fund_changes": fund_changes,
        "discontinued": [{"专项名称": f["专项名称"], "上年_id": f["id"], "上年_元": f["金额_元"]} for f in stopped],
        "department_years": years, "year": year, "department": department,
        "budget": dict(budget) if budget else None,
        "funds": funds, "funds_total": sum(f["资金总额_元"] for f in funds),
        "funds_largest": max([f["资金总额_元"] for f in funds] or [0]),
        "categories": categories, "categories_total": sum(c["金额_元"] for c in categories),
        "categories_largest": max([c["金额_元"] for c in categories] or [0]),
        "source_document": dict(document) if document else None,
        "saved_queries": saved_queries,
    }


@hookimpl
def extra_template_vars(template, datasette, request):
    if template != "index.html":
        return None

    async def home():
        db = datasette.get_database("budget")
        years = await all_years(db)
        if not years:
            return {"landing": None, "overview": None}
        departments = [r[0] for r in await db.execute(
            "select distinct 部门 from special_funds union select 部门 from department_budgets limit 2")]
        queries = datasette.metadata("queries", database="budget") or {}
        if len(departments) == 1:
            page = await department_page(db, departments[0], request, queries)
            return {"landing": page, "overview": None, "source_document": page and page["source_document"]}
        year = wanted_year(request, years)
        rows = [dict(r) for r in await db.execute(OVERVIEW, {"year": year})]
        return {"landing": None, "overview": {
            "year": year, "years": years, "departments": rows,
            "total": sum(r["资金总额_元"] or 0 for r in rows), "funds_total": sum(r["专项合计_元"] or 0 for r in rows)}}

    return home


@hookimpl
def register_routes():
    return [(r"^/departments/(?P<code>[a-z0-9-]+)$", department_route)]


async def department_route(datasette, request):
    db = datasette.get_database("budget")
    name = (await db.execute("select 部门 from departments where 部门编码 = ?", [request.url_vars["code"]])).first()
    page = await department_page(db, name[0], request, datasette.metadata("queries", database="budget") or {}) \
        if name else None
    if page is None:
        return Response.html(await datasette.render_template(
            "error.html", {"title": "找不到这个部门", "error": "没有这个部门编码，或这个部门还没有数据。", "status": 404},
            request=request), status=404)
    return Response.html(await datasette.render_template(
        "department.html", {"landing": page, "source_document": page["source_document"]}, request=request))
