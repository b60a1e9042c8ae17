"""Checking each cell against its column's rule in contract.yml, plus the domain checks that are code:
Excel-mangled years and amounts. One message per distinct problem.

Text that starts like a spreadsheet formula (=, +, -, @) is accepted as filed: the data keeps it verbatim and every
CSV a person downloads neutralises it (budgetlib/spreadsheet.py)."""
import re
import unicodedata

from . import contract
from budgetlib.amounts import looks_like_date, parse_amount, parse_money

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
    cells = CellChecks(file_name, year, departments)
    for row in rows:
        cells.check(row)
    cells.finish()
    problems.extend(cells.problems)
    notices.extend(cells.notices)


class CellChecks:
    """The cell checks of one file, one row at a time (the build streams the rows): problems and notices in row
    order, then one message per unregistered department."""

    def __init__(self, file_name, year, departments):
        self.rules = [(column, rule or {}, (rule or {}).get("type", "text"))
                      for column, rule in contract.inputs()[file_name]["columns"].items()]
        self.year, self.departments = year, departments
        self.problems, self.notices = [], []
        self.unregistered = {}  # department -> [its first (row, column), how many rows]: one message per department

    def check(self, row):
        problems = self.problems
        for column, rule, kind in self.rules:
            value = row.values[column]
            if not value.strip():
                if rule.get("required"):
                    problems.append(row.problem(column, "此格不能为空。", "This cell must not be empty."))
                continue
            if kind == "year" and self.year is not None and value != self.year:
                problems.append(row.problem(column, *year_mismatch(value, self.year)))
            elif kind == "department" and self.departments is not None and value not in self.departments:
                self.unregistered.setdefault(value, [(row, column), 0])[1] += 1
            elif kind == "integer" and not value.strip().isdigit():
                problems.append(row.problem(column, f"“{value.strip()}”不是正整数。", f"'{value.strip()}' is not a whole number."))
            elif kind == "amount":
                try:
                    amount = parse_amount(value)
                except ValueError as error:
                    problems.append(row.problem(column, *error.args[0]))
                    continue
                if str(amount) != value:
                    self.notices.append(f"{row.file} 第{row.line}行“{column}”: “{value}” → {amount}")
            elif kind == "money":  # whether it is exact to the 分 depends on its project's unit: links.py
                try:
                    parse_money(value)
                except ValueError as error:
                    problems.append(row.problem(column, *error.args[0]))
            if rule.get("pattern") and not re.fullmatch(rule["pattern"], value):
                problems.append(row.problem(column, *rule["pattern_help"]))

    def failed(self):
        return bool(self.problems or self.unregistered)

    def finish(self):
        for department, ((row, column), count) in self.unregistered.items():
            more_zh = f"（本文件共{count}行）" if count > 1 else ""
            more_en = f" ({count} rows in this file)" if count > 1 else ""
            self.problems.append(row.problem(column, f"部门“{department}”不在 data/departments.csv 中{more_zh}。请先在那里登记该部门"
                                             "（部门,部门编码,全称,上级主管）。", f"Department '{department}' is not listed in "
                                             f"data/departments.csv{more_en}. Add it there first (部门,部门编码,全称,上级主管)."))


def find_duplicates(rows, key_columns, problems):
    duplicates = Duplicates(key_columns)
    for row in rows:
        duplicates.check(row)
    problems.extend(duplicates.problems)


class Duplicates:
    """Rows that repeat a key (a set of columns that identify a row), one row at a time."""

    def __init__(self, key_columns):
        self.key_columns, self.seen, self.problems = key_columns, {}, []

    def check(self, row):
        key = tuple(row.values[c].strip() for c in self.key_columns)
        # One string per key: half the memory of a tuple of strings, for files of a million rows. (A cell holding the
        # separator, a control character the reader already reports, keeps its tuple, so no two keys can merge.)
        joined = key if any("\x1f" in value for value in key) else "\x1f".join(key)
        first = self.seen.get(joined)
        if first is None:
            self.seen[joined] = row.line
            return
        shown = "、".join(f"{c}={v}" for c, v in zip(self.key_columns, key))
        self.problems.append(row.problem(self.key_columns[-1], f"与第{first}行重复（{shown}）。请删除或改正其中一行。",
                                         f"Duplicates row {first} ({shown}). Remove or correct one of them."))
