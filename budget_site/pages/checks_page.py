"""/checks: the data_checks table explained in plain Chinese, failed checks first."""
from datasette import hookimpl
from datasette.utils.asgi import Response


@hookimpl
def register_routes():
    return [(r"^/checks$", checks_page)]


async def checks_page(datasette, request):
    db = datasette.get_database("budget")
    checks = [dict(r) for r in await db.execute(
        "select * from data_checks order by 年度 desc, 部门, 结果 = '一致', id")]
    return Response.html(await datasette.render_template("checks.html", {"checks": checks}, request=request))
