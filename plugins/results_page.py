"""/results (承诺兑现了吗): every self-evaluation of a year — budget, spent, execution rate, score and flags — for
all departments or one (?部门=), with the year switcher (?年度=). Read in one go on the database thread through
builder/results_view.py, which the fund card and the department page share."""
from datasette import hookimpl
from datasette.utils.asgi import BadRequest, Response

from builder.results_view import summaries, years_with_results

# The saved queries (metadata.yml) this page points to, in the order shown.
QUERIES = ["lowest_scores", "budget_spending_gaps", "full_marks_below_target", "self_evaluations_not_filled_in", "self_evaluation_checks",
           "scores_by_department"]


@hookimpl
def register_routes():
    return [(r"^/results$", results_page)]


def asked_year(request, years):
    asked = request.args.get("年度") or ""
    if asked and not (asked.isascii() and asked.isdigit() and len(asked) <= 6):
        raise BadRequest("“年度”应为数字年份，例如 2031。The year must be a number such as 2031.")
    return int(asked) if asked and int(asked) in years else (years[0] if years else None)


async def results_page(datasette, request):
    db = datasette.get_database("budget")

    def read(conn):
        years = years_with_results(conn)
        year = asked_year(request, years)
        departments = [r[0] for r in conn.execute("select distinct 部门 from self_evaluations where 年度 = ? order by 部门",
                                                  [year])]
        department = request.args.get("部门") or None
        if department not in departments:
            department = None  # 全部 (or a department without self-evaluations that year)
        found = summaries(conn, year, department) if year is not None else []
        return {"years": years, "year": year, "departments": departments, "department": department, "rows": found,
                "not_filled": sum(r["填报状态"] == "未填报" for r in found), "flagged": sum(bool(r["问题"]) for r in found)}

    context = await db.execute_fn(read)
    saved = datasette.metadata("queries", database="budget") or {}
    context["queries"] = [(name, saved[name]["title"]) for name in QUERIES if name in saved]
    return Response.html(await datasette.render_template("results.html", context, request=request))
