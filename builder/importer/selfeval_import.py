"""Import a self-evaluation (项目支出绩效自评表): year and department from the content, rows per the interface of
issue 22, the document filed under source/<year>/<部门编码>/<its name>, and data/<year>/self_evaluations.csv,
self_evaluation_amounts.csv and self_evaluation_indicators.csv written — all or nothing.

The filing, the numbering and the all-or-nothing writing are those of the target table (standard_import.py): 序号
continues after the self-evaluations the department already has that year (its own numbering, independent of
projects.csv and form 1); the same document again needs --force and replaces its rows.
"""
from . import selfeval_spec as spec
from .document import ImportFailed
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
    if problems:
        raise ImportFailed(problems)
    files = {name: spec.COLUMNS[name] for name in spec.FILES}
    written = file_document(path, year, department, data_dir, source_dir, force, len(evaluations),
                            lambda document, numbers: draft(evaluations, year, department["部门"], document, numbers),
                            files)
    return year, department["部门"], len(evaluations), sum(len(e.indicators) for e in evaluations), written
