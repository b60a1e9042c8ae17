"""budget_site/datasette_seam.py: every Datasette internal the site touches, checked against the installed
Datasette. When an upgrade moves one of them, the test of that touch point fails and says what to re-read.

Copied code is fingerprinted: the SHA-256 (first 16 hex digits) of the upstream source it was copied from, at the
pinned version. A new fingerprint means: read the new upstream code, carry its change into the copy, record it."""
import hashlib
import inspect
import sqlite3

import datasette
import datasette.app
import datasette.database
import pytest
from datasette.app import Datasette
from datasette.facets import ColumnFacet
from datasette.utils.asgi import Request
from datasette.views.table import TableView

from budget_site import datasette_seam as seam
from budget_site.guards import sql_lane


def fingerprint(function):
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()[:16]


def test_the_pinned_version_is_installed():
    assert datasette.__version__ == seam.PINNED == "0.65.5"


def test_plugins_register_with_the_manager_datasette_calls():
    assert seam.pm is datasette.app.pm
    Datasette([], plugins_dir="plugins")  # loads plugins/budget_site_loader.py
    from budget_site import pipeline
    assert seam.pm.is_registered(pipeline)


def test_queries_look_their_time_limit_up_in_the_database_module():
    # sql_lane.py replaces it there; Database.execute must still read it from its module at each query.
    assert "with sqlite_timelimit(conn, time_limit_ms):" in inspect.getsource(datasette.database.Database.execute)
    assert datasette.database.sqlite_timelimit is sql_lane.lane_time_limit


def test_datasettes_own_time_limit_interrupts_a_query():
    conn = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        with seam.sqlite_timelimit(conn, 20):
            conn.execute("with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n")


def test_queries_run_on_the_executor_the_lane_swaps():
    assert "self.ds.executor" in inspect.getsource(datasette.database.Database.execute_fn)
    ds = Datasette([])
    default = ds.executor
    seam.swap_executor(ds, lambda pages: ("swapped", pages))
    assert ds.executor == ("swapped", default)


def test_facet_results_copied_from_upstream():
    # column_facet_results copies ColumnFacet.facet_results; facet_counts.py subclasses the three facet classes.
    assert fingerprint(ColumnFacet.facet_results) == "00928d1c82a97035"


def test_sort_rules_copied_from_upstream():
    # sortable_columns copies TableView.sortable_columns_for_table (param_guard.py refuses other _sort values).
    assert fingerprint(TableView.sortable_columns_for_table) == "78e57bf42e4b90c8"
    assert "use_rowid = not pks and not is_view" in inspect.getsource(TableView)


def test_table_route_read_by_the_parameter_guard():
    assert r'r"/(?P<database>[^\/\.]+)/(?P<table>[^\/\.]+)(\.(?P<format>\w+))?$"' in inspect.getsource(
        datasette.app.Datasette._routes)
    match = seam.TABLE_PATH.match("/budget/special_funds.json")
    assert (match["database"], match["table"]) == ("budget", "special_funds")
    assert seam.TABLE_PATH.match("/budget/special_funds/2019-shifeng-minzheng-03") is None  # a row page


def test_utilities_behave_as_the_site_expects():
    assert [seam.escape_sqlite(name) for name in ("special_funds", "年度", "a b", "select")] == [
        "special_funds", "[年度]", "[a b]", "[select]"]
    assert [seam.to_css_class(name) for name in ("年度", "专项名称", "id")] == ["9dfd19", "62f4f2", "id"]
    request = Request.fake("/budget/t?a=1&_facet=x")
    assert seam.path_with_added_args(request, {"b": "2"}) == "/budget/t?a=1&_facet=x&b=2"
    assert seam.path_with_removed_args(request, {"_facet": "x"}) == "/budget/t?a=1"


def test_error_pages_as_the_refusals_raise_them():
    error = seam.DatasetteError("message", title="title", status=400)
    assert (error.status, error.title, str(error)) == (400, "title", "message")
    assert list(inspect.signature(seam.error_page).parameters) == ["datasette", "request", "exception"]
