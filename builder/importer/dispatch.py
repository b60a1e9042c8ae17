"""Which layout a document is in, decided from its content, and the import of one document in any of them.

The three-form layout (石峰区 2019) keeps its own readers of the text rendering and the .xlsx workbook (text.py,
xlsx.py), which give data/2019 byte for byte; every other document is read into the grid (media/) and recognised
by its landmarks: the three forms by their titles (grid_forms.py feeds the grid to the same form readers); a
self-evaluation (项目支出绩效自评表) by its title or a result heading (实际完成值, 全年执行数 …),
which a target table never has, and then 项目名称 … 项目资金 … 绩效指标; a 项目支出绩效目标申报表 by 项目名称 …
项目资金 … 总体目标 … 绩效指标.
"""
from dataclasses import dataclass, field
from pathlib import Path

from . import selfeval_spec, spec, standard_spec, store
from .document import ImportFailed, Origin, Problem
from .drafts import draft_rows
from .forms import read_forms
from .grid_forms import has_three_forms, read_grid_forms
from .identity import identify
from .media import medium_of, read_bytes, read_grid
from .selfeval import is_self_evaluation, recognise as recognise_selfeval
from .selfeval_import import import_selfeval
from .standard import recognise
from .standard_import import import_standard

LAYOUTS_ZH = ("支持的版式：①三张表（专项资金预算绩效目标汇总表、专项资金支出方向绩效目标表、部门整体支出绩效申报表）；"
              "②项目支出绩效目标申报表（每个项目一张表）；③项目支出绩效自评表（每个项目一张表）。")
LAYOUTS_EN = ("Supported layouts: (1) the three forms (专项资金预算绩效目标汇总表, 专项资金支出方向绩效目标表, "
              "部门整体支出绩效申报表); (2) the standard target table 项目支出绩效目标申报表, one per project; (3) the "
              "self-evaluation 项目支出绩效自评表, one per project.")
LANDMARKS = ["项目名称", "项目资金", "总体目标", "绩效指标", "三级指标"]


@dataclass
class Imported:
    layout: str
    year: str
    department: str
    projects: int
    indicators: int
    written: list = field(default_factory=list)
    rows: dict = field(default_factory=dict)  # the three-form layout: rows per file


def three_form_text(raw, source):
    """The text rendering of source/2019 (one cell a line, led by a tab) with a title; other copies: the grid."""
    from .media.text import shape
    from .text import decode
    lines = [line.removesuffix("\r") for line in decode(raw, source).split("\n")]
    return shape(lines) == "tab-led" and any(spec.form_kind(line) for line in lines if line.strip())


def three_form_workbook(path):
    """Does a sheet start with one of the three titles, one form a sheet? (Several forms on one sheet: the grid
    reads them. A damaged file: no; the grid reader says why.)"""
    import openpyxl
    try:
        workbook = openpyxl.load_workbook(path, read_only=True)
        starts = False
        for sheet in workbook.worksheets:
            values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
            if sum(1 for value in values if isinstance(value, str) and spec.form_kind(value)) > 1:
                return False
            starts = starts or bool(values) and isinstance(values[0], str) and spec.form_kind(values[0]) is not None
        return starts
    except Exception:  # noqa: BLE001 - any failure here is reported by the grid reader
        return False


def read_three_forms(path, raw, medium):
    """The seed's own media keep their own readers, which give data/2019 byte for byte."""
    if medium == "xlsx":
        from .xlsx import read_xlsx
        return read_xlsx(path, str(path))
    from .text import read_text
    return read_text(raw, str(path))


def import_three_forms(path, document, data_dir, force):
    forms = read_forms(document)
    year, department, headings = identify(forms, data_dir, path)
    problems = []
    rows = draft_rows(forms, year, department, headings, problems)
    if problems:
        raise ImportFailed(problems)
    try:
        written = store.write_year(data_dir, year, department, rows, force)
    except OSError as error:  # a folder that cannot be written: nothing was renamed into place
        raise ImportFailed([Problem(Origin(str(error.filename or data_dir)), f"无法写入（{error.strerror}）。",
                                    f"Cannot write ({error.strerror}).")])
    return Imported("三张表", year, department, len(forms[1].records), len(forms[2].records), written, rows)


def cell_keys(blocks):
    return [(standard_spec.key(cell.text), cell) for block in blocks for row in block.rows for cell in row]


def refuse_unless_standard(blocks, source, medium, raw):
    found = {k for k, _ in cell_keys(blocks)}
    if any(standard_spec.starts_project(k) for k in found):
        return
    seen = [name for name in LANDMARKS if any(name in k for k in found)]
    missing = [name for name in LANDMARKS if name not in seen]
    said = (f"找到“{'”“'.join(seen)}”，" if seen else "") + f"没有找到“{'”“'.join(missing)}”。"
    said_en = (f"Found {', '.join(seen)}; " if seen else "") + f"did not find {', '.join(missing)}."
    problems = [Problem(Origin(source), f"无法识别这个{medium_name(medium)}的版式：{said}{LAYOUTS_ZH}请提供其中一种表格的原件。",
                        f"Cannot recognise the layout of this {medium} document: {said_en} {LAYOUTS_EN} Give the "
                        "document of one of them.")]
    if medium == "pdf" and not any(block.table for block in blocks):
        problems.append(Problem(Origin(source), "这个 PDF 中没有带框线的表格，读不出表格的行和列。请向发布单位索取 Word、Excel 原件"
                                "或网页，或把表格录入 Excel 后再导入。", "This PDF has no ruled table, so the rows and "
                                "columns of the form cannot be read. Ask the publisher for the Word or Excel original "
                                "or the web page, or type the table into Excel and import that."))
    if medium == "text":  # the three-form reader says where the text stops being what it expects
        from .text import read_text
        try:
            read_text(raw, source)
        except ImportFailed as failed:
            problems = failed.problems + problems
    raise ImportFailed(problems)


def medium_name(medium):
    from .media import MEDIA_NAMES
    return MEDIA_NAMES.get(medium, "文件")


def import_document(path, data_dir, force=False, source_dir=None):
    """Import one document in any layout and medium; returns Imported. Raises ImportFailed; nothing written then."""
    source = str(path)
    raw = read_bytes(path, source)
    medium = medium_of(raw, source)
    if medium == "text" and three_form_text(raw, source) or medium == "xlsx" and three_form_workbook(path):
        return import_three_forms(path, read_three_forms(path, raw, medium), data_dir, force)
    medium, blocks = read_grid(path, source, raw)
    if has_three_forms(blocks):  # every other medium: the grid, fed to the same form recognisers
        return import_three_forms(path, read_grid_forms(blocks, source), data_dir, force)
    source_dir = Path(source_dir) if source_dir else Path(data_dir).resolve().parent / "source"
    if is_self_evaluation(blocks) is not None:
        layout, projects = selfeval_spec.LAYOUT, recognise_selfeval(blocks, source)
        importing = import_selfeval
    else:
        refuse_unless_standard(blocks, source, medium, raw)
        layout, projects = standard_spec.LAYOUT, recognise(blocks, source)
        importing = import_standard
    try:
        year, department, count, indicators, written = importing(path, projects, blocks, data_dir, source_dir, force)
    except OSError as error:
        raise ImportFailed([Problem(Origin(str(error.filename or data_dir)), f"无法写入（{error.strerror}）。",
                                    f"Cannot write ({error.strerror}).")])
    return Imported(layout, year, department, count, indicators, written)
