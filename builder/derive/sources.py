"""source_documents: the original documents as published, each listed only when data/ holds rows from it.

Two places: `source/<年度>/<部门编码>.<格式>` (the three-form layout, one document per department and year) and
`source/<年度>/<部门编码>/<文件名>` (the standard layout: several documents per department and year, each named by
the 原始文件 of the projects imported from it). Every page links the document its figures come from, so a document
that is misplaced, or placed but never imported (no rows in data/), is a problem to fix: it is never published as
a target document.
"""
import hashlib
import re
from pathlib import Path

from ..problems import Problem

FORMATS = {"txt": "文本", "xlsx": "Excel 工作簿", "xls": "Excel 工作簿", "pdf": "PDF", "doc": "Word 文档",
           "docx": "Word 文档", "html": "网页", "htm": "网页"}
LEGACY = re.compile(r"(\d{4})/([a-z0-9-]+)\.([a-z]+)")
FILED = re.compile(r"(\d{4})/([a-z0-9-]+)/([^/]+)")


def source_rows(source_dir, departments, problems, filed=None):
    """Rows of source_documents; departments: {部门: its departments.csv row}; filed: what data/ holds (Filed), or
    None not to check that (the documents alone)."""
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        return []
    names = {info["部门编码"]: name for name, info in departments.items()}
    rows = []
    for path in sorted(p for p in source_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(source_dir).as_posix()
        if relative.upper().startswith("README"):
            continue
        where = f"{source_dir.name}/{relative}"
        legacy, nested = LEGACY.fullmatch(relative), FILED.fullmatch(relative)
        match = legacy or nested
        extension = (legacy.group(3) if legacy else relative.rsplit(".", 1)[-1].lower() if "." in relative else "")
        if not match or extension not in FORMATS:
            problems.append(Problem(where, 0, "", "原始文件应放在 source/<年度>/<部门编码>.<格式> 或 source/<年度>/<部门编码>/<文件名>"
                                    "（格式：" + "、".join(FORMATS) + "），例如 source/2020/shifeng-minzheng.txt。请移动或改名。",
                                    "Source documents go in source/<year>/<department code>.<format> or source/<year>/"
                                    "<department code>/<file name> (formats: " + ", ".join(FORMATS) + "), e.g. "
                                    "source/2020/shifeng-minzheng.txt. Move or rename it."))
            continue
        year, code = match.group(1), match.group(2)
        if code not in names:
            problems.append(Problem(where, 0, "", f"部门编码“{code}”不在 data/departments.csv 中。请先登记该部门，或改正文件名。",
                                    f"Department code '{code}' is not in data/departments.csv. Register the department "
                                    "first, or correct the file name."))
            continue
        if filed is not None and not filed.has(relative, int(year), names[code], nested=bool(nested)):
            problems.append(Problem(where, 0, "", "这份原始文件未导入：data/ 中没有来自它的数据，不能作为已公开的数据发布。"
                                    "请先导入它（make import SOURCE=…），或把它移出 source/。",
                                    "This document was never imported: data/ holds no rows from it, so it cannot be "
                                    "published as data. Import it first (make import SOURCE=…), or move it out of source/."))
            continue
        data = path.read_bytes()
        rows.append({"id": relative if nested else f"{year}-{code}", "年度": int(year), "部门": names[code],
                     "部门编码": code, "文件": relative, "格式": FORMATS[extension], "字节数": len(data),
                     "sha256": hashlib.sha256(data).hexdigest()})
    if filed is not None:
        present = {row["文件"] for row in rows}
        for document, (file, line) in sorted(filed.cited.items()):
            if document not in present:
                problems.append(Problem(file, line, "原始文件", f"“原始文件”指向 source/{document}，但没有这个文件。请把原件放到"
                                        "那里，或改正路径。", f"原始文件 names source/{document}, which does not exist. "
                                        "Put the document there, or correct the path."))
    return rows


class Filed:
    """What the CSVs of data/ hold, for the documents: each (年度, 部门) with rows of the three-form layout, and each
    document a project names (原始文件 -> where it is first named, for messages)."""

    # the rows it looks at (a self-evaluation names its document as a project does)
    FILES = ("form1_special_funds.csv", "form3_department_budget.csv", "projects.csv", "self_evaluations.csv")

    def __init__(self):
        self.three_form, self.cited = set(), {}

    def see(self, file_name, row, layout):
        if layout == "三表" and file_name in ("form1_special_funds.csv", "form3_department_budget.csv"):
            # as filed: a row with a bad 年度 is reported by the cell checks, and the build stops before documents
            self.three_form.add((row.values["年度"], row.values.get("部门") or row.values.get("部门名称")))
        elif file_name in ("projects.csv", "self_evaluations.csv"):
            self.cited.setdefault(row.values["原始文件"], (row.file, row.line))

    def has(self, relative, year, department, nested):
        return relative in self.cited if nested else (str(year), department) in self.three_form
