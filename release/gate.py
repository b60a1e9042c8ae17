"""The test gate of a release: every test that looks at the staged site folder.

pytest runs with BUDGET_SITE=<staged site> (tests/conftest.py's `built` fixture then serves that folder), in its own
process group, over every tier of tests/ but tests/build: unit, site (its data and pages), server (it served) and
browser (its pages in Chromium). tests/build never looks at the staged site: it builds, imports and publishes on its
own copies of data/ and of the repository (it would publish inside a publish) and tests the environment scripts;
`make test` runs it. That choice is here in code: no setting skips or narrows the gate.

Stopped from outside (Ctrl-C, SIGTERM), the gate interrupts pytest (which then runs its clean-up), kills what is
left of its process group, and — because this process is a child subreaper — also any process a test started in
a session of its own (a server, a browser), so no test process outlives the publish. Killed outright (kill -9),
the publish cannot clean up, but pytest is interrupted all the same (the kernel sends it SIGINT when its parent
dies) and the next publish removes the staging folder.
"""
import ctypes
import os
import signal
import subprocess
import sys
import time

from .refusal import Refusal

NOT_ABOUT_THE_SITE = "tests/build"  # the tier that makes its own sites and releases (see above)
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36  # linux/prctl.h
GRACE_SECONDS = 10  # for pytest to run its clean-up after an interrupt


def command(root):
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--rootdir={root}", "tests",
            f"--ignore={NOT_ABOUT_THE_SITE}"]


def run(site_folder, root):
    """The suite against site_folder; raises Refusal if a test fails."""
    become_subreaper()
    env = dict(os.environ, BUDGET_SITE=str(site_folder), PYTHONDONTWRITEBYTECODE="1")  # nothing written into site/
    process = subprocess.Popen(command(root), cwd=root, env=env, start_new_session=True,
                               preexec_fn=interrupt_when_orphaned)
    try:
        code = process.wait()
    except BaseException:
        stop(process)
        raise
    finally:
        stop_orphans()
    if code != 0:
        raise Refusal(f"测试未通过（pytest 退出码 {code}），见上面的输出。请改正数据或代码后重新发布。",
                      f"The tests did not pass (pytest exit code {code}); see the output above. Fix the data or "
                      "the code, then publish again.")


def prctl(option, value):
    ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def become_subreaper():
    """Orphans of our descendants become our children (not init's), so stop_orphans can find them."""
    prctl(PR_SET_CHILD_SUBREAPER, 1)


def interrupt_when_orphaned():
    """In pytest's process, before it starts: SIGINT (pytest then cleans up) as soon as the publish dies."""
    prctl(PR_SET_PDEATHSIG, signal.SIGINT)


def stop(process):
    """Interrupt pytest's process group (pytest then tears its fixtures down), then kill what is left of it."""
    for signum, wait in ((signal.SIGINT, GRACE_SECONDS), (signal.SIGKILL, GRACE_SECONDS)):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(process.pid, signal.SIGKILL)  # pytest is gone; anything still in its group goes too
    except ProcessLookupError:
        pass


def children():
    mine = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == mine:
                found.append(int(entry))
    return found


def stop_orphans(seconds=15):
    """Kill and reap every child left (the gate's pytest has been waited for): a test's server or browser that was
    started in its own session, and, as they die, their own children."""
    deadline = time.monotonic() + seconds
    signum = signal.SIGTERM
    while time.monotonic() < deadline:
        left = children()
        if not left:
            return
        for pid in left:
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
        for pid in left:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        if time.monotonic() > deadline - seconds / 2:
            signum = signal.SIGKILL
