"""Saved web pages (.html, BeautifulSoup with lxml) into the grid: every table of data a block (rowspan/colspan
placed on a grid as a browser does), the page's text between tables as lines; a table that only lays out the page
(it holds other tables) is read like a container of text. The site's own tables (索引号, 发布机构 …) come along; the
recogniser looks for the form's landmarks among them. Origins: "表3 第4行第2格" / "table 3, row 4, cell 2"."""
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


def read_mhtml_grid(raw, source):
    """A page saved as a single file (.mht/.mhtml): the first text/html part of the MIME message, decoded."""
    import email
    from email import policy
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
        part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
        page = part.get_payload(decode=True) if part is not None else None
    except Exception as error:  # a damaged MIME message fails in many ways inside the email package
        raise refused(source, f"无法读取这个单文件网页（.mht/.mhtml，{type(error).__name__}）。", "Cannot read this "
                      f"single-file web page (.mht/.mhtml, {type(error).__name__}).")
    if not page:
        raise refused(source, "这个单文件网页（.mht/.mhtml）里没有网页内容。", "This single-file web page (.mht/.mhtml) "
                      "holds no page.")
    charset = part.get_content_charset()
    if charset and b"charset" not in page[:4096].lower():  # the part's header names the encoding the page does not
        page = f'<meta charset="{charset}">'.encode() + page
    return read_html_grid(page, source)


def read_html_grid(raw, source):
    from bs4 import BeautifulSoup
    try:
        soup = BeautifulSoup(decode(raw), "lxml")
    except Exception as error:  # lxml is lenient; this is for what it still cannot take
        raise refused(source, f"无法读取这个网页（{type(error).__name__}）。", f"Cannot read this web page ({type(error).__name__}).")
    for element in soup(SKIPPED):
        element.decompose()
    page = Page(source)
    page.walk(soup.body or soup)
    page.flush()
    return page.blocks


class Page:
    """The page in document order: a table holding no other table is a table of data (the form, or the site's
    索引号 table); a table holding tables is the site's layout, read like any other container of text."""

    def __init__(self, source):
        self.source, self.blocks, self.lines, self.tables = source, [], [], 0

    def line(self, text):
        for part in text.split("\n"):
            part = re.sub(r"\s+", " ", part).strip()
            if part:
                where = self.tables + 1
                self.lines.append(GridCell(part, Origin(self.source, place=f"表{where}之前" if self.tables == 0 else
                                                        f"表{self.tables}之后", place_en=f"before table {where}" if
                                                        self.tables == 0 else f"after table {self.tables}")))

    def flush(self):
        if self.lines:
            self.blocks.append(text_block(self.lines))
            self.lines = []

    def walk(self, node):
        from bs4 import Comment, Doctype, NavigableString, Tag
        for child in list(node.children):
            if isinstance(child, (Comment, Doctype)):
                continue
            if isinstance(child, NavigableString):
                self.line(str(child))
            elif isinstance(child, Tag) and child.name == "table" and child.find("table") is None:
                self.flush()
                self.tables += 1
                self.blocks.append(table_block(child, self.tables, self.source))
            elif isinstance(child, Tag) and child.name in BLOCK_TAGS and child.find("table") is None:
                self.line(cell_text(child))
            elif isinstance(child, Tag):
                self.walk(child)
