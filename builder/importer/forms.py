"""Find the fields in a Document: which header cell names which column, which label holds which value.

The result for each form is a FormData: its records (column -> Cell) and its layout, the header and label cells
verbatim with their grid positions, which becomes form_layout.csv.
"""
import difflib
from dataclasses import dataclass, field

from . import spec
from .document import Cell, ImportFailed, Origin, Problem


@dataclass
class FormData:
    form: object  # the Form it was read from
    records: list = field(default_factory=list)  # forms 1, 2: one per data row; form 3: exactly one
    layout: list = field(default_factory=list)  # (行, 列, 跨行, 跨列, 原文, 字段), in reading order


def read_forms(document):
    """{1: FormData, 2: …, 3: …}, or ImportFailed naming every problem."""
    problems, found = [], {}
    for form in document.forms:
        if form.kind in found:
            problems.append(Problem(form.title.origin, f"{spec.NAMES[form.kind]}出现了两次（第一次在 "
                                    f"{found[form.kind].title.origin.zh}）。一个文件只应有一份。",
                                    f"{spec.NAMES_EN[form.kind]} appears twice (first at "
                                    f"{found[form.kind].title.origin.en}). A document holds each form once."))
        found.setdefault(form.kind, form)
    for kind in (1, 2, 3):
        if kind not in found:
            problems.append(Problem(Origin(document.source), f"缺少{spec.NAMES[kind]}（没有找到以“{spec.TITLES[kind]}”"
                                    "结尾的表名）。三张表须在同一个文件中。",
                                    f"{spec.NAMES_EN[kind]} is missing (no title ending in {spec.TITLES[kind]}). "
                                    "The document must hold all three forms."))
    if problems:
        raise ImportFailed(problems)
    forms = {kind: (table_data if kind in spec.TABLE_FILES else form3_data)(found[kind], problems)
             for kind in (1, 2, 3)}
    if problems:
        raise ImportFailed(problems)
    return forms


def table_data(form, problems):
    columns, groups = spec.table_columns(form.kind), spec.HEADER_GROUPS[form.kind]
    leaves, layout = {}, []
    for cell in form.header:
        key = spec.normalise(cell.text)
        if key in columns:
            if key in leaves:
                problems.append(Problem(cell.origin, f"表头“{key}”出现了两次（另一处在 {leaves[key].origin.zh}）。",
                                        f"The header '{key}' appears twice (also at {leaves[key].origin.en})."))
            leaves[key] = cell
        layout.append((cell.row, cell.col, cell.rowspan, cell.colspan, cell.text, key if key in columns else ""))
    missing = [column for column in columns if column not in leaves]
    if missing:
        problems.append(Problem(form.title.origin, f"{spec.NAMES[form.kind]}的表头缺少：" + "、".join(missing) + "。",
                                f"The header of {spec.NAMES_EN[form.kind]} lacks: " + ", ".join(missing) + "."))
        return FormData(form)
    for cell in form.header:
        members = groups.get(spec.normalise(cell.text))
        if members is None:
            continue
        under = set(range(cell.col, cell.col + cell.colspan))
        if {leaves[m].col for m in members} != under or any(leaves[m].row <= cell.row for m in members):
            problems.append(Problem(cell.origin, f"表头“{cell.text}”下面应正好是：" + "、".join(members) + "。",
                                    f"The header '{cell.text}' must span exactly: " + ", ".join(members) + "."))
    by_col = {cell.col: column for column, cell in leaves.items()}
    records = []
    for row in form.rows:
        if any(cell.text.strip() for cell in row):
            records.append({by_col[cell.col]: cell for cell in row})
    if not records:
        problems.append(Problem(form.title.origin, f"{spec.NAMES[form.kind]}没有数据行。",
                                f"{spec.NAMES_EN[form.kind]} has no data rows."))
    return FormData(form, records, sorted(layout))


def form3_data(form, problems):
    """Form 3: each field label's value is the next cell on its row; an empty value still has its place."""
    cells = sorted(form.header, key=lambda c: (c.row, c.col))
    at = {(cell.row, cell.col): cell for cell in cells}
    width = max((cell.col + cell.colspan - 1 for cell in cells), default=1)
    values, layout, taken = {}, [], set()
    for cell in cells:
        if id(cell) in taken or not cell.text.strip():
            continue
        key = spec.label_key(cell.text)
        layout.append((cell.row, cell.col, cell.rowspan, cell.colspan, cell.text, ""))
        if key in spec.FORM3_GROUP_LABELS:
            continue
        if key not in spec.FORM3_FIELDS:
            close = difflib.get_close_matches(key, list(spec.FORM3_FIELDS) + list(spec.FORM3_GROUP_LABELS), n=1)
            hint = (f"是不是“{close[0]}”？", f" Did you mean '{close[0]}'?") if close else ("", "")
            problems.append(Problem(cell.origin, f"表3中无法识别的标签“{cell.text}”。{hint[0]}",
                                    f"Unknown label '{cell.text}' in form 3.{hint[1]}"))
            continue
        column = spec.FORM3_FIELDS[key]
        if column in values:
            problems.append(Problem(cell.origin, f"表3的“{column}”出现了两次。", f"Form 3 has '{column}' twice."))
            continue
        slot = cell.col + cell.colspan
        value = at.get((cell.row, slot))
        if value is None:
            value = Cell("", cell.origin, cell.row, slot, 1, max(1, width - slot + 1))
        elif spec.label_key(value.text) in spec.FORM3_FIELDS:
            problems.append(Problem(value.origin, f"“{cell.text}”后面应是它的内容，却是另一个标签“{value.text}”。",
                                    f"'{cell.text}' must be followed by its value, not by the label '{value.text}'."))
            continue
        taken.add(id(value))
        values[column] = value
        layout.append((value.row, value.col, value.rowspan, value.colspan, "", column))
    for column in spec.FORM3_REQUIRED:
        if column not in values or not values[column].text.strip():
            problems.append(Problem(form.title.origin, f"表3缺少“{column}”或它的内容。",
                                    f"Form 3 lacks '{column}' or its value."))
    record = {column: values.get(column, Cell("", form.title.origin)) for column in spec.FORM3_FIELDS.values()}
    return FormData(form, [record], sorted(layout))
