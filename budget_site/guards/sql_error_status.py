"""An SQL error caused by the statement a visitor asked for is a 400, not a 500.

Datasette's views turn sqlite3.OperationalError into a 400, but other kinds of sqlite3.DatabaseError escape as a
500 from table pages: "not authorized" from the authorizer (sql_authorizer.py), "string or blob too big" from the
length limit (sql_limits.py), and a ?_where= that names a parameter ($x, :x, ?) nobody supplies. These are the
visitor's statement, not a broken server, so they are answered like Datasette answers any invalid SQL. Errors of
the server itself (a damaged or missing database file, I/O) keep their 500.

SQLite running out of memory is the statement too: sql_limits.py caps SQLite's heap, and a query that needs more
(Python raises MemoryError for SQLite's "out of memory") is refused with a message saying so.
"""
import sqlite3

from datasette import hookimpl
from datasette.database import QueryInterrupted

from ..datasette_seam import DatasetteError, error_page

# SQLite result codes that describe the statement: refused by the authorizer, a value over a limit, a bad range.
STATEMENT_ERRORS = {"SQLITE_AUTH", "SQLITE_TOOBIG", "SQLITE_RANGE", "SQLITE_MISMATCH"}
# Python's sqlite3 raises these, without a result code, for the statement's parameters or for several statements.
STATEMENT_MISTAKES = ("You did not supply a value for binding", "Incorrect number of bindings",
                      "You can only execute one statement at a time")


TOO_MUCH_MEMORY = ("查询需要的内存超过本站的上限，请减少同时计算的长文本（例如相同的长表达式）或行数。"
                   "The query needs more memory than this site allows; compute fewer long values at once.")


TOO_SLOW = ("查询超过了时限（可以减少行数或列数，或下载数据包）。"
            "SQL query took too long (ask for fewer rows or columns, or download the data package).")


def caused_by_statement(exception):
    # A time limit reached while a CSV is written escapes Datasette's own 400 for it (a visitor's `_timelimit=1`).
    if isinstance(exception, (MemoryError, QueryInterrupted)):
        return True
    if isinstance(exception, sqlite3.ProgrammingError):
        return str(exception).startswith(STATEMENT_MISTAKES)
    return isinstance(exception, sqlite3.DatabaseError) and getattr(exception, "sqlite_errorname", None) in STATEMENT_ERRORS


@hookimpl
def handle_exception(datasette, request, exception):
    if caused_by_statement(exception):
        text = {MemoryError: TOO_MUCH_MEMORY, QueryInterrupted: TOO_SLOW}.get(type(exception), str(exception))
        return error_page(datasette, request, DatasetteError(text, title="Invalid SQL", status=400))
    return None
