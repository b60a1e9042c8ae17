"""/forms: the three official forms re-drawn from the data, laid out as printed (merged header cells),
so a citizen can hold them against the paper version. Cells come verbatim from filings.db."""
from datasette import hookimpl
from datasette.utils.asgi import Response

# The filings table that holds each form's data rows.
FORM_TABLES = {1: "form1_special_funds", 2: "form2_expenditure_directions", 3: "form3_department_budget"}


@hookimpl
def register_routes():
    return [
        (r"^/forms$", forms_index),
        (r"^/forms/(?P<year>\d{4})/(?P<code>[a-z0-9-]+)/(?P<number>[123])$", form_page),
    ]


async def forms_index(datasette, request):
    db = datasette.get_database("budget")
    forms = [dict(r) for r in await db.execute(
        "select f.*, d.部门编码 from forms f join departments d on d.部门 = f.部门 order by f.年度 desc, f.部门, f.表号")]
    # the standard layout: one 项目支出绩效目标表 per project (budget_site/pages/project_forms.py)
    projects = [dict(r) for r in await db.execute(
        "select f.年度, f.部门, f.序号, f.专项名称, d.部门编码 from special_funds f join departments d on d.部门 = f.部门 "
        "where f.版式 = '标准' order by f.年度 desc, f.部门, f.序号")]
    return Response.html(await datasette.render_template("forms_index.html", {"forms": forms, "projects": projects},
                                                         request=request))


async def form_page(datasette, request):
    year, code, number = int(request.url_vars["year"]), request.url_vars["code"], int(request.url_vars["number"])
    budget = datasette.get_database("budget")
    form = (await budget.execute(
        "select f.* from forms f join departments d on d.部门 = f.部门 "
        "where f.年度 = ? and d.部门编码 = ? and f.表号 = ?", [year, code, number])).first()
    if form is None:
        return Response.html(await datasette.render_template(
            "error.html", {"title": "找不到这张表", "error": "没有这一年度、部门或表号的表格。", "status": 404},
            request=request), status=404)
    layout = [dict(r) for r in await budget.execute(
        "select * from form_layout where 表_id = ? order by 行, 列", [form["id"]])]
    department_column = "部门名称" if number == 3 else "部门"
    filings = datasette.get_database("filings")
    records = [dict(r) for r in await filings.execute(
        f"select * from [{FORM_TABLES[number]}] where 年度 = ? and [{department_column}] = ? order by rowid",
        [str(year), form["部门"]])]
    head, body = layout_rows(layout, records)
    document = (await budget.execute("select * from source_documents where 年度 = ? and 部门编码 = ?",
                                     [year, code])).first()
    return Response.html(await datasette.render_template(
        "form.html", {"form": dict(form), "head": head, "body": body, "form_table": FORM_TABLES[number],
                      "source_document": dict(document) if document else None}, request=request))


def layout_rows(layout, records):
    """(header rows, body rows); each row a list of cells {text, header, rowspan, colspan}.

    Forms 1 and 2 are a header (cells with text) over one line per record; form 3 is a fixed grid in which
    cells without text hold the value of their 字段 from the single record.
    """
    by_row = {}
    for cell in layout:
        by_row.setdefault(cell["行"], []).append(cell)
    header_only = all(cell["原文"] for cell in layout)
    rows = []
    for _, cells in sorted(by_row.items()):
        rows.append([{
            "text": cell["原文"] if cell["原文"] else (records[0].get(cell["字段"]) if records else "") or "",
            "header": bool(cell["原文"]), "rowspan": cell["跨行"], "colspan": cell["跨列"],
        } for cell in cells])
    if not header_only:
        return [], rows
    # The leaf columns, left to right: the header cell lowest in each column names its field.
    leaves = {cell["列"]: cell["字段"] for cell in layout if cell["字段"] and cell["跨列"] == 1}
    fields = [leaves[column] for column in sorted(leaves)]
    body = [[{"text": record.get(field) or "", "header": False, "rowspan": 1, "colspan": 1} for field in fields]
            for record in records]
    return rows, body
