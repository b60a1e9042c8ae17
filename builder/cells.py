"""Checking each cell against its column's rule in contract.yml, plus the domain checks that are code:
Excel-mangled years and amounts. One message per distinct problem.

Text that starts like a spreadsheet formula (=, +, -, @) is accepted as filed: the data keeps it verbatim and every
CSV a person downloads neutralises it (builder/spreadsheet.py)."""
import re
import unicodedata

from . import contract
from .amounts import looks_like_date, parse_amount

def year_mismatch(value, year):
    """(zh, en): why a 年度 cell is not its folder's year, worded to lead to the fix."""
    if unicodedata.normalize("NFKC", value).strip().removesuffix("年").strip() == year:
        return (f"年度只填四位数字 {year}（不要加“年”字、空格或全角数字）。",
                f"Enter only the four digits {year} (no 年, spaces or full-width digits).")
    if looks_like_date(value):
        return (f"年度“{value}”被 Excel 当成了日期。请把这一列设为“文本”或“常规”格式，再填入 {year}。",
                f"年度 '{value}' was turned into a date by Excel. Format the column as Text or General and enter {year}.")
    return (f"年度“{value}”与所在文件夹 {year} 不一致。请改为 {year}，或把文件放进与年度同名的文件夹。",
            f"年度 '{value}' does not match its folder {year}. Change it, or move the file to the folder of its year.")


def check_cells(rows, file_name, year, departments, problems, notices):
    """year: the folder's year (None for data/departments.csv); departments: the registered 部门 names."""
    rules = {column: rule or {} for column, rule in contract.inputs()[file_name]["columns"].items()}
    unregistered = {}  # department -> its rows: one message per department, not one per row
    for row in rows:
        for column, rule in rules.items():
            value = row.values[column]
            kind = rule.get("type", "text")
            if rule.get("required") and not value.strip():
                problems.append(row.problem(column, "此格不能为空。", "This cell must not be empty."))
                continue
            if not value.strip():
                continue
            if kind == "year" and year is not None and value != year:
                problems.append(row.problem(column, *year_mismatch(value, year)))
            elif kind == "department" and departments is not None and value not in departments:
                unregistered.setdefault(value, []).append((row, column))
            elif kind == "integer" and not value.strip().isdigit():
                problems.append(row.problem(column, f"“{value.strip()}”不是正整数。", f"'{value.strip()}' is not a whole number."))
            elif kind == "amount":
                try:
                    amount = parse_amount(value)
                except ValueError as error:
                    problems.append(row.problem(column, *error.args[0]))
                    continue
                if str(amount) != value:
                    notices.append(f"{row.file} 第{row.line}行“{column}”: “{value}” → {amount}")
            if rule.get("pattern") and not re.fullmatch(rule["pattern"], value):
                problems.append(row.problem(column, *rule["pattern_help"]))
    for department, where in unregistered.items():
        row, column = where[0]
        more_zh = f"（本文件共{len(where)}行）" if len(where) > 1 else ""
        more_en = f" ({len(where)} rows in this file)" if len(where) > 1 else ""
        problems.append(row.problem(column, f"部门“{department}”不在 data/departments.csv 中{more_zh}。请先在那里登记该部门"
                                    "（部门,部门编码,全称,上级主管）。", f"Department '{department}' is not listed in "
                                    f"data/departments.csv{more_en}. Add it there first (部门,部门编码,全称,上级主管)."))


def find_duplicates(rows, key_columns, problems):
    seen = {}
    for row in rows:
        key = tuple(row.values[c].strip() for c in key_columns)
        if key in seen:
            shown = "、".join(f"{c}={v}" for c, v in zip(key_columns, key))
            problems.append(row.problem(key_columns[-1], f"与第{seen[key]}行重复（{shown}）。请删除或改正其中一行。",
                                        f"Duplicates row {seen[key]} ({shown}). Remove or correct one of them."))
        else:
            seen[key] = row.line
