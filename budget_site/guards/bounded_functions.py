"""SQLite built-ins whose one call can run for seconds, refused when their arguments ask for that much work.

Datasette's time limit is checked between SQLite's steps (sql_lane.py: every 100 on visitors' connections), and
each of these is a single step:
- instr(), replace() and two-argument trim()/ltrim()/rtrim() compare every position of their first argument with
  their second: len(X) x len(Y) work. With 1 MB values instr and replace took 3.7 s; trim(X, Y) took 57 s already
  at 500 KB. Real uses have one long argument and one short one (a word, a few characters to strip).
- LIKE and GLOB (the functions like(P, X), like(P, X, E), glob(P, X)) likewise: a 1 MB text against a 300-byte
  pattern took 0.35 s a call, 14 in one row 5.8 s.
- printf()/format() with a huge width or precision: SQLite 3.40 appends `%.*c` one character at a time and keeps
  looping after the length limit has been hit, so printf('%.*c', 1000000000, 'x') ran 4-40 s, and 126 conversions
  of `%.999999c` each under a per-conversion bound ran 0.45 s a call. The bound is on their sum.

Each is overridden (SQLite lets a connection redefine a built-in) by a function that checks the work and then asks
the real built-in, on a private in-memory connection with the same length limit, so results are exactly SQLite's.
A refused call fails the query with "user-defined function raised exception". Many calls that are each allowed
still stop at the query's time limit: every call first looks at the deadline sql_lane.py leaves on the thread (and
whether the visitor is gone) and, if it has passed, interrupts the query, which Datasette reports as too slow.
The private connection checks the same deadline with a progress handler of its own.

Only visitors' own SQL (?sql=, ?_where=) can ask for that much work, and it runs on the SQL lane's threads
(sql_lane.py), so only their connections get the overrides. The pages' queries are the site's own SQL with bound
values and keep SQLite's built-ins: each override costs a Python call and a query on the private connection
(~5 µs), and the search page's ranking calls replace() over a thousand times a page (9.9 ms instead of 5 ms at a
million rows). Without a thread pool (num_sql_threads 0) there is no lane, and every connection gets them.
"""
import re
import sqlite3
import threading
import time

from datasette import hookimpl

from ..names import SQL_LANE_THREADS, THREAD_DEADLINE, THREAD_GONE

# Most work (len(X) x len(Y), in characters or bytes) one call may do, about 5 ms on this machine: instr/replace's
# memcmp loop, trim's inner loop (about 300 times slower per comparison), LIKE/GLOB's pattern matcher (~1.2 ns per
# text character x pattern character). A call only starts before the query's deadline, so this is also how far a
# query can overrun its time limit (20 ms calls overran by 0.4 s when the machine was busy: the lane's thread runs
# at low priority). Real uses are far below: replace() of one character in a 1 MB text is 1,000,000; a LIKE
# ('%低保%' on a cell of a few hundred characters) a few thousand.
MAX_WORK = {"instr": 500_000_000, "replace": 500_000_000, "trim": 1_000_000, "ltrim": 1_000_000,
            "rtrim": 1_000_000, "like": 5_000_000, "glob": 5_000_000}
ARGUMENTS = {"instr": [2], "replace": [3], "trim": [2], "ltrim": [2], "rtrim": [2], "like": [2, 3], "glob": [2]}
PATTERN_FIRST = {"like", "glob"}  # `X LIKE P` calls like(P, X): the text is the second argument
# Sum of every width and precision of one printf call: more could only fail with "string or blob too big"
# (sql_limits.py), after SQLite had looped over all of it.
MAX_WIDTH = 1_000_000
# One printf conversion: flags, width (digits or *), .precision (digits or *), length modifier, type.
CONVERSION = re.compile(r"%[-+ 0#!,]*(\*|\d*)(?:\.(\*|\d*))?l{0,2}(.)", re.S)
PRIVATE_CHECK_EVERY = 10  # instructions: the private connection runs one-call statements of a few steps


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


def runs_visitors_sql(datasette):
    """Whether the connection being prepared (on the thread that will use it) can run visitors' SQL."""
    return (not datasette.setting("num_sql_threads")
            or threading.current_thread().name.startswith(SQL_LANE_THREADS))


def must_stop():
    """The running query is past its time limit, or the visitor who sent it has gone."""
    thread = threading.current_thread()
    deadline, gone = getattr(thread, THREAD_DEADLINE, None), getattr(thread, THREAD_GONE, None)
    return (deadline is not None and time.perf_counter() >= deadline) or (gone is not None and gone.is_set())


@hookimpl
def prepare_connection(conn, datasette):
    if not runs_visitors_sql(datasette):
        return
    private = sqlite3.connect(":memory:", check_same_thread=False)  # used only from conn's own thread
    private.text_factory = lambda raw: str(raw, "utf-8", "replace")  # as Datasette reads text
    private.set_progress_handler(must_stop, PRIVATE_CHECK_EVERY)

    def builtin(name, args):
        # The built-in's output is bounded like any value on conn (replace() can multiply its input).
        private.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH))
        return private.execute(f"select {name}({', '.join('?' * len(args))})", args).fetchone()[0]

    def as_integer(value):  # as SQLite reads a `*` argument
        return value if isinstance(value, int) else private.execute("select cast(? as integer)", [value]).fetchone()[0] or 0

    def checked(name, too_much):
        def call(*args):
            if must_stop():
                conn.interrupt()  # SQLite stops at its next step with "interrupted": Datasette's "too slow"
                return None
            problem = too_much(args)
            if problem:
                raise TooMuchWork(f"{name}() {problem}")
            try:
                return builtin(name, args)
            except sqlite3.OperationalError as error:
                if str(error) != "interrupted":
                    raise
                conn.interrupt()
                return None

        return call

    def quadratic(name):
        text, other = (1, 0) if name in PATTERN_FIRST else (0, 1)
        return lambda args: ("arguments too long" if size(args[text]) * size(args[other]) > MAX_WORK[name]
                             else None)

    def formatting(args):
        text = args[0].decode("utf-8", "replace") if args and isinstance(args[0], bytes) else str(args[0]) if args else ""
        return (f"widths and precisions add up to over {MAX_WIDTH}"
                if sum(widths(text, args[1:], as_integer)) > MAX_WIDTH else None)

    for name, counts in ARGUMENTS.items():
        for arguments in counts:
            conn.create_function(name, arguments, checked(name, quadratic(name)), deterministic=True)
    for name in ("printf", "format"):
        conn.create_function(name, -1, checked(name, formatting), deterministic=True)
