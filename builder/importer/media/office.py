"""Workbooks into the grid: .xlsx (openpyxl) and old .xls (xlrd), one block per sheet, merged cells as spans.

A number reads as Excel shows it: the rule of xlsx.number_text (no float noise, percent formats, the decimals a
fixed format shows: `0.00` shows 972000.5 as 972000.50).
"""
import io
import warnings
import zipfile

from ..document import ImportFailed, Origin, Problem
from ..grid import Block, GridCell
from ..document import sheet_ref
from ..xlsx import cell_text, number_text
from . import refused


def zip_medium(raw, source):
    try:
        names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        names = set()
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names or not names:
        return "xlsx"  # an unreadable zip is refused by the workbook reader with its message
    raise refused(source, "这是一个压缩文件，但不是 Excel 工作簿（.xlsx）或 Word 文档（.docx）。请提供表格原件。",
                  "This is a zip file, but neither an Excel workbook (.xlsx) nor a Word document (.docx). Give the "
                  "document itself.")


def origin(source, sheet, row, col):
    from openpyxl.utils import get_column_letter
    return Origin(source, place=f"单元格 {sheet_ref(sheet, f'{get_column_letter(col + 1)}{row + 1}')}",
                  place_en=f"cell {sheet_ref(sheet, f'{get_column_letter(col + 1)}{row + 1}')}")


def sheet_block(name, texts, merges, source):
    """texts: {(row, col): text} 0-based; merges: [(top, left, bottom, right)] inclusive, 0-based."""
    spans, covered = {}, set()
    for top, left, bottom, right in merges:
        spans[(top, left)] = (bottom - top + 1, right - left + 1)
        covered |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)} - {(top, left)}
    used = [pos for pos, text in texts.items() if text.strip()] + list(spans)
    if not used:
        return None
    top, bottom = min(r for r, _ in used), max(r for r, _ in used)
    left = min(c for _, c in used)
    right = max(c + spans.get((r, c), (1, 1))[1] - 1 for r, c in used)
    rows = []
    for r in range(top, bottom + 1):
        row = []
        for c in range(left, right + 1):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            row.append(GridCell(texts.get((r, c), ""), origin(source, name, r, c), c - left, rowspan, colspan))
        rows.append(row)
    return Block(rows)


def read_xlsx_grid(path, source):
    import openpyxl
    from openpyxl.cell.cell import MergedCell
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, data_only=False)
    except Exception as error:  # a damaged zip fails in many ways inside openpyxl
        raise refused(source, f"无法作为 Excel 工作簿（.xlsx）或 Word 文档打开（{type(error).__name__}），文件可能不完整或已损坏。"
                      "请重新下载，或在 Excel/WPS 中另存为 .xlsx。", f"Cannot open it as an Excel workbook (.xlsx) or a "
                      f"Word document ({type(error).__name__}); the file may be truncated or damaged. Download it "
                      "again, or save it from Excel/WPS as .xlsx.")
    problems, blocks = [], []
    for sheet in workbook.worksheets:
        texts = {}
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell, MergedCell) or cell.value is None:
                    continue
                text, problem = cell_text(cell)
                if problem:
                    problems.append(Problem(origin(source, sheet.title, cell.row - 1, cell.column - 1), *problem))
                    continue
                texts[(cell.row - 1, cell.column - 1)] = text
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in sheet.merged_cells.ranges]
        block = sheet_block(sheet.title, texts, merges, source)
        if block:
            blocks.append(block)
    if problems:
        raise ImportFailed(problems)
    return blocks


def read_xls_grid(raw, source):
    import xlrd
    try:
        book = xlrd.open_workbook(file_contents=raw, formatting_info=True, on_demand=False,
                                  logfile=io.StringIO())
    except Exception as error:  # xlrd raises its own errors and struct/assertion errors on damaged files
        word = b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in raw
        if word:
            raise refused(source, "这是旧版 Word 文档（.doc），无法读取。请在 Word/WPS 中另存为 .docx。",
                          "This is an old Word document (.doc), which cannot be read. Save it from Word/WPS as .docx.")
        raise refused(source, f"这是旧版 Excel 文件（.xls），但无法读取（{type(error).__name__}），文件可能不完整或已损坏。"
                      "请重新下载，或在 Excel/WPS 中另存为 .xlsx。", f"This is an old Excel file (.xls) that cannot be "
                      f"read ({type(error).__name__}); it may be truncated or damaged. Download it again, or Save it "
                      "from Excel/WPS as .xlsx.")
    problems, blocks = [], []
    for sheet in book.sheets():
        texts = {}
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                if cell.ctype == xlrd.XL_CELL_TEXT:
                    texts[(r, c)] = cell.value
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
                    value = int(cell.value) if cell.value == int(cell.value) and abs(cell.value) < 1e15 else cell.value
                    text, problem = number_text(value, fmt)
                    if problem:
                        problems.append(Problem(origin(source, sheet.name, r, c), *problem))
                        continue
                    texts[(r, c)] = text
                else:
                    problems.append(Problem(origin(source, sheet.name, r, c), "单元格是日期、逻辑值或错误值。请改为表上的文字。",
                                            "The cell holds a date, TRUE/FALSE or an error. Enter the form's text."))
        merges = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
        block = sheet_block(sheet.name, texts, merges, source)
        if block:
            blocks.append(block)
    if problems:
        raise ImportFailed(problems)
    return blocks
