"""URL parameters Datasette 0.65.5 turns into a 500 are refused with a 400 before Datasette sees them.

A 500 says "the server is broken"; these are visitors' typos and probes (found by tests/test_param_fuzz.py). Each
rule names what fails without it:
- a path or query string sent as raw UTF-8 (curl does; browsers percent-encode): the router decodes raw_path as
  ASCII (UnicodeDecodeError) and Request.args reads the query as Latin-1. Such bytes are percent-encoded here, as a
  browser would have sent them, so `curl '.../special_funds?年度=2019'` works;
- a NUL anywhere: SQLite refuses SQL text containing one, and names from the URL go into SQL text;
- _timelimit, _ttl, _size, _facet_size that are not plain ASCII numbers: int() raises on '²' or 'x';
- _json_infinity that is not on/off/true/false/1/0 (even empty): value_as_boolean raises;
- a _facet* value that starts with "{" but is not {"simple": "<column>"}: json.loads or KeyError;
- a column filter (name__op) whose value str.isdigit() accepts but int() does not ('²'), or which is over 64 bits
  (OverflowError when bound); an __in / __notin list that is not a JSON list of values;
- _sort / _sort_desc naming no column of the table, or both at once: DatasetteError without a status (500);
- _through that is not {"table", "column", "value"} JSON for a table that links to this one;
- _next on a view, where it is an offset, that is not a number: int() raises;
- /<database>.csv without ?sql=: the CSV renderer expects query columns (KeyError).
Refused requests get the site's error page (refusals.py).
"""
import json
import re
import sqlite3
import urllib.parse

from datasette import hookimpl
from datasette.utils import tilde_decode

# Datasette's table, view, canned query and row routes (app.py), on the raw path: /<database>/<table>[.<format>]
TABLE_PATH = re.compile(r"^/(?P<database>[^/.]+)/(?P<table>[^/.]+)(\.\w+)?$")
NUMBER = re.compile(r"^[0-9]{1,9}$")
NUMBER_PARAMETERS = {"_timelimit": NUMBER, "_ttl": NUMBER, "_size": re.compile(r"^([0-9]{1,9}|max)$"),
                     "_facet_size": re.compile(r"^([0-9]{1,9}|max)$")}
BOOLEAN_PARAMETERS = {"_json_infinity"}  # read with value_as_boolean, which accepts nothing else, not even ""
BOOLEAN = re.compile(r"^(?i:on|off|true|false|1|0)$")
DATABASE_CSV = re.compile(r"^/[^/.]+\.csv$")


def bindable(value):
    """A value sqlite3 can bind: text, a float, or an integer that fits in 64 bits (else OverflowError)."""
    return isinstance(value, (str, float)) or (isinstance(value, int) and -2 ** 63 <= value < 2 ** 63)


def refuse(scope, parameter):
    return dict(scope, **{"site.refuse": ("bad-parameter", parameter)})  # answered by refusals.py


def json_value(text, kind):
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, kind) else None


def wrong_value(name, value):
    """True if Datasette would fail on this one parameter, whatever the table."""
    rule = NUMBER_PARAMETERS.get(name)
    if "\x00" in name or "\x00" in value or (rule and value and not rule.match(value)):
        return True
    if name in BOOLEAN_PARAMETERS and not BOOLEAN.match(value):
        return True
    if name.startswith("_facet") and value.startswith("{"):
        config = json_value(value, dict)
        return not (config and isinstance(config.get("simple"), str))
    if "__" in name and not name.startswith("_"):  # a column filter, column__op=value
        if value.isdigit() and not (value.isascii() and len(value) <= 19 and int(value) < 2 ** 63):
            return True
        if name.endswith(("__in", "__notin")) and value.startswith("["):
            values = json_value(value, list)
            return values is None or not all(bindable(v) for v in values)
    return False


def percent_encoded(raw):
    """Bytes outside ASCII as %XX, as a browser sends them."""
    return re.sub(rb"[\x80-\xff]", lambda byte: b"%%%02X" % byte.group()[0], raw)


def plain_problem(scope):
    """The first parameter (or "path") that is wrong on its face, without looking at any table."""
    if "\x00" in scope["path"]:
        return "path"
    pairs = urllib.parse.parse_qsl(scope.get("query_string", b"").decode("ascii"), keep_blank_values=True)
    for name, value in pairs:
        if wrong_value(name, value):
            return name
    if DATABASE_CSV.match(scope["path"]) and not any(name == "sql" and value for name, value in pairs):
        return "sql"
    return None


async def table_problem(datasette, scope):
    """The first _sort, _sort_desc or _through that does not fit the table the path names."""
    args = urllib.parse.parse_qs(scope.get("query_string", b"").decode("ascii"), keep_blank_values=True)
    if not ({"_sort", "_sort_desc", "_through", "_next"} & set(args)):
        return None
    match = TABLE_PATH.match((scope.get("raw_path") or urllib.parse.quote(scope["path"]).encode()).decode("ascii"))
    # A database's route is its name, or name-<hash> in a release bundle (datasette-hashed-urls).
    db = next((d for d in datasette.databases.values() if match and d.route == tilde_decode(match["database"])), None)
    if db is None:
        return None  # not a table page: Datasette ignores these parameters there
    table = tilde_decode(match["table"])
    is_view = table in await db.view_names()
    if not (is_view or await db.table_exists(table)):
        return None  # a saved query, or a 404 Datasette will give
    if is_view and any(not NUMBER.match(value) for value in args.get("_next", []) if value):
        return "_next"  # a view pages by offset
    if "_sort" in args and "_sort_desc" in args and any(args["_sort"]) and any(args["_sort_desc"]):
        return "_sort_desc"
    # What Datasette lets a table sort by (TableView.sortable_columns_for_table).
    metadata = datasette.table_metadata(db.name, table)
    sortable = set(metadata.get("sortable_columns") or await db.table_columns(table))
    if "sortable_columns" not in metadata and not await db.primary_keys(table) and await db.table_exists(table):
        sortable.add("rowid")
    for name in ("_sort", "_sort_desc"):
        if any(value and value not in sortable for value in args.get(name, [])):
            return name
    for through in args.get("_through", []):
        try:
            spec = json.loads(through)
            if not (isinstance(spec, dict) and isinstance(spec.get("column"), str) and "\x00" not in spec["column"]
                    and bindable(spec.get("value")) and isinstance(spec.get("table"), str)
                    and await db.table_exists(spec["table"])):
                return "_through"
            if table not in {fk["other_table"] for fk in await db.foreign_keys_for_table(spec["table"])}:
                return "_through"
        except (ValueError, sqlite3.DatabaseError):  # not JSON; a table name SQLite cannot look up
            return "_through"
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def guard_parameters(scope, receive, send):
            if scope["type"] == "http":
                scope = dict(scope, query_string=percent_encoded(scope.get("query_string", b"")),
                             **({"raw_path": percent_encoded(scope["raw_path"])} if scope.get("raw_path") else {}))
                problem = plain_problem(scope) or await table_problem(datasette, scope)
                if problem:
                    scope = refuse(scope, problem)
            await app(scope, receive, send)

        return guard_parameters

    return wrap
