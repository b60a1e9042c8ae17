"""Read the three official forms straight from the source document.

The source is tab-separated: every line that starts with a tab holds one cell, and a
line without a tab continues the cell above it (a wrapped header such as 数量/指标).
This parser is independent of data/ and builder/, so tests can hold the curated
CSVs and the database against what the bureau actually published.
"""
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "source" / "2019" / "shifeng-minzheng.txt"

FORM1_TITLE = "2019年区级专项资金预算绩效目标汇总表"
FORM2_TITLE = "2019年区级专项资金支出方向绩效目标表"
FORM3_TITLE = "部门整体支出绩效申报表"


def read_lines(path=SOURCE):
    return Path(path).read_text(encoding="utf-8").split("\n")


def cells(lines):
    """Cells in reading order; a tab-less, non-empty line continues the previous cell."""
    out = []
    for line in lines:
        if line.startswith("\t"):
            out.append(line[1:])
        elif line and out:
            out[-1] += "\n" + line
    return out


def split_forms(lines):
    starts = [lines.index(t) for t in (FORM1_TITLE, FORM2_TITLE, FORM3_TITLE)]
    ends = starts[1:] + [len(lines)]
    return [lines[s:e] for s, e in zip(starts, ends)]


def form1():
    """(header cells, data rows of 6 cells)."""
    part = split_forms(read_lines())[0]
    all_cells = cells(part[3:])
    header, body = all_cells[:6], all_cells[6:]
    assert len(body) % 6 == 0, len(body)
    return header, [body[i:i + 6] for i in range(0, len(body), 6)]


def form2():
    """(header cells incl. empty placeholders, data rows of 16 cells)."""
    part = split_forms(read_lines())[1]
    first_data = next(i for i, line in enumerate(part) if line == "\t区民政局")
    header = [c for c in cells(part[3:first_data]) if c]
    body = cells(part[first_data:])
    assert len(body) % 16 == 0, len(body)
    return header, [body[i:i + 16] for i in range(0, len(body), 16)]


def form3():
    """All non-empty cells of form 3 in reading order."""
    part = split_forms(read_lines())[2]
    return [c for c in cells(part[1:]) if c]


def title_lines():
    """The title and the 编制单位/单位 line above forms 1 and 2."""
    f1, f2, _ = split_forms(read_lines())
    return [(f[0], f[2]) for f in (f1, f2)]


def indicator_columns():
    """The nine indicator columns of form 2 as headed on the form (数量指标 … 社会公益或服务对象满意度指标)."""
    header, _ = form2()
    return [h.replace("\n", "") for h in header[-9:]]
