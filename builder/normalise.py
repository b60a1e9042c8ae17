"""From checked rows to the tables of contract.yml: columns copied or read as its `from`/`read` say; ids and
links (the columns without `from`) computed here. Ids are stable text: 2019-shifeng-minzheng-03.

One input row at a time (the build streams every file): a year's files come in contract order, so a fund's form-1
row is seen before its form-2 rows. Records are tuples in the contract's column order (the order of the database
and of the downloads); `as_dict` names their columns.
"""
from collections import Counter

from . import contract
from .amounts import parse_amount


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


def verbatim(rule):
    """A column that cell() copies as it is: text, no read rule."""
    return rule.get("type") == "text" and not rule.get("read")


def source_tables():
    """The tables filled from input files (the others are derived), in contract order."""
    return [table for table, spec in contract.outputs().items() if not spec.get("derived")]


def columns(table):
    return list(contract.outputs()[table]["columns"])


def as_dict(table, record):
    return dict(zip(columns(table), record))


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
                         "form3_department_expenditures.csv": self.department_expenditures, "notes.csv": self.note}

    def record(self, table, values, **computed):
        return tuple([computed.get(column) if source is None else values[source] if rule is None
                      else cell(values[source], rule) for column, source, rule in self.plans[table]])

    def department_records(self):
        return [("departments", self.departments[name]["部门编码"], self.record("departments", self.departments[name]))
                for name in sorted(self.departments)]

    def start_year(self, year):
        self.year = year
        self.fund_ids = {}  # (部门, 专项名称) -> id: form 2 names its fund
        self.directions_per_fund = Counter()

    def records(self, file_name, values, wanted=None):
        """[(table, id, record)] for one row of file_name; with wanted (a set of (table, id)), only those records
        are built (the ids and the state the next rows need are kept either way)."""
        return self.handlers[file_name](values, wanted)

    def prefix(self, department):
        return f"{self.year}-{self.departments[department]['部门编码']}"

    def one(self, table, row_id, values, wanted, **computed):
        if wanted is not None and (table, row_id) not in wanted:
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
        return self.one("special_funds", fund_id, v, wanted)

    def expenditure_directions(self, v, wanted):
        fund_id = self.fund_ids[(v["部门"], v["所属专项名称"])]
        self.directions_per_fund[fund_id] += 1
        direction_id = f"{fund_id}-{self.directions_per_fund[fund_id]}"
        found = self.one("expenditure_directions", direction_id, v, wanted, 专项_id=fund_id)
        for slot, (level1, level2) in self.slots:
            found += self.one("performance_indicators", f"{direction_id}-{slot}", v, wanted, 支出方向_id=direction_id,
                              专项_id=fund_id, 指标序号=slot, 一级指标=level1, 二级指标=level2,
                              指标值=v[level2] if v[level2].strip() else None)
        return found

    def department_budget(self, v, wanted):
        return self.one("department_budgets", self.prefix(v["部门名称"]), v, wanted)

    def department_expenditures(self, v, wanted):
        return self.one("department_expenditures", f"{self.prefix(v['部门'])}-{int(v['序号']):02d}", v, wanted,
                        部门预算_id=self.prefix(v["部门"]))

    def note(self, v, wanted):
        self.notes += 1
        return self.one("notes", f"{self.year}-{self.notes:04d}", v, wanted)
