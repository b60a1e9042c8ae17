"""Stopping a build or a publish from outside (Ctrl-C, kill, a closed terminal, systemd stopping a job) as an
exception, so that the step under way runs its clean-up code — removing its unfinished folder, stopping the test
processes it started — instead of dying half way through a write.

kill -9 cannot be caught: what it leaves behind is removed by the next run (site.clear_leftovers,
release.clear_staging).
"""
import contextlib
import signal

SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Terminated(BaseException):
    """A BaseException, like KeyboardInterrupt: no `except Exception` may swallow it."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name
        self.released = None  # a publish stopped after its release was complete: that release

    @property
    def exit_code(self):
        return 128 + self.signum


def raise_on_termination():
    def handler(signum, frame):
        for number in SIGNALS:  # one clean-up, not one per repeated signal (make passes its SIGTERM on, too)
            signal.signal(number, signal.SIG_IGN)
        raise Terminated(signum)

    for number in SIGNALS:
        signal.signal(number, handler)


@contextlib.contextmanager
def uninterrupted():
    """Hold the signals back around a step that must not be cut in two; they are delivered right after it."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
