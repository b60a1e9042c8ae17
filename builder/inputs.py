"""Read and check every CSV of data/: departments.csv, then each year folder's files (contract.yml lists them)."""
import re
from pathlib import Path

from . import contract
from .cells import check_cells, find_duplicates
from .links import check_links
from .problems import InputErrors, Problem
from .read import read_csv

DEPARTMENTS_FILE = "departments.csv"


def year_folders(data_dir):
    return sorted(p for p in Path(data_dir).iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name))


def read_departments(data_dir, problems, notices):
    path = Path(data_dir) / DEPARTMENTS_FILE
    rows = read_csv(path, DEPARTMENTS_FILE, str(path), problems, notices)
    check_cells(rows, DEPARTMENTS_FILE, None, None, problems, notices)
    for key in contract.inputs()[DEPARTMENTS_FILE].get("unique", []):
        find_duplicates(rows, key, problems)
    return {r.values["部门"]: r.values for r in rows}


def read_year(year_dir, departments, problems, notices):
    year = year_dir.name
    files = {}
    for name, spec in contract.year_files().items():
        rows = read_csv(year_dir / name, name, str(year_dir / name), problems, notices)
        check_cells(rows, name, year, departments, problems, notices)
        for key in spec.get("unique", []):
            find_duplicates(rows, key, problems)
        files[name] = rows
    for extra in sorted(year_dir.glob("*.csv")):
        if extra.name not in files:
            problems.append(Problem(str(extra), 0, "", "未知的文件名。应为：" + "、".join(files) + "。",
                                    "Unknown file name. Expected one of: " + ", ".join(files) + "."))
    if files["form1_special_funds.csv"] and files["form3_department_budget.csv"]:
        check_links(files, problems)  # without them every link would be reported missing
    return files


def read_input(data_dir):
    """Read and check every CSV. Returns (year_rows {year: {file: [Row]}}, departments, notices); raises
    InputErrors with every problem found."""
    problems, notices = [], []
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputErrors([Problem(str(data_dir), 0, "", "没有这个文件夹。", "No such folder.")])
    departments = read_departments(data_dir, problems, notices)
    year_dirs = year_folders(data_dir)
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder not in year_dirs:
            problems.append(Problem(str(folder), 0, "", f"文件夹名须为四位数的年份（例如 2020）；“{folder.name}”中的文件不会被读取。"
                                    "请把文件夹改名为年份。", f"A folder in data/ must be named with the four-digit year "
                                    f"(e.g. 2020); the files in '{folder.name}' would not be read. Rename it."))
    if not year_dirs:
        problems.append(Problem(str(data_dir), 0, "", "没有年度文件夹（例如 data/2019/）。", "No year folders (such as data/2019/)."))
    year_rows = {year_dir.name: read_year(year_dir, departments, problems, notices) for year_dir in year_dirs}
    if problems:
        raise InputErrors(problems)
    return year_rows, departments, notices
