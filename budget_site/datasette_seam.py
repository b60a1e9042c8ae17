"""Datasette's internals, in one place.

The site uses Datasette's public plugin API everywhere (datasette.hookimpl, datasette.utils.asgi's Response and
errors, Database's documented methods and QueryInterrupted, tilde_decode). Everything else it takes from Datasette
— a name from a module that is not documented, a value it replaces, code it copies — is here, and
tests/unit/test_datasette_seam.py checks each touch point against the pinned Datasette, so an upgrade shows at once
what moved. Each touch point says who uses it.
"""
import re

import datasette.database
from datasette.facets import ArrayFacet, ColumnFacet, DateFacet  # noqa: F401 (facet_counts.py subclasses them)
from datasette.handle_exception import handle_exception as error_page  # noqa: F401 (sql_error_status.py)
from datasette.plugins import pm
from datasette.utils import escape_sqlite  # noqa: F401 (doc_pages.py, facet_counts.py: a name quoted for SQL)
from datasette.utils import path_with_added_args, path_with_removed_args
from datasette.utils import sqlite_timelimit  # noqa: F401 (search_page.py, sql_lane.py: Datasette's time limit)
from datasette.utils import to_css_class  # noqa: F401 (template_speed.py caches it)
from datasette.views.base import DatasetteError  # noqa: F401 (refusals.py, sql_error_status.py: an error page)

PINNED = "0.65.5"  # requirements/*.txt; the version every touch point below was read from

# Datasette's table, view, canned query and row routes (app.py's _routes), on the raw path:
# /<database>/<table>[.<format>] (param_guard.py reads the table a request names with it).
TABLE_PATH = re.compile(r"^/(?P<database>[^/.]+)/(?P<table>[^/.]+)(\.\w+)?$")


def register_plugin(module):
    """Register a module's hooks with Datasette's plugin manager (what Datasette does for each file of
    --plugins-dir). Once per process: every Datasette of the process shares the manager (hooks.py)."""
    if not pm.is_registered(module):
        pm.register(module)


def replace_query_time_limit(context_manager):
    """Database.execute looks sqlite_timelimit up in its module at each query: replace it there (sql_lane.py)."""
    datasette.database.sqlite_timelimit = context_manager


def swap_executor(ds, make):
    """Datasette runs every query on ds.executor (Database.execute_fn); make(executor) stands in for it
    (sql_lane.py). Nothing to swap when num_sql_threads is 0 (executor None: queries run on the loop)."""
    if ds.executor is not None:
        ds.executor = make(ds.executor)


async def sortable_columns(ds, db, table):
    """The columns Datasette lets a table page sort by (TableView.sortable_columns_for_table, with the rowid a
    table without a primary key sorts by), for param_guard.py to refuse other _sort values before Datasette
    answers them with a 500."""
    metadata = ds.table_metadata(db.name, table)
    sortable = set(metadata.get("sortable_columns") or await db.table_columns(table))
    if "sortable_columns" not in metadata and not await db.primary_keys(table) and await db.table_exists(table):
        sortable.add("rowid")
    return sortable


async def column_facet_results(facet, counts, count_live):
    """ColumnFacet.facet_results (0.65.5), with the rows of each column in counts ({column: [[value, count], …]})
    read from there instead of counted; count_live(config) counts any other column as Datasette does
    (facet_counts.py)."""
    facet_results, facets_timed_out = [], []
    qs_pairs = facet.get_querystring_pairs()
    facet_size = facet.get_facet_size()
    for source_and_config in facet.get_configs():
        column = source_and_config["config"].get("column") or source_and_config["config"]["simple"]
        if column not in counts:
            live, timed_out = await count_live(source_and_config)
            facet_results += live
            facets_timed_out += timed_out
            continue
        rows = [{"value": value, "count": count} for value, count in counts[column][: facet_size + 1]]
        values = []
        facet_results.append({
            "name": column, "type": facet.type, "hideable": source_and_config["source"] != "metadata",
            "toggle_url": facet.ds.urls.path(path_with_removed_args(facet.request, {"_facet": column})),
            "results": values, "truncated": len(rows) > facet_size,
        })
        rows = rows[:facet_size]
        expanded = await facet.ds.expand_foreign_keys(facet.database, facet.table, column, [r["value"] for r in rows])
        for row in rows:
            column_qs = f"{column}__exact" if column.startswith("_") else column
            selected = (column_qs, str(row["value"])) in qs_pairs
            if selected:
                toggle_path = path_with_removed_args(facet.request, {column_qs: str(row["value"])})
            else:
                toggle_path = path_with_added_args(facet.request, {column_qs: row["value"]})
            values.append({
                "value": row["value"], "label": expanded.get((column, row["value"]), row["value"]),
                "count": row["count"], "toggle_url": facet.ds.absolute_url(facet.request, facet.ds.urls.path(toggle_path)),
                "selected": selected,
            })
    return facet_results, facets_timed_out
