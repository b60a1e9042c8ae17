"""Table pages at any size: the default facets of an unfiltered page come from facet_counts, counted at build time.

A table page counts each facet with a GROUP BY over all the rows it shows. On the unfiltered page of a table of a
million rows that is most of a second, on every visit, though budget.db never changes once built. So the build
counts the facets metadata.yml names (builder/derive/facets.py) and this plugin puts its own column facet in place
of Datasette's: on an unfiltered page it reads those counts (the same values, counts, order, labels and links as
Datasette's), on any other page it counts live, exactly as Datasette does.

For the same reason an unfiltered page of a table of more than SUGGEST_ROWS rows suggests no other facets: each
suggestion is another scan of the whole table (for every column, for each kind of facet), which Datasette stops
after facet_suggest_time_limit_ms at that size anyway, having found nothing.
"""
import json

from datasette import hookimpl

from ..datasette_seam import ArrayFacet, ColumnFacet, DateFacet, column_facet_results, escape_sqlite

SUGGEST_ROWS = 1_000
COUNTS_TABLE = "facet_counts"
_counted = {}  # (database file, table) -> {column: [[value, count], …]}, for immutable files only


def unfiltered(facet):
    """The page shows the whole table: no filter, search or next-page clause in its SQL."""
    return facet.table is not None and not facet.params and facet.sql.endswith(f" from {escape_sqlite(facet.table)} ")


async def counted(facet):
    """{column: [[value, count], …]} from facet_counts for this table, {} when the database has none."""
    db = facet.ds.get_database(facet.database)
    key = (db.path, facet.table)
    if key in _counted:
        return _counted[key]
    found = {}
    if COUNTS_TABLE in await db.table_names():
        rows = await db.execute(f"select 列, 值与数量 from {COUNTS_TABLE} where 表 = ?", [facet.table])
        found = {column: json.loads(counts) for column, counts in rows}
    if not db.is_mutable:
        _counted[key] = found
    return found


class CountedColumnFacet(ColumnFacet):
    async def facet_results(self):
        counts = await counted(self) if unfiltered(self) else {}
        if not any((c["config"].get("column") or c["config"]["simple"]) in counts for c in self.get_configs()):
            return await super().facet_results()
        return await column_facet_results(
            self, counts, lambda config: ColumnFacet.facet_results(OneConfig(self, config)))

    async def suggest(self):
        return [] if too_big_to_suggest(self) else await super().suggest()


class OneConfig:
    """A facet seen through one of its configurations (to count that one column live)."""

    def __init__(self, facet, config):
        self.facet, self.config = facet, config

    def __getattr__(self, name):
        return getattr(self.facet, name)

    def get_configs(self):
        return [self.config]


def too_big_to_suggest(facet):
    return unfiltered(facet) and (facet.row_count or 0) > SUGGEST_ROWS


class QuietDateFacet(DateFacet):
    async def suggest(self):
        return [] if too_big_to_suggest(self) else await super().suggest()


class QuietArrayFacet(ArrayFacet):
    async def suggest(self):
        return [] if too_big_to_suggest(self) else await super().suggest()


SWAPS = {ColumnFacet: CountedColumnFacet, DateFacet: QuietDateFacet, ArrayFacet: QuietArrayFacet}


@hookimpl(wrapper=True)
def register_facet_classes():
    classes = yield
    return [[SWAPS.get(c, c) for c in group] for group in classes]
