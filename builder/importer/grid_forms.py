"""The three forms (石峰区 2019 layout) from the neutral grid of any medium: Word, PDF, web pages, .xls, text copies.

The recognisers are the three-form readers' own, fed by the grid instead of a second reader per medium:
- placed blocks (every medium that knows where its cells are) become one sheet per form, read by xlsx.read_sheet:
  the title row, the 编制单位 … 单位 row, the (merged) header and data rows, or form 3's grid of labels;
- a ragged block (a text copy, tabs or `|` between cells) becomes the tokens of the text rendering, read by
  text.read_table / text.read_label_form: one row a line, so the rows need no blank lines between them.
The seed's text rendering and .xlsx keep their own readers (text.py, xlsx.py), which give data/2019 byte for byte.

A form starts at a row whose first cell is one of the three titles and takes the rows after it up to the end of the
first table after its title (or the next title): the site's own tables and lines around the forms are passed over.
A PDF table going on on the next page is the next block, as wide, with no text between: it is taken too.
"""
from . import spec, text as text_reader
from .document import Document, ImportFailed, Origin, Problem
from .xlsx import Sheet, read_sheet


def has_three_forms(blocks):
    """Does a row of the grid start with one of the three titles?"""
    return any(first_text(row) is not None and spec.form_kind(first_text(row))
               for block in blocks for row in block.rows)


def first_text(row):
    return next((cell.text for cell in row if cell.text.strip()), None)


def width(block):
    return max((cell.col + cell.colspan for row in block.rows for cell in row), default=0)


def form_parts(blocks):
    """[(ragged, [(block, row), …])] from each title to the end of its form. A form's table ends with its block,
    unless the next block is a table just as wide with no text between (a table going on on the next PDF page
    after a gap at the bottom of the page that the PDF reader did not take for a page break)."""
    parts, current, table = [], None, None
    for block in blocks:
        if current is not None and table is not None and not (block.table and width(block) == width(table)):
            current = None  # the form's table has ended with its block
        for row in block.rows:
            title = first_text(row)
            if title is not None and spec.form_kind(title):
                current, table = [], None
                parts.append((block.ragged, current))
            if current is not None:
                current.append((block, row))
                if block.table and not block.ragged:
                    table = block
    return parts


class GridSheet(Sheet):
    """One form's rows of the grid as the sheet xlsx.read_sheet reads: 1-based rows and columns, merged spans."""

    def __init__(self, rows, source, number):
        self.name, self.source, self.number = f"表{number}", source, number
        self.text, self.spans, self.covered, self.origins = {}, {}, {}, {}
        for r, (block, row) in enumerate(rows, 1):
            for cell in row:
                top, left = r, cell.col + 1
                self.origins[(top, left)] = cell.origin
                if cell.rowspan > 1 or cell.colspan > 1:
                    self.spans[(top, left)] = (cell.rowspan, cell.colspan)
                    for below in range(top, top + cell.rowspan):
                        for across in range(left, left + cell.colspan):
                            if (below, across) != (top, left):
                                self.covered[(below, across)] = (top, left)
                if cell.text != "":
                    self.text[(top, left)] = cell.text
        self.filled = {}
        for (row, col), text in sorted(self.text.items()):
            if text.strip():
                self.filled.setdefault(row, []).append(col)

    def origin(self, row, col):
        at = self.covered.get((row, col), (row, col))
        if at in self.origins:
            return self.origins[at]
        return Origin(self.source, place=f"第{self.number}张表 第{row}行第{col}格",
                      place_en=f"form {self.number}, row {row}, cell {col}")


def placed_form(rows, source, number, problems):
    return read_sheet(GridSheet(rows, source, number), problems)


def ragged_form(rows, source, problems):
    """A text copy's rows as the text rendering's tokens: each row its cells, then the blank line between rows."""
    tokens = []
    for block, row in rows:
        line = row[0].origin.line if row else 0
        texts = [cell.text for cell in row]
        joined = " ".join(t for t in texts if t.strip())
        if not tokens and spec.form_kind(joined):
            tokens.append(text_reader.Token("bare", joined, line))
        elif len(tokens) == 1 and len([t for t in texts if t.strip()]) <= 2 and spec.is_unit_row(joined):
            tokens.append(text_reader.Token("bare", joined, line))
        else:
            tokens += [text_reader.Token("cell", cell.text, cell.origin.line or line) for cell in row]
            tokens.append(text_reader.Token("blank", "", line))
    parts = text_reader.split_forms(tokens, source, problems)
    forms = []
    for part in parts:
        reader = text_reader.read_table if part.kind in spec.TABLE_FILES else text_reader.read_label_form
        form = reader(part, source, problems)
        if form is not None:
            forms.append(form)
    return forms


def read_grid_forms(blocks, source):
    """The Document of the three forms found in the grid, or ImportFailed naming every problem."""
    problems, forms = [], []
    for number, (ragged, rows) in enumerate(form_parts(blocks), 1):
        if ragged:
            forms += ragged_form(rows, source, problems)
        else:
            form = placed_form(rows, source, number, problems)
            if form is not None:
                forms.append(form)
    if problems:
        raise ImportFailed(problems)
    if not forms:
        raise ImportFailed([Problem(Origin(source), "没有找到三张表的表名。", "None of the three forms' titles found.")])
    return Document(source, forms)
