"""contract.yml is honoured end to end: every output table it declares is in budget.db with exactly its columns,
types, primary key, foreign keys and indexes; every year-change view has its columns; and every table and column doc
it declares is what /dictionary shows and what downloads/datapackage.json describes.

The contract is read here with plain YAML (helpers.declared), not through builder.contract, so the build's reading
of it is under test too."""
import html
import json
import re

import pytest

from helpers import declared

CONTRACT = declared()
OUTPUTS = CONTRACT["outputs"]
SQLITE_TYPES = {"text": "TEXT", "integer": "INTEGER", "real": "REAL"}
PACKAGE_TYPES = {"text": "string", "integer": "integer", "real": "number"}
NOT_IN_PACKAGE = {t for t, spec in OUTPUTS.items() if spec.get("download") is False}  # site machinery


def primary_key(spec):
    """contract.yml's primary_key: one column, a list of columns, or (left out) id."""
    key = spec.get("primary_key", "id")
    return key if isinstance(key, list) else [key]


def plain(markup):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def shown_doc(cell):
    """A description cell of /dictionary shows '中文<br><span lang="en">English</span>': read back as '中文 / English'."""
    english = re.search(r'<span lang="en"[^>]*>(.*?)</span>', cell, re.S)
    chinese = cell[:english.start()] if english else cell
    return plain(chinese) + (" / " + plain(english.group(1)) if english else "")


def same_doc(shown, doc):
    """Equal but for spacing around slashes (the page decides where the Chinese part ends)."""
    def norm(text):
        return re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", text)).strip()
    return norm(shown) == norm(doc)


def test_budget_db_has_exactly_the_declared_tables(budget_db):
    kinds = dict(budget_db.execute("select name, type from pragma_table_list where schema = 'main'").fetchall())
    tables = {name for name, kind in kinds.items() if kind == "table" and not name.startswith("sqlite_")
              and not name.startswith("search_index_fts")}  # the full-text index's own shadow tables
    # The year-over-year comparisons (contract.yml `views`) are written as tables, computed once by the build.
    assert tables == set(OUTPUTS) | set(CONTRACT["views"])
    assert {name for name, kind in kinds.items() if kind == "view"} == set()


@pytest.mark.parametrize("view", CONTRACT["views"])
def test_year_change_tables_have_their_indexes(budget_db, view):
    indexed = {tuple(c for (c,) in budget_db.execute("select name from pragma_index_info(?) order by seqno", [index]))
               for (index,) in budget_db.execute("select name from pragma_index_list(?)", [view])}
    wanted = {tuple(index) for index in CONTRACT["views"][view]["indexes"]}
    assert wanted and wanted <= indexed, wanted - indexed


@pytest.mark.parametrize("table", OUTPUTS)
def test_columns_types_and_primary_key(budget_db, table):
    spec = OUTPUTS[table]
    info = budget_db.execute("select name, type, pk from pragma_table_info(?)", [table]).fetchall()
    assert [(name, kind) for name, kind, _ in info] == [
        (column, SQLITE_TYPES[rule["type"]]) for column, rule in spec["columns"].items()]
    assert [name for name, _, pk in sorted(info, key=lambda c: c[2]) if pk] == primary_key(spec)


@pytest.mark.parametrize("table", OUTPUTS)
def test_foreign_keys(budget_db, table):
    declared_keys = OUTPUTS[table].get("foreign_keys") or {}
    found = budget_db.execute('select "from", "table", "to" from pragma_foreign_key_list(?)', [table]).fetchall()
    assert sorted(tuple(row) for row in found) == sorted(
        (column, parent, OUTPUTS[parent].get("primary_key", "id")) for column, parent in declared_keys.items())


@pytest.mark.parametrize("table", OUTPUTS)
def test_indexes(budget_db, table):
    spec = OUTPUTS[table]
    indexed = {tuple(c for (c,) in budget_db.execute("select name from pragma_index_info(?) order by seqno", [index]))
               for (index,) in budget_db.execute("select name from pragma_index_list(?)", [table])}
    wanted = {tuple(index) for index in spec.get("indexes", [])} | {(c,) for c in spec.get("foreign_keys") or {}}
    assert wanted <= indexed, wanted - indexed


@pytest.mark.parametrize("view", CONTRACT["views"])
def test_year_change_views_have_their_columns(budget_db, view):
    columns = [name for (name,) in budget_db.execute("select name from pragma_table_info(?)", [view])]
    assert set(columns) == set(CONTRACT["views"][view]["match"]) | set(CONTRACT["view_columns"])


# ---------------------------------------------------------------------------------------------------------------
# Docs: /dictionary and downloads/datapackage.json
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def dictionary(ds):
    response = await ds.client.get("/dictionary")
    assert response.status_code == 200
    return response.text


def section(page, table):
    match = re.search(rf'<section[^>]*data-table="{re.escape(table)}"[^>]*>(.*?)</section>', page, re.S)
    assert match, table
    return match.group(1)


def column_row(part, column):
    match = re.search(rf'<tr data-column="{re.escape(html.escape(column))}">(.*?)</tr>', part, re.S)
    assert match, column
    key, kind, description = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)
    return key, kind, description


@pytest.mark.parametrize("table", OUTPUTS)
async def test_dictionary_shows_every_declared_doc(dictionary, table):
    spec = OUTPUTS[table]
    part = section(dictionary, table)
    heading = re.sub(r"\s", "", plain(re.search(r"<h3>.*?</h3>", part, re.S).group(0)))  # English marked lang="en"
    assert re.sub(r"\s", "", f"{spec['title']}{table}") == heading
    if "description_html" in spec:
        assert spec["description_html"] in part  # shown as HTML
    else:
        # The English part is marked lang="en", which may put a space before it.
        assert re.sub(r"\s", "", spec["description"]) in re.sub(r"\s", "", plain(part))
    for column, rule in spec["columns"].items():
        key, _, description = column_row(part, column)
        assert same_doc(shown_doc(description), rule["doc"]), (table, column, shown_doc(description), rule["doc"])
        assert ("主键" in key) == (column in primary_key(spec)), (table, column)
        parent = (spec.get("foreign_keys") or {}).get(column)
        if parent:
            assert f'→ <a href="#{parent}">{parent}</a>.{OUTPUTS[parent].get("primary_key", "id")}' in key
        else:
            assert "→" not in key, (table, column)


@pytest.mark.parametrize("view", CONTRACT["views"])
async def test_dictionary_shows_the_view_docs(dictionary, view):
    spec = CONTRACT["views"][view]
    part = section(dictionary, view)
    heading = re.sub(r"\s", "", plain(re.search(r"<h3>.*?</h3>", part, re.S).group(0)))
    assert re.sub(r"\s", "", f"{spec['title']}{view}") == heading
    assert f"<p>{spec['description']}</p>" in html.unescape(part)
    for column, doc in CONTRACT["view_columns"].items():
        _, _, description = column_row(part, column)
        assert same_doc(shown_doc(description), doc), (view, column, shown_doc(description), doc)
    for column in spec["match"]:  # the names rows are matched by carry their table's doc
        _, _, description = column_row(part, column)
        assert "暂无说明" not in description, (view, column)


def test_the_data_package_describes_every_declared_table_and_column(built):
    descriptor = json.loads((built / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert list(resources) == [t for t in OUTPUTS if t not in NOT_IN_PACKAGE]
    for table, resource in resources.items():
        spec = OUTPUTS[table]
        assert resource["title"] == spec["title"]
        assert resource["description"] == (spec.get("description") or plain(spec["description_html"])), table
        fields = resource["schema"]["fields"]
        assert [(f["name"], f["type"], f["description"]) for f in fields] == [
            (column, PACKAGE_TYPES[rule["type"]], rule["doc"]) for column, rule in spec["columns"].items()], table
        assert resource["schema"]["primaryKey"] == primary_key(spec)
        assert sorted((k["fields"], k["reference"]["resource"]) for k in resource["schema"].get("foreignKeys", [])) \
            == sorted(([column], parent) for column, parent in (spec.get("foreign_keys") or {}).items())
