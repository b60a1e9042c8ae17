"""Throughput and server CPU per request of this site against bare Datasette, page by page, in a few minutes: the
quick check behind docs/scaling.md's throughput figures (`make bench` measures everything, in about 55 minutes).

    .venv/bin/python bench/side_by_side.py SITE_FOLDER [--seconds 3] [--pages query:,fund]

SITE_FOLDER is a built site (e.g. bench/timed_build.py's output over bench/generate.py's data). Both servers run at
once; each page gets wrk at 16 connections (asking for gzip) on the site, then on bare Datasette, twice. CPU per
request is the servers' user + system time (/proc, every process of the server) over the requests wrk counted.
"""
import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402
from measure import Server, fetch, free_port, process_tree, quote, wrk  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def cpu_seconds(server):
    """User + system CPU seconds of a server and all its descendants (make starts datasette as its child)."""
    total = 0
    for pid in process_tree(server.process.pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def load(server, url, seconds):
    """(requests a second, CPU ms a request) of one wrk run at 16 connections."""
    fetch(url)
    before = cpu_seconds(server)
    result = wrk(url, 16, seconds)
    return result["rps"], (cpu_seconds(server) - before) * 1000 / max(result["requests"], 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--pages", default="", help="comma-separated prefixes of page keys (default: all)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/budget-side-by-side"))
    args = parser.parse_args()
    site = args.site.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    chosen = [p for p in pages.page_list(site)
              if not args.pages or any(p[0].startswith(prefix) for prefix in args.pages.split(","))]
    site_port, bare_port = free_port(), free_port()
    mine = Server("side-site", pages.site_command(site, site_port), f"http://127.0.0.1:{site_port}/-/versions.json")
    bare = Server("side-bare", pages.bare_command(site, bare_port, pages.bare_metadata(site, args.work / "bare.yml"),
                                                  PYTHON, args.work), f"http://127.0.0.1:{bare_port}/-/versions.json")
    ratios = {}
    try:
        print("| page | site req/s | bare+gzip req/s | ratio | site CPU ms/request | bare CPU ms/request |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for key, _, site_path, bare_path in chosen:
            runs = []
            for _ in range(2):
                runs.append(load(mine, f"http://127.0.0.1:{site_port}" + quote(site_path), args.seconds)
                            + load(bare, f"http://127.0.0.1:{bare_port}" + quote(bare_path), args.seconds))
            site_rps, bare_rps = sum(r[0] for r in runs), sum(r[2] for r in runs)
            ratios[key] = site_rps / bare_rps if bare_rps else float("inf")
            print(f"| {key} | {site_rps / 2:.0f} | {bare_rps / 2:.0f} | {ratios[key]:.2f} | "
                  f"{statistics.mean(r[1] for r in runs):.2f} | {statistics.mean(r[3] for r in runs):.2f} |",
                  flush=True)
    finally:
        mine.stop()
        bare.stop()
    lowest = min(ratios, key=ratios.get)
    print(f"\nlowest {ratios[lowest]:.2f} ({lowest}), median {statistics.median(ratios.values()):.2f}, "
          f"below 0.8: {sum(v < 0.8 for v in ratios.values())}/{len(ratios)}")


if __name__ == "__main__":
    main()
