"""Data for a fund's report card: the special_funds row page (templates/row-budget-special_funds.html)."""
import json

from datasette import hookimpl
from datasette.utils import tilde_decode


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "row" or database != "budget" or table != "special_funds":
        return None

    async def card():
        fund_id = tilde_decode(request.url_vars["pks"])
        # Every query of the card in one go on the database thread, each an indexed look-up of this fund's rows.
        return await datasette.get_database("budget").execute_fn(lambda conn: card_data(conn, fund_id))

    return card


def rows(conn, sql, params):
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def card_data(conn, fund_id):
    found = rows(conn, "select * from special_funds where id = ?", [fund_id])
    if not found:
        return {"card": None}
    fund = found[0]
    directions = rows(conn, "select * from expenditure_directions where 专项_id = ? order by id", [fund_id])
    indicators = rows(conn, "select * from performance_indicators where 专项_id = ? order by 支出方向_id, 指标序号", [fund_id])
    for direction in directions:
        groups = {}  # 一级指标 -> its indicators, in form order
        for indicator in indicators:
            if indicator["支出方向_id"] == direction["id"]:
                groups.setdefault(indicator["一级指标"], []).append(indicator)
        direction["indicator_groups"] = list(groups.items())
        direction["differences"] = [
            label for label, form1, form2 in [
                ("资金总额", fund["资金总额_元"], direction["年度金额_元"]),
                ("支出方向", fund["支出方向"], direction["支出方向"]),
                ("实施期绩效目标", fund["实施期绩效目标"], direction["实施期绩效目标"]),
                ("年度绩效目标", fund["年度绩效目标"], direction["年度绩效目标"]),
            ] if form1 != form2]
    totals = rows(conn,
        "select (select sum(资金总额_元) from special_funds where 年度 = :year and 部门 = :dept) as funds_total, "
        "(select 项目支出_元 from department_budgets where 年度 = :year and 部门 = :dept) as project_total, "
        "(select count(*) from special_funds where 年度 = :year and 部门 = :dept) as funds_count",
        {"year": fund["年度"], "dept": fund["部门"]})[0]
    ids = [fund_id] + [d["id"] for d in directions] + [i["id"] for i in indicators]
    notes = rows(conn, "select * from notes where 记录_id in (select value from json_each(?)) order by id", [json.dumps(ids)])
    code = conn.execute("select 部门编码 from departments where 部门 = ?", [fund["部门"]]).fetchone()
    # Which promises can be checked at year end, and why (builder/derive/indicators.py decides, per cell).
    quality = {r["id"]: r for r in rows(
        conn, "select id, 来源, 字段, 可衡量, 衡量依据, 未填写 from target_quality where 专项_id = ?", [fund_id])}
    filled = [q for q in quality.values() if not q["未填写"]]
    estimates = {r["支出方向_id"]: r for r in rows(conn, "select * from beneficiary_estimates where 专项_id = ?", [fund_id])}
    document = rows(conn, "select * from source_documents where 年度 = ? and 部门 = ?", [fund["年度"], fund["部门"]])
    return {"card": {
        "fund": fund, "directions": directions, "notes": notes, "totals": totals,
        "department_code": code[0] if code else None,
        "quality": quality, "checkable": sum(q["可衡量"] for q in filled), "filled": len(filled),
        "estimates": estimates,
    }, "source_document": document[0] if document else None}
