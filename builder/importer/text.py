"""Reader of the text rendering of the forms, as source/2019/shifeng-minzheng.txt (published as 000_01da6cf496e5ce38.txt).

Each form is a title line, a blank line, the 编制单位 … 单位：万元 line (form 3 has none) and then its cells,
one per line, each line starting with a tab; a lone tab is an empty cell, and a line without a tab right after a
cell continues that cell (a header wrapped onto two lines, "数量" / "指标"). Rows are separated by blank lines,
but the rendering also leaves blank lines inside rows, so a data row is complete when it has as many cells as
the header has columns, and a complete row must be followed by a blank line. Form 2's header is three rows: an
empty cell stands for a column covered by the header cell above it.
"""
import difflib
from dataclasses import dataclass

from . import spec
from .document import Cell, Document, Form, ImportFailed, Origin, Problem


@dataclass
class Token:
    kind: str  # "cell", "blank" or "bare" (a line without a tab: a title or the 编制单位 line)
    text: str
    line: int


@dataclass
class Part:
    kind: int
    title: Token
    unit_row: Token | None = None
    body: list = None


def decode(raw, source):
    if b"\x00" in raw:
        raise ImportFailed([Problem(Origin(source), "这不是文本文件（可能是 UTF-16 的“Unicode 文本”或其他二进制文件），"
                                    "也不是能识别的 Excel、Word、PDF 或网页。请提供原件（.xlsx .xls .docx .pdf .html）或 UTF-8 文本。",
                                    "This is not a text file (perhaps UTF-16 'Unicode Text' or another binary file), nor "
                                    "a recognised Excel, Word, PDF or web page. Give the document (.xlsx .xls .docx .pdf "
                                    ".html) or a UTF-8 text.")])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed([Problem(Origin(source), "无法识别文件的编码。请另存为 UTF-8 文本。",
                                "Unknown text encoding. Save the file as UTF-8 text.")])


def tokenize(text):
    tokens = []
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if line.startswith("\t"):
            tokens.append(Token("cell", line[1:], number))
        elif not line.strip():
            tokens.append(Token("blank", "", number))
        elif tokens and tokens[-1].kind == "cell" and spec.form_kind(line) is None:
            tokens[-1].text += "\n" + line  # a cell wrapped onto the next line
        else:
            tokens.append(Token("bare", line, number))
    return tokens


def origin(source, token):
    return Origin(source, line=token.line)


def short(text, limit=30):
    text = text.strip().replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


def split_forms(tokens, source, problems):
    parts = []
    for token in tokens:
        if token.kind == "bare":
            kind = spec.form_kind(token.text)
            current = parts[-1] if parts else None
            if kind:
                parts.append(Part(kind, token, body=[]))
            elif current and current.unit_row is None and not any(t.kind == "cell" for t in current.body) \
                    and spec.is_unit_row(token.text):
                current.unit_row = token
            elif not parts:
                problems.append(Problem(origin(source, token), f"文件应以三张表之一的表名开头（如“2019年区级"
                                        f"{spec.TITLES[1]}”），这里却是“{short(token.text)}”。这不是公开的绩效目标表格文件。",
                                        f"The document must start with the title of one of the three forms (such as "
                                        f"2019年区级{spec.TITLES[1]}), not '{short(token.text)}'. This is not the "
                                        "published forms."))
                return []
            else:
                problems.append(Problem(origin(source, token), f"无法识别这一行“{short(token.text)}”：它不是表名、"
                                        "编制单位行，也不是以制表符开头的单元格。", f"Cannot place the line "
                                        f"'{short(token.text)}': it is neither a title, nor the 编制单位 row, nor a cell "
                                        "(a line starting with a tab)."))
        elif parts:
            parts[-1].body.append(token)
        elif token.kind == "cell":
            problems.append(Problem(origin(source, token), "第一张表的表名之前有单元格。文件应以表名开头。",
                                    "There are cells before the first form's title. The document must start with a title."))
            return []
    return parts


def chunks(tokens):
    """Runs of cells separated by blank lines."""
    runs, current = [], []
    for token in tokens:
        if token.kind == "blank":
            if current:
                runs.append(current)
            current = []
        else:
            current.append(token)
    return runs + [current] if current else runs


def read_table(part, source, problems):
    """Forms 1 and 2: the header rows, then data rows of exactly as many cells as the header has columns."""
    labels = spec.header_labels(part.kind)
    runs = chunks(part.body)
    header_runs = []
    for run in runs:
        texts = [spec.normalise(t.text) for t in run if t.text.strip()]
        if not texts or any(text not in labels for text in texts):
            break
        header_runs.append(run)
    if not header_runs:
        first = next((t for t in (runs[0] if runs else []) if t.text.strip() and spec.normalise(t.text) not in labels),
                     part.title)
        close = difflib.get_close_matches(spec.normalise(first.text), sorted(labels), n=1)
        hint = (f"是不是“{close[0]}”？", f" Did you mean '{close[0]}'?") if close else ("", "")
        problems.append(Problem(origin(source, first), f"{spec.NAMES[part.kind]}的表头中有无法识别的“{short(first.text)}”。"
                                f"{hint[0]}", f"The header of {spec.NAMES_EN[part.kind]} has an unknown cell "
                                f"'{short(first.text)}'.{hint[1]}"))
        return None
    placed = place_header(part.kind, header_runs, source, problems)
    if placed is None:
        return None
    header, width = placed
    body = part.body[part.body.index(header_runs[-1][-1]) + 1:]
    rows, current = [], []
    for index, token in enumerate(body):
        if token.kind == "blank":
            continue
        current.append(token)
        if len(current) < width:
            continue
        following = body[index + 1] if index + 1 < len(body) else None
        if following is not None and following.kind != "blank":
            problems.append(Problem(origin(source, current[0]), f"从这一行开始的数据行到第{token.line}行已有{width}个单元格"
                                    f"（表头有{width}列），但第{following.line}行紧接着还有单元格，行与行之间应有空行。"
                                    "请检查这一行或它前面的行是否多了或少了单元格（空单元格是只有一个制表符的一行）。",
                                    f"The data row starting here has {width} cells by line {token.line} (the header has "
                                    f"{width} columns), but line {following.line} goes on without the blank line "
                                    "between rows. Check this row and the one before it for a missing or extra cell "
                                    "(an empty cell is a line holding a single tab)."))
            return None
        rows.append([Cell(t.text, origin(source, t), len(header_runs) + len(rows) + 1, col)
                     for col, t in enumerate(current, 1)])
        current = []
    if current:
        problems.append(Problem(origin(source, current[0]), f"从这一行开始的数据行只有{len(current)}个单元格（到第"
                                f"{current[-1].line}行），表头有{width}列。请补上缺少的单元格（空单元格是只有一个制表符的一行）。",
                                f"The data row starting here has only {len(current)} cells (up to line "
                                f"{current[-1].line}) but the header has {width} columns. Add the missing cells (an "
                                "empty cell is a line holding a single tab)."))
        return None
    return Form(part.kind, Cell(part.title.text, origin(source, part.title)),
                Cell(part.unit_row.text, origin(source, part.unit_row)) if part.unit_row else None, header, rows)


def place_header(kind, runs, source, problems):
    """([Cell], number of columns). A column label spans down to the last header row; a group label spans the
    columns of its members (spec.HEADER_GROUPS); an empty cell stands for the column covered from above, and a
    label placed where a cell above spans down goes to the next place not covered (the copy left them out)."""
    groups = spec.HEADER_GROUPS[kind]
    covered, cells, widths = {}, [], []
    for row, run in enumerate(runs, 1):
        col = 1
        for token in run:
            owner = covered.get((row, col))
            if not token.text.strip():
                if owner is None:
                    problems.append(Problem(origin(source, token), "表头中的这个空单元格上方没有跨行的表头，无法确定它属于哪一列。",
                                            "This empty header cell is not under a header cell that spans rows, so "
                                            "it belongs to no column."))
                    return None
                col += owner.colspan
                continue
            while owner is not None:  # a copy that leaves out the places covered from above, as a browser's does
                col += owner.colspan
                owner = covered.get((row, col))
            members = groups.get(spec.normalise(token.text))
            rowspan, colspan = (1, len(members)) if members else (len(runs) - row + 1, 1)
            cell = Cell(token.text, origin(source, token), row, col, rowspan, colspan)
            for below in range(row + 1, row + rowspan):
                for across in range(col, col + colspan):
                    covered[(below, across)] = cell
            cells.append(cell)
            col += colspan
        widths.append((col - 1, run[0]))
    width = widths[-1][0]
    for row_width, first in widths:
        if row_width != width:
            problems.append(Problem(origin(source, first), f"表头的这一行占{row_width}列，最后一行占{width}列。",
                                    f"This header row spans {row_width} columns, the last one {width}."))
            return None
    return cells, width


def one_label_row(run, source, problems):
    """A row of form 3 holds one field label and its value, or starts with a group label. Two of them in one
    row mean that the blank line between two rows is missing, and the grid cannot be told."""
    keys = [spec.label_key(token.text) for token in run]
    fields = [token for token, key in zip(run, keys) if key in spec.FORM3_FIELDS]
    groups = [token for token, key in list(zip(run, keys))[1:] if key in spec.FORM3_GROUP_LABELS]
    if len(fields) < 2 and not groups:
        return True
    token = groups[0] if groups else fields[1]
    problems.append(Problem(origin(source, token), f"表3中“{short(token.text)}”应在新的一行开头，却与上面的"
                            f"“{short(run[0].text)}”（第{run[0].line}行）在同一行：两行之间可能少了一个空行。",
                            f"In form 3, '{short(token.text)}' must start a row, but it is in the row of "
                            f"'{short(run[0].text)}' (line {run[0].line}): the blank line between the rows may be missing."))
    return False


def read_label_form(part, source, problems):
    """Form 3: rows of label and value cells. A row starting with an empty cell is under the label in column 1
    that spans rows; the last cell of a row spans to the right edge, except a field label whose value is empty."""
    runs = chunks(part.body)
    if not runs:
        problems.append(Problem(origin(source, part.title), "表3没有内容。", "Form 3 is empty."))
        return None
    width = max(len(run) for run in runs)
    cells, spanning = [], None  # spanning: the label in column 1 that the rows below may be under
    for row, run in enumerate(runs, 1):
        col = 1
        if not run[0].text.strip() and spanning is not None:
            spanning.rowspan = row - spanning.row + 1
            run, col = run[1:], 2
        if not one_label_row(run, source, problems):
            return None
        for index, token in enumerate(run):
            last = index == len(run) - 1
            colspan = width - col + 1 if last and spec.label_key(token.text) not in spec.FORM3_FIELDS else 1
            cell = Cell(token.text, origin(source, token), row, col, 1, max(colspan, 1))
            if col == 1:
                spanning = cell if token.text.strip() else None
            cells.append(cell)
            col += cell.colspan
    return Form(part.kind, Cell(part.title.text, origin(source, part.title)),
                Cell(part.unit_row.text, origin(source, part.unit_row)) if part.unit_row else None, cells)


def read_text(raw, source):
    text = decode(raw, source)
    if not text.strip():
        raise ImportFailed([Problem(Origin(source), "文件是空的。", "The file is empty.")])
    problems = []
    parts = split_forms(tokenize(text), source, problems)
    forms = []
    for part in parts:
        reader = read_table if part.kind in spec.TABLE_FILES else read_label_form
        form = reader(part, source, problems)
        if form is not None:
            forms.append(form)
    if problems:
        raise ImportFailed(problems)
    return Document(source, forms)
