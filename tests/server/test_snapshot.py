"""One consistent snapshot: a running site serves one immutable build — databases, downloads, build time, ETags —
until it is restarted on the next, however many builds happen meanwhile (builder/site.py writes each build into a
new folder and switches the `site` link; `make run` serves the folder the link pointed to when it started)."""
import csv
import datetime
import hashlib
import http.client
import io
import os
import re
import urllib.parse

from builder.build import build
from conftest import running_site
from release_helpers import set_fund_amount

FUND = "2019-shifeng-minzheng-05"  # 区划地名工作经费, 2 万元 in the source document, corrected to 2.5 here
OLD_BUILD_TIME = datetime.datetime(2001, 2, 3, 12, 0).timestamp()  # so that the old build's date is recognisable


def request(base, path, headers=None):
    """(status, headers, body bytes) of one GET."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", urllib.parse.quote(path, safe="/?=&_.-"), headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.headers, body


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def fund_amount_in_download(body):
    """资金总额_元 of FUND in the downloaded special_funds.csv."""
    header, *rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    return next(row for row in rows if row[header.index("id")] == FUND)[header.index("资金总额_元")]


def snapshot(base):
    """What a visitor gets: pages, the whole database with its ETag, the downloads."""
    pages = {}
    for path in ("/", f"/budget/special_funds/{FUND}", "/budget/special_funds.json?_shape=array",
                 "/downloads/special_funds.csv", "/downloads/datapackage.json", "/budget.db"):
        status, headers, body = request(base, path)
        assert status == 200, path
        text = re.sub(rb"\d+(\.\d+)? ?ms\b", b"ms", body)  # query timings differ between any two requests
        pages[path] = (sha256(text), headers.get("etag"))
    return pages


def test_a_running_site_keeps_its_build_while_the_next_one_goes_live(data_copy, tmp_path):
    site = tmp_path / "site"
    build(data_copy, site)
    old_folder = site.resolve()
    os.utime(old_folder / "budget.db", (OLD_BUILD_TIME, OLD_BUILD_TIME))
    old_db = (old_folder / "budget.db").read_bytes()
    with running_site(site) as old:
        before = snapshot(old)
        assert "2001年2月3日" in request(old, "/")[2].decode()  # the build time the footer shows
        assert before["/budget.db"][1] == f'"{sha256(old_db)}"'  # the ETag is the database's hash

        set_fund_amount(tmp_path, 5, "2", "2.5")
        build(data_copy, site)  # while the old server is serving
        new_folder = site.resolve()
        assert new_folder != old_folder and (new_folder / "budget.db").read_bytes() != old_db

        assert snapshot(old) == before  # every page, download and ETag still from the old build
        assert "2001年2月3日" in request(old, "/")[2].decode()
        status, _, body = request(old, "/downloads/special_funds.csv")
        assert fund_amount_in_download(body) == "20000"
        status, _, body = request(old, "/budget.db", {"If-None-Match": before["/budget.db"][1]})
        assert status == 304 and body == b""  # a cache holding the old database is told it is still current
        status, headers, body = request(old, "/budget.db")
        assert sha256(body) == sha256(old_db)

        with running_site(site) as new:  # a new `make run` serves the new build
            after = snapshot(new)
            new_db = (new_folder / "budget.db").read_bytes()
            assert after["/budget.db"][1] == f'"{sha256(new_db)}"' != before["/budget.db"][1]
            status, _, body = request(new, "/budget.db", {"If-None-Match": before["/budget.db"][1]})
            assert status == 200 and sha256(body) == sha256(new_db)
            assert fund_amount_in_download(request(new, "/downloads/special_funds.csv")[2]) == "25000"
            assert "2001年2月3日" not in request(new, "/")[2].decode()
            for path in ("/", f"/budget/special_funds/{FUND}", "/downloads/special_funds.csv"):
                assert after[path] != before[path], path
        assert snapshot(old) == before  # and the old server is still on its own build
