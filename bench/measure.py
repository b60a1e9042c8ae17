"""How the benchmark measures: commands with their wall time, CPU time and the peak memory of their whole process
tree; servers started and stopped; wrk runs; the machine's load around each. Used by bench/run.py."""
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
COMMANDS = []  # every command run, in order, for the report
LOADS = []  # the machine's 1-minute load average around each wrk run: other work on the machine skews figures


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def shown(command):
    return " ".join(shlex.quote(str(part)) for part in command)


def process_tree(pid):
    """A process and all its descendants, from /proc (those still there when they are reached)."""
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
        yield current


def status_kib(pid, field):
    """A memory field of /proc/<pid>/status (VmRSS, VmHWM) in KiB; 0 if the process is gone or has none."""
    try:
        found = re.search(rf"{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return 0
    return int(found.group(1)) if found else 0


def tree_rss_kib(pid):
    """Resident memory of a process and all its descendants, KiB."""
    return sum(status_kib(current, "VmRSS") for current in process_tree(pid))


def run_measured(command, **kwargs):
    """Run a command to completion. Returns (wall seconds, peak MiB of the whole process tree, CPU seconds).

    The build runs parts of its work in other processes, so memory is sampled every 50 ms over the tree (the sum
    of what they hold at once), not read from one process's high-water mark. CPU seconds (user + system, with
    every descendant) show whether other work on the machine slowed the command down."""
    COMMANDS.append(shown(command))
    log(shown(command))
    start = time.perf_counter()
    process = subprocess.Popen([str(c) for c in command], **kwargs)
    peak, done = [0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kib(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {shown(command)}")
    return seconds, max(peak[0] / 1024, usage.ru_maxrss / 1024), usage.ru_utime + usage.ru_stime


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quote(path):
    return urllib.parse.quote(path, safe="/?=&%")


def fetch(url, timeout=60):
    """(status, body bytes, headers, seconds) of a GET."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
            return response.status, body, dict(response.headers), time.perf_counter() - start
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers), time.perf_counter() - start


class Server:
    """A server process in its own process group; its peak memory is read from /proc before it is stopped."""

    def __init__(self, name, command, ready_url):
        self.name, self.command = name, [str(c) for c in command]
        COMMANDS.append(shown(self.command))
        log(f"start {name}: {shown(self.command)}")
        self.process = subprocess.Popen(self.command, start_new_session=True, stdout=subprocess.DEVNULL,
                                        stderr=open(f"/tmp/budget-bench-{name}.log", "w"))
        deadline = time.time() + 180
        while True:
            try:
                urllib.request.urlopen(ready_url, timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                if time.time() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise SystemExit(f"{name} did not start; see /tmp/budget-bench-{name}.log")
                time.sleep(0.3)

    def peak_mib(self):
        """The high-water mark of the largest process of the server's tree (make starts datasette as its child)."""
        return max([0] + [status_kib(current, "VmHWM") / 1024 for current in process_tree(self.process.pid)])

    def stop(self):
        peak = self.peak_mib() if self.process.poll() is None else None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        return peak


def wrk(url, connections, seconds, gzip=True):
    # Requests ask for gzip, as browsers do: the site compresses (budget_site/downloads/compression.py) and pays
    # for it here.
    accept = ["-H", "Accept-Encoding: gzip"] if gzip else []
    command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", *accept,
               "-s", BENCH / "wrk_report.lua", url]
    COMMANDS.append(shown(command))
    load = os.getloadavg()[0]
    output = subprocess.run([str(c) for c in command], capture_output=True, text=True, check=True).stdout
    LOADS.append((load + os.getloadavg()[0]) / 2)
    result = json.loads(re.search(r"^WRK_JSON (.*)$", output, re.M).group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["error_count"] = sum(result["errors"].values())
    return result


def measure(base, page_paths, seconds, concurrency=(1, 16)):
    """Per page: the first request (nothing of it in any cache of the server's), then wrk at each concurrency, asking
    for gzip."""
    results = {}
    for key, path in page_paths.items():
        status, body, _, first = fetch(base + quote(path))
        fetch(base + quote(path))
        results[key] = {"status": status, "bytes": len(body), "first_ms": first * 1000}
        for c in concurrency:
            results[key][f"c{c}"] = wrk(base + quote(path), c, seconds)
        summary = ", ".join(f"{results[key][f'c{c}']['rps']:.0f} req/s at {c}" for c in concurrency)
        log(f"  {key}: HTTP {status}, {len(body)} B, first {first * 1000:.0f} ms, median "
            f"{results[key]['c1']['p50_us'] / 1000:.1f} ms, {summary}")
    return results


def side_by_side(servers, seconds, rounds):
    """One page on several servers at once running ({name: url}): the first request and wrk at one connection on each,
    then `rounds` rounds of wrk at 16 connections, the servers one after the other in each round, and for the server
    named "bare" also without asking for gzip ("c16_plain"). The machine is shared: other work only ever lowers a
    run's figure, so each server keeps its best round ("c16"; every round is kept in "c16_rounds")."""
    results = {}
    for name, url in servers.items():
        status, body, _, first = fetch(url)
        fetch(url)
        results[name] = {"status": status, "bytes": len(body), "first_ms": first * 1000, "c1": wrk(url, 1, seconds),
                         "c16_rounds": []}
        if name == "bare":
            results[name]["c16_plain_rounds"] = []
    for _ in range(rounds):
        for name, url in servers.items():
            results[name]["c16_rounds"].append(wrk(url, 16, seconds))
            if name == "bare":
                results[name]["c16_plain_rounds"].append(wrk(url, 16, seconds, gzip=False))
    for name, result in results.items():
        for kind in ("c16", "c16_plain"):
            if f"{kind}_rounds" in result:
                result[kind] = max(result[f"{kind}_rounds"], key=lambda run: run["rps"])
        log(f"  {name}: HTTP {result['status']}, {result['bytes']} B, first {result['first_ms']:.0f} ms, median "
            f"{result['c1']['p50_us'] / 1000:.1f} ms, {result['c1']['rps']:.0f} req/s at 1, best of "
            f"{' / '.join(str(round(run['rps'])) for run in result['c16_rounds'])} req/s at 16")
    return results

