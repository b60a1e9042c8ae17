"""Checks of a release candidate: every `make publish` runs the tiers that look at the candidate, these included,
against the staged release site (BUDGET_SITE); the normal suite runs them against its own development build, which
has no change log.
tests/build/test_publish.py gives its repository copies only these (and conftest.py) as their suite, to keep each
publish there short."""
import json
import re
import sqlite3

import pytest


@pytest.fixture(scope="module")
def changes_db(built):
    """The release's change log (changes.db), or None in a development build."""
    if not (built / "changes.db").exists():
        yield None
        return
    conn = sqlite3.connect(f"file:{built / 'changes.db'}?mode=ro", uri=True)
    yield conn
    conn.close()


async def test_every_year_has_its_pages(ds, budget_db):
    years = [r[0] for r in budget_db.execute("select distinct 年度 from special_funds order by 年度")]
    assert years
    for year in years:
        response = await ds.client.get(f"/?年度={year}")
        assert response.status_code == 200 and str(year) in response.text
    for year, code, number in budget_db.execute(
            "select f.年度, d.部门编码, f.表号 from forms f join departments d on d.部门 = f.部门"):
        assert (await ds.client.get(f"/forms/{year}/{code}/{number}")).status_code == 200
    for (fund_id,) in budget_db.execute("select id from special_funds"):
        assert (await ds.client.get(f"/budget/special_funds/{fund_id}")).status_code == 200


async def test_changelog_page_matches_the_changes_database(ds, changes_db):
    response = await ds.client.get("/changelog")
    assert response.status_code == 200
    if changes_db is None:  # a development build: nothing published yet
        assert "首次发布" in response.text and "data-release=" not in response.text
        assert "/changes/changelog" not in response.text
        return
    releases = changes_db.execute("select 版本, 上一版本 from releases order by 序号").fetchall()
    assert releases
    for version, previous in releases:
        assert f'data-release="{version}"' in response.text
    if len(releases) == 1:
        assert "首次发布" in response.text
    for change_id, old, new in changes_db.execute("select id, 原值, 新值 from changelog where 变更 = '更正'"):
        row = response.text[response.text.index(f'data-change="{change_id}"'):]
        row = row[:row.index("</tr>")]
        for value in (old, new):
            assert value is None or f">{value}<" in row.replace("&#34;", '"').replace("&#39;", "'"), (value, row)
    assert re.search(r'href="/changes(-[0-9a-f]{7})?/changelog"', response.text)  # hashed in a release image


def test_budget_db_holds_only_what_data_makes(budget_db):
    """The change log lives in changes.db: budget.db is the build's, untouched by publishing."""
    tables = {r[0] for r in budget_db.execute("select name from sqlite_master where type = 'table'")}
    assert not {"releases", "changelog"} & tables


def test_databases_are_sound(built, budget_db, changes_db):
    assert budget_db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert budget_db.execute("pragma foreign_key_check").fetchall() == []
    filings = sqlite3.connect(built / "filings.db")
    assert filings.execute("pragma integrity_check").fetchone()[0] == "ok"
    years = {r[0] for r in budget_db.execute("select distinct 年度 from special_funds")}
    filed = {int(r[0]) for r in filings.execute("select distinct 年度 from form1_special_funds")}
    assert years == filed
    # Datasette opens exactly the databases inspect-data.json lists, immutable, with these hashes.
    inspected = json.loads((built / "inspect-data.json").read_text(encoding="utf-8"))
    expected = {"budget", "filings"} | ({"changes"} if changes_db is not None else set())
    assert set(inspected) == expected
    if changes_db is not None:
        assert changes_db.execute("pragma integrity_check").fetchone()[0] == "ok"


async def test_the_changes_database_is_served_with_its_documentation(ds, changes_db):
    if changes_db is None:  # a development build: no such database
        assert (await ds.client.get("/changes/changelog")).status_code == 404
        return
    for table, title in (("releases", "历次发布 Releases"), ("changelog", "更正记录 Change log")):
        response = await ds.client.get(f"/changes/{table}")
        # The heading, with its English part marked lang="en"
        heading = re.sub(r"<[^>]+>|\s", "", re.search(r"<h1.*?</h1>", response.text, re.S).group(0))
        assert response.status_code == 200 and heading == title.replace(" ", ""), (table, heading)
        assert (await ds.client.get(f"/changes/{table}.csv?_size=max")).status_code == 200
