"""Visitors' own SQL runs in a lane of its own, so people looping slow queries cannot starve the pages.

Datasette runs every query, a page's and a visitor's alike, on one pool of num_sql_threads threads with a
first-come queue. Eight clients looping a query that the time limit stops after 1 s kept that queue full, and the
landing page, which runs about a dozen small queries, took 17-33 s to load.

Requests that carry SQL written by the visitor (?sql= on a database, its .json and .csv, and ?_where= on a table)
now have a lane of their own, inside the same Datasette:
- their queries run on SQL_THREADS low-priority threads, not on Datasette's pool, which the pages keep;
- their results are encoded on the lane's own event loop thread: Datasette renders a whole result in one go, and
  on the server's loop 8 clients looping 5,000-value HTML tables held the landing page up for 1.6-4.7 s;
- at most MAX_RUNNING are answered at once and MAX_WAITING more wait up to MAX_WAIT seconds; beyond that, 429 with
  a Chinese message (refusals.py); after each, the slot rests in proportion to the CPU the lane's loop spent.
Measured with bench/starvation.py: the landing page's p95 under 8 looping clients went from 33 s to under 0.7 s.

Saved queries stay with the pages: their SQL is the site's own, reviewed and linked from the landing page, and a
visitor only supplies bound values, exactly like a table page's filters; on the published data each takes a few
milliseconds. Sending them to the lane would give citizens 429s whenever someone floods the SQL interface.

Datasette checks its time limit every 1,000 SQLite instructions, and one instruction can be a function call on a
1 MB value (upper(), substr(), a LIKE) taking milliseconds: 190 such calls in one row ran 11 s against a 1 s limit.
On the lane's threads the limit is checked every CHECK_EVERY instructions instead, it also stops the query when the
visitor has gone away, and the deadline and that "gone" flag are left on the thread (THREAD_DEADLINE, THREAD_GONE)
so bounded_functions.py's own functions, which do their work outside SQLite's instruction count, stop too.
"""
import asyncio
import concurrent.futures
import contextlib
import contextvars
import os
import sys
import threading
import time
import urllib.parse
import weakref


from ..datasette_seam import replace_query_time_limit, sqlite_timelimit, swap_executor
from ..names import (REFUSE, SQL_LANE_THREADS, THREAD_AFTER_QUERY, THREAD_CELL_LIMIT, THREAD_DEADLINE,
                     THREAD_GONE)
SQL_THREADS = 1  # one of the machine's two cores at most for visitors' SQL; the other stays for pages
MAX_RUNNING = 2  # one query on the thread, one being encoded or queued behind it
MAX_WAITING = 16
MAX_WAIT = 10.0  # seconds
NICENESS = 10  # the lane's threads get the CPU after pages' threads and the event loop
# After a request, its slot rests REST times the CPU time the lane's loop spent on it, so visitors' SQL never has
# more than MAX_RUNNING / (1 + REST) of the interpreter (40%) however fast they send it.
REST = 4
ARBITRARY_SQL = {"sql", "_where"}  # parameters whose value is SQL
# Values one visitor's query may return as an HTML table. Datasette renders each through the plugins' render_cell
# hooks, ~6 µs a value holding the interpreter (2,000 x 25 values: 0.3-0.6 s); JSON and CSV, ~0.5 µs a value, keep
# result_budget.py's general bound. Read there from the thread (names.THREAD_CELL_LIMIT).
HTML_CELLS = 5_000
DATA_SUFFIXES = (".json", ".csv")
# SQLite instructions between two checks of the time limit on the lane's threads (Datasette: 1,000). The costliest
# single instructions left once bounded_functions.py has bounded its functions (upper/lower/substr/hex of ~1 MB)
# take 1-3 ms, so a query stops within ~0.1-0.2 s of its limit; a check (a Python call) every 100 instructions
# costs visitors' queries about 5% more time.
CHECK_EVERY = 100

IN_SQL_LANE = contextvars.ContextVar("in_sql_lane", default=False)
CELL_LIMIT = contextvars.ContextVar("cell_limit", default=None)  # a lower bound on values for this request, if any
GONE = contextvars.ContextVar("visitor_gone", default=None)  # this request's THREAD_GONE event


class LaneExecutor(concurrent.futures.Executor):
    """Stands in for Datasette's executor: a request in the SQL lane gets the lane's threads, others the pages'."""

    def __init__(self, pages, sql):
        self.pages, self.sql = pages, sql

    def submit(self, fn, /, *args, **kwargs):
        if not IN_SQL_LANE.get():
            return self.pages.submit(fn, *args, **kwargs)
        return self.sql.submit(for_request, CELL_LIMIT.get(), GONE.get(), fn, *args, **kwargs)

    def shutdown(self, wait=True, *, cancel_futures=False):
        for pool in (self.pages, self.sql):
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)


class Lane:
    def __init__(self):
        self.running = asyncio.Semaphore(MAX_RUNNING)
        self.waiting = 0
        # The lane's own event loop: Datasette encodes a result (HTML, JSON, CSV) in one go, without yielding, so
        # on the server's loop every page waited behind each visitor's result. On another thread it only shares
        # the interpreter, which switches threads every few milliseconds.
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name=f"{SQL_LANE_THREADS}-loop", daemon=True).start()

    async def enter(self):
        """True once this request may run; False if too many are waiting or the wait was too long."""
        if self.waiting >= MAX_WAITING:
            return False
        self.waiting += 1
        try:
            async with asyncio.timeout(MAX_WAIT):
                await self.running.acquire()
            return True
        except TimeoutError:
            return False
        finally:
            self.waiting -= 1

    async def answer(self, app, scope, receive, send):
        """Run app on the lane's loop, its receive and send relayed to the server's loop; then rest the slot."""
        server = asyncio.get_running_loop()
        cpu = []

        def on(loop, coroutine):
            return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, loop))

        async def lane_receive():
            return await on(server, receive())

        async def lane_send(message):
            await on(server, send(message))

        async def timed():
            started = time.thread_time()  # the lane loop thread's CPU: encoding this result (and any other's)
            try:
                await app(scope, lane_receive, lane_send)
            finally:
                cpu.append(time.thread_time() - started)

        try:
            await on(self.loop, timed())
        finally:
            await asyncio.sleep(REST * sum(cpu))


def for_request(cells, gone, fn, *args, **kwargs):
    """Run fn on a lane thread with this request's bound on values and its "visitor gone" event on the thread."""
    thread = threading.current_thread()
    if cells is not None:
        setattr(thread, THREAD_CELL_LIMIT, cells)  # read by result_budget.py
    setattr(thread, THREAD_GONE, gone)
    try:
        return fn(*args, **kwargs)
    finally:
        thread.__dict__.pop(THREAD_CELL_LIMIT, None)
        setattr(thread, THREAD_GONE, None)


@contextlib.contextmanager
def lane_time_limit(conn, ms):
    """Datasette's sqlite_timelimit, checked every CHECK_EVERY instructions on the lane's threads (and stopping
    when the visitor has gone); Datasette's own everywhere else (the pages' SQL is the site's)."""
    thread = threading.current_thread()
    if not thread.name.startswith(SQL_LANE_THREADS):
        with sqlite_timelimit(conn, ms):
            yield
        return
    deadline = time.perf_counter() + ms / 1000
    gone = getattr(thread, THREAD_GONE, None)

    def stop():
        return time.perf_counter() >= deadline or (gone is not None and gone.is_set())

    conn.set_progress_handler(stop, CHECK_EVERY)
    setattr(thread, THREAD_DEADLINE, deadline)
    try:
        yield
    finally:
        conn.set_progress_handler(None, CHECK_EVERY)
        setattr(thread, THREAD_DEADLINE, None)
        for undo in reversed(getattr(thread, THREAD_AFTER_QUERY, [])):
            undo()
        setattr(thread, THREAD_AFTER_QUERY, [])


replace_query_time_limit(lane_time_limit)


async def watch_for_disconnect(receive, gone, relayed):
    """Read the request's messages as they come, handing them on to the app through `relayed`, and set `gone`
    when the client disconnects (uvicorn says so on receive(); the app itself reads nothing of a GET)."""
    while True:
        message = await receive()
        await relayed.put(message)
        if message["type"] == "http.disconnect":
            gone.set()
            return


def lower_priority():
    # Linux schedules threads one by one, so a thread's niceness is its own; elsewhere PRIO_PROCESS would name a
    # process, so leave the priority alone.
    if sys.platform.startswith("linux"):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


LANES = weakref.WeakKeyDictionary()  # one lane per Datasette (its app may be built many times)


def lane_for(datasette):
    if datasette not in LANES:
        swap_executor(datasette, lambda pages: LaneExecutor(pages, concurrent.futures.ThreadPoolExecutor(
            SQL_THREADS, thread_name_prefix=SQL_LANE_THREADS, initializer=lower_priority)))
        LANES[datasette] = Lane()
    return LANES[datasette]


def carries_sql(scope):
    names = {name for name, _ in urllib.parse.parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                                       keep_blank_values=True)}
    return bool(names & ARBITRARY_SQL)


def asgi_layer(datasette):  # a layer of the request pipeline (pipeline.py)
    lane = lane_for(datasette)

    def wrap(app):
        async def route_sql_to_lane(scope, receive, send):
            if scope["type"] != "http" or not carries_sql(scope):
                return await app(scope, receive, send)
            if not await lane.enter():
                return await app(dict(scope, **{REFUSE: ("busy", None)}), receive, send)  # refusals.py
            in_lane = IN_SQL_LANE.set(True)
            cell_limit = CELL_LIMIT.set(None if scope["path"].endswith(DATA_SUFFIXES) else HTML_CELLS)
            gone, relayed = threading.Event(), asyncio.Queue()
            visitor = GONE.set(gone)
            watcher = asyncio.create_task(watch_for_disconnect(receive, gone, relayed))
            try:
                await lane.answer(app, scope, relayed.get, send)  # the context, with these values, goes along
            finally:
                watcher.cancel()
                GONE.reset(visitor)
                CELL_LIMIT.reset(cell_limit)
                IN_SQL_LANE.reset(in_lane)
                lane.running.release()

        return route_sql_to_lane

    return wrap
