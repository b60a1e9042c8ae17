"""Bad standard-layout input (issue 20) stops the build with a bilingual message naming the file, row and cell, and
leaves the published site as it was: amounts finer than a 分, documents placed but never imported, a 原始文件 that
does not exist. Amounts exact to the 分 in either unit build exactly."""
import io
import sqlite3

import pytest

from budgetlib.amounts import fen
from builder.build import build
from builder.problems import InputErrors, report


def edit(path, old, new):
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8-sig", newline="")


def failing_report(data, source, site):
    with pytest.raises(InputErrors) as errors:
        build(data, site, source)
    out = io.StringIO()
    report(errors.value.problems, out)
    assert not site.exists()  # nothing built, nothing switched
    return out.getvalue()


def test_fen_is_exact_in_either_unit():
    assert fen("972000.50", "元") == 97200050 and fen("387664.62", "元") == 38766462
    assert fen("1260", "万元") == 1260000000 and fen("0.000001", "万元") == 1
    assert fen("", "元") is None
    with pytest.raises(ValueError):
        fen("12.345", "元")
    with pytest.raises(ValueError):
        fen("0.0000001", "万元")


def test_amounts_in_yuan_with_jiao_and_fen_build_exactly(standard_copy, tmp_path):
    data, source = standard_copy
    projects = data / "2031" / "projects.csv"
    edit(projects, ",万元,1260,420,", ",元,1944001.00,972000.50,")
    funding = data / "2031" / "project_funding.csv"
    edit(funding, "1,年度,1,其中：财政拨款,400", "1,年度,1,其中：财政拨款,584335.88")
    edit(funding, "1,年度,2,其他资金,20", "1,年度,2,其他资金,387664.62")
    build(data, tmp_path / "site", source)
    conn = sqlite3.connect(tmp_path / "site" / "budget.db")
    fund = conn.execute("select 资金总额_原文, 资金总额_分, 资金总额_元, 资金总额_万元, 资金单位 from special_funds "
                        "where 年度 = 2031").fetchone()
    assert fund == ("972000.50", 97200050, 972001, 97.20005, "元")
    assert conn.execute("select sum(金额_分) from project_funding where 期别 = '年度'").fetchone()[0] == 97200050
    check = conn.execute("select 结果, 差额_分 from data_checks where id = '2031-shili-jiaotong-01-funding-annual'")
    assert check.fetchone() == ("一致", 0)


def test_a_figure_finer_than_a_fen_is_refused_with_its_cell(standard_copy, tmp_path):
    data, source = standard_copy
    edit(data / "2031" / "projects.csv", ",万元,1260,420,", ",元,1260,420.505,")
    text = failing_report(data, source, tmp_path / "site")
    assert "projects.csv 第2行 第11列（K列，“年度资金总额”）" in text
    assert "“420.505”比1分还细：单位为元时最多2位小数" in text and "finer than one fen" in text


def test_a_funding_row_is_held_to_its_projects_unit(standard_copy, tmp_path):
    data, source = standard_copy
    edit(data / "2031" / "project_funding.csv", "1,中期,2,其他资金,60", "1,中期,2,其他资金,60.0000005")
    text = failing_report(data, source, tmp_path / "site")
    assert "project_funding.csv 第3行 第7列（G列，“金额”）" in text and "单位为万元时最多6位小数" in text


def test_a_unit_other_than_wan_or_yuan_is_refused(standard_copy, tmp_path):
    data, source = standard_copy
    edit(data / "2031" / "projects.csv", ",万元,1260,", ",千元,1260,")
    text = failing_report(data, source, tmp_path / "site")
    assert "“资金单位”）：资金单位只能是“万元”或“元”" in text


def test_a_document_never_imported_is_refused(standard_copy, tmp_path):
    data, source = standard_copy
    (source / "2031" / "shili-jiaotong" / "另一份目标表.pdf").write_bytes(b"%PDF-1.4 placed, never imported")
    text = failing_report(data, source, tmp_path / "site")
    assert "source/2031/shili-jiaotong/另一份目标表.pdf：这份原始文件未导入" in text and "never imported" in text


def test_a_legacy_document_without_rows_is_refused(standard_copy, tmp_path):
    data, source = standard_copy
    (source / "2031" / "shili-jiaotong.txt").write_text("示例区交通运输局 2031", encoding="utf-8")
    text = failing_report(data, source, tmp_path / "site")
    assert "source/2031/shili-jiaotong.txt：这份原始文件未导入" in text


def test_a_project_naming_a_missing_document_is_refused(standard_copy, tmp_path):
    data, source = standard_copy
    (source / "2031" / "shili-jiaotong" / "shili-jiaotong-2031-targets.pdf").unlink()
    text = failing_report(data, source, tmp_path / "site")
    assert "projects.csv 第2行" in text and "“原始文件”指向 source/2031/shili-jiaotong/shili-jiaotong-2031-targets.pdf，但没有这个文件" in text


def test_a_year_lacking_a_file_of_its_layout_names_it(standard_copy, tmp_path):
    data, source = standard_copy
    (data / "2031" / "project_indicators.csv").unlink()
    text = failing_report(data, source, tmp_path / "site")
    assert "2031/project_indicators.csv：缺少此文件" in text
    assert "form1_special_funds.csv" not in text  # a standard year needs no three-form file


def test_a_funding_row_of_no_project_is_refused(standard_copy, tmp_path):
    data, source = standard_copy
    edit(data / "2031" / "project_funding.csv", "2031,示例区交通运输局,1,年度,2,", "2031,示例区交通运输局,2,年度,2,")
    text = failing_report(data, source, tmp_path / "site")
    assert "project_funding.csv 第5行" in text and "项目序号“2”不在 projects.csv 中" in text


def test_one_layout_per_department_and_year(standard_copy, tmp_path):
    data, source = standard_copy
    projects = data / "2031" / "projects.csv"
    text = projects.read_text(encoding="utf-8-sig").replace("2031,示例区交通运输局,1,", "2019,石峰区民政局,9,")
    (data / "2019" / "projects.csv").write_text(text, encoding="utf-8-sig", newline="")
    for name in ("project_funding.csv", "project_indicators.csv"):
        header = (data / "2031" / name).read_text(encoding="utf-8-sig").split("\n")[0]
        (data / "2019" / name).write_text(header + "\n", encoding="utf-8-sig", newline="")
    report_text = failing_report(data, source, tmp_path / "site")
    assert "2019/projects.csv 第2行 第2列（B列，“部门”）：“石峰区民政局”这一年度已有表1专项资金" in report_text


def test_a_year_without_notes_builds(standard_copy, tmp_path):
    data, source = standard_copy
    (data / "2031" / "notes.csv").unlink()
    build(data, tmp_path / "site", source)
    conn = sqlite3.connect(tmp_path / "site" / "budget.db")
    assert conn.execute("select count(*) from notes where 年度 = 2031").fetchone() == (0,)
    assert conn.execute("select count(*) from performance_indicators where 年度 = 2031").fetchone() == (10,)


def test_a_dash_is_no_amount_and_kept_as_printed(standard_copy, tmp_path):
    data, source = standard_copy
    edit(data / "2031" / "projects.csv", ",万元,1260,420,", ",万元,—,420,")
    edit(data / "2031" / "project_funding.csv", "1,中期,2,其他资金,60", "1,中期,2,其他资金,－")
    build(data, tmp_path / "site", source)
    conn = sqlite3.connect(tmp_path / "site" / "budget.db")
    assert conn.execute("select 中期资金总额_原文, 中期资金总额_分 from special_funds where 年度 = 2031").fetchone() == ("—", None)
    assert conn.execute("select 金额_原文, 金额_分 from project_funding where 期别 = '中期' and 顺序 = 2").fetchone() == ("－", None)
    assert fen("—", "元") is None and fen(" / ", "万元") is None


def test_an_editors_note_on_a_standard_indicator(standard_copy, tmp_path):
    data, source = standard_copy
    with open(data / "2031" / "notes.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write("2031,示例区交通运输局,performance_indicators,2031-shili-jiaotong-01-y04,指标值,1.2万元,"
                     "每公里成本的上限。 The ceiling per kilometre.\r\n"
                     "2031,示例区交通运输局,performance_indicators,2031-shili-jiaotong-01-y04,三级指标,每公里养护费,"
                     "摘录不在原文中。\r\n")
    text = failing_report(data, source, tmp_path / "site")
    assert "notes.csv 第3行" in text and "摘录在该单元格中找不到" in text and "第2行" not in text
