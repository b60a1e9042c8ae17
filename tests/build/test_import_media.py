"""make import for the standard target table (项目支出绩效目标申报表) in every medium (issue 20).

Expected values come from outside the importer: the reference CSVs that the data-model helper copied by hand from
the sample document (tests/fixtures/standard/2031/), and literals of documents written here with python-docx,
openpyxl and Chromium. Broken files are refused with a bilingual message and nothing written (self-evaluations:
test_import_selfeval.py).
"""
import csv
import hashlib
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

from builder.importer.__main__ import main
from conftest import ROOT

SAMPLES = Path("/work/shared/forms/samples")
if not SAMPLES.is_dir():
    SAMPLES = ROOT / "tests" / "fixtures" / "standard" / "samples"
REFERENCE = ROOT / "tests" / "fixtures" / "standard" / "2031"
FILES = ["projects.csv", "project_funding.csv", "project_indicators.csv"]
MEDIA = ["xlsx", "xls", "docx", "html", "pdf", "txt"]
SAMPLE_PDF = "2031/shili-jiaotong/shili-jiaotong-2031-targets.pdf"


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    extra = (ROOT / "tests" / "fixtures" / "standard" / "departments.csv").read_bytes().decode("utf-8-sig")
    (folder / "departments.csv").write_bytes((ROOT / "data" / "departments.csv").read_bytes()
                                             + extra.split("\n", 1)[1].encode("utf-8"))
    return folder


def run(capsys, source, data, *options):
    code = main([str(source), "--data", str(data), *options])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def reference(name, document):
    """The reference CSV with 原始文件 naming the file imported (the reference names the sample's .pdf)."""
    return (REFERENCE / name).read_bytes().replace(SAMPLE_PDF.encode(), document.encode())


def rows(path):
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def snapshot(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------
# The shared samples, six media each
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("medium", MEDIA)
def test_each_medium_of_the_target_sample_gives_the_reference_csvs(capsys, data, tmp_path, medium):
    downloaded = tmp_path / "downloads" / f"shili-jiaotong-2031-targets.{medium}"
    downloaded.parent.mkdir()
    downloaded.write_bytes((SAMPLES / downloaded.name).read_bytes())
    code, out, err = run(capsys, downloaded, data)
    assert code == 0, err
    assert "2031" in out and "示例区交通运输局" in out and "1 个项目，10 条指标" in out
    document = f"2031/shili-jiaotong/{downloaded.name}"
    for name in FILES:
        assert (data / "2031" / name).read_bytes() == reference(name, document), name
    filed = tmp_path / "source" / document
    assert filed.read_bytes() == downloaded.read_bytes()  # filed under source/<year>/<code>/ as downloaded
    assert sorted(p.name for p in (data / "2031").iterdir()) == sorted(FILES + ["notes.csv"])
    assert (data / "2031" / "notes.csv").read_bytes() == (REFERENCE / "notes.csv").read_bytes()


def test_reimport_needs_force_and_replaces_the_documents_rows(capsys, data, tmp_path):
    sample = SAMPLES / "shili-jiaotong-2031-targets.xlsx"
    assert run(capsys, sample, data)[0] == 0
    before = snapshot(tmp_path)
    code, out, err = run(capsys, sample, data)
    assert code == 1 and "已经导入过" in err and "FORCE=1" in err and "already" in err
    assert snapshot(tmp_path) == before
    assert run(capsys, sample, data, "--force")[0] == 0
    assert (data / "2031" / "projects.csv").read_bytes() == reference(
        "projects.csv", "2031/shili-jiaotong/shili-jiaotong-2031-targets.xlsx")
    # a second document of the department continues its 序号
    other = tmp_path / "another-name.html"
    other.write_bytes((SAMPLES / "shili-jiaotong-2031-targets.html").read_bytes())
    assert run(capsys, other, data)[0] == 0
    projects = rows(data / "2031" / "projects.csv")
    assert [(p["序号"], p["原始文件"]) for p in projects] == [
        ("1", "2031/shili-jiaotong/shili-jiaotong-2031-targets.xlsx"), ("2", "2031/shili-jiaotong/another-name.html")]
    assert {r["序号"] for r in rows(data / "2031" / "project_indicators.csv")} == {"1", "2"}


# ---------------------------------------------------------------------------
# Text copies: pipes, one cell per line, half-width punctuation
# ---------------------------------------------------------------------------

SAMPLE_TEXT = (SAMPLES / "shili-jiaotong-2031-targets.txt").read_text(encoding="utf-8")


def as_pipes(text):
    return "\n".join("| " + " | ".join(line.split("\t")) + " |" if "\t" in line else line for line in text.split("\n"))


def one_cell_per_line(text):
    form = text[text.index("项目支出绩效目标申报表"):]
    return "\n".join(cell.strip() for line in form.split("\n") if line.strip() for cell in line.split("\t"))


def half_width(text):
    return text.replace("（", "(").replace("）", ")").replace("：", ":")


def tab_led(text):
    """The rendering of the bureau's 2019 text file: each cell a line led by a tab, a blank line after each row."""
    out = []
    for line in text.split("\n"):
        out += ["\t" + cell for cell in line.split("\t")] if "\t" in line else [line]
        out.append("")
    return "\n".join(out)


@pytest.mark.parametrize("change", [as_pipes, one_cell_per_line, tab_led], ids=["pipes", "one cell per line", "tab-led"])
def test_text_copies_of_other_shapes_give_the_reference(capsys, data, tmp_path, change):
    copy = tmp_path / "copy.txt"
    copy.write_text(change(SAMPLE_TEXT), encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 0, err
    for name in FILES:
        assert (data / "2031" / name).read_bytes() == reference(name, "2031/shili-jiaotong/copy.txt"), name


def test_half_width_punctuation_is_accepted_and_kept_verbatim(capsys, data, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_text(half_width(SAMPLE_TEXT), encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 0, err
    project = rows(data / "2031" / "projects.csv")[0]
    assert project["资金单位"] == "万元" and project["中期目标标题"] == "中期目标(2031年—2033年)"
    assert project["中期资金总额"] == "1260" and project["年度资金总额"] == "420"
    funding = rows(data / "2031" / "project_funding.csv")
    assert [f["资金项目"] for f in funding] == ["其中:财政拨款", "其他资金", "其中:财政拨款", "其他资金"]
    assert len(rows(data / "2031" / "project_indicators.csv")) == 10


# ---------------------------------------------------------------------------
# Variants written here: 元 with 角分, 长期, 指标性质/度量单位/分值 columns, 满意度 as 一级, two projects
# ---------------------------------------------------------------------------

PROJECT_ROWS = [  # (cells with colspans): an annual-only form in 元 with separate 指标性质 … 分值 columns
    [("项目名称", 2), ("{name}", 5)],
    [("主管部门及代码", 2), ("[518003]示例区交通运输局", 2), ("实施单位", 1), ("示例区交通运输局", 2)],
    [("项目属性", 2), ("经常性项目", 2), ("项目期", 1), ("1年", 2)],
    [("项目资金（元）", 2), ("年度资金总额：", 2), ("{total}", 3)],
    [("", 2), ("其中：财政拨款", 2), ("972000.50", 3)],
    [("", 2), ("上年结转", 2), ("", 3)],
    [("总体目标", 2), ("年度目标", 5)],
    [("", 2), ("{target}", 5)],
    [("绩效指标", 1), ("一级指标", 1), ("二级指标", 1), ("三级指标", 1), ("指标性质", 1), ("指标值", 1), ("度量单位", 1)],
    [("", 1), ("产出指标", 1), ("数量指标", 1), ("公交线路", 1), ("≥", 1), ("18", 1), ("条", 1)],
    [("", 1), ("", 1), ("数量指标", 1), ("站台改造", 1), ("=", 1), ("12", 1), ("个", 1)],
    [("", 1), ("", 1), ("数量指标", 1), ("指标1：", 1), ("", 1), ("", 1), ("", 1)],
    [("", 1), ("效益指标", 1), ("社会效益指标", 1), ("出行便利", 1), ("定性", 1), ("明显改善", 1), ("", 1)],
    [("", 1), ("满意度指标", 1), ("服务对象满意度指标", 1), ("乘客满意度", 1), ("≥", 1), ("85", 1), ("%", 1)],
]


def write_docx(path, projects):
    """Two projects, each a title paragraph and a table; the 绩效指标 and 一级 cells merged down as Word does."""
    document = docx.Document()
    document.add_paragraph("示例区交通运输局2032年项目支出绩效目标表")
    for values in projects:
        document.add_paragraph("项目支出绩效目标申报表")
        document.add_paragraph("（2032年度）")
        table = document.add_table(rows=len(PROJECT_ROWS), cols=7)
        for r, row in enumerate(PROJECT_ROWS):
            col = 0
            for text, span in row:
                cell = table.cell(r, col)
                if span > 1:
                    cell = cell.merge(table.cell(r, col + span - 1))
                cell.text = text.format(**values)
                col += span
        table.cell(8, 0).merge(table.cell(13, 0))
        table.cell(9, 1).merge(table.cell(11, 1)).text = "产出指标"
        document.add_paragraph("")
    document.save(path)


TWO_PROJECTS = [dict(name="公交运营补贴", total="972000.50", target="保障城乡公交正常运营。"),
                dict(name="站台改造", total="387664.62", target="改造公交站台12个。")]


def test_word_document_with_two_projects_in_yuan_and_indicator_columns(capsys, data, tmp_path):
    path = tmp_path / "绩效目标表.docx"
    write_docx(path, TWO_PROJECTS)
    code, out, err = run(capsys, path, data)
    assert code == 0, err
    projects = rows(data / "2032" / "projects.csv")
    assert [(p["序号"], p["项目名称"], p["资金单位"], p["年度资金总额"], p["中期资金总额"], p["年度目标"]) for p in projects] == [
        ("1", "公交运营补贴", "元", "972000.50", "", "保障城乡公交正常运营。"),
        ("2", "站台改造", "元", "387664.62", "", "改造公交站台12个。")]
    funding = rows(data / "2032" / "project_funding.csv")
    assert [(f["序号"], f["期别"], f["资金项目"], f["金额"]) for f in funding] == [
        ("1", "年度", "其中：财政拨款", "972000.50"), ("1", "年度", "上年结转", ""),
        ("2", "年度", "其中：财政拨款", "972000.50"), ("2", "年度", "上年结转", "")]
    indicators = [list(r.values())[3:] for r in rows(data / "2032" / "project_indicators.csv") if r["序号"] == "1"]
    assert indicators == [
        ["年度", "1", "产出指标", "数量指标", "公交线路", "≥", "18", "条", ""],
        ["年度", "2", "产出指标", "数量指标", "站台改造", "=", "12", "个", ""],
        ["年度", "3", "效益指标", "社会效益指标", "出行便利", "定性", "明显改善", "", ""],
        ["年度", "4", "满意度指标", "服务对象满意度指标", "乘客满意度", "≥", "85", "%", ""]]


def test_workbook_with_long_term_half_and_weights(capsys, data, tmp_path):
    """长期 instead of 中期, 权重 as a column, several 三级 under one merged 二级, numbers stored as numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目1"
    grid = [
        ["项目支出绩效目标申报表"], ["（2033年度）"],
        ["项目名称", "桥梁检测"], ["主管部门及代码", "[518003]示例区交通运输局", "实施单位", "示例区交通运输局"],
        ["项目资金（万元）", "长期资金总额：", 300, "年度资金总额：", 100],
        [None, "其中：财政拨款", 300, "其中：财政拨款", 100],
        ["总体目标", "长期目标", None, "年度目标"], [None, "桥梁全部检测", None, "检测桥梁20座"],
        ["绩效指标", "一级指标", "长期指标", None, None, "年度指标", None, None],
        [None, None, "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值", "权重"],
        [None, "产出指标", "数量指标", "检测桥梁", "60座", "数量指标", "检测桥梁", "20座", 20],
        [None, None, None, "出具报告", "60份", None, "出具报告", "20份", 10],
    ]
    for row in grid:
        sheet.append(row)
    for ref in ("B9:B10", "A9:A12", "C9:E9", "F9:H9", "B11:B12", "C11:C12", "F11:F12", "A5:A6", "A7:A8"):
        sheet.merge_cells(ref)
    sheet["C5"].number_format = sheet["E5"].number_format = "0.00"
    path = tmp_path / "download.xlsx"
    book.save(path)
    code, out, err = run(capsys, path, data)
    assert code == 0, err
    project = rows(data / "2033" / "projects.csv")[0]
    assert (project["中期资金总额"], project["年度资金总额"], project["中期目标标题"], project["中期目标"]) == (
        "300.00", "100.00", "长期目标", "桥梁全部检测")
    indicators = [list(r.values())[3:] for r in rows(data / "2033" / "project_indicators.csv")]
    assert indicators == [
        ["中期", "1", "产出指标", "数量指标", "检测桥梁", "", "60座", "", ""],
        ["中期", "2", "产出指标", "数量指标", "出具报告", "", "60份", "", ""],
        ["年度", "1", "产出指标", "数量指标", "检测桥梁", "", "20座", "", "20"],
        ["年度", "2", "产出指标", "数量指标", "出具报告", "", "20份", "", "10"]]


def test_a_table_broken_across_pdf_pages_is_joined(capsys, data, tmp_path):
    """Chromium prints a saved page whose table runs onto a second page; every indicator row is read."""
    page = (SAMPLES / "shili-jiaotong-2031-targets.html").read_text(encoding="utf-8")
    row = "<tr><td>数量指标</td><td>养护路段{n}</td><td>{n}公里</td><td>数量指标</td><td>养护路段{n}</td><td>{n}公里</td></tr>"
    extra = "".join(row.format(n=n) for n in range(1, 41))
    page = page.replace("<td rowspan=8>绩效指标</td>", "<td rowspan=48>绩效指标</td>").replace(
        "<td rowspan=4>产出指标</td>", "<td rowspan=44>产出指标</td>")
    marker = "<tr><td>质量指标</td>"
    page = page.replace(marker, extra + marker, 1)
    html = tmp_path / "long.html"
    html.write_text(page, encoding="utf-8")
    pdf = tmp_path / "long.pdf"
    subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html.as_uri()], capture_output=True, timeout=120, check=True)
    import pdfplumber
    with pdfplumber.open(pdf) as opened:
        assert len(opened.pages) >= 2
    code, out, err = run(capsys, pdf, data)
    assert code == 0, err
    indicators = rows(data / "2031" / "project_indicators.csv")
    assert len(indicators) == 10 + 80
    annual = [(r["一级指标"], r["三级指标"], r["指标值"]) for r in indicators if r["期别"] == "年度"]
    assert annual[2] == ("产出指标", "养护路段1", "1公里") and annual[41] == ("产出指标", "养护路段40", "40公里")
    assert annual[-1] == ("满意度指标", "沿线群众满意度", "≥90%")


# ---------------------------------------------------------------------------
# Broken and foreign input: a bilingual message, no traceback, nothing written or filed
# ---------------------------------------------------------------------------

IMAGE_ONLY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                  b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n"
                  b"4 0 obj<</Length 35>>stream\n0 0 1 rg 100 100 200 200 re f\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
BROKEN = {
    "empty file": (lambda: b"", ["文件是空的", "The file is empty"]),
    "random bytes": (lambda: bytes(range(256)) * 8, ["不是文本文件", "not a text file", ".docx"]),
    "truncated docx": (lambda: (SAMPLES / "shili-jiaotong-2031-targets.docx").read_bytes()[:3000],
                       ["无法作为", "Cannot open it as"]),
    "truncated xlsx": (lambda: (SAMPLES / "shili-jiaotong-2031-targets.xlsx").read_bytes()[:2000],
                       ["无法作为 Excel 工作簿", "Cannot open it as an Excel workbook"]),
    "truncated xls": (lambda: (SAMPLES / "shili-jiaotong-2031-targets.xls").read_bytes()[:1500], [".xls", "Save it"]),
    "image-only pdf": (lambda: IMAGE_ONLY_PDF, ["没有文字，只有图片", "holds no text, only images"]),
    "html page without a form": (lambda: "<html><body><table><tr><td>索引号</td><td>1</td></tr></table><p>通知</p></body></html>"
                                 .encode(), ["无法识别这个网页", "支持的版式", "Supported layouts", "项目名称"]),
    "form without indicators": (lambda: SAMPLE_TEXT.split("绩效指标")[0].encode(),
                                ["找到“项目名称”", "没有找到“绩效指标”", "Found 项目名称"]),
    "unknown department": (lambda: SAMPLE_TEXT.replace("[518003]示例区交通运输局", "[518009]示例区水利局").encode(),
                           ["示例区水利局,英文编码,示例区水利局,", "not in departments.csv"]),
    "amount finer than a fen": (lambda: SAMPLE_TEXT.replace("\t1260\t", "\t1260.1234567\t").encode(),
                                ["1260.1234567", "比一分钱还细", "finer than one fen"]),
}


@pytest.mark.parametrize("make, expected", BROKEN.values(), ids=BROKEN.keys())
def test_broken_input_is_refused_with_a_message_and_nothing_written(capsys, data, tmp_path, make, expected):
    run(capsys, SAMPLES / "shili-jiaotong-2031-targets.html", data)  # an existing year that must stay as it is
    before = snapshot(tmp_path)
    bad = tmp_path / "incoming" / "download"
    bad.parent.mkdir()
    bad.write_bytes(make())
    before[str(bad.relative_to(tmp_path))] = hashlib.sha256(bad.read_bytes()).hexdigest()
    code, out, err = run(capsys, bad, data)
    assert code == 1
    assert "导入失败" in err and "Import failed" in err and "download" in err
    for text in expected:
        assert text in err, (text, err)
    assert snapshot(tmp_path) == before


def test_folder_import_prints_a_triage_table(capsys, data, tmp_path):
    folder = tmp_path / "county"
    folder.mkdir()
    for name in ("shili-jiaotong-2031-targets.docx", "shili-jiaotong-2031-selfeval.pdf"):
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    (folder / "scan.pdf").write_bytes(IMAGE_ONLY_PDF)
    code, out, err = run(capsys, folder, data)
    assert code == 1  # some were refused
    table = {line.split("\t")[0]: line.split("\t") for line in out.splitlines() if "\t" in line}
    assert table["shili-jiaotong-2031-targets.docx"][1:] == ["项目支出绩效目标申报表", "2031", "示例区交通运输局", "1", "10"]
    assert table["shili-jiaotong-2031-selfeval.pdf"][1:] == ["项目支出绩效自评表", "2031", "示例区交通运输局", "2", "13"]
    assert "只有图片" in table["scan.pdf"][5]
    assert "3/3" in err and "共 3 个文件：导入 2 个，未导入 1 个" in out
    assert sorted(p.name for p in (tmp_path / "source" / "2031" / "shili-jiaotong").iterdir()) == [
        "shili-jiaotong-2031-selfeval.pdf", "shili-jiaotong-2031-targets.docx"]


def test_drafts_of_several_media_build_beside_2019(capsys, data, tmp_path):
    """The 2019 document and, for 2031, the sample as .docx plus the two-project Word document in 元 as a second
    document of the department: the real build accepts the drafts and the documents filed under source/."""
    assert run(capsys, ROOT / "source" / "2019" / "shifeng-minzheng.txt", data)[0] == 0
    assert run(capsys, SAMPLES / "shili-jiaotong-2031-targets.docx", data)[0] == 0
    second = tmp_path / "第二批.docx"
    write_docx(second, TWO_PROJECTS)
    document = docx.Document(second)
    for paragraph in document.paragraphs:
        if paragraph.text == "（2032年度）":
            paragraph.text = "（2031年度）"
        if paragraph.text == "示例区交通运输局2032年项目支出绩效目标表":  # the title too: years that disagree are refused
            paragraph.text = "示例区交通运输局2031年项目支出绩效目标表"
    document.save(second)
    assert run(capsys, second, data)[0] == 0
    source = tmp_path / "source"
    (source / "2019").mkdir()
    (source / "2019" / "shifeng-minzheng.txt").write_bytes((ROOT / "source" / "2019" / "shifeng-minzheng.txt").read_bytes())
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "build_db.py", "--data", str(data), "--site", str(site), "--source", str(source)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    budget = sqlite3.connect(site / "budget.db")
    assert budget.execute("select count(*) from special_funds where 年度 = '2031'").fetchone()[0] == 3
    indicators = budget.execute("select count(*) from performance_indicators where 年度 = '2031' and 三级指标 is not null")
    assert indicators.fetchone()[0] == 10 + 4 + 4


OLDER_FORM = """项目支出绩效目标表
（2034年度）
项目名称\t道路清扫
主管部门及代码\t[518003]示例区交通运输局
实施单位\t示例区交通运输局
项目资金(万元)\t年度资金总额:\t88.5
\t其中:财政拨款\t88.5
总体目标\t年度目标
\t完成主干道清扫。
绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t清扫面积\t120万平方米
\t\t\t指标2:\t
\t\t时效指标\t完成时间\t12月底前
\t效益指标\t社会效益指标\t市容整洁\t明显改善
\t\t服务对象满意度指标\t市民满意度\t≥85%
\t\t……\t……\t
"""


def test_an_older_annual_only_form_as_a_text_copy(capsys, data, tmp_path):
    """Annual half only, half-width punctuation, a 绩效指标 column the data rows leave empty, 满意度 as a 二级 under
    效益指标, template rows (指标2:, ……) left in."""
    copy = tmp_path / "older.txt"
    copy.write_text(OLDER_FORM, encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 0, err
    project = rows(data / "2034" / "projects.csv")[0]
    assert (project["项目名称"], project["资金单位"], project["年度资金总额"], project["中期资金总额"], project["年度目标"]) == (
        "道路清扫", "万元", "88.5", "", "完成主干道清扫。")
    indicators = [list(r.values())[3:11] for r in rows(data / "2034" / "project_indicators.csv")]
    assert indicators == [
        ["年度", "1", "产出指标", "数量指标", "清扫面积", "", "120万平方米", ""],
        ["年度", "2", "产出指标", "时效指标", "完成时间", "", "12月底前", ""],
        ["年度", "3", "效益指标", "社会效益指标", "市容整洁", "", "明显改善", ""],
        ["年度", "4", "效益指标", "服务对象满意度指标", "市民满意度", "", "≥85%", ""]]


def test_a_web_page_saved_in_gb18030(capsys, data, tmp_path):
    page = (SAMPLES / "shili-jiaotong-2031-targets.html").read_text(encoding="utf-8").replace("charset=\"utf-8\"", "charset=\"gbk\"")
    page = page.replace("<meta charset=utf-8>", "<meta charset=gbk>").replace('<meta charset="utf-8">', '<meta charset="gbk">')
    saved = tmp_path / "page.htm"
    saved.write_bytes(page.encode("gb18030"))
    code, out, err = run(capsys, saved, data)
    assert code == 0, err
    for name in FILES:
        assert (data / "2031" / name).read_bytes() == reference(name, "2031/shili-jiaotong/page.htm"), name


def test_unit_on_a_line_above_and_department_from_the_title(capsys, data, tmp_path):
    """No 主管部门 on the form: the department is the registered name in the page's title; the unit is on the
    单位 line above the table, 元 with 角分."""
    text = OLDER_FORM.replace("主管部门及代码\t[518003]示例区交通运输局\n", "").replace("项目资金(万元)", "项目资金").replace(
        "项目支出绩效目标表\n", "示例区交通运输局2034年项目支出绩效目标表\n编制单位:示例区交通运输局  单位:元\n").replace("88.5", "885000.05")
    copy = tmp_path / "unit.txt"
    copy.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 0, err
    project = rows(data / "2034" / "projects.csv")[0]
    assert (project["部门"], project["主管部门及代码"], project["资金单位"], project["年度资金总额"]) == (
        "示例区交通运输局", "", "元", "885000.05")
    assert (tmp_path / "source" / "2034" / "shili-jiaotong" / "unit.txt").exists()
    no_unit = tmp_path / "no-unit.txt"
    no_unit.write_text(text.replace("  单位:元", ""), encoding="utf-8")
    code, out, err = run(capsys, no_unit, data)
    assert code == 1 and "项目资金没有写单位" in err and "states no unit" in err and "第6行" in err


def form_cells(path):
    """The form's cells in reading order, from 项目名称 to the end of its table: (text, column, spans) where the
    medium places cells, the text alone for a text copy."""
    from builder.importer.media import read_grid
    medium, blocks = read_grid(path)
    block = next(b for b in blocks if any(c.text == "项目名称" for row in b.rows for c in row))
    cells = [c for row in block.rows for c in row]
    cells = cells[next(i for i, c in enumerate(cells) if c.text == "项目名称"):]
    cells = [c for c in cells if not any(word in c.text for word in ("附件", "打印本页"))]
    return [c.text for c in cells] if block.ragged else [(c.text, c.col, c.rowspan, c.colspan) for c in cells]


def test_the_six_media_give_the_same_grid():
    placed = {medium: form_cells(SAMPLES / f"shili-jiaotong-2031-targets.{medium}") for medium in MEDIA if medium != "txt"}
    assert placed["xlsx"][:3] == [("项目名称", 0, 1, 2), ("农村公路养护", 2, 1, 6), ("主管部门及代码", 0, 1, 2)]
    assert ("绩效指标", 0, 8, 1) in placed["xlsx"] and ("产出指标", 1, 4, 1) in placed["xlsx"]
    for medium, cells in placed.items():
        assert cells == placed["xlsx"], medium
    texts = form_cells(SAMPLES / "shili-jiaotong-2031-targets.txt")
    assert [t for t in texts if t] == [c[0] for c in placed["xlsx"] if c[0]]


def test_a_page_whose_site_lays_out_everything_in_tables(capsys, data, tmp_path):
    """Many sites put the whole page in layout tables; the form is the table inside, with <tbody>, <th>, spans and
    line breaks in its cells."""
    page = (SAMPLES / "shili-jiaotong-2031-targets.html").read_text(encoding="utf-8")
    body = page[page.index("<body>") + 6:page.index("</body>")]
    body = body.replace("<table>\n<tr>", "<table><tbody><tr>", 1).replace(
        "<td colspan=6>农村公路养护</td>", "<th colspan=6><span>农村公路</span><b>养护</b></th>")
    wrapped = (page[:page.index("<body>") + 6] + "<table class=layout><tr><td><div class=nav><table><tr><td>首页</td><td>"
               "政务公开</td></tr></table></div></td></tr><tr><td>" + body + "</td></tr></table></body></html>")
    saved = tmp_path / "wrapped.html"
    saved.write_text(wrapped, encoding="utf-8")
    code, out, err = run(capsys, saved, data)
    assert code == 0, err
    for name in FILES:
        assert (data / "2031" / name).read_bytes() == reference(name, "2031/shili-jiaotong/wrapped.html"), name


def test_the_same_download_under_another_name_is_not_imported_twice(capsys, data, tmp_path):
    assert run(capsys, SAMPLES / "shili-jiaotong-2031-targets.pdf", data)[0] == 0
    before = snapshot(tmp_path)
    twin = tmp_path / "shili-jiaotong-2031-targets(1).pdf"
    twin.write_bytes((SAMPLES / "shili-jiaotong-2031-targets.pdf").read_bytes())
    before[twin.name] = hashlib.sha256(twin.read_bytes()).hexdigest()
    code, out, err = run(capsys, twin, data)
    assert code == 1 and "shili-jiaotong-2031-targets.pdf" in err and "内容完全相同" in err and "identical" in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("written", ["[518003]示例区交通运输局（本级）", "518003-示例区交通运输局", "示例区交通运输局（518003）"])
def test_the_department_as_forms_write_it(capsys, data, tmp_path, written):
    copy = tmp_path / "copy.txt"
    copy.write_text(SAMPLE_TEXT.replace("[518003]示例区交通运输局", written), encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 0, err
    project = rows(data / "2031" / "projects.csv")[0]
    assert (project["部门"], project["主管部门及代码"]) == ("示例区交通运输局", written)  # verbatim, matched by name


def test_a_document_that_names_no_department(capsys, data, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_text(SAMPLE_TEXT.replace("[518003]示例区交通运输局", "").replace("示例区交通运输局", "某局"), encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 1 and "找不到这个文件属于哪个部门" in err and "Cannot tell whose document" in err


def test_a_continued_pdf_table_without_its_left_rules_keeps_its_columns():
    """On the page after a break, a table whose first columns (the merged 绩效指标 and 一级 cells) drew no rule starts
    further right: its cells are placed by x on the columns before the break."""
    from builder.importer.document import Origin
    from builder.importer.grid import GridCell
    from builder.importer.media.pdf import shift_columns
    rows = [[GridCell("数量指标", Origin("f"), 0), GridCell("养护路段24", Origin("f"), 1)]]
    shift_columns(rows, [75.4, 120.0, 200.0], [34.1, 55.0, 75.0, 120.2, 200.1])
    assert [cell.col for cell in rows[0]] == [2, 3]
    same = [[GridCell("x", Origin("f"), 0)]]
    shift_columns(same, [34.0, 55.0], [34.1, 55.0, 75.0])
    assert same[0][0].col == 0


def two_projects(text):
    """The sample's form twice on one page, the second for another project with other figures."""
    form = text[text.index("项目支出绩效目标申报表"):text.index("附件：")]
    second = form.replace("农村公路养护", "公交站台改造").replace("1260", "900").replace("310公里", "12个")
    return text.replace(form, form + second)


@pytest.mark.parametrize("change", [lambda t: t, one_cell_per_line, tab_led], ids=["tabs", "one cell per line", "tab-led"])
def test_two_projects_in_one_text_copy(capsys, data, tmp_path, change):
    copy = tmp_path / "two.txt"
    copy.write_text(change(two_projects(SAMPLE_TEXT)), encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 0, err
    projects = rows(data / "2031" / "projects.csv")
    assert [(p["序号"], p["项目名称"], p["中期资金总额"]) for p in projects] == [("1", "农村公路养护", "1260"),
                                                                             ("2", "公交站台改造", "900")]
    indicators = rows(data / "2031" / "project_indicators.csv")
    assert [len([r for r in indicators if r["序号"] == n]) for n in ("1", "2")] == [10, 10]
    assert [r["指标值"] for r in indicators if r["序号"] == "2" and r["期别"] == "年度"][:2] == ["12个", "6座"]


def test_funding_with_the_periods_as_columns(capsys, data, tmp_path):
    """项目资金 as a small table: 中期资金总额 | 年度资金总额 as column headings over rows of a label and two amounts."""
    page = (SAMPLES / "shili-jiaotong-2031-targets.html").read_text(encoding="utf-8")
    old = page[page.index("<tr><td rowspan=3 colspan=2>项目资金（万元）"):page.index("<tr><td rowspan=2 colspan=2>总体目标")]
    new = ("<tr><td rowspan=4 colspan=2>项目资金（万元）</td><td colspan=2></td><td colspan=2>中期资金总额</td><td colspan=2>"
           "年度资金总额</td></tr><tr><td colspan=2>资金总额</td><td colspan=2>1260</td><td colspan=2>420</td></tr>"
           "<tr><td colspan=2>其中：财政拨款</td><td colspan=2>1200</td><td colspan=2>400</td></tr>"
           "<tr><td colspan=2>其他资金</td><td colspan=2>60</td><td colspan=2></td></tr>")
    saved = tmp_path / "columns.html"
    saved.write_text(page.replace(old, new), encoding="utf-8")
    code, out, err = run(capsys, saved, data)
    assert code == 0, err
    project = rows(data / "2031" / "projects.csv")[0]
    assert (project["中期资金总额"], project["年度资金总额"]) == ("1260", "420")
    funding = rows(data / "2031" / "project_funding.csv")
    assert [(f["期别"], f["顺序"], f["资金项目"], f["金额"]) for f in funding] == [
        ("中期", "1", "其中：财政拨款", "1200"), ("中期", "2", "其他资金", "60"),
        ("年度", "1", "其中：财政拨款", "400"), ("年度", "2", "其他资金", "")]
    assert len(rows(data / "2031" / "project_indicators.csv")) == 10


def test_an_amount_without_its_label_is_reported(capsys, data, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_text(SAMPLE_TEXT.replace("其他资金\t60\t其他资金\t20", "其他资金\t60\t20\t其他资金\t20"), encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 1 and "“20”前面没有写它是哪一项" in err and "has no label" in err and "第15行" in err


def test_a_word_table_inside_a_content_control(capsys, data, tmp_path):
    """Forms made from Word templates often wrap the table in a content control (w:sdt)."""
    from docx.oxml.ns import qn
    from lxml import etree
    path = tmp_path / "template.docx"
    document = docx.Document(SAMPLES / "shili-jiaotong-2031-targets.docx")
    table = document.tables[0]._tbl
    sdt = etree.SubElement(table.getparent(), qn("w:sdt"))
    table.addprevious(sdt)
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    content.append(table)
    document.save(path)
    assert docx.Document(path).tables == []  # python-docx itself does not see it
    code, out, err = run(capsys, path, data)
    assert code == 0, err
    for name in FILES:
        assert (data / "2031" / name).read_bytes() == reference(name, "2031/shili-jiaotong/template.docx"), name


def test_a_pdf_whose_table_has_no_rules(capsys, data, tmp_path):
    """Chromium prints the sample page with its table borders removed: the message says why it cannot be read."""
    page = (SAMPLES / "shili-jiaotong-2031-targets.html").read_text(encoding="utf-8").replace("border:1px solid #000", "border:0")
    html = tmp_path / "plain.html"
    html.write_text(page, encoding="utf-8")
    pdf = tmp_path / "plain.pdf"
    subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html.as_uri()], capture_output=True, timeout=120, check=True)
    code, out, err = run(capsys, pdf, data)
    assert code == 1 and "没有带框线的表格" in err and "no ruled table" in err and "项目名称" in err
    assert not (data / "2031").exists()


def test_a_page_saved_as_a_single_file(capsys, data, tmp_path):
    """A browser's "save as single file" (.mhtml): the page quoted-printable inside a MIME message."""
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText
    from email import charset as email_charset
    message = MIMEMultipart("related")
    utf8 = email_charset.Charset("utf-8")
    utf8.body_encoding = email_charset.QP
    page = MIMEText((SAMPLES / "shili-jiaotong-2031-targets.html").read_text(encoding="utf-8").replace(
        '<meta charset="utf-8">', ""), "html", utf8)
    message.attach(page)
    saved = tmp_path / "page.mhtml"
    saved.write_bytes(b"From: <Saved by Blink>\r\n" + message.as_bytes())
    assert b"=E9" in saved.read_bytes()  # quoted-printable indeed
    code, out, err = run(capsys, saved, data)
    assert code == 0, err
    for name in FILES:
        assert (data / "2031" / name).read_bytes() == reference(name, "2031/shili-jiaotong/page.mhtml"), name


def test_header_labels_and_values_in_one_cell(capsys, data, tmp_path):
    """A page that writes the header block as lines "项目名称：农村公路养护" (full- or half-width colon)."""
    text = SAMPLE_TEXT.replace("项目名称\t农村公路养护", "项目名称：农村公路养护").replace(
        "主管部门及代码\t[518003]示例区交通运输局\t实施单位\t示例区农村公路管理站",
        "主管部门及代码: [518003]示例区交通运输局\n实施单位：示例区农村公路管理站")
    copy = tmp_path / "inline.txt"
    copy.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 0, err
    project = rows(data / "2031" / "projects.csv")[0]
    assert (project["项目名称"], project["主管部门及代码"], project["实施单位"], project["项目属性"]) == (
        "农村公路养护", "[518003]示例区交通运输局", "示例区农村公路管理站", "运转类")
    assert len(rows(data / "2031" / "project_indicators.csv")) == 10


@pytest.mark.parametrize("old, new, line", [
    ("危桥全部改造。\t完成", "危桥全部\n改造。\t完成", "第18行"),
    ("日常养护里程\t930公里", "日常养护\n里程\t930公里", "第20行"),
], ids=["a target split", "an indicator row split"])
def test_a_copy_that_split_a_cell_at_its_line_break_is_refused(capsys, data, tmp_path, old, new, line):
    """Copying a page puts a cell's line breaks into the text: the row can no longer be told, so it is refused with
    the line named rather than read wrong."""
    copy = tmp_path / "split.txt"
    copy.write_text(SAMPLE_TEXT.replace(old, new), encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 1 and line in err and "换行" in err and "line breaks" in err
    assert not (data / "2031").exists()


def test_a_text_row_that_starts_with_a_second_level_named_like_a_first_level(capsys, data, tmp_path):
    """成本指标 is a 一级 name on newer forms and a 二级 on this one: a line of six cells is a row under the 一级
    above (产出指标), and one ending early is the mid half alone."""
    text = SAMPLE_TEXT.replace("质量指标\t优良中等路率\t≥80%\t质量指标\t优良中等路率\t≥80%",
                               "成本指标\t单公里成本\t≤1.2万元\t成本指标\t单公里成本\t≤1.2万元").replace(
        "\t\t\t成本指标\t每公里养护成本\t≤1.2万元", "时效指标\t完成时间\t2033年底")
    copy = tmp_path / "cost.txt"
    copy.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 0, err
    found = [(r["期别"], r["一级指标"], r["二级指标"], r["三级指标"], r["指标值"])
             for r in rows(data / "2031" / "project_indicators.csv")]
    assert ("中期", "产出指标", "成本指标", "单公里成本", "≤1.2万元") in found
    assert ("年度", "产出指标", "成本指标", "单公里成本", "≤1.2万元") in found
    assert ("中期", "产出指标", "时效指标", "完成时间", "2033年底") in found
    assert len(found) == 10


# 石峰区民政局's later target tables (issue 20's hidden set, written from outside): all projects on one sheet, and
# pipe copies whose rows begin or end with an empty cell

def shifeng_form(sheet, top, name, annual, mid, indicators):
    """One project of 石峰区民政局 in 元 at row `top` of `sheet`, its title and year line merged across A:H as bureaus
    lay them out; returns the row after it. indicators: (一级, 二级, 三级, 中期值, 年度值), the mid half blank when
    中期值 is None."""
    grid = [["项目支出绩效目标申报表"], ["（2020年度）"], ["项目名称", name],
            ["主管部门及代码", "[305001]石峰区民政局", "实施单位", "石峰区民政局"],
            ["项目资金（元）", "中期资金总额：", mid, "年度资金总额：", annual],
            [None, "其中：财政拨款", mid, "其中：财政拨款", annual],
            ["总体目标", "中期目标（2020年—2022年）", None, "年度目标"], [None, None, None, "按时发放"],
            ["绩效指标", "一级指标", "中期指标", None, None, "年度指标"],
            [None, None, "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"]]
    for top_name, second, third, mid_value, value in indicators:
        mid_half = [second, third, mid_value] if mid_value is not None else [None, None, None]
        grid.append([None, top_name] + mid_half + [second, third, value])
    for n, row in enumerate(grid):
        for c, text in enumerate(row, 1):
            if text is not None:
                sheet.cell(top + n, c, text)
    for n in (0, 1):
        sheet.merge_cells(start_row=top + n, start_column=1, end_row=top + n, end_column=8)
    return top + len(grid) + 2  # two blank rows before the next project


def test_a_workbook_with_every_project_on_one_sheet_under_merged_titles(capsys, data, tmp_path):
    """The next project's title, merged across the sheet, ended no indicator part: it came in as indicators
    (项目支出绩效目标申报表 as 二级, 三级 and 指标值 of both halves), 90 rows instead of 62 for the full document."""
    book = openpyxl.Workbook()
    sheet = book.active
    top = shifeng_form(sheet, 3, "城市低保金", "600000.00", None, [
        ("产出指标", "数量指标", "保障城市低保户数", None, "420户"), ("产出指标", "数量指标", "保障人数", None, "780人"),
        ("满意度指标", "服务对象满意度指标", "低保对象满意度", None, "≥95%")])
    shifeng_form(sheet, top, "残疾人两项补贴", "972000.50", "2916001.50", [
        ("产出指标", "数量指标", "困难残疾人生活补贴人数", "6000人次", "2000人次"),
        ("满意度指标", "服务对象满意度指标", "残疾人满意度", "≥90%", "≥90%")])
    sheet.cell(1, 1, "石峰区民政局2020年项目支出绩效目标表")
    path = tmp_path / "石峰区民政局2020年项目支出绩效目标表.xlsx"
    book.save(path)
    code, out, err = run(capsys, path, data)
    assert code == 0, err
    assert "2 个项目，7 条指标" in out
    projects = rows(data / "2020" / "projects.csv")
    assert [(p["项目名称"], p["资金单位"], p["中期资金总额"], p["年度资金总额"]) for p in projects] == [
        ("城市低保金", "元", "", "600000.00"), ("残疾人两项补贴", "元", "2916001.50", "972000.50")]
    indicators = [(r["序号"], r["期别"], r["一级指标"], r["二级指标"], r["三级指标"], r["指标值"])
                  for r in rows(data / "2020" / "project_indicators.csv")]
    assert indicators == [
        ("1", "年度", "产出指标", "数量指标", "保障城市低保户数", "420户"), ("1", "年度", "产出指标", "数量指标", "保障人数", "780人"),
        ("1", "年度", "满意度指标", "服务对象满意度指标", "低保对象满意度", "≥95%"),
        ("2", "中期", "产出指标", "数量指标", "困难残疾人生活补贴人数", "6000人次"),
        ("2", "中期", "满意度指标", "服务对象满意度指标", "残疾人满意度", "≥90%"),
        ("2", "年度", "产出指标", "数量指标", "困难残疾人生活补贴人数", "2000人次"),
        ("2", "年度", "满意度指标", "服务对象满意度指标", "残疾人满意度", "≥90%")]


SHIFENG_PIPES = """石峰区民政局2020年项目支出绩效目标表
项目支出绩效目标申报表
（2020年度）
项目名称 | 城市低保金
主管部门及代码 | [305001]石峰区民政局 | 实施单位 | 石峰区民政局
项目资金（元） | 中期资金总额： |  | 年度资金总额： | 600000.00
其中：财政拨款 |  | 其中：财政拨款 | 550000.00
其他资金 |  | 其他资金 | 50000.00
总体目标 | 中期目标（2020年—2022年） | 年度目标
 | 按文件做好城市困难群众生活保障工作。
绩效指标 | 一级指标 | 中期指标 | 年度指标
二级指标 | 三级指标 | 指标值 | 二级指标 | 三级指标 | 指标值
产出指标 |  |  |  | 数量指标 | 保障城市低保户数 | 420户
 |  |  | 数量指标 | 保障人数 | 780人
满意度指标 |  |  |  | 服务对象满意度指标 | 低保对象满意度 | ≥95%
附件：
"""


def test_a_pipe_copy_whose_rows_begin_or_end_with_an_empty_cell(capsys, data, tmp_path):
    """A bar at one end of a line only is no outer bar: ` |  |  | 数量指标 | …` (under a merged 一级, the mid-term half
    blank) starts with three empty cells, `其他资金 |  | 其他资金 | ` ends with one. Both bars were dropped as outer
    ones, losing a cell: the import was refused (其他资金 without its amount; a row of 5 cells under a 7-column
    header)."""
    copy = tmp_path / "copy.txt"
    copy.write_text(SHIFENG_PIPES.replace("其他资金 | 50000.00", "其他资金 | "), encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 0, err
    funding = [(r["期别"], r["资金项目"], r["金额"]) for r in rows(data / "2020" / "project_funding.csv")]
    assert funding == [("中期", "其中：财政拨款", ""), ("中期", "其他资金", ""),
                       ("年度", "其中：财政拨款", "550000.00"), ("年度", "其他资金", "")]
    indicators = [(r["期别"], r["一级指标"], r["二级指标"], r["三级指标"], r["指标值"])
                  for r in rows(data / "2020" / "project_indicators.csv")]
    assert indicators == [("年度", "产出指标", "数量指标", "保障城市低保户数", "420户"),
                          ("年度", "产出指标", "数量指标", "保障人数", "780人"),
                          ("年度", "满意度指标", "服务对象满意度指标", "低保对象满意度", "≥95%")]


def test_a_title_and_year_line_naming_different_years_are_refused(capsys, data, tmp_path):
    """A clerk's slip: the page's title says 2030, the line under the form's title （2031年度）. The line alone was
    taken, silently; which year is right cannot be told from the document, so it is refused, naming both."""
    copy = tmp_path / "copy.txt"
    copy.write_text(SAMPLE_TEXT.replace("示例区交通运输局2031年项目支出绩效目标表", "示例区交通运输局2030年项目支出绩效目标表"),
                    encoding="utf-8")
    before = snapshot(data)
    code, out, err = run(capsys, copy, data)
    assert code != 0
    assert "年度不一致" in err and "2030" in err and "（2031年度）" in err and "The years disagree" in err
    assert f"{copy} 第9行" in err  # the year line
    assert snapshot(data) == before


def test_the_same_title_and_year_line_import(capsys, data, tmp_path):
    """The check above compares the years, not the presence of a title: the sample as published imports."""
    copy = tmp_path / "copy.txt"
    copy.write_text(SAMPLE_TEXT, encoding="utf-8")
    code, out, err = run(capsys, copy, data)
    assert code == 0, err
    assert rows(data / "2031" / "projects.csv")[0]["项目名称"] == "农村公路养护"


OTHER_BUREAU_PAGE = ROOT / "tests" / "fixtures" / "standard" / "chengguan-2021-page.html"


def test_another_bureaus_page_with_preamble_attachments_and_weights(capsys, data, tmp_path):
    """A saved page of another bureau (written here as bureaus publish it): the site's tables, a preamble, the unit
    on a 单位：万元 line, 项 目 名 称 spaced, half-width colons, an evaluation table with 指标性质/度量单位/分值 and
    a 总分 row, 附件 lines after it. Registered with its 全称 株洲市石峰区城市管理和综合执法局, the form writing it
    without the city: the one 全称 ending with the form's name is that department (it was refused as unregistered)."""
    with open(data / "departments.csv", "a", encoding="utf-8") as departments:
        departments.write("石峰区城管局,shifeng-chengguan,株洲市石峰区城市管理和综合执法局,株洲市石峰区人民政府\n")
    page = tmp_path / "page.html"
    page.write_bytes(OTHER_BUREAU_PAGE.read_bytes())
    code, out, err = run(capsys, page, data)
    assert code == 0, err
    project = rows(data / "2021" / "projects.csv")[0]
    assert (project["部门"], project["项目名称"], project["资金单位"], project["年度资金总额"], project["中期资金总额"]) == (
        "石峰区城管局", "城区道路清扫保洁", "万元", "1,250.5", "")
    assert [(r["资金项目"], r["金额"]) for r in rows(data / "2021" / "project_funding.csv")] == [
        ("其中:财政拨款", "1,200.5"), ("其他资金", "50")]
    indicators = [(r["二级指标"], r["三级指标"], r["指标性质"], r["指标值"], r["度量单位"], r["分值"])
                  for r in rows(data / "2021" / "project_indicators.csv")]
    assert indicators == [("数量指标", "清扫保洁面积", "≥", "320", "万平方米", "20"), ("数量指标", "垃圾清运量", "≥", "4.5", "万吨", "15"),
                          ("质量指标", "道路保洁达标率", "≥", "95", "%", "15"), ("时效指标", "垃圾日产日清", "定性", "日产日清", "", "10"),
                          ("社会效益指标", "市容环境", "定性", "明显改善", "", "30"),
                          ("服务对象满意度指标", "市民满意度", "≧", "90", "%", "10")]


def test_a_name_ending_two_registered_names_is_not_guessed(capsys, data, tmp_path):
    """The 全称 ending with the form's name is taken only when one department's does."""
    with open(data / "departments.csv", "a", encoding="utf-8") as departments:
        departments.write("石峰区城管局,shifeng-chengguan,株洲市石峰区城市管理和综合执法局,株洲市石峰区人民政府\n"
                          "湘潭石峰区城管局,xiangtan-chengguan,湘潭市石峰区城市管理和综合执法局,湘潭市石峰区人民政府\n")
    page = tmp_path / "page.html"
    page.write_bytes(OTHER_BUREAU_PAGE.read_bytes())
    before = snapshot(data)
    code, out, err = run(capsys, page, data)
    assert code != 0 and "主管部门“石峰区城市管理和综合执法局”不在 departments.csv 中" in err
    assert snapshot(data) == before
