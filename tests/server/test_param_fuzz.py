"""Every route with Datasette's underscore parameters and odd values: never a 5xx, and refusals in Chinese.

The parameter list is Datasette 0.65.5's own (every request.args name in datasette/views, filters.py, facets.py,
renderer.py, app.py), plus column filters and the site's own page parameters. `make test` sends each route every
parameter once, the values taken in turn so each value meets many parameters; `make soak` (SOAK=1) sends a fresh
random sample several times larger.
"""
import json
import os
import random
import re
import sqlite3
import urllib.parse

import pytest

SOAK = os.environ.get("SOAK") == "1"
CHINESE = re.compile(r"[\u4e00-\u9fff]")

DATASETTE_PARAMETERS = [
    "_sort", "_sort_desc", "_sort_by_desc", "_size", "_next", "_facet", "_facet_array", "_facet_date",
    "_facet_size", "_search", "_search_专项名称", "_searchmode", "_where", "_col", "_nocol", "_label", "_labels",
    "_shape", "_json", "_json_infinity", "_timelimit", "_through", "_trace", "_hash", "_nl", "_stream", "_dl",
    "_nofacet", "_nosuggest", "_nocount", "_extra", "_extras", "_ttl", "_header", "_fts_table", "_fts_pk",
    "_context", "_filter_column", "_filter_op", "_filter_value", "_show_hidden", "_success", "_format",
    "_filter_column_1", "_filter_op_1", "_filter_value_1",
]
COLUMN_FILTERS = ["年度__gt", "年度__in", "年度__date", "年度__arraycontains", "年度__isnull", "资金总额_元__lt",
                  "专项名称__contains", "专项名称__glob", "nope__exact", "id__notin", "年度", "rowid__gte"]
SITE_PARAMETERS = ["q", "page", "表", "年度", "部门", "专项名称", "词", "来源", "二级指标", "sql"]
PARAMETERS = DATASETTE_PARAMETERS + COLUMN_FILTERS + SITE_PARAMETERS

VALUES = ["", "nope", "²", "١٢", "-1", "0", "1", "2000", "2001", "max", "9223372036854775807",
          "9223372036854775808", "-9223372036854775809", "9" * 5000, "1e999", "NaN", "\x00", "a\x00b", "x" * 5000, "年度",
          "资金总额_元", "id", "rowid", "%", "'", '"', "[", "]", "~", ",", "$null", "{}", "[]",
          '{"table": "expenditure_directions", "column": "id", "value": 99999999999999999999999}',
          '{"table": "x]", "column": "id", "value": "1"}', "<script>alert(1)</script>", "../../etc/passwd",
          "select 1", "1=1", "on", "off", "*", "objects", "array", "arrays", "object", "保 " * 300, "😀",
          "2019-01-01", "-0", "0x10", " 1"]


def first_keys(built):
    """(database, table, url key of the first row) for every table with a one-column primary key or rowid."""
    found = []
    for database in ("budget", "filings"):
        conn = sqlite3.connect(built / f"{database}.db")
        for (table,) in conn.execute("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
                                     "and name not like '%_fts%' order by name"):
            pks = [r[1] for r in conn.execute(f"pragma table_info([{table}])") if r[5]]
            column = pks[0] if len(pks) == 1 else "rowid" if not pks else None
            row = conn.execute(f"select [{column}] from [{table}] limit 1").fetchone() if column else None
            found.append((database, table, urllib.parse.quote(str(row[0]), safe="") if row else None))
        conn.close()
    return found


def routes(built, metadata, everything):
    """Every kind of page; with everything=True every table, view, row and saved query of both databases."""
    pages = ["/", "/search", "/checks", "/quality", "/forms", "/forms/2019/shifeng-minzheng/1", "/dictionary",
             "/api", "/changelog", "/budget", "/budget.json", "/budget.csv", "/filings", "/filings.json"]
    tables = first_keys(built)
    if not everything:
        wanted = {"special_funds", "performance_indicators", "search_index_fts", "notes"}
        tables = [t for t in tables if t[1] in wanted or t[0] == "filings"][:6]
        tables.append(("budget", "fund_year_changes", None))  # a view
    for database, table, key in tables:
        for suffix in ("", ".json", ".csv"):
            pages.append(f"/{database}/{urllib.parse.quote(table)}{suffix}")
            if key:
                pages.append(f"/{database}/{urllib.parse.quote(table)}/{key}{suffix}")
    queries = list(metadata["databases"]["budget"]["queries"])
    for query in queries if everything else ["largest_funds", "search", "fund_indicators"]:
        for suffix in ("", ".json", ".csv"):
            pages.append(f"/budget/{query}{suffix}")
    return pages


def cases(pages, sample):
    """(page, parameter, value) triples: each page with every parameter, values in turn; or a random sample."""
    if sample:
        rng = random.Random()
        return [(rng.choice(pages), rng.choice(PARAMETERS), rng.choice(VALUES)) for _ in range(sample)]
    return [(page, name, VALUES[(i * 7 + j) % len(VALUES)])
            for i, page in enumerate(pages) for j, name in enumerate(PARAMETERS)]


async def check(ds, page, name, value):
    url = page + ("&" if "?" in page else "?") + urllib.parse.urlencode({name: value})
    response = await ds.client.get(url)
    assert response.status_code < 500, (url[:300], response.status_code, response.text[:300])
    if 400 <= response.status_code < 500 and "text/html" in response.headers.get("content-type", ""):
        assert CHINESE.search(response.text), url[:300]
    return response.status_code


async def test_no_parameter_gives_a_5xx_on_any_route(ds, built, metadata):
    pages = routes(built, metadata, everything=SOAK)
    statuses = [await check(ds, *case) for case in cases(pages, sample=20_000 if SOAK else 0)]
    assert len(statuses) >= (20_000 if SOAK else 3_000)
    assert statuses.count(200) > len(statuses) // 3  # the valid values really were served, not all refused
    assert any(400 <= s < 500 for s in statuses)


@pytest.mark.parametrize("name", ["_sort", "_sort_desc", "_through", "_timelimit", "_size", "_next", "_facet",
                                  "_where", "_col", "_search"])
async def test_every_value_of_the_riskiest_parameters(ds, name):
    for page in ["/budget/special_funds", "/budget/special_funds.json", "/budget/performance_indicators.csv",
                 "/budget/fund_year_changes"]:
        for value in VALUES:
            await check(ds, page, name, value)


async def raw_request(ds, raw_path, query_string=b""):
    """A request with exact bytes, as a client that does not percent-encode might send it."""
    app, sent = ds.app(), []
    scope = {"type": "http", "http_version": "1.1", "method": "GET", "scheme": "http", "path": raw_path.decode("latin-1"),
             "raw_path": raw_path, "query_string": query_string, "headers": [(b"host", b"localhost")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize("raw_path,query", [
    ("/预算".encode(), b""), (b"/budget/special_funds", "年度=2019".encode()), (b"/budget/\xff", b""),
    (b"/budget/special_funds", b"_sort=\xff\xfe"), (b"/budget/special_funds%00", b""), (b"/%00", b"q=%00"),
    (b"/budget/special_funds", b"%ZZ=%ZZ"), (b"/search", b"q=%E4%BF"),
])
async def test_raw_bytes_in_the_path_or_query(ds, raw_path, query):
    status, _ = await raw_request(ds, raw_path, query)
    assert status < 500


async def test_a_raw_utf8_query_works_as_if_a_browser_had_encoded_it(ds):
    """curl sends `?专项名称=城市低保金` as raw UTF-8; Datasette alone read it as Latin-1 and found nothing."""
    status, body = await raw_request(ds, b"/budget/special_funds.json", "专项名称=城市低保金&_shape=array".encode())
    assert status == 200 and [row["专项名称"] for row in json.loads(body)] == ["城市低保金"]
