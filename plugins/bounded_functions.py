"""SQLite built-ins whose one call can run for seconds, refused when their arguments ask for that much work.

Datasette's time limit is checked between SQLite's steps, and each of these is a single step:
- instr(), replace() and two-argument trim()/ltrim()/rtrim() compare every position of their first argument with
  their second: len(X) x len(Y) work. With 1 MB values instr and replace took 3.7 s; trim(X, Y) took 57 s already
  at 500 KB. Real uses have one long argument and one short one (a word, a few characters to strip).
- printf()/format() with a huge width or precision: SQLite 3.40 appends `%.*c` one character at a time and keeps
  looping after the length limit has been hit, so printf('%.*c', 1000000000, 'x') ran 4-40 s.

Each is overridden (SQLite lets a connection redefine a built-in) by a function that checks the work and then asks
the real built-in, on a private in-memory connection with the same length limit, so results are exactly SQLite's.
A refused call fails the query with "user-defined function raised exception".

Only visitors' own SQL (?sql=, ?_where=) can ask for that much work, and it runs on the SQL lane's threads
(sql_lane.py), so only their connections get the overrides. The pages' queries are the site's own SQL with bound
values and keep SQLite's built-ins: each override costs a Python call and a query on the private connection
(~5 µs), and the search page's ranking calls replace() over a thousand times a page (9.9 ms instead of 5 ms at a
million rows). Without a thread pool (num_sql_threads 0) there is no lane, and every connection gets them.
"""
import re
import sqlite3
import threading

from datasette import hookimpl

# Most work (len(X) x len(Y), in characters or bytes) one call may do: ~20 ms for instr/replace's memcmp loop,
# ~50 ms for trim, whose inner loop is about 300 times slower per comparison.
MAX_WORK = {"instr": 2_000_000_000, "replace": 2_000_000_000, "trim": 20_000_000, "ltrim": 20_000_000,
            "rtrim": 20_000_000}
ARGUMENTS = {"instr": 2, "replace": 3, "trim": 2, "ltrim": 2, "rtrim": 2}
# Widest printf width or precision: a wider one could only fail with "string or blob too big" (sql_limits.py).
MAX_WIDTH = 1_000_000
# One printf conversion: flags, width (digits or *), .precision (digits or *), length modifier, type.
CONVERSION = re.compile(r"%[-+ 0#!,]*(\*|\d*)(?:\.(\*|\d*))?l{0,2}(.)", re.S)


class TooMuchWork(Exception):
    pass


def size(value):
    return len(value) if isinstance(value, (str, bytes)) else 32  # a number becomes a short text


def widths(text, args, as_integer):
    """Every width and precision printf(text, *args) would use, literal or taken from args by `*`."""
    used = 0
    for width, precision, kind in CONVERSION.findall(text):
        if kind == "%":
            continue
        for part in (width, precision):
            if part == "*":
                yield abs(as_integer(args[used])) if used < len(args) else 0
                used += 1
            elif part:
                yield int(part)
        used += 1  # the value this conversion formats


VISITORS_SQL_THREADS = "sql-lane"  # the name prefix of the SQL lane's threads (sql_lane.py)


def runs_visitors_sql(datasette):
    """Whether the connection being prepared (on the thread that will use it) can run visitors' SQL."""
    return (not datasette.setting("num_sql_threads")
            or threading.current_thread().name.startswith(VISITORS_SQL_THREADS))


@hookimpl
def prepare_connection(conn, datasette):
    if not runs_visitors_sql(datasette):
        return
    private = sqlite3.connect(":memory:", check_same_thread=False)  # used only from conn's own thread
    private.text_factory = lambda raw: str(raw, "utf-8", "replace")  # as Datasette reads text

    def builtin(name, args):
        # The built-in's output is bounded like any value on conn (replace() can multiply its input).
        private.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH))
        return private.execute(f"select {name}({', '.join('?' * len(args))})", args).fetchone()[0]

    def as_integer(value):  # as SQLite reads a `*` argument
        return value if isinstance(value, int) else private.execute("select cast(? as integer)", [value]).fetchone()[0] or 0

    def quadratic(name):
        def call(*args):
            if size(args[0]) * size(args[1]) > MAX_WORK[name]:
                raise TooMuchWork(f"{name}() arguments too long")
            return builtin(name, args)

        return call

    def formatting(name):
        def call(*args):
            text = args[0].decode("utf-8", "replace") if args and isinstance(args[0], bytes) else str(args[0]) if args else ""
            if max(widths(text, args[1:], as_integer), default=0) > MAX_WIDTH:
                raise TooMuchWork(f"{name}() width or precision over {MAX_WIDTH}")
            return builtin(name, args)

        return call

    for name, arguments in ARGUMENTS.items():
        conn.create_function(name, arguments, quadratic(name), deterministic=True)
    for name in ("printf", "format"):
        conn.create_function(name, -1, formatting(name), deterministic=True)
