"""Whose forms, for which year: the year from the titles, the department from the 编制单位 row.

The 编制单位 (the department's full name, 全称) is looked up in data/departments.csv; its short name (部门) is
what the CSVs of data/<year>/ hold. Form 3 names the department itself (部门名称), which must agree.
"""
import csv
import io
import re
from pathlib import Path

from . import spec
from .document import ImportFailed, Origin, Problem

DEPARTMENTS = "departments.csv"
DEPARTMENT_CODE_PLACEHOLDER = "英文编码"
# A document kept in the source folder: source/<年度>/<部门编码>.<格式> (a file anywhere else is not checked).
FILED_AS = re.compile(r"(?:^|/)source/(\d{4})/([a-z0-9-]+)\.[A-Za-z]+$")


def read_departments(data_dir):
    path = Path(data_dir) / DEPARTMENTS
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ImportFailed([Problem(Origin(str(path)), "找不到部门登记表。请检查 --data 指向的文件夹。",
                                    "The department list is missing. Check the folder given with --data.")])
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFailed([Problem(Origin(str(path)), f"无法读取部门登记表（{error}）。请另存为 CSV UTF-8。",
                                    f"Cannot read the department list ({error}). Save it as CSV UTF-8.")])
    return list(csv.DictReader(io.StringIO(text, newline="")))


def headings(forms, problems):
    """{kind: (编制单位, 计量单位, 标题行原文)} for the forms that have the 编制单位…单位 row (forms 1 and 2 must)."""
    found = {}
    for kind, data in forms.items():
        row = data.form.unit_row
        if row is None:
            if kind in spec.TABLE_FILES:
                problems.append(Problem(data.form.title.origin, f"{spec.NAMES[kind]}的表名下面缺少编制单位和“单位：万元”这一行。",
                                        f"{spec.NAMES_EN[kind]} lacks the 编制单位 … 单位：万元 row under its title."))
            continue
        match = spec.UNIT_ROW.match(row.text)
        org, unit = (match["org"], match["unit"]) if match else (row.text.strip(), "")
        # Amounts of forms 1 and 2 are bare numbers, so their unit must be stated; form 3 writes 万元 in its cells.
        if not org or (unit or kind in spec.TABLE_FILES) and spec.normalise(unit).partition(":")[2] != spec.UNIT_WAN:
            problems.append(Problem(row.origin, f"这一行应是“编制单位 … 单位：万元”，读到的是“{row.text.strip()}”。"
                                    "金额须以万元为单位。", f"This row must be '<编制单位> … 单位：万元' but reads "
                                    f"'{row.text.strip()}'. Amounts must be in 万元."))
            continue
        found[kind] = (org, unit, row.text)
    return found


def year_of(forms, problems):
    """The year in the titles of forms 1 and 2 (form 3's title has none, or the same)."""
    years = {}
    for kind, data in forms.items():
        match = spec.YEAR_IN_TITLE.match(data.form.title.text)
        if match:
            years[kind] = match[1]
        elif kind in spec.TABLE_FILES:
            problems.append(Problem(data.form.title.origin, f"表名“{data.form.title.text}”没有以年度开头（如“2019年”）。",
                                    f"The title '{data.form.title.text}' does not start with the year (e.g. 2019年)."))
    if len(set(years.values())) > 1:
        for kind, year in years.items():
            problems.append(Problem(forms[kind].form.title.origin, f"各表的年度不一致：{spec.NAMES[kind]}是{year}年。",
                                    f"The forms disagree on the year: {spec.NAMES_EN[kind]} says {year}."))
        return None
    return next(iter(years.values()), None)


def department_of(forms, found_headings, departments, problems):
    """The department's row of departments.csv, from the 编制单位 of forms 1 and 2; None after a problem."""
    orgs = {kind: found_headings[kind][0] for kind in (1, 2, 3) if kind in found_headings}
    if not orgs:
        return None
    if len(set(orgs.values())) > 1:
        named = "、".join(f"{spec.NAMES[kind]}“{org}”" for kind, org in orgs.items())
        named_en = ", ".join(f"{spec.NAMES_EN[kind]} '{org}'" for kind, org in orgs.items())
        problems.append(Problem(forms[max(orgs)].form.unit_row.origin, f"各表的编制单位不同：{named}。",
                                f"The forms name different departments: {named_en}."))
        return None
    org = orgs[min(orgs)]
    named = forms[3].records[0]["部门名称"]
    match = next((d for d in departments if d.get("全称") == org), None) or \
        next((d for d in departments if d.get("部门") == org), None)
    if match is None:
        short = named.text.strip() or org
        line = io.StringIO()
        csv.writer(line, lineterminator="").writerow([short, DEPARTMENT_CODE_PLACEHOLDER, org, ""])
        origin = forms[min(orgs)].form.unit_row.origin
        problems.append(Problem(origin, f"编制单位“{org}”不在 {DEPARTMENTS} 的“全称”列中。请在 {DEPARTMENTS} 末尾加上这一行，"
                                f"并把“{DEPARTMENT_CODE_PLACEHOLDER}”换成小写字母、数字和连字符组成的部门编码"
                                f"（如 shifeng-minzheng）：\n    {line.getvalue()}",
                                f"The 编制单位 '{org}' is not in the 全称 column of {DEPARTMENTS}. Add this line at its "
                                f"end, with {DEPARTMENT_CODE_PLACEHOLDER} replaced by a code of lower-case letters, "
                                f"digits and hyphens (such as shifeng-minzheng):\n    {line.getvalue()}"))
        return None
    if spec.normalise(named.text) not in (spec.normalise(match["部门"]), spec.normalise(match["全称"])):
        problems.append(Problem(named.origin, f"表3的部门名称“{named.text}”与表1、表2的编制单位“{org}”"
                                f"（{match['部门']}）不一致。", f"Form 3 names the department '{named.text}', but "
                                f"forms 1 and 2 were drawn up by '{org}' ({match['部门']})."))
        return None
    return match


def check_filed_as(source, year, department, problems):
    """A document kept as source/<年度>/<部门编码>.<格式> must be that year's document of that department: the
    site links every figure to the document filed under its year and department code."""
    filed = FILED_AS.search(Path(source).as_posix())
    if filed and (filed[1], filed[2]) != (year, department["部门编码"]):
        expected = f"{year}/{department['部门编码']}{Path(source).suffix}"
        problems.append(Problem(Origin(str(source)), f"文件名与内容不符：这是{department['部门']}{year}年的表格，"
                                f"应保存为 source/{expected}。请移动或改名后再导入。", f"The file name does not match "
                                f"its content: these are the forms of {department['部门']} for {year}, to be kept as "
                                f"source/{expected}. Move or rename it, then import it."))


def identify(forms, data_dir, source=""):
    """(year, department short name, headings); ImportFailed if any of them cannot be established."""
    problems = []
    departments = read_departments(data_dir)
    found = headings(forms, problems)
    year = year_of(forms, problems)
    department = department_of(forms, found, departments, problems)
    if year and department:
        check_filed_as(source, year, department, problems)
    if problems:
        raise ImportFailed(problems)
    return year, department["部门"], found
