"""A fund's report card: the HTML page of a special_funds row (templates/row-budget-special_funds.html).

Served by this route rather than by Datasette's row view, whose HTML work the card does not show (the rows linking
to this one, counted table by table, and the row as a table of cells): the card's own data is read in one go on
the database thread, every query an indexed look-up of this fund's rows. The row's JSON and CSV
(/budget/special_funds/<id>.json) stay Datasette's own.

The card also shows the fund in its department's previous and next year, matched by name (`neighbours`): its rows of
the fund_year_changes table, which the build writes with the year-over-year rule (budgetlib/year_changes.py), read
through that table's indexes on 本年_id and 上年_id.
"""
import json
import time
import weakref

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import Forbidden, NotFound, Response

from budgetlib.amounts import yuan_exact
from budgetlib.results_view import fund_results


@hookimpl
def register_routes():
    # /budget-<hash>/…: a release serves its immutable databases at hashed URLs (datasette-hashed-urls).
    return [(r"^/budget(?:-[0-9a-f]{7})?/special_funds/(?P<pks>[^/.]+)$", fund_card)]


# Whether a visitor who is not signed in may see the cards, per Datasette instance. Datasette's check copies the
# whole metadata for every table permission (about 2-5 ms a card at a million rows, a third of the page); the answer
# depends only on the metadata and the actor, and the metadata is fixed while the server runs, so it is asked once.
ANONYMOUS_VISIBLE = weakref.WeakKeyDictionary()


async def visible_to(datasette, actor):
    if actor is None and datasette in ANONYMOUS_VISIBLE:
        return ANONYMOUS_VISIBLE[datasette]
    visible, _ = await datasette.check_visibility(actor, permissions=[
        ("view-table", ("budget", "special_funds")), ("view-database", "budget"), "view-instance"])
    if actor is None:
        ANONYMOUS_VISIBLE[datasette] = visible
    return visible


async def fund_card(datasette, request):
    if not await visible_to(datasette, request.actor):
        raise Forbidden("You do not have permission to view this table")
    fund_id = tilde_decode(request.url_vars["pks"])
    start = time.perf_counter()

    def read(conn):
        history = neighbours(conn, fund_id)
        return {**card_data(conn, fund_id, history["later"]), "fund_history": history}

    context = await datasette.get_database("budget").execute_fn(read)
    if context["card"] is None:
        raise NotFound("Record not found")
    # As Datasette's row page: the time the queries took, the JSON named as the alternate, its cache lifetime.
    json_url = datasette.absolute_url(request, datasette.urls.row("budget", "special_funds", fund_id) + ".json")
    context.update({"database": "budget", "table": "special_funds", "alternate_url_json": json_url,
                    "query_ms": (time.perf_counter() - start) * 1000})
    html = await datasette.render_template("row-budget-special_funds.html", context, request=request, view_name="row")
    return Response.html(html, headers={
        "Link": f'{json_url}; rel="alternate"; type="application/json+datasette"',
        "Cache-Control": f"max-age={datasette.setting('default_cache_ttl')}"})


def rows(conn, sql, params):
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def card_data(conn, fund_id, later):
    """The card of one fund (None if there is no such row); later: its fund_year_changes row in the next year."""
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
    if fund["版式"] == "标准":  # a project's own document, named by its row
        document = rows(conn, "select * from source_documents where 文件 = ?", [fund["原始文件"]])
    else:
        document = rows(conn, "select * from source_documents where 年度 = ? and 部门 = ?", [fund["年度"], fund["部门"]])
    return {"card": {
        "project": project_data(conn, fund_id, indicators) if fund["版式"] == "标准" else None,
        "fund": fund, "directions": directions, "notes": notes, "totals": totals,
        "department_code": code[0] if code else None,
        "quality": quality, "checkable": sum(q["可衡量"] for q in filled), "filled": len(filled),
        "estimates": estimates, "results": fund_results(conn, fund, indicators, later),
    }, "source_document": document[0] if document else None}


PERIODS = (("中期", "中期指标"), ("年度", "年度指标"))  # mid-term beside annual, as on the form


def project_data(conn, fund_id, indicators):
    """A standard-layout project: its funding split and its indicators per 期别, each half as [(一级指标, rows)] runs
    (the form merges a 一级 cell over consecutive rows), in form order; and which optional columns the form has."""
    funding = rows(conn, "select * from project_funding where 专项_id = ? order by 期别 = '年度', 顺序", [fund_id])
    halves = []
    for period, label in PERIODS:
        runs = []
        for indicator in sorted((i for i in indicators if i["期别"] == period), key=lambda i: i["顺序"]):
            if runs and runs[-1][0] == indicator["一级指标"]:
                runs[-1][1].append(indicator)
            else:
                runs.append((indicator["一级指标"], [indicator]))
        halves.append({"period": period, "label": label, "runs": runs,
                       "funding": [f for f in funding if f["期别"] == period]})
    return {"halves": halves, "columns": [c for c in ("指标性质", "度量单位", "分值") if any(i[c] for i in indicators)]}


def neighbours(conn, fund_id):
    """{earlier, later}: the fund's fund_year_changes rows, against its department's previous year (本年_id: the fund
    this year) and in its department's next year (上年_id: the fund last year, 停止 if gone); None where that year is
    not in the data. Amounts in exact 元 from 分: a standard form's 元 amounts have 角分."""
    found = rows(conn, "select * from fund_year_changes where 本年_id = :id or 上年_id = :id", {"id": fund_id})
    for row in found:
        row["上年_元"], row["本年_元"], row["变化_元"] = (yuan_exact(row[c]) for c in ("上年_分", "本年_分", "变化_分"))
    return {"earlier": next((r for r in found if r["本年_id"] == fund_id), None),
            "later": next((r for r in found if r["上年_id"] == fund_id), None)}
