"""/quality: how many of the promises (targets and indicators) can be checked at year end, per department and
per fund, read from the target_quality table that builder/derive/indicators.py builds."""
from datasette import hookimpl
from datasette.utils.asgi import Response

# The same counts for a department (per 来源) and for a fund; 与年度目标相同 is NULL except for period targets.
COUNTS = """count(*) as 栏数, sum(q.未填写 = 0) as 已填写, sum(q.可衡量) as 可衡量,
  sum(q.未填写 = 0 and q.可衡量 = 0) as 无法核对, sum(q.未填写) as 未填写,
  coalesce(sum(q.与年度目标相同), 0) as 目标相同, sum(q.仅复述专项) as 仅复述专项"""
SOURCES = {"表1": "表1 汇总表的绩效目标", "表2": "表2 支出方向表的绩效目标", "目标表": "项目支出绩效目标表的总体目标",
           "指标": "绩效指标（表2 的指标栏；项目表的三级指标）"}
# The saved queries (metadata.yml) this page points to, in the order shown.
QUERIES = ["checkable_promises_per_department", "checkable_promises_per_fund", "unmeasurable_promises",
           "empty_indicator_slots", "fund_parsed_values", "per_beneficiary_estimate"]


@hookimpl
def register_routes():
    return [(r"^/quality$", quality_page)]


async def quality_page(datasette, request):
    db = datasette.get_database("budget")
    by_source = [dict(r) for r in await db.execute(
        f"select q.年度, q.部门, q.来源, {COUNTS} from target_quality q group by q.年度, q.部门, q.来源")]
    totals = [dict(r) for r in await db.execute(
        f"select q.年度, q.部门, {COUNTS} from target_quality q group by q.年度, q.部门 order by q.年度 desc, q.部门")]
    funds = [dict(r) for r in await db.execute(
        f"select f.id, f.年度, f.部门, f.专项名称, f.资金总额_元, {COUNTS} "
        "from special_funds f join target_quality q on q.专项_id = f.id group by f.id order by f.序号")]
    departments = []
    for total in totals:
        key = (total["年度"], total["部门"])
        departments.append({
            **total,
            "sources": sorted((s for s in by_source if (s["年度"], s["部门"]) == key),
                              key=lambda s: list(SOURCES).index(s["来源"])),
            "funds": [f for f in funds if (f["年度"], f["部门"]) == key],
        })
    saved = datasette.metadata("queries", database="budget") or {}
    queries = [(name, saved[name]["title"]) for name in QUERIES if name in saved]
    return Response.html(await datasette.render_template(
        "quality.html", {"departments": departments, "source_names": SOURCES, "queries": queries},
        request=request))
