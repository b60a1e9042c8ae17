"""Run build_db.py's own main() with a stopwatch around each stage of builder/; print the stage times as JSON.

    python bench/timed_build.py --data DIR --site DIR --times times.json

The stages are the build's functions, wrapped where the module that calls them looks them up, so the build is the
real one. Times are exclusive: a stage called inside another is not counted twice. Stages that do not exist in this
version of the build are skipped.
"""
import argparse
import functools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import importlib  # noqa: E402

import build_db  # noqa: E402

# "module:function", wrapped in the module that looks the function up when the build runs.
STAGES = ["builder.build:read_input", "builder.build:build_tables", "builder.build:check_notes",
          "builder.build:source_rows", "builder.build:data_checks", "builder.build:search_rows",
          "builder.build:indicator_tables", "builder.build:beneficiary_rows", "builder.write:write_budget_db",
          "builder.write:write_filings_db", "builder.build:write_datapackage", "builder.site:write_inspect_data"]


def instrument(times):
    running = []  # the stack of stages in progress, to make times exclusive

    def timed(name, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            running.append(0.0)
            try:
                return function(*args, **kwargs)
            finally:
                inner = running.pop()
                elapsed = time.perf_counter() - start
                times[name] = times.get(name, 0.0) + elapsed - inner
                if running:
                    running[-1] += elapsed
        return wrapper

    for name in STAGES:
        module_name, function = name.split(":")
        module = importlib.import_module(module_name)
        if hasattr(module, function):
            setattr(module, function, timed(function, getattr(module, function)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--site", required=True)
    parser.add_argument("--source", default=str(ROOT / "source"), help="the original documents (none: a missing folder)")
    parser.add_argument("--times", required=True, help="JSON file to write the stage times to")
    args = parser.parse_args()
    times = {}
    instrument(times)
    start = time.perf_counter()
    status = build_db.main(["--data", args.data, "--site", args.site, "--source", args.source])
    times["total"] = time.perf_counter() - start
    Path(args.times).write_text(json.dumps(times, indent=1))
    return status


if __name__ == "__main__":
    sys.exit(main())
