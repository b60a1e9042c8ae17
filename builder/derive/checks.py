"""data_checks: every reconciliation the forms allow, published whatever the result.

Amounts are compared in whole 元, so differences are exact."""
from collections import defaultdict
from decimal import Decimal

from budgetlib.amounts import wan
from .results import result_checks

# A district bureau's project of 10亿元 (100,000 万元) or more: likely a 元 figure typed under 万元. A project in 元
# under 1,000 元: likely a 万元 figure under 元. Flagged on /checks, never refused (a city's project can be that large).
LARGEST_WAN = 100000
SMALLEST_YUAN = 1000


def wan_of_fen(fen):
    """分 -> 万元 text without float noise: 97200050 -> '97.20005'."""
    return f"{Decimal(fen) / 1000000:.6f}".rstrip("0").rstrip(".")


def project_checks(fund, funding, check, budget):
    """A standard-layout project: its funding split adds up to each total (中期, 年度); its amount is in line with
    its unit and with the department's declared total (form 3, where filed). All in exact 分."""
    totals = {"年度": fund["资金总额_分"], "中期": fund["中期资金总额_分"]}
    for period, code in (("年度", "funding-annual"), ("中期", "funding-mid-term")):
        parts = [p["金额_分"] for p in funding if p["期别"] == period and p["金额_分"] is not None]
        if parts and totals[period] is not None:
            check(fund, code, f"资金构成之和＝{period}资金总额", f"标准版式：“项目资金”中{period}各行（财政拨款、其他资金等）之和应等于"
                  f"{period}资金总额（万元）。", fund["专项名称"], totals[period], sum(parts), in_fen=True)
    amount = fund["资金总额_分"]
    if amount is None:
        return
    if fund["资金单位"] == "万元":
        check(fund, "unit", "金额与单位相符", f"标准版式：单位为万元的项目，年度资金总额在 {LARGEST_WAN} 万元（10亿元）以上，"
              "疑为按元填写的数字（相差一万倍）。请对照原表核实单位。", fund["专项名称"], f"低于 {LARGEST_WAN} 万元",
              f"{wan_of_fen(amount)} 万元", amounts=False, passes=amount < LARGEST_WAN * 1000000)
    elif fund["资金单位"] == "元":
        check(fund, "unit", "金额与单位相符", f"标准版式：单位为元的项目，年度资金总额不足 {SMALLEST_YUAN} 元，疑为按万元填写的数字。"
              "请对照原表核实单位。", fund["专项名称"], f"不少于 {SMALLEST_YUAN} 元",
              f"{Decimal(amount) / 100} 元", amounts=False, passes=amount >= SMALLEST_YUAN * 100)
    if budget is not None and budget["资金总额_元"] is not None:
        check(fund, "department-total", "项目金额不超过部门资金总额", "项目的年度资金总额（万元）应不超过本部门表3申报的资金总额。",
              fund["专项名称"], budget["资金总额_元"] * 100, amount, passes=amount <= budget["资金总额_元"] * 100,
              in_fen=True)


def data_checks(tables):
    """Rows of the data_checks table."""
    checks = []

    def check(record, code, name, explanation, subject, expected, found, amounts=True, passes=None, in_fen=False):
        """Amounts in whole 元, or (in_fen) in 分 — a standard form's 元 amounts have 角分."""
        difference = found - expected if amounts else None
        show, per_wan = (wan_of_fen, 1000000) if in_fen else (wan, 10000)
        exact_yuan = (lambda fen: fen // 100 if fen % 100 == 0 else None) if in_fen else (lambda yuan: yuan)
        if passes is None:
            passes = expected == found
        checks.append({
            "id": f"{record['id']}-{code}", "年度": record["年度"], "部门": record["部门"],
            "检查项": name, "说明": explanation, "对象": subject,
            "对象表": "special_funds" if "专项名称" in record else "department_budgets", "对象_id": record["id"],
            "期望值": show(expected) if amounts else expected, "实际值": show(found) if amounts else found,
            "差额_元": None if difference is None else exact_yuan(difference),
            "差额_万元": float(Decimal(difference) / per_wan) if amounts else None,
            "差额_分": None if difference is None else difference if in_fen else difference * 100,
            "结果": "一致" if passes else "不一致"})

    parts_of, funds_of, directions_of = defaultdict(list), defaultdict(list), defaultdict(list)
    for part in tables["department_expenditures"]:
        parts_of[part["部门预算_id"]].append(part)
    for fund in tables["special_funds"]:
        funds_of[(fund["年度"], fund["部门"])].append(fund)
    for direction in tables["expenditure_directions"]:
        directions_of[direction["专项_id"]].append(direction)
    funding_of, budget_of = defaultdict(list), {}
    for part in tables["project_funding"]:
        funding_of[part["专项_id"]].append(part)
    for budget in tables["department_budgets"]:
        budget_of[(budget["年度"], budget["部门"])] = budget
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
        if fund["版式"] == "标准":
            project_checks(fund, funding_of[fund["id"]], check, budget_of.get((fund["年度"], fund["部门"])))
            continue
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

    def result_check(evaluation, code, name, explanation, expected, found, passes):
        """A self-evaluation's check: texts, no amounts (the differences are named in 实际值)."""
        checks.append({"id": f"{evaluation['id']}-{code}", "年度": evaluation["年度"], "部门": evaluation["部门"],
                       "检查项": name, "说明": "自评表：" + explanation, "对象": evaluation["项目名称"],
                       "对象表": "self_evaluations", "对象_id": evaluation["id"], "期望值": expected, "实际值": found,
                       "差额_元": None, "差额_万元": None, "差额_分": None, "结果": "一致" if passes else "不一致"})

    result_checks(tables, result_check)
    return checks
