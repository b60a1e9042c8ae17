"""A fund's previous and next year, matched by name within its department, for its report card.

Read with indexed lookups (部门, 专项名称, 年度) rather than through the fund_year_changes view, which compares whole
years and is too slow for a page at a million rows; the card shows the same 状态 and 变化 as the view.
"""
from datasette import hookimpl
from datasette.utils import tilde_decode

from builder.year_changes import status

NEIGHBOUR_YEAR = {
    "earlier": "select max(年度) from special_funds where 部门 = :dept and 年度 < :year",
    "later": "select min(年度) from special_funds where 部门 = :dept and 年度 > :year",
}


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "row" or database != "budget" or table != "special_funds":
        return None

    async def history():
        fund_id = tilde_decode(request.url_vars["pks"])
        return await datasette.get_database("budget").execute_fn(lambda conn: {"fund_history": neighbours(conn, fund_id)})

    return history


def neighbours(conn, fund_id):
    """{earlier, later}: the fund in its department's previous and next year (by name), on the database thread."""
    fund = conn.execute("select id, 年度, 部门, 专项名称, 资金总额_元 from special_funds where id = ?", [fund_id]).fetchone()
    if fund is None:
        return {"earlier": None, "later": None}
    fund = dict(zip(["id", "年度", "部门", "专项名称", "资金总额_元"], fund))
    found = {}
    for side, sql in NEIGHBOUR_YEAR.items():
        params = {"dept": fund["部门"], "year": fund["年度"], "name": fund["专项名称"]}
        other_year = conn.execute(sql, params).fetchone()[0]
        if other_year is None:
            found[side] = None
            continue
        other = conn.execute("select id, 资金总额_元 from special_funds where 部门 = :dept and 专项名称 = :name "
                             "and 年度 = :other", {**params, "other": other_year}).fetchone()
        other = dict(zip(["id", "资金总额_元"], other)) if other else None
        found[side] = compare(fund, other, other_year, side)
    return found


def compare(fund, other, other_year, side):
    """The fields of a fund_year_changes row, seen from this fund."""
    if side == "earlier":
        before, after = (other["资金总额_元"] if other else None), fund["资金总额_元"]
        row = {"年度": fund["年度"], "上年": other_year, "本年_id": fund["id"], "上年_id": other["id"] if other else None}
    else:
        before, after = fund["资金总额_元"], (other["资金总额_元"] if other else None)
        row = {"年度": other_year, "上年": fund["年度"], "本年_id": other["id"] if other else None, "上年_id": fund["id"]}
    row.update({
        "状态": status(before is not None, after is not None),
        "上年_元": before, "本年_元": after, "变化_元": (after or 0) - (before or 0),
        "变化_百分比": round(100 * (after - before) / before, 1) if before and after is not None else None,
    })
    return row
