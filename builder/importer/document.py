"""The neutral model of a published document, whatever it was read from.

A Document holds up to three forms. A form has its title, its 编制单位…单位 row, its header cells (for form 3:
all its label and value cells) placed on the form's grid with row and column spans, and for forms 1 and 2 its
data rows. Every cell keeps its origin, so any problem can be reported where a person can find it: a line of
the text rendering, or a sheet and cell of the workbook.
"""
import re
from dataclasses import dataclass, field


def sheet_ref(sheet, cell):
    """Sheet1!C7 as Excel writes it: the sheet name quoted only when it has spaces or punctuation."""
    if not re.fullmatch(r"\w+", sheet):
        sheet = "'" + sheet.replace("'", "''") + "'"
    return f"{sheet}!{cell}"


@dataclass(frozen=True)
class Origin:
    file: str
    line: int = 0  # text rendering: 1-based line number
    sheet: str = ""  # workbook: sheet name and cell such as C7
    cell: str = ""
    place: str = ""  # any other medium: where a person finds it, in Chinese and in English
    place_en: str = ""  # ("第2页 第14行" / "page 2, line 14"; "表3 第4行第2格" / "table 3, row 4, cell 2")

    @property
    def zh(self):
        if self.place:
            return f"{self.file} {self.place}"
        if self.line:
            return f"{self.file} 第{self.line}行"
        if self.sheet:
            return f"{self.file} 单元格 {sheet_ref(self.sheet, self.cell)}"
        return self.file

    @property
    def en(self):
        if self.place:
            return f"{self.file} {self.place_en or self.place}"
        if self.line:
            return f"{self.file} line {self.line}"
        if self.sheet:
            return f"{self.file} cell {sheet_ref(self.sheet, self.cell)}"
        return self.file


@dataclass
class Cell:
    text: str  # verbatim, as a person reads it
    origin: Origin
    row: int = 0  # position on the form's grid, 1-based (forms 1 and 2: header rows first)
    col: int = 0
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Form:
    kind: int  # 1, 2 or 3: which of the three official forms
    title: Cell
    unit_row: Cell | None = None  # the 编制单位…单位：万元 row, if the form has one
    header: list = field(default_factory=list)  # placed Cells: forms 1 and 2 the header, form 3 every cell
    rows: list = field(default_factory=list)  # forms 1 and 2: data rows, each a list of Cells, one per column


@dataclass
class Document:
    source: str
    forms: list = field(default_factory=list)


@dataclass
class Problem:
    origin: Origin
    zh: str
    en: str

    def __str__(self):
        return f"{self.origin.zh}：{self.zh}\n    {self.origin.en}: {self.en}"


class ImportFailed(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)
