"""/search, the site-wide Chinese search page: counts equal a plain substring scan of the searchable texts
contract.yml declares, the short texts about a word come first, and the literal 2019 hits are shown."""
import re
import sqlite3
import urllib.parse

import pytest

from helpers import searchable_texts, substring_scan


@pytest.fixture(scope="module")
def conn(built):
    connection = sqlite3.connect(built / "budget.db")
    yield connection
    connection.close()


async def search_page(ds, **params):
    response = await ds.client.get("/search?" + urllib.parse.urlencode(params))
    assert response.status_code == 200
    return response.text


def total_of(page):
    return int(re.search(r'data-total="(\d+)"', page).group(1))


def results_of(page):
    return re.findall(r'<li data-table="([^"]+)" data-id="([^"]+)">', page)


async def test_search_page_ranks_fund_names_first_and_highlights(ds, conn):
    page = await search_page(ds, q="低保", 年度="2019")
    total = total_of(page)
    assert total == sum(substring_scan(searchable_texts(conn, 2019), "低保").values()) == 20
    titles = results_of(page)
    # The short texts that are about 低保 (the two funds' names and directions) come before long texts that mention it.
    assert set(titles[:4]) == {("special_funds", "2019-shifeng-minzheng-02"), ("special_funds", "2019-shifeng-minzheng-03")}
    assert len(titles) == total
    assert page.count("<mark>低保</mark>") >= total


@pytest.mark.parametrize("query", ["低保", "养老", "残疾", "城市低保", "高龄老人补贴"])
async def test_search_page_counts_match_the_scan(ds, conn, query):
    page = await search_page(ds, q=query)
    assert total_of(page) == sum(substring_scan(searchable_texts(conn), query).values())


async def test_a_word_only_an_editors_note_uses_finds_the_note(ds):
    page = await search_page(ds, q="误植", 年度="2019")
    assert total_of(page) == 1
    assert results_of(page) == [("notes", "2019-0003")]
    assert "<mark>误植</mark>" in page and "编者说明" in page


async def test_search_within_one_table(ds):
    page = await search_page(ds, q="低保", 表="performance_indicators", 年度="2019")
    assert set(table for table, _ in results_of(page)) == {"performance_indicators"}
    assert total_of(page) == len(results_of(page)) == 9  # read from form 2: 9 indicator cells mention 低保


async def test_search_escapes_and_handles_odd_queries(ds):
    page = await search_page(ds, q="<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page and "没有找到" in page
    page = await search_page(ds, q="！！！")
    assert "输入两个字以上的词" in page and "data-total" not in page
    page = await search_page(ds, q="低保", 年度="2019", page="999")  # past the last page: the count, no rows
    assert total_of(page) == 20 and results_of(page) == []


async def test_table_pages_offer_chinese_search(ds):
    page = (await ds.client.get("/budget/performance_indicators")).text
    assert 'action="/search"' in page and 'name="表" value="performance_indicators"' in page
    page = (await ds.client.get("/budget/search_index")).text
    assert 'name="_search"' not in page and 'action="/search"' in page


async def test_saved_search_query(ds):
    response = await ds.client.get("/budget/search.json?" + urllib.parse.urlencode({"q": "养老", "_shape": "array"}))
    rows = response.json()
    assert rows and all("养老" in r["原文"] for r in rows)
    assert len([r for r in rows if r["年度"] == 2019]) == 11  # 养老 in 2019: fund 07 and its direction and indicators
    response = await ds.client.get("/budget/search.json?_shape=array&q=")
    assert response.status_code == 200 and response.json() == []
