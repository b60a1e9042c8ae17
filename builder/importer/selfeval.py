"""Recognise the 项目支出绩效自评表 (self-evaluation) in a grid of any medium: any number of projects per document.

As for the target table (standard.py), the grid's cells are read as one stream in reading order; each project starts
at a 项目名称 label, and its parts are found by their landmarks: the header fields (a value is the next cell), the
项目资金 block (unit in its label), 年度总体目标 (预期目标 | 实际完成情况), the 绩效指标 table and the 总分 row.
The 项目资金 block and the indicator table are read by their column headings, so the province's variant names
(调整后预算数, 预算执行数, 权重, 完成值, 未完成原因分析, 指标性质 + 指标值 + 度量单位) land in the agreed columns.
Each part is read from its rows in one of three ways (selfeval_rows.py): placed, ragged or one cell per line.
"""
from dataclasses import dataclass, field

from . import selfeval_spec as spec
from .document import ImportFailed, Origin, Problem
from .selfeval_rows import (align_texts, carried_down, mode_of, placed_headings, placed_rows, ragged_rows, text,
                             misplaced, unknown_headings)
from .standard import check_amount, find, stream, unit_line
from .standard_spec import TITLE as TARGETS_TITLE, YEAR_IN_TITLE, YEAR_LINE


@dataclass
class Evaluation:
    fields: dict = field(default_factory=dict)  # self_evaluations.csv column -> text
    amounts: list = field(default_factory=list)  # [资金项目, 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分]
    indicators: list = field(default_factory=list)  # {self_evaluation_indicators.csv column: text}
    origin: Origin = None
    year: str = ""


def is_self_evaluation(blocks):
    """The first cell that makes the document a self-evaluation (its title, or a result heading), or None."""
    keys = [(spec.key(cell.text), cell) for block in blocks for row in block.rows for cell in row]
    result = next((c for k, c in keys if spec.column_of(spec.RESULT_HEADINGS, k)), None)
    if result is not None or any(TARGETS_TITLE.search(k) and len(k) <= 40 for k, _ in keys):
        return result  # a target table's page may link to the self-evaluation by its title
    return next((c for k, c in keys if spec.TITLE.search(k) and len(k) <= 40), None)


def recognise(blocks, source):
    """[Evaluation]; ImportFailed naming what is missing or wrong."""
    tokens = stream(blocks)
    starts = [i for i, t in enumerate(tokens) if t.key == spec.PROJECT_START]
    problems, evaluations = [], []
    if not starts:  # e.g. a department-wide 部门整体支出绩效自评表, or a page cut short
        seen = is_self_evaluation(blocks)
        problems.append(Problem(seen.origin if seen else Origin(source), f"读到“{seen.text if seen else ''}”，但没有找到"
                                f"“项目名称”。只能导入{spec.LAYOUT}（每个项目一张表，有项目名称、项目资金、绩效指标）；"
                                "请检查文件是否完整。", f"Found '{seen.text if seen else ''}' but no 项目名称. Only the "
                                f"{spec.LAYOUT} ({spec.LAYOUT_EN}: one table per project, with 项目名称, 项目资金 and "
                                "绩效指标) can be imported; check that the document is complete."))
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(tokens)
        before = starts[n - 1] + 1 if n else 0
        evaluation = read_evaluation(blocks, tokens, before, start, end, problems)
        if evaluation:
            evaluations.append(evaluation)
    if problems:
        raise ImportFailed(problems)
    return evaluations


def year_of(tokens, start, before):
    """The year line under the title (（2031年度）), else a title naming the year, looking back from the project."""
    for i in range(start - 1, before - 1, -1):
        match = YEAR_LINE.match(tokens[i].key)
        if match:
            return match[1]
    for i in range(start - 1, -1, -1):
        if spec.TITLE.search(tokens[i].key) and YEAR_IN_TITLE.search(tokens[i].key):
            return YEAR_IN_TITLE.search(tokens[i].key)[1]
    return ""


def read_evaluation(blocks, tokens, before, start, end, problems):
    evaluation = Evaluation(origin=tokens[start].origin, year=year_of(tokens, start, before))
    funding_at = find(tokens, start, end, lambda k: k.startswith("项目资金"))
    indicators_at = find(tokens, start, end, lambda k: k in (spec.INDICATORS, spec.TOP_HEADER))
    missing = [name for name, at in (("项目资金", funding_at), ("绩效指标", indicators_at)) if at is None]
    if missing:
        problems.append(Problem(tokens[start].origin, f"找到“项目名称”，没有找到“{'”“'.join(missing)}”。这一段不像完整的"
                                f"{spec.LAYOUT}：请检查文件是否完整（网页是否复制全了）。", f"Found 项目名称 but not "
                                f"{', '.join(missing)}. This part is not a whole {spec.LAYOUT} ({spec.LAYOUT_EN}): "
                                "check that the document (or the copy of the page) is complete."))
        return None
    targets_at = find(tokens, funding_at, indicators_at, lambda k: k in spec.TARGETS)
    if targets_at is None:  # a label cut by a PDF's page break (年度总体目|标): the part starts before its headings
        heading = find(tokens, funding_at, indicators_at, lambda k: k in spec.EXPECTED or k in spec.ACHIEVED)
        targets_at = heading - 1 if heading is not None else None
    read = set()
    for i in range(start, funding_at):
        column = spec.FIELDS.get(tokens[i].key)
        if column and column not in evaluation.fields and i + 1 < funding_at:
            evaluation.fields[column] = tokens[i + 1].text
            read |= {i, i + 1}
    # a header label with a typo (主官部门) would lose the label's cell beside it without a word
    unknown = [tokens[i] for i in range(start, funding_at) if i not in read and tokens[i].key]
    lacking = [name for name in ("主管部门", "实施单位") if name not in evaluation.fields]
    if unknown and lacking:
        problems.append(Problem(unknown[0].origin, f"表头没有“{'”“'.join(lacking)}”，却有不认识的“{unknown[0].text}”："
                                "栏目名可能写错了。请按原件核对。", f"The header has no {', '.join(lacking)} but an unknown "
                                f"'{unknown[0].text}': a label may be misspelt. Check it against the document."))
    unit = funding_unit(tokens[funding_at].key) or unit_line(tokens, before, start)
    if unit is None:
        problems.append(Problem(tokens[funding_at].origin, "项目资金没有写单位：标签应为“项目资金（万元）”或“项目资金（元）”，"
                                "或表上方有“单位：万元”一行。请按原件补上。", "项目资金 states no unit: the label should "
                                "read 项目资金（万元） or 项目资金（元）, or a line 单位：万元 be above the table."))
        return None
    evaluation.fields["资金单位"] = unit
    read_amounts(blocks, tokens, funding_at, targets_at or indicators_at, unit, evaluation, problems)
    if targets_at is not None:
        read_targets(blocks, tokens, targets_at, indicators_at, evaluation)
    read_indicators(blocks, tokens, indicators_at, end, evaluation, problems)
    return evaluation


def funding_unit(label):
    """万元 or 元 from 项目资金（万元） / 项目资金(元) / 项目资金（单位：元）; None when the label states none."""
    rest = label.removeprefix("项目资金").strip("()").removeprefix("单位:")
    return rest if rest in ("万元", "元") else None


# ---------------------------------------------------------------------------
# 项目资金
# ---------------------------------------------------------------------------


def read_amounts(blocks, tokens, at, end, unit, evaluation, problems):
    """Each row of the 项目资金 block: its label and a value per heading, in the agreed columns."""
    mode = mode_of(blocks, tokens[at])
    if mode == "placed":
        rows = placed_rows(blocks, tokens, at, end)
        heading_row = next((n for n, (_, _, row) in enumerate(rows)
                            if sum(bool(spec.column_of(spec.AMOUNT_HEADINGS, text(c))) for c in row) >= 2), None)
        if heading_row is None:
            return no_headings(tokens[at], problems)
        headings = placed_headings(rows[heading_row][2], spec.AMOUNT_HEADINGS)
        unknown_headings("项目资金", [c for c in rows[heading_row][2][min(headings):] if c is not None], problems)
        funding_cell = tokens[at].cell
        body = []
        for b, r, row in rows[heading_row + 1:]:
            left = [c for c in row[:min(headings)] if c is not None and c is not funding_cell and c.text.strip()]
            label = left[-1] if left else None
            # a value merged down over the rows (分值 10 beside all four) is the value of the row it starts in only
            starting = {id(c) for c in blocks[b].rows[r]}
            values = {column: row[col] if col < len(row) and id(row[col]) in starting else None
                      for col, column in headings.items()}
            body.append((label, values))
    else:
        body = ragged_amounts(tokens, at, end, mode, problems)
        if body is None:
            return no_headings(tokens[at], problems)
    order = 0
    for label, values in body:
        if label is None and not any(text(c).strip() for c in values.values()):
            continue  # an empty row
        if label is None:
            first = next(c for c in values.values() if c is not None and c.text.strip())
            problems.append(Problem(first.origin, f"项目资金中的“{first.text}”前面没有写它是哪一项。",
                                    f"The value '{first.text}' in 项目资金 has no label before it."))
            continue
        for column in spec.MONEY:
            if values.get(column) is not None:
                check_amount(AmountCell(values[column]), unit, problems)
                misplaced(values[column], column, problems)
        order += 1
        evaluation.amounts.append([str(order), label.text] + [text(values.get(column)) for column in
                                                              spec.COLUMNS["self_evaluation_amounts.csv"][5:]])


class AmountCell:
    """A cell as standard.check_amount sees an amount."""

    def __init__(self, cell):
        self.text, self.key, self.origin = cell.text, spec.key(cell.text), cell.origin


def no_headings(token, problems):
    problems.append(Problem(token.origin, "项目资金下面没有找到“年初预算数”“全年预算数”“全年执行数”等列名。",
                            "No column headings (年初预算数, 全年预算数, 全年执行数 …) were found in 项目资金."))


def ragged_amounts(tokens, at, end, mode, problems):
    """[(label cell, {column: cell})] of a text copy: headings in order, then each row a label and a value per
    heading (a line per row, or — one cell per line — as many cells as that)."""
    part = tokens[at + 1:end]
    last = max((n for n, t in enumerate(part) if spec.column_of(spec.AMOUNT_HEADINGS, t.key)), default=None)
    if last is None:
        return None
    first = next(n for n, t in enumerate(part) if spec.column_of(spec.AMOUNT_HEADINGS, t.key))
    unknown_headings("项目资金", part[first:last + 1], problems)
    headings = [spec.column_of(spec.AMOUNT_HEADINGS, t.key) for t in part[:last + 1]]
    headings = [column for column in headings if column]
    width = 1 + len(headings)
    rest = part[last + 1:]
    if mode == "lines":
        rows = [rest[i:i + width] for i in range(0, len(rest), width)]
    else:
        rows = ragged_rows(rest, 0, len(rest))
    body = []
    for row in rows:
        while len(row) > width and not row[0].key:
            row = row[1:]  # the empty cell under a merged 项目资金 label
        cells = [t.cell for t in row]
        if len(cells) > width and any(c.text.strip() for c in cells[width:]):
            extra = next(c for c in cells[width:] if c.text.strip())
            problems.append(Problem(extra.origin, f"项目资金这一行的格数比列名多：“{extra.text}”没有对应的列。",
                                    f"This row of 项目资金 has more cells than headings: '{extra.text}' has no column."))
            continue
        label = cells[0] if cells and cells[0].text.strip() else None
        values = {column: cells[n + 1] if n + 1 < len(cells) else None for n, column in enumerate(headings)}
        body.append((label, values))
    return body


# ---------------------------------------------------------------------------
# 年度总体目标: 预期目标 | 实际完成情况
# ---------------------------------------------------------------------------


def read_targets(blocks, tokens, at, end, evaluation):
    part = tokens[at + 1:end]
    headings = [t for t in part if t.key in spec.EXPECTED or t.key in spec.ACHIEVED]
    columns = [("预期目标" if t.key in spec.EXPECTED else "实际完成情况") for t in headings] or ["预期目标", "实际完成情况"]
    if mode_of(blocks, tokens[at]) == "placed" and headings:
        side_by_side = len({(h.block, h.row) for h in headings}) == 1  # else one under the other, texts beside them
        for heading, column in zip(headings, columns):
            evaluation.fields[column] = (below if side_by_side else beside)(blocks, heading)
        return
    texts = part[part.index(headings[-1]) + 1:] if headings else part
    while len(texts) > len(columns) and not texts[0].key:
        texts = texts[1:]
    for n, column in enumerate(columns):
        evaluation.fields[column] = texts[n].text if n < len(texts) else ""


def below(blocks, heading):
    """The text of the cell under a placed heading (the next row, same column)."""
    matrix = blocks[heading.block].matrix()
    r = heading.row + heading.cell.rowspan
    return text(matrix[r][heading.cell.col]) if r < len(matrix) else ""


def beside(blocks, heading):
    """The text of the cell right of a placed heading."""
    row = blocks[heading.block].matrix()[heading.row]
    return text(next((c for c in row[heading.cell.col + heading.cell.colspan:] if c is not None), None))


# ---------------------------------------------------------------------------
# 绩效指标 and 总分
# ---------------------------------------------------------------------------


def ends_form(texts):
    """The row is past the indicators: the 总分 row, the next project, or the page's own text after the form."""
    filled = [spec.key(t) for t in texts if t.strip()]
    if not filled:
        return False
    if filled[0] in spec.TOTAL or spec.PROJECT_START in filled:
        return True
    return len(filled) == 1 and (any(word in filled[0] for word in spec.END_OF_FORM) or bool(YEAR_LINE.match(filled[0]))
                                 or bool(spec.TITLE.search(filled[0])))


def read_indicators(blocks, tokens, at, end, evaluation, problems):
    mode = mode_of(blocks, tokens[at])
    if mode == "placed":
        cells = [row for _, _, row in placed_rows(blocks, tokens, at, end)]
        header_at = next((n for n, row in enumerate(cells) if any(spec.key(text(c)) == "三级指标" for c in row)), None)
    else:
        found = ragged_header(tokens, at, end, mode)
        header_at = None if found is None else 0
    if header_at is None:
        problems.append(Problem(tokens[at].origin, "找到“绩效指标”，没有找到“三级指标”表头。",
                                "Found 绩效指标 but no 三级指标 column header."))
        return
    if mode == "placed":
        unknown_headings("绩效指标", [c for c in cells[header_at] if c is not None], problems)
        columns = placed_headings(cells[header_at], spec.INDICATOR_HEADINGS)
        body = carried_down(cells[header_at + 1:], columns)
    else:
        header, body, header_tokens = found
        unknown_headings("绩效指标", header_tokens, problems)
        columns = {n: spec.column_of(spec.INDICATOR_HEADINGS, t) for n, t in enumerate(header)}
        columns = {n: c for n, c in columns.items() if c}
        cut = next((n for n, row in enumerate(body) if ends_form(row)), len(body))
        body = align_texts(body[:cut], len(header))  # the end is found before cells are carried down
    order = 0
    for row in body:
        if ends_form(row):
            break
        values = {column: row[n] if n < len(row) else "" for n, column in columns.items()}
        third = spec.key(values.get("三级指标", ""))
        stated = [values.get(c, "").strip() for c in spec.VALUES if c != "三级指标"]
        if not any(stated) and (not third or spec.TEMPLATE.match(third)):
            continue  # a wholly blank row, or a template row with no name and no value
        order += 1
        evaluation.indicators.append(dict(values, 顺序=str(order)))
    if not evaluation.indicators:
        problems.append(Problem(tokens[at].origin, "绩效指标表中没有指标行。", "The 绩效指标 table has no indicator rows."))
    read_total(blocks, tokens, at, end, mode, columns, evaluation, problems)


def ragged_header(tokens, at, end, mode):
    """(headings from 一级指标 on, body rows as texts, the heading tokens) of a text copy, or None without a
    三级指标 heading. A line per row: the line with 三级指标 and the lines after it. One cell per line: the headings
    are the run of heading cells; the rows are cut from the cells after them (cut_lines)."""
    part = tokens[at:end]
    if not any(t.key == "三级指标" for t in part):
        return None
    if mode == "ragged":
        token_rows = ragged_rows(tokens, at, end)
        rows = [[t.text for t in row] for row in token_rows]
        header_at = next(n for n, row in enumerate(rows) if any(spec.key(t) == "三级指标" for t in row))
        header = rows[header_at]
        tops = [n for n, t in enumerate(header) if spec.key(t) == spec.TOP_HEADER]
        return (header[tops[0]:] if tops else [""] + header), rows[header_at + 1:], token_rows[header_at]
    last = max(n for n, t in enumerate(part) if spec.column_of(spec.INDICATOR_HEADINGS, t.key))
    first = next(n for n, t in enumerate(part) if spec.column_of(spec.INDICATOR_HEADINGS, t.key))
    header = [t.text for t in part[:last + 1] if spec.column_of(spec.INDICATOR_HEADINGS, t.key)]
    if spec.key(header[0]) != spec.TOP_HEADER:
        header = [""] + header
    return header, cut_lines(part[last + 1:], len(header)), part[first:last + 1]


def cut_lines(cells, width):
    """One cell per line: a row is its 一级 and 二级 names (two names), its 二级 name (one) or neither, then the
    三级 name and the values; its length follows from that."""
    rows, i = [], 0
    while i < len(cells):
        if ends_form([cells[i].text]):
            break
        names = 0
        while names < 2 and i + names < len(cells) and spec.LEVEL_NAME.match(cells[i + names].key):
            names += 1
        take = width - 2 + names
        rows.append([t.text for t in cells[i:i + take]])
        i += take
    return rows


def read_total(blocks, tokens, at, end, mode, columns, evaluation, problems):
    """总分 row: the printed total points, the total score and the grade (a 评价等级 label before it is passed).
    Every form ends its indicators with it: without it the copy was cut short (a blank score would read 未填报)."""
    total_at = find(tokens, at, end, lambda k: k in spec.TOTAL)
    evaluation.fields.setdefault("总分", "")
    if total_at is None:
        problems.append(Problem(tokens[at].origin, "绩效指标后面没有找到“总分”行：表格在这里断了，文件可能不完整（网页是否复制全了）。"
                                "请按原件补全后再导入。", "No 总分 row after the indicators: the table stops here, so the "
                                "document (or the copy of the page) may be incomplete. Complete it from the original."))
        return
    total = tokens[total_at]
    if mode == "placed":
        row = blocks[total.block].matrix()[total.row]
        by_column = {column: text(row[col]) for col, column in columns.items() if col < len(row)
                     and row[col] is not total.cell}
        # a PDF row whose ruling the reader could not see gives its cells one column each, left to right: read them
        # in order (below) when the 分值 and 得分 columns are empty and the row has text
        if "分值" in by_column and "得分" in by_column and (by_column["分值"].strip() or by_column["得分"].strip()):
            last = max(col for col, column in columns.items() if column == "得分")
            after = []
            for cell in row[last + 1:]:
                if cell is not None and cell is not row[last] and (not after or cell is not after[-1]):
                    after.append(cell)
            grade = [c.text for c in after if c.text.strip() and spec.key(c.text) not in spec.GRADE_LABELS]
            evaluation.fields.update(总分=by_column["分值"], 得分=by_column["得分"], 评价等级=grade[0] if grade else "")
            return read_grade(tokens, total_at, end, evaluation)
        values = [c.text for c in blocks[total.block].rows[total.row] if c is not total.cell]
    elif mode == "ragged":
        values = [t.text for t in ragged_rows(tokens, total_at, end)[0][1:]]
    else:
        values = []
        for t in tokens[total_at + 1:min(end, total_at + 5)]:
            if t.key and ends_form([t.text]) or any(word in t.key for word in spec.END_OF_FORM):
                break
            values.append(t.text)
    while values and not values[0].strip():
        values = values[1:]
    values = [v for v in values if spec.key(v) not in spec.GRADE_LABELS]
    for column, value in zip(("总分", "得分", "评价等级"), values):
        evaluation.fields[column] = value
    read_grade(tokens, total_at, end, evaluation)


def read_grade(tokens, total_at, end, evaluation):
    """A grade on a line of its own after the 总分 row (自评等级 | 优), or in one cell with its label (评价等级：优)."""
    label, colon, grade = spec.key(evaluation.fields.get("评价等级", "")).partition(":")
    if colon and label in spec.GRADE_LABELS:
        evaluation.fields["评价等级"] = grade
    if evaluation.fields.get("评价等级", "").strip():
        return
    for i in range(total_at + 1, end):
        label, _, grade = tokens[i].key.partition(":")
        if label in spec.GRADE_LABELS:
            following = tokens[i + 1].text if i + 1 < end else ""
            evaluation.fields["评价等级"] = grade or following
            return
