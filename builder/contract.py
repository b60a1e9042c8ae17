"""contract.yml, read once and checked: the one place where inputs and outputs are declared.

A mistake in contract.yml (a column that does not exist, an unknown type) stops the build with a plain message
naming the entry, before any data is read.
"""
import functools
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "contract.yml"
INPUT_TYPES = {"text", "year", "department", "integer", "amount", "money"}
LAYOUTS = ("三表", "标准", "自评")  # 2019's three forms; the standard 项目支出绩效目标表; 项目支出绩效自评表 (results)
OUTPUT_TYPES = {"text": str, "integer": int, "real": float}
READS = {None, "万元", "元", "blank_is_null"}
INPUT_KEYS = {"required", "type", "pattern", "pattern_help"}
OUTPUT_KEYS = {"type", "from", "read", "doc"}


class ContractError(Exception):
    """contract.yml is not consistent; the message says where (Chinese, then English)."""


@functools.lru_cache(maxsize=None)
def load(path=CONTRACT):
    try:
        contract = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"第{mark.line + 1}行 第{mark.column + 1}列" if mark else ""
        raise ContractError(f"{path} {where}：YAML 格式错误（{getattr(error, 'problem', error)}）。\n"
                            f"    {path} {where}: not valid YAML.") from None
    problems = list(inconsistencies(contract))
    if problems:
        raise ContractError("\n".join(f"{path}：{p}" for p in problems))
    return contract


def inconsistencies(contract):
    """Every reference in the contract must point at something declared."""
    inputs, outputs = contract.get("inputs") or {}, contract.get("outputs") or {}
    for name, spec in inputs.items():
        columns = spec.get("columns") or {}
        if spec.get("in") not in ("data", "year"):
            yield f"inputs.{name}.in 须为 data 或 year / must be data or year"
        if spec.get("layout") not in (None, *LAYOUTS):
            yield f"inputs.{name}.layout 须为 must be {' / '.join(LAYOUTS)}"
        for column, rule in columns.items():
            rule = rule or {}
            if rule.get("type", "text") not in INPUT_TYPES:
                yield f"inputs.{name}.columns.{column}: 未知类型 unknown type {rule.get('type')}"
            if set(rule) - INPUT_KEYS:
                yield f"inputs.{name}.columns.{column}: 未知的键 unknown keys {sorted(set(rule) - INPUT_KEYS)}"
            if "pattern" in rule and len(rule.get("pattern_help") or []) != 2:
                yield f"inputs.{name}.columns.{column}: pattern_help 须为 [中文, English] / must be [zh, en]"
        for key in spec.get("unique", []):
            for column in key:
                if column not in columns:
                    yield f"inputs.{name}.unique: 没有列 no column {column}"
        for link in spec.get("links", []):
            target = inputs.get(link.get("file"))
            if target is None:
                yield f"inputs.{name}.links: 没有文件 no file {link.get('file')}"
                continue
            if list(inputs).index(link["file"]) > list(inputs).index(name):  # the build reads files in this order
                yield f"inputs.{name}.links: {link['file']} 须列在 {name} 之前 / must be listed before {name}"
            for mine, theirs in zip(link["columns"], link["to"]):
                if mine not in columns or theirs not in target["columns"]:
                    yield f"inputs.{name}.links: 列不存在 unknown column {mine} → {link['file']}.{theirs}"
    for table, spec in outputs.items():
        source = spec.get("source")
        if source is None and not spec.get("derived"):
            yield f"outputs.{table}: 须有 source 或 derived / needs source or derived"
        if source is not None and source not in inputs:
            yield f"outputs.{table}.source: 没有文件 no input file {source}"
        if spec.get("also_from") is not None and spec["also_from"] not in inputs:
            yield f"outputs.{table}.also_from: 没有文件 no input file {spec['also_from']}"
        columns = spec.get("columns") or {}
        for column, rule in columns.items():
            if rule.get("type") not in OUTPUT_TYPES:
                yield f"outputs.{table}.columns.{column}: type 须为 must be text/integer/real"
            if set(rule) - OUTPUT_KEYS:  # e.g. a doc with an unquoted ", " inside {…} splits into keys
                yield f"outputs.{table}.columns.{column}: 未知的键 unknown keys {sorted(set(rule) - OUTPUT_KEYS)}"
            if rule.get("read") not in READS:
                yield f"outputs.{table}.columns.{column}: 未知 read unknown read {rule.get('read')}"
            if "from" in rule and (source is None or rule["from"] not in inputs[source]["columns"]):
                yield f"outputs.{table}.columns.{column}: {source} 没有列 has no column {rule['from']}"
        for column, parent in (spec.get("foreign_keys") or {}).items():
            if column not in columns or parent not in outputs:
                yield f"outputs.{table}.foreign_keys: {column} → {parent} 不存在 does not exist"
        for column in [c for index in spec.get("indexes", []) for c in index] + spec.get("search", []):
            if column not in columns:
                yield f"outputs.{table}: 没有列 no column {column}"
        key = spec.get("primary_key", "id")
        for column in key if isinstance(key, list) else [key]:
            if column not in columns:
                yield f"outputs.{table}.primary_key: 没有列 no column {column}"
        if "rows" in spec and not spec.get("derived"):
            yield f"outputs.{table}.rows: 只用于 derived 的表 / only for derived tables"


def inputs():
    return load()["inputs"]


def all_year_files():
    """{file name: spec} of every file a year folder may hold (both layouts), in contract order."""
    return {name: spec for name, spec in inputs().items() if spec["in"] == "year"}


def year_files(layout=LAYOUTS[0]):
    """{file name: spec} of a year folder in one layout (by default 三表, the three forms: what the importer of that
    layout drafts and bench/generate.py writes) with the files of no layout (notes.csv), in contract order."""
    return {name: spec for name, spec in all_year_files().items() if spec.get("layout") in (None, layout)}


def layout_files(layout):
    """The year files of one layout (三表 or 标准), in contract order."""
    return [name for name, spec in all_year_files().items() if spec.get("layout") == layout]


def files_of_year(year_dir):
    """The year files this year folder must hold: every file of each layout it has rows in (a year may use one
    layout or both), and the files of no layout (notes.csv). A file of a layout with only its header (the importer
    drafts every file) does not make a year use that layout. A folder without rows of any layout is held to 三表,
    the layout every earlier year used, so its messages name the files it lacks."""
    present = {path.name for path in Path(year_dir).glob("*.csv") if has_rows(path)}
    used = [layout for layout in LAYOUTS if present & set(layout_files(layout))] or [LAYOUTS[0]]
    return {name: spec for name, spec in all_year_files().items() if spec.get("layout") in (None, *used)}


def has_rows(path):
    """Whether a CSV has a line with a cell after its header (read only as far as that line)."""
    with open(path, "rb") as handle:
        lines = (line for line in handle if line.strip(b"\r\n\t ,\xef\xbb\xbf"))
        return next(lines, None) is not None and next(lines, None) is not None


def columns_of(file_name, kind=None):
    """The columns of an input file, in order; with kind, only the columns of that type."""
    columns = inputs()[file_name]["columns"]
    return [c for c, rule in columns.items() if kind is None or (rule or {}).get("type", "text") == kind]


def required(file_name):
    return [c for c, rule in inputs()[file_name]["columns"].items() if (rule or {}).get("required")]


def department_column(file_name):
    found = columns_of(file_name, "department")
    return found[0] if found else None


def outputs():
    return load()["outputs"]


def table_columns(table):
    """{column: python type} of an output table, in order."""
    return {c: OUTPUT_TYPES[rule["type"]] for c, rule in outputs()[table]["columns"].items()}


def downloadable():
    """The tables of the data package: all but the site's machinery (download: false)."""
    return [table for table, spec in outputs().items() if spec.get("download", True)]


def searchable():
    """{table: [columns]} that the site-wide search covers."""
    return {table: spec["search"] for table, spec in outputs().items() if spec.get("search")}


def indicator_slots():
    """[(一级指标, 二级指标)] in form order: the indicator columns of form 2."""
    return [tuple(slot) for slot in outputs()["performance_indicators"]["slots"]]


def views():
    return load().get("views") or {}


def view_columns():
    return load().get("view_columns") or {}
