"""The build (builder.build.build) in-process: a pure function of data/, Excel's encodings and spellings, and bad
input stopping the build with a report naming file, Excel row and column — the published site left as it was.

The same through the command line (`build_db.py`, `make build`: exit codes, no traceback) is in
tests/build/test_build_cli.py; verbatim filings.db and the keys of the session's site in tests/site/test_fidelity.py.
"""
import io
import sqlite3

import pytest

from builder.build import build
from builder.problems import InputErrors, report
from helpers import ROOT, build_site, builds_of, edit, read, replace_bytes, set_cell, sha256, site_state, write


def test_the_whole_site_folder_is_a_pure_function_of_data(tmp_path):
    a = build_site(ROOT / "data", tmp_path / "a" / "site")
    b = build_site(ROOT / "data", tmp_path / "b" / "site")
    files = {name: sha256(a / name) for name in ("budget.db", "filings.db", "metadata.yml", "inspect-data.json")}
    assert files == {name: sha256(b / name) for name in files}
    for folder in ("downloads", "source"):
        assert sorted(p.name for p in (a / folder).rglob("*")) == sorted(p.name for p in (b / folder).rglob("*"))
        assert all(sha256(p) == sha256(b / p.relative_to(a)) for p in (a / folder).rglob("*") if p.is_file())


def test_gbk_files_from_excel_build_the_same_database(data_copy, tmp_path):
    for path in data_copy.rglob("*.csv"):
        write(path, read(path), encoding="gb18030")
    _, notices = build(data_copy, tmp_path / "gbk")
    assert sum("GBK" in notice for notice in notices) == len(list(data_copy.rglob("*.csv")))
    build(ROOT / "data", tmp_path / "utf8")
    assert sha256(tmp_path / "gbk" / "budget.db") == sha256(tmp_path / "utf8" / "budget.db")


def test_amount_spellings_are_normalised_and_reported(data_copy, tmp_path):
    path = data_copy / "2019" / "form1_special_funds.csv"
    rows = read(path)
    rows[1][5] = "９０"  # full-width digits
    rows[6][5] = " 360 万元"
    write(path, rows)
    _, notices = build(data_copy, tmp_path / "site")
    assert "data/2019/form1_special_funds.csv 第2行“资金总额”: “９０” → 90" in [n.replace(str(data_copy), "data") for n in notices]
    assert any("“ 360 万元” → 360" in notice for notice in notices)
    conn = sqlite3.connect(tmp_path / "site" / "budget.db")
    assert conn.execute(
        "select 资金总额_原文, 资金总额_元 from special_funds where 年度 = 2019 and 序号 = 1").fetchone() == ("９０", 900000)


def test_excels_trailing_commas_are_not_data(data_copy, tmp_path):
    """Excel saves a rectangle: once a column right of the table was used, every line (the header too) ends in a
    comma. Those empty cells are not a column and not a shifted row."""
    for path in data_copy.rglob("*.csv"):
        write(path, [row + ["", ""] for row in read(path)])
    build(data_copy, tmp_path / "commas")
    build(ROOT / "data", tmp_path / "plain")
    assert sha256(tmp_path / "commas" / "budget.db") == sha256(tmp_path / "plain" / "budget.db")


def test_cells_pandas_would_call_missing_stay_verbatim(data_copy, tmp_path):
    """"NA", "N/A", "null", "None" and "NaN" are text in a budget form, not missing values."""
    words = ["NA", "N/A", "null", "None", "NaN"]
    path = data_copy / "2019" / "form2_expenditure_directions.csv"
    rows = read(path)
    for line, word in enumerate(words, 2):
        rows[line - 1][rows[0].index("经济效益指标")] = word
    write(path, rows)
    site = build_site(data_copy, tmp_path / "site")
    filings = sqlite3.connect(site / "filings.db")
    assert [r[0] for r in filings.execute("select 经济效益指标 from form2_expenditure_directions order by rowid")][:5] == words
    budget = sqlite3.connect(site / "budget.db")
    stored = {r[0] for r in budget.execute("select 指标值 from performance_indicators where 二级指标 = '经济效益指标'")}
    assert set(words) <= stored


# ---------------------------------------------------------------------------------------------------------------
# Bad input: one report with every problem, and the published site untouched
# ---------------------------------------------------------------------------------------------------------------

F1, F2, F3E = "form1_special_funds.csv", "form2_expenditure_directions.csv", "form3_department_expenditures.csv"

BAD_INPUTS = {
    "missing column": (edit(F1, lambda rows: [r.pop(5) for r in rows]),
                       ["data/2019/form1_special_funds.csv 第1行", "缺少“资金总额”列", "Column '资金总额' is missing"]),
    "non-numeric amount": (edit(F1, set_cell(3, "资金总额", "六十")),
                           ["data/2019/form1_special_funds.csv 第3行 第6列（F列，“资金总额”）", "“六十”不是金额",
                            "row 3, column 6 (资金总额)"]),
    "unknown fund in form 2": (edit(F2, set_cell(2, "所属专项名称", "残疾人补贴")),
                               ["form2_expenditure_directions.csv 第2行 第5列（E列，“所属专项名称”）",
                                "专项“残疾人补贴”不在 form1_special_funds.csv 中", "是不是“残疾人两项补贴”"]),
    "duplicated fund": (edit(F1, lambda rows: rows.append(list(rows[2]))),
                        ["form1_special_funds.csv 第10行", "与第3行重复", "Duplicates row 3"]),
    "empty file": (replace_bytes(F1, b""), ["form1_special_funds.csv 第1行", "文件是空的", "The file is empty"]),
    "header only": (edit(F1, lambda rows: rows.__delitem__(slice(1, None))), ["第2行", "没有数据行"]),
    "negative amount": (edit(F3E, set_cell(3, "金额", "-5")), [F3E + " 第3行 第5列（E列，“金额”）", "不能为负数"]),
    "year disagrees with folder": (edit(F1, set_cell(4, "年度", "2020")), [F1 + " 第4行 第1列", "与所在文件夹 2019 不一致"]),
    "unknown column": (edit(F1, lambda rows: [r.append("x") for r in rows]), [F1 + " 第1行 第9列", "未知的列"]),
    "misspelt column": (edit(F1, lambda rows: rows[0].__setitem__(3, "专项名称")), ["未知的列“专项名称”", "是不是“专项支出名称”"]),
    "stray comma": (edit(F1, lambda rows: rows[2].append("多余")), [F1 + " 第3行", "多于表头"]),
    "unknown department": (edit(F1, set_cell(2, "部门", "石峰区民证局")), ["不在 data/departments.csv 中"]),
    "missing file": (lambda data: (data / "2019" / "forms.csv").unlink(), ["data/2019/forms.csv", "缺少此文件"]),
    "unreadable encoding": (replace_bytes(F1, b"\xff\xfe\x00\x00\x80\x80"), ["无法识别文件编码", "CSV UTF-8"]),
    "unpaired quote": (lambda data: (data / "2019" / F1).write_bytes(
        (data / "2019" / F1).read_bytes().replace(",60,".encode(), ',"60,'.encode(), 1)), [F1 + " 第3行", "引号"]),
    "note points nowhere": (edit("notes.csv", set_cell(2, "记录_id", "2019-shifeng-minzheng-99-1-2")), ["没有 id 为"]),
    "breakdown not in form 3 text": (edit(F3E, set_cell(2, "原文", "民政管理事务支出840万元")), ["“原文”须是表3"]),
    "empty required cell": (edit(F1, set_cell(5, "专项支出名称", " ")), [F1 + " 第5行 第4列", "此格不能为空"]),
    "layout of a form missing from forms.csv": (edit("forms.csv", lambda rows: rows.pop()),
                                                ["form_layout.csv 第", "不在 forms.csv 中"]),
    "too many decimals": (edit(F1, set_cell(2, "资金总额", "90.123456")), ["最多4位小数"]),
    "fund name with a trailing space": (edit(F2, set_cell(3, "所属专项名称", "城市低保金 ")),
                                        [F2 + " 第3行 第5列", "专项“城市低保金 ”不在 form1_special_funds.csv 中",
                                         "是不是“城市低保金”"]),
    "stray comma before an empty last column": (edit("form3_department_budget.csv", lambda rows: rows[1].insert(3, "")),
                                                ["form3_department_budget.csv 第2行", "此行有11个单元格，多于表头的10列"]),
    "department code with capitals": (edit("/departments.csv", set_cell(2, "部门编码", "Shifeng")),
                                      ["departments.csv 第2行", "部门编码只能用小写英文字母"]),
}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A site built from good data, which every bad build below must leave exactly as it is."""
    site = tmp_path_factory.mktemp("published") / "site"
    build(ROOT / "data", site)
    return site


def failed_report(data, site):
    """Build data into site, which must fail with InputErrors; returns the report a person reads, with the copy's
    folder shown as data/."""
    with pytest.raises(InputErrors) as errors:
        build(data, site)
    out = io.StringIO()
    report(errors.value.problems, out)
    return out.getvalue().replace(str(data), "data")


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_stops_the_build_and_keeps_the_site(name, data_copy, published):
    before = site_state(published)
    mutate, expected = BAD_INPUTS[name]
    mutate(data_copy)
    text = failed_report(data_copy, published)
    assert "未生成数据库，原有数据库和网站保持不变" in text and "nothing was built" in text
    for fragment in expected:
        assert fragment in text, (fragment, text)
    assert site_state(published) == before  # the link, every file it points at, and no new build folder


def test_every_problem_is_reported_at_once(data_copy, tmp_path):
    edit(F1, set_cell(3, "资金总额", "六十"))(data_copy)
    edit(F3E, set_cell(3, "支出类别", ""))(data_copy)
    edit("/departments.csv", set_cell(2, "部门编码", "Shifeng"))(data_copy)
    text = failed_report(data_copy, tmp_path / "site")
    assert "数据有 3 处问题" in text
    assert F1 + " 第3行" in text and F3E + " 第3行" in text and "departments.csv 第2行" in text
    assert not (tmp_path / "site").exists() and not (tmp_path / "site").is_symlink()
    assert builds_of(tmp_path / "site") == []
