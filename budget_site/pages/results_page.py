"""/results (承诺兑现了吗): a year's self-evaluations (?年度=, the latest by default) — the year's figures, then its
departments PAGE_SIZE at a time, those with the most findings (then the lowest score) first, from result_summaries
(which the build fills); ?部门= with a department's exact name shows its every project (budget, spent, execution
rate, score and flags; at once when the year has one department), with part of a name it lists the departments whose
name contains it. A page is bounded however many departments a year has, and needs no JavaScript. Read in one go on
the database thread through budgetlib/results_view.py, which the fund card and the department page share."""
from datasette import hookimpl
from datasette.utils.asgi import BadRequest, Response

from decimal import Decimal

from budgetlib.results_view import amount_text, rows, summaries

# The saved queries (metadata.yml) this page points to, in the order shown.
QUERIES = ["lowest_scores", "budget_spending_gaps", "full_marks_below_target", "self_evaluations_not_filled_in", "self_evaluation_checks",
           "scores_by_department"]
PAGE_SIZE = 20  # departments a page lists (bench/pages.py compares with a table page of as many rows)
# The departments to look at first: the most findings, then the lowest score (not filled in last), then by code.
ORDER = "order by 列表顺序"  # the build writes the order (contract.yml result_summaries): most findings first
YEAR_TOTALS = """select count(*) as 部门数, coalesce(sum(自评表数), 0) as 自评表数,
  coalesce(sum(自评表数 - 已填报数), 0) as 未填报数, coalesce(sum(发现问题数), 0) as 发现问题数
from result_summaries where 年度 = ?"""


@hookimpl
def register_routes():
    return [(r"^/results$", results_page)]


def number_asked(request, name, example):
    """The ASCII digits of ?name= as an int (None if not asked); anything else is a 400 naming the parameter."""
    asked = request.args.get(name) or ""
    if asked and not (asked.isascii() and asked.isdigit() and len(asked) <= 6):
        raise BadRequest(f"“{name}”应为数字，例如 {example}。{name} must be a number such as {example}.")
    return int(asked) if asked else None


def asked_year(request, years):
    asked = number_asked(request, "年度", 2031)
    return asked if asked in years else (years[0] if years else None)


async def results_page(datasette, request):
    db = datasette.get_database("budget")
    asked_page = max(number_asked(request, "page", 2) or 1, 1)
    asked_name = (request.args.get("部门") or "").strip()

    def read(conn):
        years = [r[0] for r in conn.execute("select distinct 年度 from result_summaries order by 年度 desc")]
        year = asked_year(request, years)
        year_totals = rows(conn, YEAR_TOTALS, [year])[0]
        named = rows(conn, "select * from result_summaries where 年度 = ? and 部门 = ?", [year, asked_name])
        if not named and year_totals["部门数"] == 1:
            named = rows(conn, "select * from result_summaries where 年度 = ?", [year])  # one department: its projects
        if named:
            department = department_totals(named[0])
            return {"years": years, "year": year, "department": department["部门"], "departments": [department],
                    "listed": 1, "page": 1, "pages": 1, "found": None, "totals": department,
                    "department_count": year_totals["部门数"], "rows": summaries(conn, year, department["部门"])}
        # part of a name: the departments whose name contains it (instr: no LIKE wildcards in a visitor's text)
        where, params = ("年度 = ? and instr(部门, ?) > 0", [year, asked_name]) if asked_name else ("年度 = ?", [year])
        listed = (conn.execute(f"select count(*) from result_summaries where {where}", params).fetchone()[0]
                  if asked_name else year_totals["部门数"])
        pages = max(1, -(-listed // PAGE_SIZE))
        page = min(asked_page, pages)
        departments = [department_totals(row) for row in rows(
            conn, f"select * from result_summaries where {where} {ORDER} limit ? offset ?",
            [*params, PAGE_SIZE, (page - 1) * PAGE_SIZE])]
        return {"years": years, "year": year, "department": None, "departments": departments, "listed": listed,
                "page": page, "pages": pages, "found": asked_name or None, "totals": year_totals,
                "department_count": year_totals["部门数"], "rows": []}

    context = await db.execute_fn(read)
    context["page_size"] = PAGE_SIZE
    saved = datasette.metadata("queries", database="budget") or {}
    context["queries"] = [(name, saved[name]["title"]) for name in QUERIES if name in saved]
    return Response.html(await datasette.render_template("results.html", context, request=request))


def department_totals(row):
    """A result_summaries row with its amounts in 万元 as printed and the execution rate of the whole."""
    budget, spent = row["全年预算_分"], row["全年执行_分"]
    return {**row, "全年预算": amount_text(budget, "万元"), "全年执行": amount_text(spent, "万元"),
            "执行率": f"{Decimal(spent) * 100 / Decimal(budget):.1f}" if budget and spent is not None else None,
            "未填报数": row["自评表数"] - row["已填报数"]}
