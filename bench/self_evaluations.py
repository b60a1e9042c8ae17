"""The benchmark's self-evaluations (issue 22): one 项目支出绩效自评表 per generated fund, written beside its year's
three forms by bench/generate.py, so that the pages and the build are measured with a result for every project.

About one form in ten is published blank (未填报). The others are consistent: the points add up to 100, the scores
to the printed total, the execution rate is the amounts' own to two decimals, no indicator has full marks below
its target — a clean benchmark flags nothing but what the matching says."""
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SOURCE_TEMPLATE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "selfeval" / "source" / "2019" / \
    "shifeng-minzheng" / "shifeng-minzheng-2019-selfeval.txt"
FUNDING_ROWS = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")
BLANK_SHARE = 0.1


def document_name(code, year):
    return f"{year}/{code}/{code}-{year}-selfeval.txt"


def write_document(source, code, year, name):
    """The department's self-evaluation document of the year (the fixture's text, the department's name in it)."""
    path = Path(source) / document_name(code, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SOURCE_TEMPLATE.read_text(encoding="utf-8").replace("石峰区民政局", name), encoding="utf-8")


def money(hundredths):
    """1/100 万元 as printed: 12345 -> '123.45'."""
    return format((Decimal(hundredths) / 100).normalize(), "f")


def write(files, common, code, number, fund_name, total, slots, rng, split):
    """One fund's self-evaluation: its row, its four funding rows and one indicator per filled slot of its first
    expenditure direction. total: the fund's amount in 1/100 万元; slots: [(一级, 二级, cell text)]."""
    blank = rng.random() < BLANK_SHARE
    spent = total - rng.randint(0, total // 20)
    rate = (Decimal(spent) * 100 / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    budget_score = (rate / 10).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    slots = [slot for slot in slots if slot[2]] or [("产出指标", "数量指标", "完成")]
    points = split(90, len(slots), rng) if len(slots) > 1 else [90]
    scores = [p if blank or rng.random() < 0.7 else p - 1 for p in points]
    total_score = sum(scores) + budget_score
    files["self_evaluations.csv"].row({
        **common, "序号": number, "项目名称": fund_name, "主管部门": common["部门"], "实施单位": common["部门"], "资金单位": "万元",
        "预期目标": slots[0][2], "实际完成情况": "" if blank else "按计划完成。", "总分": "100",
        "得分": "" if blank else str(total_score), "评价等级": "" if blank else ("优" if total_score >= 90 else "良"),
        "原始文件": document_name(code, common["年度"])})
    for order, label in enumerate(FUNDING_ROWS, 1):
        first, carried = order == 1, order == 2
        shown = first or carried
        files["self_evaluation_amounts.csv"].row({
            **common, "序号": number, "顺序": order, "资金项目": label,
            "年初预算数": money(total) if shown else "", "全年预算数": money(total) if shown else "",
            "全年执行数": money(spent) if shown and not blank else "", "分值": "10" if first else "—",
            "执行率": f"{rate}%" if shown and not blank else "", "得分": "" if blank else str(budget_score) if first else "—"})
    for order, ((level1, level2, text), point, score) in enumerate(zip(slots, points, scores), 1):
        files["self_evaluation_indicators.csv"].row({
            **common, "序号": number, "顺序": order, "一级指标": level1, "二级指标": level2, "三级指标": f"{level2}完成情况",
            "指标性质": "", "年度指标值": text, "度量单位": "", "实际完成值": "" if blank else "已完成",
            "分值": str(point), "得分": "" if blank else str(score), "偏差原因分析及改进措施": ""})
