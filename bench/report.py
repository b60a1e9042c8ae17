"""docs/benchmarks.md (and the growth curve, docs/benchmarks-growth.svg drawn here and rendered to .png by Debian's
Chromium through Playwright, both already needed by the tests) from the results of bench/run.py."""
import math
import re
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
PLOT = ROOT / "docs" / "benchmarks-growth.svg"
PLOT_PNG = PLOT.with_suffix(".png")
CHROMIUM = "/usr/bin/chromium"
GOALS = {"build_ratio": 3, "build_memory_mib": 1024, "page_ratio": 3, "page_p95_ms": 300, "throughput": 0.8,
         "import_seconds": 300, "import_memory_mib": 1024}
GROWTH_PAGES = ["landing", "fund", "table", "search"]


def ms(us):
    return f"{us / 1000:.1f}"


def verdict(ok):
    return "**达到 met**" if ok else "**未达到 not met**"


def errors_text(*runs):
    totals = {}
    for run in runs:
        for kind, count in run["errors"].items():
            totals[kind] = totals.get(kind, 0) + count
    return ", ".join(f"{kind} {count}" for kind, count in totals.items() if count) or "0"


def lowest(ratios):
    below = sum(1 for value in ratios.values() if value < GOALS["throughput"])
    return (f"最低 lowest {min(ratios.values()):.2f} ({min(ratios, key=ratios.get)}), 中位 median "
            f"{statistics.median(ratios.values()):.2f}, 低于 0.8 的页面 pages below 0.8: {below}/{len(ratios)}")


def write(r):
    labels = {key: label for key, label, _, _ in r["pages"]["big"]}
    big, small = r["serve"]["big"], r["serve"]["2019"]
    build, base = r["build"]["big"], r["baseline"]
    lines = header(r) + data_section(r) + build_section(r, build, base)
    page_lines, page_ok, p95_ok, (throughput, strict) = pages_section(r, labels, big, small)
    lines += page_lines + proxy_section(r, labels, big) + growth_section(r) + memory_section(r, big, small)
    build_ratio = build["seconds"] / (base["seconds"] + base["fts_seconds"])
    growth = growth_points(r)
    rows_10m = [g for g in growth if g["rows"] >= 5_000_000]
    memory_note = ""
    if rows_10m:
        factor = rows_10m[-1]["peak_mib"] / build["peak_mib"]
        memory_note = f"；{rows_10m[-1]['rows']:,} 行时 at {rows_10m[-1]['rows']:,} rows {rows_10m[-1]['peak_mib']:.0f} MiB（{factor:.1f}× for 10× rows）"
    lines += [
        "## 目标 Goals",
        "",
        f"- 生成时间 ≤ {GOALS['build_ratio']}× sqlite3 `.import`（同一次运行，含全文检索 FTS included）build within "
        f"{GOALS['build_ratio']}× the .import floor: {build_ratio:.2f}× — {verdict(build_ratio <= GOALS['build_ratio'])}",
        f"- 生成峰值内存 ≤ 1 GB（百万行）build peak memory ≤ 1 GB at 1M: {build['peak_mib']:.0f} MiB{memory_note} — "
        f"{verdict(build['peak_mib'] <= GOALS['build_memory_mib'])}",
        f"- 每个页面百万行时中位延迟 ≤ 3× 2019，且 p95 ≤ 300 ms every page within 3× of 2019 and p95 ≤ 300 ms: "
        f"{sum(page_ok)}/{len(page_ok)} 页面 pages ≤ 3×, {sum(p95_ok)}/{len(p95_ok)} p95 ≤ 300 ms — "
        f"{verdict(all(page_ok) and all(p95_ok))}",
        f"- 本站吞吐 ≥ 0.8× 无插件 Datasette（并发 16，百万行，两边都开 gzip）throughput ≥ 0.8× bare Datasette at 16 "
        f"connections, 1M, gzip on both sides: {lowest(throughput)} — "
        f"{verdict(min(throughput.values()) >= GOALS['throughput'])}；对照不压缩的 Datasette against Datasette without "
        f"gzip: {lowest(strict)} — {verdict(min(strict.values()) >= GOALS['throughput'])}",
        *import_goal(r),
        "",
        "## 命令 Commands",
        "",
        "```bash",
        f"make bench   # = .venv/bin/python bench/run.py --seconds {r['args']['seconds']} --departments "
        f"{r['args']['departments']} --years {r['args']['years']} --funds {r['args']['funds']} --directions "
        f"{r['args']['directions']} --growth {r['args']['growth']}",
        "```",
        "",
        "bench/run.py 依次运行了 ran, in order:",
        "",
        "```bash",
        *r["commands"],
        "```",
        "",
    ]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    if growth:
        PLOT.write_text(growth_svg(growth), encoding="utf-8")
        render_png(PLOT, PLOT_PNG)


def import_goal(r):
    """The goal of issue 20 for make import: 1,000 generated documents of mixed media (bench/import_many.py)."""
    if "import" not in r:
        return []
    i = r["import"]
    ok = i["seconds"] <= GOALS["import_seconds"] and i["peak_mib"] <= GOALS["import_memory_mib"]
    return [f"- 导入一个县一年的 {i['documents']:,} 份文件（各种格式混合）≤ 5 分钟、≤ 1 GB importing a county's year, "
            f"{i['documents']:,} documents of mixed media: {i['seconds']:.0f} s（CPU {i['cpu_seconds']:.0f} s）, "
            f"{i['peak_mib']:.0f} MiB；导入 imported {i['imported']}（{i['projects']:,} 个项目 projects, "
            f"{i['indicators']:,} 条指标 indicators），拒绝 refused {i['refused']}（有意损坏的文件 damaged on purpose）— "
            f"{verdict(ok)}"]


def render_png(svg, png):
    """The SVG as a PNG (twice its size, for sharp text), by a real browser with the Chinese fonts installed."""
    from playwright.sync_api import sync_playwright

    width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', svg.read_text()).groups())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=2)
        page.goto(svg.resolve().as_uri())
        page.screenshot(path=str(png))
        browser.close()


def header(r):
    m = r["machine"]
    loads = r["loads"]
    return [
        "# 性能基准 Benchmarks",
        "",
        "由 `make bench` 生成，请勿手工编辑；分析与结论见 [scaling.md](scaling.md)。",
        "Generated by `make bench` (bench/run.py); do not edit by hand. Analysis: [scaling.md](scaling.md).",
        "",
        f"- 运行时间 run: {r['started']} – {r['finished']}（{r['minutes']:.0f} 分钟 minutes）",
        f"- 机器 machine: **{m['cores']} 核 cores**, {m['cpu']}, {m['memory_gib']} GiB, {m['os']}",
        "- 版本 versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"- 机器负载 machine load: 开始时 at the start {m['load_at_start'][0]:.1f}; 每次 wrk 运行期间 around each wrk run "
        f"最低 min {min(loads):.1f}, 中位 median {statistics.median(loads):.1f}, 最高 max {max(loads):.1f} "
        "(2 核：高于 2 表示有别的进程同时在用 CPU above 2 means other processes were competing for the CPU)",
        f"- 每次负载 each load: wrk `-d{r['args']['seconds']}s`, 并发 concurrency 1 (`-t1 -c1`) 和 16 (`-t2 -c16`), "
        "先请求两次 after two requests (the first one's time is shown as “首次 first”); 超时 timeout 30 s; wrk 与服务器在同"
        "一台机器上，共用两个核 (wrk shares the 2 cores). 错误 errors: status = 非 2xx/3xx 的回答 answers other than 2xx/3xx.",
        "- 压缩 compression: 请求带 `Accept-Encoding: gzip`（如同浏览器）；本站压缩回答（budget_site/downloads/compression.py），对照的 Datasette 只加载同一个 gzip 插件，另在并发 16 时测一次不要求 gzip 的请求（即完全不压缩）。Requests ask for gzip, as browsers do; the site compresses (budget_site/downloads/compression.py), bare Datasette loads the same gzip wrapper as its only plugin, and is measured once more at 16 connections without gzip.",
        "",
    ]


def data_section(r):
    a = r["args"]
    lines = [
        "## 数据规模 Data",
        "",
        f"合成数据 synthetic: `bench/generate.py --departments {a['departments']} --years {a['years']} --funds {a['funds']} "
        f"--directions {a['directions']}` (“百万行 1M”, with one source document per department and year); "
        "2019 = 仓库中的真实数据 the real data/.",
        "",
        "| 表 table | 百万行 1M | 2019 |",
        "| --- | ---: | ---: |",
    ]
    for name, count in r["counts"]["big"].items():
        lines.append(f"| {name} | {count:,} | {r['counts']['2019'].get(name, 0):,} |")
    return lines + [""]


def build_section(r, build, base):
    floor = base["seconds"] + base["fts_seconds"]
    ratio = build["seconds"] / floor
    cpu_ratio = build["cpu_seconds"] / (base["cpu_seconds"] + base["fts_cpu_seconds"])
    small = r["build"]["2019"]
    lines = [
        "## 生成数据库 Build",
        "",
        "| | 秒 wall seconds | CPU 秒 CPU seconds | 峰值内存 peak MiB（进程树 process tree） |",
        "| --- | ---: | ---: | ---: |",
        f"| `build_db.py`，百万行 1M | {build['seconds']:.1f} | {build['cpu_seconds']:.1f} | {build['peak_mib']:.0f} |",
        f"| 基线 baseline: sqlite3 `.import`，同样的行、列和索引 same rows, columns, indexes (budget.db + filings.db) "
        f"| {base['seconds']:.1f} | {base['cpu_seconds']:.1f} | {base['peak_mib']:.0f} |",
        f"| 基线全文检索 baseline FTS: `.import` search_index + FTS5 `rebuild` | {base['fts_seconds']:.1f} | "
        f"{base['fts_cpu_seconds']:.1f} | |",
        f"| `build_db.py`，2019 | {small['seconds']:.1f} | {small['cpu_seconds']:.1f} | {small['peak_mib']:.0f} |",
        "",
        f"**比值 ratio: {ratio:.2f}×** 基线 baseline (.import + FTS, {floor:.1f} s)；按 CPU 时间 by CPU time "
        f"{cpu_ratio:.2f}×（生成用两个核 the build uses both cores）— 目标 goal ≤ {GOALS['build_ratio']}×: "
        f"{verdict(ratio <= GOALS['build_ratio'])}.",
        "",
        "大小 sizes (MiB): " + ", ".join(f"{k} {v:,.0f}" for k, v in build["sizes"].items()),
        "",
        "`build_db.py` 各阶段（主进程，不重复计时）stages of the main process, exclusive seconds:",
        "",
        "| 阶段 stage | 秒 seconds |",
        "| --- | ---: |",
    ]
    lines += [f"| {stage} | {seconds:.1f} |" for stage, seconds in build["stages"].items()]
    return lines + [""]


def pages_section(r, labels, big, small):
    keys = list(labels)
    small_keys = {key: key for key, *_ in r["pages"]["2019"]}
    lines = [
        "## 页面 Pages",
        "",
        "| 页面 page | 本站网址 site URL (1M) | 对照 bare Datasette 网址 URL |",
        "| --- | --- | --- |",
    ]
    for key, label, site_path, bare_path in r["pages"]["big"]:
        bare_shown = bare_path if len(bare_path) < 70 else bare_path[:67] + "…"
        lines.append(f"| {label} | `{site_path}` | `{bare_shown}` |")
    lines += [
        "",
        "对照服务器 bare: `bench/bare_datasette.py`——同一 Datasette 0.65.5，同样的数据库（immutable, 同一个 "
        "inspect-data.json）、同样的 metadata.yml（包括保存的查询）和 settings.json，除 gzip 外没有任何插件，没有模板和静态目录。"
        "部门页面的对照是该部门同一年 department_budgets 的行页面；搜索的对照是同一条 FTS5 查询（最近的 51 条）在 SQL 页面上。"
        " Same Datasette, databases, inspect data, metadata (saved queries included) and settings; no plugin but gzip, "
        "no templates or static mounts.",
        "",
        "### 百万行 vs 2019（本站，并发 1）1M vs 2019 (this site, one connection)",
        "",
        "| 页面 page | 2019 中位 median ms | 1M 中位 median ms | 1M p95 ms | 1M 首次 first ms | 倍数 × (≤ 3) | p95 ≤ 300 ms | |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    page_ok, p95_ok = [], []
    for key in keys:
        if key not in small_keys:
            continue
        a, b = small["site"]["pages"][key], big["site"]["pages"][key]
        times = b["c1"]["p50_us"] / a["c1"]["p50_us"]
        ok, fast = times <= GOALS["page_ratio"], b["c1"]["p95_us"] <= GOALS["page_p95_ms"] * 1000
        page_ok.append(ok)
        p95_ok.append(fast)
        lines.append(f"| {labels[key]} | {ms(a['c1']['p50_us'])} | {ms(b['c1']['p50_us'])} | {ms(b['c1']['p95_us'])} | "
                     f"{b['first_ms']:.0f} | {times:.1f} | {'✓' if fast else '✗'} | {verdict(ok and fast)} |")
    lines += [
        "",
        "### 吞吐 Throughput: 本站 vs 无插件 Datasette，并发 16 this site vs bare Datasette, 16 connections",
        "",
        "gzip 两边都开 on both sides：对照服务器只加载本站的 gzip 插件（budget_site/downloads/compression.py）。"
        "不压缩 plain：同一对照服务器回答不要求 gzip 的请求，即完全无插件的 Datasette（本站仍压缩）。"
        " gzip: the bare server loads the site's gzip wrapper as its only plugin. plain: the same bare server answering "
        "requests that do not ask for gzip, i.e. Datasette with nothing added (this site still compresses). "
        "两个服务器同时运行；每个页面在两边交替测三轮（本站、对照、对照不压缩，再重复），每边取最好的一轮：机器是共用的，"
        "别的负载只会让一轮变慢（每一轮都在 results.json 的 c16_rounds 里）。"
        " Both servers run at once; each page gets three alternating rounds (site, bare, bare plain, and again) and each "
        "side keeps its best round: the machine is shared and other work only ever slows a round down (every round is "
        "in results.json, c16_rounds).",
        "",
        "| 页面 page | 1M 本站 site req/s | 1M bare+gzip req/s | 1M 比 ratio (≥ 0.8) | 1M bare plain req/s | "
        "1M 比 ratio vs plain | 2019 本站 site | 2019 bare+gzip | 2019 比 ratio | 错误 errors 1M site / bare |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    throughput, strict = {}, {}

    def ratio(mine, theirs):
        return mine / theirs if theirs else float("inf")

    for key in keys:
        mine, bare = big["site"]["pages"][key], big["bare"]["pages"][key]
        throughput[key] = ratio(mine["c16"]["rps"], bare["c16"]["rps"])
        strict[key] = ratio(mine["c16"]["rps"], bare["c16_plain"]["rps"])
        row = (f"| {labels[key]} | {mine['c16']['rps']:.0f} | {bare['c16']['rps']:.0f} | {throughput[key]:.2f} | "
               f"{bare['c16_plain']['rps']:.0f} | {strict[key]:.2f} |")
        if key in small["site"]["pages"]:
            s_mine, s_bare = small["site"]["pages"][key], small["bare"]["pages"][key]
            row += (f" {s_mine['c16']['rps']:.0f} | {s_bare['c16']['rps']:.0f} | "
                    f"{ratio(s_mine['c16']['rps'], s_bare['c16']['rps']):.2f} |")
        else:
            row += " | | |"
        row += (f" {errors_text(mine['c1'], *mine['c16_rounds'])} / "  # every round's errors, not only the best's
                f"{errors_text(bare['c1'], *bare['c16_rounds'], *bare['c16_plain_rounds'])} |")
        lines.append(row)
    statuses = ", ".join(f"{k} {big['site']['pages'][k]['status']}/{big['bare']['pages'][k]['status']}" for k in keys)
    lines += ["", f"HTTP 状态 status site/bare (1M): {statuses}", ""]
    return lines, page_ok, p95_ok, (throughput, strict)


def proxy_section(r, labels, big):
    proxy, static = big["site"].get("proxy"), big["site"].get("static")
    if not proxy:
        return []
    lines = [
        "### 缓存代理 Caching proxy: nginx `proxy_cache` vs 静态文件 static files（百万行 1M，并发 16）",
        "",
        f"配置 config: `bench/nginx.conf`；预热后缓存状态 cache status after warm-up: {big['site']['cache_status']}",
        "",
        "| 页面 page | 代理 proxy req/s | 静态 static req/s | 比 ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key in proxy:
        a, b = proxy[key]["c16"]["rps"], static[key]["c16"]["rps"]
        lines.append(f"| {labels[key]} | {a:,.0f} | {b:,.0f} | {a / b:.2f} |")
    return lines + [""]


def growth_points(r):
    """The growth curve, smallest first: the main 1M run and the other sizes."""
    found = [{"rows": r["counts"]["big"]["performance_indicators"], "build_s": r["build"]["big"]["seconds"],
              "peak_mib": r["build"]["big"]["peak_mib"], "db_mib": r["build"]["big"]["sizes"]["budget.db"],
              "site_mib": r["build"]["big"]["sizes"]["site"],
              "p95": {k: r["serve"]["big"]["site"]["pages"][k]["c1"]["p95_us"] / 1000 for k in GROWTH_PAGES}}]
    for point in r["growth"].values():
        b = point["build"]
        found.append({"rows": b["indicator_rows"], "build_s": b["seconds"], "peak_mib": b["peak_mib"],
                      "db_mib": b["sizes"]["budget.db"], "site_mib": b["sizes"]["site"],
                      "p95": {k: point["pages"][k]["c1"]["p95_us"] / 1000 for k in GROWTH_PAGES if k in point["pages"]}})
    return sorted(found, key=lambda g: g["rows"])


def growth_section(r):
    growth = growth_points(r)
    lines = [
        "## 增长曲线 Growth curve",
        "",
        f"同样形状的合成数据，部门数不同（`--growth {r['args']['growth']}`）；p95 为并发 1 时 at one connection. "
        f"图 plot: [benchmarks-growth.png](benchmarks-growth.png)（矢量 vector: [svg](benchmarks-growth.svg)）",
        "",
        "| 指标行 indicator rows | 生成 build s | 峰值内存 peak MiB | budget.db MiB | 网站文件夹 site MiB | "
        + " | ".join(f"{k} p95 ms" for k in GROWTH_PAGES) + " |",
        "| ---: | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in GROWTH_PAGES) + " |",
    ]
    for g in growth:
        lines.append(f"| {g['rows']:,} | {g['build_s']:.1f} | {g['peak_mib']:.0f} | {g['db_mib']:,.0f} | {g['site_mib']:,.0f} | "
                     + " | ".join(f"{g['p95'][k]:.1f}" if k in g["p95"] else "–" for k in GROWTH_PAGES) + " |")
    return lines + ["", "![growth curve](benchmarks-growth.png)", ""]


def memory_section(r, big, small):
    lines = [
        "## 内存 Memory (peak resident, MiB)",
        "",
        "| 进程 process | 百万行 1M | 2019 |",
        "| --- | ---: | ---: |",
        f"| `build_db.py`（进程树 process tree） | {r['build']['big']['peak_mib']:.0f} | {r['build']['2019']['peak_mib']:.0f} |",
        f"| 本站服务器 site server (`make run`) | {big['site']['server_peak_mib']:.0f} | {small['site']['server_peak_mib']:.0f} |",
        f"| 无插件 bare Datasette | {big['bare']['server_peak_mib']:.0f} | {small['bare']['server_peak_mib']:.0f} |",
    ]
    if big["site"].get("nginx_peak_mib"):
        lines.append(f"| nginx (master) | {big['site']['nginx_peak_mib']:.0f} | |")
    return lines + [""]


# ---------------------------------------------------------------------------------------------------------------
# The growth curve as SVG, drawn by hand (no plotting library to install)
# ---------------------------------------------------------------------------------------------------------------

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]


def growth_svg(growth):
    panels = [
        ("生成时间 build (s)", {"build": [g["build_s"] for g in growth]}),
        ("生成峰值内存 build peak memory (MiB)", {"peak": [g["peak_mib"] for g in growth]}),
        ("数据库大小 budget.db (MiB)", {"budget.db": [g["db_mib"] for g in growth]}),
        ("页面 p95 (ms)", {k: [g["p95"].get(k) for g in growth] for k in GROWTH_PAGES}),
    ]
    xs = [g["rows"] for g in growth]
    width, height, pad = 360, 260, 48
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * width}" height="{2 * height}" '
             'font-family="sans-serif" font-size="11">', '<rect width="100%" height="100%" fill="white"/>']
    for n, (title, series) in enumerate(panels):
        ox, oy = (n % 2) * width, (n // 2) * height
        parts.append(panel(ox, oy, width, height, pad, title, xs, series))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def panel(ox, oy, width, height, pad, title, xs, series):
    values = [v for vs in series.values() for v in vs if v]
    low, high = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    high = high if high > low else low + 1
    x_low, x_high = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))

    def x(v):
        return ox + pad + (math.log10(v) - x_low) / (x_high - x_low) * (width - 1.5 * pad)

    def y(v):
        return oy + height - pad + (math.log10(v) - low) / (high - low) * -(height - 1.8 * pad)

    out = [f'<text x="{ox + pad}" y="{oy + 18}" font-weight="bold">{title}</text>']
    for e in range(low, high + 1):
        out.append(f'<line x1="{x(10 ** x_low):.1f}" x2="{x(10 ** x_high):.1f}" y1="{y(10 ** e):.1f}" y2="{y(10 ** e):.1f}" '
                   'stroke="#ddd"/>')
        out.append(f'<text x="{ox + pad - 6}" y="{y(10 ** e) + 4:.1f}" text-anchor="end">{10 ** e:g}</text>')
    for e in range(x_low, x_high + 1):
        out.append(f'<text x="{x(10 ** e):.1f}" y="{oy + height - pad + 16}" text-anchor="middle">{10 ** e:,.0f}</text>')
    out.append(f'<text x="{ox + width / 2:.0f}" y="{oy + height - 8}" text-anchor="middle">指标行 indicator rows (log)</text>')
    for i, (name, vs) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        points = [(x(a), y(b)) for a, b in zip(xs, vs) if b]
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                   + " ".join(f"{px:.1f},{py:.1f}" for px, py in points) + '"/>')
        out += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in points]
        if len(series) > 1:
            out.append(f'<text x="{ox + width - 70}" y="{oy + 34 + 13 * i}" fill="{colour}">{name}</text>')
    return "\n".join(out)
