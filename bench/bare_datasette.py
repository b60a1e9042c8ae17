"""`datasette` with no plugins at all: the comparison server for the benchmark.

    python bench/bare_datasette.py serve --immutable budget.db ...   (same arguments as `datasette`)

Datasette 0.65.5 loads every installed plugin (here datasette-vega) unless sys._called_from_test is set, and has no
setting to turn that off; so this sets it and then runs the ordinary command line. Datasette's built-in default
plugins (facets, filters, ...) stay loaded, as in any Datasette.
"""
import sys

sys._called_from_test = True

from datasette.cli import cli  # noqa: E402

if __name__ == "__main__":
    cli()
