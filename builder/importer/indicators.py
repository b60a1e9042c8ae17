"""The 绩效指标 part of a standard target table, read by columns.

The header row with 三级指标 names the columns of each half (中期/长期 and 年度, or the annual half alone), and each
row below gives one indicator per half that states something. A merged 一级 (or 二级) cell labels every row it
covers; a text copy, which leaves a merged cell out of the lines below it, is aligned from the right with the
cells above carried down; a copy with one cell per line is cut into rows first.
"""
from . import standard_spec as spec
from .document import Problem


def section_rows(blocks, tokens, at, end):
    """The rows of the 绩效指标 part: [[GridCell or None]] by column (placed), or ragged rows of cells."""
    first, last = tokens[at], tokens[end - 1]
    block = blocks[first.block]
    stop = last.row + 1 if last.block == first.block else len(block.rows)
    if block.ragged:
        if all(len(row) <= 1 for row in block.rows):
            return None, True  # one cell per line: rows are rebuilt from the cells (lines_to_rows)
        return block.rows[first.row:stop], True
    return block.matrix()[first.row:stop], False


def read_indicators(blocks, tokens, at, end, project, problems):
    rows, ragged = section_rows(blocks, tokens, at, end)
    if rows is None:
        rows = lines_to_rows(tokens[at:end])
    leaf_index = next((n for n, row in enumerate(rows) if any(c and spec.key(c.text) in spec.THIRD_HEADERS for c in row)),
                      None)
    if leaf_index is None:
        problems.append(Problem(tokens[at].origin, "找到“绩效指标”，没有找到“三级指标”表头。", "Found 绩效指标 but no "
                                "三级指标 column header."))
        return
    leaf = rows[leaf_index]
    if ragged:  # the 一级 column first, whether the header row names it or not
        tops = [n for n, c in enumerate(leaf) if spec.key(c.text) == spec.TOP_HEADER]
        leaf, top_col = (leaf[tops[0]:] if tops else [None] + leaf), 0
    else:
        top_col = next((n for n in range(len(leaf)) if any(r[n] and spec.key(r[n].text) == spec.TOP_HEADER
                                                           for r in rows[:leaf_index + 1])), None)
    halves = []
    for n, cell in enumerate(leaf):
        column = spec.LEAVES.get(spec.key(cell.text)) if cell is not None and n != top_col else None
        if column == "二级指标" or column and not halves:
            halves.append({})
        if column and column not in halves[-1]:
            halves[-1][column] = n
    if not halves:
        problems.append(Problem(tokens[at].origin, "找到“绩效指标”，但表头中没有“二级指标”“三级指标”“指标值”等列。",
                                "Found 绩效指标 but its header names none of the columns 二级指标, 三级指标, 指标值."))
        return
    body = rows[leaf_index + 1:]
    if ragged:
        cut = next((n for n, row in enumerate(body) if ends_form([c.text for c in row], True)), len(body))
        body = align(body[:cut], len(leaf), len(halves), problems)  # the end is found before cells are carried down
    names = [spec.HALVES[t.key] for t in tokens[at:end] if t.key in spec.HALVES][:len(halves)]
    if len(names) != len(halves):
        names = ["中期", "年度"][-len(halves):] if len(halves) <= 2 else [f"第{n}组" for n in range(1, len(halves) + 1)]
    order, top = {}, ""
    for row in body:
        texts = [c.text if c is not None else "" for c in row]
        if not ragged and ends_form(distinct_texts(row), False):
            break
        if top_col is not None and top_col < len(texts) and texts[top_col].strip():
            top = texts[top_col]
        for name, half in zip(names, halves):
            values = {column: texts[n] if n < len(texts) else "" for column, n in half.items()}
            third = values.get("三级指标", "")
            stated = [v for c, v in values.items() if c not in ("二级指标",) and v.strip()]
            if not stated or (spec.TEMPLATE.match(spec.key(third)) and not values.get("指标值", "").strip()):
                continue  # a wholly blank half, or a template row left in
            order[name] = order.get(name, 0) + 1
            project.indicators.append((name, order[name], top, values.get("二级指标", ""), third,
                                       values.get("指标性质", ""), values.get("指标值", ""), values.get("度量单位", ""),
                                       values.get("分值", "")))


def distinct_texts(row):
    """The texts of a placed row's cells, each merged cell once: the next project's title merged across the sheet
    (all projects on one sheet) is one cell, not a row of eight indicator cells."""
    seen = {}
    for cell in row:
        if cell is not None:
            seen.setdefault(id(cell), cell.text)
    return list(seen.values())


def ends_form(texts, ragged):
    """The row is past the form: the next project, the 总分 row, or (a line of a text copy holding one cell at its
    start) the page's own text. A template row (指标2：) or a row of one value after empty cells is not."""
    filled = [spec.key(t) for t in texts if t.strip()]
    if any(spec.starts_project(k) or k == "总分" for k in filled):
        return True
    if len(filled) != 1:
        return False
    only = filled[0]
    return (any(word in only for word in spec.END_OF_FORM) or bool(spec.TITLE.search(only))
            or bool(spec.YEAR_LINE.match(only))
            or ragged and bool(texts[0].strip()) and only not in spec.TOP_LEVEL_NAMES and not spec.TEMPLATE.match(only))


def align(rows, width, halves, problems):
    """Ragged rows placed on `width` columns (the 一级 column, then `halves` halves of equal width). A line leaves
    out the cells merged from above (the 一级, in a one-half form perhaps the 二级), which are carried down from the
    row above, and may end early, without its empty halves. Any other length cannot be placed: copying a page
    splits a cell with line breaks over several lines, and such a document is refused rather than read wrong."""
    half = (width - 1) // halves
    out, above = [], [None] * width
    for row in rows:
        cells = list(row)
        extra = len(cells) - width
        if extra > 0 and not any(c.text.strip() for c in cells[:extra]):
            cells = cells[extra:]  # the empty cells under a 绩效指标 column that the header row has
        elif extra > 0 and not any(c.text.strip() for c in cells[width:]):
            cells = cells[:width]  # empty cells after the last column
        placed = place(cells, width, halves, half, above)
        if placed is None:
            if not any(c.text.strip() for c in cells):
                continue
            problems.append(Problem(cells[0].origin, f"这一行有{len(cells)}个单元格，绩效指标的表头有{width}列，无法对齐："
                                    "复制网页时，单元格里的换行可能把一行拆成了几行。请用原件（Excel、Word、PDF 或网页）导入，"
                                    "或把拆开的行合回一行。", f"This line has {len(cells)} cells but the indicators' "
                                    f"header has {width} columns, so it cannot be placed: copying the page may have "
                                    "split a row at a cell's line breaks. Import the document itself (Excel, Word, PDF "
                                    "or the web page), or join the lines again."))
            return out
        out.append(placed)
        above = placed
    return out


def place(cells, width, halves, half, above):
    """The row on `width` columns, or None if its length fits no way a row is written (see align)."""
    count = len(cells)
    starts_top = bool(cells) and spec.key(cells[0].text) in spec.TOP_LEVEL_NAMES
    if count == width:
        return cells
    if count == width - 1 or halves == 1 and count == width - 2:  # the 一级 (and 二级) merged from above
        return above[:width - count] + cells
    if starts_top and (count - 1) % half == 0:  # a 一级 and whole halves, the empty halves left off the line
        return cells + [None] * (width - count)
    if not starts_top and count and count % half == 0:  # whole halves under the 一级 above, the rest left off
        return above[:1] + cells + [None] * (width - 1 - count)
    return None


def lines_to_rows(tokens):
    """One cell per line: the header up to 三级指标's half is taken as in a table, then rows are cut from the cells:
    a 一级 name followed by an empty cell or a 二级 name starts a row with its 一级."""
    header_end = max((i for i, t in enumerate(tokens) if t.key in spec.LEAVES or t.key in spec.HALVES
                      or t.key in (spec.INDICATORS, spec.TOP_HEADER)), default=0) + 1
    header = [t for t in tokens[:header_end] if t.key in spec.LEAVES or t.key == spec.TOP_HEADER]
    leaves = [t for t in header if t.key in spec.LEAVES]
    rows, i, body = [[t.cell for t in header]], 0, tokens[header_end:]
    while i < len(body):
        starts_top = body[i].key in spec.TOP_LEVEL_NAMES and (i + 1 < len(body) and
                                                             (not body[i + 1].key or "指标" in body[i + 1].key))
        take = len(leaves) + (1 if starts_top else 0)
        chunk = body[i:i + take]
        if len(chunk) < take or any(word in t.key for t in chunk for word in spec.END_OF_FORM) \
                or any(spec.TITLE.search(t.key) or spec.YEAR_LINE.match(t.key) for t in chunk):
            break
        rows.append([t.cell for t in chunk])
        i += take
    return rows
