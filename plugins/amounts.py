"""Show 万元 amounts as the forms print them: 90 rather than 90.0, 1266.87 as is."""
from datasette import hookimpl


def format_amount(value):
    return f"{value:.4f}".rstrip("0").rstrip(".")


@hookimpl
def render_cell(value, column):
    if isinstance(value, float) and column.endswith("_万元"):
        return format_amount(value)
    return None
