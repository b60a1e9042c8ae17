"""/dictionary and /api: the dictionary follows the live database and the site metadata; every API example works.
(The same pages in Chromium: tests/browser/test_doc_pages_browser.py.)"""
import copy
import csv
import html
import io
import re
import shutil
import sqlite3
import urllib.parse

from datasette.app import Datasette

from helpers import ROOT


def section(page, table):
    match = re.search(rf'<section[^>]*data-table="{re.escape(table)}"[^>]*>(.*?)</section>', page, re.S)
    assert match, table
    return match.group(1)


def visible_tables(conn):
    """Ordinary tables (no full-text index tables, which SQLite marks virtual / shadow) and views."""
    tables = [name for name, kind in conn.execute("select name, type from pragma_table_list where schema = 'main'")
              if kind in ("table", "view") and not name.startswith("sqlite_")]
    return tables


async def test_dictionary_lists_every_table_and_column(ds, budget_db, filings_db):
    response = await ds.client.get("/dictionary")
    assert response.status_code == 200
    page = response.text
    tables = visible_tables(budget_db)
    assert {"special_funds", "performance_indicators", "notes"} <= set(tables)
    for table in tables:
        part = section(page, table)
        for (column,) in budget_db.execute("select name from pragma_table_info(?)", [table]):
            assert f'data-column="{html.escape(column)}"' in part, (table, column)
        count = budget_db.execute(f'select count(*) from "{table}"').fetchone()[0]
        assert f'<span class="num">{count}</span> 行' in part, table
    for table in visible_tables(filings_db):
        assert f'data-table="filings/{table}"' in page, table


async def test_dictionary_shows_types_and_keys_from_the_database(ds):
    page = (await ds.client.get("/dictionary")).text
    funds = section(page, "special_funds")
    row = re.search(r'data-column="资金总额_元">(.*?)</tr>', funds, re.S).group(1)
    assert "整数" in row and "integer" in row
    row = re.search(r'data-column="资金总额_万元">(.*?)</tr>', funds, re.S).group(1)
    assert "小数" in row
    assert "主键" in re.search(r'data-column="id">(.*?)</tr>', funds, re.S).group(1)
    link = re.search(r'data-column="专项_id">(.*?)</tr>', section(page, "expenditure_directions"), re.S).group(1)
    assert '<a href="#special_funds">special_funds</a>.id' in link
    # every in-page link lands on a section that exists
    for anchor in set(re.findall(r'href="#([^"]+)"', page)):
        assert f'id="{anchor}"' in page, anchor


async def test_dictionary_descriptions_come_from_metadata(ds, metadata, budget_db):
    page = (await ds.client.get("/dictionary")).text
    tables = metadata["databases"]["budget"]["tables"]
    checked = 0
    in_database = set(visible_tables(budget_db))
    for table, docs in tables.items():
        if table not in in_database:
            assert table in {"releases", "changelog"}, table  # only a release made by `make publish` has these
            continue
        part = section(page, table)
        # Chinese and English of the title shown together (the English part marked lang="en")
        text = "".join(html.unescape(re.sub(r"<[^>]+>", "", part)).split())
        assert "".join(docs["title"].split()) in text, table
        for column, doc in (docs.get("columns") or {}).items():
            row = re.search(rf'data-column="{re.escape(html.escape(column))}">(.*?)</tr>', part, re.S).group(1)
            for piece in (p.strip() for p in doc.split("/")):
                assert piece in html.unescape(row), (table, column, piece)
            checked += 1
    assert checked > 60


async def test_a_new_column_shows_up_without_editing_the_template(built, tmp_path, metadata):
    changed = tmp_path / "budget.db"
    shutil.copy(built / "budget.db", changed)
    conn = sqlite3.connect(changed)
    conn.execute("alter table special_funds add column 备注 text")
    conn.commit()
    conn.close()

    async def special_funds_section(meta):
        ds = Datasette(immutables=[str(changed)], metadata=meta, template_dir=str(ROOT / "templates"),
                       plugins_dir=str(ROOT / "plugins"))
        response = await ds.client.get("/dictionary")
        assert response.status_code == 200
        return section(response.text, "special_funds")

    part = await special_funds_section(metadata)
    row = re.search(r'data-column="备注">(.*?)</tr>', part, re.S).group(1)
    assert "暂无说明" in row and "文本" in row
    documented = copy.deepcopy(metadata)
    documented["databases"]["budget"]["tables"]["special_funds"]["columns"]["备注"] = "编者补充 / editor's remark"
    row = re.search(r'data-column="备注">(.*?)</tr>', await special_funds_section(documented), re.S).group(1)
    assert "编者补充" in row and "editor's remark" in html.unescape(row) and "暂无说明" not in row


async def test_dictionary_links_work(ds):
    page = (await ds.client.get("/dictionary")).text
    links = sorted({html.unescape(h) for h in re.findall(r'href="(/[^"#]*)"', page) if not h.startswith("/-/")})
    assert "/downloads/special_funds.csv" in links and "/downloads/datapackage.json" in links
    for link in links:
        assert (await ds.client.get(link)).status_code == 200, link


# ---------------------------------------------------------------------------
# /api
# ---------------------------------------------------------------------------

REQUIRED_EXAMPLES = ["_shape=array", "_size=3", "二级指标=生态效益指标", "_facet=", ".csv?_size=max", "_stream=on",
                     "/budget/fund_indicators.json?", "/budget/missing_indicators.csv?", "/budget.json?sql=",
                     "/budget.db", "/downloads/datapackage.json", "/downloads/special_funds.csv"]


async def api_examples(ds):
    page = (await ds.client.get("/api")).text
    return [html.unescape(h) for h in re.findall(r'<a data-example href="([^"]+)"', page)]


async def test_api_page_is_chinese_and_has_every_kind_of_example(ds):
    response = await ds.client.get("/api")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text and "<h1>数据接口" in response.text
    shown = [urllib.parse.unquote(link) for link in await api_examples(ds)]
    for wanted in REQUIRED_EXAMPLES:
        assert any(wanted in link for link in shown), wanted


def row_filters(params):
    """Plain column=value filters and saved-query parameters of an example link."""
    return [(k, v) for k, v in params if not k.startswith("_") and k != "sql"]


async def test_every_api_example_works(ds, budget_db):
    links = await api_examples(ds)
    assert len(links) >= 15
    for link in links:
        response = await ds.client.get(link)
        assert response.status_code == 200, link
        parts = urllib.parse.urlsplit(link)
        path, params = urllib.parse.unquote(parts.path), urllib.parse.parse_qsl(parts.query)
        options = dict(params)
        table = re.fullmatch(r"/budget/(\w+)\.(?:json|csv)", path)
        table = table.group(1) if table and budget_db.execute(
            "select 1 from sqlite_master where type = 'table' and name = ?", [table.group(1)]).fetchone() else None
        if path.endswith(".db"):
            assert response.content.startswith(b"SQLite format 3\x00"), link
        elif path.endswith(".json"):
            data = response.json()
            if options.get("_shape") == "array":
                assert isinstance(data, list) and data, link
                if "_size" in options:
                    assert len(data) == int(options["_size"]), link
                for key, value in row_filters(params):
                    column, _, operator = key.partition("__")
                    for row in data:
                        if column not in row:
                            continue  # a parameter of the SQL, not a column of its result
                        if operator == "gte":
                            assert row[column] >= int(value), (link, row)
                        elif table:
                            assert str(row[column]) == value, (link, row)
                        else:  # saved queries match with LIKE
                            assert value in str(row[column]), (link, row)
            elif "_facet" in options:
                facet = data["facet_results"][options["_facet"]]
                assert sum(r["count"] for r in facet["results"]) == budget_db.execute(
                    f'select count(*) from "{table}"').fetchone()[0], link
            else:
                assert data, link
        elif path.endswith(".csv"):
            header, *rows = list(csv.reader(io.StringIO(response.text)))
            assert header and rows, link
            if table and ("_stream" in options or options.get("_size") == "max"):
                assert len(rows) == budget_db.execute(f'select count(*) from "{table}"').fetchone()[0], link
            for key, value in row_filters(params):
                if key in header:
                    assert all(value in row[header.index(key)] for row in rows), link
            if "_dl" in options:
                assert "attachment" in response.headers.get("content-disposition", ""), link
        else:
            raise AssertionError(f"an example of a kind this test does not know: {link}")


async def test_api_examples_follow_the_data(ds, budget_db):
    """The row example uses a fund that exists; the year example uses the latest year in the data."""
    links = [urllib.parse.unquote(link) for link in await api_examples(ds)]
    fund_links = [link for link in links if re.match(r"/budget/special_funds/[^.]+\.json", link)]
    assert fund_links
    fund_id = re.match(r"/budget/special_funds/([^.]+)\.json", fund_links[0]).group(1)
    assert budget_db.execute("select 1 from special_funds where id = ?", [fund_id]).fetchone()
    latest = budget_db.execute("select max(年度) from special_funds").fetchone()[0]
    assert any(f"年度={latest}" in link for link in links)
