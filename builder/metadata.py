"""The site's metadata: metadata.yml (site texts, facets, sorts, saved queries) with each table's and column's
docs from contract.yml, written into the site folder as Datasette's metadata.yml."""
import json
import re
import sqlite3
from pathlib import Path

import yaml

from . import contract
from budgetlib.bilingual import split_bilingual

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
QUERIES = ROOT / "queries"
SETTINGS = ROOT / "settings.json"
QUERY_FILE = re.compile(r"^\d+_([a-z0-9_]+)\.sql$")  # 01_largest_funds.sql -> largest_funds, in file order
HEADER = re.compile(r"^--\s*(title|description):\s*(.*)$")
DOC_KEYS = ("title", "description", "description_html")
# The saved queries' 年度 and 部门 parameters (contract.yml: scope_years, scope_departments), in their descriptions.
SCOPE_PARAMETERS = {
    "scope_years": ("“年度”留空为最近一年，填“全部”为所有年度。", "Empty 年度: the latest year; 全部: every year."),
    "scope_departments": ("“部门”留空为最近一年预算最多的部门（首页列出的第一个），填“全部”为所有部门。",
                          "Empty 部门: the department listed first on the home page; 全部: every department."),
}


class MetadataError(Exception):
    """metadata.yml cannot be read; the message names line and column (Chinese, then English)."""


def read_metadata(path=METADATA):
    try:
        metadata = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise MetadataError(
            f"{path} 第{line}行 第{column}列：YAML 格式错误（{getattr(error, 'problem', error)}）。"
            "常见原因：说明文字中有“: ”（冒号加空格），请改用中文冒号“：”或给整段文字加引号。\n"
            f"    {path} line {line}, column {column}: not valid YAML ({getattr(error, 'problem', error)}). "
            "Usually a ': ' inside a description: use a full-width colon or quote the text.") from None
    check_shape(metadata, path)
    return metadata


def check_shape(metadata, path):
    """The parts the build and the site read as "name: value" mappings must be mappings: a stray "- " or a wrong
    indent turns one into a list or a piece of text, which would otherwise fail deep inside the build."""
    def mapping(value, key):
        if value is not None and not isinstance(value, dict):
            zh, en = ("列表", "a list") if isinstance(value, list) else ("一段文字", f"the text {value!r:.40}")
            raise MetadataError(
                f"{path}：{key} 应为“名称: 内容”形式的映射，现在是{zh}。常见原因：多了“- ”或缩进不对。\n"
                f"    {path}: {key} must be a mapping of 'name: value' entries, found {en}. "
                "Usually a stray '- ' or a wrong indent.")
        return value or {}

    for name, database in mapping(mapping(metadata, "（整个文件 the whole file）").get("databases"), "databases").items():
        database = mapping(database, f"databases.{name}")
        for part in ("tables", "queries"):
            for entry, options in mapping(database.get(part), f"databases.{name}.{part}").items():
                mapping(options, f"databases.{name}.{part}.{entry}")


def site_metadata(budget_db=None, path=METADATA):
    """The site's metadata; with the built budget.db, the texts that depend on the data are filled in."""
    metadata = read_metadata(path)
    metadata.setdefault("databases", {}).setdefault("budget", {})["queries"] = saved_queries()
    if budget_db is not None:
        add_coverage(metadata, *coverage(budget_db))
    tables = metadata.setdefault("databases", {}).setdefault("budget", {}).setdefault("tables", {})
    documented = {}
    for table, spec in contract.outputs().items():
        documented[table] = {**{k: spec[k] for k in DOC_KEYS if k in spec},
                             "columns": {c: rule["doc"] for c, rule in spec["columns"].items() if rule.get("doc")}}
    for view, spec in contract.views().items():
        base = {c: d for table in documented.values() for c, d in table["columns"].items()}
        documented[view] = {**{k: spec[k] for k in DOC_KEYS if k in spec},
                            "columns": {**{n: base[n] for n in spec["match"] if n in base}, **contract.view_columns()}}
    # The contract's order first (the order /dictionary tells the story in), presentation from metadata.yml kept.
    merged = {name: {**docs, **tables.get(name, {})} for name, docs in documented.items()}
    merged.update({name: options for name, options in tables.items() if name not in merged})
    metadata["databases"]["budget"]["tables"] = merged
    return metadata


def table_facets(tables, path=METADATA):
    """{table: [column, …]} of the column facets metadata.yml gives the tables of budget.db among `tables`."""
    configured = (read_metadata(path).get("databases", {}).get("budget", {}).get("tables") or {})
    return {table: [f for f in (configured.get(table) or {}).get("facets", []) if isinstance(f, str)]
            for table in tables if (configured.get(table) or {}).get("facets")}


def setting(name, default):
    """A Datasette setting as settings.json gives it (Datasette's own default otherwise)."""
    settings = json.loads(SETTINGS.read_text(encoding="utf-8")) if SETTINGS.exists() else {}
    return settings.get(name, default)


def saved_queries(folder=QUERIES):
    """{name: {title, description, sql}} from queries/NN_name.sql: the first comment lines give title and
    description, the rest is the SQL."""
    queries = {}
    for path in sorted(folder.glob("*.sql")):
        match = QUERY_FILE.match(path.name)
        if not match:
            raise MetadataError(f"{path}：文件名须为“两位数字_英文名.sql”，例如 24_my_query.sql。\n"
                                f"    {path}: name it NN_name.sql (two digits, lower-case name), e.g. 24_my_query.sql.")
        query, sql = {}, []
        for line in path.read_text(encoding="utf-8").splitlines():
            header = HEADER.match(line) if not sql else None
            if header:
                query[header.group(1)] = header.group(2).strip()
            else:
                sql.append(line)
        if "title" not in query:
            raise MetadataError(f"{path}：第1行须为“-- title: 标题”。\n    {path}: line 1 must be '-- title: …'.")
        sql = "\n".join(sql).strip()
        scope = [text for table, text in SCOPE_PARAMETERS.items() if table in sql]
        if scope:  # what an empty 年度 or 部门 means, said once here for every query that takes them
            zh, en = split_bilingual(query.get("description", ""))  # Chinese stays first, English after it
            query["description"] = " ".join([zh + "".join(z for z, _ in scope), en] + [e for _, e in scope]).strip()
        queries[match.group(1)] = {**query, "sql": sql}
    return queries


def write_site_metadata(out_path, metadata):
    Path(out_path).write_text(yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False, width=120),
                              encoding="utf-8")


def publisher(departments):
    """Who publishes, from departments.csv: the department's name if there is one, else the supervising body of all
    of them (株洲市石峰区人民政府所属部门), else 各部门."""
    if len(departments) == 1:
        return departments[0]["部门"]
    supervisors = {d["上级主管"] for d in departments}
    return f"{supervisors.pop()}所属部门" if len(supervisors) == 1 and None not in supervisors else "各部门"


def coverage(budget_db):
    """(departments that filed form 1 or form 3, in the departments table's order; the years filed)."""
    conn = sqlite3.connect(f"file:{Path(budget_db).resolve()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    filed = "select 部门, 年度 from special_funds union select 部门, 年度 from department_budgets"
    departments = [dict(row) for row in conn.execute(
        f"select * from departments where 部门 in (select 部门 from ({filed})) order by rowid")]
    years = [row[0] for row in conn.execute(f"select distinct 年度 from ({filed}) order by 年度")]
    conn.close()
    return departments, years


def add_coverage(metadata, departments, years):
    """Title and the sentence saying what the site holds, derived from the data (never typed in metadata.yml)."""
    if not departments or not years:
        return
    name = publisher(departments)
    span = f"{years[0]}–{years[-1]} 年" if len(years) > 1 else f"{years[0]} 年"
    metadata["title"] = f"{name}{metadata.get('title', '')}"
    metadata["site_name"] = f"{name}预算公开"
    metadata["description_html"] = (f"<p>收录：{'、'.join(d['部门'] for d in departments[:10])}"
                                    f"{f'等 {len(departments)} 个部门' if len(departments) > 10 else ''}，{span}。"
                                    f"</p>\n" + metadata.get("description_html", ""))
