"""Do visitors who loop slow SQL starve the pages? Latency of ordinary pages while N clients loop a query that runs
until the SQL time limit stops it.

    python bench/starvation.py http://127.0.0.1:8001 [--attackers 8] [--seconds 30] [--sql SQL] [--endpoint /budget]

Each attacker is its own connection that sends the next query as soon as the last one is answered (whatever the
answer: 400 for an interrupted query, 429 when the SQL lane is full). Meanwhile one visitor loads the pages one
after another. Prints, per page, how many loads, p50, p95 and the slowest, and what the attackers got back.
tests/site/test_hardening.py runs a short version with a bound on the landing page's p95.
"""
import argparse
import asyncio
import collections
import json
import time
import urllib.parse

import httpx

SLOW_SQL = "with recursive forever(n) as (select 1 union all select n + 1 from forever) select count(*) from forever"


def wide_sql(rows, columns):
    """A result of rows x columns numbers: 2000 x 25 is the most result_budget.py lets through, 200 x 25 the most
    the SQL lane shows as an HTML table."""
    return (f"with recursive r(n) as (select 1 union all select n + 1 from r limit {rows}) select "
            + ", ".join(f"n as c{i}" for i in range(columns)) + " from r")

PAGES = ["/", "/budget/special_funds/2019-shifeng-minzheng-07", "/budget/special_funds",
         "/budget/performance_indicators"]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else None


async def attacker(base, stop, answers, path):
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        while not stop.is_set():
            try:
                answers[(await client.get(path)).status_code] += 1
            except httpx.TransportError as error:
                answers[type(error).__name__] += 1


async def visitor(base, stop, times, statuses):
    """One citizen: the pages one after another until the end; a load still running then counts, with its time."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        while not stop.is_set():
            for page in PAGES:
                if stop.is_set():
                    break
                start = time.perf_counter()
                response = await client.get(page)
                times[page].append(time.perf_counter() - start)
                statuses[page][response.status_code] += 1


async def measure(base, attackers=8, seconds=30.0, sql=SLOW_SQL, endpoint="/budget.json"):
    """{"pages": {path: {"loads", "p50", "p95", "max", "statuses"}}, "attacks": {status: count}}"""
    stop = asyncio.Event()
    times, statuses = collections.defaultdict(list), collections.defaultdict(collections.Counter)
    answers = collections.Counter()
    path = endpoint + "?" + urllib.parse.urlencode({"sql": sql})
    tasks = [asyncio.create_task(attacker(base, stop, answers, path)) for _ in range(attackers)]
    if attackers:
        await asyncio.sleep(min(2.0, seconds / 5))  # let the attack fill the server before measuring
    tasks.append(asyncio.create_task(visitor(base, stop, times, statuses)))
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*tasks)
    pages = {page: {"loads": len(t), "p50": round(percentile(t, 0.5), 3), "p95": round(percentile(t, 0.95), 3),
                    "max": round(max(t), 3), "statuses": dict(statuses[page])} for page, t in times.items()}
    return {"attackers": attackers, "seconds": seconds, "pages": pages, "attacks": dict(answers)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("--attackers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--sql", default=SLOW_SQL, help="the attackers' query (default: a CTE the time limit stops); "
                                                      "'wide' for the largest JSON/CSV result allowed, 'wide-html' "
                                                      "for the largest HTML one (use with --endpoint /budget)")
    parser.add_argument("--endpoint", default="/budget.json", help="/budget for HTML, /budget.csv for CSV")
    args = parser.parse_args()
    sql = {"wide": wide_sql(2000, 25), "wide-html": wide_sql(200, 25)}.get(args.sql, args.sql)
    print(json.dumps(asyncio.run(measure(args.base, args.attackers, args.seconds, sql, args.endpoint)),
                     ensure_ascii=False, indent=1))
