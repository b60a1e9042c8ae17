"""The build as a person runs it: `build_db.py --data D --site S` and `make build DATA_DIR=… SITE=…`, as
subprocesses. A good build prints what it built and makes S a link to a new build folder; bad input exits 1 with the
bilingual report and no traceback, leaving S and the folder it points at exactly as they were.

(The checks themselves, in-process and case by case: tests/build/test_build.py.)"""
import os
import subprocess

import pytest

from helpers import ROOT, builds_of, edit, run_build, set_cell, site_state

F1, F2 = "form1_special_funds.csv", "form2_expenditure_directions.csv"
# -o: use the shared .venv as it is; never let make reinstall packages into it.
MAKE = ["make", "-s", "--no-print-directory", "-o", ".venv/.installed", "-C", str(ROOT)]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    site = tmp_path_factory.mktemp("published") / "site"
    result = run_build(ROOT / "data", site)
    assert result.returncode == 0, result.stderr
    return site


def test_a_good_build_says_what_it_built(tmp_path):
    site = tmp_path / "site"
    result = run_build(ROOT / "data", site)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    [folder] = builds_of(site)
    assert os.readlink(site) == f".site.builds/{folder}"
    assert f"已生成 built {site} → {folder}：departments 1，forms 3" in result.stdout
    assert "已规范化 normalised: " in result.stdout and "“1593.88万元” → 1593.88" in result.stdout


@pytest.mark.parametrize("mutations,expected", [
    ([edit(F1, set_cell(3, "资金总额", "六十"))],
     ["数据有 1 处问题", "data/2019/form1_special_funds.csv 第3行 第6列（F列，“资金总额”）：“六十”不是金额",
      "row 3, column 6 (资金总额): '六十' is not an amount"]),
    ([edit(F1, set_cell(3, "资金总额", "六十")), edit(F2, set_cell(2, "所属专项名称", "残疾人补贴"))],
     ["数据有 2 处问题", "第3行", "残疾人补贴", "是不是“残疾人两项补贴”"]),
    ([lambda data: (data / "2019" / F1).write_bytes(b"PK\x03\x04 not really a workbook")],
     ["这是 Excel 工作簿（.xlsx/.xls），不是 CSV 文件"]),
], ids=["one problem", "two problems", "a workbook renamed .csv"])
def test_bad_input_exits_1_with_the_report_and_keeps_the_site(published, data_copy, mutations, expected):
    before = site_state(published)
    for mutate in mutations:
        mutate(data_copy)
    result = run_build(data_copy, published)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    report = result.stderr.replace(str(data_copy), "data")
    assert "未生成数据库，原有数据库和网站保持不变" in report and "nothing was built" in report
    for fragment in expected:
        assert fragment in report, (fragment, report)
    assert result.stdout == ""
    assert site_state(published) == before


def test_a_missing_data_folder_is_reported(tmp_path):
    result = run_build(tmp_path / "no-such-data", tmp_path / "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no-such-data：没有这个文件夹" in result.stderr and "No such folder" in result.stderr
    assert not (tmp_path / "site").is_symlink() and builds_of(tmp_path / "site") == []


def test_make_build_builds_the_site_link(tmp_path):
    site = tmp_path / "site"
    result = subprocess.run(MAKE + ["build", f"DATA_DIR={ROOT / 'data'}", f"SITE={site}"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert site.is_symlink() and (site / "budget.db").is_file() and (site / "downloads" / "datapackage.json").is_file()
    # Nothing changed since: make has nothing to do, and the link stays where it was.
    link = os.readlink(site)
    again = subprocess.run(MAKE + ["build", f"DATA_DIR={ROOT / 'data'}", f"SITE={site}"],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and again.stdout == "" and os.readlink(site) == link


def test_make_build_fails_on_bad_input(data_copy, tmp_path):
    edit(F1, set_cell(3, "资金总额", "六十"))(data_copy)
    site = tmp_path / "site"
    result = subprocess.run(MAKE + ["build", f"DATA_DIR={data_copy}", f"SITE={site}"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "form1_special_funds.csv 第3行 第6列" in result.stderr and "Traceback" not in result.stderr
    assert not site.is_symlink() and builds_of(site) == []
