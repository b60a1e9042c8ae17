"""Reading one curated CSV as Excel or WPS saved it: encoding, header, rows — cells kept verbatim.

Row numbers are the row numbers Excel shows (the header is row 1), also after a cell with a line break inside
quotes, which takes several text lines but one Excel row.
"""
import csv
import difflib
import re
from dataclasses import dataclass

from . import contract
from .problems import Problem

BOM = "\ufeff"
TOTAL_LABELS = {"合计", "总计", "小计", "总合计"}  # each has 计: cells without it are not looked at further
# Characters no form cell holds: C0 controls (NUL, …) except tab and line breaks, DEL, C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class Row:
    file: str
    line: int  # Excel row number
    values: dict  # column -> cell text, verbatim
    header: list

    def problem(self, column, zh, en):
        index = self.header.index(column) + 1 if column in self.header else 0
        return Problem(self.file, self.line, column, zh, en, index)


def text_lines(path, display_name, problems, notices):
    """The file's text as lines (what str.splitlines(keepends=True) gives), or None after adding a problem.

    UTF-8 (with or without BOMs) or, failing that, GBK/GB18030 as Chinese Excel saves CSV. The encoding is settled
    over the whole file first; then the lines are read one at a time, so a file of any size takes little memory.
    Splitting the bytes at b"\n" first changes nothing: no UTF-8 or GB18030 sequence holds that byte."""
    encoding = settle_encoding(path, display_name, problems, notices)
    if encoding is None:
        return None
    return decoded_lines(path, encoding)


def settle_encoding(path, display_name, problems, notices):
    """'utf-8' or 'gb18030' for the whole file, or None after adding a problem (mixed or unknown encodings)."""
    first_bad = first_utf8 = None  # the first line that is not UTF-8; the first non-ASCII line that is
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if line.isascii():
                continue
            if is_utf8(line):
                first_utf8 = first_utf8 or number
            else:
                first_bad = first_bad or number
            if first_bad and first_utf8:
                break
    if first_bad is None:
        with open(path, "rb") as handle:
            start = handle.readline().decode("utf-8")
        if start.startswith(BOM * 2):
            notices.append(f"{display_name}: 文件开头有 {len(start) - len(start.lstrip(BOM))} 个 BOM 标记，已按一个处理。"
                           " Several byte-order marks at the start; read as one.")
        return "utf-8"
    if first_utf8:  # part UTF-8, part something else: saved from two programs, or pasted together
        problems.append(Problem(display_name, 0, "", f"文件混用了两种编码：第{first_utf8}行是 UTF-8，第{first_bad}行（文本行）不是。"
                                "请在 Excel/WPS 中打开后整体“另存为 CSV UTF-8”。",
                                f"The file mixes two encodings: text line {first_utf8} is UTF-8, text line {first_bad} is "
                                "not. Open it in Excel/WPS and save the whole file as 'CSV UTF-8'."))
        return None
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            try:
                line.decode("gb18030")
            except UnicodeDecodeError:
                problems.append(Problem(display_name, 0, "", f"无法识别文件编码（第{number}行文本有无法读取的字节）。请在 "
                                        "Excel/WPS 中“另存为 CSV UTF-8”。", f"Unknown text encoding (unreadable bytes on "
                                        f"text line {number}). Save it from Excel/WPS as 'CSV UTF-8'."))
                return None
    notices.append(f"{display_name}: 按 GBK/GB18030 编码读取（Excel 中文版默认）。 Read as GBK/GB18030 (Excel's Chinese default).")
    return "gb18030"


def decoded_lines(path, encoding):
    with open(path, "rb") as handle:
        for number, line in enumerate(handle):
            text = line.decode(encoding)
            if number == 0 and encoding == "utf-8":
                text = text.lstrip(BOM)
            yield from text.splitlines(keepends=True)


def is_utf8(line):
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def refuse_other_formats(raw, display_name, problems):
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # .xlsx (a zip) or .xls renamed to .csv
        problems.append(Problem(display_name, 0, "", "这是 Excel 工作簿（.xlsx/.xls），不是 CSV 文件。请在 Excel/WPS 中打开，"
                                "“另存为”“CSV UTF-8（逗号分隔）”。", "This is an Excel workbook (.xlsx/.xls), not a CSV "
                                "file. Open it in Excel/WPS and 'Save As' 'CSV UTF-8 (Comma delimited)'."))
        return True
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode 文本" (UTF-16, tab-separated)
        problems.append(Problem(display_name, 0, "", "无法识别文件编码：这是 UTF-16 编码的“Unicode 文本”。"
                                "请在 Excel/WPS 中“另存为 CSV UTF-8”。", "Unsupported encoding: this is UTF-16 "
                                "('Unicode Text'). Save it from Excel/WPS as 'CSV UTF-8'."))
        return True
    return False


def read_csv(path, file_name, display_name, problems, notices):
    """Rows of a curated CSV, or [] after adding problems. file_name is its name in contract.yml."""
    return list(iter_rows(path, file_name, display_name, problems, notices))


def iter_rows(path, file_name, display_name, problems, notices):
    """The rows of a curated CSV one at a time (problems are added as they are found; a file that cannot be read
    gives none). Consume it to the end: the last check runs after the last row."""
    spec = contract.inputs()[file_name]
    expected = contract.columns_of(file_name)
    if not path.exists():
        if spec.get("optional"):
            return
        problems.append(Problem(display_name, 0, "", f"缺少此文件。请补上 {file_name}（列为：{'，'.join(expected)}）。",
                                f"File is missing. Add {file_name} (columns: {', '.join(expected)})."))
        return
    with open(path, "rb") as handle:
        start = handle.read(4)
    if refuse_other_formats(start, display_name, problems):
        return
    lines = text_lines(path, display_name, problems, notices)
    if lines is None:
        return
    records = csv.reader(lines, strict=True)
    try:
        header = next(records, None)
    except csv.Error as error:
        problems.append(Problem(display_name, 1, "", f"表头无法解析（{error}）。", f"Cannot parse the header ({error})."))
        return
    saved_width = len(header or [])  # before check_header drops the header's own trailing empty cells
    if not check_header(header, expected, display_name, problems):
        return
    has_amounts = bool(contract.columns_of(file_name, "amount"))
    count, excel_row = 0, 1
    while True:
        excel_row += 1
        try:
            cells = next(records)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(Problem(display_name, excel_row, "", f"无法解析此行（{error}），请检查引号是否成对。",
                                    f"Cannot parse this row ({error}); check that quotes are paired."))
            break
        if not any(cell.strip() for cell in cells):
            continue  # a row of nothing or only commas: what Excel leaves after rows are deleted
        if has_amounts and any("计" in cell and re.sub(r"[\s:：]", "", cell) in TOTAL_LABELS for cell in cells):
            problems.append(Problem(display_name, excel_row, "", "这是合计行。请删除这一行：只填写各项，合计由网站计算。",
                                    "This is a total row (合计). Delete it: enter the items only; the site computes totals."))
            continue
        if len(cells) > len(header):
            extra = cells[len(header):]
            # Excel saves a rectangle: its trailing commas end the header line too. A row longer than the header
            # line is a stray comma that shifted the cells, even when the shifted-out last cell is empty.
            if len(cells) > saved_width or any(cell.strip() for cell in extra):
                problems.append(Problem(display_name, excel_row, "", f"此行有{len(cells)}个单元格，多于表头的{len(header)}列。"
                                        "请检查是否有多余的逗号。", f"This row has {len(cells)} cells but the header has "
                                        f"{len(header)} columns. Check for stray commas."))
                continue
            cells = cells[: len(header)]  # empty cells past the last column: Excel's trailing commas
        cells += [""] * (len(header) - len(cells))
        row = Row(display_name, excel_row, dict(zip(header, cells)), header)
        for column, value in row.values.items():
            control = CONTROL.search(value)
            if control:
                code = f"U+{ord(control.group()):04X}"
                problems.append(row.problem(column, f"单元格中有看不见的控制字符 {code}（位置 {control.start() + 1}）。"
                                            "请删除该字符后重新保存。", f"The cell holds an invisible control character "
                                            f"{code} (position {control.start() + 1}). Delete it and save again."))
        count += 1
        yield row
    if not count and not problems and not spec.get("may_be_empty"):
        problems.append(Problem(display_name, 2, "", "文件只有表头，没有数据行。", "The file has a header but no data rows."))


def check_header(header, expected, display_name, problems):
    if not header or not any(cell.strip() for cell in header):
        problems.append(Problem(display_name, 1, "", "文件是空的：第1行应为表头：" + "，".join(expected) + "。",
                                "The file is empty: row 1 must be the header: " + ",".join(expected) + "."))
        return False
    if len(header) == 1 and "\t" in header[0]:
        problems.append(Problem(display_name, 1, "", "文件是用制表符分隔的文本，不是逗号分隔的 CSV。请在 Excel/WPS 中"
                                "“另存为 CSV UTF-8（逗号分隔）”。", "The file is tab-separated text, not a comma-separated "
                                "CSV. Save it from Excel/WPS as 'CSV UTF-8 (Comma delimited)'."))
        return False
    while header and not header[-1].strip():
        header.pop()  # empty header cells past the last column: Excel's trailing commas
    stripped = [cell.strip() for cell in header]
    if not set(stripped) & set(expected):
        problems.append(Problem(display_name, 1, "", "第1行不是表头。如果上面还有表格的标题行，请删除标题行，使第1行是表头："
                                + "，".join(expected) + "。", "Row 1 is not the header. If the form's title is "
                                "above the header, delete that title row so that row 1 is the header: "
                                + ",".join(expected) + "."))
        return False
    found = []
    for column in expected:
        if column not in header and column not in stripped:
            found.append(Problem(display_name, 1, column, f"缺少“{column}”列。请在表头加上这一列。",
                                 f"Column '{column}' is missing. Add it to the header."))
    for index, column in enumerate(header, 1):
        if column not in expected and column.strip() in expected:
            found.append(Problem(display_name, 1, column, f"列名“{column}”前后有空格。请删去空格，改为“{column.strip()}”。",
                                 f"The column name '{column}' has spaces around it. Remove them: '{column.strip()}'.",
                                 index))
        elif column not in expected:
            close = difflib.get_close_matches(column, expected, n=1)
            hint_zh = f"是不是“{close[0]}”？" if close else "请删除此列或改为规定的列名。"
            hint_en = f"Did you mean '{close[0]}'?" if close else "Remove it or use one of the expected names."
            found.append(Problem(display_name, 1, column, f"未知的列“{column}”。{hint_zh}",
                                 f"Unknown column '{column}'. {hint_en}", index))
        elif header.index(column) != index - 1:
            found.append(Problem(display_name, 1, column, "此列名重复出现。请删除多余的一列。",
                                 "This column appears twice. Remove the extra one.", index))
    problems.extend(found)
    return not found
