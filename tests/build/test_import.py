"""make import: the published documents (text rendering or .xlsx workbook) -> draft CSVs of data/<year>/.

Expected values come from outside the importer: the curated data/2019/ (checked by hand against the source),
and literals copied from the fictional documents in tests/fixtures/documents/ (see the README there).
"""
import csv
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seed_forms
from builder.importer.__main__ import import_document, main
from builder.importer.document import ImportFailed
from builder.importer.xlsx import number_text
from conftest import ROOT

SOURCE = seed_forms.SOURCE  # the published 2019 document, wherever source/ keeps it
DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"
TEXT_2031 = DOCUMENTS / "2031_yangli_shehui.txt"
XLSX_2031 = DOCUMENTS / "2031_yangli_weijian.xlsx"
FICTIONAL_DEPARTMENTS = ("样例区社会事务局,yangli-shehui,虚构市样例区社会事务局,虚构市样例区人民政府\r\n"
                         "样例区卫生健康局,yangli-weijian,虚构市样例区卫生健康局,虚构市样例区人民政府\r\n")
FORM_FILES = ["form1_special_funds.csv", "form2_expenditure_directions.csv", "form3_department_budget.csv",
              "form3_department_expenditures.csv"]
ALL_FILES = ["forms.csv", "form_layout.csv"] + FORM_FILES + ["notes.csv"]


@pytest.fixture
def data(tmp_path):
    """An empty data folder: the real departments.csv plus the two fictional departments."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "departments.csv").write_bytes((ROOT / "data" / "departments.csv").read_bytes()
                                             + FICTIONAL_DEPARTMENTS.encode("utf-8"))
    return folder


def run(capsys, source, data, *options):
    code = main([str(source), "--data", str(data), *options])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def rows(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def snapshot(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def department_lines(path, department):
    return [line for line in path.read_bytes().split(b"\r\n") if f",{department},".encode() in line]


# ---------------------------------------------------------------------------
# The 2019 source document gives the curated data/2019
# ---------------------------------------------------------------------------


def test_2019_document_gives_the_curated_csvs(capsys, data):
    code, out, err = run(capsys, SOURCE, data)
    assert code == 0, err
    assert "2019" in out and "石峰区民政局" in out
    for name in FORM_FILES:
        assert (data / "2019" / name).read_bytes() == (ROOT / "data" / "2019" / name).read_bytes(), name
    for name in ("forms.csv", "form_layout.csv"):
        assert rows(data / "2019" / name) == rows(ROOT / "data" / "2019" / name), name
    assert (data / "2019" / "notes.csv").read_bytes() == "\ufeff年度,部门,表,记录_id,列,原文摘录,说明\r\n".encode()
    assert sorted(p.name for p in (data / "2019").iterdir()) == sorted(ALL_FILES)


@pytest.mark.parametrize("encode", [
    lambda text: ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"),  # saved again on Windows
    lambda text: text.encode("gb18030"),  # the Chinese Windows default
], ids=["CRLF with BOM", "GB18030"])
def test_2019_document_saved_otherwise_gives_the_same_csvs(capsys, data, encode):
    document = data.parent / "saved.txt"
    document.write_bytes(encode(SOURCE.read_text(encoding="utf-8")))
    assert run(capsys, document, data)[0] == 0
    for name in FORM_FILES + ["form_layout.csv"]:
        assert (data / "2019" / name).read_bytes() == (ROOT / "data" / "2019" / name).read_bytes(), name


def test_drafts_build(capsys, data, tmp_path):
    """The drafts of the 2019 document and of both fictional 2031 documents pass the real build."""
    for document in (SOURCE, TEXT_2031, XLSX_2031):
        assert run(capsys, document, data)[0] == 0
    out = tmp_path / "site"
    where = ["--site", str(out), "--source", str(tmp_path / "no-documents")]
    result = subprocess.run([sys.executable, "build_db.py", "--data", str(data), *where],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (out / "budget.db").exists()
    assert "special_funds 16" in result.stdout  # 8 of 2019 and 5 + 3 of the fictional 2031


# ---------------------------------------------------------------------------
# A fictional year: a text document, then a workbook of another department
# ---------------------------------------------------------------------------


def test_text_document_of_a_fictional_department(capsys, data):
    code, out, err = run(capsys, TEXT_2031, data)
    assert code == 0, err
    year = data / "2031"
    assert rows(year / "form1_special_funds.csv") == [
        ["年度", "部门", "序号", "专项支出名称", "支出方向", "资金总额", "实施期绩效目标", "年度绩效目标"],
        ["2031", "样例区社会事务局", "1", "困难群众临时救助资金", "城市、农村困难群众", "85", "对遭遇急难的困难群众及时救助",
         "全年救助不少于400人次"],
        ["2031", "样例区社会事务局", "2", "社区服务站运行经费", "社区服务站", "42.5", "保障12个社区服务站正常运行",
         "保障12个社区服务站正常运行"],
        ["2031", "样例区社会事务局", "3", "养老服务补贴", "居家养老、机构养老、助餐服务", "120",
         "健全居家社区机构相协调的养老服务体系", "全年补贴不少于1500人"],
        ["2031", "样例区社会事务局", "4", "婚姻登记服务经费", "婚姻登记", "8", "婚姻登记规范便民", ""],
        ["2031", "样例区社会事务局", "5", "殡葬改革奖补资金", "殡葬改革", "16.25", "推进节地生态安葬", "按文件做好殡葬改革奖补"],
    ]
    form2 = rows(year / "form2_expenditure_directions.csv")
    assert [(r[3], r[4], r[6]) for r in form2[1:]] == [
        ("城市困难群众", "困难群众临时救助资金", "50"), ("农村困难群众", "困难群众临时救助资金", "35"),
        ("社区服务站", "社区服务站运行经费", "42.5"), ("居家养老", "养老服务补贴", "60"), ("机构养老", "养老服务补贴", "45"),
        ("助餐服务", "养老服务补贴", "15"), ("婚姻登记", "婚姻登记服务经费", "8"), ("殡葬改革", "殡葬改革奖补资金", "16.25")]
    # the row with stray blank lines inside it, all nine indicator cells
    assert form2[3] == ["2031", "样例区社会事务局", "区社会事务局", "社区服务站", "社区服务站运行经费", "2031年", "42.5",
                        "保障12个社区服务站正常运行", "保障12个社区服务站正常运行", "12个", "服务站全年开放", "2031年底前完成",
                        "每站3.5万元/年", "", "群众办事更方便", "", "长期", "90%"]
    assert form2[7][9:] == ["", "登记合格率100%", "当场办结", "", "", "", "", "", "98%"]
    assert rows(year / "form3_department_budget.csv")[1] == [
        "2031", "样例区社会事务局", "566.75万元", "295万元", "271.75万元", "兜牢民生底线，健全养老服务体系，推进殡葬改革（虚构）。",
        "  社会救助支出310万元；养老服务支出213.5万元；社区建设支出43.25万元。", "困难群众基本生活得到保障，老年人获得感增强（虚构）。",
        "同意", ""]
    assert rows(year / "form3_department_expenditures.csv")[1:] == [
        ["2031", "样例区社会事务局", "1", "社会救助支出", "310", "社会救助支出310万元"],
        ["2031", "样例区社会事务局", "2", "养老服务支出", "213.5", "养老服务支出213.5万元"],
        ["2031", "样例区社会事务局", "3", "社区建设支出", "43.25", "社区建设支出43.25万元"]]
    unit_line = "虚构市样例区社会事务局" + " " * 60 + "单位：万元"
    assert rows(year / "forms.csv")[1:] == [
        ["2031", "样例区社会事务局", "1", "2031年区级专项资金预算绩效目标汇总表（虚构测试数据）", "虚构市样例区社会事务局", "单位：万元",
         unit_line],
        ["2031", "样例区社会事务局", "2", "2031年区级专项资金支出方向绩效目标表（虚构测试数据）", "虚构市样例区社会事务局", "单位：万元",
         unit_line],
        ["2031", "样例区社会事务局", "3", "2031年部门整体支出绩效申报表（虚构测试数据）", "", "", ""]]
    layout = rows(year / "form_layout.csv")
    assert ["2031", "样例区社会事务局", "2", "3", "8", "1", "1", "数量\n指标", "数量指标"] in layout
    assert ["2031", "样例区社会事务局", "2", "2", "12", "1", "5", "效益指标", ""] in layout
    assert ["2031", "样例区社会事务局", "3", "9", "3", "1", "1", "", "业务股室意见"] in layout
    assert ["2031", "样例区社会事务局", "3", "2", "1", "4", "1", "年度预算申请", ""] in layout


def test_workbook_of_a_second_department_adds_its_rows(capsys, data):
    assert run(capsys, TEXT_2031, data)[0] == 0
    year = data / "2031"
    before = {name: (year / name).read_bytes() for name in ALL_FILES}
    modes = {name: (year / name).stat().st_mode for name in ALL_FILES}
    code, out, err = run(capsys, XLSX_2031, data)
    assert code == 0, err
    assert {name: (year / name).stat().st_mode for name in ALL_FILES} == modes  # not made private by mkstemp
    for name in ALL_FILES:
        after = (year / name).read_bytes()
        assert after.startswith(before[name]), name  # the first department's rows, byte for byte
    assert (year / "notes.csv").read_bytes() == before["notes.csv"]
    form1 = rows(year / "form1_special_funds.csv")
    assert len(form1) == 1 + 5 + 3
    assert form1[6:] == [
        ["2031", "样例区卫生健康局", "1", "基本公共卫生服务补助", "基本公共卫生服务", "126.4", "为辖区居民提供基本公共卫生服务",
         "建档立卡居民健康管理率达标"],
        ["2031", "样例区卫生健康局", "2", "家庭医生签约服务经费", "签约服务、健康管理", "38", "推进家庭医生签约服务", "重点人群签约率达标"],
        ["2031", "样例区卫生健康局", "3", "卫生应急物资储备", "应急物资", "12.5", "保障突发公共卫生事件物资供应", "储备满足7日需求"]]
    form2 = rows(year / "form2_expenditure_directions.csv")
    assert len(form2) == 1 + 8 + 4
    # 主管部门 and 所属专项名称 merged down over the fund's two directions belong to both
    assert [r[2:7] for r in form2[9:]] == [
        ["区卫生健康局", "基本公共卫生服务", "基本公共卫生服务补助", "2031年", "126.4"],
        ["区卫生健康局", "签约服务", "家庭医生签约服务经费", "2031年", "30"],
        ["区卫生健康局", "健康管理", "家庭医生签约服务经费", "2031年", "8"],
        ["区卫生健康局", "应急物资", "卫生应急物资储备", "2031年", "12.5"]]
    assert [r[-1] for r in form2[9:]] == ["95%", "90%", "90%", "100%"]  # numbers in a percent format
    assert form2[12][9:] == ["储备物资12类", "物资合格率100%", "2031年6月前完成", "", "", "应急处置能力提升", "", "", "100%"]
    assert rows(year / "form3_department_budget.csv")[2] == [
        "2031", "样例区卫生健康局", "480.4万元", "303.5", "176.9", "提升基本公共卫生服务均等化水平，做好卫生应急准备（虚构）。",
        "公共卫生服务支出300.4万元；医疗保障支出150万元；卫生应急支出30万元。", "居民健康水平提高（虚构）。", "", "同意"]
    assert rows(year / "form3_department_expenditures.csv")[4:] == [
        ["2031", "样例区卫生健康局", "1", "公共卫生服务支出", "300.4", "公共卫生服务支出300.4万元"],
        ["2031", "样例区卫生健康局", "2", "医疗保障支出", "150", "医疗保障支出150万元"],
        ["2031", "样例区卫生健康局", "3", "卫生应急支出", "30", "卫生应急支出30万元"]]
    assert rows(year / "forms.csv")[4] == [
        "2031", "样例区卫生健康局", "1", "2031年区级专项资金预算绩效目标汇总表（虚构测试数据）", "虚构市样例区卫生健康局",
        "单位：万元", "编制单位：虚构市样例区卫生健康局 单位：万元"]
    layout = [r for r in rows(year / "form_layout.csv") if r[1] == "样例区卫生健康局"]
    # form 1's header: six columns, 实施期绩效目标 merged over two sheet columns is one column of the form
    assert [r[3:] for r in layout if r[2] == "1"] == [
        ["1", "1", "1", "1", "序号", "序号"], ["1", "2", "1", "1", "专项支出\n名称", "专项支出名称"],
        ["1", "3", "1", "1", "支出方向", "支出方向"], ["1", "4", "1", "1", "资金总额", "资金总额"],
        ["1", "5", "1", "1", "实施期绩效目标", "实施期绩效目标"], ["1", "6", "1", "1", "年度绩效目标", "年度绩效目标"]]
    assert ["1", "8", "1", "9", "绩效指标", ""] in [r[3:] for r in layout if r[2] == "2"]
    assert ["2", "12", "1", "5", "效益指标", ""] in [r[3:] for r in layout if r[2] == "2"]
    assert ["1", "5", "3", "1", "支出方向\n年度金额", "支出方向年度金额"] in [r[3:] for r in layout if r[2] == "2"]
    form3 = [r[3:] for r in layout if r[2] == "3"]
    assert ["2", "1", "4", "1", "年度预算申请", ""] in form3
    assert ["1", "2", "1", "2", "", "部门名称"] in form3
    assert ["9", "3", "1", "1", "", "业务股室意见"] in form3  # an empty value keeps its place


def test_reimport_refuses_without_force_and_force_replaces_only_that_department(capsys, data):
    assert run(capsys, TEXT_2031, data)[0] == 0
    assert run(capsys, XLSX_2031, data)[0] == 0
    year = data / "2031"
    note = "2031,样例区社会事务局,special_funds,2031-yangli-shehui-01,专项名称,困难群众,虚构的编者说明。\r\n"
    with open(year / "notes.csv", "ab") as notes:
        notes.write(note.encode())
    before = snapshot(data)
    code, out, err = run(capsys, TEXT_2031, data)
    assert code == 1
    assert "已经导入过" in err and "already been imported" in err and "--force" in err and "FORCE=1" in err
    assert snapshot(data) == before

    changed = data.parent / "changed.txt"
    changed.write_bytes(TEXT_2031.read_bytes().replace("全年救助不少于400人次".encode(), "全年救助不少于450人次".encode()))
    others = {name: department_lines(year / name, "样例区卫生健康局") for name in ALL_FILES}
    code, out, err = run(capsys, changed, data, "--force")
    assert code == 0, err
    for name in ALL_FILES:
        assert department_lines(year / name, "样例区卫生健康局") == others[name], name
    assert (year / "notes.csv").read_bytes().endswith(note.encode())  # editor's notes are kept
    form1 = rows(year / "form1_special_funds.csv")
    assert len(form1) == 1 + 5 + 3
    assert form1[1][7] == "全年救助不少于450人次"
    assert [r[1] for r in form1[1:]] == ["样例区社会事务局"] * 5 + ["样例区卫生健康局"] * 3  # replaced where it was


# ---------------------------------------------------------------------------
# Bad input: a bilingual message naming the line or sheet!cell, exit code 1, nothing written
# ---------------------------------------------------------------------------

SOURCE_LINES = SOURCE.read_text(encoding="utf-8").split("\n")


def edited(replace=None, delete=()):
    """The 2019 source text with lines (1-based) replaced or deleted."""
    lines = list(SOURCE_LINES)
    for number, text in (replace or {}).items():
        lines[number - 1] = text
    return "\n".join(line for number, line in enumerate(lines, 1) if number not in delete).encode("utf-8")


TEXT_CASES = {
    "empty file": (b"", ["文件是空的", "The file is empty"]),
    "blank lines only": (b"\n\n  \n", ["文件是空的", "The file is empty"]),
    "not the forms": ("# 会议纪要\n\n今天开会。\n".encode(), ["第1行", "line 1", "不是公开的绩效目标表格文件",
                                                          "This is not the published forms"]),
    "utf-16 text": ("2019年区级专项资金预算绩效目标汇总表".encode("utf-16"), ["不是文本文件", "This is not a text file"]),
    "old excel file": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, [".xls", "另存为 .xlsx", "Save it"]),
    "damaged workbook": (b"PK\x03\x04" + b"not really a zip" * 10, ["无法作为 Excel 工作簿", "Cannot open it as an Excel workbook"]),
    "form 2 missing": (edited(delete=range(70, 262)), ["缺少表2", "form 2 (expenditure directions) is missing"]),
    "form 3 missing": (edited(delete=range(262, 301)), ["缺少表3", "form 3 (department declaration) is missing"]),
    "last row of form 1 short of a cell": (edited(delete=[67]), ["第62行", "line 62", "只有5个单元格", "has only 5 cells"]),
    "a cell missing inside form 1": (edited(delete=[13]), ["第11行", "line 11", "第18行紧接着还有单元格", "line 18 goes on"]),
    "a cell missing inside form 2": (edited(delete=[121]), ["第113行", "line 113", "Check this row"]),
    "amount not a number": (edited({14: "\t九十"}), ["第14行", "line 14", "“九十”不是金额", "'九十' is not an amount"]),
    "amount in form 3 not a number": (edited({279: "\t一千二百万元"}), ["第279行", "line 279", "不是金额", "is not an amount"]),
    "sequence number not whole": (edited({18: "\t2.5"}), ["第18行", "line 18", "不是正整数", "not a whole number"]),
    "years differ between forms": (edited({70: "2018年区级专项资金支出方向绩效目标表"}),
                                   ["第70行", "line 70", "年度不一致", "disagree on the year", "2018"]),
    "title without a year": (edited({1: "区级专项资金预算绩效目标汇总表"}), ["第1行", "line 1", "没有以年度开头", "does not start with the year"]),
    "unknown department": (edited({3: SOURCE_LINES[2].replace("民政局", "城管局"), 72: SOURCE_LINES[71].replace("民政局", "城管局"),
                                   264: "\t石峰区城管局"}),
                           ["第3行", "line 3", "石峰区城管局,英文编码,株洲市石峰区城管局,", "not in the 全称 column"]),
    "form 3 names another department": (edited({264: "\t石峰区财政局"}), ["第264行", "line 264", "石峰区财政局", "Form 3 names"]),
    "forms 1 and 2 by different departments": (edited({72: SOURCE_LINES[71].replace("民政局", "城管局")}),
                                               ["第72行", "line 72", "编制单位不同", "different departments"]),
    "amounts in yuan": (edited({3: SOURCE_LINES[2].replace("万元", "元")}), ["第3行", "line 3", "金额须以万元为单位", "in 万元"]),
    "unknown header": (edited({5: "\t专项支出明称"}), ["第5行", "line 5", "专项支出明称", "是不是“专项支出名称”", "Did you mean"]),
    "unknown form 3 label": (edited({281: "\t总体目标"}), ["第281行", "line 281", "无法识别的标签", "Unknown label"]),
    "form 3 rows run together": (edited(delete=[283]), ["第283行", "line 283", "第281行", "少了一个空行", "blank line between the rows"]),
    "stray line between forms": (edited({69: "附件："}), ["第69行", "line 69", "无法识别这一行", "Cannot place the line"]),
    "breakdown that cannot be split": (
        edited({286: SOURCE_LINES[285].replace("抚恤支出249.87万元", "抚恤支出若干")}),
        ["第286行", "line 286", "抚恤支出若干", "cannot be split"]),
}


@pytest.mark.parametrize("content, expected", TEXT_CASES.values(), ids=TEXT_CASES.keys())
def test_bad_text_input(capsys, data, content, expected):
    assert run(capsys, TEXT_2031, data)[0] == 0  # an existing year folder that must stay as it is
    before = snapshot(data)
    bad = data.parent / "bad.txt"
    bad.write_bytes(content)
    code, out, err = run(capsys, bad, data)
    assert code == 1
    assert "导入失败" in err and "Import failed" in err and "no file was written" in err
    for text in expected:
        assert text in err, (text, err)
    assert snapshot(data) == before


def save_changed_workbook(change, path):
    workbook = openpyxl.load_workbook(XLSX_2031)
    change(workbook)
    workbook.save(path)


def with_stored_number(path, stored):
    """The workbook with 专项汇总!D4 (126.4) stored as Excel writes a double, with 17 digits: openpyxl itself
    would write the shortest form."""
    sheet = "xl/worksheets/sheet3.xml"  # 专项汇总, the third sheet make_xlsx.py creates
    with zipfile.ZipFile(XLSX_2031) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == sheet:
                old = b'<c r="D4" s="1" t="n"><v>126.4</v></c>'
                assert old in content
                content = content.replace(old, old.replace(b"126.4", stored.encode()))
            target.writestr(item, content)


def set_cell(sheet, ref, value, number_format=None):
    def change(workbook):
        workbook[sheet][ref] = value
        if number_format:
            workbook[sheet][ref].number_format = number_format
    return change


def regroup(workbook):
    """产出指标 merged over five indicator columns instead of its four."""
    sheet = workbook["支出方向 表二"]
    sheet.unmerge_cells("H4:K4")
    sheet.unmerge_cells("L4:P4")
    sheet["M4"] = sheet["L4"].value
    sheet["L4"] = None
    sheet.merge_cells("H4:L4")
    sheet.merge_cells("M4:P4")


def add_sheet(workbook):
    workbook.create_sheet("说明")["A1"] = "填表说明：请按要求填写"


XLSX_CASES = {
    "amount as words": (set_cell("专项汇总", "D6", "十二点五"), ["专项汇总!D6", "“十二点五”不是金额", "is not an amount"]),
    "float noise": (None, ["专项汇总!D4", "浮点误差", "float noise", "126.40000000000003"]),
    "formula": (set_cell("专项汇总", "D5", "=30+8"), ["专项汇总!D5", "公式", "formula"]),
    "date": (set_cell("支出方向 表二", "E6", __import__("datetime").datetime(2031, 3, 4)),
             ["'支出方向 表二'!E6", "日期", "date"]),
    "text beside the table": (set_cell("专项汇总", "I5", "备注：已调整"), ["专项汇总!I5", "属于哪一列", "which column"]),
    "years differ": (set_cell("支出方向 表二", "A1", "2030年区级专项资金支出方向绩效目标表"),
                     ["'支出方向 表二'!A1", "年度不一致", "disagree on the year"]),
    "group header over the wrong columns": (regroup, ["'支出方向 表二'!H4", "表头“产出指标”下面应正好是",
                                                      "must span exactly"]),
    "unknown header": (set_cell("专项汇总", "D3", "金额"), ["专项汇总!D3", "无法识别", "unknown cell '金额'"]),
    "form 3 missing": (lambda workbook: workbook.remove(workbook["部门整体"]), ["缺少表3", "is missing"]),
    "a sheet that is no form": (add_sheet, ["说明!A1", "不是三张表的表名", "is not the title"]),
    "form 3 without 部门名称": (set_cell("部门整体", "A2", "单位名称"), ["部门整体!A2", "单位名称", "Unknown label"]),
    "form 3 department differs": (set_cell("部门整体", "B2", "样例区社会事务局"), ["部门整体!B2", "Form 3 names"]),
    "unit row without 万元": (set_cell("专项汇总", "G2", "单位：元"), ["专项汇总!A2", "金额须以万元为单位", "in 万元"]),
}


@pytest.mark.parametrize("change, expected", XLSX_CASES.values(), ids=XLSX_CASES.keys())
def test_bad_workbook(capsys, data, change, expected):
    assert run(capsys, TEXT_2031, data)[0] == 0
    before = snapshot(data)
    bad = data.parent / "bad.xlsx"
    if change is None:
        with_stored_number(bad, "126.40000000000003")
    else:
        save_changed_workbook(change, bad)
    code, out, err = run(capsys, bad, data)
    assert code == 1
    assert "导入失败" in err and "Import failed" in err
    for text in expected:
        assert text in err, (text, err)
    assert snapshot(data) == before


def test_a_double_stored_with_17_digits_reads_as_typed(capsys, data):
    """Excel stores 126.4 as 126.40000000000001: the same double, so it reads as 126.4."""
    workbook = data.parent / "typed.xlsx"
    with_stored_number(workbook, "126.40000000000001")
    assert run(capsys, workbook, data)[0] == 0
    assert rows(data / "2031" / "form1_special_funds.csv")[1][5] == "126.4"


EDIT_LINES = ["", "\t", "\t\t", "x", "\t合计", "\t-5", "\t1e3", "单位：元", "\t部门名称", "\t产出指标", "\t绩效指标",
              "2019年区级专项资金支出方向绩效目标表", "部门整体支出绩效申报表"]


@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(["delete", "insert", "replace", "cut"]),
                                st.integers(0, len(SOURCE_LINES) - 1), st.sampled_from(EDIT_LINES), st.integers(0, 40)),
                      min_size=1, max_size=3))
def test_any_edit_of_the_document_is_imported_or_reported(tmp_path, edits):
    """Lines deleted, inserted, replaced or cut short anywhere: either drafts or a report, never anything else."""
    lines = list(SOURCE_LINES)
    for action, index, text, cut in edits:
        index = min(index, len(lines) - 1)
        if action == "delete":
            del lines[index]
        elif action == "insert":
            lines.insert(index, text)
        elif action == "replace":
            lines[index] = text
        else:
            lines[index] = lines[index][:cut]
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "departments.csv").write_bytes((ROOT / "data" / "departments.csv").read_bytes())
    document = folder / "document.txt"
    document.write_text("\n".join(lines), encoding="utf-8")
    try:
        import_document(document, folder)
    except ImportFailed as failed:
        assert failed.problems and all(problem.zh and problem.en for problem in failed.problems)
        assert sorted(p.name for p in folder.iterdir()) == ["departments.csv", "document.txt"]  # nothing written
    else:
        assert sorted(p.name for p in (folder / "2019").iterdir()) == sorted(ALL_FILES)


def test_a_document_filed_under_another_year_or_department_is_refused(capsys, data, tmp_path):
    """source/<年度>/<部门编码>.<格式> is how the site finds the document behind each figure."""
    (tmp_path / "source" / "2031").mkdir(parents=True)
    misfiled = tmp_path / "source" / "2031" / "yangli-weijian.txt"
    misfiled.write_bytes(TEXT_2031.read_bytes())  # 样例区社会事务局's forms under 样例区卫生健康局's code
    code, out, err = run(capsys, misfiled, data)
    assert code == 1 and "source/2031/yangli-shehui.txt" in err and "文件名与内容不符" in err and "does not match" in err
    assert not (data / "2031").exists()
    filed = tmp_path / "source" / "2031" / "yangli-shehui.txt"
    filed.write_bytes(TEXT_2031.read_bytes())
    assert run(capsys, filed, data)[0] == 0


def test_missing_source_and_missing_departments(capsys, data, tmp_path):
    code, out, err = run(capsys, tmp_path / "nowhere.txt", data)
    assert code == 1 and "无法读取文件" in err and "Cannot read the file" in err
    (data / "departments.csv").unlink()
    code, out, err = run(capsys, SOURCE, data)
    assert code == 1 and "departments.csv" in err and "找不到部门登记表" in err and "department list is missing" in err
    assert not (data / "2019").exists()


def test_command_line_and_make_target(tmp_path, data):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = subprocess.run([sys.executable, "-m", "builder.importer", str(empty), "--data", str(data)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "文件是空的" in result.stderr and "Traceback" not in result.stderr
    result = subprocess.run([sys.executable, "-m", "builder.importer", str(SOURCE), "--data", str(data)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and (data / "2019" / "forms.csv").exists()
    result = subprocess.run(["make", "-s", "import", f"DATA_DIR={data}"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0 and "make import SOURCE=" in result.stderr


@pytest.mark.parametrize("value, number_format, text", [
    (90.0, "General", "90"), (249.87, "General", "249.87"), (1266.87, "0.00", "1266.87"), (3, "General", "3"),
    (1e-05, "General", "0.00001"), (1e16, "General", "10000000000000000"), (0.95, "0%", "95%"), (1, "0%", "100%"),
    (387664.6, "0.00", "387664.60"), (600000, "#,##0.00", "600000.00"), (0.982, "0.00%", "98.20%"),
    (1.2345, "0.00", "1.2345"),
    (0.075, "0.0%", "7.5%")])
def test_numbers_read_as_a_person_reads_them(value, number_format, text):
    assert number_text(value, number_format) == (text, None)


def test_float_noise_is_reported_not_rounded():
    text, problem = number_text(0.1 + 0.2, "General")
    assert text is None and "浮点误差" in problem[0] and "float noise" in problem[1]
