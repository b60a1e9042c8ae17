"""The search index in budget.db: every text contract.yml declares searchable is indexed, and every row that
contains a query is found (checked against a plain substring scan of the tables themselves, not of the index).

What is searchable comes from contract.yml, read as plain YAML; what a search must find is also written out here
(LITERAL_HITS, INDEXED_2019), so that taking a column out of the declared search fails a test instead of shrinking
the expectation with it."""
import re
import sqlite3
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetlib.cjk import cjk_query, segment
from helpers import declared_search, searchable_texts, substring_scan

QUERIES = ["低保", "养老", "残疾", "城市低保", "高龄老人补贴", "应保尽保存", "2019年底前", "100%", "元/月", "社区",
           "护理", "医疗救助", "民政", "补", "低保 100%", "失能半失能", "误植"]

F = "2019-shifeng-minzheng"
# Searches whose every 2019 hit is known from the source document and data/2019/notes.csv, read by hand:
# {query: {(table, row id, column or indicator)}}. One or more for every table the search covers.
LITERAL_HITS = {
    "误植": {("notes", "2019-0003", "说明")},  # only an editor's note says it
    "一字不差": {("notes", "2019-0012", "说明")},
    "参保参合": {("performance_indicators", f"{F}-08-1-4", "成本指标"), ("notes", "2019-0005", "说明")},
    "应保尽保存": {("performance_indicators", f"{F}-02-1-2", "质量指标"),  # the typo, twice on form 2
                   ("performance_indicators", f"{F}-03-1-2", "质量指标")},
    "退役安置": {("department_budgets", F, "产出指标"), ("department_expenditures", f"{F}-03", "支出类别")},
    "民政队伍": {("department_budgets", F, "整体绩效目标"), ("department_budgets", F, "效益指标")},
    "养老": {("special_funds", f"{F}-07", column) for column in ("专项名称", "支出方向", "实施期绩效目标", "年度绩效目标")}
          | {("expenditure_directions", f"{F}-07-1", column) for column in ("支出方向", "实施期绩效目标", "年度绩效目标")}
          | {("performance_indicators", f"{F}-07-1-{slot}", indicator)
             for slot, indicator in ((3, "时效指标"), (4, "成本指标"), (6, "社会效益指标"), (8, "可持续影响指标"))},
}
# Non-empty searchable cells of 2019, counted on the forms: 8 funds x 4 texts on form 1, 8 directions x 3 on form 2,
# the 53 filled indicator cells of form 2, 3 texts of form 3, its 7 spending categories, and the 13 editor's notes.
INDEXED_2019 = {"special_funds": 32, "expenditure_directions": 24, "performance_indicators": 53,
                "department_budgets": 3, "department_expenditures": 7, "notes": 13}
# Searchable tables data/ has no rows of: the self-evaluations (issue 22), whose search tests/build/test_selfeval.py
# checks on its fixtures.
SEARCHED_IN_FIXTURES = {"self_evaluations", "self_evaluation_indicators"}


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


@pytest.fixture(scope="module")
def texts(conn):
    """Every searchable text of the site, read once (the property test below draws from it 300 times)."""
    return searchable_texts(conn)


def test_the_declared_search_covers_what_the_site_promises():
    """README: the search finds the funds, directions, indicators, form 3, the editor's notes and the self-evaluations."""
    assert {table for table, _ in declared_search()} == set(INDEXED_2019) | SEARCHED_IN_FIXTURES
    assert {table for hits in LITERAL_HITS.values() for table, _, _ in hits} == set(INDEXED_2019)


@pytest.mark.parametrize("query", sorted(LITERAL_HITS))
def test_literal_hits(conn, query):
    conn.create_function("cjk_query", 1, cjk_query)
    found = set(conn.execute(
        "select s.表, s.记录_id, s.字段 from search_index_fts join search_index s on s.id = search_index_fts.rowid "
        "where search_index_fts match cjk_query(?) and s.年度 = 2019", [query]).fetchall())
    assert found == LITERAL_HITS[query]


def test_index_holds_every_searchable_cell_of_2019(conn):
    counts = dict(conn.execute("select 表, count(*) from search_index where 年度 = 2019 group by 表").fetchall())
    assert counts == INDEXED_2019
    assert sum(Counter(t for t, _, _ in searchable_texts(conn, 2019)).values()) == sum(INDEXED_2019.values())


def test_index_covers_every_searchable_text(conn):
    indexed = conn.execute("select count(*) from search_index").fetchone()[0]
    assert indexed == len(searchable_texts(conn)) >= sum(INDEXED_2019.values())


def test_index_text_is_the_cell_verbatim(conn):
    texts = Counter(searchable_texts(conn))
    indexed = Counter((t, i, x) for t, i, x in conn.execute("select 表, 记录_id, 原文 from search_index"))
    assert indexed == texts
    for text, tokens in conn.execute("select 原文, 分词 from search_index"):
        assert tokens.split() == [c for c in text if re.match(r"[^\W_]", c)]


@pytest.mark.parametrize("query", QUERIES)
def test_no_misses_against_a_substring_scan(conn, query):
    expected = substring_scan(searchable_texts(conn), query)
    found = fts_search(conn, query)
    assert expected, f"{query} should occur in the 2019 forms"
    assert not expected - found  # nothing missed
    # Punctuation is ignored, so the search may also find text with a mark between the characters; for pure
    # Chinese queries it finds exactly the substring matches.
    if re.fullmatch(r"[\u4e00-\u9fff ]+", query):
        assert found == expected


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_piece_of_any_text_is_found(conn, texts, data):
    table, row_id, text = data.draw(st.sampled_from(texts))
    start = data.draw(st.integers(0, max(0, len(text) - 1)))
    piece = text[start:start + data.draw(st.integers(1, 8))].strip()
    if not segment(piece):
        return  # only punctuation or spaces: not a query
    assert (table, row_id, text) in fts_search(conn, piece)
