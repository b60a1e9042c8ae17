"""Build the published databases from the curated CSVs in data/.

    python build_db.py [--data data] [--out .]

- budget.db: the normalised tables of the public data contract (see README), with
  foreign keys, indexes and full-text search, built with sqlite-utils.
- filings.db: every curated CSV loaded verbatim (all text) with csvs-to-sqlite, so
  anyone can audit budget.db against exactly what was filed.

Input is checked first. Any problem stops the build with a report naming file, line
and column in Chinese and English; existing databases are left untouched, because both
files are built under temporary names and only renamed into place once complete.
"""
import argparse
import csv
import difflib
import functools
import os
import re
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import sqlite_utils

import datapackage_export
from indicator_analysis import add_indicator_analysis
from plugins.chinese_search import segment

# ---------------------------------------------------------------------------
# The curated CSV files: one per official form, Chinese headers as on the form.
# ---------------------------------------------------------------------------

INDICATOR_SLOTS = [  # (一级指标, 二级指标): the nine cells of form 2, in form order
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("产出指标", "成本指标"),
    ("效益指标", "经济效益指标"),
    ("效益指标", "社会效益指标"),
    ("效益指标", "生态效益指标"),
    ("效益指标", "可持续影响指标"),
    ("效益指标", "社会公益或服务对象满意度指标"),
]


@dataclass
class FileSpec:
    columns: list  # every column, in order
    required: list  # columns that may not be empty
    amounts: list = field(default_factory=list)  # columns holding 万元 amounts
    integers: list = field(default_factory=list)
    may_be_empty: bool = False  # a header with no rows is fine (a year without editor's notes)


YEAR_FILES = {
    "forms.csv": FileSpec(
        ["年度", "部门", "表号", "表名", "编制单位", "计量单位", "标题行原文"],
        ["年度", "部门", "表号", "表名"],
        integers=["表号"],
    ),
    "form_layout.csv": FileSpec(
        ["年度", "部门", "表号", "行", "列", "跨行", "跨列", "原文", "字段"],
        ["年度", "部门", "表号", "行", "列", "跨行", "跨列"],
        integers=["表号", "行", "列", "跨行", "跨列"],
    ),
    "form1_special_funds.csv": FileSpec(
        ["年度", "部门", "序号", "专项支出名称", "支出方向", "资金总额", "实施期绩效目标", "年度绩效目标"],
        ["年度", "部门", "序号", "专项支出名称", "资金总额"],
        amounts=["资金总额"],
        integers=["序号"],
    ),
    "form2_expenditure_directions.csv": FileSpec(
        ["年度", "部门", "主管部门", "支出方向", "所属专项名称", "专项实施期", "支出方向年度金额",
         "实施期绩效目标", "年度绩效目标"] + [slot for _, slot in INDICATOR_SLOTS],
        ["年度", "部门", "支出方向", "所属专项名称", "支出方向年度金额"],
        amounts=["支出方向年度金额"],
    ),
    "form3_department_budget.csv": FileSpec(
        ["年度", "部门名称", "资金总额", "基本支出", "项目支出", "整体绩效目标", "产出指标", "效益指标",
         "业务股室意见", "绩效股意见"],
        ["年度", "部门名称", "资金总额"],
        amounts=["资金总额", "基本支出", "项目支出"],
    ),
    "form3_department_expenditures.csv": FileSpec(
        ["年度", "部门", "序号", "支出类别", "金额", "原文"],
        ["年度", "部门", "序号", "支出类别", "金额", "原文"],
        amounts=["金额"],
        integers=["序号"],
    ),
    "notes.csv": FileSpec(
        ["年度", "部门", "表", "记录_id", "列", "原文摘录", "说明"],
        ["年度", "部门", "表", "记录_id", "列", "说明"],
        may_be_empty=True,
    ),
}
DEPARTMENTS_FILE = "departments.csv"
DEPARTMENTS_SPEC = FileSpec(["部门", "部门编码", "全称", "上级主管"], ["部门", "部门编码"])

# ---------------------------------------------------------------------------
# Problems: every one names file, line and column, in Chinese and English.
# ---------------------------------------------------------------------------


@dataclass
class Problem:
    file: str
    line: int  # 1 = the header line, as Excel and WPS number rows
    column: str  # column name, or "" for the whole line or file
    zh: str
    en: str
    col_index: int = 0  # 1-based position of the column in the file, 0 if unknown

    def __str__(self):
        where_zh, where_en = f"{self.file}", f"{self.file}"
        if self.line:
            where_zh += f" 第{self.line}行"
            where_en += f" line {self.line}"
        if self.column:
            letter = f"{excel_column(self.col_index)}列，" if self.col_index else ""
            where_zh += f" 第{self.col_index or '?'}列（{letter}“{self.column}”）"
            where_en += f", column {self.col_index or '?'} ({self.column})"
        return f"{where_zh}：{self.zh}\n    {where_en}: {self.en}"


def excel_column(index):
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class InputErrors(Exception):
    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Row:
    file: str
    line: int
    values: dict  # column -> cell text, verbatim
    header: list

    def problem(self, column, zh, en):
        index = self.header.index(column) + 1 if column in self.header else 0
        return Problem(self.file, self.line, column, zh, en, index)


# ---------------------------------------------------------------------------
# Reading one CSV file
# ---------------------------------------------------------------------------


def decode(path, notices):
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    notices.append(f"{path}: 按 GBK/GB18030 编码读取（Excel 中文版默认）。 Read as GBK/GB18030 (Excel's Chinese default).")
    return text


def read_csv(path, spec, display_name, problems, notices):
    """Rows of a curated CSV, or [] after adding problems. Cells are kept verbatim."""
    if not path.exists():
        problems.append(Problem(display_name, 0, "", "缺少此文件。请按 data/2019/ 中的同名文件补上。",
                                "File is missing. Add it, following the file of the same name in data/2019/."))
        return []
    start = path.read_bytes()[:4]
    if start.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # .xlsx (a zip) or .xls renamed to .csv
        problems.append(Problem(display_name, 0, "", "这是 Excel 工作簿（.xlsx/.xls），不是 CSV 文件。请在 Excel/WPS 中打开，"
                                "“另存为”“CSV UTF-8（逗号分隔）”。", "This is an Excel workbook (.xlsx/.xls), not a CSV "
                                "file. Open it in Excel/WPS and 'Save As' 'CSV UTF-8 (Comma delimited)'."))
        return []
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode 文本" (UTF-16, tab-separated)
        problems.append(Problem(display_name, 0, "", "无法识别文件编码：这是 UTF-16 编码的“Unicode 文本”。"
                                "请在 Excel/WPS 中“另存为 CSV UTF-8”。", "Unsupported encoding: this is UTF-16 "
                                "('Unicode Text'). Save it from Excel/WPS as 'CSV UTF-8'."))
        return []
    text = decode(path, notices)
    if text is None:
        problems.append(Problem(display_name, 0, "", "无法识别文件编码。请在 Excel/WPS 中“另存为 CSV UTF-8”。",
                                "Unknown text encoding. Save it from Excel/WPS as 'CSV UTF-8'."))
        return []
    lines = text.splitlines(keepends=True)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        problems.append(Problem(display_name, 1, "", f"表头无法解析（{error}）。", f"Cannot parse the header ({error})."))
        return []
    if not header or not any(cell.strip() for cell in header):
        problems.append(Problem(display_name, 1, "", "文件是空的：第1行应为表头：" + "，".join(spec.columns) + "。",
                                "The file is empty: line 1 must be the header: " + ",".join(spec.columns) + "."))
        return []
    if len(header) == 1 and "\t" in header[0]:
        problems.append(Problem(display_name, 1, "", "文件是用制表符分隔的文本，不是逗号分隔的 CSV。请在 Excel/WPS 中"
                                "“另存为 CSV UTF-8（逗号分隔）”。", "The file is tab-separated text, not a comma-separated "
                                "CSV. Save it from Excel/WPS as 'CSV UTF-8 (Comma delimited)'."))
        return []
    stripped = [cell.strip() for cell in header]
    if not set(stripped) & set(spec.columns):
        problems.append(Problem(display_name, 1, "", "第1行不是表头。如果上面还有表格的标题行，请删除标题行，使第1行是表头："
                                + "，".join(spec.columns) + "。", "Line 1 is not the header. If the form's title is "
                                "above the header, delete that title row so that line 1 is the header: "
                                + ",".join(spec.columns) + "."))
        return []
    header_problems = []
    for column in spec.columns:
        if column not in header and column not in stripped:
            header_problems.append(Problem(display_name, 1, column, f"缺少“{column}”列。请在表头加上这一列。",
                                           f"Column '{column}' is missing. Add it to the header."))
    for index, column in enumerate(header, 1):
        if column not in spec.columns and column.strip() in spec.columns:
            header_problems.append(Problem(display_name, 1, column, f"列名“{column}”前后有空格。请删去空格，改为“{column.strip()}”。",
                                           f"The column name '{column}' has spaces around it. Remove them: "
                                           f"'{column.strip()}'.", index))
        elif column not in spec.columns:
            close = difflib.get_close_matches(column, spec.columns, n=1)
            hint_zh = f"是不是“{close[0]}”？" if close else "请删除此列或改为规定的列名。"
            hint_en = f"Did you mean '{close[0]}'?" if close else "Remove it or use one of the expected names."
            header_problems.append(Problem(display_name, 1, column, f"未知的列“{column}”。{hint_zh}",
                                           f"Unknown column '{column}'. {hint_en}", index))
        elif header.index(column) != index - 1:
            header_problems.append(Problem(display_name, 1, column, "此列名重复出现。请删除多余的一列。",
                                           "This column appears twice. Remove the extra one.", index))
    if header_problems:
        problems.extend(header_problems)
        return []
    rows = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(Problem(display_name, line, "", f"无法解析此行（{error}），请检查引号是否成对。",
                                    f"Cannot parse this line ({error}); check that quotes are paired."))
            break
        if not any(cell.strip() for cell in cells):
            continue  # blank lines Excel leaves at the end
        if spec.amounts and any(re.sub(r"[\s:：]", "", cell) in TOTAL_LABELS for cell in cells):
            problems.append(Problem(display_name, line, "", "这是合计行。请删除这一行：只填写各项，合计由网站计算。",
                                    "This is a total row (合计). Delete it: enter the items only; the site computes totals."))
            continue
        if len(cells) > len(header):
            problems.append(Problem(display_name, line, "", f"此行有{len(cells)}个单元格，多于表头的{len(header)}列。"
                                    "请检查是否有多余的逗号。",
                                    f"This line has {len(cells)} cells but the header has {len(header)} columns. "
                                    "Check for stray commas."))
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append(Row(display_name, line, dict(zip(header, cells)), header))
    if not rows and not problems and not spec.may_be_empty:
        problems.append(Problem(display_name, 2, "", "文件只有表头，没有数据行。", "The file has a header but no data rows."))
    return rows


# ---------------------------------------------------------------------------
# Checking cells
# ---------------------------------------------------------------------------

AMOUNT = re.compile(r"^\d+(\.\d{1,4})?$")
TOTAL_LABELS = {"合计", "总计", "小计", "总合计"}
# How Excel shows a number it has turned into a date: 1900/3/30, 1905-07-11, 3月30日
EXCEL_DATE = re.compile(r"^(\d{2,4}[/-])?\d{1,2}[/-]\d{1,2}$|^(\d{2,4}年)?\d{1,2}月(\d{1,2}日)?$")


def looks_like_date(text):
    return bool(EXCEL_DATE.match(unicodedata.normalize("NFKC", text).strip()))
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_amount(text):
    """'1,266.87 万元' -> Decimal('1266.87'). Raises ValueError with a bilingual reason."""
    normalised = unicodedata.normalize("NFKC", text).replace(" ", "").strip()
    if normalised.endswith("万元"):
        normalised = normalised[: -len("万元")]
    if THOUSANDS.match(normalised):
        normalised = normalised.replace(",", "")
    if normalised.startswith("-") and AMOUNT.match(normalised[1:]):
        raise ValueError(("金额不能为负数。", "Amounts cannot be negative."))
    if not AMOUNT.match(normalised):
        zh = f"“{text}”不是金额。请只填写数字（单位：万元，最多4位小数），例如 90 或 1266.87。"
        en = f"'{text}' is not an amount. Enter a number in 万元 (at most 4 decimals), e.g. 90 or 1266.87."
        if looks_like_date(text):
            zh += "它看起来被 Excel 当成了日期：请把这一列设为“数值”或“文本”格式后重新填写。"
            en += " Excel seems to have turned it into a date: format the column as Number or Text and re-enter it."
        raise ValueError((zh, en))
    return Decimal(normalised)


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


def check_cells(rows, spec, year, departments, problems, notices):
    for row in rows:
        for column in spec.required:
            if not row.values[column].strip():
                problems.append(row.problem(column, "此格不能为空。", "This cell must not be empty."))
        for column, value in row.values.items():
            if value[:1] in ("=", "+", "@"):
                problems.append(row.problem(column, "单元格以 = + @ 开头，会被 Excel 当作公式执行。请删去开头的符号或在前面加中文说明。",
                                            "The cell starts with = + or @ and would run as an Excel formula. "
                                            "Remove that first character."))
        if year is not None and row.values.get("年度", year) not in ("", year):
            problems.append(row.problem("年度", *year_mismatch(row.values["年度"], year)))
        department = row.values.get("部门", row.values.get("部门名称"))
        if departments is not None and department and department not in departments:
            column = "部门" if "部门" in row.values else "部门名称"
            problems.append(row.problem(column, f"部门“{department}”不在 data/{DEPARTMENTS_FILE} 中。请先在那里登记该部门。",
                                        f"Department '{department}' is not listed in data/{DEPARTMENTS_FILE}. Add it there first."))
        for column in spec.integers:
            value = row.values[column].strip()
            if value and not value.isdigit():
                problems.append(row.problem(column, f"“{value}”不是正整数。", f"'{value}' is not a whole number."))
        for column in spec.amounts:
            value = row.values[column]
            if not value.strip():
                continue
            try:
                amount = parse_amount(value)
            except ValueError as error:
                problems.append(row.problem(column, *error.args[0]))
                continue
            if str(amount) != value:
                notices.append(f"{row.file} 第{row.line}行“{column}”: “{value}” → {amount}")


def find_duplicates(rows, key_columns, problems):
    seen = {}
    for row in rows:
        key = tuple(row.values[c].strip() for c in key_columns)
        if key in seen:
            shown = "、".join(f"{c}={v}" for c, v in zip(key_columns, key))
            problems.append(row.problem(key_columns[-1], f"与第{seen[key]}行重复（{shown}）。请删除或改正其中一行。",
                                        f"Duplicates line {seen[key]} ({shown}). Remove or correct one of them."))
        else:
            seen[key] = row.line


# ---------------------------------------------------------------------------
# From checked rows to the tables of the data contract
# ---------------------------------------------------------------------------


def amount_columns(prefix, text):
    """Three columns per amount: as filed, in 万元 (REAL), and in whole 元 (INTEGER, for exact sums)."""
    amount = parse_amount(text) if text.strip() else None
    return {
        f"{prefix}_原文": text,
        f"{prefix}_万元": float(amount) if amount is not None else None,
        f"{prefix}_元": int(amount * 10000) if amount is not None else None,
    }


def blank_to_none(text):
    return text if text.strip() else None


def build_tables(year_rows, departments):
    """year_rows: {year: {file name: [Row]}} -> {table: [dict]}; assumes input has been checked."""
    tables = {name: [] for name in ("departments", "forms", "form_layout", "special_funds",
                                    "expenditure_directions", "performance_indicators",
                                    "department_budgets", "department_expenditures", "notes")}
    for name, info in sorted(departments.items()):
        tables["departments"].append({"部门编码": info["部门编码"], "部门": name, "全称": info["全称"],
                                      "上级主管": info["上级主管"]})
    for year, files in sorted(year_rows.items()):
        def prefix(department):
            return f"{year}-{departments[department]['部门编码']}"

        for row in files["forms.csv"]:
            v = row.values
            tables["forms"].append({"id": f"{prefix(v['部门'])}-{v['表号']}", "年度": int(year), "部门": v["部门"],
                                    "表号": int(v["表号"]), "表名": v["表名"], "编制单位": v["编制单位"],
                                    "计量单位": v["计量单位"], "标题行原文": v["标题行原文"]})
        for row in files["form_layout.csv"]:
            v = row.values
            tables["form_layout"].append({
                "id": f"{prefix(v['部门'])}-{v['表号']}-{v['行']}-{v['列']}", "年度": int(year), "部门": v["部门"],
                "表_id": f"{prefix(v['部门'])}-{v['表号']}", "行": int(v["行"]), "列": int(v["列"]),
                "跨行": int(v["跨行"]), "跨列": int(v["跨列"]), "原文": v["原文"], "字段": v["字段"]})
        fund_ids = {}
        for row in files["form1_special_funds.csv"]:
            v = row.values
            fund_id = f"{prefix(v['部门'])}-{int(v['序号']):02d}"
            fund_ids[(v["部门"], v["专项支出名称"])] = fund_id
            tables["special_funds"].append({
                "id": fund_id, "年度": int(year), "部门": v["部门"], "序号": int(v["序号"]),
                "专项名称": v["专项支出名称"], "支出方向": v["支出方向"],
                **amount_columns("资金总额", v["资金总额"]),
                "实施期绩效目标": v["实施期绩效目标"], "年度绩效目标": v["年度绩效目标"]})
        directions_per_fund = Counter()
        for row in files["form2_expenditure_directions.csv"]:
            v = row.values
            fund_id = fund_ids[(v["部门"], v["所属专项名称"])]
            directions_per_fund[fund_id] += 1
            direction_id = f"{fund_id}-{directions_per_fund[fund_id]}"
            tables["expenditure_directions"].append({
                "id": direction_id, "年度": int(year), "部门": v["部门"], "主管部门": v["主管部门"],
                "支出方向": v["支出方向"], "专项_id": fund_id, "所属专项名称": v["所属专项名称"],
                "专项实施期": v["专项实施期"], **amount_columns("年度金额", v["支出方向年度金额"]),
                "实施期绩效目标": v["实施期绩效目标"], "年度绩效目标": v["年度绩效目标"]})
            for slot_number, (level1, level2) in enumerate(INDICATOR_SLOTS, 1):
                tables["performance_indicators"].append({
                    "id": f"{direction_id}-{slot_number}", "支出方向_id": direction_id, "专项_id": fund_id,
                    "年度": int(year), "部门": v["部门"], "指标序号": slot_number, "一级指标": level1,
                    "二级指标": level2, "指标值": blank_to_none(v[level2])})
        for row in files["form3_department_budget.csv"]:
            v = row.values
            tables["department_budgets"].append({
                "id": prefix(v["部门名称"]), "年度": int(year), "部门": v["部门名称"],
                **amount_columns("资金总额", v["资金总额"]), **amount_columns("基本支出", v["基本支出"]),
                **amount_columns("项目支出", v["项目支出"]), "整体绩效目标": v["整体绩效目标"],
                "产出指标": v["产出指标"], "效益指标": v["效益指标"],
                "业务股室意见": blank_to_none(v["业务股室意见"]), "绩效股意见": blank_to_none(v["绩效股意见"])})
        for row in files["form3_department_expenditures.csv"]:
            v = row.values
            tables["department_expenditures"].append({
                "id": f"{prefix(v['部门'])}-{int(v['序号']):02d}", "年度": int(year), "部门": v["部门"],
                "部门预算_id": prefix(v["部门"]), "序号": int(v["序号"]), "支出类别": v["支出类别"],
                **amount_columns("金额", v["金额"]), "原文": v["原文"]})
        for row in files["notes.csv"]:
            v = row.values
            tables["notes"].append({
                "id": f"{year}-{len(tables['notes']) + 1:04d}", "年度": int(year), "部门": v["部门"], "表": v["表"],
                "记录_id": v["记录_id"], "列": v["列"], "原文摘录": v["原文摘录"], "说明": v["说明"]})
    # 专项_id and 专项名称 were needed to link rows; the contract's name for the link is 专项_id.
    for direction in tables["expenditure_directions"]:
        del direction["所属专项名称"]
    return tables


def check_links(files, problems):
    """Checks across the files of one year: form 2 funds exist in form 1; the breakdown quotes form 3."""
    funds = {(r.values["部门"], r.values["专项支出名称"]) for r in files["form1_special_funds.csv"]}
    for row in files["form2_expenditure_directions.csv"]:
        key = (row.values["部门"], row.values["所属专项名称"])
        if key not in funds:
            names = [name for dept, name in funds if dept == key[0]]
            close = difflib.get_close_matches(key[1], names, n=1, cutoff=0.3)
            hint_zh = f"是不是“{close[0]}”？" if close else ""
            hint_en = f" Did you mean '{close[0]}'?" if close else ""
            problems.append(row.problem(
                "所属专项名称", f"专项“{key[1]}”不在 form1_special_funds.csv 中。{hint_zh}名称须与表1完全一致。",
                f"Fund '{key[1]}' is not in form1_special_funds.csv.{hint_en} Names must match form 1 exactly."))
    forms = {(r.values["部门"], r.values["表号"].strip()) for r in files["forms.csv"]}
    for row in files["form_layout.csv"]:
        if (row.values["部门"], row.values["表号"].strip()) not in forms:
            problems.append(row.problem("表号", f"表号“{row.values['表号']}”在 forms.csv 中没有（该部门）。请先在 forms.csv 登记这张表。",
                                        f"Form {row.values['表号']} is not in forms.csv for this department. Add it there first."))
    budgets = {r.values["部门名称"]: r.values["产出指标"] for r in files["form3_department_budget.csv"]}
    for row in files["form3_department_expenditures.csv"]:
        output_text = budgets.get(row.values["部门"])
        if output_text is None:
            problems.append(row.problem("部门", "form3_department_budget.csv 中没有这个部门。",
                                        "This department has no row in form3_department_budget.csv."))
        elif row.values["原文"] not in output_text:
            problems.append(row.problem("原文", "“原文”须是表3“产出指标”单元格中的原样片段。",
                                        "原文 must be an exact excerpt of form 3's 产出指标 cell."))


def check_notes(year_rows, tables, problems):
    """Each editor's note must point at a real cell and quote it exactly."""
    cells = {}
    for table, rows in tables.items():
        for record in rows:
            if "id" in record:
                cells[(table, record["id"])] = record
    for files in year_rows.values():
        for row in files["notes.csv"]:
            v = row.values
            record = cells.get((v["表"], v["记录_id"]))
            if record is None:
                problems.append(row.problem("记录_id", f"表 {v['表']} 中没有 id 为“{v['记录_id']}”的记录。",
                                            f"Table {v['表']} has no row with id '{v['记录_id']}'."))
            elif v["列"] not in record:
                problems.append(row.problem("列", f"表 {v['表']} 没有“{v['列']}”列。", f"Table {v['表']} has no column '{v['列']}'."))
            elif v["原文摘录"] not in str(record[v["列"]] or ""):
                problems.append(row.problem("原文摘录", "摘录在该单元格中找不到。请照原文复制。",
                                            "The excerpt is not in that cell. Copy it exactly."))


def year_folders(data_dir):
    return sorted(p for p in Path(data_dir).iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name))


def read_input(data_dir):
    """Read and check every CSV. Returns (year_rows, departments, notices); raises InputErrors."""
    problems, notices = [], []
    data_dir = Path(data_dir)
    department_rows = read_csv(data_dir / DEPARTMENTS_FILE, DEPARTMENTS_SPEC, str(data_dir / DEPARTMENTS_FILE),
                              problems, notices)
    check_cells(department_rows, DEPARTMENTS_SPEC, None, None, problems, notices)
    find_duplicates(department_rows, ["部门"], problems)
    find_duplicates(department_rows, ["部门编码"], problems)
    for row in department_rows:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", row.values["部门编码"]):
            problems.append(row.problem("部门编码", "部门编码只能用小写英文字母、数字和连字符，例如 shifeng-minzheng。",
                                        "部门编码 may only use lower-case letters, digits and hyphens, e.g. shifeng-minzheng."))
    departments = {r.values["部门"]: r.values for r in department_rows}
    year_dirs = year_folders(data_dir)
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder not in year_dirs:
            problems.append(Problem(str(folder), 0, "", f"文件夹名须为四位数的年份（例如 2020）；“{folder.name}”中的文件不会被读取。"
                                    "请把文件夹改名为年份。", f"A folder in data/ must be named with the four-digit year "
                                    f"(e.g. 2020); the files in '{folder.name}' would not be read. Rename it."))
    if not year_dirs:
        problems.append(Problem(str(data_dir), 0, "", "没有年度文件夹（例如 data/2019/）。", "No year folders (such as data/2019/)."))
    year_rows = {}
    for year_dir in year_dirs:
        year = year_dir.name
        files = {}
        for name, spec in YEAR_FILES.items():
            rows = read_csv(year_dir / name, spec, str(year_dir / name), problems, notices)
            check_cells(rows, spec, year, departments, problems, notices)
            files[name] = rows
        for extra in sorted(year_dir.glob("*.csv")):
            if extra.name not in YEAR_FILES:
                problems.append(Problem(str(extra), 0, "", "未知的文件名。应为：" + "、".join(YEAR_FILES) + "。",
                                        "Unknown file name. Expected one of: " + ", ".join(YEAR_FILES) + "."))
        find_duplicates(files["forms.csv"], ["部门", "表号"], problems)
        find_duplicates(files["form_layout.csv"], ["部门", "表号", "行", "列"], problems)
        find_duplicates(files["form1_special_funds.csv"], ["部门", "序号"], problems)
        find_duplicates(files["form1_special_funds.csv"], ["部门", "专项支出名称"], problems)
        find_duplicates(files["form2_expenditure_directions.csv"], ["部门", "所属专项名称", "支出方向"], problems)
        find_duplicates(files["form3_department_budget.csv"], ["部门名称"], problems)
        find_duplicates(files["form3_department_expenditures.csv"], ["部门", "序号"], problems)
        if files["form1_special_funds.csv"] and files["form3_department_budget.csv"]:
            check_links(files, problems)  # otherwise every link would be reported missing
        year_rows[year] = files
    if problems:
        raise InputErrors(problems)
    return year_rows, departments, notices


# ---------------------------------------------------------------------------
# Writing budget.db
# ---------------------------------------------------------------------------

AMOUNT_TYPES = {"_原文": str, "_万元": float, "_元": int}


def amount_schema(*prefixes):
    return {f"{p}{suffix}": kind for p in prefixes for suffix, kind in AMOUNT_TYPES.items()}


SCHEMA = {  # table -> (columns, foreign keys (column, table), indexes)
    "departments": ({"部门编码": str, "部门": str, "全称": str, "上级主管": str}, [], [["部门"]]),
    "forms": ({"id": str, "年度": int, "部门": str, "表号": int, "表名": str, "编制单位": str, "计量单位": str,
               "标题行原文": str}, [], [["年度", "部门"]]),
    "form_layout": ({"id": str, "年度": int, "部门": str, "表_id": str, "行": int, "列": int, "跨行": int, "跨列": int,
                     "原文": str, "字段": str}, [("表_id", "forms")], [["年度", "部门"]]),
    "special_funds": ({"id": str, "年度": int, "部门": str, "序号": int, "专项名称": str, "支出方向": str,
                       **amount_schema("资金总额"), "实施期绩效目标": str, "年度绩效目标": str},
                      [], [["年度", "部门"], ["部门"], ["支出方向"], ["资金总额_元"]]),
    "expenditure_directions": ({"id": str, "年度": int, "部门": str, "主管部门": str, "支出方向": str, "专项_id": str,
                                "专项实施期": str, **amount_schema("年度金额"), "实施期绩效目标": str, "年度绩效目标": str},
                               [("专项_id", "special_funds")], [["年度", "部门"], ["部门"], ["支出方向"]]),
    "performance_indicators": ({"id": str, "支出方向_id": str, "专项_id": str, "年度": int, "部门": str,
                                "指标序号": int, "一级指标": str, "二级指标": str, "指标值": str},
                               [("支出方向_id", "expenditure_directions"), ("专项_id", "special_funds")],
                               [["年度", "部门"], ["部门"], ["一级指标", "二级指标"], ["二级指标"]]),
    "department_budgets": ({"id": str, "年度": int, "部门": str, **amount_schema("资金总额", "基本支出", "项目支出"),
                            "整体绩效目标": str, "产出指标": str, "效益指标": str, "业务股室意见": str, "绩效股意见": str},
                           [], [["年度", "部门"], ["部门"]]),
    "department_expenditures": ({"id": str, "年度": int, "部门": str, "部门预算_id": str, "序号": int, "支出类别": str,
                                 **amount_schema("金额"), "原文": str},
                                [("部门预算_id", "department_budgets")], [["年度", "部门"], ["部门"], ["支出类别"]]),
    "notes": ({"id": str, "年度": int, "部门": str, "表": str, "记录_id": str, "列": str, "原文摘录": str, "说明": str},
              [], [["年度", "部门"], ["表", "记录_id"]]),
    "data_checks": ({"id": str, "年度": int, "部门": str, "检查项": str, "说明": str, "对象": str, "对象表": str,
                     "对象_id": str,
                     "期望值": str, "实际值": str, "差额_元": int, "差额_万元": float, "结果": str},
                    [], [["年度", "部门"], ["结果"], ["检查项"]]),
}
PRIMARY_KEYS = {"departments": "部门编码"}


def write_budget_db(path, tables):
    db = sqlite_utils.Database(path)
    # A temporary file that is renamed into place only when complete: no journal or fsync needed while writing.
    db.execute("pragma journal_mode = off")
    db.execute("pragma synchronous = off")
    for table, (columns, foreign_keys, indexes) in SCHEMA.items():
        db[table].create(columns, pk=PRIMARY_KEYS.get(table, "id"), foreign_keys=foreign_keys,
                         not_null={c for c in ("年度", "部门") if c in columns})
        db[table].insert_all(tables[table])
        for index in indexes:
            db[table].create_index(index)
        for column, _ in foreign_keys:
            db[table].create_index([column])
    for view, (rows_sql, names) in YEAR_CHANGES.items():
        db.create_view(view, year_change_view(rows_sql, names), replace=True)
    db["special_funds"].create_index(["部门", "专项名称", "年度"])
    db["department_expenditures"].create_index(["部门", "支出类别", "年度"])
    build_search_index(db, tables)
    add_indicator_analysis(db)
    db.conn.close()


# ---------------------------------------------------------------------------
# Data checks: every reconciliation the forms allow, published whatever the result
# ---------------------------------------------------------------------------


def data_checks(tables):
    """Rows for the data_checks table. Amounts are compared in whole 元, so differences are exact."""
    checks = []

    def check(record, code, name, explanation, subject, expected, found, amounts=True, passes=None):
        difference = found - expected if amounts else None
        if passes is None:
            passes = expected == found
        checks.append({
            "id": f"{record['id']}-{code}", "年度": record["年度"], "部门": record["部门"],
            "检查项": name, "说明": explanation, "对象": subject,
            "对象表": "special_funds" if "专项名称" in record else "department_budgets", "对象_id": record["id"],
            "期望值": wan_text(expected) if amounts else expected, "实际值": wan_text(found) if amounts else found,
            "差额_元": difference, "差额_万元": difference / 10000 if amounts else None,
            "结果": "一致" if passes else "不一致"})

    parts_of, funds_of, directions_of = defaultdict(list), defaultdict(list), defaultdict(list)
    for part in tables["department_expenditures"]:
        parts_of[part["部门预算_id"]].append(part)
    for fund in tables["special_funds"]:
        funds_of[(fund["年度"], fund["部门"])].append(fund)
    for direction in tables["expenditure_directions"]:
        directions_of[direction["专项_id"]].append(direction)
    for budget in tables["department_budgets"]:
        total = budget["资金总额_元"]
        parts = parts_of[budget["id"]]
        funds = funds_of[(budget["年度"], budget["部门"])]
        if budget["基本支出_元"] is not None and budget["项目支出_元"] is not None:
            check(budget, "parts", "基本支出＋项目支出＝资金总额", "表3：基本支出与项目支出之和应等于申报的资金总额（万元）。",
                  budget["部门"], total, budget["基本支出_元"] + budget["项目支出_元"])
        if parts:
            check(budget, "categories", "分类支出之和＝资金总额", "表3：“产出指标”所列各类支出之和应等于申报的资金总额（万元）。",
                  budget["部门"], total, sum(p["金额_元"] for p in parts))
        if funds and budget["项目支出_元"] is not None:
            found = sum(f["资金总额_元"] for f in funds)
            check(budget, "funds", "专项资金之和不超过项目支出", "表1各专项资金之和（万元）应不超过表3的项目支出：专项资金是项目支出的一部分。",
                  budget["部门"], budget["项目支出_元"], found, passes=found <= budget["项目支出_元"])
    for fund in tables["special_funds"]:
        directions = directions_of[fund["id"]]
        if not directions:
            check(fund, "directions", "表1专项在表2中有支出方向", "表1的每项专项资金应在表2中至少有一个支出方向。", fund["专项名称"],
                  "至少1个", "0个", amounts=False)
            continue
        check(fund, "amount", "表1金额＝表2金额", "同一专项：表1“资金总额”应等于表2各支出方向“支出方向年度金额”之和（万元）。",
              fund["专项名称"], fund["资金总额_元"], sum(d["年度金额_元"] for d in directions))
        for code, column, name in (("direction", "支出方向", "表1与表2支出方向相同"),
                                   ("period-target", "实施期绩效目标", "表1与表2实施期绩效目标相同"),
                                   ("annual-target", "年度绩效目标", "表1与表2年度绩效目标相同")):
            found = "；".join(d[column] for d in directions)
            check(fund, code, name, f"同一专项在表1和表2中的“{column}”应一字不差。", fund["专项名称"],
                  fund[column], found, amounts=False)
    return checks


def wan_text(yuan):
    """Whole 元 -> 万元 text without float noise: 15938700 -> '1593.87'."""
    return f"{Decimal(yuan) / 10000:.4f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------
# Year over year: rows matched by name with the department's previous year
# ---------------------------------------------------------------------------

# view -> (rows to compare: SQL giving 部门, 年度, id, the matching names, 金额_元; the names that match rows)
YEAR_CHANGES = {
    "fund_year_changes": (
        "select 部门, 年度, id, 专项名称, 资金总额_元 as 金额_元 from special_funds", ["专项名称"]),
    "direction_year_changes": (
        "select d.部门, d.年度, d.id, f.专项名称, d.支出方向, d.年度金额_元 as 金额_元 "
        "from expenditure_directions d join special_funds f on f.id = d.专项_id", ["专项名称", "支出方向"]),
    "category_year_changes": (
        "select 部门, 年度, id, 支出类别, 金额_元 from department_expenditures", ["支出类别"]),
}


def year_change_view(rows_sql, names):
    """SQL of a view comparing each year's rows with the same department's previous year, matched by names.
    状态 is 新增 (new), 延续 (continued) or 停止 (discontinued: in the previous year only)."""
    same = " and ".join(f"prev.[{n}] = cur.[{n}]" for n in names)
    return f"""
with rows as ({rows_sql}),
years as (select distinct 部门, 年度 from rows),
pairs as (
  select a.部门, a.年度, (select max(b.年度) from years b where b.部门 = a.部门 and b.年度 < a.年度) as 上年
  from years a
),
matched as (
  select p.部门, p.年度, p.上年, cur.id as 本年_id, prev.id as 上年_id, cur.金额_元 as 本年_元, prev.金额_元 as 上年_元,
    {", ".join(f"cur.[{n}]" for n in names)}, {", ".join(f"prev.[{n}] as [上年{n}]" for n in names)}
  from pairs p join rows cur on cur.部门 = p.部门 and cur.年度 = p.年度
  left join rows prev on prev.部门 = p.部门 and prev.年度 = p.上年 and {same}
  where p.上年 is not null
  union all
  select p.部门, p.年度, p.上年, null, prev.id, null, prev.金额_元,
    {", ".join("null" for n in names)}, {", ".join(f"prev.[{n}]" for n in names)}
  from pairs p join rows prev on prev.部门 = p.部门 and prev.年度 = p.上年
  where p.上年 is not null
    and not exists (select 1 from rows cur where cur.部门 = p.部门 and cur.年度 = p.年度 and {same})
)
select 部门, 年度, 上年, {", ".join(f"coalesce([{n}], [上年{n}]) as [{n}]" for n in names)},
  case when 上年_id is null then '新增' when 本年_id is null then '停止' else '延续' end as 状态,
  本年_id, 上年_id, 上年_元, 本年_元, 上年_元 / 10000.0 as 上年_万元, 本年_元 / 10000.0 as 本年_万元,
  coalesce(本年_元, 0) - coalesce(上年_元, 0) as 变化_元,
  (coalesce(本年_元, 0) - coalesce(上年_元, 0)) / 10000.0 as 变化_万元,
  case when 上年_元 > 0 and 本年_元 is not null then round(100.0 * (本年_元 - 上年_元) / 上年_元, 1) end as 变化_百分比
from matched
"""


# What the site-wide search covers: (table, columns); every text is indexed one character per token.
SEARCHABLE = {
    "special_funds": ["专项名称", "支出方向", "实施期绩效目标", "年度绩效目标"],
    "expenditure_directions": ["支出方向", "实施期绩效目标", "年度绩效目标"],
    "performance_indicators": ["指标值"],
    "department_budgets": ["整体绩效目标", "产出指标", "效益指标"],
    "department_expenditures": ["支出类别"],
    "notes": ["说明"],
}


def build_search_index(db, tables):
    fund_names = {fund["id"]: fund["专项名称"] for fund in tables["special_funds"]}
    entries = []
    for table, columns in SEARCHABLE.items():
        for record in tables[table]:
            fund_id = record["id"] if table == "special_funds" else record.get("专项_id")
            for column in columns:
                text = record[column]
                if not text:
                    continue
                entries.append({
                    "id": len(entries) + 1, "表": table, "记录_id": record["id"],
                    "字段": record.get("二级指标", column), "年度": record["年度"], "部门": record["部门"],
                    "专项_id": fund_id, "标题": fund_names.get(fund_id) or record["部门"],
                    "原文": text, "分词": segment(text)})
    db["search_index"].create({"id": int, "表": str, "记录_id": str, "字段": str, "年度": int, "部门": str,
                               "专项_id": str, "标题": str, "原文": str, "分词": str}, pk="id")
    db["search_index"].insert_all(entries)
    db["search_index"].create_index(["表", "记录_id"])
    # The search page lists the years with `select distinct 年度`: a full scan without this (180 ms at a million rows).
    db["search_index"].create_index(["年度"])
    db["search_index"].enable_fts(["分词"], fts_version="FTS5", create_triggers=False)


# ---------------------------------------------------------------------------
# Writing filings.db with csvs-to-sqlite: every file as filed, all text
# ---------------------------------------------------------------------------


def write_filings_db(path, data_dir):
    from unittest import mock

    import pandas
    from click.testing import CliRunner  # csvs-to-sqlite is a click command; run it in-process
    from csvs_to_sqlite.cli import cli as csvs_to_sqlite

    # csvs-to-sqlite reads with pandas, whose missing-value rules turn cells such as "NA", "N/A", "null" or "None"
    # into NULL even with --just-strings. A verbatim copy keeps them: no missing-value detection at all.
    verbatim_read_csv = functools.partial(pandas.read_csv, na_filter=False)

    data_dir = Path(data_dir)
    sources = [(data_dir / DEPARTMENTS_FILE, "departments")]
    for year_dir in year_folders(data_dir):
        sources += [(year_dir / name, name[: -len(".csv")]) for name in YEAR_FILES]
    with tempfile.TemporaryDirectory() as scratch:
        for source, table in sources:
            # pandas reads UTF-8 only; hand it a UTF-8 copy so GBK files load verbatim too
            text = decode(source, [])
            utf8_copy = Path(scratch) / source.name
            utf8_copy.write_text(text, encoding="utf-8")
            label = f"{data_dir.name}/{source.relative_to(data_dir)}"
            with mock.patch("csvs_to_sqlite.utils.pd.read_csv", verbatim_read_csv):
                result = CliRunner().invoke(csvs_to_sqlite, [
                    str(utf8_copy), str(path), "--table", table, "--just-strings", "--fixed-column", "来源文件", label])
            if result.exit_code != 0 or "Could not load" in result.output:
                raise RuntimeError(f"csvs-to-sqlite failed on {label}: {result.output}")
            verify_filing(path, table, label, text)


def verify_filing(path, table, label, text):
    """Every cell in filings.db must equal the CSV cell; csvs-to-sqlite stores empty cells as NULL."""
    db = sqlite_utils.Database(path)
    found = [{k: v if v is not None else "" for k, v in row.items() if k != "来源文件"}
             for row in db.query(f"select * from [{table}] where 来源文件 = ? order by rowid", [label])]
    db.conn.close()
    expected = [row for row in csv.DictReader(text.splitlines(keepends=True)) if any(v.strip() for v in row.values())]
    if found != expected:
        raise RuntimeError(f"filings.db does not hold {label} verbatim")


# ---------------------------------------------------------------------------
# The build: check, write both databases under temporary names, then rename.
# ---------------------------------------------------------------------------


def build_database(data_dir="data", out_dir="."):
    year_rows, departments, notices = read_input(data_dir)
    tables = build_tables(year_rows, departments)
    tables["data_checks"] = data_checks(tables)
    problems = []
    check_notes(year_rows, tables, problems)
    if problems:
        raise InputErrors(problems)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    temporary = {}
    downloads = datapackage_export.StagedFolder(out_dir / "downloads")  # CSVs + datapackage.json
    try:
        for name in ("budget.db", "filings.db"):
            handle, temp_path = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            os.close(handle)
            os.unlink(temp_path)  # sqlite creates it fresh
            temporary[name] = temp_path
        write_budget_db(temporary["budget.db"], tables)
        write_filings_db(temporary["filings.db"], data_dir)
        datapackage_export.write_datapackage(temporary["budget.db"], downloads.path)
        for name, temp_path in temporary.items():
            os.replace(temp_path, out_dir / name)
        downloads.swap_in()
    finally:
        downloads.discard()
        for temp_path in temporary.values():
            if os.path.exists(temp_path):
                os.unlink(temp_path)
    return tables, notices


def main(argv=None):
    parser = argparse.ArgumentParser(description="Build budget.db and filings.db from data/ (see README).")
    parser.add_argument("--data", default="data", help="folder with departments.csv and one folder per year")
    parser.add_argument("--out", default=".", help="folder to write budget.db and filings.db into")
    args = parser.parse_args(argv)
    try:
        tables, notices = build_database(args.data, args.out)
    except (InputErrors, datapackage_export.DataPackageError) as errors:
        print(f"数据有 {len(errors.problems)} 处问题，未生成数据库，原有数据库保持不变。", file=sys.stderr)
        print(f"The data has {len(errors.problems)} problem(s); nothing was built and existing databases are unchanged.\n",
              file=sys.stderr)
        for number, problem in enumerate(errors.problems, 1):
            print(f"{number}. {problem}", file=sys.stderr)
        return 1
    for notice in notices:
        print(f"已规范化 normalised: {notice}")
    counts = "，".join(f"{table} {len(rows)}" for table, rows in tables.items())
    print(f"已生成 built {Path(args.out) / 'budget.db'} 与 filings.db：{counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
