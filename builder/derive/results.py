"""Self-evaluations against their targets (issue 22), one year and department at a time.

`link_results` finds what each result evaluates: the self-evaluation's fund (special_funds of the same year and
department, by 项目名称 = 专项名称) and each indicator's target (performance_indicators of that fund, annual half):
by 三级指标 where the target has one, otherwise by the 二级 vocabulary (budgetlib/results.py level2). It sets 专项_id,
指标_id, 目标指标值, 对应说明 and the two flags on the rows (the build writes them back). `result_checks` gives the
data_checks rows: one per self-evaluation and check, 对象表 self_evaluations. A form published blank (填报状态 未填报)
fails none of them: its only rows are the links.
"""
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from budgetlib.results import level2, plain, rate, same_text
from .indicators import parsed

LINKED_COLUMNS = {"self_evaluations": ("专项_id",),
                  "self_evaluation_indicators": ("专项_id", "指标_id", "目标指标值", "对应说明", "满分未达标", "目标不一致")}
FULL_TOTAL = Decimal(100)  # the points of a self-evaluation add up to 100 (预算执行 10 + indicators 90, usually)


def link_results(tables):
    """Link the rows of tables (one year and department) in place; {table: rows} of the rows changed."""
    funds = defaultdict(list)
    for fund in tables["special_funds"]:
        funds[fund["专项名称"]].append(fund)
    targets = defaultdict(TargetIndex)
    for target in tables["performance_indicators"]:
        if target["期别"] == "年度":  # a form-2 slot left empty is still the target a result of that 二级 grades
            targets[target["专项_id"]].add(target)
    fund_of = {}
    for evaluation in tables["self_evaluations"]:
        found = funds.get(evaluation["项目名称"], [])
        evaluation["专项_id"] = found[0]["id"] if len(found) == 1 else None
        fund_of[evaluation["id"]] = (evaluation["专项_id"], len(found))
    for result in tables["self_evaluation_indicators"]:
        fund_id, count = fund_of[result["自评_id"]]
        result["专项_id"] = fund_id
        link_indicator(result, fund_id, count, targets[fund_id] if fund_id in targets else TargetIndex())
        result["满分未达标"] = int(full_marks_below_target(result))
    return {table: tables[table] for table in LINKED_COLUMNS}


class TargetIndex:
    """A fund's annual targets by 三级指标 (as compared: budgetlib/results.py plain) and by 二级 vocabulary word."""

    def __init__(self):
        self.by_name, self.by_word = defaultdict(list), defaultdict(list)

    def add(self, target):
        if target["三级指标"]:
            self.by_name[plain(target["三级指标"])].append(target)
        self.by_word[level2(target["一级指标"], target["二级指标"])].append(target)


def link_indicator(result, fund_id, funds_named, targets):
    result["指标_id"] = result["目标指标值"] = None
    result["目标不一致"] = 0
    if fund_id is None:
        result["对应说明"] = ("同一部门同一年度有多个同名专项，无法确定所评价的专项" if funds_named > 1
                          else "同一部门同一年度没有同名的专项（目标表），无从对应")
        return
    if targets.by_name and result["三级指标"]:
        found = targets.by_name.get(plain(result["三级指标"]), [])
        how = f"按三级指标“{result['三级指标']}”"
    else:
        word = level2(result["一级指标"], result["二级指标"])
        found = targets.by_word.get(word, []) if word else []
        how = f"按二级指标“{word or result['二级指标'] or '（空）'}”"
    if len(found) != 1:
        result["对应说明"] = f"{how}在目标中{'找到' + str(len(found)) + '个，无法确定' if found else '没有找到'}"
        return
    target = found[0]
    result["指标_id"], result["目标指标值"] = target["id"], stated(target, "指标值")
    result["对应说明"] = f"{how}对应"
    if target["三级指标"]:  # the standard layout names the indicator: the restated target can be compared
        result["目标不一致"] = int(not same_text(stated(target, "指标值"), stated(result, "年度指标值")))


def stated(row, value_column):
    """An indicator's value as the form states it: 指标性质 + 指标值 + 度量单位 where the form has those columns."""
    return "".join(row[c] or "" for c in ("指标性质", value_column, "度量单位")) or None


def full_marks_below_target(result):
    """Full marks while the actual value falls short of the indicator's own target: one quantity each, the same unit;
    a bound (≥ ≤, 不少于 …) as written, a bare number a minimum unless 指标性质 says ≤ or ＝. Text targets, dates and
    anything not read as one number are not judged."""
    if result["得分"] is None or result["分值"] is None or result["得分"] < result["分值"]:
        return False
    actual = parsed(result["实际完成值"] or "")  # first: most actual values (已完成, 达标) are not one number
    if len(actual) != 1 or actual[0].value is None or not isinstance(actual[0].value, Decimal):
        return False
    target = parsed(stated(result, "年度指标值"))
    if len(target) != 1:
        return False
    goal, got = target[0], actual[0]
    if goal.unit != got.unit or goal.kind == "期限":
        return False
    if goal.kind == "区间":
        return (goal.low is not None and got.value < goal.low) or (goal.high is not None and got.value > goal.high)
    if not isinstance(goal.value, Decimal):
        return False
    comparison = (result["指标性质"] or "≥").strip()
    if comparison in ("≤", "≦", "＜", "<"):
        return got.value > goal.value
    if comparison in ("=", "＝", "═"):
        return got.value != goal.value
    return got.value < goal.value


def result_checks(tables, check):
    """data_checks rows for the self-evaluations of tables; check(record, code, name, explanation, expected, found,
    passes) adds one."""
    amounts, indicators = defaultdict(list), defaultdict(list)
    for row in tables["self_evaluation_amounts"]:
        amounts[row["自评_id"]].append(row)
    for row in tables["self_evaluation_indicators"]:
        indicators[row["自评_id"]].append(row)
    for evaluation in tables["self_evaluations"]:
        own_amounts, own_indicators = amounts[evaluation["id"]], indicators[evaluation["id"]]
        check(evaluation, "fund", "自评项目对应到专项", "自评表的项目名称应与同一部门同一年度的一个专项（目标表）名称一致，才能把结果放在目标旁边。",
              "恰有1个同名专项", evaluation["专项_id"] or "没有对应", evaluation["专项_id"] is not None)
        unlinked = [f"{r['顺序']} {r['三级指标'] or r['二级指标'] or ''}：{r['对应说明']}" for r in own_indicators
                    if r["指标_id"] is None]
        if evaluation["专项_id"] is not None and own_indicators:
            check(evaluation, "targets", "每个自评指标对应到目标", "自评表的每个指标应能在该专项的目标中找到（有三级指标的按名称，否则按二级指标）。",
                  f"{len(own_indicators)}个指标均对应", "；".join(unlinked) or "均对应", not unlinked)
        if evaluation["填报状态"] == "未填报":
            continue  # published blank: counted as 未填报, judged by nothing
        budget = next((r for r in own_amounts if r["得分"] is not None or r["分值"] is not None), None)
        scores = [r["得分"] for r in own_indicators]
        if evaluation["得分"] is not None and None not in scores and budget is not None and budget["得分"] is not None:
            found = sum(exact(s) for s in scores) + exact(budget["得分"])
            check(evaluation, "total", "指标得分＋预算执行得分＝总得分", "各绩效指标得分之和加上预算执行得分，应等于表上的总得分。",
                  decimal_text(exact(evaluation["得分"])), decimal_text(found), found == exact(evaluation["得分"]))
        points = [r["分值"] for r in own_indicators]
        if None not in points and budget is not None and budget["分值"] is not None:
            found = sum(exact(p) for p in points) + exact(budget["分值"])
            check(evaluation, "points", "分值合计为100", "各绩效指标分值加上预算执行分值，合计应为100分。",
                  "100", decimal_text(found), found == FULL_TOTAL)
        rates = [rate_problem(r) for r in own_amounts if r["执行率"] is not None]
        if rates:
            wrong = [problem for problem in rates if problem]
            check(evaluation, "rate", "执行率＝全年执行数÷全年预算数", "表上的执行率应等于全年执行数除以全年预算数，按表上印的小数位四舍五入。",
                  "各行一致", "；".join(wrong) or "各行一致", not wrong)
        scored = [r for r in own_amounts + own_indicators if r["得分"] is not None and r["分值"] is not None]
        if scored:
            over = [f"{label(r)} 得分{r['得分_原文']}＞分值{r['分值_原文']}" for r in scored if exact(r["得分"]) > exact(r["分值"])]
            check(evaluation, "score-points", "得分不超过分值", "每一行的得分不应超过该行的分值。", "各行得分≤分值",
                  "；".join(over) or "各行得分≤分值", not over)
        short = [f"{label(r)}：目标{stated(r, '年度指标值')}，实际{r['实际完成值']}，得满分{r['得分_原文']}"
                 for r in own_indicators if r["满分未达标"]]
        check(evaluation, "full-marks", "未达目标不得满分", "实际完成值没有达到本指标自己的年度指标值（同一单位，按 ≥ ≤ ＝ 判断；文字目标不判断）时，不应得满分。",
              "未达标的指标没有满分", "；".join(short) or "未达标的指标没有满分", not short)
        differing = [f"{label(r)}：自评表写“{stated(r, '年度指标值')}”，目标表为“{r['目标指标值']}”"
                     for r in own_indicators if r["目标不一致"]]
        if any(r["指标_id"] is not None and r["对应说明"].startswith("按三级") for r in own_indicators):
            check(evaluation, "restated", "自评表重述的指标值与目标表一致", "标准版式：自评表中的年度指标值应与当年公开的目标表一字不差（三表版式的合并单元格只并列显示，不判断）。",
                  "一致", "；".join(differing) or "一致", not differing)


def label(row):
    return f"第{row['顺序']}行“{row.get('三级指标') or row.get('资金项目') or row.get('二级指标') or ''}”"


def exact(value):
    """A score read as a float back into the Decimal it was printed as (repr of a float is its shortest form)."""
    return Decimal(repr(value))


def decimal_text(value):
    return format(value.normalize(), "f")


def rate_problem(row):
    """'' when the printed 执行率 is 全年执行数 ÷ 全年预算数 to the printed precision, else what differs."""
    if row["全年执行数_分"] is None or not row["全年预算数_分"]:
        return ""
    printed = row["执行率_原文"]
    decimals = rate(printed)[1]
    computed = (Decimal(row["全年执行数_分"]) * 100 / Decimal(row["全年预算数_分"])).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if computed == Decimal(repr(row["执行率"])):
        return ""
    return f"{label(row)} 表上{printed}，计算得{computed}%"
