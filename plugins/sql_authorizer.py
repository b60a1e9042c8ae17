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

datasette-sqlite-authorizer (2021) was considered: it only makes configured tables read-only, which does not help.
"""
import sqlite3

from datasette import hookimpl

DENIED_FUNCTIONS = {"fts3_tokenizer", "load_extension"}
# Virtual tables about the process or the file, not the data.
DENIED_TABLES = {"sqlite_stmt", "sqlite_dbpage", "dbstat"}
# pragma_*() table-valued functions a visitor may use: the published schema and nothing else.
SCHEMA_PRAGMAS = {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list"}


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


@hookimpl
def prepare_connection(conn):
    conn.set_authorizer(authorize)
