"""Readers of every medium into the neutral grid (grid.py): one module per medium, chosen by content, not name.

    read_grid(path) -> (medium, [Block])      medium: "xlsx", "xls", "docx", "html" (also a page saved as .mht/.mhtml), "pdf" or "text"

Each reader turns the failures of its library into ImportFailed with a bilingual message naming the file.
"""
from pathlib import Path

from ..document import ImportFailed, Origin, Problem

ZIP, OLE, PDF = b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF-"
HTML_STARTS = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<table", b"<meta", b"<!--")
MEDIA_NAMES = {"xlsx": "Excel 工作簿（.xlsx）", "xls": "旧版 Excel 工作簿（.xls）", "docx": "Word 文档（.docx）",
               "html": "网页（.html）", "pdf": "PDF", "text": "文本"}


def refused(source, zh, en):
    return ImportFailed([Problem(Origin(source), zh, en)])


def medium_of(raw, source):
    """The medium from the first bytes (and, for zip files, the parts inside)."""
    if raw.startswith(ZIP):
        from .office import zip_medium
        return zip_medium(raw, source)
    if raw.startswith(OLE):
        return "xls"  # a Word 97 .doc is told apart by xlrd's refusal (office.read_xls)
    if raw.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(PDF) or raw[:1024].find(PDF) >= 0:
        return "pdf"
    head = raw.lstrip(b"\xef\xbb\xbf\r\n\t ")[:512].lower()
    if b"multipart/related" in raw[:4096].lower() and (head.startswith((b"from:", b"mime-version:", b"content-type:"))
                                                       or b"\nmime-version:" in head):
        return "mhtml"  # a page saved as a single file (.mht/.mhtml): the page inside a MIME message
    if head.startswith(HTML_STARTS) or b"<table" in raw[:200000].lower() and b"</t" in raw.lower():
        return "html"
    return "text"


def read_bytes(path, source):
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise refused(source, f"无法读取文件（{error.strerror}）。", f"Cannot read the file ({error.strerror}).")
    if not raw.strip():
        raise refused(source, "文件是空的。", "The file is empty.")
    return raw


def read_grid(path, source=None, raw=None):
    source = source or str(path)
    raw = read_bytes(path, source) if raw is None else raw
    medium = medium_of(raw, source)
    if medium == "xlsx":
        from .office import read_xlsx_grid
        return medium, read_xlsx_grid(path, source)
    if medium == "xls":
        from .office import read_xls_grid
        return medium, read_xls_grid(raw, source)
    if medium == "docx":
        from .word import read_docx_grid
        return medium, read_docx_grid(path, source)
    if medium == "pdf":
        from .pdf import read_pdf_grid
        return medium, read_pdf_grid(path, source)
    if medium == "html":
        from .web import read_html_grid
        return medium, read_html_grid(raw, source)
    if medium == "mhtml":
        from .web import read_mhtml_grid
        return "html", read_mhtml_grid(raw, source)
    from .text import read_text_grid
    return medium, read_text_grid(raw, source)
