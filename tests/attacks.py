"""Single small GETs that each try to make the server do too much, and how one is measured against a served site.

Each attack is one request a stranger could send. measure() sends it to a real `datasette serve` and meanwhile, as
another visitor, keeps asking for `select 1` and the home page; it reports the attack's wall time, status and body
size (bytes on the wire, gzip off), the slowest `select 1` and home page seen during it, and how far the server's
resident memory rose above what it was just before (VmHWM after clearing it, /proc/<pid>/clear_refs).

    python tests/attacks.py http://127.0.0.1:8101 <server pid> [name ...]

prints one JSON line per attack (docs/hardening.md's measurements come from this).
"""
import asyncio
import json
import re
import sys
import time
import urllib.parse
from pathlib import Path

import httpx


def sql_path(sql, endpoint="/budget.json", **params):
    return endpoint + "?" + urllib.parse.urlencode({"sql": sql, **params})


def text(characters, fill="a"):
    return f"printf('%.*c', {characters}, '{fill}')"


KEPT_BYTES = 200_000  # of each attack's body, for the tests to look at
MB_TEXT = f"with t(v) as (select {text(999_000)}) "
LIKE_PATTERN = "'%' || " + text(297) + " || 'b%'"  # 300 bytes: the longest pattern sql_limits.py allows

# name -> (path, what the issue or we measured before the fix). Each is the worst case of its class we know.
ATTACKS = {
    # 1. work between two time-limit checks
    "printf: many wide conversions": sql_path("select " + ", ".join(
        "length(printf('" + "%.999999c" * 100 + "', " + ", ".join(["'x'"] * 100) + "))" for _ in range(12))),
    "LIKE: 1 MB text x 300-byte pattern, 14 times": sql_path(
        MB_TEXT + "select " + ", ".join(f"v like {LIKE_PATTERN}" for _ in range(14)) + " from t"),
    "GLOB: 1 MB text x 300-byte pattern, 14 times": sql_path(
        MB_TEXT + "select " + ", ".join(f"v glob '*' || {text(297)} || 'b*'" for _ in range(14)) + " from t"),
    "instr: 190 calls at the per-call bound": sql_path(
        MB_TEXT + "select " + ", ".join(f"instr(v, {text(490)} || '{i}')" for i in range(190)) + " from t"),
    "instr on a computed 1 MB value, row after row": sql_path(
        "with recursive r(n) as (select 1 union all select n + 1 from r limit 1000) select "
        + ", ".join(f"instr(printf('%.*c', 999000 + n % 2, 'a'), {text(490)} || '{i}')" for i in range(5)) + " from r"),
    "replace: 190 calls at the per-call bound": sql_path(
        MB_TEXT + "select " + ", ".join(f"length(replace(v, {text(490)} || '{i}', ''))" for i in range(190))
        + " from t"),
    "substr chain on 1 MB": sql_path(MB_TEXT + "select " + "substr(" * 90 + "v" + ", 2)" * 90 + " from t"),
    "upper/lower/hex of 1 MB, many times": sql_path(
        MB_TEXT + "select " + ", ".join("length(upper(v)) + length(lower(v)) + length(hex(substr(v, 1, 400000)))"
                                         for _ in range(190)) + " from t"),
    "json functions on 1 MB": sql_path(
        "with t(v) as (select '[' || " + text(499_000, "1") + " || ']') select "
        + ", ".join("json_valid(v) + json_array_length(v) + length(json_quote(v))" for _ in range(190)) + " from t"),
    "150 held 1 MB constants": sql_path(
        "with recursive r(n) as (select 1 union all select n + 1 from r limit 3) select "
        + ", ".join(f"instr(hex(zeroblob({499000 + i})), n)" for i in range(150)) + " from r"),
    "group_concat of 1 MB values": sql_path(
        "with recursive r(n) as (select 1 union all select n + 1 from r limit 300) "
        f"select length(group_concat({text(990_000)})) from r"),
    "LIKE in a table filter": "/budget/special_funds.json?" + urllib.parse.urlencode(
        {"_where": f"{text(999_000)} like {LIKE_PATTERN} and " * 14 + "1"}),
    "sorting a million rows": sql_path(
        "with recursive r(n) as (select 1 union all select n + 1 from r limit 30000000) "
        "select n from r order by random() limit 1"),
    "FTS5 MATCH with 100,000 NOTs": sql_path(
        "select count(*) from search_index_fts where search_index_fts match "
        "'a ' || replace(printf('%.*c', 100000, 'x'), 'x', ' NOT zzz')"),
    "a million rows as a CSV stream": sql_path(
        "with recursive r(n) as (select 1 union all select n + 1 from r limit 1000000) select n, n, n from r",
        endpoint="/budget.csv", _stream="on", _size="max"),
    # 2. parameters that make Datasette's own Python work quadratic
    "300 copies of _facet": "/budget/performance_indicators?" + "&".join(["_facet=二级指标"] * 300),
    "many different facets at max size": "/budget/performance_indicators?_facet_size=max&" + "&".join(
        f"_facet={c}" for c in ["一级指标", "二级指标", "部门", "年度", "指标值", "指标序号", "专项_id", "支出方向_id"] * 3),
    "25,000 _search terms": "/budget/search_index?_search=" + "+".join(["a"] * 25_000),
    "repeated _col and _where": "/budget/special_funds.json?" + "&".join(["_col=部门"] * 300 + ["_where=1"] * 300),
    "huge _sort expression": "/budget/special_funds?_sort=" + "a" * 12_000,
    # 3. bytes, not characters
    "20 rows of emoji": sql_path(
        "with recursive r(n) as (select 1 union all select n + 1 from r limit 20) "
        f"select {text(249_000, '😀')} from r"),
    "long column names x 2,000 rows": sql_path(
        "with recursive r(n) as (select 1 union all select n + 1 from r limit 2000) select "
        + ", ".join(f"n as [{'c' * 1200}{i}]" for i in range(25)) + " from r", _shape="array"),
    "control characters in JSON": sql_path(
        "with recursive r(n) as (select 1 union all select n + 1 from r limit 5) "
        "select printf('%.*c', 999000, char(1)) from r"),
    "the largest text result allowed, as HTML": sql_path(
        "select printf('%.*c', 999000, '&') || 1", endpoint="/budget"),
    "the largest text result allowed, as JSON objects": sql_path(
        "with recursive r(n) as (select 1 union all select n + 1 from r limit 5) "
        f"select {text(950_000)} || n as [{'c' * 1000}] from r", _shape="objects"),
    # 4. spreadsheets
    "formula as an xlsx column name": sql_path("select 1 as [=HYPERLINK(\"http://evil.example\",\"x\")]",
                                               endpoint="/budget.xlsx"),
    "the largest spreadsheet allowed": sql_path(
        "with recursive r(n) as (select 1 union all select n + 1 from r limit 200) select "
        + ", ".join(f"'文字' || n as c{i}" for i in range(25)) + " from r", endpoint="/budget.xlsx"),
    "a table page as a spreadsheet, 2,000 rows": "/budget/performance_indicators.xlsx?_size=max",
    "control character in an xlsx column name": sql_path("select 1 as [a" + "\x01" + "b]", endpoint="/budget.xlsx"),
    # 5. redirects and odd requests
    "backslash redirect": "/\\evil.example/",
    "double-slash redirect": "//evil.example/",
    "encoded backslash redirect": "/%5Cevil.example/",
    "tab redirect": "/%09/evil.example/",
}


async def one_attack(client, url):
    # Built before the clock starts: httpx takes ~0.1 s to parse a 20 KB address, which is not the server's time.
    request = client.build_request("GET", url, headers={"accept-encoding": "identity"})
    started = time.perf_counter()
    size = 0
    try:
        response = await client.send(request, stream=True)
        try:
            body = b""
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if len(body) < KEPT_BYTES:
                    body += chunk[:KEPT_BYTES]
            return {"status": response.status_code, "seconds": time.perf_counter() - started, "bytes": size,
                    "headers": dict(response.headers), "body": body}
        finally:
            await response.aclose()
    except httpx.HTTPError as error:
        return {"status": None, "error": repr(error), "seconds": time.perf_counter() - started, "bytes": size,
                "headers": {}, "body": b""}


async def slowest(client, path, done):
    """The slowest of repeated loads of path until the attack is answered (at least one load)."""
    worst, statuses = 0.0, set()
    while True:
        started = time.perf_counter()
        response = await client.get(path)
        worst = max(worst, time.perf_counter() - started)
        statuses.add(response.status_code)
        if done.is_set():
            return worst, statuses
        await asyncio.sleep(0.05)


def memory_kib(pid, field):
    found = re.search(rf"{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(found.group(1))


async def measure(base, pid, path, repeats=1):
    """The attack sent `repeats` times one after another; the figures of the slowest, largest, hungriest one."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS, so VmHWM afterwards is this request's peak
    before = memory_kib(pid, "VmRSS")
    done = asyncio.Event()
    async with httpx.AsyncClient(base_url=base, timeout=60) as attacker, \
            httpx.AsyncClient(base_url=base, timeout=60) as visitor, \
            httpx.AsyncClient(base_url=base, timeout=60) as reader:
        async def attack():
            try:  # the whole URL: a path like //evil.example/ is not joined to the base as a relative one
                return [await one_attack(attacker, base + path) for _ in range(repeats)]
            finally:
                done.set()

        task = asyncio.create_task(attack())
        await asyncio.sleep(0.05)  # the attack is under way
        (sql, sql_statuses), (home, home_statuses) = await asyncio.gather(
            slowest(visitor, "/budget.json?sql=select+1", done), slowest(reader, "/", done))
        results = await task
    peak = memory_kib(pid, "VmHWM")
    worst = max(results, key=lambda r: r["seconds"])
    return dict(worst, statuses=sorted({r["status"] for r in results}, key=str),
                bytes=max(r["bytes"] for r in results), select_1=sql, select_1_statuses=sorted(sql_statuses),
                home=home, home_statuses=sorted(home_statuses), memory_mib=(peak - before) / 1024)


def printable(name, result):
    return json.dumps({"attack": name, **{k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()
                                          if k not in ("headers", "body")}}, ensure_ascii=False)


async def main(base, pid, names):
    for name in names or ATTACKS:
        print(printable(name, await measure(base, pid, ATTACKS[name])), flush=True)
        await asyncio.sleep(1)  # the SQL lane's rest after a request (sql_lane.py REST)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3:]))
