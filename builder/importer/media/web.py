"""Saved web pages (.html, BeautifulSoup with lxml) into the grid: every <table> a block (rowspan/colspan placed on
a grid as a browser does), the page's text between tables as lines. The site's own tables (索引号, 发布机构 …) come
along; the recogniser looks for the form's landmarks among them. Origins: "表3 第4行第2格"."""
import re

from ..document import Origin
from ..grid import Block, GridCell, text_block
from . import refused

SKIPPED = ("script", "style", "noscript", "template", "head")
BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "section", "article", "title"}


def decode(raw):
    head = raw[:4096].decode("ascii", "ignore").lower()
    declared = re.search(r"charset=[\"']?([\w-]+)", head)
    for encoding in ([declared[1]] if declared else []) + ["utf-8-sig", "gb18030"]:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("utf-8", "replace")


def cell_text(element):
    """A cell's text as shown: <br> and paragraphs as line breaks, runs of white space as one space."""
    for br in element.find_all("br"):
        br.replace_with("\n")
    text = element.get_text()
    return "\n".join(re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")).strip("\n")


def span(element, name):
    try:
        return max(1, min(int(re.match(r"\d+", element.get(name, "1"))[0]), 1000))
    except (TypeError, ValueError):
        return 1


def table_block(table, number, source):
    rows, taken = [], set()  # taken: (row, col) covered by a rowspan from above
    for r, tr in enumerate(tr for tr in table.find_all("tr") if tr.find_parent("table") is table):
        row, col = [], 0
        for index, td in enumerate(tr.find_all(["td", "th"], recursive=False), 1):
            while (r, col) in taken:
                col += 1
            rowspan, colspan = span(td, "rowspan"), span(td, "colspan")
            origin = Origin(source, place=f"表{number} 第{r + 1}行第{index}格", place_en=f"table {number}, row {r + 1}, cell {index}")
            row.append(GridCell(cell_text(td), origin, col, rowspan, colspan))
            taken |= {(r + dr, col + dc) for dr in range(rowspan) for dc in range(colspan)}
            col += colspan
        rows.append(row)
    return Block(rows)


def read_html_grid(raw, source):
    from bs4 import BeautifulSoup
    try:
        soup = BeautifulSoup(decode(raw), "lxml")
    except Exception as error:  # lxml is lenient; this is for what it still cannot take
        raise refused(source, f"无法读取这个网页（{type(error).__name__}）。", f"Cannot read this web page ({type(error).__name__}).")
    for element in soup(SKIPPED):
        element.decompose()
    blocks, lines, tables = [], [], 0
    outermost = [t for t in soup.find_all("table") if t.find_parent("table") is None]
    for table in outermost:
        # the text before this table (and after the previous one), one line per block-level element
        for text in text_before(table):
            lines.append(GridCell(text, Origin(source, place=f"表{tables + 1}之前", place_en=f"before table {tables + 1}")))
        if lines:
            blocks.append(text_block(lines))
            lines = []
        tables += 1
        blocks.append(table_block(table, tables, source))
        table.extract()
    rest = [line.strip() for line in (soup.get_text("\n") or "").split("\n") if line.strip()]
    if rest:
        blocks.append(text_block([GridCell(line, Origin(source, place="表格之后", place_en="after the tables")) for line in rest]))
    return blocks


def text_before(table):
    """The text of the page up to this table, which is removed from the page as it is read."""
    from bs4 import Comment, Doctype
    texts = []
    for element in list(table.find_all_previous(string=True))[::-1]:
        if isinstance(element, (Doctype, Comment)) or element.find_parent("table") is not None:
            continue
        if element.strip():
            texts.append(re.sub(r"\s+", " ", element.strip()))
            element.extract()
    return texts
