"""Figures for the landing page, read from budget.db on every request (never typed into a template)."""
from datasette import hookimpl


@hookimpl
def extra_template_vars(template, datasette, request):
    if template != "index.html":
        return None

    async def landing():
        db = datasette.get_database("budget")
        choices = [dict(r) for r in await db.execute(
            "select distinct 年度, 部门 from special_funds union select 年度, 部门 from department_budgets "
            "order by 年度 desc, 部门")]
        if not choices:
            return {"landing": None}
        wanted = (request.args.get("年度"), request.args.get("部门")) if request else (None, None)
        chosen = next((c for c in choices if (str(c["年度"]), c["部门"]) == wanted), None)
        chosen = chosen or next((c for c in choices if str(c["年度"]) == wanted[0]), choices[0])
        year, department = chosen["年度"], chosen["部门"]
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
        changes = [dict(r) for r in await db.execute(
            "select * from fund_year_changes where 部门 = ? and 年度 = ?", [department, year])]
        previous_funds_total = (await db.execute(
            "select sum(资金总额_元) from special_funds where 部门 = ? and 年度 = ?",
            [department, previous_year])).single_value()
        return {"landing": {
            "previous_year": previous_year,
            "previous_budget": dict(previous_budget) if previous_budget else None,
            "previous_funds_total": previous_funds_total,
            "fund_changes": {c["本年_id"]: c for c in changes if c["本年_id"]},
            "discontinued": [c for c in changes if c["状态"] == "停止"],
            "year": year, "department": department, "choices": choices,
            "budget": dict(budget) if budget else None,
            "funds": funds, "funds_total": sum(f["资金总额_元"] for f in funds),
            "funds_largest": max([f["资金总额_元"] for f in funds] or [0]),
            "categories": categories, "categories_total": sum(c["金额_元"] for c in categories),
            "categories_largest": max([c["金额_元"] for c in categories] or [0]),
            "saved_queries": (datasette.metadata("queries", database="budget") or {}),
        }}

    return landing
