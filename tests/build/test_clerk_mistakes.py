"""Realistic clerk mistakes in data/ (issue: the yearly path): each gives one clear message naming the file, the
Excel row and the column — or is harmless and handled — never a traceback, and the site is left as it was."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNDS = "2019/form1_special_funds.csv"
BREAKDOWN = "2019/form3_department_expenditures.csv"


def build(data, site):
    return subprocess.run([sys.executable, str(ROOT / "build_db.py"), "--data", str(data), "--site", str(site)],
                          capture_output=True, text=True, cwd=ROOT)


def raw(data, name):
    return (data / name).read_bytes()


def replace_bytes(data, name, old, new):
    content = raw(data, name)
    assert old in content
    (data / name).write_bytes(content.replace(old, new, 1))


def refused(result, *phrases):
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr
    return result.stderr


def test_rows_of_only_commas_are_ignored(data_copy, tmp_path):
    """What Excel leaves after rows are deleted: ",,,,,,," lines, in the middle and at the end."""
    replace_bytes(data_copy, FUNDS, b"\n2019,", b"\n,,,,,,,\n2019,")
    (data_copy / FUNDS).write_bytes(raw(data_copy, FUNDS) + b",,,,,,,\n,,,,,,,\n")
    result = build(data_copy, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    import sqlite3
    filings = sqlite3.connect(tmp_path / "site" / "filings.db")
    assert filings.execute("select count(*) from form1_special_funds").fetchone()[0] == 8
    budget = sqlite3.connect(tmp_path / "site" / "budget.db")
    assert budget.execute("select count(*) from special_funds").fetchone()[0] == 8


def test_a_nul_byte_in_a_cell_is_refused_with_row_and_column(data_copy, tmp_path):
    replace_bytes(data_copy, FUNDS, "残疾人两项补贴,残疾人".encode(), "残疾人两项\x00补贴,残疾人".encode())
    message = refused(build(data_copy, tmp_path / "site"), "form1_special_funds.csv 第2行 第4列（D列，“专项支出名称”）",
                      "U+0000", "invisible control character")
    assert "数据有 1 处问题" in message  # the cell only, not again as every form-2 row that names this fund


def test_rows_are_excel_rows_after_a_cell_with_a_line_break(data_copy, tmp_path):
    """Row 3's target holds a line break inside quotes; row 9 has a bad amount: the message says row 9, as Excel."""
    replace_bytes(data_copy, FUNDS, "2019,石峰区民政局,2,城市低保金,城市低保户,60,按文件做好困难群众生活保障工作".encode(),
                  "2019,石峰区民政局,2,城市低保金,城市低保户,60,\"按文件做好\n困难群众生活保障工作\"".encode())
    replace_bytes(data_copy, FUNDS, "城乡医疗救助,困难群众,30,".encode(), "城乡医疗救助,困难群众,三十,".encode())
    refused(build(data_copy, tmp_path / "site"), "form1_special_funds.csv 第9行 第6列（F列，“资金总额”）", "row 9")


def test_a_file_starting_with_two_byte_order_marks_is_read(data_copy, tmp_path):
    (data_copy / FUNDS).write_bytes(b"\xef\xbb\xbf" + raw(data_copy, FUNDS))
    result = build(data_copy, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "2 个 BOM" in result.stdout


def test_a_file_mixing_gbk_and_utf8_is_refused_with_the_line(data_copy, tmp_path):
    lines = raw(data_copy, FUNDS).split(b"\n")
    lines[4] = lines[4].decode("utf-8").encode("gbk")  # the 5th text line re-saved as GBK
    (data_copy / FUNDS).write_bytes(b"\n".join(lines))
    refused(build(data_copy, tmp_path / "site"), "form1_special_funds.csv", "混用了两种编码", "text line 5 is not")


def test_a_category_amount_that_disagrees_with_its_excerpt_is_refused(data_copy, tmp_path):
    replace_bytes(data_copy, BREAKDOWN, "抚恤支出,249.87,抚恤支出249.87万元".encode(), "抚恤支出,248.87,抚恤支出249.87万元".encode())
    refused(build(data_copy, tmp_path / "site"), "form3_department_expenditures.csv 第3行 第5列（E列，“金额”）",
            "248.87", "249.87万元")


def test_an_unregistered_department_is_one_message_per_file(data_copy, tmp_path):
    for path in (data_copy / "2019").glob("*.csv"):
        path.write_bytes(path.read_bytes().replace("石峰区民政局".encode(), "石峰区民政所".encode()))
    message = refused(build(data_copy, tmp_path / "site"), "部门“石峰区民政所”不在 data/departments.csv 中")
    # One message per file that names the department (7 files), not one per row (about 150 rows).
    assert message.count("不在 data/departments.csv 中") == 7
    assert "（本文件共8行）" in message  # form 1 has eight rows


@pytest.mark.parametrize("cell", ["\x07响铃", "换页\x0c"])
def test_other_control_characters_are_refused(data_copy, tmp_path, cell):
    replace_bytes(data_copy, FUNDS, "残疾人两项补贴,残疾人".encode(), f"残疾人两项补贴,{cell}".encode())
    refused(build(data_copy, tmp_path / "site"), "第2行 第5列（E列，“支出方向”）")


def test_text_that_looks_like_a_formula_is_kept_as_filed_and_neutralised_in_downloads(data_copy, tmp_path):
    """=B2*12 typed as text is what was filed: budget.db keeps it verbatim; the CSV a person downloads gets a
    leading apostrophe so that Excel shows it instead of running it (OWASP CSV injection)."""
    replace_bytes(data_copy, "2019/form2_expenditure_directions.csv", "10万/年".encode(), "=B2*12".encode())
    replace_bytes(data_copy, FUNDS, "按文件做好地名区划工作,按文件做好地名区划工作".encode(),
                  "-按文件做好地名区划工作,@按文件做好地名区划工作".encode())
    result = build(data_copy, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    import csv
    import sqlite3
    budget = sqlite3.connect(tmp_path / "site" / "budget.db")
    assert budget.execute("select 指标值 from performance_indicators where id = '2019-shifeng-minzheng-06-1-4'"
                          ).fetchone()[0] == "=B2*12"
    assert budget.execute("select 实施期绩效目标, 年度绩效目标 from special_funds where 序号 = 5").fetchone() == (
        "-按文件做好地名区划工作", "@按文件做好地名区划工作")
    with open(tmp_path / "site" / "downloads" / "performance_indicators.csv", encoding="utf-8-sig") as handle:
        cells = {row["id"]: row["指标值"] for row in csv.DictReader(handle)}
    assert cells["2019-shifeng-minzheng-06-1-4"] == "'=B2*12"
    with open(tmp_path / "site" / "downloads" / "data_checks.csv", encoding="utf-8-sig") as handle:
        differences = [row["差额_元"] for row in csv.DictReader(handle) if row["差额_元"].startswith("-")]
    # negative numbers stay numbers: 1593.87 vs 1593.88 twice, and the funds 274.87 below project spending
    assert differences == ["-100", "-100", "-2748700"]
