"""Checks across the files of one year: the links contract.yml declares, and the domain rules that are code
(the form-3 breakdown quotes form 3 and agrees with its own excerpt; editor's notes quote a real cell)."""
import difflib
import re
from decimal import Decimal

from . import contract
from .read import CONTROL

EXCERPT_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*万元")


def link_key(row, columns):
    # A control character is reported in its own cell (read.py); it does not make every row that names that cell a
    # second problem.
    return tuple(CONTROL.sub("", row.values[c]) for c in columns)


def check_links(files, problems):
    """files: {file name: [Row]} of one year."""
    for name, spec in contract.year_files().items():
        for link in spec.get("links", []):
            # Exactly as filed: normalise.py joins on these cells verbatim, so "城市低保金 " (a trailing space) is
            # not 城市低保金 and must be reported here, not fail there.
            targets = {link_key(r, link["to"]) for r in files[link["file"]]}
            for row in files[name]:
                key = link_key(row, link["columns"])
                if key in targets:
                    continue
                column = link["columns"][-1]
                hint_zh = hint_en = ""
                if link.get("suggest"):
                    names = [t[-1] for t in targets if t[:-1] == key[:-1]]
                    close = difflib.get_close_matches(key[-1], names, n=1, cutoff=0.3)
                    if close:
                        hint_zh, hint_en = f"是不是“{close[0]}”？", f" Did you mean '{close[0]}'?"
                label_zh, label_en = link["label"]
                problems.append(row.problem(
                    column, f"{label_zh}“{key[-1]}”不在 {link['file']} 中（同一部门）。{hint_zh}须与该文件完全一致，"
                    "或先在那里登记。", f"The {label_en} '{key[-1]}' is not in {link['file']} (same department).{hint_en} "
                    "It must match that file exactly, or be added there first."))
    check_breakdown(files, problems)


def check_breakdown(files, problems):
    """Each category of form 3's 产出指标 quotes that cell, and its 金额 is the amount its own excerpt states."""
    output_text = {r.values["部门名称"]: r.values["产出指标"] for r in files["form3_department_budget.csv"]}
    for row in files["form3_department_expenditures.csv"]:
        cell = output_text.get(row.values["部门"])
        excerpt = row.values["原文"]
        if cell is not None and excerpt not in cell:
            problems.append(row.problem("原文", "“原文”须是表3“产出指标”单元格中的原样片段。",
                                        "原文 must be an exact excerpt of form 3's 产出指标 cell."))
            continue
        stated = EXCERPT_AMOUNT.findall(excerpt)
        try:
            amount = Decimal(row.values["金额"].replace(",", "").removesuffix("万元").strip())
        except ArithmeticError:
            continue  # not a number: check_cells has reported it
        if len(stated) == 1 and Decimal(stated[0]) != amount:
            problems.append(row.problem("金额", f"金额填的是 {row.values['金额']}，但本行“原文”写的是 {stated[0]}万元。"
                                        "请按原文改正金额（原文照录，不要改原文）。",
                                        f"金额 is {row.values['金额']} but this row's 原文 says {stated[0]}万元. "
                                        "Correct 金额 to match the excerpt (keep 原文 as filed)."))


def check_notes(year_rows, tables, problems):
    """Each editor's note must point at a real cell and quote it exactly."""
    cells = {}
    for table, rows in tables.items():
        for record in rows:
            if "id" in record:
                cells[(table, record["id"])] = record
    for files in year_rows.values():
        for row in files["notes.csv"]:
            v = row.values
            record = cells.get((v["表"], v["记录_id"]))
            if record is None:
                problems.append(row.problem("记录_id", f"表 {v['表']} 中没有 id 为“{v['记录_id']}”的记录。",
                                            f"Table {v['表']} has no row with id '{v['记录_id']}'."))
            elif v["列"] not in record:
                problems.append(row.problem("列", f"表 {v['表']} 没有“{v['列']}”列。", f"Table {v['表']} has no column '{v['列']}'."))
            elif v["原文摘录"] not in str(record[v["列"]] or ""):
                problems.append(row.problem("原文摘录", "摘录在该单元格中找不到。请照原文复制。",
                                            "The excerpt is not in that cell. Copy it exactly."))
