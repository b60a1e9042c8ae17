"""Read and check every CSV of data/: departments.csv, then each year folder's files (contract.yml lists them).

The check pass streams each file once, row by row, so its memory does not grow with the data (only the keys that
must be unique and the names that links point at are kept). Every problem is found before anything is written;
the build then reads the files a second time to write them (`year_rows`), after making sure none has changed.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import contract
from .cells import CellChecks, Duplicates, check_cells, find_duplicates
from .derive.sources import Filed
from .links import YearLinks, check_notes
from .normalise import Normaliser, columns
from .problems import InputErrors, Problem
from .read import iter_rows, read_csv

DEPARTMENTS_FILE = "departments.csv"
# The files the others link to, per layout: while one of them has no rows, its links are not checked (the empty
# file is the problem reported).
LINK_TARGETS = ("form1_special_funds.csv", "form3_department_budget.csv", "projects.csv", "self_evaluations.csv")


@dataclass
class CheckedInput:
    """What the check pass found: the departments, the year folders, the notices, each file's size and time (so the
    writing pass can tell that the files are still the ones checked) and the problems of the editor's notes."""
    data_dir: Path
    departments: dict
    years: list
    notices: list
    stamps: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    notes_before: dict = field(default_factory=dict)  # year -> how many notes the earlier years have (their ids)
    filed: Filed = field(default_factory=Filed)  # what the rows say of the source documents (derive/sources.py)


def year_folders(data_dir):
    return sorted(p for p in Path(data_dir).iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name))


def stamp(path):
    status = path.stat() if path.exists() else None
    return (status.st_size, status.st_mtime_ns) if status else None


def read_departments(data_dir, problems, notices):
    path = Path(data_dir) / DEPARTMENTS_FILE
    rows = read_csv(path, DEPARTMENTS_FILE, str(path), problems, notices)
    check_cells(rows, DEPARTMENTS_FILE, None, None, problems, notices)
    for key in contract.inputs()[DEPARTMENTS_FILE].get("unique", []):
        find_duplicates(rows, key, problems)
    return {r.values["部门"]: r.values for r in rows}


def check_year(year_dir, departments, problems, notices, on_row=None, filed=None):
    """Check one year folder's files, streaming each once. on_row(file name, row) sees every row as long as no
    problem has been found anywhere."""
    year = year_dir.name
    counts = {}  # file name -> rows read
    links = YearLinks()
    files = contract.files_of_year(year_dir)
    for name, spec in files.items():
        path = year_dir / name
        cells = CellChecks(name, year, departments)
        duplicates = [Duplicates(key) for key in spec.get("unique", [])]
        # Reading problems go straight into `problems`; the cell, key and link problems of this file follow them,
        # in that order, once the file has been read.
        for row in iter_rows(path, name, str(path), problems, notices):
            cells.check(row)
            for keys in duplicates:
                keys.check(row)
            links.check(name, row)
            counts[name] = counts.get(name, 0) + 1
            if filed is not None and name in Filed.FILES:
                filed.see(name, row, spec.get("layout"))
            if on_row is not None and not (problems or cells.failed() or links.broken()
                                           or any(keys.problems for keys in duplicates)):
                on_row(name, row)
        cells.finish()
        problems.extend(cells.problems)
        notices.extend(cells.notices)
        for keys in duplicates:
            problems.extend(keys.problems)
    known = contract.all_year_files()
    for extra in sorted(year_dir.glob("*.csv")):
        if extra.name not in known:
            problems.append(Problem(str(extra), 0, "", "未知的文件名。应为：" + "、".join(known) + "。",
                                    "Unknown file name. Expected one of: " + ", ".join(known) + "."))
    targets = [name for name in LINK_TARGETS if name in files]
    if all(counts.get(name) for name in targets):
        problems.extend(links.problems())  # without their rows every link would be reported missing


def read_input(data_dir):
    """The check pass over every CSV. Returns CheckedInput (with the notes' problems, which the build reports with
    those of the source documents); raises InputErrors with every problem of the CSVs themselves."""
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
    stamps = {}
    notes = NotesCheck(year_dirs, departments)
    filed = Filed()
    for year_dir in year_dirs:
        stamps.update({year_dir / name: stamp(year_dir / name) for name in contract.files_of_year(year_dir)})
        notes.start_year(year_dir.name)
        check_year(year_dir, departments, problems, notices, on_row=notes.see, filed=filed)
    if problems:
        raise InputErrors(problems)
    notes.check(problems)  # reported together with the source documents' problems (build.py)
    return CheckedInput(data_dir, departments, year_dirs, notices, stamps, problems, notes.before(), filed)


class NotesCheck:
    """Editor's notes must quote a real cell of an output table. The notes are read first (they are few), so that
    while every other file streams past only the records they name are kept."""

    def __init__(self, year_dirs, departments):
        self.wanted, self.notes, self.records = set(), [], {}
        for year_dir in year_dirs:
            for row in iter_rows(year_dir / "notes.csv", "notes.csv", "", [], []):  # problems: reported in their turn
                self.wanted.add((row.values["表"], row.values["记录_id"]))
        self.normaliser = Normaliser(departments)
        self.counts = {}  # year -> its notes
        self.addressable = {table for table, spec in contract.outputs().items() if "id" in spec["columns"]}

    def start_year(self, year):
        self.normaliser.start_year(year)
        self.counts[year] = 0

    def see(self, file_name, row):
        if file_name == "notes.csv":
            self.notes.append(row)
            self.counts[self.normaliser.year] += 1
        for table, row_id, record in self.normaliser.records(file_name, row.values, self.wanted):
            if table in self.addressable:
                self.records[(table, row_id)] = dict(zip(columns(table), record))

    def check(self, problems):
        check_notes(self.notes, self.records, problems)

    def before(self):
        """year -> the number of notes in the years before it."""
        found, total = {}, 0
        for year, count in self.counts.items():
            found[year], total = total, total + count
        return found


def year_rows(checked, year_dir):
    """{file name: rows} of one checked year folder, as iterators, for the writing pass. A file that changed since
    it was checked stops the build (the data were being edited while it ran)."""
    for name in contract.files_of_year(year_dir):
        path = year_dir / name
        if stamp(path) != checked.stamps.get(path):
            raise InputErrors([Problem(str(path), 0, "", "生成期间文件被修改了。请保存好所有文件后重新生成。",
                                       "The file changed while the build was running. Save every file, then build again.")])
        yield name, iter_rows(path, name, str(path), [], [])
