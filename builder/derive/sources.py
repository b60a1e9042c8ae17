"""source_documents: the original documents, one per department and year, kept as `source/<年度>/<部门编码>.<格式>`.

Every page links the document its figures come from (the site finds it in this table), so a document whose folder
is not a year or whose name is not a registered department code is a problem to fix, not a file to ignore.
"""
import hashlib
import re
from pathlib import Path

from ..problems import Problem

FORMATS = {"txt": "文本", "xlsx": "Excel 工作簿", "xls": "Excel 工作簿", "pdf": "PDF", "doc": "Word 文档",
           "docx": "Word 文档"}


def source_rows(source_dir, departments, problems):
    """Rows of source_documents; departments: {部门: its departments.csv row}."""
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        return []
    names = {info["部门编码"]: name for name, info in departments.items()}
    rows = []
    for path in sorted(p for p in source_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(source_dir).as_posix()
        if relative.upper().startswith("README"):
            continue
        match = re.fullmatch(r"(\d{4})/([a-z0-9-]+)\.([a-z]+)", relative)
        where = f"{source_dir.name}/{relative}"
        if not match or match.group(3) not in FORMATS:
            problems.append(Problem(where, 0, "", "原始文件应放在 source/<年度>/<部门编码>.<格式>（格式：" + "、".join(FORMATS)
                                    + "），例如 source/2020/shifeng-minzheng.txt。请移动或改名。",
                                    "Source documents go in source/<year>/<department code>.<format> (formats: "
                                    + ", ".join(FORMATS) + "), e.g. source/2020/shifeng-minzheng.txt. Move or rename it."))
            continue
        year, code, extension = match.groups()
        if code not in names:
            problems.append(Problem(where, 0, "", f"部门编码“{code}”不在 data/departments.csv 中。请先登记该部门，或改正文件名。",
                                    f"Department code '{code}' is not in data/departments.csv. Register the department "
                                    "first, or correct the file name."))
            continue
        data = path.read_bytes()
        rows.append({"id": f"{year}-{code}", "年度": int(year), "部门": names[code], "部门编码": code,
                     "文件": relative, "格式": FORMATS[extension], "字节数": len(data),
                     "sha256": hashlib.sha256(data).hexdigest()})
    return rows
