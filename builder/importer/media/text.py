"""Text copies of a page into the grid: what a person pastes after selecting the page, as a single ragged block.

Four shapes: one table row per line with tabs between the cells; cells separated by `|` (a Markdown-like copy;
the outer bars are optional); one cell per line (an empty line is an empty cell); or the bureau's own text
rendering (source/2019/*.txt): one cell per line led by a tab, a lone tab an empty cell, blank lines between rows. The lines of the site around
the form come along and are passed over by the recogniser. Origins: "第17行" / "line 17"."""
from ..document import Origin
from ..grid import Block, GridCell
from ..text import decode

PIPE_RULE = set("|-: ")  # a Markdown separator line such as |---|---|


def shape(lines):
    """"tab-led", "tabs", "pipes" or "lines": the separator most lines with content use."""
    filled = [line for line in lines if line.strip()]
    led = sum(line.startswith("\t") and "\t" not in line[1:] for line in filled)
    if led >= max(3, len(filled) * 3 // 5):
        return "tab-led"
    tabs = sum("\t" in line for line in filled)
    pipes = sum("|" in line for line in filled)
    if tabs >= max(3, len(filled) // 5) and tabs >= pipes:
        return "tabs"
    if pipes >= max(3, len(filled) // 5):
        return "pipes"
    return "lines"


def split_pipes(line):
    """Outer bars come in pairs (| a | b |). A line with a bar at one end only has an empty cell there: a row under
    a merged 一级 with its mid-term half blank ( |  |  | 数量指标 | 保障人数 | 780人) or with its last amount left
    blank (其他资金 |  | 其他资金 | ); taking that bar as an outer one would lose the cell and shift the row."""
    stripped = line.strip()
    if len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|"):
        stripped = stripped[1:-1]
    return [cell.strip() for cell in stripped.split("|")]


def tab_led(lines, source):
    """The rendering of source/2019/*.txt: one cell per line, led by a tab (a lone tab is an empty cell); a line
    without a tab right after a cell continues it; blank lines are not cells. Read as one cell per line."""
    rows, previous_cell = [], False
    for number, line in enumerate(lines, 1):
        if line.startswith("\t"):
            rows.append([GridCell(line[1:], Origin(source, line=number), 0)])
            previous_cell = True
        elif not line.strip():
            previous_cell = False
        elif previous_cell:
            rows[-1][0].text += "\n" + line
        else:
            rows.append([GridCell(line.strip(), Origin(source, line=number), 0)])
    return [Block(rows, ragged=True)]


def read_text_grid(raw, source):
    text = decode(raw, source)
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    kind = shape(lines)
    if kind == "tab-led":
        return tab_led(lines, source)
    rows = []
    for number, line in enumerate(lines, 1):
        origin = Origin(source, line=number)
        if kind == "lines":
            rows.append([GridCell(line.strip(), origin, 0)])
            continue
        if not line.strip() or kind == "pipes" and set(line.strip()) <= PIPE_RULE:
            continue
        cells = line.split("\t") if kind == "tabs" else split_pipes(line)
        rows.append([GridCell(cell, origin, col) for col, cell in enumerate(cells)])
    if kind == "lines":  # the blank lines before and after the page's text are not cells
        while rows and not rows[-1][0].text:
            rows.pop()
        while rows and not rows[0][0].text:
            rows.pop(0)
    return [Block(rows, ragged=True)]
