"""budgetlib/cjk.py, the search rule the index and the site share: one token per letter, digit or Chinese character;
a query becomes FTS5 phrases of its characters. And the site's highlighting, which must follow the same rule."""
import sqlite3

import pytest

from budgetlib.cjk import cjk_query, query_terms, segment
from budget_site.search.chinese_search import highlight


def test_segment():
    assert segment("城市低保A类450-520元") == "城 市 低 保 A 类 4 5 0 5 2 0 元"
    assert segment("70元/月.人") == "7 0 元 月 人"  # punctuation separates, it is not a token
    assert segment("") == segment(None) == ""


def test_query():
    assert cjk_query("低保") == '"低 保"'
    assert cjk_query("城市低保  100%") == '"城 市 低 保" "1 0 0"'
    assert cjk_query("") == cjk_query("！？") == cjk_query(None) == '""'
    assert query_terms("元/月 低保") == [["元", "月"], ["低", "保"]]


@pytest.mark.parametrize("query,matches", [
    ("低保", True), ("城市低保", True), ("低", True), ("保城", False), ("市低保A", True), ("70元月", True),
    ("70元/月", True), ("低保 450", True), ("低保 999", False), ("", False),
])
def test_a_phrase_matches_exactly_where_the_characters_stand_together(query, matches):
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(分词)")
    conn.execute("insert into t values (?)", [segment("城市低保A类450-520元，70元/月")])
    found = conn.execute("select count(*) from t where t match ?", [cjk_query(query)]).fetchone()[0]
    assert found == (1 if matches else 0)


def test_highlight_escapes_and_marks_with_the_same_rule():
    assert str(highlight("<b>城市低保</b>", "低保")) == "&lt;b&gt;城市<mark>低保</mark>&lt;/b&gt;"
    assert str(highlight("70元/月.人", "元月")) == "70<mark>元/月</mark>.人"  # punctuation ignored, as in the index
    assert str(highlight("低保 and 100%", "低保 100")) == "<mark>低保</mark> and <mark>100</mark>%"
    assert str(highlight("<i>x</i>", "！")) == "&lt;i&gt;x&lt;/i&gt;"
    assert highlight(None, "低保") == ""
