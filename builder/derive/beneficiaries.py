"""beneficiary_estimates: a direction's annual amount per beneficiary — only where that is an honest estimate."""
from decimal import Decimal

from .indicators import unparsed_numbers

# A head count is the direction's beneficiaries only when its 数量指标 says one number of people and nothing else:
# "3500人" is; "两项补贴各2000人" (each of two subsidies), "2000名失能半失能老人、100名护理人员、200张床位…" (several
# counts) and "36个社区" (not people) are not, and dividing the direction's money by them would mislead.
PEOPLE_UNITS = ("人", "名", "户")


def beneficiary_rows(directions, indicators, values):
    """beneficiary_estimates rows: a direction's annual amount divided by its one head count, marked an estimate."""
    values_of, count_cell = {}, {}
    for value in values:
        values_of.setdefault(value["指标_id"], []).append(value)
    for indicator in indicators:
        if indicator["二级指标"] == "数量指标":
            count_cell[indicator["支出方向_id"]] = indicator
    rows = []
    for direction in directions:
        cell = count_cell.get(direction["id"])
        found = values_of.get(cell["id"], []) if cell else []
        if len(found) != 1 or unparsed_numbers(cell["指标值"]):
            continue
        count = found[0]
        if count["类型"] != "数量" or count["单位"] not in PEOPLE_UNITS or count["限定"] or not count["数值"].isdigit():
            continue
        heads = int(count["数值"])
        if heads == 0 or direction["年度金额_元"] is None:
            continue
        rows.append({
            "id": direction["id"], "支出方向_id": direction["id"], "专项_id": direction["专项_id"],
            "年度": direction["年度"], "部门": direction["部门"], "指标_id": cell["id"], "原文片段": count["原文片段"],
            "受益数量": heads, "单位": count["单位"], "年度金额_元": direction["年度金额_元"],
            "估算_每单位每年_元": int((Decimal(direction["年度金额_元"]) / heads).to_integral_value()),
            "说明": f"估算：支出方向年度金额除以数量指标“{count['原文片段']}”，假定全部用于这些{count['单位']}；"
                    "实际发放标准见成本指标。"})
    return rows
