"""/forms/<年度>/<部门编码>/p<序号>: a standard-layout project (项目支出绩效目标表) re-drawn as the form lays it out:
header block, 项目资金 with its 其中 rows, 总体目标, and 绩效指标 with the mid-term half beside the annual half, each
一级 cell merged over its rows. The values are the project's cells verbatim (budget.db); the labels are the
standard form's own words, except the mid-term heading, which is the form's cell (it holds the years)."""
from datasette import hookimpl
from datasette.utils.asgi import Response

OPTIONAL = ("指标性质", "度量单位", "分值")  # columns some forms have; drawn only when the project's rows use them


@hookimpl
def register_routes():
    return [(r"^/forms/(?P<year>\d{4})/(?P<code>[a-z0-9-]+)/p(?P<number>\d+)$", project_form_page)]


async def project_form_page(datasette, request):
    year, code, number = int(request.url_vars["year"]), request.url_vars["code"], int(request.url_vars["number"])
    budget = datasette.get_database("budget")
    project = (await budget.execute(
        "select f.* from special_funds f join departments d on d.部门 = f.部门 "
        "where f.年度 = ? and d.部门编码 = ? and f.序号 = ? and f.版式 = '标准'", [year, code, number])).first()
    if project is None:
        return Response.html(await datasette.render_template(
            "error.html", {"title": "找不到这张表", "error": "没有这一年度、部门或序号的项目支出绩效目标表。", "status": 404},
            request=request), status=404)
    project = dict(project)
    funding = [dict(r) for r in await budget.execute(
        "select * from project_funding where 专项_id = ? order by 期别 = '年度', 顺序", [project["id"]])]
    indicators = [dict(r) for r in await budget.execute(
        "select * from performance_indicators where 专项_id = ? order by 期别 = '年度', 顺序", [project["id"]])]
    document = (await budget.execute("select * from source_documents where 文件 = ?", [project["原始文件"]])).first()
    form = {"表名": "项目支出绩效目标表", "年度": year, "部门": project["部门"], "id": project["id"], "表号": f"p{number}"}
    return Response.html(await datasette.render_template(
        "form.html", {"form": form, "head": [], "body": project_rows(project, funding, indicators),
                      "form_table": "projects", "project": project,
                      "source_document": dict(document) if document else None}, request=request))


def cell(text, header=False, rowspan=1, colspan=1):
    return {"text": "" if text is None else text, "header": header, "rowspan": rowspan, "colspan": colspan}


def project_rows(project, funding, indicators):
    """The form as rows of cells. Two label columns, then each half (中期, 年度) of width H: 二级, 三级, [指标性质],
    指标值, [度量单位], [分值]."""
    optional = [c for c in OPTIONAL if any(i[c] for i in indicators)]
    half_columns = ["二级指标", "三级指标", *[c for c in optional if c == "指标性质"], "指标值",
                    *[c for c in optional if c != "指标性质"]]
    width = len(half_columns)
    mid_label = "长期" if (project["中期目标标题"] or "").startswith("长期") else "中期"
    rows = [
        [cell("项目名称", True, colspan=2), cell(project["专项名称"], colspan=2 * width)],
        [cell("主管部门及代码", True, colspan=2), cell(project["主管部门及代码"], colspan=width - 1),
         cell("实施单位", True), cell(project["实施单位"], colspan=width)],
        [cell("项目属性", True, colspan=2), cell(project["项目属性"], colspan=width - 1),
         cell("项目期", True), cell(project["项目期"], colspan=width)],
    ]
    parts = {period: [f for f in funding if f["期别"] == period] for period in ("中期", "年度")}
    extra = max(len(parts["中期"]), len(parts["年度"]))
    rows.append([cell(f"项目资金（{project['资金单位']}）", True, rowspan=1 + extra, colspan=2),
                 cell(f"{mid_label}资金总额：", True, colspan=width - 1), cell(project["中期资金总额_原文"]),
                 cell("年度资金总额：", True, colspan=width - 1), cell(project["资金总额_原文"])])
    for index in range(extra):
        row = []
        for period in ("中期", "年度"):
            part = parts[period][index] if index < len(parts[period]) else None
            row += [cell(part and part["资金项目"], True, colspan=width - 1), cell(part and part["金额_原文"])]
        rows.append(row)
    rows.append([cell("总体目标", True, rowspan=2, colspan=2),
                 cell(project["中期目标标题"] or f"{mid_label}目标", True, colspan=width),
                 cell("年度目标", True, colspan=width)])
    rows.append([cell(project["实施期绩效目标"], colspan=width), cell(project["年度绩效目标"], colspan=width)])
    groups = indicator_groups(indicators)
    body = sum(max(len(halves["中期"]), len(halves["年度"])) for _, halves in groups)
    rows.append([cell("绩效指标", True, rowspan=2 + body), cell("一级指标", True, rowspan=2),
                 cell(f"{mid_label}指标", True, colspan=width), cell("年度指标", True, colspan=width)])
    rows.append([cell(name, True) for name in half_columns * 2])
    for level1, halves in groups:
        height = max(len(halves["中期"]), len(halves["年度"]))
        for index in range(height):
            row = [cell(level1, True, rowspan=height)] if index == 0 else []
            for period in ("中期", "年度"):
                found = halves[period][index] if index < len(halves[period]) else None
                row += [cell(found and found[c]) for c in half_columns]
            rows.append(row)
    return rows


def indicator_groups(indicators):
    """[(一级指标, {中期: rows, 年度: rows})] in the order the 一级 cells first appear (mid-term half first, as read on
    the form): the two halves of a 一级 cell are drawn side by side, top-aligned, as the form prints them."""
    groups = {}
    for indicator in indicators:
        groups.setdefault(indicator["一级指标"], {"中期": [], "年度": []})[indicator["期别"]].append(indicator)
    return list(groups.items())
