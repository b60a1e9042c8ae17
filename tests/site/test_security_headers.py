"""Security: headers on every response, and a read-only site that no request or SQL can change.
(Hostile data in a real browser: tests/browser/test_hostile_data.py.)"""
import base64
import hashlib
import os
import re
import urllib.parse

import pytest

import seed_forms
from helpers import ROOT

# ---------------------------------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------------------------------

# One of each kind of response: pages, JSON, CSV, static files, a 404, a refused method, an SQL error.
RESPONSES = [
    ("GET", "/"), ("GET", "/budget"), ("GET", "/budget/special_funds"), ("GET", "/budget/performance_indicators"),
    ("GET", "/budget/special_funds/2019-shifeng-minzheng-07"), ("GET", "/budget/largest_funds"),
    ("GET", "/budget?sql=select+1"), ("GET", "/forms"), ("GET", "/forms/2019/shifeng-minzheng/2"),
    ("GET", "/search?q=低保"), ("GET", "/budget/special_funds.json"), ("GET", "/budget/special_funds.csv"),
    ("GET", "/assets/site.css"), ("GET", "/-/static/app.css"), ("GET", f"/source/{seed_forms.SOURCE.relative_to(ROOT / 'source')}"),
    ("GET", "/-/versions.json"), ("GET", "/no-such-page"), ("GET", "/budget?sql=select+nonsense+from"),
    ("POST", "/budget"), ("DELETE", "/budget/special_funds/2019-shifeng-minzheng-07"),
]
# What a source in the policy may be: this site, nothing, a hash of one of our inline scripts, or the few keywords
# checked per directive below. Any host, scheme or wildcard is an outside origin.
OWN_SOURCES = re.compile(r"^('self'|'none'|'sha256-[A-Za-z0-9+/=]+')$")
EXTRA_ALLOWED = {"style-src": {"'unsafe-inline'"}, "img-src": {"data:"}, "script-src": {"'unsafe-eval'"}}


def policy(headers):
    directives = {}
    for part in headers["content-security-policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("method,path", RESPONSES)
async def test_security_headers_on_every_response(ds, method, path):
    response = await ds.client.request(method, path)
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
    assert headers["x-frame-options"] == "DENY"
    csp = policy(headers)
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    for directive, sources in csp.items():
        for source in sources:
            assert OWN_SOURCES.match(source) or source in EXTRA_ALLOWED.get(directive, ()), (directive, source)


def inline_scripts(page):
    return [m.group(1) for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page, re.S)]


def sha256_source(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("path", ["/", "/budget/special_funds", "/budget/largest_funds", "/budget?sql=select+1",
                                  "/budget/special_funds/2019-shifeng-minzheng-07", "/search?q=低保"])
async def test_every_inline_script_is_allowed_by_hash_and_nothing_else_is(ds, path):
    response = await ds.client.get(path)
    csp = policy(response.headers)
    scripts = inline_scripts(response.text)
    for script in scripts:
        assert sha256_source(script) in csp["script-src"], script[:200]
    assert "'unsafe-inline'" not in csp["script-src"]


async def test_eval_only_where_the_vega_charts_load(ds):
    table = await ds.client.get("/budget/special_funds")
    assert "/datasette_vega/" in table.text
    assert "'unsafe-eval'" in policy(table.headers)["script-src"]
    for path in ["/", "/budget/special_funds/2019-shifeng-minzheng-07", "/forms/2019/shifeng-minzheng/1", "/search?q=低保"]:
        response = await ds.client.get(path)
        assert "/datasette_vega/" not in response.text
        assert "'unsafe-eval'" not in policy(response.headers)["script-src"], path


# ---------------------------------------------------------------------------------------------------------------
# Read-only
# ---------------------------------------------------------------------------------------------------------------

WRITE_PATHS = ["/", "/budget", "/filings", "/budget/special_funds", "/budget/special_funds/2019-shifeng-minzheng-07",
               "/budget/largest_funds", "/budget/-/create", "/budget/special_funds/-/insert",
               "/budget/special_funds/-/upsert", "/budget/special_funds/-/drop",
               "/budget/special_funds/2019-shifeng-minzheng-07/-/update",
               "/budget/special_funds/2019-shifeng-minzheng-07/-/delete", "/-/create-token", "/-/messages",
               "/-/logout", "/-/permissions", "/-/allow-debug", "/assets/site.css", "/search"]


def file_digests(built):
    return {name: hashlib.sha256((built / name).read_bytes()).hexdigest() for name in ("budget.db", "filings.db")}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"])
async def test_every_write_method_is_refused(ds, built, method):
    before = file_digests(built)
    for path in WRITE_PATHS:
        response = await ds.client.request(method, path, data={"sql": "delete from special_funds"})
        assert response.status_code == 405, (method, path)
        assert response.headers["allow"] == "GET, HEAD"
        assert "只读" in response.text and "read-only" in response.text
    assert file_digests(built) == before
    count = (await ds.client.get("/budget/special_funds.json?_shape=array&_size=max")).json()
    assert len(count) == 8


@pytest.mark.parametrize("sql", [
    "delete from special_funds",
    "update special_funds set 资金总额_元 = 0",
    "insert into notes (id, 年度, 部门) values ('x', 2019, 'x')",
    "drop table special_funds",
    "create table pwned (x)",
    "attach database '/tmp/pwned.db' as pwned",
    "pragma writable_schema = 1",
    "replace into departments (部门编码, 部门) values ('x', 'x')",
    "with x as (select 1) delete from special_funds",
])
async def test_writing_sql_is_refused(ds, built, sql):
    before = file_digests(built)
    response = await ds.client.get("/budget.json?" + urllib.parse.urlencode({"sql": sql}))
    assert response.status_code in (400, 403)
    assert response.json()["ok"] is False
    assert file_digests(built) == before
    assert not os.path.exists("/tmp/pwned.db")
    total = (await ds.client.get("/budget.json?sql=select+sum(资金总额_元)+from+special_funds&_shape=array")).json()
    assert list(total[0].values()) == [9920000]
