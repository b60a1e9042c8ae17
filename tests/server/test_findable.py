"""Search engines find every page (/sitemap.xml, /robots.txt), the /api examples paste into a terminal as shown,
and pages travel gzip-compressed: tested against a real `datasette serve` with curl and urllib."""
import gzip
import html
import json
import re
import shlex
import subprocess
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree

import pytest


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def fetch(url, method="GET", gzip_ok=False):
    """(status, headers, body as sent on the wire): urllib never decompresses."""
    request = urllib.request.Request(url, method=method, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def sitemap_paths(server):  # noqa: F811
    status, headers, body = fetch(server + "/sitemap.xml")
    assert status == 200 and headers["content-type"].startswith("application/xml")
    locations = [loc.text for loc in ElementTree.fromstring(body).iter(SITEMAP + "loc")]
    for location in locations:
        assert location.isascii() and location.startswith(server + "/"), location  # absolute, percent-encoded
    return [urllib.parse.unquote(location[len(server):]) for location in locations]


def visible_tables(conn):
    """Tables and views a reader browses: not SQLite's own, not full-text index internals."""
    return [name for name, kind in conn.execute("select name, type from pragma_table_list where schema = 'main'")
            if kind in ("table", "view") and not name.startswith("sqlite_") and "_fts" not in name]


def test_sitemap_lists_every_page_a_reader_may_look_for(server, sitemap_paths, budget_db, filings_db):  # noqa: F811
    paths = set(sitemap_paths)
    assert len(paths) == len(sitemap_paths) < 50000
    expected = {"/", "/forms", "/checks", "/quality", "/results", "/search", "/dictionary", "/api", "/changelog",
                "/budget", "/filings"}
    expected |= {f"/budget/special_funds/{r[0]}" for r in budget_db.execute("select id from special_funds")}
    expected |= {f"/forms/{r[0]}/{r[1]}/{r[2]}" for r in budget_db.execute(
        "select 年度, 部门编码, 表号 from forms join departments using (部门)")}
    expected |= {f"/budget/{t}" for t in visible_tables(budget_db)} | {f"/filings/{t}" for t in visible_tables(filings_db)}
    queries = [q["name"] for q in json.loads(fetch(server + "/budget.json")[2])["queries"]]
    assert len(queries) >= 20
    expected |= {f"/budget/{name}" for name in queries}
    assert expected - paths == set()
    assert len(expected) > 60


def test_every_sitemap_address_works(server, sitemap_paths):  # noqa: F811
    for path in sitemap_paths:
        parts = urllib.parse.urlsplit(path)
        url = server + urllib.parse.quote(parts.path) + ("?" + urllib.parse.urlencode(
            urllib.parse.parse_qsl(parts.query)) if parts.query else "")
        assert fetch(url)[0] == 200, path


def robots_rules(text):
    """The rules for every crawler (User-agent: *) as (allow, pattern), and the Sitemap lines."""
    rules, sitemaps, ours = [], [], False
    for line in text.splitlines():
        field, _, value = line.partition(":")
        field, value = field.strip().lower(), value.strip()
        if field == "user-agent":
            ours = value == "*"
        elif field in ("allow", "disallow") and ours and value:
            rules.append((field == "allow", value))
        elif field == "sitemap":
            sitemaps.append(value)
    return rules, sitemaps


def allowed(rules, path):
    """RFC 9309: the longest matching pattern wins, allow on a tie; * matches anything, $ ends the path."""
    best = (-1, True)
    for allow, pattern in rules:
        regex = "".join(".*" if c == "*" else "$" if c == "$" else re.escape(c) for c in pattern)
        if re.match(regex, path):
            best = max(best, (len(pattern), allow))
    return best[1]


def test_robots_txt_allows_the_pages_and_points_to_the_sitemap(server, sitemap_paths):  # noqa: F811
    status, headers, body = fetch(server + "/robots.txt")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    rules, sitemaps = robots_rules(body.decode())
    assert sitemaps == [server + "/sitemap.xml"]
    for path in sitemap_paths:
        parts = urllib.parse.urlsplit(path)
        encoded = urllib.parse.quote(parts.path) + ("?" + urllib.parse.quote(parts.query, safe="=&") if parts.query else "")
        assert allowed(rules, encoded), path
    assert allowed(rules, "/downloads/special_funds.csv")
    # Addresses without end or with real cost stay out of crawlers' way.
    for path in ["/budget?sql=select+1", "/budget/special_funds?_sort=id", "/budget/special_funds?_facet=年度",
                 "/budget/special_funds.json", "/budget/special_funds.csv?_size=max", "/budget.db",
                 "/budget/special_funds.xlsx"]:
        assert not allowed(rules, path), path


def test_api_examples_paste_into_curl_as_shown(server):  # noqa: F811
    status, _, body = fetch(server + "/api")
    page = body.decode()
    commands = [html.unescape(c) for c in re.findall(r"<code data-curl>(.*?)</code>", page)]
    links = [html.unescape(h) for h in re.findall(r'<a data-example href="([^"]+)"', page)]
    assert len(commands) == len(links) >= 15
    for command, link in zip(commands, links):
        assert command.isascii(), command  # nothing a terminal or curl could mangle
        args = shlex.split(command)
        assert args[0] == "curl" and args[-1] == server + link
        result = subprocess.run(args + ["-s", "-o", "/dev/null", "-w", "%{http_code}"], capture_output=True,
                                text=True, timeout=60)
        assert result.stdout == "200", (command, result.stdout, result.stderr)


# ---------------------------------------------------------------------------------------------------------------
# gzip
# ---------------------------------------------------------------------------------------------------------------


def vega_bundle(server):  # noqa: F811
    page = fetch(server + "/budget/special_funds")[2].decode()
    return re.search(r'data-chart-script="([^"]+)"', page).group(1)


@pytest.mark.parametrize("path,kind", [
    ("/budget/special_funds.json?_shape=array", "application/json"),
    ("/budget/special_funds.csv?_size=max", "text/plain"),
    ("/budget/special_funds.csv?_size=max&_dl=1", "text/csv"),
    ("/budget/performance_indicators.csv?_stream=on&_size=5&_dl=1", "text/csv"),
    ("/assets/site.css", "text/css"),
    ("/assets/charts-on-demand.js", "text/javascript"),
    ("/sitemap.xml", "application/xml"),
    ("VEGA", "text/javascript"),
])
def test_text_travels_gzipped_and_arrives_unchanged(server, path, kind):  # noqa: F811
    path = vega_bundle(server) if path == "VEGA" else path
    status, plain_headers, plain = fetch(server + path)
    status_gz, headers, body = fetch(server + path, gzip_ok=True)
    assert status == status_gz == 200
    assert plain_headers.get("content-encoding") is None and "accept-encoding" in plain_headers["vary"].lower()
    assert headers["content-encoding"] == "gzip" and "accept-encoding" in headers["vary"].lower()
    assert headers["content-type"].startswith(kind)
    assert gzip.decompress(body) == plain
    assert len(body) < len(plain) / 2


def test_pages_travel_gzipped_with_their_script_policy(server):  # noqa: F811
    _, plain_headers, plain = fetch(server + "/budget/special_funds")
    _, headers, body = fetch(server + "/budget/special_funds", gzip_ok=True)
    assert headers["content-encoding"] == "gzip"
    page = gzip.decompress(body)
    assert page.startswith(b"<!DOCTYPE html>") and len(body) < len(page) / 3
    # security_headers.py read the page before it was compressed: the chart pages keep 'unsafe-eval'
    assert headers["content-security-policy"] == plain_headers["content-security-policy"]
    assert "'unsafe-eval'" in headers["content-security-policy"]
    landing = fetch(server + "/", gzip_ok=True)[1]
    assert landing["content-encoding"] == "gzip" and "'unsafe-eval'" not in landing["content-security-policy"]


def test_what_is_already_compact_is_not_gzipped(server):  # noqa: F811
    for path in ["/budget/special_funds.xlsx?_size=max", "/budget.db"]:
        status, headers, body = fetch(server + path, gzip_ok=True)
        assert status == 200 and headers.get("content-encoding") is None, path
    status, headers, body = fetch(server + "/budget/special_funds", method="HEAD", gzip_ok=True)
    assert status == 200 and headers.get("content-encoding") is None and body == b""
    status, headers, body = fetch(server + "/budget.json?sql=select+1", gzip_ok=True)  # a few bytes
    assert headers.get("content-encoding") is None and json.loads(body)
