"""python -m builder.importer SOURCE [--data data] [--force]: draft data/<year>/*.csv from a published document."""
import argparse
import sys
from pathlib import Path

from . import store
from .document import ImportFailed, Origin, Problem
from .drafts import draft_rows
from .forms import read_forms
from .identity import identify
from .text import read_text

SHOWN = 30  # problems listed; the rest are counted
ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"  # .xlsx (and .docx) are zip files; .xls and .doc are OLE files


def read_document(path):
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ImportFailed([Problem(Origin(source), f"无法读取文件（{error.strerror}）。", f"Cannot read the file ({error.strerror}).")])
    if not raw.strip():
        raise ImportFailed([Problem(Origin(source), "文件是空的。", "The file is empty.")])
    if raw.startswith(ZIP):
        from .xlsx import read_xlsx  # openpyxl is only needed for workbooks
        return read_xlsx(path, source)
    if raw.startswith(OLE):
        raise ImportFailed([Problem(Origin(source), "这是旧版 Excel/Word 文件（.xls/.doc），无法读取。请在 Excel/WPS 中另存为 .xlsx 工作簿。",
                                    "This is an old Excel/Word file (.xls/.doc), which cannot be read. Save it from "
                                    "Excel/WPS as an .xlsx workbook.")])
    return read_text(raw, source)


def import_document(path, data_dir, force=False):
    """Read, check and write; returns (year, department, rows per file, paths written). Raises ImportFailed."""
    forms = read_forms(read_document(path))
    year, department, headings = identify(forms, data_dir, path)
    problems = []
    rows = draft_rows(forms, year, department, headings, problems)
    if problems:
        raise ImportFailed(problems)
    try:
        written = store.write_year(data_dir, year, department, rows, force)
    except OSError as error:  # a folder that cannot be written: nothing was renamed into place
        raise ImportFailed([Problem(Origin(str(error.filename or data_dir)), f"无法写入（{error.strerror}）。",
                                    f"Cannot write ({error.strerror}).")])
    return year, department, rows, written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m builder.importer",
                                     description="Draft data/<year>/*.csv from the three official forms as published.")
    parser.add_argument("source", help="the published document: its text rendering (.txt) or an .xlsx workbook")
    parser.add_argument("--data", default="data", help="folder with departments.csv and one folder per year")
    parser.add_argument("--force", action="store_true", help="replace this department's rows if its year exists")
    args = parser.parse_args(argv)
    try:
        year, department, rows, written = import_document(args.source, args.data, args.force)
    except ImportFailed as failed:
        print(f"导入失败：{len(failed.problems)} 处问题，没有写入任何文件。", file=sys.stderr)
        print(f"Import failed: {len(failed.problems)} problem(s); no file was written.\n", file=sys.stderr)
        for number, problem in enumerate(failed.problems[:SHOWN], 1):
            print(f"{number}. {problem}", file=sys.stderr)
        if len(failed.problems) > SHOWN:
            rest = len(failed.problems) - SHOWN
            print(f"……还有 {rest} 处问题未列出。 … and {rest} more.", file=sys.stderr)
        return 1
    counts = "，".join(f"{name} {len(rows[name])}" for name in rows if rows[name])
    print(f"已导入 {year}年 {department}：{counts} 行。 Imported {year}, {department}: rows per file as listed.")
    for path in written:
        print(f"  {path}")
    print("这些是草稿：请逐格核对原文，在 notes.csv 中写编者说明，然后运行 make build。"
          " These are drafts: check them against the document, add editor's notes to notes.csv, then run make build.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
