"""Import a self-evaluation (项目支出绩效自评表): year and department from the content, rows per the interface of
issue 22, the document filed under source/<year>/<部门编码>/<its name>, and data/<year>/self_evaluations.csv,
self_evaluation_amounts.csv and self_evaluation_indicators.csv written — all or nothing.

The filing, the numbering and the all-or-nothing writing are those of the target table (standard_import.py): 序号
continues after the self-evaluations the department already has that year (its own numbering, independent of
projects.csv and form 1); the same document again needs --force and replaces its rows.
"""
import csv
import io
from pathlib import Path

from . import selfeval_spec as spec
from .document import ImportFailed, Problem
from .identity import read_departments
from .standard_import import department_of, file_document, title_lines, year_of


def draft(evaluations, year, department, document, numbers):
    """{file: [row]} for these self-evaluations numbered with `numbers` (one 序号 per project)."""
    rows = {name: [] for name in spec.FILES}
    for evaluation, number in zip(evaluations, numbers):
        fields = dict(evaluation.fields, 年度=year, 部门=department, 序号=str(number), 原始文件=document)
        rows["self_evaluations.csv"].append([fields.get(column, "") for column in spec.COLUMNS["self_evaluations.csv"]])
        for amount in evaluation.amounts:
            rows["self_evaluation_amounts.csv"].append([year, department, str(number), *amount])
        for indicator in evaluation.indicators:
            values = dict(indicator, 年度=year, 部门=department, 序号=str(number))
            rows["self_evaluation_indicators.csv"].append(
                [values.get(column, "") for column in spec.COLUMNS["self_evaluation_indicators.csv"]])
    return rows


def import_selfeval(path, evaluations, blocks, data_dir, source_dir, force=False):
    """(year, department short name, projects, indicator rows, paths written); ImportFailed with every problem."""
    problems = []
    departments = read_departments(data_dir)
    department = department_of(evaluations, departments, title_lines(blocks), str(path), problems, field="主管部门")
    year = year_of(evaluations, str(path), problems)
    if not problems:
        check_year(evaluations, year, department["部门"], data_dir, problems)
    if problems:
        raise ImportFailed(problems)
    files = {name: spec.COLUMNS[name] for name in spec.FILES}
    written = file_document(path, year, department, data_dir, source_dir, force, len(evaluations),
                            lambda document, numbers: draft(evaluations, year, department["部门"], document, numbers),
                            files)
    return year, department["部门"], len(evaluations), sum(len(e.indicators) for e in evaluations), written


# The department's targets in data/: the file of each layout and its column naming the fund
TARGETS = (("form1_special_funds.csv", "专项支出名称"), ("projects.csv", "项目名称"))


def target_names(data_dir, department):
    """{year: names of the department's funds and projects} over the years of data/."""
    names = {}
    for year_dir in sorted(Path(data_dir).iterdir()):
        for file, column in TARGETS:
            path = year_dir / file
            if year_dir.is_dir() and path.is_file():
                text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
                for row in csv.DictReader(io.StringIO(text)):
                    if row.get("部门") == department:
                        names.setdefault(year_dir.name, set()).add(row.get(column) or "")
    return names


def check_year(evaluations, year, department, data_dir, problems):
    """A wrong year on the form (（2091年度） for 2019) would file the results under a year without their targets:
    when the department has no targets in that year but its projects are funds of another year, stop and say so.
    A year whose targets are not imported yet is refused too: import them first, then the results link to them."""
    names = target_names(data_dir, department)
    if year in names:
        return
    projects = [e.fields.get("项目名称", "") for e in evaluations]
    other = sorted(y for y, funds in names.items() if funds & set(projects))
    if other:
        problems.append(Problem(evaluations[0].origin,
                                f"自评表上的年度是{year}年，但{department}没有{year}年的目标表；表上的项目"
                                f"（{'、'.join(p for p in projects if any(p in names[y] for y in other))}）"
                                f"是{'、'.join(other)}年的专项。"
                                f"请核对表上的年度（如“（{other[-1]}年度）”）；年度无误时，请先导入{year}年的目标表。",
                                f"The form says {year}, but {department} has no targets for {year}; its projects are "
                                f"funds of {', '.join(other)}. Check the year on the form (e.g. （{other[-1]}年度）); if it is "
                                f"right, import the {year} targets first."))
