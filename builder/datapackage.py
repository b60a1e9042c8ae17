"""Standard downloads: budget.db as one CSV per table plus a datapackage.json.

    write_datapackage(budget_db_path, out_dir, metadata, source_dir)

datapackage.json is a Frictionless Tabular Data Package: a Table Schema per table (types, primary and foreign keys,
Chinese and English descriptions from contract.yml, via the site metadata) plus the Fiscal Data Package `model` for the amount columns
(currency CNY; factor 10000 for _万元, 1 for _元; direction expenditure; phase proposed; fiscalPeriod from 年度).
`frictionless validate datapackage.json` passes offline. The model is checked here against
schemas/fiscal-data-package.json (vendored, see schemas/README.md), so a build never publishes a broken one.

It is written inside the new site folder (site.py), so a failed build leaves the published downloads untouched.
"""
import csv
import hashlib
import html
import json
import os
import re
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

from . import contract, parallel
from budgetlib.spreadsheet import FORMULA_START

ROOT = Path(__file__).resolve().parent.parent
FISCAL_SCHEMA = ROOT / "schemas" / "fiscal-data-package.json"

PACKAGE_NAME = "shifeng-minzheng-budget-performance-targets"
ENGLISH_TITLE = "Budget performance targets of the Shifeng District Civil Affairs Bureau, Zhuzhou"

# SQLite column type -> Table Schema field type
FIELD_TYPES = {"INTEGER": "integer", "REAL": "number", "FLOAT": "number", "NUMERIC": "number", "TEXT": "string"}
# An amount is the triple contract.yml declares: X_原文 (as filed), X_万元 and X_元. The two numeric
# ones are Fiscal Data Package measures, with the factor that turns their values into yuan.
AMOUNT_FACTORS = {"_万元": 10000, "_元": 1}
# How a table's rows read in the Fiscal Data Package's logical model: (dimensionType, classificationType).
ROW_DIMENSIONS = {
    "special_funds": ("activity", None),  # each 专项 is a programme
    "expenditure_directions": ("activity", None),
    "department_budgets": ("entity", None),  # one row per department and year
    # 民政管理事务支出 etc. are 支出功能分类 headings, but the forms give no codes, and the spec requires a
    # classification dimension to have a code attribute.
    "department_expenditures": ("other", None),
}
# The forms are the department's declarations to the finance bureau, so every amount is a request.
PHASE = "proposed"
PHASE_NOTE = (
    "预算阶段为“proposed”（申报数）：三张表是部门报送财政部门的申报材料，表3标题即为“部门整体支出绩效申报表”，"
    "表中“财政部门审核意见”（业务股室意见、绩效股意见）两栏均为空。因此金额是部门申报的预算数，"
    "不是人大批准或财政批复的数字（approved），也不是执行数（executed）。"
    " Phase 'proposed': the three forms are the department's declarations to the finance bureau (form 3 is titled "
    "部门整体支出绩效申报表, 'department spending declaration form', and its two finance-review boxes are blank). "
    "The amounts are what the department requested, not the approved appropriation and not actual spending."
)
LICENSE_IDS = {"CC BY 4.0": "CC-BY-4.0"}  # licence text in metadata.yml -> Open Definition id


class DataPackageError(RuntimeError):
    """The downloads cannot be written; the build reports the problems like bad input and keeps the old site."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems

    def __reduce__(self):  # raised in another process of the build (builder/parallel.py) and re-raised here
        return DataPackageError, (self.problems,)


def write_datapackage(budget_db_path, out_dir, metadata, source_dir, documents=()):
    """Write one CSV per data table of budget.db and datapackage.json into out_dir; returns the descriptor.
    metadata: the site metadata (builder/metadata.py); documents: source_documents rows, found in source_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    table_docs = metadata.get("databases", {}).get("budget", {}).get("tables", {})
    conn = sqlite3.connect(f"file:{Path(budget_db_path).resolve()}?mode=ro", uri=True)
    try:
        tables = data_tables(conn)
        years = [year for table in tables if "年度" in columns_of(conn, table)  # the first and the last year
                 for year in conn.execute(f"select min(年度), max(年度) from {quote(table)}").fetchone() if year is not None]
        mine, theirs = halves(conn, tables)
    finally:
        conn.close()
    # Half of the CSVs (by size) are written by a second process, the other half here.
    other = parallel.start(write_resources, budget_db_path, theirs, table_docs, out_dir)
    try:
        written = write_resources(budget_db_path, mine, table_docs, out_dir)
    except BaseException:
        parallel.wait(other)  # its process ends before the caller removes the folder
        raise
    written.update(parallel.result(other))
    resources = [written[table] for table in tables]
    descriptor = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": f"{metadata.get('title', '')} {ENGLISH_TITLE}".strip(),
        "description": package_description(metadata),
        "licenses": licenses(metadata),
        "sources": sources(documents, source_dir, out_dir),
        "keywords": ["预算绩效目标", "budget performance targets", "专项资金", "special funds", "民政", "株洲", "Zhuzhou"],
        "countryCode": "CN",
        "granularity": "aggregated",
        **({"fiscalPeriod": fiscal_period(years)} if years else {}),
        "phaseNote": PHASE_NOTE,
        "resources": resources,
        "model": fiscal_model(resources, table_docs),
    }
    problems = fiscal_model_problems(descriptor)
    if problems:
        raise DataPackageError(problems)
    (out_dir / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")
    return descriptor


# ---------------------------------------------------------------------------
# Tables -> CSV files and Table Schema resources
# ---------------------------------------------------------------------------


def halves(conn, tables):
    """tables in two lists of about the same size on disk (the largest first, each to the lighter list)."""
    sizes = dict(conn.execute("select name, sum(pgsize) from dbstat group by name"))
    found = ([], [])
    for table in sorted(tables, key=lambda t: -sizes.get(t, 0)):
        lighter = min(found, key=lambda half: sum(sizes.get(t, 0) for t in half))
        lighter.append(table)
    return found


def write_resources(budget_db_path, tables, table_docs, out_dir):
    """{table: its resource} after writing each table's CSV."""
    conn = sqlite3.connect(f"file:{Path(budget_db_path).resolve()}?mode=ro", uri=True)
    try:
        return {table: write_resource(conn, table, table_docs.get(table, {}), Path(out_dir)) for table in tables}
    finally:
        conn.close()


def quote(identifier):
    return '"' + identifier.replace('"', '""') + '"'


def data_tables(conn):
    """Ordinary tables in creation order: no SQLite internals, no full-text index (virtual or shadow) tables."""
    kinds = dict(conn.execute("select name, type from pragma_table_list where schema = 'main'"))
    names = [row[0] for row in conn.execute("select name from sqlite_master where type = 'table' order by rowid")]
    # Tables that are site machinery rebuilt from the others (contract.yml `download: false`) are not data, nor are
    # the year-over-year comparisons (contract.yml `views`, written as tables).
    machinery = set(contract.outputs()) - set(contract.downloadable()) | set(contract.views())
    return [n for n in names if kinds.get(n) == "table" and not n.startswith("sqlite_") and n not in machinery]


def columns_of(conn, table):
    return [row[1] for row in conn.execute("select * from pragma_table_info(?)", [table])]


def exact_text(value, column=""):
    """A cell as CSV text: NULL -> '', 90.0 -> '90', 1266.87 -> '1266.87' (never 1266.8700000000001).

    repr() gives the shortest text that reads back as the same float, i.e. the decimal the build stored.
    A _万元 amount is whole yuan, so 4 decimals at most: rounding there also removes noise from a float
    computed in SQL (0.010000000000218 -> 0.01)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if column.endswith("_万元"):
            value = round(value, 4)
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


def csv_rows(conn, table, info):
    """A table's rows as its CSV holds them: each cell is exact_text(spreadsheet_safe(value)).

    The text rule runs inside SQLite (spreadsheet_safe's rule, written as SQL from its own list of characters), so a
    table of a million rows streams through the csv module without a Python call per cell; only the columns that
    hold real numbers (the contract's `real` columns) go through exact_text one value at a time."""
    starts = ", ".join("'" + c.replace("'", "''") + "'" for c in FORMULA_START)
    select = ", ".join(f"case when typeof({quote(name)}) = 'text' and substr({quote(name)}, 1, 1) in ({starts}) "
                       f"then '''' || {quote(name)} else {quote(name)} end" for name, *_ in info)
    cursor = conn.execute(f"select {select} from {quote(table)} order by rowid")
    reals = {i: name for i, (name, sql_type, *_) in enumerate(info) if FIELD_TYPES.get(sql_type.upper()) == "number"}
    if not reals:
        return cursor

    def exact_reals(row):
        row = list(row)
        for i, name in reals.items():
            if row[i] is not None:  # NULL is an empty cell either way
                row[i] = exact_text(row[i], name)
        return row
    return map(exact_reals, cursor)


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):  # a megabyte at a time: a table's CSV may be gigabytes
            digest.update(block)
    return digest.hexdigest()


def write_resource(conn, table, docs, out_dir):
    info = list(conn.execute("select name, type, \"notnull\", pk from pragma_table_info(?)", [table]))
    names = [name for name, *_ in info]
    path = out_dir / f"{table}.csv"
    # UTF-8 with a BOM, as in data/: Excel and WPS then open the Chinese text correctly.
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows(csv_rows(conn, table, info))
    column_docs = docs.get("columns") or {}
    fields = []
    for name, sql_type, notnull, pk in info:
        field = {"name": name, "type": FIELD_TYPES.get(sql_type.upper(), "string")}
        if column_docs.get(name):
            field["description"] = column_docs[name]
        if notnull or pk:
            field["constraints"] = {"required": True}
        fields.append(field)
    schema = {"fields": fields, "missingValues": [""]}
    primary_key = [name for name, _, _, pk in sorted(info, key=lambda column: column[3]) if pk]
    if primary_key:
        schema["primaryKey"] = primary_key
    foreign_keys = {}  # SQLite's id of the key -> Table Schema foreign key (a key may span several columns)
    for key_id, column, parent, parent_column in conn.execute(
            'select id, "from", "table", "to" from pragma_foreign_key_list(?) order by id, seq', [table]):
        key = foreign_keys.setdefault(key_id, {"fields": [], "reference": {"resource": parent, "fields": []}})
        key["fields"].append(column)
        key["reference"]["fields"].append(parent_column)
    if foreign_keys:
        schema["foreignKeys"] = list(foreign_keys.values())
    resource = {"name": table, "path": path.name, "profile": "tabular-data-resource"}
    if docs.get("title"):
        resource["title"] = docs["title"]
    description = docs.get("description") or plain_text(docs.get("description_html"))
    if description:
        resource["description"] = description
    resource.update({"format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "bytes": path.stat().st_size,
                     "hash": "sha256:" + file_sha256(path), "schema": schema})
    return resource


# ---------------------------------------------------------------------------
# Package metadata
# ---------------------------------------------------------------------------


def plain_text(markup):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup or ""))).strip()


def package_description(metadata):
    budget = metadata.get("databases", {}).get("budget", {})
    parts = [plain_text(metadata.get("description_html")), plain_text(budget.get("description_html")),
             "每张表一个 CSV 文件（UTF-8，带 BOM，首行为列名，空单元格即空值 NULL）；整数列为整数，_万元 列为精确的十进制小数。"
             " One CSV per table (UTF-8 with BOM, header row, empty cell = NULL); integers stay integers and the _万元 "
             "columns are exact decimals. Sum the _元 columns for exact totals.",
             "以 = + - @、制表符或回车开头的文字单元格，CSV 中在开头加了一个英文单引号（'），以免电子表格把它当作公式执行；"
             "数据库和 JSON 中为原文。 Text cells starting with = + - @, a tab or a carriage return carry a leading "
             "apostrophe in the CSVs so that spreadsheets do not run them as formulas; the databases and JSON keep "
             "them verbatim."]
    return "\n\n".join(part for part in parts if part)


def licenses(metadata):
    if not metadata.get("license"):
        return []
    licence = {"title": metadata["license"]}
    for text, identifier in LICENSE_IDS.items():
        if text in metadata["license"]:
            licence["name"] = identifier
    if metadata.get("license_url"):
        licence["path"] = metadata["license_url"]
    return [licence]


def sources(documents, source_dir, out_dir):
    """The original documents. They travel inside the package, so its relative paths to them work offline."""
    found = []
    # The site folder's own copies (source/ beside downloads/) are linked, not copied again: a province has thousands
    # of documents, and the folder's files are never changed, only replaced by the next build's.
    link = Path(source_dir).resolve().parent == Path(out_dir).resolve().parent
    for document in documents:
        target = out_dir / "source" / document["文件"]
        target.parent.mkdir(parents=True, exist_ok=True)
        if link:
            os.link(Path(source_dir) / document["文件"], target)
        else:
            shutil.copyfile(Path(source_dir) / document["文件"], target)
        found.append({"title": f"{document['部门']} {document['年度']} 年预算绩效目标公开文件（原文，{document['格式']}）"
                               " Original document as published", "path": f"source/{document['文件']}"})
    return found


def fiscal_period(years):
    # China's budget year is the calendar year (《预算法》：预算年度自公历1月1日起，至12月31日止).
    return {"start": f"{min(years)}-01-01", "end": f"{max(years)}-12-31"}


# ---------------------------------------------------------------------------
# The Fiscal Data Package model
# ---------------------------------------------------------------------------


def amount_columns(fields):
    """The _万元 and _元 columns of each amount triple. A lone 数值_元 (say, a per-person rate parsed from an
    indicator) is not a budget amount and is not a measure."""
    found = []
    for name in fields:
        for suffix in AMOUNT_FACTORS:
            stem = name[: -len(suffix)]
            if name.endswith(suffix) and all(stem + other in fields for other in ("_原文", *AMOUNT_FACTORS)):
                found.append((name, AMOUNT_FACTORS[suffix]))
    return found


def fiscal_model(resources, table_docs):
    """Every _万元 and _元 column is a measure; each table with amounts gets year, department and row dimensions."""
    measures, dimensions = {}, {}
    for resource in resources:
        fields = {field["name"]: field for field in resource["schema"]["fields"]}
        amounts = amount_columns(fields)
        if not amounts:
            continue
        table = resource["name"]
        for column, factor in amounts:
            measures[f"{table}.{column}"] = {
                "source": column, "resource": table, "currency": "CNY", "factor": factor,
                "direction": "expenditure", "phase": PHASE,
                "title": f"{resource.get('title', table)}：{column}",
                **({"description": fields[column]["description"]} if "description" in fields[column] else {}),
            }
        if "年度" in fields:
            dimensions[f"{table}.年度"] = {"dimensionType": "datetime", "primaryKey": "年度",
                                         "attributes": {"年度": {"source": "年度", "resource": table}}}
        if "部门" in fields:
            dimensions[f"{table}.部门"] = {"dimensionType": "entity", "primaryKey": "部门",
                                         "attributes": {"部门": {"source": "部门", "resource": table}}}
        key = resource["schema"].get("primaryKey", [])
        if len(key) == 1:
            dimension_type, classification_type = ROW_DIMENSIONS.get(table, ("other", None))
            attributes = {key[0]: {"source": key[0], "resource": table}}
            label = table_docs.get(table, {}).get("label_column")
            if label in fields and label != key[0]:
                attributes[label] = {"source": label, "resource": table, "labelfor": key[0]}
            dimensions[f"{table}.{key[0]}"] = {
                "dimensionType": dimension_type, "primaryKey": key[0], "attributes": attributes,
                **({"classificationType": classification_type} if classification_type else {})}
    return {"measures": measures, "dimensions": dimensions}


def fiscal_model_problems(descriptor, schema_path=FISCAL_SCHEMA):
    """What is wrong with the descriptor as a Fiscal Data Package: the vendored JSON Schema, then the
    cross-references JSON Schema cannot express. [] when valid."""
    import jsonschema

    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    problems = [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
                for error in sorted(validator.iter_errors(descriptor), key=lambda e: list(map(str, e.absolute_path)))]
    if problems:
        return problems
    resources = descriptor["resources"]
    field_types = {r["name"]: {f["name"]: f["type"] for f in r["schema"]["fields"]} for r in resources}
    default = resources[0]["name"]  # the spec: resource defaults to the first one
    for name, measure in descriptor["model"]["measures"].items():
        resource = measure.get("resource", default)
        kind = field_types.get(resource, {}).get(measure["source"])
        if kind is None:
            problems.append(f"model/measures/{name}: no field '{measure['source']}' in resource '{resource}'")
        elif kind not in ("integer", "number"):
            problems.append(f"model/measures/{name}: field '{measure['source']}' is {kind}, not a number")
    for name, dimension in descriptor["model"]["dimensions"].items():
        attributes = dimension["attributes"]
        keys = dimension["primaryKey"] if isinstance(dimension["primaryKey"], list) else [dimension["primaryKey"]]
        for key in keys:
            if key not in attributes:
                problems.append(f"model/dimensions/{name}: primaryKey '{key}' is not one of its attributes")
        for attribute_name, attribute in attributes.items():
            resource = attribute.get("resource", default)
            if "source" in attribute and attribute["source"] not in field_types.get(resource, {}):
                problems.append(f"model/dimensions/{name}/{attribute_name}: no field '{attribute['source']}' "
                                f"in resource '{resource}'")
            for link in ("labelfor", "parent"):
                if link in attribute and attribute[link] not in attributes:
                    problems.append(f"model/dimensions/{name}/{attribute_name}: {link} '{attribute[link]}' "
                                    "is not an attribute of this dimension")
    return problems
