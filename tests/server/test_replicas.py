"""Replicas survive faults: two replicas of the site (`datasette serve` of the same site folder on two ports) behind
nginx with deploy/nginx.conf (cache, and retry on the next replica), standing in for a CDN in front of Cloud Run.
A replica is killed while requests pour in.

- Stopped as a platform stops an instance (SIGTERM: Cloud Run sends it, and SIGKILL only 10 s later): the replica
  finishes what it is answering and nginx sends everything else to the other one. No request may be lost.
- Crashed (SIGKILL): a response the replica had begun to send is cut off, and no proxy can send it again (nginx
  has passed its first bytes on). Every other request must be answered: every loss must be such a cut response,
  at most one per request in flight when the replica died.

`make test` runs a few seconds per kind of kill (the site under test: the staged release when `make publish` runs
the suite); `make soak` (SOAK=1) runs a minute in which the replicas are killed and restarted in turn, both ways.
Loopback only; every process started here is stopped at the end.
"""
import asyncio
import getpass
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, free_port
from helpers import started

SOAK = os.environ.get("SOAK") == "1"
SECONDS = 60 if SOAK else 4
KILL_EVERY = 10 if SOAK else None  # soak: kill a replica, restart it, kill the other, ...
CUT_OFF = "incomplete chunked read"  # how httpx reports a response whose sender died half way
CONNECTIONS = 16
DATASETTE = Path(sys.executable).parent / "datasette"
# Pages a CDN would mostly answer from its cache, and requests no cache can answer (a new query string each time),
# which must reach a replica.
CACHED = ["/", "/assets/site.css", "/budget/special_funds/2019-shifeng-minzheng-07", "/forms/2019/shifeng-minzheng/1"]
UNCACHED = "/budget/special_funds.json?_shape=array&_size=3&_request={run}-{n}"


def render(template, **values):
    text = template.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    assert [line for line in text.splitlines() if "{{" in line and not line.lstrip().startswith("#")] == []
    return text


class Replica:
    """`datasette serve` of the site folder on a port of its own, started and killed at will."""

    def __init__(self, site):
        self.site, self.port, self.process = site, free_port(), None

    def start(self):
        self.kill()  # never two at once on this port
        env = dict(os.environ, PYTHONPATH=str(ROOT))  # the plugins import builder.*
        self.process = subprocess.Popen([str(DATASETTE), "serve", str(self.site), "--host", "127.0.0.1", "--port",
                                         str(self.port)], env=env, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not started(self.process, f"http://127.0.0.1:{self.port}/-/versions.json", 60):
            self.kill()
            raise RuntimeError("replica did not start")
        return self

    def kill(self, signum=signal.SIGKILL):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signum)
            try:
                self.process.wait(timeout=10)  # a stopped replica finishes its requests first
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def balanced(built, tmp_path_factory):
    """Two replicas of the site behind nginx; yields (base URL, replicas, nginx's access log)."""
    assert shutil.which("nginx"), "nginx is missing: apt-get install nginx-light (.ci/run installs it)"
    replicas, nginx = [Replica(built), Replica(built)], None
    run_dir, port = tmp_path_factory.mktemp("nginx"), free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        for replica in replicas:
            replica.start()
        (run_dir / "nginx.conf").write_text(render(
            ROOT / "deploy" / "nginx.conf", USER=getpass.getuser(), RUN_DIR=str(run_dir), LISTEN=f"127.0.0.1:{port}",
            REPLICA_1=f"127.0.0.1:{replicas[0].port}", REPLICA_2=f"127.0.0.1:{replicas[1].port}"), encoding="utf-8")
        nginx = subprocess.Popen(["nginx", "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"), "-e",
                                  str(run_dir / "error.log"), "-g", "daemon off;"], start_new_session=True,
                                 stderr=subprocess.PIPE)
        assert started(nginx, base + "/-/versions.json", 30), (
            nginx.stderr.read().decode() if nginx.poll() is not None else "nginx did not answer within 30 s")
        yield base, replicas, run_dir / "access.log"
    finally:
        if nginx is not None:
            os.killpg(nginx.pid, signal.SIGTERM)
            nginx.wait(timeout=20)
        for replica in replicas:
            replica.kill()


async def load(base, seconds, faults):
    """CONNECTIONS clients asking in turn for cached pages and uncached queries for `seconds`, while faults()
    runs. Returns (answered, lost [(path, what went wrong)])."""
    answered, lost, counter, run = [], [], iter(range(10**9)), time.time_ns()
    deadline = time.monotonic() + seconds

    async def client(number, http):
        while time.monotonic() < deadline:
            n = next(counter)
            path = UNCACHED.format(run=run, n=n) if n % 2 else CACHED[n // 2 % len(CACHED)]
            try:
                response = await http.get(path)
                complete = response.status_code == 200 and (
                    json.loads(response.text) if path.startswith("/budget/special_funds.json") else
                    path.endswith(".css") or "</html>" in response.text)
                (answered if complete else lost).append((path, response.status_code))
            except (httpx.HTTPError, ValueError) as error:
                lost.append((path, repr(error)))

    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        await asyncio.gather(faults(), *(client(n, http) for n in range(CONNECTIONS)))
    return answered, lost


def upstream_log(access_log, start=0):
    """The replicas (ports) each request was sent to, in order, for every request nginx sent on after byte `start`
    of its log; "none" is logged when nginx found no replica up."""
    tried = []
    for line in access_log.read_bytes()[start:].decode("utf-8").splitlines():
        found = re.search(r"upstream=(\S+(?:, \S+)*) upstream_status", line)
        if found and found.group(1) != "-":
            tried.append([int(a.rsplit(":", 1)[1]) if ":" in a else "none" for a in found.group(1).split(", ")])
    return tried


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["stopped", "crashed"])
async def test_killing_a_replica_under_load_loses_no_request(balanced, signum):
    base, replicas, access_log = balanced
    for replica in replicas:  # both up, whatever the test before did
        if replica.process.poll() is not None:
            await asyncio.to_thread(replica.start)
    logged_before = access_log.stat().st_size  # this test's requests only
    kills = []  # (port, signal)

    async def kill(replica, how):
        await asyncio.to_thread(replica.kill, how)
        kills.append((replica.port, how))

    async def faults():
        if KILL_EVERY is None:  # make test: one replica dies a third of the way in, and stays dead
            await asyncio.sleep(SECONDS / 3)
            await kill(replicas[0], signum)
            return
        victim = 0  # make soak: kill one, restart it, kill the other, ...
        while time.monotonic() + KILL_EVERY < start + SECONDS:
            await asyncio.sleep(KILL_EVERY / 2)
            await kill(replicas[victim], signum)
            await asyncio.sleep(KILL_EVERY / 2)
            await asyncio.to_thread(replicas[victim].start)
            victim = 1 - victim

    start = time.monotonic()
    answered, lost = await load(base, SECONDS, faults)
    tried = upstream_log(access_log, logged_before)
    retried = [ports for ports in tried if len(ports) > 1]
    print(f"{signal.Signals(signum).name}: {SECONDS} s, {CONNECTIONS} connections, {len(kills)} replica kill(s): "
          f"{len(answered)} answered, {len(lost)} lost {lost}; {len(tried)} reached a replica, {len(retried)} of "
          f"them retried on the other")
    assert len(answered) >= 20 * SECONDS  # it really was under load
    assert kills and retried  # the fault happened, and nginx had to send requests elsewhere because of it
    killed = {port for port, _ in kills}
    assert all(ports[0] in killed for ports in retried)  # retried because a killed replica failed them
    assert {replica.port for replica in replicas} <= {ports[-1] for ports in tried}  # both replicas served
    if signum == signal.SIGTERM:
        assert lost == []
    else:
        assert [error for _, error in lost if CUT_OFF not in str(error)] == []  # nothing nginx could have retried
        assert len(lost) <= CONNECTIONS * len(kills)
