"""Chinese search: every row that contains the query is found (checked against a plain substring scan), ranked."""
import html
import re
import sqlite3
import urllib.parse

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import build_db
from plugins.chinese_search import cjk_query, highlight, segment

QUERIES = ["低保", "养老", "残疾", "城市低保", "高龄老人补贴", "应保尽保存", "2019年底前", "100%", "元/月", "社区",
           "护理", "医疗救助", "民政", "补", "低保 100%", "失能半失能"]


def source_texts(conn, year=None):
    """Every searchable (table, row id, text), read from the tables themselves, not from the index;
    with a year, only that year's."""
    texts = []
    for table, columns in build_db.SEARCHABLE.items():
        for column in columns:
            for row_id, text in conn.execute(
                    f"select id, [{column}] from [{table}] where [{column}] is not null and (? is null or 年度 = ?)",
                    [year, year]):
                texts.append((table, row_id, text))
    return texts


def substring_scan(texts, query):
    """The same text can stand in two columns of one row (e.g. identical targets): count each occurrence."""
    terms = query.split()
    return Counter((t, i, x) for t, i, x in texts if all(term in x for term in terms))


def fts_search(conn, query):
    conn.create_function("cjk_query", 1, cjk_query)
    return Counter((r[0], r[1], r[2]) for r in conn.execute(
        "select s.表, s.记录_id, s.原文 from search_index_fts join search_index s on s.id = search_index_fts.rowid "
        "where search_index_fts match cjk_query(?)", [query]))


@pytest.fixture(scope="module")
def conn(built):
    connection = sqlite3.connect(built / "budget.db")
    yield connection
    connection.close()


@pytest.mark.parametrize("query", QUERIES)
def test_no_misses_against_a_substring_scan(conn, query):
    expected = substring_scan(source_texts(conn), query)
    found = fts_search(conn, query)
    assert expected, f"{query} should occur in the 2019 forms"
    assert not expected - found  # nothing missed
    # Punctuation is ignored, so the search may also find text with a mark between the characters; for pure
    # Chinese queries it finds exactly the substring matches.
    if re.fullmatch(r"[\u4e00-\u9fff ]+", query):
        assert found == expected


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_piece_of_any_text_is_found(conn, data):
    texts = source_texts(conn)
    table, row_id, text = data.draw(st.sampled_from(texts))
    start = data.draw(st.integers(0, max(0, len(text) - 1)))
    piece = text[start:start + data.draw(st.integers(1, 8))].strip()
    if not segment(piece):
        return
    assert (table, row_id, text) in fts_search(conn, piece)


def test_index_covers_every_searchable_text(conn):
    indexed = conn.execute("select count(*) from search_index").fetchone()[0]
    assert indexed == len(source_texts(conn)) > 100


def test_segment_and_query():
    assert segment("城市低保A类450-520元") == "城 市 低 保 A 类 4 5 0 5 2 0 元"
    assert cjk_query("低保") == '"低 保"'
    assert cjk_query("城市低保  100%") == '"城 市 低 保" "1 0 0"'
    assert cjk_query("") == cjk_query("！？") == '""'
    assert str(highlight("<b>城市低保</b>", "低保")) == "&lt;b&gt;城市<mark>低保</mark>&lt;/b&gt;"


async def search_page(ds, **params):
    response = await ds.client.get("/search?" + urllib.parse.urlencode(params))
    assert response.status_code == 200
    return response.text


async def test_search_page_ranks_fund_names_first_and_highlights(ds, conn):
    page = await search_page(ds, q="低保", 年度="2019")
    total = int(re.search(r'data-total="(\d+)"', page).group(1))
    assert total == sum(substring_scan(source_texts(conn, 2019), "低保").values())
    titles = re.findall(r'<li data-table="([^"]+)" data-id="([^"]+)">', page)
    # The short texts that are about 低保 (the two funds' names and directions) come before long texts that mention it.
    assert set(titles[:4]) == {("special_funds", "2019-shifeng-minzheng-02"), ("special_funds", "2019-shifeng-minzheng-03")}
    assert len(titles) == total
    assert page.count("<mark>低保</mark>") >= total


@pytest.mark.parametrize("query", ["低保", "养老", "残疾", "城市低保", "高龄老人补贴"])
async def test_search_page_counts_match_the_scan(ds, conn, query):
    page = await search_page(ds, q=query)
    total = int(re.search(r'data-total="(\d+)"', page).group(1))
    assert total == sum(substring_scan(source_texts(conn), query).values())


async def test_search_within_one_table(ds):
    page = await search_page(ds, q="低保", 表="performance_indicators")
    tables = set(re.findall(r'<li data-table="([^"]+)"', page))
    assert tables == {"performance_indicators"}


async def test_search_escapes_and_handles_odd_queries(ds):
    page = await search_page(ds, q="<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page and "没有找到" in page
    page = await search_page(ds, q="！！！")
    assert "输入两个字以上的词" in page
    page = await search_page(ds, q="低保", page="999")
    assert 'data-total="20"' in page or "data-total" in page


async def test_table_pages_offer_chinese_search(ds):
    page = (await ds.client.get("/budget/performance_indicators")).text
    assert 'action="/search"' in page and 'name="表" value="performance_indicators"' in page
    page = (await ds.client.get("/budget/search_index")).text
    assert 'name="_search"' not in page and 'action="/search"' in page


async def test_saved_search_query(ds):
    response = await ds.client.get("/budget/search.json?" + urllib.parse.urlencode({"q": "养老", "_shape": "array"}))
    rows = response.json()
    assert rows and all("养老" in r["原文"] for r in rows)
    response = await ds.client.get("/budget/search.json?_shape=array&q=")
    assert response.status_code == 200 and response.json() == []
