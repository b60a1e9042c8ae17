"""/dictionary (数据字典) and /api (数据接口): documentation pages built from the live site.

The dictionary reads tables, columns, types and keys from the databases themselves and descriptions from
metadata.yml, so a new table or column appears without touching a template. The API page's examples are built
from the data (a real fund id, the latest year) and from the saved queries in metadata.yml, and every one of them
is a working link (tests/site/test_doc_pages.py requests each).
"""
import json
import sqlite3
import urllib.parse
from pathlib import Path

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response

from ..datasette_seam import escape_sqlite

# SQLite declared type -> how the dictionary names it (Chinese, English)
TYPE_NAMES = {"INTEGER": ("整数", "integer"), "REAL": ("小数", "real number"), "FLOAT": ("小数", "real number"),
              "NUMERIC": ("数值", "number"), "TEXT": ("文本", "text"), "": ("不定", "any")}


@hookimpl
def register_routes():
    return [(r"^/dictionary$", dictionary_page), (r"^/api$", api_page)]


def downloads_package(datasette):
    """(URL prefix, datapackage.json as a dict) of the /downloads mount, or (None, {}) without one."""
    for prefix, folder in datasette.static_mounts:
        descriptor = Path(folder) / "datapackage.json"
        if prefix == "downloads" and descriptor.exists():
            return "/" + prefix, json.loads(descriptor.read_text(encoding="utf-8"))
    return None, {}


async def describe_database(datasette, name):
    """Every visible table and view of one database: columns with types, keys and metadata descriptions."""
    db = datasette.get_database(name)
    docs = datasette.metadata(database=name).get("tables") or {}
    hidden = set(await db.hidden_table_names())
    tables = [t for t in await db.table_names() if t not in hidden and not t.startswith("sqlite_")]
    views = await db.view_names()
    order = list(docs)  # the order metadata.yml tells the story in; tables it does not know come last
    counts = dict(await db.table_counts(limit=100))  # a copy: Datasette caches and reuses its dict
    for view in views:
        counts[view] = await count_rows(db, view)
    described = []
    for table in sorted(tables, key=lambda t: (t not in order, order.index(t) if t in order else 0, t)) + views:
        table_docs = datasette.table_metadata(name, table)
        column_docs = table_docs.get("columns") or {}
        links = {fk["column"]: fk for fk in await db.foreign_keys_for_table(table)} if table in tables else {}
        columns = []
        for column in await db.table_column_details(table):
            # A column doc reads "中文说明 / English" (the rule is budget_site/presentation/bilingual.py's).
            zh, en = datasette.jinja_env.globals["split_bilingual"](column_docs.get(column.name))
            type_zh, type_en = TYPE_NAMES.get(column.type.upper(), (column.type, column.type))
            columns.append({"name": column.name, "type": column.type, "type_zh": type_zh, "type_en": type_en,
                            "is_pk": bool(column.is_pk), "notnull": bool(column.notnull),
                            "link": links.get(column.name), "zh": zh, "en": en})
        described.append({
            "name": table, "is_view": table in views, "title": table_docs.get("title"),
            "description": table_docs.get("description"), "description_html": table_docs.get("description_html"),
            "rows": counts.get(table), "columns": columns, "undocumented": sum(not c["zh"] for c in columns)})
    return described


async def count_rows(db, view):
    """A view's row count, or None if it takes longer than a table count may."""
    try:
        return (await db.execute(f"select count(*) from {escape_sqlite(view)}", custom_time_limit=100)).first()[0]
    except (QueryInterrupted, sqlite3.DatabaseError):
        return None


async def dictionary_page(datasette, request):
    prefix, package = downloads_package(datasette)
    package_files = {r["name"]: f"{prefix}/{r['path']}" for r in package.get("resources", [])}
    budget = await describe_database(datasette, "budget")
    for table in budget:
        table["package_csv"] = package_files.get(table["name"])
    filings = await describe_database(datasette, "filings") if "filings" in datasette.databases else []
    return Response.html(await datasette.render_template("dictionary.html", {
        "budget": budget, "filings": filings, "package_url": f"{prefix}/datapackage.json" if prefix else None,
        "phase_note": package.get("phaseNote"), "fiscal_period": package.get("fiscalPeriod"),
    }, request=request))


# ---------------------------------------------------------------------------
# The API page
# ---------------------------------------------------------------------------


def example(label, path, params=(), note=""):
    """One example link: href percent-encoded for the browser, shown decoded so a person can read it."""
    query = urllib.parse.urlencode(list(params))
    shown = "&".join(f"{k}={v}" for k, v in params)
    return {"label": label, "note": note, "href": path + (f"?{query}" if query else ""),
            "shown": path + (f"?{shown}" if shown else "")}


async def api_page(datasette, request):
    db = datasette.get_database("budget")
    latest = (await db.execute("select max(年度) from special_funds")).first()[0]
    fund = (await db.execute("select id, 专项名称 from special_funds order by 年度 desc, 序号 limit 1")).first()
    queries = datasette.metadata("queries", database="budget") or {}
    prefix, package = downloads_package(datasette)
    first_csv = next((r["path"] for r in package.get("resources", []) if r["name"] == "special_funds"), None)
    year = str(latest)

    sections = [
        {"id": "json", "title": "表格数据（JSON）", "en": "Table rows as JSON", "examples": [
            example("专项资金，每行一个对象", "/budget/special_funds.json", [("_shape", "array")]),
            example("只要前 3 行", "/budget/special_funds.json", [("_shape", "array"), ("_size", "3")]),
            example("筛选：二级指标等于“生态效益指标”", "/budget/performance_indicators.json",
                    [("二级指标", "生态效益指标"), ("_shape", "array")],
                    "列名=值 表示“等于”；未填写的指标“指标值”为 null。"),
            example("筛选：资金总额不少于 100 万元（1000000 元），按金额从大到小", "/budget/special_funds.json",
                    [("资金总额_元__gte", "1000000"), ("_sort_desc", "资金总额_元"), ("_shape", "array")],
                    "__gte 大于等于，__lt 小于，__contains 包含，__isnull=1 为空。"),
            example("分面统计：每种二级指标有多少行", "/budget/performance_indicators.json",
                    [("_facet", "二级指标"), ("_size", "0")], "结果在 facet_results 中。"),
            example("一行：按 id 取一项专项资金", f"/budget/special_funds/{fund['id']}.json", [("_shape", "array")],
                    f"{fund['专项名称']}"),
        ]},
        {"id": "csv", "title": "表格数据（CSV，可用 Excel 打开）", "en": "Table rows as CSV", "examples": [
            example("专项资金全部行（CSV）", "/budget/special_funds.csv", [("_size", "max")]),
            example("绩效指标全部行，流式输出（不受每页行数限制）", "/budget/performance_indicators.csv",
                    [("_stream", "on")]),
            example("作为文件下载", "/budget/special_funds.csv", [("_size", "max"), ("_dl", "on")]),
        ]},
        {"id": "queries", "title": "保存的查询（带参数）", "en": "Saved queries with parameters", "examples": [
            e for e in [
                example("某项专项资金的全部绩效指标（JSON）", "/budget/fund_indicators.json",
                        [("专项名称", "低保"), ("_shape", "array")]) if "fund_indicators" in queries else None,
                example("没有设置生态效益指标的专项（CSV）", "/budget/missing_indicators.csv",
                        [("二级指标", "生态效益指标")]) if "missing_indicators" in queries else None,
                example(f"{year} 年专项资金按金额排序（JSON）", "/budget/largest_funds.json",
                        [("年度", year), ("_shape", "array")]) if "largest_funds" in queries else None,
            ] if e]},
        {"id": "sql", "title": "SQL 接口", "en": "The SQL API", "examples": [
            example("自己写 SQL（只能读，不能改）", "/budget.json",
                    [("sql", "select 专项名称, 资金总额_万元 from special_funds where 年度 = :年度 "
                             "order by 资金总额_元 desc"), ("年度", year), ("_shape", "array")],
                    ":年度 是参数，值写在 年度= 里。"),
            example("精确合计：用整数“元”求和", "/budget.json",
                    [("sql", "select 年度, 部门, sum(资金总额_元) as 合计_元, count(*) as 专项数 "
                             "from special_funds group by 年度, 部门"), ("_shape", "array")],
                    "合计_元 ÷ 10000 即万元，没有浮点误差。"),
            example("SQL 结果下载为 CSV", "/budget.csv",
                    [("sql", "select 一级指标, 二级指标, count(指标值) as 已填写, count(*) as 格数 "
                             "from performance_indicators group by 一级指标, 二级指标")]),
        ]},
        {"id": "files", "title": "整库与数据包下载", "en": "Whole database and data package", "examples": [
            example("整个数据库（SQLite）", "/budget.db"),
            example("原始申报逐字照录库（SQLite）", "/filings.db"),
            example("数据库里有哪些表（JSON）", "/budget.json"),
        ] + ([
            example("数据包说明文件 datapackage.json（Frictionless 表格数据包 + 财政数据包模型）",
                    f"{prefix}/datapackage.json"),
            example("数据包中的一个 CSV：专项资金", f"{prefix}/{first_csv}"),
        ] if prefix and first_csv else [])},
    ]
    return Response.html(await datasette.render_template("api.html", {
        "sections": sections, "base": datasette.absolute_url(request, "/").rstrip("/"),
        "package_url": f"{prefix}/datapackage.json" if prefix else None, "year": year,
        "page_size": datasette.setting("default_page_size"), "max_rows": datasette.setting("max_returned_rows"),
        "time_limit": datasette.setting("sql_time_limit_ms"),
    }, request=request))
