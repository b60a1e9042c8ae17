"""Chinese full-text search on the site: the SQL functions and the highlighting. How matching works (one token per
character, queries as phrases) is the build's rule, in budgetlib/cjk.py, shared with the search index."""
import re

from datasette import hookimpl
from markupsafe import Markup, escape

from budgetlib.cjk import cjk_query, query_terms


def highlight(text, query):
    """Escape text and wrap each match of the query in <mark>, with the same rules as the index."""
    if not text:
        return ""
    patterns = ["[\\W_]*".join(re.escape(c) for c in chars) for chars in query_terms(query)]
    if not patterns:
        return escape(text)
    pieces, last = [], 0
    for match in re.finditer("|".join(f"(?:{p})" for p in patterns), text, re.IGNORECASE):
        pieces.append(escape(text[last:match.start()]))
        pieces.append(Markup("<mark>") + escape(match.group(0)) + Markup("</mark>"))
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


@hookimpl
def prepare_connection(conn):
    # Only cjk_query is offered to SQL. segment() is for build_db.py: as an SQL function it took any text
    # (cjk_segment(hex(randomblob(50000000))) ran 9 s) and no page or saved query used it.
    conn.create_function("cjk_query", 1, cjk_query, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["highlight"] = highlight
