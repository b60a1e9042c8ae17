"""One place that words every refusal the site's guards make, shown like any other error page of the site.

The guards (param_guard.py, sql_lane.py, debug_pages.py) are layers of the request pipeline (pipeline.py). To
refuse a request they pass it on marked `scope[names.REFUSE] = (reason, detail)`; the layer here, the innermost,
turns a marked request into /-/refused/<reason>/<original path>, and that route raises the error. So
Datasette renders it with the site's error.html (or its JSON error shape for .json paths) and every other wrapper
still adds its headers. Nothing of the refused request reaches any other view.
"""
import re
import urllib.parse

from datasette import hookimpl

from ..datasette_seam import DatasetteError
from ..names import REFUSE

REASONS = {
    "bad-parameter": (400, "参数有误", "网址中的参数{detail}不正确：例如不存在的列名、不是数字的数字参数或超出范围的值。"
                      "请检查网址，或回到上一页重新选择。A URL parameter{detail} is not valid here."),
    "too-much": (400, "网址参数太多", "网址中的参数{detail}太多或太长（重复的参数、太多分面或太长的搜索词）。请去掉不需要的参数，"
                 "搜索词最多 20 个、500 字；要取得全部数据，请下载 CSV（_stream=on）或数据包（/downloads）。"
                 "Too many or too long URL parameters{detail}: remove the ones you do not need; for all the data "
                 "download the CSV with _stream=on or the data package."),
    "busy": (429, "SQL 查询繁忙", "现在同时运行的 SQL 查询太多，请稍等片刻再试。首页、表格和专项资金页面不受影响。"
             "Too many SQL queries are running right now; please try again in a moment."),
    "bad-host": (400, "网址有误", "请求中的主机名（Host）不是本网站的地址。The Host header does not name this site."),
    "hidden": (404, "找不到这个页面", "这个调试页面不对外开放。This debugging page is not public."),
}
DETAIL = re.compile(r"^[\w.-]{1,64}$")  # only a plain name (a parameter) is echoed back, never arbitrary text


@hookimpl
def register_routes():
    return [(r"^/-/refused/(?P<reason>[a-z-]+)(/.*)?$", refused)]


async def refused(request):
    status, title, message = REASONS.get(request.url_vars["reason"], REASONS["hidden"])
    detail = request.args.get("detail") or ""
    raise DatasetteError(message.format(detail=f" “{detail}”" if DETAIL.match(detail) else ""),
                         title=title, status=status)


def asgi_layer(datasette):  # a layer of the request pipeline (pipeline.py)
    def wrap(app):
        async def route_refusals(scope, receive, send):
            if scope["type"] == "http" and REFUSE in scope:
                reason, detail = scope[REFUSE]
                prefix = f"/-/refused/{reason}"
                # The original path stays at the end so a .json request gets Datasette's JSON error; quoted, as
                # the router reads the raw path as ASCII (a refused path may be anything but).
                scope = dict(scope, path=prefix + scope["path"],
                             raw_path=(prefix + urllib.parse.quote(scope["path"])).encode(),
                             query_string=urllib.parse.urlencode({"detail": detail or ""}).encode())
            await app(scope, receive, send)

        return route_refusals

    return wrap
