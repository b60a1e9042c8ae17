"""`make publish` end to end, on a temporary copy of the repository (release_helpers.py): a first release; a second
after adding the fictional fixture year; a third after correcting a 2019 cell; a fourth attempt with nothing
changed, which makes no release; and failures that must leave dist/ byte for byte as it was. Releases are served
with the exact command their Dockerfile runs, next to the development server (`make run`) over the same site folder.
"""
import fcntl
import hashlib
import http.client
import json
import os
import re
import sqlite3
import urllib.parse
import urllib.request
from types import SimpleNamespace

import pytest

from conftest import ROOT
from builder.build import build
from release.release import next_version, releases
from release_helpers import (FIXTURE_YEAR, RELEASE_NAME, add_fixture_year, assert_refused, changelog,
                             dockerfile, read_rows, release_names, run_publish, serve_dev,
                             serve_release, set_fund_amount, tree_sums, write_rows)

CORRECTED_FUND = "2019-shifeng-minzheng-05"  # 区划地名工作经费: 资金总额 2 → 2.5 (万元)


@pytest.fixture(scope="module")
def published(first_release, released_repo):
    repo = released_repo
    runs = {"first": first_release.result}
    first = repo / "dist" / release_names(repo)[0]
    first_sums = tree_sums(first)

    year = add_fixture_year(repo / "data")
    runs["second"] = run_publish(repo)
    assert runs["second"].returncode == 0, runs["second"].stdout + runs["second"].stderr

    set_fund_amount(repo, 5, "2", "2.5")
    runs["third"] = run_publish(repo)
    assert runs["third"].returncode == 0, runs["third"].stdout + runs["third"].stderr

    before_again = tree_sums(repo / "dist")
    runs["again"] = run_publish(repo)  # nothing changed since the third
    names = release_names(repo)
    return SimpleNamespace(repo=repo, runs=runs, names=names, releases=[repo / "dist" / n for n in names],
                           first_sums=first_sums, year=year, before_again=before_again)


def test_each_publish_makes_a_new_release_and_never_touches_earlier_ones(published):
    assert len(published.names) == 3
    assert all(RELEASE_NAME.match(name) for name in published.names)
    assert tree_sums(published.releases[0]) == published.first_sums
    assert sorted(p.name for p in (published.repo / "dist").iterdir()) == sorted(published.names)  # no staging left
    for name in ("first", "second", "third"):  # the suite ran against each staged release, and passed
        run = published.runs[name]
        assert re.search(r"\b\d+ passed\b", run.stdout) and not re.search(r"failed|error", run.stdout), run.stdout
    output = published.runs["first"].stdout
    assert "未部署" in output and "not deployed" in output and "make deploy RELEASE=dist/" in output


def test_nothing_changed_since_the_last_release_makes_no_release(published):
    run = published.runs["again"]
    assert run.returncode == 0, run.stdout + run.stderr
    assert "没有变化" in run.stdout and "no new release" in run.stdout
    assert "passed" not in run.stdout  # stopped before the tests: there was nothing to test
    assert tree_sums(published.repo / "dist") == published.before_again


def shared_imports(release):
    """The budgetlib modules the site's code imports (`from budgetlib.x import …`, `import budgetlib.x`)."""
    found = set()
    for module in (release / "budget_site").rglob("*.py"):
        found |= set(re.findall(r"^\s*(?:from|import) budgetlib\.(\w+)", module.read_text(encoding="utf-8"), re.M))
    return found


def test_a_release_is_a_standalone_site_folder_and_how_to_run_it(published):
    release = published.releases[0]
    site = release / "site"
    for name in ("budget.db", "filings.db", "changes.db", "inspect-data.json", "metadata.yml", "settings.json",
                 "templates/base.html", "templates/changelog.html", "plugins/budget_site_loader.py", "static/site.css",
                 "downloads/datapackage.json", "downloads/special_funds.csv", "source/2019/shifeng-minzheng.txt"):
        assert (site / name).is_file(), name
    for name in ("budget_site/__init__.py", "budgetlib/__init__.py", "release/integrity.py", "requirements.txt",
                 "Dockerfile", "SHA256SUMS", "CHANGELOG.json", "更正记录.md"):
        assert (release / name).is_file(), name
    assert [p for p in release.rglob("*") if p.is_symlink()] == []  # configuration copied, not linked
    assert shared_imports(release) >= {"amounts", "cjk", "year_changes"}
    for module in shared_imports(release):  # every helper the site imports travels with the release
        assert (release / "budgetlib" / f"{module}.py").is_file(), module
    inspected = json.loads((site / "inspect-data.json").read_text(encoding="utf-8"))
    assert {name: entry["hash"] for name, entry in inspected.items()} == {
        name: hashlib.sha256((site / f"{name}.db").read_bytes()).hexdigest() for name in ("budget", "filings", "changes")}
    settings, command = dockerfile(release)
    assert command in ("datasette serve site --host 0.0.0.0 --port $PORT",
                       "exec datasette serve site --host 0.0.0.0 --port $PORT")
    assert settings["PYTHONPATH"] == "/app" and "WORKDIR /app" in (release / "Dockerfile").read_text()
    requirements = (release / "requirements.txt").read_text(encoding="utf-8")
    lock = ROOT / "requirements" / "runtime.txt"
    if lock.exists():
        assert requirements == lock.read_text(encoding="utf-8")
        assert "RUN pip install --no-cache-dir --require-hashes -r requirements.txt" in (release / "Dockerfile").read_text()
    else:
        pins = [line for line in requirements.splitlines() if line and line[0] != "#"]
        assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[^=\s]+", pin) for pin in pins), pins
        project = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line and line[0] != "#"]
        assert set(project) <= set(pins) and "datasette==0.65.5" in pins
    assert re.search(r"^datasette-hashed-urls==", requirements, re.M)


def test_sha256sums_lists_exactly_the_files_of_the_release(published):
    for release in published.releases:
        listed = {}
        for line in (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
            digest, name = line.split("  ", 1)
            listed[name] = digest
        files = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()} - {"SHA256SUMS"}
        assert set(listed) == files
        for name, digest in listed.items():
            assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name


def test_budget_db_and_downloads_are_exactly_what_the_build_makes_of_data(published, tmp_path):
    """Publishing adds changes.db beside budget.db and never writes into it, so the downloads need no rewriting:
    the first release's databases and downloads are byte for byte a plain build of the same data."""
    build(ROOT / "data", tmp_path / "site")  # the copy's data/ was the repository's at the first publish
    plain, released = tmp_path / "site", published.releases[0] / "site"
    for name in ("budget.db", "filings.db"):
        assert (plain / name).read_bytes() == (released / name).read_bytes(), name
    assert tree_sums(plain / "downloads") == tree_sums(released / "downloads")


def test_first_release_says_first_release(published):
    log = changelog(published.releases[0])
    assert log["first_release"] and log["previous"] is None
    assert log["added"] == log["removed"] == log["changed"] == []
    assert "首次发布" in (published.releases[0] / "更正记录.md").read_text(encoding="utf-8")
    conn = sqlite3.connect(published.releases[0] / "site" / "changes.db")
    assert conn.execute("select 版本, 上一版本 from releases").fetchall() == [(published.names[0], None)]
    assert conn.execute("select count(*) from changelog").fetchone()[0] == 0


def keyed_rows(conn, schema, table, where="1"):
    """{primary key text: row} of one table, read with SQL here rather than with the change log's code."""
    keys = [r[1] for r in conn.execute(f"pragma {schema}.table_info([{table}])") if r[5]]
    assert keys, f"{table} has no primary key"
    return {"|".join(str(v) for v in row[:len(keys)]): row for row in conn.execute(
        f"select {', '.join(f'[{k}]' for k in keys)}, * from {schema}.[{table}] where {where}")}


def test_adding_a_year_lists_exactly_the_rows_added(published):
    old, new = published.releases[0] / "site", published.releases[1] / "site"
    log = changelog(published.releases[1])
    assert log["previous"] == published.names[0] and log["removed"] == [] and log["changed"] == []
    conn = sqlite3.connect(new / "budget.db")
    conn.execute("attach database ? as old", [str(old / "budget.db")])
    # SQLite's own tables (sqlite_stat1: the planner's statistics) are not data.
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' and name not like 'sqlite%'")]
    # Every table is compared, or listed with its reason as not compared, or is a full-text index.
    virtual = [r[0] for r in conn.execute("select name from sqlite_master where sql like 'CREATE VIRTUAL TABLE%'")]
    for table in tables:
        assert (table in log["compared_tables"] or table in log["not_compared"]
                or any(table.startswith(v) for v in virtual)), table
    assert {"special_funds", "expenditure_directions", "performance_indicators", "department_budgets",
            "department_expenditures", "forms", "form_layout", "notes", "departments"} <= set(log["compared_tables"])
    for table in log["compared_tables"]:
        new_rows, old_rows = keyed_rows(conn, "main", table), keyed_rows(conn, "old", table)
        added = {e["记录_id"] for e in log["added"] if e["table"] == table}
        assert added == set(new_rows) - set(old_rows), table
        assert set(old_rows) <= set(new_rows), table
        if "年度" in [r[1] for r in conn.execute(f"pragma table_info([{table}])")]:
            assert added == set(keyed_rows(conn, "main", table, f"年度 = {published.year}")), table  # all of it
        else:
            assert added == set(), table
    funds_added = sorted(e["row"]["专项名称"] for e in log["added"] if e["table"] == "special_funds")
    assert funds_added == sorted(r[3] for r in read_rows(FIXTURE_YEAR / "form1_special_funds.csv")[1:])
    assert all(e["row"].get("年度", published.year) == published.year for e in log["added"])
    changes = sqlite3.connect(new / "changes.db")
    logged = changes.execute("select count(*) from changelog where 版本 = ? and 变更 = '新增'", [published.names[1]])
    assert logged.fetchone()[0] == len(log["added"]) > 100


def test_a_corrected_cell_is_logged_with_old_and_new_values(published):
    log = changelog(published.releases[2])
    assert log["previous"] == published.names[1] and log["added"] == [] and log["removed"] == []
    fund_changes = {(e["column"], e["old"], e["new"]) for e in log["changed"] if e["table"] == "special_funds"}
    assert fund_changes == {("资金总额_原文", "2", "2.5"), ("资金总额_万元", 2.0, 2.5), ("资金总额_元", 20000, 25000),
                            ("资金总额_分", 2000000, 2500000)}
    assert {e["记录_id"] for e in log["changed"] if e["table"] == "special_funds"} == {CORRECTED_FUND}
    source_tables = {"forms", "form_layout", "expenditure_directions", "performance_indicators", "department_budgets",
                     "department_expenditures", "notes", "departments"}
    assert [e for e in log["changed"] if e["table"] in source_tables] == []
    markdown = (published.releases[2] / "更正记录.md").read_text(encoding="utf-8")
    assert f'special_funds `{CORRECTED_FUND}` 资金总额_原文："2" → "2.5"' in markdown
    conn = sqlite3.connect(published.releases[2] / "site" / "changes.db")
    assert conn.execute("select 原值, 新值 from changelog where 版本 = ? and 表 = 'special_funds' and 列 = '资金总额_元'",
                        [published.names[2]]).fetchall() == [("20000", "25000")]
    # The history travels with the release: every release so far, each pointing at the one before.
    assert conn.execute("select 版本, 上一版本, 更正 from releases order by 序号").fetchall() == [
        (published.names[0], None, 0), (published.names[1], published.names[0], 0),
        (published.names[2], published.names[1], len({(e["table"], e["记录_id"]) for e in log["changed"]}))]
    assert conn.execute("select count(*) from changelog where 版本 = ?", [published.names[1]]).fetchone()[0] == \
        len(changelog(published.releases[1])["added"])


def fund_path(year):
    return f"/budget/special_funds/{year}-shifeng-minzheng-08"


def same_pages(year):
    """Pages both servers must answer alike (after following the release's hashed-URL redirects)."""
    return ["/", "/changelog", "/forms", f"/forms/{year}/shifeng-minzheng/1", f"/forms/{year}/shifeng-minzheng/3",
            f"/budget/special_funds?年度={year}", fund_path(year), "/budget/notes", "/budget/department_budgets.csv",
            f"/budget/special_funds.json?_shape=array&年度={year}", "/changes/releases.json?_shape=array"]


def normalised(body, base):
    body = body.replace(base, "")  # absolute links name the server's port
    body = re.sub(r"\b(budget|filings|changes)-[0-9a-f]{7}\b", r"\1", body)  # hashed database URLs
    body = re.sub(r"查询用时 [\d.]+ ms", "查询用时", body)  # timings differ between any two requests
    return re.sub(r'name="csrftoken" value="[^"]*"', 'name="csrftoken"', body)


def get(base, path):
    """GET following redirects: (final path, status, headers, body text)."""
    with urllib.request.urlopen(base + urllib.parse.quote(path, safe="/?=&_.-"), timeout=30) as response:
        return urllib.parse.urlsplit(response.url).path, response.status, response.headers, response.read().decode()


def get_without_redirect(base, path):
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", urllib.parse.quote(path, safe="/?=&_.-"))
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, response.headers


def test_release_served_by_its_dockerfile_cmd_answers_the_same_pages_as_the_development_server(published):
    release, year = published.releases[1], published.year
    digest = hashlib.sha256((release / "site" / "budget.db").read_bytes()).hexdigest()[:7]
    with serve_release(release) as bundle, serve_dev(published.repo, release / "site") as dev:
        newest = json.loads(get(bundle, "/changes/releases.json?_shape=array&_sort_desc=序号")[3])[0]
        assert newest["版本"] == published.names[1]  # this release answered, not another server
        status, headers = get_without_redirect(bundle, "/budget/special_funds")
        assert status == 302 and headers["location"] == f"/budget-{digest}/special_funds"
        path, status, headers, body = get(bundle, f"/budget/special_funds?年度={year}")
        assert path == f"/budget-{digest}/special_funds" and status == 200
        assert headers["cache-control"] == "max-age=31536000, public"
        assert get_without_redirect(dev, "/budget/special_funds")[0] == 200  # no hashed URLs on the dev server
        ttl = json.loads((ROOT / "settings.json").read_text())["default_cache_ttl"]
        for page in ("/", "/changelog", "/assets/site.css"):  # unhashed: cacheable, briefly
            assert get(bundle, page)[2]["cache-control"] == f"max-age={ttl}, public", page
        for page in same_pages(year):
            _, bundle_status, _, bundle_body = get(bundle, page)
            _, dev_status, _, dev_body = get(dev, page)
            assert bundle_status == dev_status == 200, page
            assert normalised(bundle_body, bundle) == normalised(dev_body, dev), page
        _, _, _, landing = get(bundle, "/")
        assert str(year) in landing and "困难群众临时救助资金" in landing
        funds = json.loads(get(bundle, f"/budget/special_funds.json?_shape=array&年度={year}")[3])
        assert sorted(f["专项名称"] for f in funds) == sorted(
            r[3] for r in read_rows(FIXTURE_YEAR / "form1_special_funds.csv")[1:])
        assert f'data-release="{published.names[1]}"' in get(bundle, "/changelog")[3]


def test_served_changelog_page_shows_the_correction(published):
    with serve_release(published.releases[2]) as base:
        _, status, _, page = get(base, "/changelog")
    assert status == 200
    section = page[page.index(f'data-release="{published.names[2]}"'):page.index(f'data-release="{published.names[1]}"')]
    assert f'data-record="{CORRECTED_FUND}"' in section
    assert "<del>2</del>" in section and "<ins>2.5</ins>" in section
    assert "<del>20000</del>" in section and "<ins>25000</ins>" in section
    assert f'data-release="{published.names[0]}"' in page and "首次发布" in page


# ---------------------------------------------------------------------------
# Failures leave dist/ exactly as it was
# ---------------------------------------------------------------------------


def test_bad_csv_stops_publishing_and_leaves_dist_unchanged(published):
    before = tree_sums(published.repo / "dist")
    form1 = published.repo / "data" / "2019" / "form1_special_funds.csv"
    original = form1.read_bytes()
    rows = read_rows(form1)
    rows[1][5] = "六十"
    write_rows(form1, rows)
    try:
        result = run_publish(published.repo)
    finally:
        form1.write_bytes(original)
    assert_refused(result, "data/2019/form1_special_funds.csv 第2行 第6列（F列，“资金总额”）", "“六十”不是金额",
                   "数据有 1 处问题，未发布")
    assert tree_sums(published.repo / "dist") == before


def test_failing_tests_stop_the_release(published):
    """The copy's suite gains a test that fails on the staged release: nothing is released."""
    before = tree_sums(published.repo / "dist")
    gate = published.repo / "tests" / "test_release_gate.py"
    gate.write_text("def test_gate(built):\n    assert (built / 'budget.db').stat().st_size < 1000, 'too big'\n")
    set_fund_amount(published.repo, 5, "2.5", "2.6")  # something to release
    try:
        result = run_publish(published.repo)
    finally:
        gate.unlink()
        set_fund_amount(published.repo, 5, "2.6", "2.5")
    assert_refused(result, "测试未通过", "The tests did not pass")
    assert "too big" in result.stdout  # pytest really ran it against the staged release
    assert tree_sums(published.repo / "dist") == before


BROKEN_FILES = {
    "metadata.yml, not YAML": ("metadata.yml", lambda text: text.replace("\ntitle: ", "\ntitle: [", 1),
                               ["metadata.yml 第5行", "YAML 格式错误", "not valid YAML"]),
    "metadata.yml, a list where a mapping belongs": (
        "metadata.yml", lambda text: text.replace("      departments:\n        label_column: 部门\n",
                                                  "      departments: 部门\n", 1),
        ["metadata.yml：databases.budget.tables.departments 应为“名称: 内容”形式的映射", "must be a mapping"]),
    "contract.yml, not YAML": ("contract.yml", lambda text: text + "\n  : [\n", ["contract.yml", "YAML 格式错误"]),
    "contract.yml, an unknown type": ("contract.yml", lambda text: text.replace("type: amount", "type: sum", 1),
                                      ["contract.yml", "未知类型 unknown type sum"]),
}


@pytest.mark.parametrize("case", BROKEN_FILES)
def test_a_broken_configuration_file_is_refused_with_a_message(published, case):
    name, breaks, fragments = BROKEN_FILES[case]
    before = tree_sums(published.repo / "dist")
    path = published.repo / name
    original = path.read_text(encoding="utf-8")
    broken = breaks(original)
    assert broken != original, case
    path.write_text(broken, encoding="utf-8")
    try:
        result = run_publish(published.repo)
    finally:
        path.write_text(original, encoding="utf-8")
    assert_refused(result, "发布失败", *fragments)
    assert "内部错误" not in result.stderr
    assert tree_sums(published.repo / "dist") == before


@pytest.mark.parametrize("env, message", [
    ({"PUBLISH_TARGET": "heroku"}, "未知的 PUBLISH_TARGET“heroku”"),
    ({"PUBLISH_TARGET": "docker"}, "PUBLISH_TARGET=docker 需要 IMAGE"),
    ({"PUBLISH_TARGET": "cloudrun"}, "PUBLISH_TARGET=cloudrun 需要 CLOUDRUN_SERVICE"),
])
def test_deploy_settings_are_checked_before_anything_is_built(published, env, message):
    before = tree_sums(published.repo / "dist")
    result = run_publish(published.repo, **env)
    assert_refused(result, message)
    assert "检查数据" not in result.stdout  # refused before the build started
    assert tree_sums(published.repo / "dist") == before


def test_one_publish_at_a_time(published):
    before = tree_sums(published.repo / "dist")
    held = os.open(published.repo / "dist", os.O_RDONLY)  # as a publish running meanwhile holds it
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run_publish(published.repo)
    finally:
        os.close(held)
    assert_refused(result, "另一个 make publish 正在运行", "Another make publish is running")
    assert tree_sums(published.repo / "dist") == before


def test_versions_count_up_per_day_in_china_time(tmp_path):
    import datetime
    for name in ("2026.11.27-5", "2026.11.28-1", "2026.11.28-2", ".staging-2026.11.28-3-99"):
        (tmp_path / name).mkdir()
    utc = datetime.timezone.utc
    assert next_version(tmp_path, datetime.datetime(2026, 11, 28, 3, 0, tzinfo=utc)) == "2026.11.28-3"
    # 17:00 UTC is already the next morning in Zhuzhou.
    assert next_version(tmp_path, datetime.datetime(2026, 11, 28, 17, 0, tzinfo=utc)) == "2026.11.29-1"
    assert releases(tmp_path) == ["2026.11.27-5", "2026.11.28-1", "2026.11.28-2"]


def test_the_gate_runs_every_tier_but_tests_build_which_holds_every_test_that_publishes():
    """The gate leaves out tests/build alone, and every test file that runs `make publish` on copies of its own (or
    uses the shared first release) is there, so none publishes inside a publish."""
    from release.gate import command
    publishing = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("test_*.py")
                  if re.search(r'\brun_publish\b|"publish"|"publish\.py"|\breleased_repo\b', p.read_text(encoding="utf-8"))}
    assert {"tests/build/test_publish.py", "tests/build/test_bad_inputs.py", "tests/build/test_release_integrity.py",
            "tests/build/test_litter.py"} <= publishing
    assert all(name.startswith("tests/build/") for name in publishing), publishing
    args = command(ROOT)
    pytest_args = args[args.index("pytest") + 1:]
    assert [a for a in pytest_args if a.startswith("--ignore")] == ["--ignore=tests/build"]
    assert {"unit", "site", "server", "browser"} <= {p.name for p in (ROOT / "tests").iterdir() if p.is_dir()}
    assert "tests" in pytest_args and not any(a.startswith(("-k", "-m", "--deselect")) for a in pytest_args)
    # Nothing from the environment reaches the gate's pytest arguments (BUDGET_SITE only says which site to test).
    assert "environ" not in (ROOT / "release" / "gate.py").read_text().split("def command", 1)[1].split("def run")[0]
