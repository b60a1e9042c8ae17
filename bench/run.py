"""`make bench`: build and serve synthetic data of a million indicator rows and the real 2019 data, measure both
against their floors (sqlite3's .import; Datasette without plugins), draw the growth curve up to ten million rows,
and write docs/benchmarks.md. Not part of `make test`: about 55 minutes on the 2-core reference machine.

    python bench/run.py [--work /tmp/budget-bench] [--seconds 5] [--departments 1750 --years 4 --funds 8
                         --directions 2] [--growth 17,174,17500]

Everything runs on this machine, one server at a time, with Debian's wrk as the load tool and Debian's nginx as
the caching proxy; every command it runs is listed in the report. Nothing is written into data/ or source/.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from string import Template

sys.path.insert(0, str(Path(__file__).resolve().parent))

import builds  # noqa: E402
import import_many  # noqa: E402
import pages  # noqa: E402
import report  # noqa: E402
from measure import COMMANDS, LOADS, Server, fetch, free_port, log, measure, quote, run_measured, side_by_side  # noqa: E402,E501

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
ROUNDS = 3  # rounds of wrk at 16 connections per page and server, alternating; the best counts (measure.side_by_side)


def generate(out, departments, years, funds, directions):
    for folder in ("data", "source"):
        if (out / folder).exists():
            shutil.rmtree(out / folder)
    run_measured([PYTHON, BENCH / "generate.py", "--out", out / "data", "--source", out / "source", "--departments",
                  departments, "--years", years, "--funds", funds, "--directions", directions],
                 stdout=subprocess.DEVNULL)
    return out / "data", out / "source"


def serve_and_measure(name, command, port, paths, seconds, concurrency=(1, 16)):
    base = f"http://127.0.0.1:{port}"
    server = Server(name, command, base + "/-/versions.json")
    try:
        results = {"pages": measure(base, paths, seconds, concurrency)}
    finally:
        peak = server.stop()
    results["server_peak_mib"] = peak
    return results


class NginxTemplate(Template):
    delimiter = "@"  # nginx's own variables use $


def through_nginx(work, paths, seconds, base):
    """Measure pages through nginx's proxy_cache and as static files (the ceiling), against a running site."""
    folder = work / "nginx"
    if folder.exists():
        shutil.rmtree(folder)
    static_root = folder / "static"
    static_root.mkdir(parents=True)
    proxy_port, static_port = free_port(), free_port()
    config = NginxTemplate((BENCH / "nginx.conf").read_text()).substitute(
        work=folder, upstream_port=base.rsplit(":", 1)[1], proxy_port=proxy_port,
        static_port=static_port, static_root=static_root)
    (folder / "nginx.conf").write_text(config)
    static_paths = {}
    for key, path in paths.items():
        (static_root / f"{key}.html").write_bytes(fetch(base + quote(path))[1])
        static_paths[key] = f"/{key}.html"
    server = Server("nginx", ["nginx", "-p", folder, "-e", folder / "error.log", "-c", folder / "nginx.conf"],
                    f"http://127.0.0.1:{static_port}/landing.html")
    try:
        proxy_base = f"http://127.0.0.1:{proxy_port}"
        cache_status = {}
        for key, path in paths.items():
            fetch(proxy_base + quote(path))
            cache_status[key] = fetch(proxy_base + quote(path))[2].get("X-Cache-Status")
        log(f"  proxy cache after warm-up: {cache_status}")
        proxied = measure(proxy_base, paths, seconds)
        static = measure(f"http://127.0.0.1:{static_port}", static_paths, seconds)
    finally:
        nginx_peak = server.stop()
    return {"proxy": proxied, "static": static, "cache_status": cache_status, "nginx_peak_mib": nginx_peak}


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1024 / 1024
    versions = {
        "Python": platform.python_version(), "SQLite (Python)": sqlite3.sqlite_version,
        "sqlite3 shell": subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0],
        "Datasette": subprocess.run([PYTHON, "-c", "import datasette.version as v; print(v.__version__)"],
                                    capture_output=True, text=True).stdout.strip(),
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1],
        "nginx": subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1],
    }
    return {"cores": os.cpu_count(), "cpu": cpu, "memory_gib": round(memory, 1), "versions": versions,
            "os": platform.platform(), "load_at_start": os.getloadavg()}


def serve_both(name, site, page_list, work, seconds, with_proxy=False):
    """This site (make run) and bare Datasette over the same folder, both running, each page measured on one and then
    the other: a change in the machine's load during the run (it is shared) falls on both sides of a ratio alike.
    A server waiting for requests uses no CPU, so the idle one does not slow the measured one."""
    site_paths = {key: path for key, _, path, _ in page_list}
    bare_paths = {key: path for key, _, _, path in page_list}
    metadata = pages.bare_metadata(site, work / f"bare-metadata-{name}.yml")
    site_port, bare_port = free_port(), free_port()
    log(f"serving {name}: this site and bare Datasette")
    mine = Server(f"site-{name}", pages.site_command(site, site_port), f"http://127.0.0.1:{site_port}/-/versions.json")
    try:
        # Bare Datasette with the site's gzip wrapper as its only plugin: with gzip on both sides the ratio is the cost
        # of everything else the site adds; the same server answering requests that do not ask for gzip is Datasette
        # with nothing at all (compression.py passes those through untouched), measured at 16 connections too.
        bare = Server(f"bare-{name}", pages.bare_command(site, bare_port, metadata, PYTHON, work),
                      f"http://127.0.0.1:{bare_port}/-/versions.json")
    except BaseException:
        mine.stop()
        raise
    results = {"site": {"pages": {}}, "bare": {"pages": {}}}
    try:
        for key in site_paths:
            log(f"  {key}")
            page = side_by_side({"site": f"http://127.0.0.1:{site_port}" + quote(site_paths[key]),
                                 "bare": f"http://127.0.0.1:{bare_port}" + quote(bare_paths[key])}, seconds, ROUNDS)
            for side in ("site", "bare"):
                results[side]["pages"][key] = page[side]
        if with_proxy:
            main = [key for key in pages.MAIN if key in site_paths]
            results["site"] |= through_nginx(work, {k: site_paths[k] for k in main}, seconds,
                                             f"http://127.0.0.1:{site_port}")
    finally:
        results["bare"]["server_peak_mib"] = bare.stop()
        results["site"]["server_peak_mib"] = mine.stop()
    return results


def growth_point(work, departments, args):
    """Build and serve one size of the growth curve; returns its build figures and the main pages' latencies."""
    folder = work / f"growth-{departments}"
    data, source = generate(folder, departments, args.years, args.funds, args.directions)
    site = folder / "site"
    built = builds.timed_build(PYTHON, data, source, site)
    built["indicator_rows"] = builds.table_counts(site / "budget.db")["performance_indicators"]
    page_list = [p for p in pages.page_list(site) if p[0] in pages.MAIN]
    port = free_port()
    served = serve_and_measure(f"growth-{departments}", pages.site_command(site, port), port,
                               {key: path for key, _, path, _ in page_list}, args.seconds, concurrency=(1,))
    shutil.rmtree(folder)  # tens of gigabytes at ten million rows
    return {"build": built, "pages": served["pages"], "server_peak_mib": served["server_peak_mib"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="/tmp/budget-bench", type=Path)
    parser.add_argument("--seconds", default=3, type=int, help="duration of each wrk run")
    parser.add_argument("--departments", default=1750, type=int)
    parser.add_argument("--years", default=4, type=int)
    parser.add_argument("--funds", default=8, type=int)
    parser.add_argument("--directions", default=2, type=int)
    parser.add_argument("--growth", default="17,174,17500",
                        help="departments of the other points of the growth curve (10k, 100k and 10M rows)")
    args = parser.parse_args()
    for tool in ("wrk", "nginx", "sqlite3"):
        if not shutil.which(tool):
            raise SystemExit(f"缺少 {tool}：请先运行 make bench（会安装 wrk nginx-light sqlite3）。 {tool} is missing.")
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)
    started = datetime.datetime.now()
    r = {"started": started.strftime("%Y-%m-%d %H:%M"), "machine": machine(), "args": vars(args) | {"work": str(work)}}

    data, source = generate(work, args.departments, args.years, args.funds, args.directions)
    r["build"] = {"2019": builds.timed_build(PYTHON, ROOT / "data", ROOT / "source", work / "site2019"),
                  "big": builds.timed_build(PYTHON, data, source, work / "site")}
    log(f"build: {json.dumps(r['build'], ensure_ascii=False)}")
    r["import"] = import_many.bench(work / "import")  # make import of a county's year: 1,000 documents, mixed media
    log(f"import: {json.dumps(r['import'], ensure_ascii=False)}")
    shutil.rmtree(work / "import")
    r["baseline"] = builds.baseline((work / "site").resolve(), work / "baseline")
    log(f"baseline: {r['baseline']}")
    r["counts"] = {"big": builds.table_counts(work / "site" / "budget.db"),
                   "2019": builds.table_counts(work / "site2019" / "budget.db")}

    r["pages"] = {"big": pages.page_list(work / "site"), "2019": pages.page_list(work / "site2019")}
    r["serve"] = {"2019": serve_both("2019", work / "site2019", r["pages"]["2019"], work, args.seconds),
                  "big": serve_both("big", work / "site", r["pages"]["big"], work, args.seconds, with_proxy=True)}
    for folder in ("site", ".site.builds", "data", "source"):  # room for the largest point of the growth curve
        path = work / folder
        path.unlink() if path.is_symlink() else shutil.rmtree(path, ignore_errors=True)
    r["growth"] = {}
    for departments in [int(d) for d in args.growth.split(",") if d.strip()]:
        log(f"growth: {departments} departments")
        r["growth"][departments] = growth_point(work, departments, args)
    finished = datetime.datetime.now()
    r["loads"] = LOADS
    r["commands"] = COMMANDS
    r["finished"], r["minutes"] = finished.strftime("%H:%M"), (finished - started).total_seconds() / 60
    (work / "results.json").write_text(json.dumps(r, indent=1, ensure_ascii=False))
    report.write(r)
    log(f"wrote {report.REPORT} and {report.PLOT} (raw results: {work / 'results.json'})")


if __name__ == "__main__":
    main()
