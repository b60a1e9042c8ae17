"""Recognise the standard target table (项目支出绩效目标申报表) in a grid: any number of projects per document.

The grid's cells are read as one stream in reading order. Each project starts at a 项目名称 label; its header
fields, 项目资金 block and 总体目标 are found by their labels (a value is the next cell, so a text copy with one
cell per line reads like a table). The 绩效指标 part is read by indicators.py.
"""
from dataclasses import dataclass, field

from . import standard_spec as spec
from .document import ImportFailed, Origin, Problem
from .indicators import read_indicators


@dataclass
class Token:
    text: str
    key: str
    origin: Origin
    block: int
    row: int  # index of the row within its block
    cell: object  # the GridCell
    ragged: bool = False  # from a text copy: no column positions


@dataclass
class Project:
    fields: dict = field(default_factory=dict)  # projects.csv column -> text
    funding: list = field(default_factory=list)  # (期别, 资金项目, 金额)
    indicators: list = field(default_factory=list)  # (期别, 一级, 二级, 三级, 性质, 值, 单位, 分值)
    origin: Origin = None
    year: str = ""


def stream(blocks):
    return [Token(cell.text, spec.key(cell.text), cell.origin, b, r, cell, block.ragged)
            for b, block in enumerate(blocks) for r, row in enumerate(block.rows) for cell in row]


def find(tokens, start, end, test):
    return next((i for i in range(start, end) if test(tokens[i].key)), None)


def recognise(blocks, source):
    """[Project]; ImportFailed naming what is missing or wrong."""
    tokens = stream(blocks)
    starts = [i for i, t in enumerate(tokens) if spec.starts_project(t.key)]
    problems, projects = [], []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(tokens)
        before = starts[n - 1] + 1 if n else 0
        project = read_project(blocks, tokens, before, start, end, source, problems)
        if project:
            projects.append(project)
    if problems:
        raise ImportFailed(problems)
    return projects


def year_of(tokens, start, before, problems):
    """The year line under the title (（2031年度）), else a title naming the year, looking back from the project. A
    title just above the year line naming another year (a clerk's slip) is refused: which one is right cannot be
    told from the document."""
    for i in range(start - 1, max(before, start - 40) - 1, -1):
        match = spec.YEAR_LINE.match(tokens[i].key)
        if match:
            title = title_year(tokens, i - 1, max(before, start - 40))
            if title and title[1] != match[1]:
                problems.append(Problem(tokens[i].origin, f"年度不一致：标题“{title[0].text}”写的是{title[1]}年，"
                                        f"标题下一行“{tokens[i].text}”写的是{match[1]}年。请对照原件改正其中一处。",
                                        f"The years disagree: the title '{title[0].text}' says {title[1]}, the line "
                                        f"under it '{tokens[i].text}' says {match[1]}. Correct one of them."))
            return match[1]
    found = title_year(tokens, start - 1, 0)
    return found[1] if found else ""


def title_year(tokens, last, first):
    """(token, year) of the nearest title naming a year, looking back from tokens[last] to tokens[first]."""
    for i in range(last, first - 1, -1):
        if spec.TITLE.search(tokens[i].key) and spec.YEAR_IN_TITLE.search(tokens[i].key):
            return tokens[i], spec.YEAR_IN_TITLE.search(tokens[i].key)[1]
    return None


def read_project(blocks, tokens, before, start, end, source, problems):
    project = Project(origin=tokens[start].origin, year=year_of(tokens, start, before, problems))
    funding_at = find(tokens, start, end, spec.FUNDING.match)
    targets_at = find(tokens, start, end, lambda k: k in spec.TARGETS)
    indicators_at = find(tokens, start, end, lambda k: k in (spec.INDICATORS, spec.TOP_HEADER) or k in spec.THIRD_HEADERS)
    landmarks = [("项目资金（万元）或（元）", funding_at), ("总体目标", targets_at), ("绩效指标", indicators_at)]
    missing = [name for name, at in landmarks if at is None]
    if missing:
        problems.append(Problem(tokens[start].origin, f"找到“项目名称”，没有找到“{'”“'.join(missing)}”。这一段不像完整的"
                                f"{spec.LAYOUT}：请检查文件是否完整（网页是否复制全了）。", f"Found 项目名称 but not "
                                f"{', '.join(missing)}. This part is not a whole {spec.LAYOUT} (standard target table): "
                                "check that the document (or the copy of the page) is complete."))
        return None
    for i in range(start, funding_at):
        column, inline = spec.FIELDS.get(tokens[i].key), spec.inline_field(tokens[i].text)
        if inline and inline[0] not in project.fields:
            project.fields[inline[0]] = inline[1]  # label and value in one cell
        elif column and column not in project.fields and i + 1 < funding_at:
            project.fields[column] = tokens[i + 1].text
    project.fields.setdefault("项目名称", "")
    unit = spec.FUNDING.match(tokens[funding_at].key)[1] or unit_line(tokens, before, start)
    if unit is None:
        problems.append(Problem(tokens[funding_at].origin, "项目资金没有写单位：标签应为“项目资金（万元）”或“项目资金（元）”，"
                                "或表上方有“单位：万元”一行。请按原件补上。", "项目资金 states no unit: the label should "
                                "read 项目资金（万元） or 项目资金（元）, or a line 单位：万元 be above the table."))
        return None
    project.fields["资金单位"] = unit
    read_funding(tokens[funding_at + 1:targets_at], unit, project, problems)
    read_targets(tokens[targets_at + 1:indicators_at], project, problems)
    read_indicators(blocks, tokens, indicators_at, end, project, problems)
    return project


def unit_line(tokens, before, start):
    """The unit of a 单位：万元 line (or cell, as in 编制单位：… 单位：元) between the previous project and this one."""
    found = [spec.UNIT_LINE.search(t.key) for t in tokens[before:start]]
    return next((match[1] for match in reversed(found) if match), None)


def is_amount(token):
    return token.key == "" or bool(spec.AMOUNT.match(token.key))


def read_funding(tokens, unit, project, problems):
    """Label/value pairs. Two totals side by side (中期 then 年度 on one row) make the 其中 rows alternate between
    the periods; totals one under the other make each 其中 row belong to the total above it. Totals written as
    column headings (中期资金总额 | 年度资金总额 over rows of a label and two amounts) are read by columns."""
    pairs, i = [], 0
    while i < len(tokens):
        token = tokens[i]
        if token.key and not spec.AMOUNT.match(token.key):
            value = tokens[i + 1] if i + 1 < len(tokens) and is_amount(tokens[i + 1]) else None
            if value is None and is_period_heading(token) and i + 1 < len(tokens) and is_period_heading(tokens[i + 1]):
                return read_funding_columns(tokens[i + 2:], (token, tokens[i + 1]), unit, project, problems)
            pairs.append((token, value))
            i += 2 if value is not None else 1
        else:
            if token.key:
                problems.append(Problem(token.origin, f"项目资金中的金额“{token.text}”前面没有写它是哪一项。",
                                        f"The amount '{token.text}' in 项目资金 has no label before it."))
            i += 1
    totals = [n for n, (label, _) in enumerate(pairs) if spec.MID_TOTAL.match(label.key) or spec.YEAR_TOTAL.match(label.key)]
    side_by_side = len(totals) == 2 and totals[1] == totals[0] + 1
    period, order = "年度", {}
    for n, (label, value) in enumerate(pairs):
        if value is None:
            problems.append(Problem(label.origin, f"项目资金中的“{label.text}”后面应是金额。", f"'{label.text}' in 项目资金 "
                                    "must be followed by an amount."))
            continue
        check_amount(value, unit, problems)
        if spec.MID_TOTAL.match(label.key):
            period = "中期"
            project.fields["中期资金总额"] = value.text
        elif spec.YEAR_TOTAL.match(label.key):
            period = "年度"
            project.fields["年度资金总额"] = value.text
        else:
            if side_by_side:
                period = ("中期", "年度")[(n - totals[0]) % 2]
            order[period] = order.get(period, 0) + 1
            project.funding.append((period, order[period], label.text, value.text))


def is_period_heading(token):
    return bool(spec.MID_TOTAL.match(token.key) or spec.YEAR_TOTAL.match(token.key) or token.key in spec.PERIOD_COLUMNS)


def read_funding_columns(tokens, headings, unit, project, problems):
    """Rows of a label and one amount per heading, in the headings' order; the 资金总额 row holds the totals. Rows
    are the grid's rows (a text copy with one cell per line: cut every label and its amounts)."""
    periods = ["中期" if spec.MID_TOTAL.match(h.key) or spec.PERIOD_COLUMNS.get(h.key) == "中期" else "年度" for h in headings]
    width = 1 + len(periods)
    rows = {}
    for token in tokens:
        rows.setdefault((token.block, token.row), []).append(token)
    rows = list(rows.values())
    if all(len(row) == 1 for row in rows):
        rows = [tokens[i:i + width] for i in range(0, len(tokens), width)]
    order = {}
    for row in rows:
        start = next((n for n, t in enumerate(row) if t.key), None)
        if start is None:
            continue  # an empty row
        label, values = row[start], row[start + 1:start + width]
        if spec.AMOUNT.match(label.key) or len(values) < len(periods) or not all(map(is_amount, values)):
            problems.append(Problem(label.origin, f"项目资金按列填写时，每一行应是名目和{len(periods)}个金额，这里是“{label.text}”。",
                                    f"项目资金 by columns needs a label and {len(periods)} amounts per row; found "
                                    f"'{label.text}'."))
            return
        for period, value in zip(periods, values):
            check_amount(value, unit, problems)
            if spec.TOTAL_ROW.match(label.key):
                project.fields[f"{period}资金总额"] = value.text
            else:
                order[period] = order.get(period, 0) + 1
                project.funding.append((period, order[period], label.text, value.text))


def check_amount(token, unit, problems):
    if not token.key:
        return
    decimals = len(token.key.removesuffix("元").removesuffix("万").partition(".")[2])
    if decimals > spec.DECIMALS[unit]:
        problems.append(Problem(token.origin, f"金额“{token.text}”比一分钱还细（单位是{unit}，最多{spec.DECIMALS[unit]}位小数）。"
                                "请核对原件。", f"The amount '{token.text}' is finer than one fen (the unit is {unit}: at "
                                f"most {spec.DECIMALS[unit]} decimals). Check it against the document."))


def text_of(heading, tokens):
    """A placed heading's text: the cell under it (headings side by side) or else the next filled cell on its row."""
    below = heading.row + heading.cell.rowspan
    under = next((t for t in tokens if t.block == heading.block and t.row == below and t.cell.col == heading.cell.col), None)
    if under is not None and not (spec.MID_TARGET.match(under.key) or spec.YEAR_TARGET.match(under.key)):
        return under.text
    right = [t for t in tokens if t.block == heading.block and t.row == heading.row and t.cell.col > heading.cell.col]
    return next((t.text for t in right if t.key), "")


def read_targets(tokens, project, problems):
    """Each heading (中期目标（…）, 年度目标) and its text: placed, the cell under or beside it; in a text copy, the
    headings then their texts in the same order, or each heading followed by its text."""
    headings = [(i, t) for i, t in enumerate(tokens) if spec.MID_TARGET.match(t.key) or spec.YEAR_TARGET.match(t.key)]
    texts = {}
    if headings and not headings[0][1].ragged:
        texts = {heading.key: (heading, text_of(heading, tokens)) for _, heading in headings}
    elif headings and all(i == n for n, (i, _) in enumerate(headings)):  # all headings first
        rest = tokens[len(headings):]
        filled = [t for t in rest if t.key]
        if len(filled) > len(headings):
            problems.append(Problem(filled[len(headings)].origin, f"总体目标下的文字比标题多（多出“{filled[len(headings)].text[:20]}”）："
                                    "复制网页时，单元格里的换行可能把一格拆成了几行。请用原件（Excel、Word、PDF 或网页）导入，"
                                    "或把这一格的文字合回一行。", "There is more text under 总体目标 than headings: copying "
                                    "the page may have split a cell at its line breaks. Import the document itself "
                                    "(Excel, Word, PDF or the web page), or join the cell's lines again."))
            return
        if len(filled) == len(headings):  # empty cells beside the texts are not texts
            rest = filled
        for n, (_, heading) in enumerate(headings):
            texts[heading.key] = (heading, rest[n].text if n < len(rest) else "")
    else:
        for i, heading in headings:
            texts[heading.key] = (heading, tokens[i + 1].text if i + 1 < len(tokens) else "")
    if not headings and tokens:  # an annual-only form: 总体目标 followed by the year's target
        project.fields["年度目标"] = next((t.text for t in tokens if t.key), "")
    for heading, text in texts.values():
        if spec.MID_TARGET.match(heading.key):
            project.fields["中期目标标题"], project.fields["中期目标"] = heading.text, text
        else:
            project.fields["年度目标"] = text
