"""Text-based PDF (pdfplumber) into the grid: each ruled table a block, its merged cells placed from the cells'
boxes; a table that runs to the end of a page and goes on at the top of the next is one block; a cell's wrapped
lines are joined (grid.join_wrapped). The text outside the tables becomes lines. A PDF without text (a scan) is
refused: its pictures of tables cannot be read. Origins: "第2页 第14行" / "page 2, line 14"."""
import logging

from ..document import ImportFailed, Origin
from ..grid import Block, GridCell, join_wrapped, text_block
from . import refused

NEAR = 3  # points: edges closer than this are the same edge
TOP_OF_PAGE = 120  # points: a table starting this close to the top may continue the previous page's table
BOTTOM_GAP = 120  # points: a table ending this close to the bottom may go on on the next page


def edges(values):
    out = []
    for value in sorted(values):
        if not out or value - out[-1] > NEAR:
            out.append(value)
    return out


def index_of(edge_list, value):
    return min(range(len(edge_list)), key=lambda i: abs(edge_list[i] - value))


def table_rows(page, table, line_of, source):
    """The table's cells placed on the grid of its distinct x and y edges: [[GridCell]] by row."""
    boxes = [box for box in table.cells if box]
    xs = edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = edges([b[1] for b in boxes] + [b[3] for b in boxes])
    from pdfplumber.utils import extract_text
    x_min, top_min, x_max, bottom_max = table.bbox
    chars = [ch for ch in page.chars if x_min <= (ch["x0"] + ch["x1"]) / 2 <= x_max
             and top_min <= (ch["top"] + ch["bottom"]) / 2 <= bottom_max]  # the table's characters, sorted once
    placed = {}
    for x0, top, x1, bottom in boxes:
        r, c = index_of(ys, top), index_of(xs, x0)
        rowspan, colspan = max(1, index_of(ys, bottom) - r), max(1, index_of(xs, x1) - c)
        inside = [ch for ch in chars if x0 <= (ch["x0"] + ch["x1"]) / 2 < x1 and top <= (ch["top"] + ch["bottom"]) / 2 < bottom]
        text = extract_text(inside) if inside else ""
        origin = Origin(source, place=f"第{page.page_number}页 第{line_of(top)}行",
                        place_en=f"page {page.page_number}, line {line_of(top)}")
        placed[(r, c)] = GridCell(join_wrapped(text), origin, c, rowspan, colspan)
    return [[placed[key] for key in sorted(placed) if key[0] == r] for r in range(len(ys) - 1)], xs


def read_pdf_grid(path, source):
    import pdfplumber
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings of harmless PDFs, not ours to show
    try:
        pdf = pdfplumber.open(path)
        pages = list(pdf.pages)
    except Exception as error:  # pdfminer raises many kinds of errors on damaged files
        raise refused(source, f"无法作为 PDF 打开（{type(error).__name__}），文件可能不完整或已损坏。请重新下载。",
                      f"Cannot open it as a PDF ({type(error).__name__}); it may be truncated or damaged. Download it again.")
    try:
        return read_pages(pdf, pages, source)
    except ImportFailed:
        raise
    except Exception as error:  # a damaged page stream fails inside pdfminer
        raise refused(source, f"无法读取这个 PDF 的内容（{type(error).__name__}），文件可能已损坏。",
                      f"Cannot read the contents of this PDF ({type(error).__name__}); the file may be damaged.")
    finally:
        pdf.close()


def read_pages(pdf, pages, source):
    blocks, previous, characters = [], None, 0  # previous: the block of a table that reached the page's bottom
    for page in pages:
        characters += len(page.chars)
        tables = sorted(page.find_tables(table_settings=ruled_ends(page)), key=lambda t: t.bbox[1])
        words = page.extract_words(keep_blank_chars=True, use_text_flow=True)
        line_tops = edges([w["top"] for w in words])

        def line_of(top):
            return 1 + sum(1 for y in line_tops if y < top - NEAR)

        lines, cursor = [], 0
        for number, table in enumerate(tables):
            outside = [w for w in words if cursor <= w["top"] < table.bbox[1] - NEAR and not inside_any(w, tables)]
            for text, top in joined_lines(outside):
                lines.append(GridCell(text, Origin(source, place=f"第{page.page_number}页 第{line_of(top)}行",
                                                   place_en=f"page {page.page_number}, line {line_of(top)}")))
            rows, xs = table_rows(page, table, line_of, source)
            continues = number == 0 and previous is not None and all(len(c.text) <= 12 for c in lines) \
                and table.bbox[1] < TOP_OF_PAGE
            if continues:  # a running header such as the page number is not part of the form
                shift_columns(rows, xs, previous.xs)
                previous.rows.extend(rows)
                lines = []
            else:
                if lines:
                    blocks.append(text_block(lines))
                    lines = []
                previous = Block(rows)
                previous.xs = xs
                blocks.append(previous)
            cursor = table.bbox[3]
        rest = [w for w in words if w["top"] >= cursor and not inside_any(w, tables)]
        for text, top in joined_lines(rest):
            lines.append(GridCell(text, Origin(source, place=f"第{page.page_number}页 第{line_of(top)}行",
                                               place_en=f"page {page.page_number}, line {line_of(top)}")))
        if lines:
            blocks.append(text_block(lines))
        reaches_bottom = tables and page.height - tables[-1].bbox[3] < BOTTOM_GAP and all(len(t) <= 12 for t, _ in joined_lines(rest))
        previous = previous if reaches_bottom else None
    if not characters:
        raise refused(source, "这个 PDF 里没有文字，只有图片（可能是扫描件），无法读出表格。请向发布单位索取文字版 PDF、Word 或 Excel 原件，"
                      "或把表格录入 Excel 后再导入。", "This PDF holds no text, only images (perhaps a scan), so its "
                      "tables cannot be read. Ask the publisher for a text PDF, the Word or Excel original, or type "
                      "the tables into Excel and import that.")
    return blocks


def shift_columns(rows, xs, previous_xs):
    """A continued table whose left columns drew no rule on the new page starts further right: its columns are
    placed by their x position on the columns of the part before the break."""
    first = index_of(previous_xs, xs[0]) if previous_xs else 0
    if previous_xs and abs(previous_xs[first] - xs[0]) <= NEAR and first:
        for row in rows:
            for cell in row:
                cell.col += first


def ruled_ends(page):
    """Where a table breaks across pages, the printed part of a row on each page may lack its top (or bottom) rule:
    the ends of the page's vertical rules stand in for them, so that row is still read as part of the table."""
    vertical = [e for e in page.edges if e["orientation"] == "v"]
    if not vertical:
        return {}
    return {"explicit_horizontal_lines": [min(e["top"] for e in vertical), max(e["bottom"] for e in vertical)]}


def inside_any(word, tables):
    return any(t.bbox[0] - NEAR <= word["x0"] and word["x1"] <= t.bbox[2] + NEAR and
               t.bbox[1] - NEAR <= word["top"] and word["bottom"] <= t.bbox[3] + NEAR for t in tables)


def joined_lines(words):
    """Words on the same line joined, top to bottom: [(text, top)]. A word is on a line when its middle is within
    the line's height (the digits of "2019年…" sit a little lower than the Chinese); words that touch join directly,
    words apart with a space."""
    lines = []  # [top, bottom, words]
    for word in sorted(words, key=lambda w: w["top"]):
        middle = (word["top"] + word["bottom"]) / 2
        line = next((line for line in lines if line[0] <= middle <= line[1]), None)
        if line is None:
            lines.append([word["top"], word["bottom"], [word]])
        else:
            line[2].append(word)
    out = []
    for top, bottom, line_words in sorted(lines, key=lambda line: line[0]):
        text, previous = "", None
        for word in sorted(line_words, key=lambda w: w["x0"]):
            if previous is not None:
                text += "" if word["x0"] - previous["x1"] < (bottom - top) / 4 else " "
            text, previous = text + word["text"], word
        out.append((text, top))
    return out
