"""From the fields found in the forms to the rows of the seven CSVs of data/<year>/.

Cells are copied verbatim; the only text the importer makes itself is 年度, 部门 (the short name from
data/departments.csv) and the split of form 3's 产出指标 into its spending categories.
"""
import re
import unicodedata

from .document import Problem

# The columns of every file in data/<year>/, in file order (as data/2019/).
COLUMNS = {
    "forms.csv": ["年度", "部门", "表号", "表名", "编制单位", "计量单位", "标题行原文"],
    "form_layout.csv": ["年度", "部门", "表号", "行", "列", "跨行", "跨列", "原文", "字段"],
    "form1_special_funds.csv": ["年度", "部门", "序号", "专项支出名称", "支出方向", "资金总额", "实施期绩效目标",
                                "年度绩效目标"],
    "form2_expenditure_directions.csv": [
        "年度", "部门", "主管部门", "支出方向", "所属专项名称", "专项实施期", "支出方向年度金额", "实施期绩效目标",
        "年度绩效目标", "数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
        "可持续影响指标", "社会公益或服务对象满意度指标"],
    "form3_department_budget.csv": ["年度", "部门名称", "资金总额", "基本支出", "项目支出", "整体绩效目标", "产出指标",
                                    "效益指标", "业务股室意见", "绩效股意见"],
    "form3_department_expenditures.csv": ["年度", "部门", "序号", "支出类别", "金额", "原文"],
    "notes.csv": ["年度", "部门", "表", "记录_id", "列", "原文摘录", "说明"],
}
# The column that names the department in each file (form 3's own form says 部门名称).
DEPARTMENT_COLUMN = {name: "部门名称" if name == "form3_department_budget.csv" else "部门" for name in COLUMNS}
AMOUNT_COLUMNS = {  # amounts in 万元: a number, optionally followed by 万元 (form 3 writes it in the cell)
    "form1_special_funds.csv": ["资金总额"],
    "form2_expenditure_directions.csv": ["支出方向年度金额"],
    "form3_department_budget.csv": ["资金总额", "基本支出", "项目支出"],
}
REQUIRED_AMOUNTS = {"资金总额", "支出方向年度金额"}
WHOLE_NUMBER_COLUMNS = {"form1_special_funds.csv": ["序号"]}

AMOUNT = re.compile(r"^\d+(\.\d{1,4})?$")
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
# One spending category of form 3's 产出指标: "抚恤支出249.87万元".
CATEGORY = re.compile(r"^(?P<name>\D+?)\s*(?P<amount>\d+(?:\.\d+)?)\s*万元$")


def is_amount(text):
    """The rule build_db.py applies to amount cells: digits in 万元, at most 4 decimals, optional 万元 and commas."""
    value = unicodedata.normalize("NFKC", text).replace(" ", "").strip().removesuffix("万元")
    if THOUSANDS.match(value):
        value = value.replace(",", "")
    return bool(AMOUNT.match(value))


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
