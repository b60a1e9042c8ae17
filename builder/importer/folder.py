"""Import every document in a folder: a progress bar while it works, then a triage table — for each document its
layout, year, department, projects and indicators, or why it was refused and what to do. Each document is
imported on its own, all or nothing: a refused one writes nothing and is not filed."""
import sys
import time

from .dispatch import import_document
from .document import ImportFailed

BAR = 30  # characters of the progress bar


def documents(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.parts))


def progress(done, total, started, out):
    filled = BAR * done // max(total, 1)
    elapsed = time.monotonic() - started
    out.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} {elapsed:.0f}s")
    out.flush()


def first_line(problem):
    return f"{problem.zh.splitlines()[0]} / {problem.en.splitlines()[0]}"


def import_folder(folder, data_dir, source_dir=None, force=False, out=None, err=None):
    out, err = out or sys.stdout, err or sys.stderr
    paths = documents(folder)
    rows, started = {}, time.monotonic()
    for number, path in enumerate(paths, 1):
        rows[path] = attempt(path, folder, data_dir, source_dir, force)
        progress(number, len(paths), started, err)
    err.write("\n")
    # A self-evaluation met before its year's targets (an earlier name in the folder) is refused for want of them:
    # once the others are in, the refused documents are tried again.
    if any(not refused(row) for row in rows.values()):
        for path in [p for p, row in rows.items() if refused(row)]:
            rows[path] = attempt(path, folder, data_dir, source_dir, force)
    rows = list(rows.values())
    refused_count = sum(refused(row) for row in rows)
    header = ("文件 document", "版式 layout", "年度 year", "部门 department", "项目 projects", "指标 indicators（或原因 reason）")
    out.write("\t".join(header) + "\n")
    for row in rows:
        out.write("\t".join(row) + "\n")
    imported = len(paths) - refused_count
    out.write(f"共 {len(paths)} 个文件：导入 {imported} 个，未导入 {refused_count} 个（原因见上表，改好后可再导入）。 "
              f"{len(paths)} document(s): {imported} imported, {refused_count} refused (see the table).\n")
    return 1 if refused_count else 0


REFUSED = "未导入 refused"


def refused(row):
    return row[1] == REFUSED


def attempt(path, folder, data_dir, source_dir, force):
    """The triage row of one document: what was imported, or why not."""
    name = path.relative_to(folder).as_posix()
    try:
        done = import_document(path, data_dir, force, source_dir)
        return name, done.layout, done.year, done.department, str(done.projects), str(done.indicators)
    except ImportFailed as failed:
        more = f"（另有 {len(failed.problems) - 1} 处）" if len(failed.problems) > 1 else ""
        return name, REFUSED, "", "", "", first_line(failed.problems[0]) + more
