"""The rows of a part of a self-evaluation, in the three ways a medium gives them.

- placed (a workbook, Word, a web page, a PDF): every cell's column is known and a merged cell covers every row it
  spans, so a merged 一级 or 二级 cell labels each row it covers;
- ragged (a text copy with a line per row): a merged cell is left out of the lines below it, so rows are aligned
  from the right (a copy keeps a row's empty cells after its last value) with the cells above carried down;
- one cell per line ("lines"): rows are cut by the number of columns the headings give (selfeval.cut_lines).

Whatever the way, a heading the importer does not know stops the import (unknown_headings).
"""
from budgetlib.amounts import NOT_APPLICABLE
from budgetlib.results import is_template
from . import selfeval_spec as spec
from .document import Problem
from .selfeval_spec import column_of


def mode_of(blocks, token):
    block = blocks[token.block]
    if not block.ragged:
        return "placed"
    return "lines" if all(len(row) <= 1 for row in block.rows) else "ragged"


def placed_rows(blocks, tokens, at, end):
    """[(block, row index, [GridCell or None] by column)] of the rows from tokens[at]'s row to tokens[end - 1]'s."""
    first, last = tokens[at], tokens[end - 1]
    out = []
    for b in range(first.block, last.block + 1):
        block = blocks[b]
        if not block.table:
            continue
        matrix = block.matrix()
        low = first.row if b == first.block else 0
        high = last.row if b == last.block else len(block.rows) - 1
        out += [(b, r, matrix[r]) for r in range(low, high + 1)]
    return out


def ragged_rows(tokens, at, end):
    """The tokens of tokens[at:end] grouped by the line they are on."""
    rows = {}
    for token in tokens[at:end]:
        rows.setdefault((token.block, token.row), []).append(token)
    return list(rows.values())


def text(cell):
    return cell.text if cell is not None else ""


def placed_headings(row, names):
    """{column index: agreed column} of a placed heading row: each heading once (a merged heading at its first
    column), the first of two headings naming the same column."""
    found, seen = {}, set()
    for col, cell in enumerate(row):
        column = column_of(names, text(cell))
        if column and id(cell) not in seen and column not in found.values():
            found[col] = column
            seen.add(id(cell))
    return found


def align_texts(rows, width):
    """Rows of a text copy placed on `width` columns: each read from the right (a copy keeps a row's empty cells
    after its last value), with the cells its line left out — merged from above — carried down from the row above."""
    out, above = [], [""] * width
    for row in rows:
        while len(row) > width and not row[0].strip():
            row = row[1:]  # the empty cells under a merged 绩效指标 column
        while len(row) > width and not row[-1].strip():
            row = row[:-1]
        placed = above[:width - len(row)] + row[-width:]
        out.append(placed)
        above = placed
    return out


def carried_down(rows, columns):
    """The texts of placed indicator rows ({column index: agreed column} from placed_headings). On a row that names
    its 三级, a blank 一级 cell takes the 一级 above (a merged cell that a PDF's page break cut goes on blank on the
    next page; some forms leave the cell blank rather than merge it), and so does a blank 二级 cell merged over
    several rows (such a continuation: nobody merges blank cells on purpose)."""
    at = {column: n for n, column in columns.items()}
    top, second, third = at.get("一级指标"), at.get("二级指标"), at.get("三级指标")
    out, above = [], {}
    for row in rows:
        texts = [text(c) for c in row]
        names = third is not None and third < len(texts) and texts[third].strip()
        for col in (top, second):
            if col is None or col >= len(texts):
                continue
            if names and not texts[col].strip() and (col == top or row[col] is not None and row[col].rowspan > 1):
                texts[col] = above.get(col, "")
            above[col] = texts[col]
        out.append(texts)
    return out


KNOWN = {  # part -> (its agreed headings, the usual ones named in the message)
    "绩效指标": (spec.INDICATOR_HEADINGS, "一级指标、二级指标、三级指标、年度指标值、实际完成值、分值、得分、偏差原因分析及改进措施"),
    "项目资金": (spec.AMOUNT_HEADINGS, "年初预算数、全年预算数、全年执行数、分值、执行率、得分"),
}


def unknown_headings(part, heading_cells, problems):
    """A column heading of the 项目资金 block or the indicator table that names no agreed column (a typo such as
    实际完成直) would lose its whole column without a word: stop and name it. The part's own label (绩效指标) beside
    the headings is not a heading."""
    names, usual = KNOWN[part]
    seen = set()
    for cell in heading_cells:
        label = spec.key(cell.text)
        if id(cell) in seen:
            continue  # a merged heading, met once per column it spans
        seen.add(id(cell))
        if label and label != spec.INDICATORS and not spec.column_of(names, cell.text):
            problems.append(Problem(cell.origin, f"{part}的列名“{cell.text}”不认识，这一列会丢失。"
                                    f"请按原件核对列名（应为{usual}等）。",
                                    f"The {part} column heading '{cell.text}' is not one the importer knows, so the "
                                    "column would be lost. Check it against the document "
                                    f"({usual.replace('、', ', ')} …)."))


def misplaced(cell, column, problems):
    """An amount cell holding words without a digit (其他资金 under 全年执行数) means the row's cells slid: a copy
    with one cell per line that lost its empty cells. Stop rather than write them under the wrong headings."""
    key = spec.key(cell.text)
    if key and not any(ch.isdigit() for ch in key) and key not in NOT_APPLICABLE and not is_template(cell.text):
        problems.append(Problem(cell.origin, f"项目资金“{column}”一栏是“{cell.text}”，不是金额：这一行的格子可能错位了"
                                "（每格一行的复制件丢了空格子？）。请按原件核对。", f"The 项目资金 cell under {column} reads "
                                f"'{cell.text}', not an amount: the row's cells may have slid (a copy with one cell "
                                "per line that lost its empty cells?). Check it against the document."))
