"""Word documents (.docx, python-docx) into the grid: the paragraphs between tables as text lines, each table a block
with its merged cells (gridSpan across, vMerge down) as spans. Origins: "表3 第4行第2格" / "table 3, row 4, cell 2"."""
from docx.table import _Cell

from ..document import Origin
from ..grid import Block, GridCell, text_block
from . import refused

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def cell_origin(source, table, row, cell):
    return Origin(source, place=f"表{table} 第{row}行第{cell}格", place_en=f"table {table}, row {row}, cell {cell}")


def table_block(table, number, source):
    rows, above = [], {}  # above: column -> the cell whose vertical merge may continue there
    for r, tr in enumerate(table._tbl.tr_lst):
        row, col = [], tr.grid_before
        for index, tc in enumerate(tr.tc_lst, 1):
            span = tc.grid_span
            if tc.vMerge == "continue" and col in above:
                above[col].rowspan += 1  # the cell above reaches down over this row
                col += span
                continue
            cell = GridCell(_Cell(tc, table).text, cell_origin(source, number, r + 1, index), col, 1, span)
            row.append(cell)
            for c in range(col, col + span):
                above.pop(c, None)
            above[col] = cell
            col += span
        rows.append(row)
    return Block(rows)


def body_parts(element):
    """The paragraphs and tables of the body in order, also those inside content controls (w:sdt), which forms
    made from templates often wrap around a table."""
    for child in element.iterchildren():
        if child.tag == W + "sdt":
            for content in child.iterchildren(W + "sdtContent"):
                yield from body_parts(content)
        else:
            yield child


def read_docx_grid(path, source):
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    try:
        document = docx.Document(path)
    except Exception as error:  # a damaged or foreign zip fails in many ways inside python-docx
        raise refused(source, f"无法作为 Word 文档（.docx）打开（{type(error).__name__}），文件可能不完整或已损坏。请重新下载，"
                      "或在 Word/WPS 中另存为 .docx。", f"Cannot open it as a Word document (.docx) "
                      f"({type(error).__name__}); it may be truncated or damaged. Download it again, or save it from "
                      "Word/WPS as .docx.")
    blocks, lines, tables, paragraphs = [], [], 0, 0
    for child in body_parts(document.element.body):
        if child.tag == W + "p":
            paragraphs += 1
            text = Paragraph(child, document).text
            if text.strip():
                lines.append(GridCell(text, Origin(source, place=f"第{paragraphs}段", place_en=f"paragraph {paragraphs}")))
        elif child.tag == W + "tbl":
            if lines:
                blocks.append(text_block(lines))
                lines = []
            tables += 1
            blocks.append(table_block(Table(child, document), tables, source))
    if lines:
        blocks.append(text_block(lines))
    return blocks
