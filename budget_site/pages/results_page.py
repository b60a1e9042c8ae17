"""/results (承诺兑现了吗): a year's self-evaluations (?年度=, the latest by default) — each department's counts,
spending and scores (result_summaries, which the build fills), and a department's every project (?部门=; at once
when the year has one department): budget, spent, execution rate, score and flags. Read in one go on the database
thread through budgetlib/results_view.py, which the fund card and the department page share."""
from datasette import hookimpl
from datasette.utils.asgi import BadRequest, Response

from decimal import Decimal

from budgetlib.results_view import amount_text, rows, summaries

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
        years = [r[0] for r in conn.execute("select distinct 年度 from result_summaries order by 年度 desc")]
        year = asked_year(request, years)
        departments = [department_totals(row) for row in
                       rows(conn, "select * from result_summaries where 年度 = ? order by 部门编码", [year])]
        asked = request.args.get("部门") or None
        department = asked if asked in {d["部门"] for d in departments} else None
        if department is None and len(departments) == 1:
            department = departments[0]["部门"]  # one department: its projects at once
        found = summaries(conn, year, department) if department else []
        return {"years": years, "year": year, "departments": departments, "department": department, "rows": found,
                "totals": next((d for d in departments if d["部门"] == department), None) or overall(departments)}

    context = await db.execute_fn(read)
    saved = datasette.metadata("queries", database="budget") or {}
    context["queries"] = [(name, saved[name]["title"]) for name in QUERIES if name in saved]
    return Response.html(await datasette.render_template("results.html", context, request=request))


def department_totals(row):
    """A result_summaries row with its amounts in 万元 as printed and the execution rate of the whole."""
    budget, spent = row["全年预算_分"], row["全年执行_分"]
    return {**row, "全年预算": amount_text(budget, "万元"), "全年执行": amount_text(spent, "万元"),
            "执行率": f"{Decimal(spent) * 100 / Decimal(budget):.1f}" if budget and spent is not None else None,
            "未填报数": row["自评表数"] - row["已填报数"]}


def overall(departments):
    """The year's figures over every department."""
    return {"自评表数": sum(d["自评表数"] for d in departments), "未填报数": sum(d["未填报数"] for d in departments),
            "发现问题数": sum(d["发现问题数"] for d in departments)}
