"""Stopping `make build` or `make publish` half way leaves nothing behind, or the next run clears it.

SIGTERM (what Ctrl-C, systemd or `kill` send) is caught: the unfinished folder is removed and, for publish, every
test process stopped. kill -9 cannot be caught: the next build or publish removes what it left.
"""
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from helpers import wait_until
from release_helpers import (MAKE, clean_env, release_names, run_publish, set_fund_amount,
                             tree_sums)

SLOW_TEST = '''"""Stands in for the long suite: says it is running, then takes its time."""
import os, subprocess, sys, time


def test_takes_its_time(built):
    if {grandchild!r}:  # a server a test started in a session of its own, as tests/conftest.py's running_site does
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", {grandchild!r}],
                         start_new_session=True)
    with open({marker!r}, "w") as handle:
        handle.write(str(os.getpid()))
    time.sleep(300)
'''


def processes_mentioning(text):
    """Process ids whose command line mentions text (pgrep -f)."""
    found = subprocess.run(["pgrep", "-f", "--", text], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in found if int(pid) != os.getpid()]


def stagings(repo):
    return sorted(p.name for p in (repo / "dist").glob(".staging-*"))


@pytest.fixture(scope="module")
def repo(released_repo):
    return released_repo


@pytest.fixture
def slow_publish(repo, tmp_path):
    """`make publish` of a data change, whose test step takes minutes: started on request, in its own session
    (as a terminal runs it); yields (start, marker). Everything is put back and stopped afterwards."""
    marker = tmp_path / "tests-are-running"
    slow = repo / "tests" / "test_slow.py"
    set_fund_amount(repo, 5, "2", "2.5")
    started = []

    def start(grandchild=""):
        slow.write_text(SLOW_TEST.format(marker=str(marker), grandchild=grandchild), encoding="utf-8")
        process = subprocess.Popen(MAKE + ["publish"], cwd=repo, env=clean_env(), start_new_session=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(process)
        assert wait_until(marker.exists, 180, step=0.2), "the test step did not start"
        return process

    yield start, marker
    for pid in processes_mentioning(str(repo)):
        os.kill(pid, signal.SIGKILL)
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
    slow.unlink(missing_ok=True)
    set_fund_amount(repo, 5, "2.5", "2")


def test_sigterm_during_the_test_step_leaves_nothing_behind(repo, slow_publish):
    start, _ = slow_publish
    before = tree_sums(repo / "dist")
    grandchild = f"{repo}/a-server-started-by-a-test"
    process = start(grandchild)
    assert processes_mentioning(f"--rootdir={repo}") and processes_mentioning(grandchild)
    assert stagings(repo)  # it really was in the middle of a release
    os.killpg(process.pid, signal.SIGTERM)  # make and publish.py, as a terminal's Ctrl-C or systemd would
    stdout, stderr = process.communicate(timeout=90)
    assert process.returncode != 0
    assert "Traceback" not in stdout + stderr, stderr
    assert "收到 SIGTERM" in stderr and "dist/ and the running site are unchanged" in stderr, stderr
    assert stagings(repo) == []
    assert tree_sums(repo / "dist") == before
    assert processes_mentioning(f"--rootdir={repo}") == []  # no pytest left
    assert processes_mentioning(grandchild) == []  # nor what a test started in a session of its own


def test_kill_9_during_the_test_step_is_cleared_by_the_next_publish(repo, slow_publish):
    start, marker = slow_publish
    before = release_names(repo)
    process = start()
    publishing = [pid for pid in processes_mentioning("publish.py") if os.getpgid(pid) == process.pid]
    assert publishing
    for pid in publishing:
        os.kill(pid, signal.SIGKILL)
    process.communicate(timeout=60)
    left = stagings(repo)
    assert left  # kill -9 cannot be cleaned up after...
    # ...but pytest is told when its parent dies, and stops.
    assert wait_until(lambda: processes_mentioning(f"--rootdir={repo}") == [], 30)
    (repo / "tests" / "test_slow.py").unlink()
    result = run_publish(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert stagings(repo) == []
    assert len(release_names(repo)) == len(before) + 1


@pytest.fixture
def built_site(tmp_path):
    """A site built from a copy of data/, and how to start another build of it."""
    data, site = tmp_path / "data", tmp_path / "site"
    subprocess.run(["cp", "-r", str(ROOT / "data"), str(data)], check=True)
    command = [sys.executable, "build_db.py", "--data", str(data), "--site", str(site)]
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    return site, data, command


def partial_builds(site):
    return sorted(p.name for p in (site.parent / ".site.builds").glob("*.partial"))


def interrupted(command, site, signum, cwd=ROOT, tries=10):
    """Start a build in its own session and send signum to its process group while the new folder is written.
    Returns (what `site` pointed to meanwhile, exit code, stdout, stderr)."""
    for attempt in range(tries):
        live = os.readlink(site)  # a build that finished before the signal moved the site on
        process = subprocess.Popen(command, cwd=cwd, start_new_session=True, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=clean_env())
        if wait_until(lambda: partial_builds(site) or process.poll() is not None, 60, step=0.002) \
                and process.poll() is None:
            time.sleep(0.01 * attempt)
            os.killpg(process.pid, signum)
            stdout, stderr = process.communicate(timeout=60)
            if process.returncode != 0:
                return live, process.returncode, stdout, stderr
        else:
            process.communicate(timeout=60)
    pytest.fail("the build always finished before it could be interrupted")


def test_kill_9_during_a_build_is_cleared_by_the_next_build(built_site):
    site, _, command = built_site
    live, _, _, _ = interrupted(command, site, signal.SIGKILL)
    assert partial_builds(site)  # what kill -9 left
    assert os.readlink(site) == live and (site / "budget.db").is_file()  # the site never changed
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert partial_builds(site) == []
    assert list(site.parent.glob(".site.link-*")) == []
    assert os.readlink(site) != live and (site / "inspect-data.json").is_file()


def test_sigterm_during_make_build_removes_the_unfinished_build(built_site):
    site, data, _ = built_site
    make = MAKE + ["-B", "build", f"SITE={site}", f"DATA_DIR={data}"]  # -B: build although nothing changed
    live, _, stdout, stderr = interrupted(make, site, signal.SIGTERM)
    assert "Traceback" not in stdout + stderr and "收到 SIGTERM" in stderr, stderr
    assert partial_builds(site) == [] and list(site.parent.glob(".site.link-*")) == [], (stdout, stderr)
    assert os.readlink(site) == live and (site / "budget.db").is_file()  # and make deleted nothing


def test_temporary_names_are_git_ignored():
    names = [".site.builds/20260101-000000-1-1.partial/budget.db", ".site.builds/20260101-000000-1-1/budget.db",
             ".site.link-123", "site", "dist/.staging-2026.01.01-1-99/site/budget.db", "dist/2026.01.01-1/SHA256SUMS"]
    result = subprocess.run(["git", "check-ignore", "--no-index", *names], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.split() == names
