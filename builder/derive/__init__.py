"""Tables the build derives from the normalised ones: data checks, the search index, indicator analysis.

Every derived row depends only on the rows of its own year and department, so the build derives one year and
department at a time (`derived_tables`), whatever the size of the whole."""
from .beneficiaries import beneficiary_rows
from .checks import data_checks
from .indicator_rows import indicator_tables
from .search import search_rows

# The tables derived_tables gives (the others marked derived in contract.yml come from every year at once).
DERIVED = ("data_checks", "search_index", "indicator_values", "target_quality", "beneficiary_estimates")


def derived_tables(tables, first_search_id=1):
    """{table: rows} of the derived tables for `tables` (the normalised rows of one year and department, or all);
    search_index ids start at first_search_id."""
    derived = {"data_checks": data_checks(tables), "search_index": search_rows(tables, first_search_id)}
    derived.update(indicator_tables(tables))
    derived["beneficiary_estimates"] = beneficiary_rows(
        tables["expenditure_directions"], tables["performance_indicators"], derived["indicator_values"])
    return derived
