"""SQLite's authorizer on every connection: visitors' SQL sees the published tables, never the server.

Datasette lets anyone run SELECTs, and SQLite offers functions and virtual tables that answer about the process
rather than the data: fts3_tokenizer('simple') returns a memory address (and with two arguments would register a
tokenizer at any address), sqlite_stmt lists the statements cached on the connection (other visitors' SQL with
their values), pragma_database_list gives the database files' paths. The authorizer is asked while each statement
is compiled, whatever form it is written in (subquery, view, CTE, function-call syntax), so these are refused there.

Datasette's own introspection runs PRAGMA *statements* on the same connections (database_list for the database
page, table_info, foreign_key_list...). Visitors cannot send a PRAGMA statement (Datasette accepts only SELECT and
refuses SQL containing "pragma" except a few pragma_*() functions), so statement-form pragmas stay allowed, and the
function form is allowed only for schema pragmas, which describe the published tables.

A statement of a visitor's that reads a full-text index may build no value over FTS_VALUE_LIMIT bytes. FTS5 parses
a MATCH expression in one step that neither the time limit nor an interrupt reaches, in time that grows with the
square of its terms (100,000 terms: 2.8 s) and recursing once per NOT: 'a' followed by 100,000 ' NOT zzz' (800 KB,
under the 1 MB value limit, built by replace() from a short statement) crashed the server with a stack overflow.
The limit is lowered when the statement is compiled and put back when it ends (sql_lane.py runs THREAD_AFTER_QUERY),
together with setting the authorizer again, which makes SQLite compile every statement afresh: Python keeps
compiled statements for reuse, and a reused statement, with a new bound value, would not be authorized again.

datasette-sqlite-authorizer (2021) was considered: it only makes configured tables read-only, which does not help.
"""
import sqlite3
import threading

from datasette import hookimpl

from ..names import SQL_LANE_THREADS, THREAD_AFTER_QUERY

DENIED_FUNCTIONS = {"fts3_tokenizer", "load_extension"}
# Virtual tables about the process or the file, not the data.
DENIED_TABLES = {"sqlite_stmt", "sqlite_dbpage", "dbstat"}
# pragma_*() table-valued functions a visitor may use: the published schema and nothing else.
SCHEMA_PRAGMAS = {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list"}
# 50 KB: at most 25,000 terms (0.24 s to parse) and a few thousand NOTs deep. cjk_query's largest output (500
# characters) is ~1.5 KB; the index's texts are a few hundred characters.
FTS_VALUE_LIMIT = 50_000


def authorize(action, arg1, arg2, database, source):
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_READ and arg1:
        table = arg1.lower()
        if table in DENIED_TABLES:
            return sqlite3.SQLITE_DENY
        # A pragma used as a function is read like a table called pragma_<name> (SQLite's eponymous tables).
        if table.startswith("pragma_") and table[len("pragma_"):] not in SCHEMA_PRAGMAS:
            return sqlite3.SQLITE_DENY
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def full_text_tables(conn):
    return {name.lower() for (name,) in conn.execute(
        "select name from sqlite_master where type = 'table' and sql like 'create virtual table%using fts%'")}


def with_small_values_on_full_text(conn, fts_tables):
    """authorize(), and for a statement that reads a full-text table, values limited to FTS_VALUE_LIMIT."""
    def authorize_visitors(action, arg1, arg2, database, source):
        if action == sqlite3.SQLITE_READ and arg1 and arg1.lower() in fts_tables:
            length = conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH)
            if length > FTS_VALUE_LIMIT:
                conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, FTS_VALUE_LIMIT)

                def put_back():
                    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, length)
                    conn.set_authorizer(authorize_visitors)  # SQLite expires the compiled statements

                thread = threading.current_thread()
                setattr(thread, THREAD_AFTER_QUERY, getattr(thread, THREAD_AFTER_QUERY, []) + [put_back])
        return authorize(action, arg1, arg2, database, source)

    return authorize_visitors


@hookimpl
def prepare_connection(conn):
    # Visitors' SQL runs on the SQL lane's threads (sql_lane.py); the pages' search is the site's own, bounded by
    # cjk_query, and shows whole texts, which may be long.
    visitors = threading.current_thread().name.startswith(SQL_LANE_THREADS)
    fts_tables = full_text_tables(conn) if visitors else set()
    conn.set_authorizer(with_small_values_on_full_text(conn, fts_tables) if fts_tables else authorize)
