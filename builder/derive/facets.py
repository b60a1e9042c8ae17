"""facet_counts: the default facets of each table's unfiltered page, counted once at build time.

A table page on the site shows the facets metadata.yml names (`facets:`). Counting them means a GROUP BY over the
whole table on every visit; at a million rows that is most of a second. The published database never changes, so
the build counts them here, in exactly the order Datasette's column facet lists them (most rows first, then by
value), and the site reads them back (budget_site/presentation/facet_counts.py). Pages with a filter count live,
as before."""
import json


def facet_rows(query, facets, limit):
    """facet_counts rows. query(sql) -> rows of budget.db; facets: {table: [column, …]}; limit: how many values to
    keep per facet (the most a page can ask for: max_returned_rows + 1)."""
    rows = []
    for table, columns in facets.items():
        for column in columns:
            counts = query(f"select [{column}] as value, count(*) as count from [{table}] where [{column}] is not null "
                           f"group by [{column}] order by count desc, value limit {int(limit)}")
            rows.append({"表": table, "列": column, "值与数量": json.dumps([list(c) for c in counts], ensure_ascii=False)})
    return rows
