"""What a person downloads opens right in Excel and WPS on a Chinese Windows PC.

- CSV: the links people click carry `_dl=1` (Jinja filter `csv_download`). Such a response is a file download
  (Content-Disposition attachment) named after the table or saved query in Chinese (RFC 5987 `filename*`, with an
  ASCII fallback), in UTF-8 with a byte order mark, without which Excel and WPS read UTF-8 as GBK. Datasette's own
  CSV writer still does the work (filters, `_labels`, `_stream`, max_csv_mb), this only adds the BOM and the name.
  The static data-package files (/downloads/*.csv, written with a BOM at build time) get the same name and header.
  Text that starts like a formula (= + - @ tab) gets a leading apostrophe, as in the data package's CSVs: the rule
  is budgetlib/spreadsheet.py, applied here to Datasette's streamed CSV as it passes (numbers are left alone).
  Without `_dl` a .csv address stays exactly as Datasette serves it, for scripts and pandas (documented on /api).
- XLSX: `.xlsx` on a table, saved query or SQL result (Jinja filter `xlsx_download` adds `_size=max`): one sheet
  with the Chinese column names, numbers as numbers, text and id columns as text, and a 说明 sheet (source address,
  row count, whether rows were left out). It holds what Datasette returns for one request, so it is bounded by
  max_returned_rows like every JSON page; the full rows stream as CSV (`_stream=on`). Every text cell, column
  names and the notes included, is written as text with the characters a workbook cannot hold removed: a column
  named `=HYPERLINK(…)` was a live formula in A1, and a control character in a name was a 500.
"""
import asyncio
import codecs
import concurrent.futures
import io
import re
import urllib.parse

from datasette import hookimpl
from datasette.utils import tilde_decode
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from budgetlib.spreadsheet import CsvNeutraliser

BOM = "\ufeff".encode("utf-8")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Building a workbook is CPU work: it runs on a pool of this many threads of its own, so other pages stay quick.
# A pool rather than an asyncio.Semaphore: downloads are answered on two event loops (the server's, and the SQL
# lane's for ?sql=), and a semaphore belongs to one loop ("bound to a different event loop").
XLSX_AT_ONCE = 2
WORKBOOK_BUILDERS = concurrent.futures.ThreadPoolExecutor(XLSX_AT_ONCE, thread_name_prefix="xlsx")
# Datasette's CSV (without _stream, up to 50 MB) can arrive as one body; rewriting it is pure Python (0.36 s for
# 5 MB), so larger chunks are rewritten on another thread while the loop serves other visitors.
NEUTRALISE_INLINE_BYTES = 64 * 1024
EXCEL_EXACT_DIGITS = 15  # Excel keeps 15 significant digits: longer integers are written as text
ID_COLUMN = re.compile(r"(^|_)id$", re.I)  # ids are labels, not quantities: text even when they are integers
UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def append_arg(url, name, value):
    if re.search(r"[?&]" + re.escape(name) + "=", url):
        return url
    return url + ("&" if "?" in url else "?") + f"{name}={value}"


def csv_download(url):
    """A CSV address as a person's link: '/budget/special_funds.csv?_size=max' -> '…&_dl=1'."""
    return append_arg(str(url), "_dl", "1")


def xlsx_download(url):
    return append_arg(str(url), "_size", "max")


def content_disposition(chinese_name, ascii_name):
    """attachment; filename="special_funds.csv"; filename*=UTF-8''%E4%B8%93… (RFC 6266 / RFC 5987)."""
    chinese_name = UNSAFE_IN_FILE_NAME.sub("_", chinese_name).strip() or ascii_name
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{urllib.parse.quote(chinese_name, safe='')}"


def title_for(datasette, database, name):
    """A table's or saved query's Chinese title (chinese_chrome.py's title_of); a SQL result is named so."""
    return datasette.jinja_env.globals["title_of"](database, name) if name else "SQL 查询结果"


def database_for_route(datasette, route):
    for name, db in datasette.databases.items():
        if (db.route or name) == route:
            return name
    return None


def download_name(datasette, path):
    """(Chinese file name, ASCII file name) for a CSV address, or None if it is no table, query or package file."""
    match = re.fullmatch(r"/downloads/([A-Za-z0-9_-]+)\.csv", path)
    if match:
        name = match.group(1)
        return title_for(datasette, "budget", name) + ".csv", name + ".csv"
    match = re.fullmatch(r"/([^/]+?)(?:/([^/]+))?\.csv", path)
    database = match and database_for_route(datasette, tilde_decode(match.group(1)))
    if not database:
        return None
    name = tilde_decode(match.group(2)) if match.group(2) else None
    ascii_name = re.sub(r"[^A-Za-z0-9_-]+", "_", name or f"{database}-query").strip("_") or database
    return title_for(datasette, database, name) + ".csv", ascii_name + ".csv"


def csv_download_start(start, names, added_bytes):
    """The response's start message as a download: CSV type, Chinese file name, length grown by the BOM (no
    length at all when added_bytes is None: the body is rewritten as it streams)."""
    headers = []
    for name, value in start.get("headers", []):
        if name.lower() == b"content-length":
            if added_bytes is None:
                continue
            value = str(int(value) + added_bytes).encode()
        if name.lower() not in (b"content-type", b"content-disposition"):
            headers.append((name, value))
    headers += [(b"content-type", b"text/csv; charset=utf-8"),
                (b"content-disposition", content_disposition(*names).encode("ascii"))]
    return dict(start, headers=headers)


def neutralised(neutraliser, decoder, body, last):
    """One chunk of Datasette's CSV with formula-like text made inert (budgetlib/spreadsheet.py's rule)."""
    text = neutraliser.feed(decoder.decode(body, final=last))
    return (text + (neutraliser.finish() if last else "")).encode("utf-8")


def asgi_layer(datasette):  # a layer of the request pipeline (pipeline.py)
    def wrap(app):
        async def excel_ready_csv(scope, receive, send):
            if scope["type"] != "http" or not scope["path"].endswith(".csv"):
                return await app(scope, receive, send)
            query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
            static_file = scope["path"].startswith("/downloads/")
            names = download_name(datasette, scope["path"]) if static_file or "_dl" in query else None
            if names is None:
                return await app(scope, receive, send)
            held = []  # a CSV's start message, sent with the first body chunk once the BOM is decided
            # Datasette's CSV is made from the data as it streams; the package files were made safe at build time.
            safe = None if static_file else (CsvNeutraliser(), codecs.getincrementaldecoder("utf-8")("replace"))

            async def send_excel_ready(message):
                if message["type"] == "http.response.start":
                    headers = {k.lower(): v for k, v in message.get("headers", [])}
                    if message["status"] == 200 and headers.get(b"content-type", b"").startswith(
                            (b"text/csv", b"text/plain")):
                        held.append(message)
                        return
                    safe_off()
                elif message["type"] == "http.response.body" and (held or safe):
                    body = message.get("body", b"")
                    if safe:
                        neutraliser, decoder = safe
                        last = not message.get("more_body", False)
                        if len(body) > NEUTRALISE_INLINE_BYTES:
                            body = await asyncio.to_thread(neutralised, neutraliser, decoder, body, last)
                        else:
                            body = neutralised(neutraliser, decoder, body, last)
                    if held:
                        added = b"" if body.startswith(BOM) else BOM  # the package files have theirs already
                        await send(csv_download_start(held.pop(), names, None if safe else len(added)))
                        body = added + body
                    message = dict(message, body=body)
                await send(message)

            def safe_off():  # not a CSV page (an error, a redirect): passed on as it is
                nonlocal safe
                safe = None

            await app(scope, receive, send_excel_ready)

        return excel_ready_csv

    return wrap


# ---------------------------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------------------------


def with_labels(columns, rows, expanded):
    """Like Datasette's CSV (<column>_label): a foreign key expanded with _labels keeps its id and is followed by
    a <column>（名称） column with the name of what it points to."""
    if not expanded:
        return list(columns), [tuple(row) for row in rows]
    headings = [h for c in columns for h in ([c, f"{c}（名称）"] if c in expanded else [c])]
    out = []
    for row in rows:
        cells = []
        for column, cell in zip(columns, row):
            if column in expanded:
                cells += [cell.get("value"), cell.get("label")] if isinstance(cell, dict) else [cell, None]
            else:
                cells.append(cell)
        out.append(tuple(cells))
    return headings, out


def excel_value(column, value):
    if value is None or isinstance(value, float):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if ID_COLUMN.search(column) or len(str(abs(value))) > EXCEL_EXACT_DIGITS:
            return str(value)
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"（{len(value)} 字节的二进制数据）"
    return sheet_text(value)


def sheet_text(value):
    """Text a worksheet can hold: without the control characters Excel's format forbids."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def text_cell(sheet, value, **style):
    """A cell that is text whatever it looks like: "=…" is never a formula, "01" never becomes 1."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def display_width(text):
    text = "" if text is None else str(text)
    return sum(2 if ord(c) > 0x2e80 else 1 for c in text)


def sheet_title(title):
    return re.sub(r"[\[\]:*?/\\]", "_", sheet_text(title)).strip("'")[:31] or "数据"


def build_workbook(title, columns, rows, notes):
    columns = [sheet_text(column) for column in columns]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    values = [[excel_value(c, v) for c, v in zip(columns, row)] for row in rows]
    for i, column in enumerate(columns, 1):
        widest = max([display_width(column) + 2] + [display_width(row[i - 1]) for row in values[:500]])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(widest + 1, 6), 60)
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(values) + 1}"
    bold = Font(bold=True)
    sheet.append([text_cell(sheet, column, font=bold) for column in columns])
    for row in values:
        sheet.append([text_cell(sheet, value) if isinstance(value, str) else WriteOnlyCell(sheet, value=value)
                      for value in row])
    about = workbook.create_sheet("说明")
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 90
    for label, text in notes:
        about.append([text_cell(about, label), text_cell(about, sheet_text(text))])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@hookimpl
def register_output_renderer(datasette):
    return {"extension": "xlsx", "render": render_xlsx, "can_render": can_render_xlsx}


def can_render_xlsx(view_name, columns):
    return view_name in ("table", "query", "database") and bool(columns)


async def render_xlsx(datasette, request, database, table, query_name, columns, rows, data, view_name):
    if data.get("error"):  # the query failed (a bound of result_budget.py, an SQL error): say why, as JSON does
        return {"body": f"无法生成表格：{data['error']}", "status_code": 400, "content_type": "text/plain; charset=utf-8"}
    if not can_render_xlsx(view_name, columns):  # asked for by address where no link offers it
        return None  # Datasette answers 404
    name = table or query_name
    title = title_for(datasette, database, name)
    page = datasette.absolute_url(request, request.full_path.replace(".xlsx", "", 1))
    limit = datasette.setting("max_returned_rows")
    more = bool(data.get("next")) if table else bool(data.get("truncated"))
    notes = [("内容", title), ("网址", page), ("行数", f"{len(rows)} 行")]
    if more:
        full = datasette.absolute_url(request, csv_download(append_arg(
            request.full_path.replace(".xlsx", ".csv", 1), "_stream", "on")))
        notes.append(("注意", f"每次最多导出 {limit} 行，这里只有前 {len(rows)} 行。"
                              + (f"全部行请下载 CSV：{full}" if table else "请缩小查询范围。")))
    source = datasette.metadata("source") or ""
    licence = datasette.metadata("license") or ""
    notes += [("金额", "预算申报数，不是实际支出（部门年初向财政部门申报的数字）。Budget requests, not actual spending."),
              ("数据来源", source), ("许可", licence)]
    headings, values = with_labels(columns, rows, set(data.get("expanded_columns") or []))
    body = await asyncio.get_running_loop().run_in_executor(WORKBOOK_BUILDERS, build_workbook, title, headings,
                                                            values, notes)
    ascii_name = re.sub(r"[^A-Za-z0-9_-]+", "_", name or f"{database}-query")
    return {"body": body, "content_type": XLSX_TYPE,
            "headers": {"content-disposition": content_disposition(title + ".xlsx", ascii_name + ".xlsx")}}


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["csv_download"] = csv_download
    env.filters["xlsx_download"] = xlsx_download
