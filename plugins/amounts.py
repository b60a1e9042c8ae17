"""Amounts as the forms print them. budget.db keeps whole 元 (integers) so sums are exact; these
helpers turn 元 into 万元 text and percentages with Decimal, so no page ever shows float noise."""
from decimal import Decimal

from datasette import hookimpl


def wan(yuan):
    """9920000 (元) -> '992'; 15938800 -> '1593.88' (万元, no trailing zeros)."""
    if yuan is None:
        return "–"
    return f"{Decimal(yuan) / 10000:.4f}".rstrip("0").rstrip(".")


def percent(part, whole, places=1):
    """percent(600000, 9920000) -> '6.0'."""
    if not whole or part is None:
        return "–"
    return f"{Decimal(part) * 100 / Decimal(whole):.{places}f}"


def wan_change(yuan):
    """A change in 元 as signed 万元 text: 400000 -> '+40', -20000 -> '−2', 0 -> '0'."""
    if yuan is None:
        return "–"
    return ("+" if yuan > 0 else "−" if yuan < 0 else "") + wan(abs(yuan))


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
