"""Run the real build (builder.build.build) with a stopwatch around each stage; write the stage times as JSON.

    python bench/timed_build.py --data DIR --source DIR --site DIR --times times.json

The stages are the builder's own functions, wrapped where the pipeline looks them up, so the build is the real one.
Times are exclusive: a stage called inside another (the indexes inside finish) is not counted twice; what no
stage covers is `other` (copying the documents, the site metadata). filings.db is written by a second process
while this one puts budget.db together; only the time spent waiting for it shows.
"""
import argparse
import functools
import inspect
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder import build as pipeline, parallel, site, write  # noqa: E402

# (label, object, attribute): the object is where the pipeline finds the function.
STAGES = [
    ("check: read and check the CSVs (a process of its own)", pipeline, "check_csvs"),
    ("check: source documents", pipeline, "source_rows"),
    ("write: every year read again, normalised and derived (two processes; waiting for them)", parallel, "in_order"),
    ("write: the years put together", write.BudgetDb, "merge"),
    ("write: indexes", write.BudgetDb, "index"),
    ("write: tables filled by SQL (department_years, scope_*)", write.BudgetDb, "fill"),
    ("write: facet counts", pipeline, "facet_rows"),
    ("write: views and full-text index", write.BudgetDb, "finish"),
    ("downloads (data package; half of the CSVs in a second process)", pipeline, "write_datapackage"),
    ("waiting for the second process (filings.db; half of the CSVs)", parallel, "result"),
    ("inspect-data.json", site, "write_inspect_data"),
]


def instrument(times):
    running = []  # the stack of stages in progress, to make times exclusive

    def timed(name, function):
        if inspect.isgeneratorfunction(function):
            return timed_generator(name, function)

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

    def timed_generator(name, function):
        """The time spent inside the generator, item by item (not the time its consumer spends between items)."""
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            generator = function(*args, **kwargs)
            while True:
                start = time.perf_counter()
                running.append(0.0)
                try:
                    item = next(generator)
                except StopIteration:
                    return
                finally:
                    inner = running.pop()
                    elapsed = time.perf_counter() - start
                    times[name] = times.get(name, 0.0) + elapsed - inner
                    if running:
                        running[-1] += elapsed
                yield item
        return wrapper

    for name, owner, attribute in STAGES:
        setattr(owner, attribute, timed(name, getattr(owner, attribute)))
    return timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--site", required=True)
    parser.add_argument("--times", required=True, help="JSON file to write the stage times to")
    args = parser.parse_args()
    times = {}
    timed = instrument(times)
    start = time.perf_counter()
    timed("other", pipeline.build)(args.data, args.site, args.source)
    times["other (copies of the documents, metadata)"] = times.pop("other")  # build's own time
    times["total"] = time.perf_counter() - start
    Path(args.times).write_text(json.dumps(times, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
