"""data_checks: every reconciliation the forms allow, published whatever the result.

Amounts are compared in whole 元, so differences are exact."""
from collections import defaultdict

from ..amounts import wan


def data_checks(tables):
    """Rows of the data_checks table."""
    checks = []

    def check(record, code, name, explanation, subject, expected, found, amounts=True, passes=None):
        difference = found - expected if amounts else None
        if passes is None:
            passes = expected == found
        checks.append({
            "id": f"{record['id']}-{code}", "年度": record["年度"], "部门": record["部门"],
            "检查项": name, "说明": explanation, "对象": subject,
            "对象表": "special_funds" if "专项名称" in record else "department_budgets", "对象_id": record["id"],
            "期望值": wan(expected) if amounts else expected, "实际值": wan(found) if amounts else found,
            "差额_元": difference, "差额_万元": difference / 10000 if amounts else None,
            "结果": "一致" if passes else "不一致"})

    parts_of, funds_of, directions_of = defaultdict(list), defaultdict(list), defaultdict(list)
    for part in tables["department_expenditures"]:
        parts_of[part["部门预算_id"]].append(part)
    for fund in tables["special_funds"]:
        funds_of[(fund["年度"], fund["部门"])].append(fund)
    for direction in tables["expenditure_directions"]:
        directions_of[direction["专项_id"]].append(direction)
    for budget in tables["department_budgets"]:
        total = budget["资金总额_元"]
        parts = parts_of[budget["id"]]
        funds = funds_of[(budget["年度"], budget["部门"])]
        if budget["基本支出_元"] is not None and budget["项目支出_元"] is not None:
            check(budget, "parts", "基本支出＋项目支出＝资金总额", "表3：基本支出与项目支出之和应等于申报的资金总额（万元）。",
                  budget["部门"], total, budget["基本支出_元"] + budget["项目支出_元"])
        if parts:
            check(budget, "categories", "分类支出之和＝资金总额", "表3：“产出指标”所列各类支出之和应等于申报的资金总额（万元）。",
                  budget["部门"], total, sum(p["金额_元"] for p in parts))
        if funds and budget["项目支出_元"] is not None:
            found = sum(f["资金总额_元"] for f in funds)
            check(budget, "funds", "专项资金之和不超过项目支出", "表1各专项资金之和（万元）应不超过表3的项目支出：专项资金是项目支出的一部分。",
                  budget["部门"], budget["项目支出_元"], found, passes=found <= budget["项目支出_元"])
    for fund in tables["special_funds"]:
        directions = directions_of[fund["id"]]
        if not directions:
            check(fund, "directions", "表1专项在表2中有支出方向", "表1的每项专项资金应在表2中至少有一个支出方向。", fund["专项名称"],
                  "至少1个", "0个", amounts=False)
            continue
        check(fund, "amount", "表1金额＝表2金额", "同一专项：表1“资金总额”应等于表2各支出方向“支出方向年度金额”之和（万元）。",
              fund["专项名称"], fund["资金总额_元"], sum(d["年度金额_元"] for d in directions))
        for code, column, name in (("direction", "支出方向", "表1与表2支出方向相同"),
                                   ("period-target", "实施期绩效目标", "表1与表2实施期绩效目标相同"),
                                   ("annual-target", "年度绩效目标", "表1与表2年度绩效目标相同")):
            found = "；".join(d[column] for d in directions)
            check(fund, code, name, f"同一专项在表1和表2中的“{column}”应一字不差。", fund["专项名称"],
                  fund[column], found, amounts=False)
    return checks
