"""SQLite's own limits on every connection, so no single value, statement or function call can grow without bound.

Datasette's sql_time_limit_ms is checked between virtual-machine steps, so one long call runs to its end however
long it takes: printf('%.*c', 1000000000, 'x') ran 13-40 s and hex(randomblob(200000000)) sent 400 MB from 2.2 GB
of memory. With these limits such calls stop at once with "string or blob too big".

Each limit is far above what the published data and every page and saved query use (the largest real cell is a
few hundred characters; widest table 22 columns; saved queries are about 2 KB of SQL with at most four UNION ALLs)
and is per value or per statement, not per table, so a million-row database fits as well as the real one.

Per-value limits do not bound how many values one statement holds at once: SQLite computes a constant expression
such as hex(zeroblob(499999)) once and keeps it for the whole statement, so 150 of them in one query held 300 MB.
SQLite's heap as a whole is therefore capped (sqlite3_hard_heap_limit64, for the process): past HEAP_LIMIT an
allocation fails, the statement stops with "out of memory" (Python's MemoryError, a 400 in sql_error_status.py)
and frees what it held. Near it (SOFT_HEAP_LIMIT) SQLite first gives back page cache.
"""
import ctypes
import ctypes.util
import sqlite3

from datasette import hookimpl

LIMITS = {
    # Longest string, blob or row, in bytes. Not "a few MB": instr/replace/trim are quadratic in their arguments
    # (bounded_functions.py guards their second argument), and a row of the long-text security test is ~0.7 MB.
    sqlite3.SQLITE_LIMIT_LENGTH: 1_000_000,
    # Longest SQL text. A URL cannot carry more than ~16 KB through uvicorn anyway; in-process requests can.
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    # LIKE/GLOB cost is text length x pattern length (a 40,000-byte pattern on 100 KB of text took 2.3 s).
    # 300 bytes is a 100-character Chinese phrase for the saved queries' like '%' || :词 || '%'.
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 300,
    sqlite3.SQLITE_LIMIT_COLUMN: 200,            # result columns, GROUP BY / ORDER BY terms
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 250,        # parser recursion
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,    # UNION / UNION ALL terms
    sqlite3.SQLITE_LIMIT_VDBE_OP: 25_000,        # size of one compiled statement
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 500,   # :named parameters in one statement
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,            # the site never attaches a database; nobody else may either
}


# All of the server's SQLite memory: page caches (2 MB per connection and database at most; ~8 connections, given
# back above the soft limit) and the statements running. With 32 MB no request raised the server's peak by more
# than 50 MB (the issue's bound; 40 MB gave 49 MB with Python's own share); the published databases' pages use a
# few MB.
HEAP_LIMIT = 32 * 2 ** 20
SOFT_HEAP_LIMIT = 24 * 2 ** 20


def cap_sqlite_heap():
    """Set the heap limits on the SQLite library Python's sqlite3 uses (the same shared library, loaded once)."""
    library = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
    for name, value in (("sqlite3_hard_heap_limit64", HEAP_LIMIT), ("sqlite3_soft_heap_limit64", SOFT_HEAP_LIMIT)):
        function = getattr(library, name)
        function.argtypes, function.restype = [ctypes.c_int64], ctypes.c_int64
        function(value)


cap_sqlite_heap()


@hookimpl
def prepare_connection(conn):
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
