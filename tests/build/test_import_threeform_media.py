"""make import: the three forms (石峰区 2019 layout) in every medium, through the neutral grid (issue 20).

The documents are written here from data/2019's own cells (the curated CSVs, checked by hand against the source):
forms.csv gives each title and 编制单位 line, form_layout.csv every header and label cell with its place and spans,
the form CSVs the data cells. Each medium must import to exactly data/2019; where a medium cannot carry a cell as
written (a web page folds runs of spaces, a one-line-a-row copy has no line breaks in a cell), the test names the
cell and says why.
"""
import csv
import html
import io
import subprocess

import docx
import openpyxl
import pytest
from docx.enum.text import WD_BREAK

from builder.importer.__main__ import main
from conftest import ROOT

DATA = ROOT / "data" / "2019"
FORM_FILES = ["form1_special_funds.csv", "form2_expenditure_directions.csv", "form3_department_budget.csv",
              "form3_department_expenditures.csv"]
TABLE_FILES = {1: "form1_special_funds.csv", 2: "form2_expenditure_directions.csv"}


def table(name):
    return list(csv.reader(io.StringIO((DATA / name).read_bytes().decode("utf-8-sig"), newline="")))


def forms_2019():
    """[(title, unit line, [(row, col, rowspan, colspan, text)])] for forms 1, 2, 3, from data/2019."""
    heads = {row[2]: row for row in table("forms.csv")[1:]}
    layout = table("form_layout.csv")[1:]
    budget = dict(zip(*table("form3_department_budget.csv")))
    out = []
    for kind in "123":
        cells = []
        for _, _, _, row, col, rowspan, colspan, text, field in (r for r in layout if r[2] == kind):
            value = budget[field] if kind == "3" and not text else text
            cells.append((int(row), int(col), int(rowspan), int(colspan), value))
        if kind in "12":
            height = max(r + rs - 1 for r, _, rs, _, _ in cells)
            for offset, values in enumerate(table(TABLE_FILES[int(kind)])[1:], 1):
                cells += [(height + offset, col, 1, 1, text) for col, text in enumerate(values[2:], 1)]
        out.append((heads[kind][3], heads[kind][6], sorted(cells)))
    return out


def grid(cells):
    """(height, width, {(row, col): cell starting there}, {covered (row, col)})."""
    starts = {(r, c): (r, c, rs, cs, t) for r, c, rs, cs, t in cells}
    covered = {(r + dr, c + dc) for r, c, rs, cs, _ in cells for dr in range(rs) for dc in range(cs) if dr or dc}
    height = max(r + rs - 1 for r, _, rs, _, _ in cells)
    width = max(c + cs - 1 for _, c, _, cs, _ in cells)
    return height, width, starts, covered


def write_html(path):
    chrome = "<table class=nav><tr><td>首页</td><td>政务公开</td><td>财政预决算</td></tr></table>"
    parts = ["<!doctype html><html><head><meta charset=utf-8><title>石峰区民政局2019年绩效目标</title>"
             "<style>table{border-collapse:collapse;margin:1em 0}td{border:1px solid #000;padding:3px}tr{break-inside:avoid}@page{size:A4 landscape}"
             "body{font-family:'WenQuanYi Micro Hei',sans-serif}</style></head><body>" + chrome]
    for title, unit, cells in forms_2019():
        height, width, starts, covered = grid(cells)
        parts.append(f"<h3>{html.escape(title)}</h3>")
        if unit:
            parts.append(f"<p>{html.escape(unit)}</p>")
        parts.append("<table>")
        for r in range(1, height + 1):
            tds = []
            for c in range(1, width + 1):
                if (r, c) in starts:
                    _, _, rs, cs, text = starts[(r, c)]
                    tds.append(f"<td rowspan={rs} colspan={cs}>{html.escape(text).replace(chr(10), '<br>')}</td>")
                elif (r, c) not in covered:
                    tds.append("<td></td>")
            parts.append("<tr>" + "".join(tds) + "</tr>")
        parts.append("</table>")
    parts.append("<p>版权所有：株洲市石峰区人民政府办公室　网站标识码4302040001</p>"
                 "<table class=footer><tr><td>主办：株洲市石峰区人民政府</td><td>联系我们</td></tr></table></body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def write_docx(path):
    document = docx.Document()
    for title, unit, cells in forms_2019():
        height, width, starts, _ = grid(cells)
        document.add_paragraph(title)
        if unit:
            document.add_paragraph(unit)
        word_table = document.add_table(rows=height, cols=width)
        for r, c, rs, cs, text in cells:
            cell = word_table.cell(r - 1, c - 1)
            if rs > 1 or cs > 1:
                cell = cell.merge(word_table.cell(r + rs - 2, c + cs - 2))
            lines = text.split("\n")
            run = cell.paragraphs[0].add_run(lines[0])
            for line in lines[1:]:
                run.add_break(WD_BREAK.LINE)
                run.add_text(line)
    document.save(path)


def write_xlsx(path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    top = 1
    for title, unit, cells in forms_2019():
        height, width, _, _ = grid(cells)
        sheet.cell(top, 1, title)
        if unit:
            top += 1
            sheet.cell(top, 1, unit)
        for r, c, rs, cs, text in cells:
            if text:
                sheet.cell(top + r, c, text)
            if rs > 1 or cs > 1:
                sheet.merge_cells(start_row=top + r, start_column=c, end_row=top + r + rs - 1, end_column=c + cs - 1)
        top += height + 2
    workbook.save(path)


def write_copy(path, separator):
    """What a person pastes: one row a line; a place covered by a header cell above is an empty cell (as in the
    bureau's own text rendering); a cell's line break cannot be in a one-line row and is left out."""
    lines = []
    for title, unit, cells in forms_2019():
        height, width, starts, covered = grid(cells)
        lines += ["", title] + ([unit] if unit else [])
        for r in range(1, height + 1):
            row = []
            for c in range(1, width + 1):
                if (r, c) in starts:
                    row.append(starts[(r, c)][4].replace("\n", ""))
                elif (r, c) in covered and any((r - d, c) in starts and starts[(r - d, c)][2] > d
                                               for d in range(1, r)):
                    row.append("")
            lines.append(separator.join(row) if separator == "\t" else "| " + " | ".join(row) + " |")
    path.write_text("首页 > 政务公开 > 财政预决算\n" + "\n".join(lines) + "\n", encoding="utf-8")


def write_browser_copy(path):
    """What a browser puts on the clipboard: the cells of each row between tabs, every covered place left out."""
    lines = []
    for title, unit, cells in forms_2019():
        height, width, starts, _ = grid(cells)
        lines += ["", title] + ([unit] if unit else [])
        lines += ["\t".join(starts[(r, c)][4].replace("\n", "") for c in range(1, width + 1) if (r, c) in starts)
                  for r in range(1, height + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def medium(kind, tmp_path):
    if kind in ("html", "pdf"):
        page = tmp_path / "shifeng.html"
        write_html(page)
        if kind == "html":
            return page
        pdf = tmp_path / "shifeng.pdf"
        subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, timeout=120, check=True)
        return pdf
    if kind == "docx":
        write_docx(tmp_path / "shifeng.docx")
        return tmp_path / "shifeng.docx"
    if kind == "xlsx-one-sheet":  # the three forms one under another on one sheet: not the seed's workbook reader
        write_xlsx(tmp_path / "shifeng.xlsx")
        return tmp_path / "shifeng.xlsx"
    if kind == "xls":
        write_xlsx(tmp_path / "shifeng.xlsx")
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "xls",
                        "--outdir", str(tmp_path), str(tmp_path / "shifeng.xlsx")],
                       capture_output=True, timeout=180, check=True)
        return tmp_path / "shifeng.xls"
    path = tmp_path / f"shifeng-{kind}.txt"
    write_copy(path, "\t" if kind == "tabs" else "|")
    return path


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "departments.csv").write_bytes((ROOT / "data" / "departments.csv").read_bytes())
    return folder


def folded(text):
    return " ".join(text.split())


@pytest.mark.parametrize("kind", ["docx", "html", "pdf", "xls", "xlsx-one-sheet", "tabs", "pipes"])
def test_the_2019_forms_in_every_medium_give_data_2019(capsys, data, tmp_path, kind):
    source = medium(kind, tmp_path)
    code = main([str(source), "--data", str(data)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == 0, err
    assert "已导入 2019年 石峰区民政局" in out and "form2_expenditure_directions.csv 8" in out
    for name in FORM_FILES:
        if name == "form3_department_budget.csv" and kind in ("html", "pdf", "pipes"):
            continue
        assert (data / "2019" / name).read_bytes() == (DATA / name).read_bytes(), name
    budget = table("form3_department_budget.csv")
    if kind in ("html", "pdf", "pipes"):  # a page does not show a cell's leading spaces; a `|` copy trims its cells
        budget[1][budget[0].index("产出指标")] = budget[1][budget[0].index("产出指标")].strip()
    assert table_of(data / "2019" / "form3_department_budget.csv") == budget
    expected_forms, expected_layout = table("forms.csv"), table("form_layout.csv")
    if kind in ("html", "pdf"):  # a page shows a run of spaces as one: the 编制单位 line's 80 spaces are one
        expected_forms = [row[:6] + [folded(row[6])] for row in expected_forms]
    if kind in ("pdf", "tabs", "pipes"):  # "数量\n指标": a PDF's line break is taken as wrapping; a one-line row has none
        expected_layout = [row[:7] + [row[7].replace("\n", "")] + row[8:] for row in expected_layout]
    if kind == "pdf":  # the narrow column wraps "所 属专项名称" at its space, and a PDF's wrap is no character
        expected_layout = [row[:7] + [row[7].replace("所 属", "所属")] + row[8:] for row in expected_layout]
    assert table_of(data / "2019" / "forms.csv") == expected_forms
    assert table_of(data / "2019" / "form_layout.csv") == expected_layout


def table_of(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_a_page_with_only_two_of_the_forms_is_refused(capsys, data, tmp_path):
    page = tmp_path / "shifeng.html"
    write_html(page)
    text = page.read_text(encoding="utf-8")
    page.write_text(text[:text.index("<h3>部门整体支出绩效申报表")] + "</body></html>", encoding="utf-8")
    code = main([str(page), "--data", str(data)])
    out, err = capsys.readouterr()
    assert code != 0 and "Traceback" not in out + err
    assert "缺少表3" in err and "form 3 (department declaration) is missing" in err
    assert not (data / "2019").exists()


def test_a_word_document_with_a_wrong_amount_names_the_cell(capsys, data, tmp_path):
    """The form readers' own checks hold for every medium: the amount 90 typed as 九十 is reported at its cell."""
    path = tmp_path / "shifeng.docx"
    write_docx(path)
    document = docx.Document(path)
    cell = document.tables[0].cell(1, 3)  # form 1, the first data row, 资金总额
    assert cell.text == "90"
    cell.paragraphs[0].runs[0].text = "九十"
    document.save(path)
    code = main([str(path), "--data", str(data)])
    out, err = capsys.readouterr()
    assert code != 0 and "Traceback" not in out + err
    assert "表1 第2行第4格" in err and "“资金总额”的“九十”不是金额" in err
    assert "table 1, row 2, cell 4" in err and "is not an amount" in err
    assert not (data / "2019").exists()


def test_a_browser_copy_without_the_covered_places_gives_the_same_data(capsys, data, tmp_path):
    """Form 2's header cells are placed after the places the cells above span down to. Form 3's rows under
    年度预算申请 and the other labels spanning rows cannot be told from rows of their own, so only form 3's
    form_layout.csv positions differ; every data cell is the same."""
    path = tmp_path / "copy.txt"
    write_browser_copy(path)
    code = main([str(path), "--data", str(data)])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in out + err, err
    for name in FORM_FILES:
        assert (data / "2019" / name).read_bytes() == (DATA / name).read_bytes(), name
    layout = [row[:7] + [row[7].replace("\n", "")] + row[8:] for row in table("form_layout.csv") if row[2] != "3"]
    assert [row for row in table_of(data / "2019" / "form_layout.csv") if row[2] != "3"] == layout
