"""A bound on the size of one query's result, checked while SQLite hands over the rows.

Datasette keeps a whole result in memory and then encodes it (JSON, CSV or an HTML table) on the event loop that
serves every visitor: 2,000 rows of 100 columns became an 11.8 MB page and held up /assets/site.css for 1.1 s.
sql_limits.py bounds each value; this bounds the whole: at most MAX_CELLS values and MAX_BYTES bytes per query, so
encoding one result takes a fraction of a second and a bounded amount of memory.

Bytes, not characters: a character can take 12 bytes once encoded (JSON writes an emoji as two \\uXXXX escapes,
a Chinese character as one, a control character as \\u0001; HTML writes & as &amp;), so 5 million characters of
emoji were a 60 MB body and +290 MB of server memory. Each text counts as its JSON encoding plus four bytes for each
character HTML escapes, which bounds every format the site writes (JSON, HTML, CSV). Column names count once per
row, as `_shape=objects` and `_shape=array` repeat them (25 names of 1,200 characters x 2,000 rows were 60 MB).

The largest result a page needs is a 2,000-row `_size=max` page of the widest table (22 columns, 44,000 values) of
a million-row database, whose texts are a few hundred characters; CSV streaming (`_stream=on`) fetches page by
page, each page its own query, so whole-table downloads are not limited.
"""
import sqlite3
import threading
import weakref
from json.encoder import encode_basestring_ascii

from datasette import hookimpl

from ..names import THREAD_CELL_LIMIT

MAX_CELLS = 50_000  # 2,000 rows (max_returned_rows) x 25 columns
# Encoded bytes of one result: with the markup around the values a body stays under ~10 MB, and the server holds
# the rows, the encoded text and its bytes at once (~30 MB at most).
MAX_BYTES = 6_000_000
NUMBER_BYTES = 24  # the longest a number is written: -1.2345678901234567e-308
PUNCTUATION_BYTES = 4  # quotes, comma, colon around each value
HTML_ESCAPED = "&<>\"'"  # each written as an entity of up to 5 bytes (&#34;)
# A thread may lower its own bound: sql_lane.py does for visitors' SQL shown as an HTML table, which costs about
# twelve times as much per value to render as JSON or CSV (a Datasette render_cell call per value), leaving the lower
# bound on the thread (names.THREAD_CELL_LIMIT).


def message(cells):
    return (f"查询结果太大：一次最多 {cells} 个值、{MAX_BYTES:,} 字节。请减少行数或列数（例如加 limit）；要取得全部数据，"
            "请下载 CSV 并加 _stream=on（逐页取完所有行），或下载数据包（/downloads）。"
            f"Result too large: at most {cells} values and {MAX_BYTES:,} bytes per query; select fewer rows or "
            "columns, or get everything as CSV with _stream=on or from the data package (/downloads).")


class ResultTooLarge(sqlite3.OperationalError):
    """Datasette's views report an OperationalError like any SQL error: 400 with the message, not a 500."""


def encoded_bytes(value):
    """The most bytes a value takes in any format the site writes."""
    if isinstance(value, str):
        return len(encode_basestring_ascii(value)) + 4 * sum(value.count(c) for c in HTML_ESCAPED)
    if isinstance(value, bytes):
        return len(value) * 4 // 3 + 64  # base64 in JSON, with its {"$base64": true, "encoded": …} wrapper
    return NUMBER_BYTES


def counting_row_factory():
    """sqlite3.Row for each row, counting per cursor (a cursor is one query) and refusing past the budget."""
    current = {"cursor": None, "cells": 0, "bytes": 0, "names": 0}

    def row_factory(cursor, values):
        if current["cursor"] is None or current["cursor"]() is not cursor:  # a new query: start counting afresh
            names = sum(encoded_bytes(column[0]) for column in cursor.description or [])
            current.update(cursor=weakref.ref(cursor), cells=0, bytes=0, names=names)
        current["cells"] += len(values)
        current["bytes"] += current["names"] + sum(map(encoded_bytes, values)) + PUNCTUATION_BYTES * len(values)
        cells = getattr(threading.current_thread(), THREAD_CELL_LIMIT, MAX_CELLS)
        if current["cells"] > cells or current["bytes"] > MAX_BYTES:
            raise ResultTooLarge(message(cells))
        return sqlite3.Row(cursor, values)

    return row_factory


@hookimpl
def prepare_connection(conn):
    conn.row_factory = counting_row_factory()  # Datasette set sqlite3.Row just before calling this hook
