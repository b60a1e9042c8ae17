"""Reader of an .xlsx workbook laid out like the paper forms: one sheet per form, in any order and under any
sheet name. Each sheet is recognised by its title (the first row with text, usually merged across the form);
the 编制单位 … 单位 row may follow; then forms 1 and 2 have their (merged, multi-level) header and data rows, and
form 3 its grid of labels and values. Merged cells give the spans; a data cell merged down over several rows
(a fund name over its expenditure directions) belongs to each of them.

Numbers become the text a person reads in Excel: 90.0 -> "90", 249.87 -> "249.87", 1 in a percent format ->
"100%", 387664.6 in a 0.00 format -> "387664.60".
A double with more than the 15 significant digits Excel shows (0.1+0.2) is float noise and reported.
"""
import datetime
import re
import warnings
from decimal import Decimal

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from . import spec
from .document import Cell, Document, Form, ImportFailed, Origin, Problem

EXCEL_DIGITS = 15  # Excel shows at most 15 significant digits
# The decimals of a fixed format (0.00, #,##0.00, 0.00%, "¥"#,##0.00_)): 387664.6 reads 387664.60 (元 with 角分).
# The thousands separator is left out of the text: an amount is its digits.
FIXED_DECIMALS = re.compile(r"0\.(0+)")


def plain(number):
    """A Decimal as digits, never with an exponent: 1E+1 -> '10', 0.000010 -> '0.00001'."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def number_text(value, number_format):
    """(text, problem or None) for a numeric cell."""
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if len(exact.normalize().as_tuple().digits) > EXCEL_DIGITS:
        return None, (f"数值 {repr(value)} 有浮点误差（多于 Excel 显示的15位有效数字）。请把单元格改为文本格式，按表上的数字重新填写。",
                      f"The number {repr(value)} carries float noise (more than the 15 significant digits Excel "
                      "shows). Format the cell as Text and type the number as on the form.")
    percent = "%" in (number_format or "")
    if percent:
        exact *= 100
    text = plain(exact)
    fixed = FIXED_DECIMALS.search((number_format or "").split(";")[0])  # the format of positive numbers
    shown = len(text.partition(".")[2])
    if fixed and shown < len(fixed[1]):  # only padded: a cell holding more digits than it shows keeps them all
        text = format(exact.quantize(Decimal(1).scaleb(-len(fixed[1]))), "f")
    return text + ("%" if percent else ""), None


def cell_text(cell):
    """(text, problem or None): the text a person reads in the cell."""
    value = cell.value
    if cell.data_type == "f":
        return None, ("单元格是公式。请复制后“选择性粘贴 → 数值”，让单元格保存表上的数字或文字。",
                      "The cell holds a formula. Copy it and Paste Special → Values, so it holds the form's text.")
    if cell.data_type == "e":
        return None, (f"单元格是错误值 {value}。", f"The cell holds the error value {value}.")
    if isinstance(value, bool):
        return None, ("单元格是逻辑值（TRUE/FALSE）。请改为表上的文字。", "The cell holds TRUE/FALSE. Enter the form's text.")
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        return None, ("单元格被 Excel 当成了日期或时间。请把它设为“文本”格式，按表上的文字重新填写。",
                      "Excel has turned the cell into a date or time. Format it as Text and enter the form's text.")
    if isinstance(value, (int, float)):
        return number_text(value, cell.number_format)
    return str(value), None


class Sheet:
    """The cells of one worksheet with text, and its merged ranges."""

    def __init__(self, worksheet, source, problems):
        self.name, self.source = worksheet.title, source
        self.text, self.spans, self.covered = {}, {}, {}
        for merged in worksheet.merged_cells.ranges:
            top, left = merged.min_row, merged.min_col
            self.spans[(top, left)] = (merged.max_row - top + 1, merged.max_col - left + 1)
            for row in range(top, merged.max_row + 1):
                for col in range(left, merged.max_col + 1):
                    if (row, col) != (top, left):
                        self.covered[(row, col)] = (top, left)
        for row in worksheet.iter_rows():
            for cell in row:
                if isinstance(cell, MergedCell) or cell.value is None:
                    continue
                text, problem = cell_text(cell)
                if problem:
                    problems.append(Problem(self.origin(cell.row, cell.column), *problem))
                elif text != "":
                    self.text[(cell.row, cell.column)] = text
        self.filled = {}  # row -> columns of the cells with more than white space, left to right
        for (row, col), text in sorted(self.text.items()):
            if text.strip():
                self.filled.setdefault(row, []).append(col)

    def origin(self, row, col):
        return Origin(self.source, sheet=self.name, cell=f"{get_column_letter(col)}{row}")

    def rows(self):
        """The rows with text, top to bottom."""
        return sorted(self.filled)

    def row_cells(self, row):
        """The columns of the row's cells with text, left to right."""
        return self.filled.get(row, [])

    def cell(self, row, col, grid_row=0, grid_col=0):
        rowspan, colspan = self.spans.get((row, col), (1, 1))
        return Cell(self.text.get((row, col), ""), self.origin(row, col), grid_row, grid_col, rowspan, colspan)


def read_table(sheet, kind, first, title, unit_row, problems):
    """Forms 1 and 2 from the sheet row `first` on: header rows (every text a header label), then data rows."""
    labels = spec.header_labels(kind)
    header_rows = []
    for row in (row for row in sheet.rows() if row >= first):
        unknown = [col for col in sheet.row_cells(row) if spec.normalise(sheet.text[(row, col)]) not in labels]
        if unknown and not header_rows:
            problems.append(Problem(sheet.origin(row, unknown[0]), f"{spec.NAMES[kind]}的表头中有无法识别的"
                                    f"“{sheet.text[(row, unknown[0])]}”。", f"The header of {spec.NAMES_EN[kind]} has "
                                    f"an unknown cell '{sheet.text[(row, unknown[0])]}'."))
            return None
        if unknown:
            break
        header_rows.append(row)
    if not header_rows:
        problems.append(Problem(title.origin, f"{spec.NAMES[kind]}没有表头。", f"{spec.NAMES_EN[kind]} has no header."))
        return None
    placed = [(row, col, sheet.cell(row, col)) for row in header_rows for col in sheet.row_cells(row)]
    bottom = max(row + cell.rowspan - 1 for row, col, cell in placed)
    columns = set(spec.table_columns(kind))
    # The form's columns are its column headers, left to right, whatever sheet columns each takes.
    leaves = sorted((col, cell) for row, col, cell in placed if spec.normalise(cell.text) in columns)
    logical, leaf_cols = {}, {}
    for index, (col, cell) in enumerate(leaves, 1):
        leaf_cols[index] = col
        for covered in range(col, col + cell.colspan):
            logical[covered] = index
    header = []
    for row, col, cell in placed:
        span = sorted({logical[c] for c in range(col, col + cell.colspan) if c in logical})
        if not span:
            problems.append(Problem(cell.origin, f"表头“{cell.text}”下面没有任何一列。",
                                    f"No column is under the header '{cell.text}'."))
            continue
        cell.row, cell.col, cell.colspan = row - header_rows[0] + 1, span[0], len(span)
        header.append(cell)
    body = data_rows(sheet, bottom, logical, leaf_cols, bottom - header_rows[0] + 1, problems)
    return Form(kind, title, unit_row, header, body)


def data_rows(sheet, below, logical, leaf_cols, header_height, problems):
    """Rows under the header, one Cell per column; a cell merged down over rows is in each of them."""
    texts_by_row = {}  # sheet row -> {form column: the (row, col) of the cell with the text}
    for (row, col), text in sorted(sheet.text.items()):
        if row <= below:
            continue
        rowspan, colspan = sheet.spans.get((row, col), (1, 1))
        place = logical.get(col)
        if not text.strip() and (place is None or place in texts_by_row.get(row, {})):
            continue  # white space outside the table: nothing to place
        if place is None or logical.get(col + colspan - 1) != place or place in texts_by_row.get(row, {}):
            problems.append(Problem(sheet.origin(row, col), f"无法确定“{text[:30]}”属于哪一列：它不在某一个表头之下"
                                    "（或横跨了几列，或与同一列的另一格重叠）。", f"Cannot tell which column '{text[:30]}' "
                                    "belongs to: it is not under one header (or it spans several, or shares a column "
                                    "with another cell)."))
            continue
        for covered in range(row, row + rowspan):
            texts_by_row.setdefault(covered, {})[place] = (row, col)
    rows = []
    for row in sorted(texts_by_row):
        cells = []
        for index, col in leaf_cols.items():
            at = texts_by_row[row].get(index)
            cell = Cell(sheet.text[at], sheet.origin(*at)) if at else Cell("", sheet.origin(row, col))
            cell.row, cell.col = header_height + len(rows) + 1, index
            cells.append(cell)
        rows.append(cells)
    return rows


def read_label_form(sheet, first, title, unit_row):
    """Form 3 from the sheet row `first` on: every cell of the grid, empty ones too (an empty value has a place)."""
    rows = [row for row in sheet.rows() if row >= first]
    if not rows:
        return Form(3, title, unit_row, [])
    top, bottom = rows[0], rows[-1]
    starts = [(r, c) for (r, c) in list(sheet.text) + list(sheet.spans) if top <= r <= bottom]
    left = min(c for r, c in starts)
    right = max(c + sheet.spans.get((r, c), (1, 1))[1] - 1 for r, c in starts)
    bottom = max(r + sheet.spans.get((r, c), (1, 1))[0] - 1 for r, c in starts)
    cells = []
    for row in range(top, bottom + 1):
        for col in range(left, right + 1):
            if (row, col) not in sheet.covered:
                cells.append(sheet.cell(row, col, row - top + 1, col - left + 1))
    return Form(3, title, unit_row, cells)


def read_sheet(sheet, problems):
    rows = sheet.rows()
    if not rows:
        return None  # an empty sheet
    title_row = rows[0]
    title_col = sheet.row_cells(title_row)[0]
    kind = spec.form_kind(sheet.text[(title_row, title_col)])
    if kind is None:
        text = sheet.text[(title_row, title_col)]
        problems.append(Problem(sheet.origin(title_row, title_col), f"工作表“{sheet.name}”的第一个内容“{text[:30]}”"
                                "不是三张表的表名，无法确定这是哪张表。", f"The first text of sheet '{sheet.name}', "
                                f"'{text[:30]}', is not the title of one of the three forms."))
        return None
    title = sheet.cell(title_row, title_col)
    unit_row, first = None, title_row + 1
    following = [row for row in rows if row > title_row]
    if following:
        texts = [sheet.text[(following[0], col)] for col in sheet.row_cells(following[0])]
        if spec.is_unit_row(" ".join(texts)):
            # several cells ("编制单位：…" … "单位：万元") are read as one row, separated by a space
            unit_row = Cell(" ".join(texts), sheet.origin(following[0], sheet.row_cells(following[0])[0]))
            first = following[0] + 1
    if kind in spec.TABLE_FILES:
        return read_table(sheet, kind, first, title, unit_row, problems)
    return read_label_form(sheet, first, title, unit_row)


def read_xlsx(path, source):
    try:
        with warnings.catch_warnings():  # openpyxl warns about Excel features it drops (data validation, …)
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, data_only=False)
    except Exception as error:  # a damaged or foreign zip file fails in many ways inside openpyxl
        raise ImportFailed([Problem(Origin(source), f"无法作为 Excel 工作簿（.xlsx）打开（{type(error).__name__}）。"
                                    "请在 Excel/WPS 中另存为 .xlsx，或提供文本版。", f"Cannot open it as an Excel workbook "
                                    f"(.xlsx) ({type(error).__name__}). Save it from Excel/WPS as .xlsx, or give the "
                                    "text rendering.")])
    problems, forms = [], []
    for worksheet in workbook.worksheets:
        sheet = Sheet(worksheet, source, problems)
        form = read_sheet(sheet, problems)
        if form is not None:
            forms.append(form)
    if problems:
        raise ImportFailed(problems)
    return Document(source, forms)
