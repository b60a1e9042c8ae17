"""From checked rows to the tables of contract.yml: columns copied or read as its `from`/`read` say; ids and
links (the columns without `from`) computed here. Ids are stable text: 2019-shifeng-minzheng-03."""
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


def copied(table, values):
    """The columns of `table` that come straight from an input row."""
    return {column: cell(values[rule["from"]], rule)
            for column, rule in contract.outputs()[table]["columns"].items() if "from" in rule}


def ordered(table, record):
    """record's columns in the contract's order (the order of the database and of the downloads)."""
    return {column: record.get(column) for column in contract.outputs()[table]["columns"]}


def build_tables(year_rows, departments):
    """year_rows: {year: {file name: [Row]}} -> {table: [dict]}; assumes the input has been checked."""
    tables = {table: [] for table, spec in contract.outputs().items() if not spec.get("derived")}
    for name in sorted(departments):
        tables["departments"].append(ordered("departments", copied("departments", departments[name])))
    for year, files in sorted(year_rows.items()):
        add_year(tables, year, files, departments)
    return tables


def add_year(tables, year, files, departments):
    def prefix(department):
        return f"{year}-{departments[department]['部门编码']}"

    def add(table, values, **computed):
        tables[table].append(ordered(table, {**copied(table, values), **computed}))

    for row in files["forms.csv"]:
        v = row.values
        add("forms", v, id=f"{prefix(v['部门'])}-{int(v['表号'])}")
    for row in files["form_layout.csv"]:
        v = row.values
        form = f"{prefix(v['部门'])}-{int(v['表号'])}"
        add("form_layout", v, id=f"{form}-{int(v['行'])}-{int(v['列'])}", 表_id=form)
    fund_ids = {}
    for row in files["form1_special_funds.csv"]:
        v = row.values
        fund_id = f"{prefix(v['部门'])}-{int(v['序号']):02d}"
        fund_ids[(v["部门"], v["专项支出名称"])] = fund_id
        add("special_funds", v, id=fund_id)
    directions_per_fund = Counter()
    for row in files["form2_expenditure_directions.csv"]:
        v = row.values
        fund_id = fund_ids[(v["部门"], v["所属专项名称"])]
        directions_per_fund[fund_id] += 1
        direction_id = f"{fund_id}-{directions_per_fund[fund_id]}"
        add("expenditure_directions", v, id=direction_id, 专项_id=fund_id)
        for slot, (level1, level2) in enumerate(contract.indicator_slots(), 1):
            add("performance_indicators", v, id=f"{direction_id}-{slot}", 支出方向_id=direction_id, 专项_id=fund_id,
                指标序号=slot, 一级指标=level1, 二级指标=level2, 指标值=v[level2] if v[level2].strip() else None)
    for row in files["form3_department_budget.csv"]:
        add("department_budgets", row.values, id=prefix(row.values["部门名称"]))
    for row in files["form3_department_expenditures.csv"]:
        v = row.values
        add("department_expenditures", v, id=f"{prefix(v['部门'])}-{int(v['序号']):02d}", 部门预算_id=prefix(v["部门"]))
    for row in files["notes.csv"]:
        add("notes", row.values, id=f"{year}-{len(tables['notes']) + 1:04d}")
