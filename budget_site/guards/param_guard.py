"""URL parameters Datasette 0.65.5 turns into a 500 are refused with a 400 before Datasette sees them.

A 500 says "the server is broken"; these are visitors' typos and probes (found by tests/server/test_param_fuzz.py). Each
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

And parameters whose work grows faster than their length are bounded here, before Datasette spends it on the
server's one event loop (these requests carry no SQL of the visitor's, so the SQL lane never sees them):
- a parameter repeated with the same value is kept once: Datasette does not deduplicate `_facet`, and every value
  of every facet gets toggle links that re-encode the whole query string, so 300 copies of `_facet=二级指标` made a
  40 MB page in 10 s and held the loop for all of it;
- at most MAX_PARAMETERS parameters, MAX_QUERY_STRING bytes of query string, MAX_FACETS facets, and facets'
  toggle links (facets x values shown x query string) at most MAX_FACET_LINK_BYTES;
- `_search` and `_search_<column>` as long and with as many terms as the site's own search (budgetlib/cjk.py): FTS5
  parses a query in one step the time limit cannot interrupt, 25,000 terms took 5.5 s and 250 MB.
Refused requests get the site's error page (refusals.py).
"""
import json
import re
import sqlite3
import urllib.parse

from datasette.utils import tilde_decode

from budgetlib.cjk import MAX_QUERY_CHARACTERS, MAX_QUERY_TERMS

from ..datasette_seam import TABLE_PATH, sortable_columns
from ..names import REFUSE

NUMBER = re.compile(r"^[0-9]{1,9}$")
NUMBER_PARAMETERS = {"_timelimit": NUMBER, "_ttl": NUMBER, "_size": re.compile(r"^([0-9]{1,9}|max)$"),
                     "_facet_size": re.compile(r"^([0-9]{1,9}|max)$")}
BOOLEAN_PARAMETERS = {"_json_infinity"}  # read with value_as_boolean, which accepts nothing else, not even ""
BOOLEAN = re.compile(r"^(?i:on|off|true|false|1|0)$")
DATABASE_CSV = re.compile(r"^/[^/.]+\.csv$")
# A form of the site sends under 20 parameters; the SQL page one per :name of the statement.
MAX_PARAMETERS = 100
# Bytes of query string: 10-30 KB of SQL, percent-encoded, far more than any real query (saved ones are ~2 KB);
# every link a page builds repeats it. (sql_limits.py's 100 KB bounds SQL text however it is sent.)
MAX_QUERY_STRING = 32 * 1024
MAX_FACETS = 10  # the widest table has 22 columns; a page with ten facets is already hard to read
# Toggle links a faceted page builds: facets x values shown (_facet_size, "max" is max_returned_rows) x query
# string bytes. 5 facets of 30 values with a 2 KB query string is 0.3 MB; the 300 copies above were 18 GB.
MAX_FACET_LINK_BYTES = 4_000_000
FACET_PARAMETERS = ("_facet", "_facet_array", "_facet_date")
SEARCH_PARAMETER = re.compile(r"^_search(_.+)?$")


def bindable(value):
    """A value sqlite3 can bind: text, a float, or an integer that fits in 64 bits (else OverflowError)."""
    return isinstance(value, (str, float)) or (isinstance(value, int) and -2 ** 63 <= value < 2 ** 63)


def refuse(scope, parameter, reason="bad-parameter"):
    return dict(scope, **{REFUSE: (reason, parameter)})  # answered by refusals.py


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


def without_repeats(query_string):
    """The query string with each (name, value) pair once, in the order first given."""
    pairs = urllib.parse.parse_qsl(query_string.decode("ascii"), keep_blank_values=True)
    once = list(dict.fromkeys(pairs))
    return query_string if len(once) == len(pairs) else urllib.parse.urlencode(once).encode("ascii")


def facet_values_shown(pairs, settings):
    """How many values each facet lists at most: _facet_size (first one, as Datasette reads it) or the default."""
    size = next((value for name, value in pairs if name == "_facet_size" and value), None)
    shown = settings["default_facet_size"] if size is None else settings["max_returned_rows"] if size == "max" else int(size)
    return min(shown, settings["max_returned_rows"])


def too_much_work(query_string, settings):
    """None, or the parameter that asks Datasette for too much work ("" for the query string as a whole)."""
    pairs = urllib.parse.parse_qsl(query_string.decode("ascii"), keep_blank_values=True)
    if len(pairs) > MAX_PARAMETERS or len(query_string) > MAX_QUERY_STRING:
        return ""
    facets = sum(name in FACET_PARAMETERS for name, _ in pairs)
    if facets > MAX_FACETS or facets * facet_values_shown(pairs, settings) * len(query_string) > MAX_FACET_LINK_BYTES:
        return "_facet"
    for name, value in pairs:
        if SEARCH_PARAMETER.match(name) and (len(value) > MAX_QUERY_CHARACTERS or len(value.split()) > MAX_QUERY_TERMS):
            return name
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
    sortable = await sortable_columns(datasette, db, table)
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


def asgi_layer(datasette):  # a layer of the request pipeline (pipeline.py)
    settings = {name: datasette.setting(name) for name in ("max_returned_rows", "default_facet_size")}

    def wrap(app):
        async def guard_parameters(scope, receive, send):
            if scope["type"] == "http":
                scope = dict(scope, query_string=without_repeats(percent_encoded(scope.get("query_string", b""))),
                             **({"raw_path": percent_encoded(scope["raw_path"])} if scope.get("raw_path") else {}))
                problem = plain_problem(scope) or await table_problem(datasette, scope)
                excess = None if problem else too_much_work(scope["query_string"], settings)
                if problem:
                    scope = refuse(scope, problem)
                elif excess is not None:
                    scope = refuse(scope, excess, "too-much")
            await app(scope, receive, send)

        return guard_parameters

    return wrap
