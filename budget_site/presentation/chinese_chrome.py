"""Chinese words for what Datasette 0.65.5 says in English on its own pages: filter operators and the
description of a filtered, sorted table ("where … sorted by 资金总额_元 descending"), breadcrumb titles, and
error titles and messages. The templates in templates/ use these; values sent back to Datasette (operator keys,
column names) never change, only what a reader sees.
"""
import html
import re

from datasette import hookimpl
from markupsafe import Markup

# Filter operator key -> (name in the operator menu, how a filter reads: {c} column, {v} value).
FILTER_OPERATORS = {
    "exact": ("等于 =", "{c} 等于“{v}”"),
    "not": ("不等于 ≠", "{c} 不等于“{v}”"),
    "contains": ("包含", "{c} 包含“{v}”"),
    "endswith": ("结尾是", "{c} 以“{v}”结尾"),
    "startswith": ("开头是", "{c} 以“{v}”开头"),
    "gt": ("大于 >", "{c} 大于 {v}"),
    "gte": ("大于等于 ≥", "{c} 大于等于 {v}"),
    "lt": ("小于 <", "{c} 小于 {v}"),
    "lte": ("小于等于 ≤", "{c} 小于等于 {v}"),
    "like": ("模糊匹配（% 代表任意字符）", "{c} 模糊匹配“{v}”"),
    "notlike": ("不模糊匹配（% 代表任意字符）", "{c} 不模糊匹配“{v}”"),
    "glob": ("通配符匹配（* 代表任意字符）", "{c} 通配符匹配“{v}”"),
    "in": ("属于其中之一（用逗号分隔）", "{c} 属于“{v}”之一"),
    "notin": ("不属于其中任何一个（用逗号分隔）", "{c} 不属于“{v}”中任何一个"),
    "arraycontains": ("数组包含", "{c} 数组包含“{v}”"),
    "arraynotcontains": ("数组不包含", "{c} 数组不包含“{v}”"),
    "date": ("日期为", "{c} 的日期为 {v}"),
    "isnull": ("为空值（NULL）", "{c} 为空值"),
    "notnull": ("不为空值", "{c} 不为空值"),
    "isblank": ("为空或空白", "{c} 为空或空白"),
    "notblank": ("不为空且非空白", "{c} 不为空且非空白"),
}


def operator_name(key, english):
    return FILTER_OPERATORS.get(key, (english,))[0]


def table_description(filters=None, search=None, sort=None, sort_desc=None, extra_wheres=None):
    """'二级指标 等于“生态效益指标”；按 资金总额_元 降序排列' for a table page's heading and title."""
    parts = []
    clauses = []
    for column, lookup, value in (filters.selections() if filters else []):
        template = FILTER_OPERATORS.get(lookup, (None, "{c} " + lookup + " {v}"))[1]
        clauses.append(template.format(c=column, v=value))
    if clauses:
        parts.append("筛选：" + "、".join(clauses))
    if extra_wheres:
        parts.append(f"另有 {len(extra_wheres)} 个 SQL 条件")
    if search:
        parts.append(f"搜索“{search}”")
    if sort or sort_desc:
        parts.append(f"按 {sort or sort_desc} {'降序' if sort_desc else '升序'}排列")
    return "；".join(parts)


# Datasette's error titles and messages -> Chinese. Messages not listed keep only the technical English.
ERROR_TITLES = {"Invalid SQL": "SQL 语句有误", "SQL Interrupted": "查询超时，已中止"}
ERROR_MESSAGES = [
    (r"Database not found", "找不到这个数据库。"),
    (r"Table not found", "找不到这张表。"),
    (r"Record not found", "找不到这条记录。"),
    (r"404", "找不到这个页面。"),
    (r"No data", "没有数据。"),
    (r"Statement must be a SELECT", "只能运行 SELECT 查询（只读）。"),
    (r"Statement contained a disallowed PRAGMA.*", "不允许使用这个 PRAGMA。"),
    (r"You can only execute one statement at a time", "一次只能运行一条 SQL 语句。"),
    (r"no such table: (.+)", "没有名为 {0} 的表。"),
    (r"no such column: (.+)", "没有名为 {0} 的列。"),
    (r'near "(.*)": syntax error', "“{0}”附近有语法错误。"),
    (r"incomplete input", "SQL 语句不完整。"),
    (r"Cannot sort table by (.+)", "不能按 {0} 排序。"),
    (r"Cannot use _sort and _sort_desc at the same time", "_sort 和 _sort_desc 不能同时使用。"),
    (r"_size must be a positive integer", "_size 必须是正整数。"),
    (r"_size must be <= (\d+)", "_size 不能大于 {0}。"),
    (r"_(no)?col=.* - invalid columns", "_col 或 _nocol 中有不存在的列。"),
    (r"_facet= is not allowed", "不允许使用 _facet。"),
    (r"CSV streaming is disabled", "不允许流式导出 CSV。"),
    (r"_next not allowed for CSV streaming", "流式导出 CSV 时不能使用 _next。"),
    (r"Database download is forbidden|Cannot download .*|Invalid database", "这个数据库不能下载。"),
    (r"You do not have permission .*|Permission denied|Forbidden", "没有权限查看。"),
]
SQL_IN_MESSAGE = re.compile(r"<textarea[^>]*>(.*?)</textarea>", re.S)


def explain_error(error, title=None):
    """{'title', 'message' (Chinese or ''), 'detail' (the original text, for lang="en"), 'sql'} for error.html."""
    text = str(error or "")
    explained = {"title": ERROR_TITLES.get(title, title), "message": "", "detail": text, "sql": None}
    if title == "SQL Interrupted":
        # Datasette's message is English HTML with an inline script (blocked by the CSP): keep only the SQL.
        sql = SQL_IN_MESSAGE.search(text)
        explained.update(message="查询运行时间超过了上限，已被中止。请加上筛选条件或减少联接后再试。", detail="",
                         sql=html.unescape(sql.group(1)) if sql else None)
        return explained
    for pattern, chinese in ERROR_MESSAGES:
        match = re.fullmatch(pattern, text, re.S)
        if match:
            explained["message"] = chinese.format(*match.groups())
            break
    if isinstance(error, Markup):
        explained["detail"] = Markup(error).striptags()
    return explained


def title_of(datasette, database, name=None):
    """The Chinese title metadata.yml gives a database, table or saved query; its name when it has none."""
    if name is None:
        title = (datasette.metadata(database=database, fallback=False) or {}).get("title")
    else:
        query = (datasette.metadata("queries", database=database, fallback=False) or {}).get(name)
        title = (datasette.table_metadata(database, name) or {}).get("title") or (
            query.get("title") if isinstance(query, dict) else None)
    return datasette.jinja_env.filters["zh"](title) if title else (name or database)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["operator_zh"] = operator_name
    env.globals["table_description_zh"] = table_description
    env.globals["explain_error"] = explain_error
    # Breadcrumbs and file names (budget_site/downloads/downloads.py) name things by their titles.
    env.globals["title_of"] = lambda database, name=None: title_of(datasette, database, name)
