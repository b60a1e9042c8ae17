"""The rows of indicator_values and target_quality (contract.yml), from the normalised tables of one year and
department: what indicators.py reads in each cell, laid out per quantity and per promise."""
from decimal import Decimal

from .indicators import is_empty, measurability, parsed, restates_fund, same_as_annual, unparsed_numbers


def text_or_none(number):
    return None if number is None else str(number)


def statement(indicator):
    """What an indicator states: its 指标值, or — where a standard form splits it into 指标性质 | 指标值 | 度量单位
    (≥ | 80 | %) — the three joined as read across the row (≥80%), so that 80 is read with its sign and unit."""
    parts = (indicator.get("指标性质"), indicator["指标值"], indicator.get("度量单位"))
    if not (parts[0] or parts[2]) or parts[1] is None:
        return indicator["指标值"]
    return "".join(part or "" for part in parts)


def value_rows(indicators):
    """indicator_values rows for performance_indicators rows (dicts)."""
    rows = []
    for indicator in indicators:
        for number, q in enumerate(parsed(statement(indicator)), 1):
            rows.append({
                "id": f"{indicator['id']}-{number}", "指标_id": indicator["id"], "专项_id": indicator["专项_id"],
                "支出方向_id": indicator["支出方向_id"], "年度": indicator["年度"], "部门": indicator["部门"],
                "二级指标": indicator["二级指标"], "序号": number, "类型": q.kind, "数值": text_or_none(q.value),
                "下限": text_or_none(q.low), "上限": text_or_none(q.high), "单位": q.unit, "周期": q.period,
                "每": q.per, "限定": q.qualifier,
                "数值_元": q.yuan(q.value) if isinstance(q.value, Decimal) else None,
                "下限_元": q.yuan(q.low), "上限_元": q.yuan(q.high),
                "原文片段": q.fragment, "起始位置": q.start, "说明": q.note})
    return rows


def promises(fund, directions, indicators_of):
    """A fund's promises in form order: (id, 来源, 字段, text, 支出方向_id, indicator row, annual target); indicators_of:
    支出方向_id (standard layout: 专项_id) -> its indicator rows. A standard project: 中期/年度目标, then its rows."""
    if fund["版式"] == "标准":
        yield f"{fund['id']}-t-period", "目标表", "实施期绩效目标", fund["实施期绩效目标"], None, None, fund["年度绩效目标"]
        yield f"{fund['id']}-t-annual", "目标表", "年度绩效目标", fund["年度绩效目标"], None, None, None
        for i in indicators_of.get(fund["id"], []):
            yield i["id"], "指标", i["三级指标"] or i["二级指标"], statement(i), None, i, None
        return
    yield f"{fund['id']}-t1-period", "表1", "实施期绩效目标", fund["实施期绩效目标"], None, None, fund["年度绩效目标"]
    yield f"{fund['id']}-t1-annual", "表1", "年度绩效目标", fund["年度绩效目标"], None, None, None
    for d in directions:
        yield f"{d['id']}-t2-period", "表2", "实施期绩效目标", d["实施期绩效目标"], d["id"], None, d["年度绩效目标"]
        yield f"{d['id']}-t2-annual", "表2", "年度绩效目标", d["年度绩效目标"], d["id"], None, None
        for i in indicators_of.get(d["id"], []):
            yield i["id"], "指标", i["二级指标"], i["指标值"], d["id"], i, None


def quality_rows(funds, directions, indicators):
    """target_quality rows: per fund its form-1 targets, then per direction its form-2 targets and nine slots."""
    directions_of, indicators_of = {}, {}  # grouped once, so the work grows linearly with the data
    for d in directions:
        directions_of.setdefault(d["专项_id"], []).append(d)
    for i in indicators:
        indicators_of.setdefault(i["支出方向_id"] or i["专项_id"], []).append(i)
    rows = []
    for fund in funds:
        for position, (row_id, source, field, text, direction_id, indicator, annual) in enumerate(
                promises(fund, directions_of.get(fund["id"], []), indicators_of), 1):
            measurable, basis = measurability(text)
            rows.append({
                "id": row_id, "年度": fund["年度"], "部门": fund["部门"], "专项_id": fund["id"],
                "支出方向_id": direction_id, "指标_id": indicator["id"] if indicator else None, "序号": position,
                "来源": source, "字段": field, "一级指标": indicator["一级指标"] if indicator else None,
                "原文": None if is_empty(text) else text, "可衡量": measurable, "衡量依据": basis,
                "未填写": int(is_empty(text)),
                # only a period target (实施期绩效目标) can repeat the annual one
                "与年度目标相同": None if field != "实施期绩效目标" else same_as_annual(text, annual),
                "仅复述专项": restates_fund(text, fund["专项名称"]),
                "未解析数字": "、".join(digits for digits, _ in unparsed_numbers(text)) or None})
    return rows


def indicator_tables(tables):
    """{indicator_values, target_quality: rows} from the normalised tables (lists of dicts)."""
    funds = sorted(tables["special_funds"], key=lambda f: (f["年度"], f["部门"], f["序号"]))
    directions = sorted(tables["expenditure_directions"], key=lambda d: d["id"])
    indicators = sorted(tables["performance_indicators"],  # form order; a standard project's mid-term half first
                        key=lambda i: (i["支出方向_id"] or "", i["专项_id"], i["期别"] != "中期", i["顺序"]))
    values = value_rows(indicators)
    return {"indicator_values": values, "target_quality": quality_rows(funds, directions, indicators)}
