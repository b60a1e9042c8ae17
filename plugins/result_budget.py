"""A bound on the size of one query's result, checked while SQLite hands over the rows.

Datasette keeps a whole result in memory and then encodes it (JSON, CSV or an HTML table) on the event loop that
serves every visitor: 2,000 rows of 100 columns became an 11.8 MB page and held up /assets/site.css for 1.1 s.
sql_limits.py bounds each value; this bounds the whole: at most MAX_CELLS values and MAX_CHARACTERS characters
(or bytes of blobs) per query, so encoding one result takes a fraction of a second.

The largest result a page needs is a 2,000-row `_size=max` page of the widest table (22 columns, 44,000 values) of
a million-row database, whose texts are a few hundred characters; CSV streaming (`_stream=on`) fetches page by
page, each page its own query, so whole-table downloads are not limited.
"""
import sqlite3
import threading
import weakref

from datasette import hookimpl

MAX_CELLS = 50_000  # 2,000 rows (max_returned_rows) x 25 columns
MAX_CHARACTERS = 5_000_000
# A thread may lower its own bound: sql_lane.py does for visitors' SQL shown as an HTML table, which costs about
# twelve times as much per value to render as JSON or CSV (a Datasette render_cell call per value).
THREAD_CELL_LIMIT = "site_result_cells"


def message(cells):
    return (f"查询结果太大：一次最多 {cells} 个值、{MAX_CHARACTERS} 个字符。请减少行数或列数（例如加 limit），"
            f"或改用 .json / .csv 取得更多。Result too large: at most {cells} values and {MAX_CHARACTERS} characters "
            "per query; select fewer rows or columns, or use .json / .csv.")


class ResultTooLarge(sqlite3.OperationalError):
    """Datasette's views report an OperationalError like any SQL error: 400 with the message, not a 500."""


def counting_row_factory():
    """sqlite3.Row for each row, counting per cursor (a cursor is one query) and refusing past the budget."""
    current = {"cursor": None, "cells": 0, "characters": 0}

    def row_factory(cursor, values):
        if current["cursor"] is None or current["cursor"]() is not cursor:  # a new query: start counting afresh
            current.update(cursor=weakref.ref(cursor), cells=0, characters=0)
        current["cells"] += len(values)
        current["characters"] += sum(len(v) for v in values if isinstance(v, (str, bytes)))
        cells = getattr(threading.current_thread(), THREAD_CELL_LIMIT, MAX_CELLS)
        if current["cells"] > cells or current["characters"] > MAX_CHARACTERS:
            raise ResultTooLarge(message(cells))
        return sqlite3.Row(cursor, values)

    return row_factory


@hookimpl
def prepare_connection(conn):
    conn.row_factory = counting_row_factory()  # Datasette set sqlite3.Row just before calling this hook
