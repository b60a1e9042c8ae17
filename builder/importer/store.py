"""Write the drafts into data/<year>/, all or nothing.

A new year gets a new folder (built under a hidden temporary name, then renamed). An existing year keeps every
other department's rows byte for byte: the department's rows are added at the end of each file or, with
--force, put where its old rows were. Every problem (an existing year of the department without --force, an
existing file that cannot be read) is found before anything is written; then every file is written under a
temporary name, and the files are renamed into place only once all of them have been written.
"""
import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

from .document import ImportFailed, Origin, Problem
from .drafts import COLUMNS, DEPARTMENT_COLUMN

BOM = "\ufeff"
NEWLINE = "\r\n"  # as Excel and WPS save "CSV UTF-8"


def csv_text(rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=NEWLINE).writerows(rows)
    return buffer.getvalue()


def records(text):
    """[(raw text, cells)] of a CSV, each record's raw text exactly as in the file (quotes, line ends)."""
    consumed, out = [], []

    def lines():
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    for cells in csv.reader(lines(), strict=True):
        out.append(("".join(consumed), cells))
        consumed.clear()
    return out


def read_existing(path, name, problems):
    """(text, records) of an existing file of data/<year>/, or None after a problem."""
    origin = Origin(str(path))
    try:
        text = path.read_bytes().decode("utf-8")
        existing = records(text.removeprefix(BOM))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        problems.append(Problem(origin, f"无法读取已有的文件（{error}）。请先在 Excel/WPS 中另存为“CSV UTF-8”。",
                                f"Cannot read the existing file ({error}). Save it as 'CSV UTF-8' first."))
        return None
    if not existing or existing[0][1] != COLUMNS[name]:
        problems.append(Problem(origin, "已有文件的表头与规定的列不同，无法在其后添加：" + "，".join(COLUMNS[name]) + "。",
                                "The existing file's header differs from the expected columns, so rows cannot be "
                                "added to it: " + ",".join(COLUMNS[name]) + "."))
        return None
    return text, existing


def merged(text, existing, mine, new_rows):
    """The file with the records numbered in mine (this department's) replaced by new_rows, at the place of the
    first of them, or added at the end; every other record's text unchanged."""
    replaced = set(mine)
    kept = [raw for i, (raw, _) in enumerate(existing) if i not in replaced]
    at = mine[0] if mine else len(kept)
    if at == len(kept) and not kept[-1].endswith(("\n", "\r")):
        kept[-1] += NEWLINE  # the last line had no line end
    return (BOM if text.startswith(BOM) else "") + "".join(kept[:at]) + csv_text(new_rows) + "".join(kept[at:])


def plan(year_dir, department, drafts, force):
    """{file name: new text} for the files to (re)write; ImportFailed if the department-year exists already."""
    problems, texts, existing_for = [], {}, []
    for name in COLUMNS:
        path = year_dir / name
        if not path.exists():
            texts[name] = BOM + csv_text([COLUMNS[name]] + drafts.get(name, []))
            continue
        if name == "notes.csv":  # the editor's notes are never imported: an existing file is left as it is
            continue
        found = read_existing(path, name, problems)
        if found is None:
            continue
        text, existing = found
        column = COLUMNS[name].index(DEPARTMENT_COLUMN[name])
        mine = [i for i, (_, cells) in enumerate(existing) if i and len(cells) > column and cells[column] == department]
        if mine and not force:
            existing_for.append(name)
        texts[name] = merged(text, existing, mine, drafts.get(name, []))
    if existing_for:
        problems.append(Problem(Origin(str(year_dir)), f"{year_dir.name}年“{department}”的数据已经导入过（见 "
                                + "、".join(existing_for) + "）。如要用这个文件替换它们，请加 --force（make import … FORCE=1）；"
                                "只替换这个部门的行，其他部门不变。", f"Data for {department}, {year_dir.name}, has already "
                                "been imported (see " + ", ".join(existing_for) + "). To replace it with this document, "
                                "add --force (make import … FORCE=1); only this department's rows are replaced."))
    if problems:
        raise ImportFailed(problems)
    return texts


def umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_year(data_dir, year, department, drafts, force=False):
    """Write the drafts; returns the paths written."""
    year_dir = Path(data_dir) / year
    if not year_dir.exists():
        texts = plan(year_dir, department, drafts, force)
        staging = Path(tempfile.mkdtemp(prefix=f".{year}.importing-", dir=data_dir))
        try:
            os.chmod(staging, 0o777 & ~umask())  # mkdtemp makes it private; a year folder is not
            for name, text in texts.items():
                (staging / name).write_bytes(text.encode("utf-8"))
            os.rename(staging, year_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return [year_dir / name for name in texts]
    texts = plan(year_dir, department, drafts, force)
    temporary = {}
    try:
        for name, text in texts.items():
            handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=year_dir)
            temporary[name] = temp
            with os.fdopen(handle, "wb") as out:
                out.write(text.encode("utf-8"))
            # mkstemp makes the file private: give it the mode of the file it replaces
            target = year_dir / name
            os.chmod(temp, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~umask())
        for name, temp in temporary.items():
            os.replace(temp, year_dir / name)
    finally:
        for temp in temporary.values():
            if os.path.exists(temp):
                os.unlink(temp)
    return [year_dir / name for name in texts]
