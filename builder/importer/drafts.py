"""From the fields found in the forms to the rows of the seven CSVs of data/<year>/.

Cells are copied verbatim; the only text the importer makes itself is 年度, 部门 (the short name from
data/departments.csv) and the split of form 3's 产出指标 into its spending categories.
"""
import re

from .. import contract
from budgetlib.amounts import parse_amount
from .document import Problem

# The files of data/<year>/ this layout writes and their columns, in file order, as contract.yml declares them:
# the three forms' files and the files of no layout (notes.csv).
THREE_FORMS = "三表"
COLUMNS = {name: contract.columns_of(name) for name, spec in contract.year_files().items()
           if spec.get("layout") in (None, THREE_FORMS)}
# The column that names the department in each file (form 3's own form says 部门名称).
DEPARTMENT_COLUMN = {name: contract.department_column(name) for name in COLUMNS}
AMOUNT_COLUMNS = {name: contract.columns_of(name, "amount") for name in COLUMNS}
REQUIRED_AMOUNTS = {c for name in COLUMNS for c in contract.required(name) if c in AMOUNT_COLUMNS[name]}
WHOLE_NUMBER_COLUMNS = {"form1_special_funds.csv": ["序号"]}  # the importer writes the others itself

# One spending category of form 3's 产出指标: "抚恤支出249.87万元".
CATEGORY = re.compile(r"^(?P<name>\D+?)\s*(?P<amount>\d+(?:\.\d+)?)\s*万元$")


def is_amount(text):
    """The build's own amount rule (budgetlib/amounts.py): digits in 万元, at most 4 decimals, optional 万元 and commas."""
    try:
        parse_amount(text)
        return True
    except ValueError:
        return False


def check_values(file, record, problems):
    """record: column -> Cell. Adds a problem for each amount or whole number that is not one."""
    for column in AMOUNT_COLUMNS.get(file, []):
        cell = record[column]
        if not cell.text.strip():
            if column in REQUIRED_AMOUNTS:
                problems.append(Problem(cell.origin, f"“{column}”是空的。请填写金额（万元）。",
                                        f"{column} is empty. It needs an amount in 万元."))
        elif not is_amount(cell.text):
            problems.append(Problem(cell.origin, f"“{column}”的“{cell.text}”不是金额：应为万元数，例如 90 或 249.87（最多4位小数）。",
                                    f"{column} '{cell.text}' is not an amount: it must be a number in 万元 such as 90 "
                                    "or 249.87 (at most 4 decimals)."))
    for column in WHOLE_NUMBER_COLUMNS.get(file, []):
        cell = record[column]
        if not cell.text.strip().isdigit():
            problems.append(Problem(cell.origin, f"“{column}”的“{cell.text}”不是正整数。",
                                    f"{column} '{cell.text}' is not a whole number."))


def split_categories(cell, problems):
    """Form 3's 产出指标 "民政管理事务支出839万元；抚恤支出249.87万元；…。" -> [(支出类别, 金额, 原文)].

    原文 is the verbatim excerpt of each category. A text with no "<category><amount>万元" part at all is prose,
    not a breakdown: no categories. A text that mixes both cannot be split safely and is reported."""
    parts = [part.strip().rstrip("。.").strip() for part in re.split(r"[；;]", cell.text)]
    parts = [part for part in parts if part]
    found = [CATEGORY.match(part) for part in parts]
    if not any(found):
        return []
    for part, match in zip(parts, found):
        if not match:
            problems.append(Problem(cell.origin, f"产出指标中的“{part}”不是“支出类别+金额+万元”的形式，无法拆分成支出类别。",
                                    f"The part '{part}' of 产出指标 is not '<category><amount>万元', so the "
                                    "categories cannot be split."))
    return [(m["name"], m["amount"], part) for part, m in zip(parts, found) if m]


def draft_rows(forms, year, department, headings, problems):
    """All rows this document gives, per file: {file: [[cell, …]]} (notes.csv: none).

    forms: {kind: FormData}; headings: {kind: (编制单位, 计量单位, 标题行原文)}; department: the short name."""
    rows = {name: [] for name in COLUMNS}
    for kind in (1, 2, 3):
        data = forms[kind]
        org, unit, row_text = headings.get(kind, ("", "", ""))
        rows["forms.csv"].append([year, department, str(kind), data.form.title.text, org, unit, row_text])
        for position in data.layout:
            rows["form_layout.csv"].append([year, department, str(kind), *map(str, position[:4]), *position[4:]])
    for kind, file in ((1, "form1_special_funds.csv"), (2, "form2_expenditure_directions.csv")):
        for record in forms[kind].records:
            check_values(file, record, problems)
            rows[file].append([year, department] + [record[column].text for column in COLUMNS[file][2:]])
    budget = forms[3].records[0]
    check_values("form3_department_budget.csv", budget, problems)
    rows["form3_department_budget.csv"].append(
        [year, department] + [budget[column].text for column in COLUMNS["form3_department_budget.csv"][2:]])
    for number, (name, amount, excerpt) in enumerate(split_categories(budget["产出指标"], problems), 1):
        rows["form3_department_expenditures.csv"].append([year, department, str(number), name, amount, excerpt])
    return rows
