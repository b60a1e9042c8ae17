"""build_db.py: deterministic, verbatim filings.db, and bad input stops the build with a clear report."""
import csv
import hashlib
import io
import shutil
import sqlite3
import subprocess
import sys

import pytest

from conftest import ROOT

BUILD = [sys.executable, str(ROOT / "build_db.py")]


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def write(path, rows, encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def run_build(data, out):
    return subprocess.run(BUILD + ["--data", str(data), "--out", str(out)], capture_output=True, text=True)


def test_build_is_deterministic(tmp_path):
    for name in ("a", "b"):
        assert run_build(ROOT / "data", tmp_path / name).returncode == 0
    for db in ("budget.db", "filings.db"):
        assert sha256(tmp_path / "a" / db) == sha256(tmp_path / "b" / db)


def test_filings_db_holds_every_csv_verbatim(built):
    conn = sqlite3.connect(built / "filings.db")
    sources = [ROOT / "data" / "departments.csv"] + sorted((ROOT / "data").glob("*/*.csv"))
    for source in sources:
        table = source.stem
        label = str(source.relative_to(ROOT))
        header, *body = read(source)
        stored = conn.execute(f"select * from [{table}] where 来源文件 = ? order by rowid", [label]).fetchall()
        columns = [d[0] for d in conn.execute(f"select * from [{table}] limit 0").description]
        assert columns == header + ["来源文件"]
        assert [[v if v is not None else "" for v in row[:-1]] for row in stored] == body, label
        types = {r[2] for r in conn.execute(f"pragma table_info([{table}])")}
        assert types == {"TEXT"}


def test_foreign_keys_hold(budget_db):
    assert budget_db.execute("pragma foreign_key_check").fetchall() == []
    links = set(budget_db.execute(
        "select m.name, p.[from], p.[table] from sqlite_master m, pragma_foreign_key_list(m.name) p").fetchall())
    links = {tuple(link) for link in links}
    assert ("expenditure_directions", "专项_id", "special_funds") in links
    assert ("performance_indicators", "支出方向_id", "expenditure_directions") in links


def test_nine_indicator_rows_per_direction(budget_db):
    counts = budget_db.execute(
        "select d.年度, count(i.id) from expenditure_directions d "
        "left join performance_indicators i on i.支出方向_id = d.id group by d.id").fetchall()
    assert [c[1] for c in counts] == [9] * len(counts)  # every direction of every year, none without indicators
    assert sum(1 for year, _ in counts if year == 2019) == 8  # the eight directions of the 2019 form 2
    assert budget_db.execute("select count(*) from performance_indicators").fetchone()[0] == 9 * len(counts)


def test_gbk_files_from_excel_build_the_same_database(data_copy, tmp_path):
    for path in data_copy.rglob("*.csv"):
        write(path, read(path), encoding="gb18030")
    result = run_build(data_copy, tmp_path / "gbk")
    assert result.returncode == 0, result.stderr
    assert "GBK" in result.stdout
    run_build(ROOT / "data", tmp_path / "utf8")
    assert sha256(tmp_path / "gbk" / "budget.db") == sha256(tmp_path / "utf8" / "budget.db")


def test_amount_spellings_are_normalised_and_reported(data_copy, tmp_path):
    path = data_copy / "2019" / "form1_special_funds.csv"
    rows = read(path)
    rows[1][5] = "９０"  # full-width digits
    rows[6][5] = " 360 万元"
    write(path, rows)
    result = run_build(data_copy, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "“９０” → 90" in result.stdout and "“ 360 万元” → 360" in result.stdout
    conn = sqlite3.connect(tmp_path / "budget.db")
    assert conn.execute(
        "select 资金总额_原文, 资金总额_元 from special_funds where 年度 = 2019 and 序号 = 1").fetchone() == ("９０", 900000)


def edit(file, change):
    """A mutation of one curated file: change(rows) edits the list of rows in place (row 0 is the header)."""
    def apply(data):
        path = data / "2019" / file if not file.startswith("/") else data / file[1:]
        rows = read(path)
        change(rows)
        write(path, rows)
    return apply


def replace_bytes(file, content):
    def apply(data):
        (data / "2019" / file).write_bytes(content)
    return apply


def set_cell(line, column, value):
    def change(rows):
        rows[line - 1][rows[0].index(column)] = value
    return change


F1, F2, F3E = "form1_special_funds.csv", "form2_expenditure_directions.csv", "form3_department_expenditures.csv"

BAD_INPUTS = {
    "missing column": (edit(F1, lambda rows: [r.pop(5) for r in rows]),
                       ["data/2019/form1_special_funds.csv 第1行", "缺少“资金总额”列", "Column '资金总额' is missing"]),
    "non-numeric amount": (edit(F1, set_cell(3, "资金总额", "六十")),
                           ["data/2019/form1_special_funds.csv 第3行 第6列（F列，“资金总额”）", "“六十”不是金额",
                            "line 3, column 6 (资金总额)"]),
    "unknown fund in form 2": (edit(F2, set_cell(2, "所属专项名称", "残疾人补贴")),
                               ["form2_expenditure_directions.csv 第2行 第5列（E列，“所属专项名称”）",
                                "专项“残疾人补贴”不在 form1_special_funds.csv 中", "是不是“残疾人两项补贴”"]),
    "duplicated fund": (edit(F1, lambda rows: rows.append(list(rows[2]))),
                        ["form1_special_funds.csv 第10行", "与第3行重复", "Duplicates line 3"]),
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
}


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_stops_the_build_and_keeps_the_old_databases(name, data_copy, tmp_path):
    out = tmp_path / "out"
    assert run_build(ROOT / "data", out).returncode == 0
    before = {db: sha256(out / db) for db in ("budget.db", "filings.db")}
    mutate, expected = BAD_INPUTS[name]
    mutate(data_copy)
    result = run_build(data_copy, out)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "未生成数据库，原有数据库保持不变" in result.stderr
    for text in expected:
        assert text in result.stderr, (text, result.stderr)
    assert {db: sha256(out / db) for db in before} == before
    assert sorted(p.name for p in out.iterdir()) == ["budget.db", "downloads", "filings.db"]  # no temp files left


def test_every_problem_is_reported_at_once(data_copy, tmp_path):
    edit(F1, set_cell(3, "资金总额", "六十"))(data_copy)
    edit(F2, set_cell(2, "所属专项名称", "残疾人补贴"))(data_copy)
    result = run_build(data_copy, tmp_path)
    assert "第3行" in result.stderr and "残疾人补贴" in result.stderr
    assert not (tmp_path / "budget.db").exists()


def test_make_build_fails_on_bad_input(data_copy, tmp_path):
    edit(F1, set_cell(3, "资金总额", "六十"))(data_copy)
    result = subprocess.run(["make", "-s", "-C", str(ROOT), "build", f"DATA_DIR={data_copy}", f"DB_DIR={tmp_path}"],
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "form1_special_funds.csv 第3行 第6列" in result.stderr
    assert not (tmp_path / "budget.db").exists()


def test_cells_pandas_would_call_missing_stay_verbatim(data_copy, tmp_path):
    """"NA", "N/A", "null", "None" and "NaN" are text in a budget form, not missing values."""
    words = ["NA", "N/A", "null", "None", "NaN"]
    path = data_copy / "2019" / "form2_expenditure_directions.csv"
    rows = read(path)
    for line, word in enumerate(words, 2):
        rows[line - 1][rows[0].index("经济效益指标")] = word
    write(path, rows)
    result = run_build(data_copy, tmp_path)
    assert result.returncode == 0, result.stderr
    filings = sqlite3.connect(tmp_path / "filings.db")
    assert [r[0] for r in filings.execute("select 经济效益指标 from form2_expenditure_directions order by rowid")][:5] == words
    budget = sqlite3.connect(tmp_path / "budget.db")
    stored = {r[0] for r in budget.execute("select 指标值 from performance_indicators where 二级指标 = '经济效益指标'")}
    assert set(words) <= stored
