"""Figures for the landing page, read from budget.db on every request (never typed into a template)."""
from datasette import hookimpl
from datasette.utils.asgi import BadRequest


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
        # str.isdigit() accepts ² and other digits int() refuses (a 500); a year is ASCII digits, or the latest is shown.
        if wanted_year and not (wanted_year.isascii() and wanted_year.isdigit()):
            raise BadRequest("“年度”应为数字年份，例如 2019。The year must be a number such as 2019.")
        year = int(wanted_year) if wanted_year and int(wanted_year) in years else years[0]
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
        # The same comparison as the fund_year_changes view (matched by name), done here on two years' rows.
        previous_funds = {r["专项名称"]: dict(r) for r in await db.execute(
            "select id, 专项名称, 资金总额_元 from special_funds where 部门 = ? and 年度 = ?", [department, previous_year])}
        names = {f["专项名称"] for f in funds}
        fund_changes = {}
        if previous_year is not None:
            for f in funds:
                before = previous_funds.get(f["专项名称"])
                fund_changes[f["id"]] = {"状态": "延续" if before else "新增",
                                         "变化_元": f["资金总额_元"] - (before["资金总额_元"] if before else 0)}
        discontinued = [{"专项名称": name, "上年_id": f["id"], "上年_元": f["资金总额_元"]}
                        for name, f in previous_funds.items() if name not in names]
        previous_funds_total = sum(f["资金总额_元"] for f in previous_funds.values()) if previous_funds else None
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
