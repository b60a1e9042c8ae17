"""python -m builder.importer SOURCE [--data data] [--source source] [--force]: import a published document, or
every document in a folder (make import SOURCE=… [FORCE=1])."""
import argparse
import sys
from pathlib import Path

from .dispatch import import_document
from .document import ImportFailed
from .folder import import_folder

SHOWN = 30  # problems listed; the rest are counted


def report_failure(failed):
    print(f"导入失败：{len(failed.problems)} 处问题，没有写入任何文件。", file=sys.stderr)
    print(f"Import failed: {len(failed.problems)} problem(s); no file was written.\n", file=sys.stderr)
    for number, problem in enumerate(failed.problems[:SHOWN], 1):
        print(f"{number}. {problem}", file=sys.stderr)
    if len(failed.problems) > SHOWN:
        rest = len(failed.problems) - SHOWN
        print(f"……还有 {rest} 处问题未列出。 … and {rest} more.", file=sys.stderr)


def report_success(done):
    if done.rows:
        counts = "，".join(f"{name} {len(done.rows[name])}" for name in done.rows if done.rows[name])
        print(f"已导入 {done.year}年 {done.department}：{counts} 行。 Imported {done.year}, {done.department}: rows per "
              "file as listed.")
    else:
        print(f"已导入 {done.year}年 {done.department}（{done.layout}）：{done.projects} 个项目，{done.indicators} 条指标。 "
              f"Imported {done.year}, {done.department}: {done.projects} project(s), {done.indicators} indicator(s).")
    for path in done.written:
        print(f"  {path}")
    print("这些是草稿：请逐格核对原文，在 notes.csv 中写编者说明，然后运行 make build。"
          " These are drafts: check them against the document, add editor's notes to notes.csv, then run make build.")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m builder.importer",
                                     description="Draft data/<year>/*.csv from published documents (any medium).")
    parser.add_argument("source", help="a document as downloaded (.xlsx .xls .docx .html .pdf or a text copy), or a folder")
    parser.add_argument("--data", default="data", help="folder with departments.csv and one folder per year")
    parser.add_argument("--source", dest="source_dir", default=None,
                        help="where documents are filed (default: source/ beside the data folder)")
    parser.add_argument("--force", action="store_true", help="replace what an earlier import of the document wrote")
    args = parser.parse_args(argv)
    if Path(args.source).is_dir():
        return import_folder(Path(args.source), args.data, args.source_dir, args.force)
    try:
        done = import_document(args.source, args.data, args.force, args.source_dir)
    except ImportFailed as failed:
        report_failure(failed)
        return 1
    report_success(done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
