"""Figures for the landing page, read from budget.db on every request (never typed into a template)."""
from datasette import hookimpl

from builder.year_changes import compare


@hookimpl
def extra_template_vars(template, datasette, request):
    if template != "index.html":
        return None

    async def landing():
        db = datasette.get_database("budget")
        # Indexed look-ups only: the page must stay fast with thousands of departments and many years.
        years = [r[0] for r in await db.execute(
            "select 年度 from special_funds union select 年度 from department_budgets order by 年度 desc")]
        if not years:
            return {"landing": None}
        wanted_year, wanted_department = (request.args.get("年度"), request.args.get("部门")) if request else (None, None)
        year = int(wanted_year) if wanted_year and wanted_year.isdigit() and int(wanted_year) in years else years[0]
        in_year = "select 部门 from special_funds where 年度 = :year union select 部门 from department_budgets where 年度 = :year"
        department = (await db.execute(
            f"select 部门 from ({in_year}) where 部门 = :wanted union all select min(部门) from ({in_year}) limit 1",
            {"year": year, "wanted": wanted_department})).single_value()
        department_years = [r[0] for r in await db.execute(
            "select 年度 from special_funds where 部门 = :dept union select 年度 from department_budgets where 部门 = :dept "
            "order by 年度 desc", {"dept": department})]
        departments = [r[0] for r in await db.execute(f"{in_year} order by 部门 limit 31", {"year": year})]
        budget = (await db.execute(
            "select * from department_budgets where 年度 = ? and 部门 = ?", [year, department])).first()
        funds = [dict(r) for r in await db.execute(
            "select id, 序号, 专项名称, 支出方向, 资金总额_元 from special_funds where 年度 = ? and 部门 = ? "
            "order by 资金总额_元 desc, 序号", [year, department])]
        categories = [dict(r) for r in await db.execute(
            "select 支出类别, 金额_元 from department_expenditures where 年度 = ? and 部门 = ? "
            "order by 金额_元 desc, 序号", [year, department])]
        previous_year = (await db.execute(
            "select max(年度) from special_funds where 部门 = ? and 年度 < ?", [department, year])).single_value()
        previous_budget = (await db.execute(
            "select * from department_budgets where 年度 = ? and 部门 = ?", [previous_year, department])).first()
        # The rule of the fund_year_changes view (builder/year_changes.py), applied to two years' rows.
        previous_funds = [dict(r) for r in await db.execute(
            "select id, 专项名称, 资金总额_元 as 金额_元 from special_funds where 部门 = ? and 年度 = ?",
            [department, previous_year])]
        fund_changes, stopped = {}, []
        if previous_year is not None:
            fund_changes, stopped = compare([{**f, "金额_元": f["资金总额_元"]} for f in funds], previous_funds, ["专项名称"])
        discontinued = [{"专项名称": f["专项名称"], "上年_id": f["id"], "上年_元": f["金额_元"]} for f in stopped]
        previous_funds_total = sum(f["金额_元"] for f in previous_funds) if previous_funds else None
        return {"landing": {
            "previous_year": previous_year,
            "previous_budget": dict(previous_budget) if previous_budget else None,
            "previous_funds_total": previous_funds_total,
            "fund_changes": fund_changes, "discontinued": discontinued,
            "department_years": department_years, "departments": departments[:30],
            "more_departments": len(departments) > 30,
            "year": year, "department": department,
            "budget": dict(budget) if budget else None,
            "funds": funds, "funds_total": sum(f["资金总额_元"] for f in funds),
            "funds_largest": max([f["资金总额_元"] for f in funds] or [0]),
            "categories": categories, "categories_total": sum(c["金额_元"] for c in categories),
            "categories_largest": max([c["金额_元"] for c in categories] or [0]),
            "saved_queries": (datasette.metadata("queries", database="budget") or {}),
        }}

    return landing
