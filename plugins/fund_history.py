"""A fund's previous and next year, matched by name (the fund_year_changes view), for its report card."""
from datasette import hookimpl
from datasette.utils import tilde_decode


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "row" or database != "budget" or table != "special_funds":
        return None

    async def history():
        fund_id = tilde_decode(request.url_vars["pks"])
        db = datasette.get_database("budget")
        earlier = (await db.execute("select * from fund_year_changes where 本年_id = ?", [fund_id])).first()
        later = (await db.execute("select * from fund_year_changes where 上年_id = ?", [fund_id])).first()
        return {"fund_history": {"earlier": dict(earlier) if earlier else None, "later": dict(later) if later else None}}

    return history
