"""The streaming build (issue 13): files read line by line as a whole-file read would, every year written on its own
and put together, the same result every time, and nothing written when a file changes under the build."""
import csv
import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from builder import build as build_module  # noqa: E402
from builder.build import build  # noqa: E402
from builder.problems import InputErrors  # noqa: E402
from builder.read import read_csv, text_lines  # noqa: E402
from generate import generate  # noqa: E402

FORMS = "forms.csv"


def write_bytes(path, content):
    path.write_bytes(content)
    return path


# ---------------------------------------------------------------------------------------------------------------
# Reading a file piece by piece
# ---------------------------------------------------------------------------------------------------------------

def test_lines_are_the_whole_files_lines(tmp_path):
    """A quoted cell with line breaks (CRLF, LF, a lone CR, U+2028) and several BOMs: the same lines as
    str.splitlines(keepends=True) on the whole text, which is what the build read before it streamed."""
    text = '年度,部门\r\n2019,"甲\r\n乙\n丙\r丁\u2028戊"\r\n2020,己\n'
    path = write_bytes(tmp_path / "a.csv", ("\ufeff\ufeff" + text).encode("utf-8"))
    notices = []
    assert list(text_lines(path, "a.csv", [], notices)) == text.splitlines(keepends=True)
    assert notices == ["a.csv: 文件开头有 2 个 BOM 标记，已按一个处理。 Several byte-order marks at the start; read as one."]


def test_gbk_files_stream_too(tmp_path):
    path = write_bytes(tmp_path / "b.csv", "年度,部门\r\n2019,石峰区民政局\r\n".encode("gb18030"))
    notices = []
    assert "".join(text_lines(path, "b.csv", [], notices)) == "年度,部门\r\n2019,石峰区民政局\r\n"
    assert "GBK" in notices[0]


def test_mixed_encodings_name_both_lines(tmp_path):
    raw = "年度\r\n".encode("utf-8") + "石峰\r\n".encode("gb18030")
    problems = []
    assert text_lines(write_bytes(tmp_path / "c.csv", raw), "c.csv", problems, []) is None
    assert "第1行是 UTF-8，第2行（文本行）不是" in problems[0].zh


def test_a_row_with_several_lines_keeps_its_excel_row_number(tmp_path):
    header = "年度,部门,表号,表名,编制单位,计量单位,标题行原文\r\n"
    body = '2019,石峰区民政局,1,"表\r\n一",,,\r\n2019,石峰区民政局,2,表二,,,\r\n'
    path = write_bytes(tmp_path / FORMS, ("\ufeff" + header + body).encode("utf-8"))
    rows = read_csv(path, FORMS, FORMS, [], [])
    assert [(r.line, r.values["表名"]) for r in rows] == [(2, "表\r\n一"), (3, "表二")]


# ---------------------------------------------------------------------------------------------------------------
# Whole builds of several years and departments
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """Three departments, two years (bench/generate.py), built once."""
    work = tmp_path_factory.mktemp("province")
    generate(work / "data", 3, 2, 2, 2, source=work / "source")
    build(work / "data", work / "site", work / "source")
    return work


def rows_of(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_notes_are_numbered_across_the_years(province):
    conn = sqlite3.connect(province / "site" / "budget.db")
    per_year = {year: len(rows_of(province / "data" / str(year) / "notes.csv")) for year in (2019, 2020)}
    ids = [row[0] for row in conn.execute("select id from notes order by rowid")]
    assert ids == [f"2019-{n:04d}" for n in range(1, per_year[2019] + 1)] + \
                  [f"2020-{n:04d}" for n in range(per_year[2019] + 1, per_year[2019] + per_year[2020] + 1)]


def test_search_index_numbers_run_year_after_year(province):
    conn = sqlite3.connect(province / "site" / "budget.db")
    rows = conn.execute("select id, 年度 from search_index order by id").fetchall()
    assert [i for i, _ in rows] == list(range(1, len(rows) + 1))
    assert [y for _, y in rows] == sorted(y for _, y in rows)  # each year's entries in one run of ids


def test_facet_counts_are_the_tables_own_counts(province):
    conn = sqlite3.connect(province / "site" / "budget.db")
    for table, column, counted in conn.execute("select 表, 列, 值与数量 from facet_counts"):
        live = conn.execute(f"select [{column}], count(*) from [{table}] where [{column}] is not null "
                            f"group by [{column}] order by count(*) desc, [{column}]").fetchall()
        assert [tuple(pair) for pair in __import__("json").loads(counted)] == live, (table, column)


def test_year_changes_compare_each_fund_with_the_previous_year(province):
    conn = sqlite3.connect(province / "site" / "budget.db")
    before = {(r["部门"], r["专项支出名称"]): r["资金总额"] for r in rows_of(province / "data" / "2019" / "form1_special_funds.csv")}
    after = {(r["部门"], r["专项支出名称"]): r["资金总额"] for r in rows_of(province / "data" / "2020" / "form1_special_funds.csv")}
    found = {(r[0], r[1]): r[2] for r in conn.execute("select 部门, 专项名称, 状态 from fund_year_changes where 年度 = 2020")}
    assert found == {key: "延续" if key in before and key in after else "新增" if key in after else "停止"
                     for key in set(before) | set(after)}


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_two_builds_are_identical(province, tmp_path):
    """The years are written by separate processes and put together in order: the result does not depend on which
    finishes first."""
    build(province / "data", tmp_path / "again", province / "source")
    for name in ("budget.db", "filings.db", "downloads/datapackage.json", "downloads/target_quality.csv"):
        assert digest(province / "site" / name) == digest(tmp_path / "again" / name), name


def test_a_file_changed_while_building_stops_the_build(province, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(province / "data", data)
    real_documents = build_module.source_rows

    def documents_then_edit(*args):  # the last step of the check pass
        notes = data / "2020" / "notes.csv"
        notes.write_bytes(notes.read_bytes() + b"\r\n")  # saved again by someone while the build runs
        return real_documents(*args)

    monkeypatch.setattr(build_module, "source_rows", documents_then_edit)
    with pytest.raises(InputErrors) as stopped:
        build(data, tmp_path / "site", province / "source")
    assert "生成期间文件被修改了" in str(stopped.value.problems[0])
    assert not (tmp_path / "site").exists()


def test_a_fund_name_with_a_trailing_space_is_reported_not_a_traceback(tmp_path):
    """Form 2 names its fund with a space after it: a link problem naming the cell (tests/bad_inputs has the case)."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "2019" / "form2_expenditure_directions.csv"
    path.write_bytes(path.read_bytes().replace("城市低保金,".encode(), "城市低保金 ,".encode(), 1))
    result = subprocess.run([sys.executable, str(ROOT / "build_db.py"), "--data", str(data), "--site",
                             str(tmp_path / "site")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "专项“城市低保金 ”不在 form1_special_funds.csv 中" in result.stderr and "是不是“城市低保金”" in result.stderr
