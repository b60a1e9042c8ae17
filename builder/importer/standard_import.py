"""Import a standard target table: year and department from the content, rows per the interface, the document filed
under source/<year>/<部门编码>/<its name>, and data/<year>/{projects,project_funding,project_indicators}.csv written —
all or nothing.

A department has several documents a year: 序号 continues after the projects it already has. The rows of a
document are known by 原始文件; importing the same document again needs --force and replaces its rows (same 序号,
now at the end of each file).
"""
import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

from . import standard_spec as spec
from .document import ImportFailed, Origin, Problem
from .identity import DEPARTMENT_CODE_PLACEHOLDER, DEPARTMENTS, read_departments
from .spec import normalise
from .store import BOM, csv_text, records

PERIODS = {"中期": 0, "年度": 1}


def registered(name, by_name):
    """The department a name on the form means: its 全称 or 简称, or else the longest registered name inside it
    (株洲市石峰区民政局（本级） is 株洲市石峰区民政局), or else the one 全称 ending with it."""
    key = normalise(name)
    if key in by_name:
        return by_name[key]
    inside = [known for known in by_name if len(known) >= 4 and known in key]
    if inside:
        return by_name[max(inside, key=len)]
    # the form leaves out the city its 全称 starts with (石峰区城市管理和综合执法局 for 株洲市石峰区…): one department only
    ending = {by_name[known]["部门编码"]: by_name[known] for known in by_name if len(key) >= 4 and known.endswith(key)}
    return next(iter(ending.values())) if len(ending) == 1 else None


def department_of(projects, departments, blocks_text, source, problems, field="主管部门及代码"):
    """The departments.csv row named by the projects' 主管部门 field (without its code), else by the page's title
    lines."""
    named = {}
    for project in projects:
        name = spec.DEPARTMENT_CODE.sub("", project.fields.get(field, "")).strip()
        if name:
            named.setdefault(name, project.origin)
    by_name = {normalise(d.get(column, "")): d for d in departments for column in ("全称", "部门") if d.get(column)}
    if named:
        matches = {name: registered(name, by_name) for name in named}
        unknown = [name for name, match in matches.items() if match is None]
        found = {match["部门编码"]: match for match in matches.values() if match is not None}
    else:  # no 主管部门 on the form: the registered names in the page's title lines
        unknown = []
        found = {d["部门编码"]: d for key, d in by_name.items() if key and any(key in normalise(t) for t in blocks_text)}
    if len(found) == 1 and not unknown:
        return next(iter(found.values()))
    if len(found) > 1:
        problems.append(Problem(Origin(source), "一个文件中的项目属于不同的主管部门：" + "、".join(named or found) + "。请按部门分开。",
                                "The projects of this document belong to different departments: " + ", ".join(named or found)
                                + ". Split the document by department."))
        return None
    if not named:
        problems.append(Problem(Origin(source), "找不到这个文件属于哪个部门：表上没有“主管部门及代码”，标题和“编制单位”中也没有"
                                f"{DEPARTMENTS} 中登记的部门名称。请先在 {DEPARTMENTS} 登记这个部门（“全称”与文件上的写法一致）。",
                                "Cannot tell whose document this is: the form has no 主管部门及代码 and no title or "
                                f"编制单位 line names a department of {DEPARTMENTS}. Register the department there first "
                                "(its 全称 as the document writes it)."))
        return None
    name, origin = next((name, named[name]) for name in unknown)
    line = io.StringIO()
    csv.writer(line, lineterminator="").writerow([name, DEPARTMENT_CODE_PLACEHOLDER, name, ""])
    problems.append(Problem(origin, f"主管部门“{name}”不在 {DEPARTMENTS} 中。请在 {DEPARTMENTS} 末尾加上这一行，并把“"
                            f"{DEPARTMENT_CODE_PLACEHOLDER}”换成小写字母、数字和连字符组成的部门编码：\n    {line.getvalue()}",
                            f"The department '{name}' is not in {DEPARTMENTS}. Add this line at its end, with "
                            f"{DEPARTMENT_CODE_PLACEHOLDER} replaced by a code of lower-case letters, digits and hyphens:"
                            f"\n    {line.getvalue()}"))
    return None


def year_of(projects, source, problems):
    years = {p.year for p in projects}
    if years == {""} or "" in years and len(years) > 1:
        missing = next(p for p in projects if not p.year)
        problems.append(Problem(missing.origin, "找不到这个项目的年度：表名下应有“（2031年度）”这样的一行，或表名中有年度。",
                                "Cannot find the year of this project: a line such as （2031年度） under the title, or "
                                "the year in the title."))
        return None
    if len(years) > 1:
        problems.append(Problem(Origin(source), "文件中的项目年度不同：" + "、".join(sorted(years)) + "。请按年度分开。",
                                "The projects of this document are of different years: " + ", ".join(sorted(years)) + "."))
        return None
    return years.pop()


def read_text(path):
    """The text of an existing file of data/<year>/ (without its BOM), or None if there is none."""
    if not path.exists():
        return None
    try:
        return path.read_bytes().decode("utf-8").removeprefix(BOM)
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFailed([Problem(Origin(str(path)), f"无法读取已有的文件（{error}）。请先在 Excel/WPS 中另存为“CSV UTF-8”。",
                                    f"Cannot read the existing file ({error}). Save it as 'CSV UTF-8' first.")])


def parsed(path, text):
    try:
        return records(text)
    except csv.Error as error:
        raise ImportFailed([Problem(Origin(str(path)), f"已有的文件不是完好的 CSV（{error}）。", f"The existing file is not "
                                    f"a whole CSV ({error}).")])


def draft(projects, year, department, document, numbers):
    """{file: [row]} for these projects numbered with `numbers` (one 序号 per project)."""
    rows = {name: [] for name in spec.COLUMNS}
    for project, number in zip(projects, numbers):
        fields = dict(project.fields, 年度=year, 部门=department, 序号=str(number), 原始文件=document)
        rows["projects.csv"].append([fields.get(column, "") for column in spec.COLUMNS["projects.csv"]])
        for period, order, label, amount in sorted(project.funding, key=lambda f: (PERIODS.get(f[0], 2), f[1])):
            rows["project_funding.csv"].append([year, department, str(number), period, str(order), label, amount])
        for indicator in sorted(project.indicators, key=lambda i: (PERIODS.get(i[0], 2), i[1])):
            period, order, *cells = indicator
            rows["project_indicators.csv"].append([year, department, str(number), period, str(order), *cells])
    return rows


def plan(data_dir, year, department, document, count, drafted, files, force):
    """{path: new text} of a layout's files ({name: columns}; the first one has a row per project, its last column
    原始文件); drafted(numbers) gives their rows for `count` projects numbered so. ImportFailed if the document was
    imported before (without force)."""
    year_dir = Path(data_dir) / year
    main = next(iter(files))
    existing = {name: read_text(year_dir / name) for name in files}
    old_projects = parsed(year_dir / main, existing[main] or "")
    mine = [cells for _, cells in old_projects[1:] if len(cells) > 2 and cells[1] == department]
    again = [int(cells[2]) for cells in mine if cells[-1] == document and cells[2].isdigit()]
    if again and not force:
        raise ImportFailed([Problem(Origin(str(year_dir / main)), f"这个文件（{document}）已经导入过。如要重新导入并替换它的行，"
                                    "请加 FORCE=1（--force）。", f"This document ({document}) has been imported "
                                    "already. To import it again, replacing its rows, add FORCE=1 (--force).")])
    taken = {int(cells[2]) for cells in mine if cells[2].isdigit()} - set(again)
    numbers, next_free = list(sorted(again)), max(taken | set(again), default=0) + 1
    while len(numbers) < count:
        numbers.append(next_free)
        next_free += 1
    new = drafted(numbers[:count])
    texts = {}
    for name, columns in files.items():
        old, path = existing[name], year_dir / name
        if old is None:
            texts[path] = BOM + csv_text([columns] + new[name])
            continue
        header = parsed(path, old.split("\n", 1)[0] + "\n")
        if not header or header[0][1] != columns:
            raise ImportFailed([Problem(Origin(str(path)), "已有文件的表头与约定的列不同：" + "，".join(columns) + "。",
                                        "The existing file's header differs from the agreed columns: " + ",".join(columns) + ".")])
        if again:  # only a re-import reads every row, to leave out the document's old ones
            old = "".join(raw for i, (raw, cells) in enumerate(parsed(path, old))
                          if not (i and len(cells) > 2 and cells[1] == department and cells[2].isdigit()
                                  and int(cells[2]) in again))
        if not old.endswith(("\n", "\r")):
            old += "\r\n"
        texts[path] = BOM + old + csv_text(new[name])  # other rows byte for byte, this document's at the end
    for name, columns in spec.SHARED.items():  # the editor's notes are never imported: only started when missing
        if not (year_dir / name).exists():
            texts[year_dir / name] = BOM + csv_text([columns])
    return texts


def write_all(texts, document_copy):
    """Every file under a temporary name first, then all renamed into place; document_copy: (from, to) or None."""
    temporary = []
    try:
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(text.encode("utf-8"))
            os.chmod(temp, 0o644)
            temporary.append((temp, path))
        if document_copy:
            origin, target = document_copy
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            os.close(handle)
            shutil.copyfile(origin, temp)
            os.chmod(temp, 0o644)
            temporary.append((temp, target))
        for temp, path in temporary:
            os.replace(temp, path)
    finally:
        for temp, _ in temporary:
            if os.path.exists(temp):
                os.unlink(temp)
    return [path for _, path in temporary]


def filed_twin(filed, path):
    """A document already filed for the department and year under another name with the very same bytes (a folder
    of downloads often holds one file twice, as 表.pdf and 表(1).pdf)."""
    if not filed.parent.is_dir():
        return None
    raw = Path(path).read_bytes()
    return next((other for other in sorted(filed.parent.iterdir()) if other.name != filed.name and other.is_file()
                 and other.stat().st_size == len(raw) and other.read_bytes() == raw), None)


def file_document(path, year, department, data_dir, source_dir, force, count, drafted, files):
    """File the document under source/<year>/<部门编码>/<its name> and write the layout's files; the paths written.
    department: its row of departments.csv; count, drafted, files: as for plan()."""
    filed = Path(source_dir) / year / department["部门编码"] / Path(path).name
    document = filed.relative_to(source_dir).as_posix()
    if filed.exists() and filed.resolve() != Path(path).resolve() and filed.read_bytes() != Path(path).read_bytes() \
            and not force:
        raise ImportFailed([Problem(Origin(str(filed)), "source/ 中已有同名的另一个文件。请改名后再导入，或加 FORCE=1 替换它。",
                                    "Another document of this name is already filed under source/. Rename this one, or "
                                    "add FORCE=1 to replace it.")])
    twin = filed_twin(filed, path)
    if twin is not None and not force:
        raise ImportFailed([Problem(Origin(str(path)), f"同一份文件（内容完全相同）已经以“{twin.name}”导入过，不再重复导入。"
                                    "如确实是另一份文件，请加 FORCE=1。", f"The same document (identical content) has "
                                    f"already been imported as '{twin.name}'; it is not imported twice. If it really is "
                                    "another document, add FORCE=1.")])
    texts = plan(data_dir, year, department["部门"], document, count, lambda numbers: drafted(document, numbers), files,
                 force)
    copy = None if filed.exists() and filed.resolve() == Path(path).resolve() else (Path(path), filed)
    return write_all(texts, copy)


def title_lines(blocks):
    """The lines around the tables (a text copy: its lines of one cell), where a title or 编制单位 may name the
    department."""
    return [cell.text for block in blocks for row in block.rows for cell in row if not block.table or len(row) == 1]


def import_standard(path, projects, blocks, data_dir, source_dir, force=False):
    """(year, department short name, projects, indicators, paths written); ImportFailed with every problem."""
    problems = []
    departments = read_departments(data_dir)
    department = department_of(projects, departments, title_lines(blocks), str(path), problems)
    year = year_of(projects, str(path), problems)
    if problems:
        raise ImportFailed(problems)
    written = file_document(path, year, department, data_dir, source_dir, force, len(projects),
                            lambda document, numbers: draft(projects, year, department["部门"], document, numbers),
                            spec.COLUMNS)
    return year, department["部门"], len(projects), sum(len(p.indicators) for p in projects), written
