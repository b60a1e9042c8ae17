"""Amounts as the forms print them, on every page: the 万元 rules live once, in budgetlib/amounts.py."""
from datasette import hookimpl

from budgetlib.amounts import percent, wan, wan_change


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["wan"] = wan
    env.filters["wan_change"] = wan_change
    env.filters["percent"] = percent


@hookimpl
def render_cell(value, column):
    # 90.0 in a _万元 column shows as 90, as on the form.
    if isinstance(value, float) and column.endswith("_万元"):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return None
