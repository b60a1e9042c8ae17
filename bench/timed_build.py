"""Run build_db.py's own main() with a stopwatch around each stage; print the stage times as JSON.

    python bench/timed_build.py --data DIR --out DIR --times times.json

The stages are build_db's functions, wrapped where the module looks them up, so the build is the real one.
Times are exclusive: a stage called inside another (the search index inside write_budget_db) is not counted twice.
Stages that do not exist in this version of build_db.py are skipped.
"""
import argparse
import functools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import build_db  # noqa: E402

# build_db's stages; "module.function" for a stage build_db calls through another module it imports.
STAGES = ["read_input", "build_tables", "data_checks", "check_notes", "write_budget_db", "build_search_index",
          "add_indicator_analysis", "write_filings_db", "datapackage_export.write_datapackage"]


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
        *module_name, function = name.split(".")
        module = getattr(build_db, module_name[0], None) if module_name else build_db
        if module is not None and hasattr(module, function):
            setattr(module, function, timed(name, getattr(module, function)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--times", required=True, help="JSON file to write the stage times to")
    args = parser.parse_args()
    times = {}
    instrument(times)
    start = time.perf_counter()
    status = build_db.main(["--data", args.data, "--out", args.out])
    times["total"] = time.perf_counter() - start
    Path(args.times).write_text(json.dumps(times, indent=1))
    return status


if __name__ == "__main__":
    sys.exit(main())
