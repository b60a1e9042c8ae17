"""Checks across the files of one year: the links contract.yml declares, and the domain rules that are code
(the form-3 breakdown quotes form 3 and agrees with its own excerpt; editor's notes quote a real cell)."""
import difflib
import re
from decimal import Decimal

from . import contract
from budgetlib.amounts import FEN_PER, fen, parse_money
from .read import CONTROL

EXCERPT_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*万元")


class YearLinks:
    """The links between one year's files, checked one row at a time as the files stream past in contract order
    (contract.py makes sure each link's target file comes before the file that refers to it)."""

    def __init__(self):
        self.targets = {}  # (file, link number) -> the keys its rows may refer to
        self.names = {}  # (file, link number) -> {key without its last column: [last columns]}, for "did you mean"
        self.found = {}  # (file, link number) -> problems
        self.output_text = {}  # 部门名称 -> form 3's 产出指标 cell
        self.breakdown = []
        self.units = {}  # (部门, 序号) -> 资金单位 of a standard-layout project (("自评", 部门, 序号): a self-evaluation)
        self.three_form = set()  # departments with form-1 rows this year
        files = contract.all_year_files()
        self.incoming = {name: links_to(name) for name in files}
        self.outgoing = {name: list(enumerate(spec.get("links", []))) for name, spec in files.items()}
        self.numbers = {name: set(contract.columns_of(name, "integer")) for name in files}

    def check(self, name, row):
        for (source, number), link in self.incoming[name]:
            key = link_key(row, link["to"], self.numbers[name])
            self.targets.setdefault((source, number), set()).add(key)
            self.names.setdefault((source, number), {}).setdefault(key[:-1], []).append(key[-1])
        for number, link in self.outgoing[name]:
            key = link_key(row, link["columns"], self.numbers[name])
            if key not in self.targets.get((name, number), ()):
                self.found.setdefault((name, number), []).append(self.broken_link(row, link, key, (name, number)))
        if name == "form3_department_budget.csv":
            self.output_text[row.values["部门名称"]] = row.values["产出指标"]
        elif name == "form3_department_expenditures.csv":
            self.check_breakdown(row)
        elif name == "form1_special_funds.csv":
            self.three_form.add(row.values["部门"])
        elif name == "projects.csv":
            if row.values["部门"] in self.three_form:  # both would be special_funds rows numbered by 序号
                self.breakdown.append(row.problem("部门", f"“{row.values['部门']}”这一年度已有表1专项资金（三表版式）。同一部门同一年度"
                                                  "只能用一种版式：请只保留一种，或把另一种放到正确的年度。",
                                                  f"'{row.values['部门']}' already has form-1 funds (three-form layout) this "
                                                  "year. A department uses one layout per year: keep one."))
            unit = row.values["资金单位"]
            self.units[(row.values["部门"], row.values["序号"].strip())] = unit
            self.check_fen(row, ("中期资金总额", "年度资金总额"), unit)
        elif name == "project_funding.csv":
            self.check_fen(row, ("金额",), self.units.get((row.values["部门"], row.values["序号"].strip())))
        elif name == "self_evaluations.csv":
            self.units[("自评", row.values["部门"], row.values["序号"].strip())] = row.values["资金单位"]
        elif name == "self_evaluation_amounts.csv":
            self.check_fen(row, ("年初预算数", "全年预算数", "全年执行数"),
                           self.units.get(("自评", row.values["部门"], row.values["序号"].strip())))

    def check_fen(self, row, columns, unit):
        """A standard-layout amount must be exact to the 分 in its project's unit (2 decimals in 元, 6 in 万元)."""
        if unit not in FEN_PER:
            return  # no such project, or a unit that is not 万元/元: reported by the link or the cell check
        for column in columns:
            try:
                parse_money(row.values[column]) if row.values[column].strip() else None
            except ValueError:
                continue  # not a number at all: the cell check has reported it
            try:
                fen(row.values[column], unit)
            except ValueError as error:
                self.breakdown.append(row.problem(column, *error.args[0]))

    def broken_link(self, row, link, key, which):
        column = link["columns"][-1]
        hint_zh = hint_en = ""
        if link.get("suggest"):
            names = set(self.names.get(which, {}).get(key[:-1], []))
            close = difflib.get_close_matches(key[-1], names, n=1, cutoff=0.3)
            if close:
                hint_zh, hint_en = f"是不是“{close[0]}”？", f" Did you mean '{close[0]}'?"
        label_zh, label_en = link["label"]
        return row.problem(
            column, f"{label_zh}“{key[-1]}”不在 {link['file']} 中（同一部门）。{hint_zh}须与该文件完全一致，"
            "或先在那里登记。", f"The {label_en} '{key[-1]}' is not in {link['file']} (same department).{hint_en} "
            "It must match that file exactly, or be added there first.")

    def check_breakdown(self, row):
        """Each category of form 3's 产出指标 quotes that cell, and its 金额 is the amount its own excerpt states."""
        cell = self.output_text.get(row.values["部门"])
        excerpt = row.values["原文"]
        if cell is not None and excerpt not in cell:
            self.breakdown.append(row.problem("原文", "“原文”须是表3“产出指标”单元格中的原样片段。",
                                              "原文 must be an exact excerpt of form 3's 产出指标 cell."))
            return
        stated = EXCERPT_AMOUNT.findall(excerpt)
        try:
            amount = Decimal(row.values["金额"].replace(",", "").removesuffix("万元").strip())
        except ArithmeticError:
            return  # not a number: check_cells has reported it
        if len(stated) == 1 and Decimal(stated[0]) != amount:
            self.breakdown.append(row.problem("金额", f"金额填的是 {row.values['金额']}，但本行“原文”写的是 {stated[0]}万元。"
                                              "请按原文改正金额（原文照录，不要改原文）。",
                                              f"金额 is {row.values['金额']} but this row's 原文 says {stated[0]}万元. "
                                              "Correct 金额 to match the excerpt (keep 原文 as filed)."))

    def broken(self):
        return bool(self.found or self.breakdown)

    def problems(self):
        """Every broken link, file by file and link by link as contract.yml lists them, then the breakdown."""
        found = []
        for name, spec in contract.all_year_files().items():
            for number, _ in enumerate(spec.get("links", [])):
                found += self.found.get((name, number), [])
        return found + self.breakdown


def link_key(row, columns, numbers):
    """The values a link compares, as the build will use them: whole numbers (the file's integer columns) without
    the spaces around them, text exactly (a fund name with a trailing space is another name, and is reported)."""
    # A control character is reported in its own cell (read.py); it does not make every row that names that cell a
    # second problem.
    return tuple(CONTROL.sub("", row.values[c].strip() if c in numbers else row.values[c]) for c in columns)


def links_to(file_name):
    """[((source file, link number), link)] of the links whose target is file_name."""
    return [((source, number), link) for source, spec in contract.all_year_files().items()
            for number, link in enumerate(spec.get("links", [])) if link["file"] == file_name]


def check_notes(notes, records, problems):
    """Each editor's note must point at a real cell and quote it exactly. notes: the rows of every notes.csv;
    records: {(table, id): record} of the output rows they name (the build keeps only those)."""
    for row in notes:
        v = row.values
        record = records.get((v["表"], v["记录_id"]))
        if record is None:
            problems.append(row.problem("记录_id", f"表 {v['表']} 中没有 id 为“{v['记录_id']}”的记录。",
                                        f"Table {v['表']} has no row with id '{v['记录_id']}'."))
        elif v["列"] not in record:
            problems.append(row.problem("列", f"表 {v['表']} 没有“{v['列']}”列。", f"Table {v['表']} has no column '{v['列']}'."))
        elif v["原文摘录"] not in str(record[v["列"]] or ""):
            problems.append(row.problem("原文摘录", "摘录在该单元格中找不到。请照原文复制。",
                                        "The excerpt is not in that cell. Copy it exactly."))
