"""Property-based fuzzing of the curated CSVs: whatever a spreadsheet user saves, the build either builds a valid
database or stops with InputErrors — the problems its bilingual report lists — and nothing else. Any other
exception fails the test (build_db.py would print it as a traceback); a failed build never changes the published
site. (That build_db.py turns InputErrors into that report and exit code 1 is in tests/build/test_build_cli.py.)

`make test` runs a fixed (derandomized) set of examples in about half a minute; `make soak` (SOAK=1) runs many more,
freshly random each time.
"""
import csv
import io
import os
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builder.build import build
from builder.problems import InputErrors, report
from helpers import ROOT, builds_of, declared, tree

settings.register_profile("ci", max_examples=200, derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("soak", max_examples=1500, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = "soak" if os.environ.get("SOAK") == "1" else "ci"

# The files contract.yml declares: data/departments.csv and each year's files.
FILES = [name if spec["in"] == "data" else f"2019/{name}" for name, spec in declared()["inputs"].items()]

# What people type into spreadsheet cells, and what Excel/WPS do to them.
CELL_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "", " ", "　", "=SUM(A1:A3)", "+1", "@cmd", "-5", "-5万元", "1,266.87", "1,26,6", "９０", "90万元", "90 万元",
        "90.12345", "1e5", "NaN", "inf", "0x10", "٣", "²", "12.", ".5", "2019", "2020", "1900-01-01", "TRUE",
        "石峰区民政局", "不存在的部门", "shifeng-minzheng", "SHIFENG", "a b", '"', '""', "\r\n", "\n", ",", "\x00",
        "\ufeff", "\u200b", "<script>alert(1)</script>", "x" * 5000, "残疾人两项补贴", "城市低保金",
        "城市低保金 ", " 残疾人两项补贴",  # names that differ from form 1 only by a space
    ]),
)
LINE_ENDINGS = st.sampled_from(["\r\n", "\n", "\r"])


@st.composite
def mutations(draw):
    """One edit to one file, as a (kind, file, details) tuple that shows readably when hypothesis reports it."""
    file = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["cell", "cell", "cell", "header", "bytes", "truncate", "delete_line",
                                 "duplicate_line", "encoding", "remove_file", "extra_column", "line_endings",
                                 "new_year"]))
    if kind == "cell":
        return kind, file, (draw(st.integers(0, 60)), draw(st.integers(0, 20)), draw(CELL_TEXT))
    if kind == "header":
        return kind, file, (draw(st.integers(0, 20)), draw(CELL_TEXT))
    if kind == "bytes":
        return kind, file, (draw(st.floats(0, 1)), draw(st.binary(min_size=1, max_size=8)))
    if kind in ("truncate",):
        return kind, file, draw(st.floats(0, 1))
    if kind in ("delete_line", "duplicate_line"):
        return kind, file, draw(st.integers(0, 60))
    if kind == "encoding":
        return kind, file, draw(st.sampled_from(["gb18030", "utf-16", "utf-8", "big5", "latin-1"]))
    if kind == "extra_column":
        return kind, file, draw(CELL_TEXT)
    if kind == "line_endings":
        return kind, file, draw(LINE_ENDINGS)
    return kind, file, draw(st.sampled_from(["2020", "2018", "0000", "9999"]))


def read_rows(path):
    with open(path, encoding="utf-8-sig", newline="", errors="surrogateescape") as f:
        return list(csv.reader(f))


def write_rows(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="", errors="surrogateescape") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


def apply(data, mutation):
    kind, name, detail = mutation
    path = data / name
    if not path.exists() and kind != "new_year":
        return
    if kind in ("cell", "header", "extra_column"):
        try:
            rows = read_rows(path)
        except (csv.Error, UnicodeError):
            return
        if not rows:
            return
        if kind == "cell":
            row, column, text = detail
            target = rows[row % len(rows)]
            if target:
                target[column % len(target)] = text
        elif kind == "header":
            column, text = detail
            if rows[0]:
                rows[0][column % len(rows[0])] = text
        else:
            rows[0].append(detail)
            for row in rows[1:]:
                row.append("值")
        write_rows(path, rows)
    elif kind == "bytes":
        position, extra = detail
        raw = path.read_bytes()
        cut = int(len(raw) * position)
        path.write_bytes(raw[:cut] + extra + raw[cut:])
    elif kind == "truncate":
        raw = path.read_bytes()
        path.write_bytes(raw[: int(len(raw) * detail)])
    elif kind in ("delete_line", "duplicate_line"):
        lines = path.read_bytes().splitlines(keepends=True)
        if lines:
            i = detail % len(lines)
            lines[i:i + 1] = [] if kind == "delete_line" else [lines[i], lines[i]]
            path.write_bytes(b"".join(lines))
    elif kind in ("encoding", "line_endings"):
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:  # an earlier edit already re-encoded it
            return
        if kind == "encoding":
            path.write_bytes(text.encode(detail, errors="replace"))
        else:
            path.write_bytes(re.sub(r"\r\n|\n", detail, text).encode("utf-8-sig"))
    elif kind == "remove_file":
        path.unlink()
    elif kind == "new_year":
        shutil.copytree(data / "2019", data / detail, dirs_exist_ok=True)


def check_valid_database(path):
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        assert set(declared()["outputs"]) <= tables
        assert conn.execute("select count(*) from departments").fetchone()[0] >= 1
    finally:
        conn.close()


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A build of the good data: each example's site link points here first."""
    site = tmp_path_factory.mktemp("published") / "site"
    build(ROOT / "data", site)
    return site.resolve()


@settings(settings.get_profile(PROFILE))
@given(st.lists(mutations(), min_size=1, max_size=3))
def test_any_input_builds_a_valid_database_or_reports_problems(published, edits):
    before = tree(published)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        data, site = scratch / "data", scratch / "site"
        shutil.copytree(ROOT / "data", data)
        site.symlink_to(published)
        for edit in edits:
            apply(data, edit)
        try:
            build(data, site)
        except InputErrors as errors:
            event("refused")  # shown by --hypothesis-show-statistics: both outcomes are exercised
            assert os.readlink(site) == str(published), "a failed build switched the site"
            assert builds_of(site) == [], "a failed build left a build folder behind"
            assert errors.problems
            text = io.StringIO()
            report(errors.problems, text)
            assert "未生成数据库" in text.getvalue() and "nothing was built" in text.getvalue()
            for problem in errors.problems:
                # Each problem names its file (and line or column where there is one), in Chinese and English.
                assert problem.file.startswith(str(data)) and problem.zh and problem.en, problem
        else:
            event("built")
            assert site.resolve().parent == scratch / ".site.builds"
            check_valid_database(site / "budget.db")
    assert tree(published) == before, "a build changed the previously published folder"
