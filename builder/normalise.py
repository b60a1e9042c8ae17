"""From checked rows to the tables of contract.yml: columns copied or read as its `from`/`read` say; ids and
links (the columns without `from`) computed here. Ids are stable text: 2019-shifeng-minzheng-03.

One input row at a time (the build streams every file): a year's files come in contract order, so a fund's form-1
row is seen before its form-2 rows. Records are tuples in the contract's column order (the order of the database
and of the downloads).
"""
from collections import Counter

from decimal import Decimal

from . import contract
from budgetlib.amounts import fen, parse_amount, yuan_from_fen
from budgetlib.results import as_real, data_or_none, is_template, number, rate


def cell(value, rule):
    """One output cell from its input text, by the column's declared type and read."""
    read = rule.get("read")
    if read == "万元":
        return float(parse_amount(value)) if value.strip() else None
    if read == "元":
        return int(parse_amount(value) * 10000) if value.strip() else None
    if read == "blank_is_null" and not value.strip():
        return None
    if rule["type"] == "integer":
        return int(value) if value.strip() else None
    return value


PERIOD_CODE = {"年度": "y", "中期": "m"}  # in ids: 2031-shili-jiaotong-01-y03 is the annual half's third row
PROJECT_FIELDS = ("主管部门及代码", "实施单位", "项目属性", "项目期", "中期目标标题", "原始文件")
INDICATOR_FIELDS = ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "分值")


def blank_is_null(value):
    return value if value.strip() else None


def template_cells(values, columns):
    """'列：原文' of the cells holding the template's instructions (not data), joined by '；'; None when there are none."""
    found = [f"{column}：{values[column]}" for column in columns if is_template(values[column])]
    return "；".join(found) or None


def unwanted(table, row_id, wanted):
    """The check pass asks only for the records editor's notes name (wanted): the others are not built, and the
    handlers that compute costly cells (numbers, amounts, template text) ask this before computing them."""
    return wanted is not None and (table, row_id) not in wanted


def wan_of_fen(amount_fen):
    """分 -> 万元 as a number (for display and filters; sums use the exact 分)."""
    return None if amount_fen is None else float(Decimal(amount_fen) / 1000000)


def verbatim(rule):
    """A column that cell() copies as it is: text, no read rule."""
    return rule.get("type") == "text" and not rule.get("read")


def source_tables():
    """The tables filled from input files (the others are derived), in contract order."""
    return [table for table, spec in contract.outputs().items() if not spec.get("derived")]


def columns(table):
    return list(contract.outputs()[table]["columns"])


class Normaliser:
    """Checked input rows -> output records. `records(file, values)` gives [(table, id, record)] for one row."""

    def __init__(self, departments, notes_before=0):
        self.departments = departments  # {部门: its departments.csv row}
        # Per table, per column: (column, input column or None, rule or None); a column without `from` is computed
        # below; a text column copied verbatim needs no rule.
        self.plans = {table: [(column, rule.get("from"), None if verbatim(rule) else rule)
                              for column, rule in contract.outputs()[table]["columns"].items()]
                      for table in source_tables()}
        self.slots = list(enumerate(contract.indicator_slots(), 1))
        self.notes = notes_before  # notes are numbered across the years: 2019-0001, …
        self.handlers = {"forms.csv": self.forms, "form_layout.csv": self.form_layout,
                         "form1_special_funds.csv": self.special_funds,
                         "form2_expenditure_directions.csv": self.expenditure_directions,
                         "form3_department_budget.csv": self.department_budget,
                         "form3_department_expenditures.csv": self.department_expenditures, "notes.csv": self.note,
                         "projects.csv": self.project, "project_funding.csv": self.project_funding,
                         "project_indicators.csv": self.project_indicator,
                         "self_evaluations.csv": self.self_evaluation,
                         "self_evaluation_amounts.csv": self.self_evaluation_amount,
                         "self_evaluation_indicators.csv": self.self_evaluation_indicator}

    def record(self, table, values, **computed):
        """A computed value wins over the column's `from` (a standard-layout row fills form 1's columns itself)."""
        return tuple([computed[column] if column in computed else None if source is None
                      else values[source] if rule is None else cell(values[source], rule)
                      for column, source, rule in self.plans[table]])

    def department_records(self):
        return [("departments", self.departments[name]["部门编码"], self.record("departments", self.departments[name]))
                for name in sorted(self.departments)]

    def start_year(self, year):
        self.year = year
        self.fund_ids = {}  # (部门, 专项名称) -> id: form 2 names its fund
        self.directions_per_fund = Counter()
        self.projects = {}  # (部门, 序号) -> (专项_id, 资金单位, 原始文件): the funding and indicator rows name their project
        self.evaluations = {}  # (部门, 序号) -> (自评_id, 资金单位): a self-evaluation's amount and indicator rows

    def records(self, file_name, values, wanted=None):
        """[(table, id, record)] for one row of file_name; with wanted (a set of (table, id)), only those records
        are built (the ids and the state the next rows need are kept either way)."""
        return self.handlers[file_name](values, wanted)

    def prefix(self, department):
        return f"{self.year}-{self.departments[department]['部门编码']}"

    def one(self, table, row_id, values, wanted, **computed):
        if unwanted(table, row_id, wanted):
            return []
        return [(table, row_id, self.record(table, values, id=row_id, **computed))]

    def forms(self, v, wanted):
        return self.one("forms", f"{self.prefix(v['部门'])}-{int(v['表号'])}", v, wanted)

    def form_layout(self, v, wanted):
        form = f"{self.prefix(v['部门'])}-{int(v['表号'])}"
        return self.one("form_layout", f"{form}-{int(v['行'])}-{int(v['列'])}", v, wanted, 表_id=form)

    def special_funds(self, v, wanted):
        fund_id = f"{self.prefix(v['部门'])}-{int(v['序号']):02d}"
        self.fund_ids[(v["部门"], v["专项支出名称"])] = fund_id
        if unwanted("special_funds", fund_id, wanted):
            return []
        amount_yuan = cell(v["资金总额"], {"read": "元"})
        return self.one("special_funds", fund_id, v, wanted, 版式="三表",
                        资金总额_分=None if amount_yuan is None else amount_yuan * 100)

    def expenditure_directions(self, v, wanted):
        fund_id = self.fund_ids[(v["部门"], v["所属专项名称"])]
        self.directions_per_fund[fund_id] += 1
        direction_id = f"{fund_id}-{self.directions_per_fund[fund_id]}"
        found = self.one("expenditure_directions", direction_id, v, wanted, 专项_id=fund_id)
        for slot, (level1, level2) in self.slots:
            found += self.one("performance_indicators", f"{direction_id}-{slot}", v, wanted, 支出方向_id=direction_id,
                              专项_id=fund_id, 指标序号=slot, 一级指标=level1, 二级指标=level2,
                              指标值=v[level2] if v[level2].strip() else None, 期别="年度", 顺序=slot)
        return found

    # The standard layout (项目支出绩效目标表): a project is a special_funds row; its funding split and indicators
    # come in the next two files. Cells verbatim; a blank cell is NULL; amounts also in exact 分 in the form's unit.

    def project(self, v, wanted):
        fund_id = f"{self.prefix(v['部门'])}-{int(v['序号']):02d}"
        unit = v["资金单位"]
        self.projects[(v["部门"], int(v["序号"]))] = (fund_id, unit, v["原始文件"])
        if unwanted("special_funds", fund_id, wanted):
            return []
        annual, mid_term = fen(v["年度资金总额"], unit), fen(v["中期资金总额"], unit)
        return self.one("special_funds", fund_id, v, wanted, 专项名称=v["项目名称"], 支出方向=None,
                        资金总额_原文=blank_is_null(v["年度资金总额"]), 资金总额_万元=wan_of_fen(annual),
                        资金总额_元=yuan_from_fen(annual), 资金总额_分=annual,
                        实施期绩效目标=blank_is_null(v["中期目标"]), 年度绩效目标=blank_is_null(v["年度目标"]),
                        版式="标准", 资金单位=unit, 中期资金总额_原文=blank_is_null(v["中期资金总额"]),
                        中期资金总额_分=mid_term, **{column: blank_is_null(v[column]) for column in PROJECT_FIELDS})

    def project_funding(self, v, wanted):
        fund_id, unit, _ = self.projects[(v["部门"], int(v["序号"]))]
        row_id = f"{fund_id}-{PERIOD_CODE[v['期别']]}{int(v['顺序'])}"
        if unwanted("project_funding", row_id, wanted):
            return []
        amount = fen(v["金额"], unit)
        return self.one("project_funding", row_id, v, wanted,
                        专项_id=fund_id, 年度=int(v["年度"]), 部门=v["部门"], 期别=v["期别"], 顺序=int(v["顺序"]),
                        资金项目=v["资金项目"], 资金单位=unit, 金额_原文=blank_is_null(v["金额"]), 金额_分=amount,
                        金额_万元=wan_of_fen(amount))

    def project_indicator(self, v, wanted):
        fund_id, _, document = self.projects[(v["部门"], int(v["序号"]))]
        row_id = f"{fund_id}-{PERIOD_CODE[v['期别']]}{int(v['顺序']):02d}"
        return self.one("performance_indicators", row_id, v, wanted, 专项_id=fund_id, 期别=v["期别"],
                        顺序=int(v["顺序"]), 原始文件=document,
                        **{column: blank_is_null(v[column]) for column in INDICATOR_FIELDS})

    # Self-evaluations (项目支出绩效自评表): cells verbatim; blank cells and the template's instructions are NULL (the
    # instructions kept in 模板文字); scores and amounts also as numbers. 专项_id and 指标_id are linked later, per
    # department, once its targets are written (derive/results.py).

    def self_evaluation(self, v, wanted):
        row_id = f"{self.prefix(v['部门'])}-e{int(v['序号']):02d}"
        self.evaluations[(v["部门"], int(v["序号"]))] = (row_id, v["资金单位"])
        if unwanted("self_evaluations", row_id, wanted):
            return []
        score = number(v["得分"])
        return self.one("self_evaluations", row_id, v, wanted, 主管部门=blank_is_null(v["主管部门"]),
                        实施单位=blank_is_null(v["实施单位"]), 预期目标=data_or_none(v["预期目标"]),
                        实际完成情况=data_or_none(v["实际完成情况"]), 总分_原文=blank_is_null(v["总分"]),
                        总分=as_real(number(v["总分"])), 得分_原文=blank_is_null(v["得分"]), 得分=as_real(score),
                        评价等级=data_or_none(v["评价等级"]),
                        填报状态="未填报" if data_or_none(v["得分"]) is None else "已填报",
                        模板文字=template_cells(v, ("预期目标", "实际完成情况", "总分", "得分", "评价等级")))

    def self_evaluation_amount(self, v, wanted):
        evaluation_id, unit = self.evaluations[(v["部门"], int(v["序号"]))]
        row_id = f"{evaluation_id}-a{int(v['顺序'])}"
        if unwanted("self_evaluation_amounts", row_id, wanted):
            return []
        amounts = {}
        for column in ("年初预算数", "全年预算数", "全年执行数"):
            amounts[f"{column}_原文"], amounts[f"{column}_分"] = blank_is_null(v[column]), fen(v[column], unit)
        printed_rate = rate(v["执行率"])
        return self.one("self_evaluation_amounts", row_id, v, wanted,
                        自评_id=evaluation_id, 资金单位=unit, **amounts, 分值_原文=blank_is_null(v["分值"]),
                        分值=as_real(number(v["分值"])), 执行率_原文=blank_is_null(v["执行率"]),
                        执行率=None if printed_rate is None else float(printed_rate[0]),
                        得分_原文=blank_is_null(v["得分"]), 得分=as_real(number(v["得分"])))

    def self_evaluation_indicator(self, v, wanted):
        evaluation_id, _ = self.evaluations[(v["部门"], int(v["序号"]))]
        row_id = f"{evaluation_id}-i{int(v['顺序']):02d}"
        if unwanted("self_evaluation_indicators", row_id, wanted):
            return []
        return self.one("self_evaluation_indicators", row_id, v, wanted,
                        自评_id=evaluation_id, **{column: blank_is_null(v[column]) for column in
                                                 ("一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "度量单位")},
                        实际完成值=data_or_none(v["实际完成值"]), 分值_原文=blank_is_null(v["分值"]),
                        分值=as_real(number(v["分值"])), 得分_原文=blank_is_null(v["得分"]), 得分=as_real(number(v["得分"])),
                        偏差原因分析及改进措施=data_or_none(v["偏差原因分析及改进措施"]),
                        模板文字=template_cells(v, ("实际完成值", "得分", "偏差原因分析及改进措施")))

    def department_budget(self, v, wanted):
        return self.one("department_budgets", self.prefix(v["部门名称"]), v, wanted)

    def department_expenditures(self, v, wanted):
        return self.one("department_expenditures", f"{self.prefix(v['部门'])}-{int(v['序号']):02d}", v, wanted,
                        部门预算_id=self.prefix(v["部门"]))

    def note(self, v, wanted):
        self.notes += 1
        return self.one("notes", f"{self.year}-{self.notes:04d}", v, wanted)
