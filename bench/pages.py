"""The pages the benchmark measures, on this site and their equivalents on Datasette without any plugin ("bare"):
the landing page, a department's page, a fund card, the faceted table with its default facets, every saved query
(queries/*.sql) with its default parameters, and a two-character search."""
import json
import shutil
import sqlite3
import sys
import urllib.parse
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEARCH_WORD = "低保"
TABLE = "performance_indicators"
MAIN = ["landing", "department", "fund", "table", "search"]  # the pages of the growth curve and the proxy test


def search_sql_for_bare(word):
    """The query behind the search page at a million rows (the most recent matches, ranked), with the word already
    segmented and every parameter written in, for a Datasette without the site's cjk_query function."""
    sys.path.insert(0, str(ROOT))
    from budgetlib.cjk import cjk_query, query_terms
    from budget_site.pages.search_page import CANDIDATES, PAGE_SIZE, ranked_sql

    def literal(text):
        return "'" + text.replace("'", "''") + "'"

    terms = {f"tf{i}": literal(f" {' '.join(chars)} ") for i, chars in enumerate(query_terms(word))}
    return (ranked_sql(terms).replace("cjk_query(:q)", literal(cjk_query(word)))
            .replace(":table", "''").replace(":year", "''").replace(":low", "0").replace(":high", str(1 << 62))
            .replace(":candidates", str(CANDIDATES)).replace(":limit", str(PAGE_SIZE + 1)).replace(":offset", "0"))


def examples(site):
    """A fund in the middle of the data and the department listed first on the home page (its latest year)."""
    conn = sqlite3.connect(f"file:{Path(site) / 'budget.db'}?mode=ro", uri=True)
    fund = conn.execute("select id from special_funds order by id limit 1 offset "
                        "(select count(*) / 2 from special_funds)").fetchone()[0]
    code, year = conn.execute("select 部门编码, 年度 from department_years where 年度 = (select max(年度) from "
                              "department_years) order by 资金总额_元 desc nulls last, 部门编码 limit 1").fetchone()
    conn.close()
    return fund, code, year


def page_list(site):
    """[(key, label, path on this site, equivalent path on bare Datasette)]."""
    sys.path.insert(0, str(ROOT))
    from budget_site.pages.results_page import PAGE_SIZE as RESULTS_PAGE_SIZE

    fund, code, year = examples(site)
    queries = yaml.safe_load((Path(site) / "metadata.yml").read_text(encoding="utf-8"))["databases"]["budget"]["queries"]
    found = [
        ("landing", "首页 landing `/`", "/", "/"),
        ("department", "部门页面 department page", f"/departments/{code}", f"/budget/department_budgets/{year}-{code}"),
        ("fund", "专项资金卡 fund card", f"/budget/special_funds/{fund}", f"/budget/special_funds/{fund}"),
        # /results lists a page of departments, the most findings first: bare Datasette's equivalent is the table
        # page of as many result_summaries rows in that order.
        ("results", "承诺兑现了吗 `/results`", f"/results?年度={year}",
         f"/budget/result_summaries?年度={year}&_sort_desc=发现问题数&_size={RESULTS_PAGE_SIZE}"),
        ("table", f"分面表格 faceted table `{TABLE}`", f"/budget/{TABLE}", f"/budget/{TABLE}"),
        ("search", f"两字搜索 2-character search “{SEARCH_WORD}”", f"/search?q={SEARCH_WORD}",
         "/budget?sql=" + urllib.parse.quote(search_sql_for_bare(SEARCH_WORD))),
    ]
    for name in queries:
        found.append((f"query:{name}", f"保存的查询 saved query `{name}`", f"/budget/{name}", f"/budget/{name}"))
    return found


def bare_metadata(site, out):
    """The site's own metadata.yml for bare Datasette, the saved queries included; cjk_query(:q) (a plugin
    function) becomes what it gives for the default empty :q, the empty phrase '""'."""
    metadata = yaml.safe_load((Path(site) / "metadata.yml").read_text(encoding="utf-8"))
    for query in metadata["databases"]["budget"].get("queries", {}).values():
        query["sql"] = query["sql"].replace("cjk_query(:q)", "'\"\"'")
    Path(out).write_text(yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def site_command(site, port):
    """Exactly what `make run` (as `make serve` runs it) starts."""
    return ["make", "-s", "-C", ROOT, "run", f"SITE={site}", f"PORT={port}"]


def bare_command(site, port, metadata, python, work):
    """Datasette with no plugin but the site's gzip wrapper (bench/bare_datasette.py, bench/gzip_only_plugin.py alone
    in a plugins folder of its own), the same databases opened the same way (immutable, with the site's
    inspect-data.json), the same settings and metadata; no templates, no static files."""
    gzip_only = Path(work) / "bare-plugins"
    gzip_only.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "bench" / "gzip_only_plugin.py", gzip_only / "gzip_only_plugin.py")
    settings = json.loads((ROOT / "settings.json").read_text())
    flags = []
    for key, value in settings.items():
        flags += ["--setting", key, str(value).lower() if isinstance(value, bool) else str(value)]
    site = Path(site)
    return [python, ROOT / "bench" / "bare_datasette.py", "serve", "--immutable", site / "budget.db", "--immutable",
            site / "filings.db", "--inspect-file", site / "inspect-data.json", "--metadata", metadata, *flags,
            "--plugins-dir", gzip_only,
            "--host", "127.0.0.1", "--port", port]
