"""The second core: independent parts of the build (each year's tables, filings.db, half of the data package's
CSVs) run in other processes, started fresh ("spawn": they share nothing with this one but their arguments) and
joined before the site folder is switched in. Its exceptions come back to the caller from `result()`. On a one-core
machine the work simply runs here, when its result is asked for."""
import concurrent.futures
import multiprocessing
import os


def start(function, *args):
    """Run function(*args) in another process; returns an object whose result() waits for it."""
    if (os.cpu_count() or 1) < 2:
        return Later(function, args)
    return Started(function, args)


class Started:
    """Work running in a process of its own. Its pool is shut down, waiting, once the work has ended: a pool left to
    the interpreter's exit (shutdown(wait=False)) has its helper thread woken through a pipe that may be closed by
    then, which printed a traceback after a build that stopped on bad input."""

    def __init__(self, function, args):
        self.executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self.future = self.executor.submit(function, *args)

    def result(self):
        try:
            return self.future.result()
        finally:
            self.executor.shutdown(wait=True)

    def wait(self):
        concurrent.futures.wait([self.future])
        self.executor.shutdown(wait=True)


def in_order(function, arguments, processes=2):
    """Yield function(*args) for each args, in their order, each as soon as it and those before it are done; up to
    `processes` of them run at once (here, one after the other, for one task or on one core). The first exception
    raised is raised here; the tasks not started by then are cancelled."""
    processes = min(processes, len(arguments), os.cpu_count() or 1)
    if processes < 2:
        for args in arguments:
            yield function(*args)
        return
    executor = concurrent.futures.ProcessPoolExecutor(max_workers=processes,
                                                      mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = [executor.submit(function, *args) for args in arguments]
        for future in futures:
            yield future.result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


class Later:
    def __init__(self, function, args):
        self.function, self.args = function, args

    def result(self):
        return self.function(*self.args)


def result(started):
    """What the work returned, once it has ended (its exception, if it raised one)."""
    return started.result()


def wait(started):
    """Wait for started work to end, whatever its outcome (when the build stops for another reason)."""
    if isinstance(started, Started):
        started.wait()
