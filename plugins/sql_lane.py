"""Visitors' own SQL runs in a lane of its own, so people looping slow queries cannot starve the pages.

Datasette runs every query, a page's and a visitor's alike, on one pool of num_sql_threads threads with a
first-come queue. Eight clients looping a query that the time limit stops after 1 s kept that queue full, and the
landing page, which runs about a dozen small queries, took 17-33 s to load.

Requests that carry SQL written by the visitor (?sql= on a database, its .json and .csv, and ?_where= on a table)
now get their own small pool: SQL_THREADS threads, at most MAX_RUNNING such requests being answered at once, up to
MAX_WAITING more waiting for MAX_WAIT seconds; beyond that, 429 with a Chinese message (refusals.py). Pages keep
Datasette's pool to themselves. The lane also bounds how many visitor results are being encoded on the event loop
at one time (each bounded in size by result_budget.py).

Saved queries stay with the pages: their SQL is the site's own, reviewed and linked from the landing page, and a
visitor only supplies bound values, exactly like a table page's filters; on the published data each takes a few
milliseconds. Sending them to the lane would give citizens 429s whenever someone floods the SQL interface.
"""
import asyncio
import concurrent.futures
import contextvars
import urllib.parse
import weakref

from datasette import hookimpl

SQL_THREADS = 1  # one of the machine's two cores at most for visitors' SQL; the other stays for pages
MAX_RUNNING = 2  # one query on the thread, one being encoded or queued behind it
MAX_WAITING = 16
MAX_WAIT = 10.0  # seconds
ARBITRARY_SQL = {"sql", "_where"}  # parameters whose value is SQL

IN_SQL_LANE = contextvars.ContextVar("in_sql_lane", default=False)


class LaneExecutor(concurrent.futures.Executor):
    """Stands in for Datasette's executor: a request in the SQL lane gets the lane's threads, others the pages'."""

    def __init__(self, pages, sql):
        self.pages, self.sql = pages, sql

    def submit(self, fn, /, *args, **kwargs):
        return (self.sql if IN_SQL_LANE.get() else self.pages).submit(fn, *args, **kwargs)

    def shutdown(self, wait=True, *, cancel_futures=False):
        for pool in (self.pages, self.sql):
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)


class Lane:
    def __init__(self):
        self.running = asyncio.Semaphore(MAX_RUNNING)
        self.waiting = 0

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


LANES = weakref.WeakKeyDictionary()  # one lane per Datasette (its app may be built many times)


def lane_for(datasette):
    if datasette not in LANES:
        if datasette.executor is not None:  # None when num_sql_threads is 0: no threads to separate
            datasette.executor = LaneExecutor(datasette.executor, concurrent.futures.ThreadPoolExecutor(
                SQL_THREADS, thread_name_prefix="sql-lane"))
        LANES[datasette] = Lane()
    return LANES[datasette]


def carries_sql(scope):
    names = {name for name, _ in urllib.parse.parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                                       keep_blank_values=True)}
    return bool(names & ARBITRARY_SQL)


@hookimpl
def asgi_wrapper(datasette):
    lane = lane_for(datasette)

    def wrap(app):
        async def route_sql_to_lane(scope, receive, send):
            if scope["type"] != "http" or not carries_sql(scope):
                return await app(scope, receive, send)
            if not await lane.enter():
                return await app(dict(scope, **{"site.refuse": ("busy", None)}), receive, send)  # refusals.py
            token = IN_SQL_LANE.set(True)
            try:
                await app(scope, receive, send)
            finally:
                IN_SQL_LANE.reset(token)
                lane.running.release()

        return route_sql_to_lane

    return wrap
