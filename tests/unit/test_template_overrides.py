"""Each of templates/ that overrides a Datasette template, diffed against the pinned upstream template (from the
installed datasette package), with the expected diff recorded in tests/fixtures/template_overrides/<name>.diff.

After a Datasette upgrade the failing diff shows what moved upstream under an override; after a deliberate edit
of an override, record the new diffs: `.venv/bin/python tests/unit/test_template_overrides.py`."""
import difflib
import sys
from pathlib import Path

import datasette
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
UPSTREAM = Path(datasette.__file__).parent / "templates"
RECORDED = ROOT / "tests" / "fixtures" / "template_overrides"
# The overrides and why each is needed (every one also translates Datasette's English into Chinese).
OVERRIDES = {
    "_codemirror_foot.html": "the SQL editor's own textarea gets a label for screen readers",
    "_crumbs.html": "crumbs named by metadata titles, 首页",
    "_description_source_license.html": "the English part of a bilingual description, licence or source is lang=en",
    "_facet_results.html": "the ✖ links get Chinese accessible names",
    "_footer.html": "the site's footer: the source document, what the amounts are",
    "_suggested_facets.html": "suggested facets in Chinese",
    "_table.html": "column descriptions in Chinese, sort links titled",
    "base.html": "lang=zh-CN, the site's header and navigation, the large-text switch",
    "database.html": "tables named by their titles, the SQL editor labelled, heading levels",
    "error.html": "Chinese explanations by status; refusals' messages",
    "index.html": "the home page: the landing department or the list of departments",
    "query.html": "the SQL editor labelled, a saved query's SQL folded, Excel-ready downloads",
    "row.html": "tables named by their titles; no charts script",
    "table.html": "filter and sort described in Chinese, form controls labelled, Excel-ready downloads",
}


def diff(name):
    upstream = (UPSTREAM / name).read_text(encoding="utf-8").splitlines(keepends=True)
    ours = (ROOT / "templates" / name).read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(difflib.unified_diff(upstream, ours, f"datasette/templates/{name}", f"templates/{name}"))


def test_every_override_is_listed():
    overriding = {p.name for p in (ROOT / "templates").glob("*.html") if (UPSTREAM / p.name).exists()}
    assert overriding == set(OVERRIDES)


@pytest.mark.parametrize("name", sorted(OVERRIDES))
def test_override_differs_from_upstream_as_recorded(name):
    assert diff(name) == (RECORDED / f"{name}.diff").read_text(encoding="utf-8")


if __name__ == "__main__":
    RECORDED.mkdir(parents=True, exist_ok=True)
    for name in OVERRIDES:
        (RECORDED / f"{name}.diff").write_text(diff(name), encoding="utf-8")
    print(f"recorded {len(OVERRIDES)} diffs in {RECORDED}", file=sys.stderr)
