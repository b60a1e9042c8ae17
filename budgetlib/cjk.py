"""Chinese full-text search that never misses: the rule the search index and the site's queries share.

SQLite's FTS5 tokenizer reads a run of Chinese characters as one word, and `trigram` cannot match two-character
words such as 低保. So the index holds every letter, digit and Chinese character as its own token (`segment`), and
a query becomes an FTS5 phrase of its characters (`cjk_query`): a phrase of consecutive tokens matches exactly
where the query's characters stand together in the text — a substring match, ranked by bm25. Punctuation and case
are ignored on both sides, so 70元/月 also finds 70元月.
"""
import re

CHARACTER = re.compile(r"[^\W_]")  # a letter, a digit or a CJK character; punctuation and spaces separate
NOTHING = '""'  # the empty phrase: a valid FTS5 query that matches no row
# Anyone can call cjk_query() from SQL and /search passes it the visitor's text: a bound keeps one call (and the
# FTS5 query it builds) small. A search is a few words; 3,000 terms made a 500 on /search.
MAX_QUERY_CHARACTERS = 500
MAX_QUERY_TERMS = 20


class QueryTooLong(ValueError):
    pass


def segment(text):
    """'城市低保A类' -> '城 市 低 保 A 类'."""
    return " ".join(CHARACTER.findall(text or ""))


def query_terms(query):
    """Whitespace separates terms; each term is a run of characters that must stand together."""
    return [CHARACTER.findall(term) for term in (query or "").split() if CHARACTER.search(term)]


def cjk_query(query):
    """'城市低保 100%' -> '"城 市 低 保" "1 0 0"' (FTS5: both phrases must occur)."""
    if query and len(query) > MAX_QUERY_CHARACTERS:
        raise QueryTooLong(f"at most {MAX_QUERY_CHARACTERS} characters")
    terms = query_terms(query)
    if len(terms) > MAX_QUERY_TERMS:
        raise QueryTooLong(f"at most {MAX_QUERY_TERMS} terms")
    if not terms:
        return NOTHING
    return " ".join('"' + " ".join(chars) + '"' for chars in terms)
