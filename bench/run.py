"""`make bench`: build and serve a synthetic million-indicator dataset and the real 2019 data, measure, and write
docs/benchmarks.md. Not part of `make test`: it takes about half an hour on the 2-core reference machine.

    python bench/run.py [--work /tmp/budget-bench] [--seconds 10] [--departments 1750 --years 4 --funds 8 --directions 2]

Everything runs on this machine, one server at a time, with Debian's wrk as the load tool and Debian's nginx as
the caching proxy; every command it runs is listed in the report. Nothing is written into data/.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
REPORT = ROOT / "docs" / "benchmarks.md"
COMMANDS = []  # every command run, in order, for the report
LOADS = []  # the machine's 1-minute load average around each wrk run: other work on the machine skews figures


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def shown(command):
    return " ".join(shlex.quote(str(part)) for part in command)


def run_measured(command, **kwargs):
    """Run a command to completion; (wall seconds, peak resident MiB, CPU seconds) of that process alone (wait4).

    CPU seconds (user + system) show whether other work on the machine slowed the command down."""
    COMMANDS.append(shown(command))
    log(shown(command))
    start = time.perf_counter()
    process = subprocess.Popen([str(c) for c in command], **kwargs)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {shown(command)}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, timeout=60):
    """(status, body bytes, headers) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


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
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024

    def stop(self):
        peak = self.peak_mib() if self.process.poll() is None else None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        return peak


def wrk(url, connections, seconds):
    command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
               "-s", BENCH / "wrk_report.lua", url]
    COMMANDS.append(shown(command))
    load = os.getloadavg()[0]
    output = subprocess.run([str(c) for c in command], capture_output=True, text=True, check=True).stdout
    LOADS.append((load + os.getloadavg()[0]) / 2)
    result = json.loads(re.search(r"^WRK_JSON (.*)$", output, re.M).group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["error_count"] = sum(result["errors"].values())
    return result


# ---------------------------------------------------------------------------------------------------------------
# The pages
# ---------------------------------------------------------------------------------------------------------------


def quote(path):
    return urllib.parse.quote(path, safe="/?=&%")


def search_sql_for_bare(query):
    """The search page's SQL with the query already segmented, for a Datasette without the cjk_query function."""
    sys.path.insert(0, str(ROOT))
    from builder.cjk import cjk_query
    from plugins.search_page import PAGE_SIZE, SEARCH_SQL
    literal = "'" + cjk_query(query).replace("'", "''") + "'"
    return (SEARCH_SQL.replace("cjk_query(:q)", literal).replace(":table", "''").replace(":year", "''")
            .replace(":limit", str(PAGE_SIZE + 1)).replace(":offset", "0"))


def pages(fund_id, has_search):
    """(key, label, path on this site, equivalent path on bare Datasette)."""
    table = "/budget/performance_indicators"
    query = "/budget/fund_indicators?专项名称=低保"
    fund = f"/budget/special_funds/{fund_id}"
    if has_search:
        search = ("/search?q=低保", "/budget?sql=" + urllib.parse.quote(search_sql_for_bare("低保")))
    else:
        search = ("/budget/indicator_text_search?词=低保",) * 2
    return [
        ("landing", "首页 landing `/`", "/", "/"),
        ("table", "分面表格 faceted table (5 facets)", table, table),
        ("fund", "专项资金卡 fund card", fund, fund),
        ("query", "保存的查询 saved query `fund_indicators`", query, query),
        ("search", "两字搜索 2-character search “低保”", *search),
    ]


def measure(base, page_paths, seconds):
    """Warm each page up, then load it with wrk at concurrency 1 and 16."""
    results = {}
    for key, path in page_paths.items():
        status, body, _ = fetch(base + quote(path))
        fetch(base + quote(path))
        single = wrk(base + quote(path), 1, seconds)
        # Slow pages get a longer run at 16, so that each connection finishes about three requests (up to 60 s).
        busy_seconds = max(seconds, min(60, round(48 * single["p50_us"] / 1e6)))
        results[key] = {"status": status, "bytes": len(body), "c1": single,
                        "c16": wrk(base + quote(path), 16, busy_seconds), "c16_seconds": busy_seconds}
        log(f"  {key}: HTTP {status}, {len(body)} bytes, median {results[key]['c1']['p50_us'] / 1000:.1f} ms, "
            f"{results[key]['c16']['rps']:.1f} req/s at 16")
    return results


# ---------------------------------------------------------------------------------------------------------------
# Build and baseline
# ---------------------------------------------------------------------------------------------------------------


def timed_build(data, out):
    """Build data into the site folder out (a link to its build folder, as `make build` makes). Synthetic data has
    no original documents: only the repository's own data/ is built with source/."""
    if out.is_symlink():
        out.unlink()
    for folder in (out, out.parent / f".{out.name}.builds"):
        if folder.exists():
            shutil.rmtree(folder)
    times_file = out.with_suffix(".times.json")
    seconds, peak, cpu = run_measured(
        [PYTHON, BENCH / "timed_build.py", "--data", data, "--site", out, "--times", times_file,
         *([] if Path(data) == ROOT / "data" else ["--source", Path(data).parent / "no-documents"])], stdout=subprocess.DEVNULL)
    return {"seconds": seconds, "peak_mib": peak, "cpu_seconds": cpu, "stages": json.loads(times_file.read_text())}


def is_search_table(name):
    return name == "search_index" or name.startswith("search_index_")


def export_for_baseline(db_path, folder, fts):
    """Schema and rows of a built database as an sqlite3 shell script plus CSVs (not timed).

    fts=False: every table except the search index; fts=True: only the search index and its FTS5 table."""
    conn = sqlite3.connect(db_path)
    rows = conn.execute("select type, name, tbl_name, sql from sqlite_master where sql is not null "
                        "and name not like 'sqlite_%' order by rowid").fetchall()
    shadow = {name for _, name, _, _ in rows if re.match(r"search_index_fts_", name)}
    script = [".bail on"]
    tables = [(n, sql) for kind, n, t, sql in rows if kind == "table" and n not in shadow and is_search_table(t) == fts]
    indexes = [sql for kind, n, t, sql in rows if kind == "index" and is_search_table(t) == fts]
    for name, sql in tables:
        script.append(sql + ";")
        if sql.lower().startswith("create virtual table"):
            script.append(f"INSERT INTO [{name}]([{name}]) VALUES('rebuild');")
            continue
        csv_path = folder / f"{name}.csv"
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            cursor = conn.execute(f"select * from [{name}]")
            writer.writerow([d[0] for d in cursor.description])
            writer.writerows(cursor)
        script.append(f".import --csv --skip 1 {csv_path} {name}")
    # The FTS5 table is filled last, from its content table.
    script = [line for line in script if "VALUES('rebuild')" not in line] + \
             [line for line in script if "VALUES('rebuild')" in line]
    script += [sql + ";" for sql in indexes]
    conn.close()
    return "\n".join(script) + "\n"


def baseline(site, folder):
    """sqlite3's .import of the same rows into tables with the same columns and indexes, timed per database."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    result = {"seconds": 0.0, "peak_mib": 0.0, "cpu_seconds": 0.0, "fts_seconds": 0.0, "fts_cpu_seconds": 0.0}
    for db_name, fts in (("budget.db", False), ("filings.db", False), ("budget.db", True)):
        part = folder / f"{db_name}-{'fts' if fts else 'tables'}"
        part.mkdir()
        script = part / "load.sql"
        script.write_text(export_for_baseline(site / db_name, part, fts), encoding="utf-8")
        target = folder / ("search.db" if fts else db_name)
        with open(script) as stdin:
            seconds, peak, cpu = run_measured(["sqlite3", target], stdin=stdin)
        prefix = "fts_" if fts else ""
        result[prefix + "seconds"] += seconds
        result[prefix + "cpu_seconds"] += cpu
        result["peak_mib"] = max(result["peak_mib"], peak)
    return result


def table_counts(db_path):
    conn = sqlite3.connect(db_path)
    names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' and name not like "
                                        "'search_index_fts_%' and name not like 'sqlite_%' order by name")]
    counts = {name: conn.execute(f"select count(*) from [{name}]").fetchone()[0] for name in names}
    conn.close()
    return counts


# ---------------------------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------------------------


def site_command(site, port):
    """What `make run` runs: datasette serving the resolved site folder (the Makefile exports PYTHONPATH=ROOT,
    which main() sets for every server started here)."""
    return [str(ROOT / ".venv" / "bin" / "datasette"), "serve", str(Path(site).resolve()), "--host", "127.0.0.1",
            "--port", str(port)]


def bare_command(site, port):
    settings = json.loads((ROOT / "settings.json").read_text())
    flags = []
    for key, value in settings.items():
        flags += ["--setting", key, str(value).lower() if isinstance(value, bool) else str(value)]
    return [PYTHON, BENCH / "bare_datasette.py", "serve", "--immutable", site / "budget.db", "--immutable",
            site / "filings.db", "--metadata", site / "metadata.yml", *flags, "--host", "127.0.0.1", "--port", port]


def serve_and_measure(name, command, port, paths, seconds, then=None):
    base = f"http://127.0.0.1:{port}"
    server = Server(name, command, base + "/-/versions.json")
    try:
        results = {"pages": measure(base, paths, seconds)}
        if then:
            results.update(then(base))
    finally:
        results_peak = server.stop()
    results["server_peak_mib"] = results_peak
    return results


class NginxTemplate(Template):
    delimiter = "@"  # nginx's own variables use $


def through_nginx(work, paths, seconds):
    """Measure the pages through nginx's proxy_cache and as static files (the ceiling), against a running site."""
    def run(base):
        folder = work / "nginx"
        if folder.exists():
            shutil.rmtree(folder)
        static_root = folder / "static"
        static_root.mkdir(parents=True)
        proxy_port, static_port = free_port(), free_port()
        config = NginxTemplate((BENCH / "nginx.conf").read_text()).substitute(
            work=folder, upstream_port=urllib.parse.urlsplit(base).port, proxy_port=proxy_port,
            static_port=static_port, static_root=static_root)
        (folder / "nginx.conf").write_text(config)
        static_paths = {}
        for key, path in paths.items():
            status, body, _ = fetch(base + quote(path))
            (static_root / f"{key}.html").write_bytes(body)
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
    return run


# ---------------------------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------------------------


def ms(us):
    return f"{us / 1000:.1f}"


def ratio(a, b):
    return f"{a / b:.2f}" if b else "–"


def verdict(ok):
    return "**达到 met**" if ok else "**未达到 not met**"


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
            "os": platform.platform()}


def errors_text(*runs):
    """'0', or the failed requests by kind: 'status 4' = answers other than 2xx/3xx, 'timeout' = over 30 s."""
    totals = {}
    for run in runs:
        for kind, count in run["errors"].items():
            totals[kind] = totals.get(kind, 0) + count
    return ", ".join(f"{kind} {count}" for kind, count in totals.items() if count) or "0"


def page_table(rows, labels, left, right, left_name, right_name):
    lines = [f"| 页面 page | {left_name} 中位 median ms | p95 | p99 | {right_name} 中位 median ms | p95 | p99 | "
             f"{left_name} req/s @1 | {right_name} req/s @1 | {left_name} req/s @16 | {right_name} req/s @16 | "
             f"吞吐比 throughput ratio @16 | 错误 errors |",
             "|" + " --- |" * 13]
    for key in rows:
        a, b = left[key], right[key]
        lines.append(
            f"| {labels[key]} | {ms(a['c1']['p50_us'])} | {ms(a['c1']['p95_us'])} | {ms(a['c1']['p99_us'])} | "
            f"{ms(b['c1']['p50_us'])} | {ms(b['c1']['p95_us'])} | {ms(b['c1']['p99_us'])} | "
            f"{a['c1']['rps']:.1f} | {b['c1']['rps']:.1f} | {a['c16']['rps']:.1f} | {b['c16']['rps']:.1f} | "
            f"{ratio(a['c16']['rps'], b['c16']['rps'])} | "
            f"{errors_text(a['c1'], a['c16'])} / {errors_text(b['c1'], b['c16'])} |")
    return lines


def write_report(r, args):
    labels = {key: label for key, label, _, _ in r["pages"]}
    keys = list(labels)
    big, small = r["serve"]["big"], r["serve"]["2019"]
    build, base = r["build"]["big"], r["baseline"]
    fts = build["stages"].get("build_search_index", 0.0)
    build_without_fts = build["seconds"] - fts
    build_ratio = build_without_fts / base["seconds"]
    # The same ratio on CPU time, which other work on a shared machine disturbs less than wall time; the FTS
    # stage's share of CPU is taken as its share of wall time.
    cpu_ratio = build["cpu_seconds"] * (build_without_fts / build["seconds"]) / base["cpu_seconds"]
    m = r["machine"]
    lines = [
        "# 性能基准 Benchmarks",
        "",
        "由 `make bench` 生成，请勿手工编辑；分析与结论见 [scaling.md](scaling.md)。",
        "Generated by `make bench` (bench/run.py); do not edit by hand. Analysis: [scaling.md](scaling.md).",
        "",
        f"- 运行时间 run: {r['started']} – {r['finished']}（{r['minutes']:.0f} 分钟 minutes）",
        f"- 机器 machine: **{m['cores']} 核 cores**, {m['cpu']}, {m['memory_gib']} GiB, {m['os']}",
        "- 版本 versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"- 机器负载 machine load (1-minute load average around each wrk run): 最低 min {min(r['loads']):.1f}, "
        f"中位 median {statistics.median(r['loads']):.1f}, 最高 max {max(r['loads']):.1f} "
        f"(2 核：高于 2 表示有别的进程同时在用 CPU above 2 means other processes were competing for the CPU)",
        f"- 每次负载 each load: wrk `-d{args.seconds}s`, 并发 concurrency 1 (`-t1 -c1`) 和 16 (`-t2 -c16`), "
        "先预热两次 after two warm-up requests; 慢页面在并发 16 时运行更久（每个连接约完成三次请求，最多 60 秒）slow pages "
        "run longer at 16 (about three requests per connection, at most 60 s); 超时 timeout 30 s; "
        "wrk 与服务器在同一台机器上，共用两个核 (wrk shares the 2 cores). "
        "错误 errors: status = 非 2xx/3xx 的回答 answers other than 2xx/3xx (如 SQL 超时 e.g. the SQL time limit).",
        "",
        "## 数据规模 Data",
        "",
        f"合成数据 synthetic: `bench/generate.py --departments {args.departments} --years {args.years} "
        f"--funds {args.funds} --directions {args.directions}` (“百万行 1M”); 2019 = 仓库中的真实数据 the real data/.",
        "",
        "| 表 table | 百万行 1M | 2019 |",
        "| --- | ---: | ---: |",
    ]
    for name, count in r["counts"]["big"].items():
        lines.append(f"| {name} | {count:,} | {r['counts']['2019'].get(name, 0):,} |")
    lines += [
        "",
        "## 生成数据库 Build",
        "",
        "| | 秒 wall seconds | CPU 秒 CPU seconds | 峰值内存 peak MiB |",
        "| --- | ---: | ---: | ---: |",
        f"| `build_db.py`，百万行 1M（全部 total） | {build['seconds']:.1f} | {build['cpu_seconds']:.1f} | "
        f"{build['peak_mib']:.0f} |",
        f"| 其中全文检索与分词 of which FTS + segmentation (`build_search_index`) | {fts:.1f} | | |",
        f"| `build_db.py` 不含全文检索 without FTS | {build_without_fts:.1f} | | |",
        f"| 基线 baseline: sqlite3 `.import`，同样的行、列和索引 same rows, columns, indexes (budget.db + filings.db) "
        f"| {base['seconds']:.1f} | {base['cpu_seconds']:.1f} | {base['peak_mib']:.0f} |",
        f"| 基线全文检索 baseline FTS: `.import` search_index + FTS5 `rebuild` | {base['fts_seconds']:.1f} | "
        f"{base['fts_cpu_seconds']:.1f} | |",
        f"| `build_db.py`，2019 | {r['build']['2019']['seconds']:.1f} | {r['build']['2019']['cpu_seconds']:.1f} | "
        f"{r['build']['2019']['peak_mib']:.0f} |",
        "",
        f"**比值 ratio（不含全文检索 FTS apart）: {build_ratio:.1f}×** 基线 baseline（按 CPU 时间 by CPU time: "
        f"{cpu_ratio:.1f}×）— 目标 goal ≤ 3×: {verdict(build_ratio <= 3)}. 全文检索阶段 FTS stage: {fts:.1f} s vs "
        f"{base['fts_seconds']:.1f} s ({ratio(fts, base['fts_seconds'])}×).",
        "",
        "`build_db.py` 各阶段（不重复计时）stages, exclusive seconds:",
        "",
        "| 阶段 stage | 秒 seconds |",
        "| --- | ---: |",
    ]
    for stage, seconds in build["stages"].items():
        lines.append(f"| `{stage}` | {seconds:.1f} |")
    lines += [
        "",
        "## 页面 Pages",
        "",
        "| 页面 page | 本站网址 site URL | 对照 bare Datasette 网址 URL |",
        "| --- | --- | --- |",
    ]
    for key, label, site_path, bare_path in r["pages"]:
        bare_shown = bare_path if len(bare_path) < 80 else bare_path[:77] + "…"
        lines.append(f"| {label} | `{site_path}` | `{bare_shown}` |")
    lines += [
        "",
        "专项资金卡在百万行数据中为 fund card at 1M: `" + r["fund_ids"]["big"] + "`；2019: `" + r["fund_ids"]["2019"] + "`.",
        "对照服务器 bare: `bench/bare_datasette.py`——同一 Datasette 0.65.5、同样的 metadata.yml 和 settings.json，"
        "但没有任何插件（包括 datasette-vega）、模板和静态目录 (same metadata and settings, no plugins, templates or "
        "static mounts). 搜索的对照页面是同一条 FTS5 查询语句的 SQL 页面 (the bare equivalent of /search is the "
        "same FTS5 query on Datasette's SQL page; the site's page also runs a count and a years query).",
        "",
    ]
    for name, data in (("百万行 1M", big), ("2019", small)):
        lines += [f"### {name}：本站 site vs 无插件 Datasette bare", ""]
        lines += page_table(keys, labels, data["site"]["pages"], data["bare"]["pages"], "本站 site", "bare")
        statuses = ", ".join(f"{k} {data['site']['pages'][k]['status']}/{data['bare']['pages'][k]['status']} "
                             f"({data['site']['pages'][k]['bytes']:,} B)" for k in keys)
        lines += ["", f"HTTP 状态 status site/bare (page size): {statuses}", ""]
    lines += [
        "### 数据增长 Growth: 百万行 1M vs 2019（本站 site, concurrency 1）",
        "",
        "| 页面 page | 2019 中位 median ms | 1M 中位 median ms | 倍数 ×（目标 goal ≤ 3） | |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    growth_ok = []
    for key in keys:
        a, b = small["site"]["pages"][key]["c1"]["p50_us"], big["site"]["pages"][key]["c1"]["p50_us"]
        growth_ok.append(b <= 3 * a)
        lines.append(f"| {labels[key]} | {ms(a)} | {ms(b)} | {b / a:.1f} | {verdict(b <= 3 * a)} |")
    throughput = [big["site"]["pages"][k]["c16"]["rps"] / big["bare"]["pages"][k]["c16"]["rps"] for k in keys
                  if big["bare"]["pages"][k]["c16"]["rps"]]
    proxy, static = big["site"]["proxy"], big["site"]["static"]
    lines += [
        "",
        "### 缓存代理 Caching proxy: nginx `proxy_cache` vs 静态文件 static files（百万行 1M）",
        "",
        f"配置 config: `bench/nginx.conf`；预热后缓存状态 cache status after warm-up: {big['site']['cache_status']}",
        "",
    ]
    lines += page_table(keys, labels, proxy, static, "代理 proxy", "静态 static")
    proxy_ratios = [proxy[k]["c16"]["rps"] / static[k]["c16"]["rps"] for k in keys]
    lines += [
        "",
        "## 内存 Memory (peak resident, MiB)",
        "",
        "| 进程 process | 百万行 1M | 2019 |",
        "| --- | ---: | ---: |",
        f"| `build_db.py` | {build['peak_mib']:.0f} | {r['build']['2019']['peak_mib']:.0f} |",
        f"| 本站服务器 site server (`make serve`) | {big['site']['server_peak_mib']:.0f} | "
        f"{small['site']['server_peak_mib']:.0f} |",
        f"| 无插件 bare Datasette | {big['bare']['server_peak_mib']:.0f} | {small['bare']['server_peak_mib']:.0f} |",
        f"| nginx (master) | {big['site']['nginx_peak_mib']:.0f} | |",
        "",
        "## 目标 Goals",
        "",
        f"- 生成 build ≤ 3× `.import`（不含全文检索 FTS apart）: {build_ratio:.1f}× — {verdict(build_ratio <= 3)}",
        f"- 百万行每页中位延迟 ≤ 3× 2019 every page at 1M within 3× its 2019 median: "
        f"{sum(growth_ok)}/{len(growth_ok)} — {verdict(all(growth_ok))}",
        f"- 本站吞吐 ≥ 0.8× 无插件 Datasette site throughput ≥ 0.8× bare (concurrency 16, 1M): "
        f"最低 lowest {min(throughput):.2f}, 中位 median {statistics.median(throughput):.2f} — "
        f"{verdict(min(throughput) >= 0.8)}",
        f"- 经缓存代理 ≥ 0.5× 静态文件 through the proxy ≥ 0.5× static (concurrency 16): 最低 lowest "
        f"{min(proxy_ratios):.2f} — {verdict(min(proxy_ratios) >= 0.5)}",
        "",
        "## 命令 Commands",
        "",
        "```bash",
        f"make bench   # = .venv/bin/python bench/run.py --seconds {args.seconds} --departments {args.departments} "
        f"--years {args.years} --funds {args.funds} --directions {args.directions}",
        "```",
        "",
        "bench/run.py 依次运行了 ran, in order:",
        "",
        "```bash",
        *COMMANDS,
        "```",
        "",
    ]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="/tmp/budget-bench", type=Path)
    parser.add_argument("--seconds", default=10, type=int, help="duration of each wrk run")
    parser.add_argument("--departments", default=1750, type=int)
    parser.add_argument("--years", default=4, type=int)
    parser.add_argument("--funds", default=8, type=int)
    parser.add_argument("--directions", default=2, type=int)
    args = parser.parse_args()
    # The plugins import the helpers they share with the build (builder/), as under make: every server started here.
    os.environ["PYTHONPATH"] = str(ROOT)
    for tool in ("wrk", "nginx", "sqlite3"):
        if not shutil.which(tool):
            raise SystemExit(f"缺少 {tool}：请先运行 apt-get install wrk nginx-light sqlite3。 "
                             f"{tool} is missing: apt-get install wrk nginx-light sqlite3")
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)  # the site's command line, like the Makefile's, names files relative to the repository
    started = datetime.datetime.now()
    r = {"started": started.strftime("%Y-%m-%d %H:%M"), "machine": machine()}

    data = work / "data"
    if data.exists():
        shutil.rmtree(data)
    run_measured([PYTHON, BENCH / "generate.py", "--out", data, "--departments", args.departments, "--years",
                  args.years, "--funds", args.funds, "--directions", args.directions])
    r["build"] = {"2019": timed_build(ROOT / "data", work / "site2019"), "big": timed_build(data, work / "site")}
    log(f"build: {r['build']}")
    r["baseline"] = baseline(work / "site", work / "baseline")
    log(f"baseline: {r['baseline']}")
    r["counts"] = {"big": table_counts(work / "site" / "budget.db"), "2019": table_counts(work / "site2019" / "budget.db")}

    big_fund = sqlite3.connect(work / "site" / "budget.db").execute(
        "select id from special_funds order by id limit 1 offset (select count(*) / 2 from special_funds)").fetchone()[0]
    r["fund_ids"] = {"big": big_fund, "2019": "2019-shifeng-minzheng-07"}
    has_search = (ROOT / "plugins" / "search_page.py").exists()
    r["serve"] = {}
    for name, site in (("big", work / "site"), ("2019", work / "site2019")):
        page_list = pages(r["fund_ids"][name], has_search)
        r.setdefault("pages", page_list)  # the report lists the million-row URLs
        site_paths = {key: path for key, _, path, _ in page_list}
        bare_paths = {key: path for key, _, _, path in page_list}
        port = free_port()
        log(f"serving {name}: this site")
        site_results = serve_and_measure(f"site-{name}", site_command(site, port), port, site_paths, args.seconds,
                                         then=through_nginx(work, site_paths, args.seconds) if name == "big" else None)
        port = free_port()
        log(f"serving {name}: bare Datasette")
        bare_results = serve_and_measure(f"bare-{name}", bare_command(site, port), port, bare_paths, args.seconds)
        r["serve"][name] = {"site": site_results, "bare": bare_results}
    finished = datetime.datetime.now()
    r["loads"] = LOADS
    r["finished"], r["minutes"] = finished.strftime("%H:%M"), (finished - started).total_seconds() / 60
    (work / "results.json").write_text(json.dumps(r, indent=1, ensure_ascii=False))
    write_report(r, args)
    log(f"wrote {REPORT} (raw results: {work / 'results.json'})")


if __name__ == "__main__":
    main()
