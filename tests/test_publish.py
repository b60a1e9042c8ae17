"""`make publish` end to end, on a temporary copy of the repository (its tracked and new files; the shared .venv is
symlinked): a first release; a second after adding the fictional fixture year; a third after correcting a 2019 cell;
and failures that must leave dist/ byte for byte as it was. Bundles are served with the exact command their
Dockerfile runs (its CMD line), next to the development server (`make run`) over the same databases.

The `candidate` tests at the end check whatever build the suite is given: every publish here runs them
(PUBLISH_TEST_ARGS) against the release it is about to make, and the normal suite runs them against its own build.
"""
import contextlib
import csv
import hashlib
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from types import SimpleNamespace

import pytest

from conftest import ROOT

import publish  # noqa: E402  (conftest puts the repository on sys.path)

FIXTURE_YEAR = ROOT / "tests" / "fixtures" / "2020"
QUICK_TESTS = "tests/test_publish.py -k candidate"  # the release checks below; the full suite takes minutes
# -o: use the shared .venv as it is; never let a copy's make reinstall packages into it.
MAKE = ["make", "-s", "--no-print-directory", "-o", ".venv/.installed"]
CORRECTED_FUND = "2019-shifeng-minzheng-05"  # 区划地名工作经费: 资金总额 2 → 2.5 (万元)


# ---------------------------------------------------------------------------
# Helpers (test_bad_inputs.py uses them too)
# ---------------------------------------------------------------------------


def copy_repository(target):
    """What the lead would commit: tracked files and new files that are not ignored; .venv linked, not copied."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, check=True).stdout.decode()
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(source.read_bytes())
    (target / ".venv").symlink_to(ROOT / ".venv")
    return target


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in (
        "PUBLISH_TARGET", "IMAGE", "CLOUDRUN_SERVICE", "BUDGET_DB_DIR", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    return {**env, "PUBLISH_TEST_ARGS": QUICK_TESTS, **extra}


def run_publish(repo, **env):
    return subprocess.run(MAKE + ["publish"], cwd=repo, env=clean_env(**env), capture_output=True, text=True,
                          timeout=600)


def tree_sums(folder):
    """Every file and folder under folder (hidden ones too) with its SHA-256: equal means byte-identical."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
            for p in sorted(folder.rglob("*"))}


def release_names(repo):
    return sorted((p.name for p in (repo / "dist").iterdir() if not p.name.startswith(".")), key=publish.release_order)


def read_rows(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def write_rows(path, rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(command, cwd, env, port):
    """Start a server, wait until /-/versions.json answers, and stop its whole process group afterwards."""
    process = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError("server exited: " + process.stderr.read().decode()[-2000:])
            try:
                versions = json.load(urllib.request.urlopen(base + "/-/versions.json", timeout=2))
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        yield base, versions
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def dockerfile_cmd(release):
    lines = [line for line in (release / "Dockerfile").read_text(encoding="utf-8").splitlines()
             if line.startswith("CMD ")]
    assert len(lines) == 1
    return lines[0][len("CMD "):]


def serve_bundle(release):
    """The bundle's Dockerfile CMD, run as Docker runs a shell-form CMD: /bin/sh -c, in the bundle, with $PORT and
    the image's PYTHONPATH. The image pip-installs the runtime lock alone; so does .venv/runtime."""
    port = free_port()
    env = dict(clean_env(), PORT=str(port), PATH=f"{ROOT / '.venv' / 'runtime' / 'bin'}:{os.environ['PATH']}",
               PYTHONPATH=str(release))
    return serving(["/bin/sh", "-c", dockerfile_cmd(release)], release, env, port)


def serve_dev(repo, release):
    port = free_port()
    return serving(MAKE + ["run", f"DB_DIR={release}", f"PORT={port}"], repo, clean_env(), port)


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


# ---------------------------------------------------------------------------
# Three releases: first, plus the fixture year, plus a correction
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def bundle_packages():
    """.venv/runtime: the release's server, from requirements/runtime.txt alone (see the Makefile)."""
    subprocess.run(MAKE + [".venv/runtime/.installed"], cwd=ROOT, check=True, capture_output=True)


@pytest.fixture(scope="module")
def published(tmp_path_factory, bundle_packages):
    repo = copy_repository(tmp_path_factory.mktemp("repo"))
    runs = {"first": run_publish(repo)}
    assert runs["first"].returncode == 0, runs["first"].stdout + runs["first"].stderr
    first = repo / "dist" / release_names(repo)[0]
    first_sums = tree_sums(first)

    (repo / "data" / "2020").mkdir()
    for source in FIXTURE_YEAR.glob("*.csv"):
        (repo / "data" / "2020" / source.name).write_bytes(source.read_bytes())
    runs["second"] = run_publish(repo)
    assert runs["second"].returncode == 0, runs["second"].stdout + runs["second"].stderr

    form1 = repo / "data" / "2019" / "form1_special_funds.csv"
    rows = read_rows(form1)
    row = next(r for r in rows if r[2] == "5")
    assert row[5] == "2"
    row[5] = "2.5"
    write_rows(form1, rows)
    runs["third"] = run_publish(repo)
    assert runs["third"].returncode == 0, runs["third"].stdout + runs["third"].stderr

    names = release_names(repo)
    return SimpleNamespace(repo=repo, runs=runs, names=names, releases=[repo / "dist" / n for n in names],
                           first_sums=first_sums)


def changelog(release):
    return json.loads((release / "CHANGELOG.json").read_text(encoding="utf-8"))


def test_each_publish_makes_a_new_release_and_never_touches_earlier_ones(published):
    assert len(published.names) == 3
    assert all(publish.RELEASE_NAME.match(name) for name in published.names)
    assert tree_sums(published.releases[0]) == published.first_sums
    assert sorted(p.name for p in (published.repo / "dist").iterdir()) == sorted(published.names)  # no staging left
    for run in published.runs.values():  # the release checks ran against each build, and passed
        assert re.search(r"\b3 passed\b", run.stdout) and "failed" not in run.stdout, run.stdout
    output = published.runs["first"].stdout
    assert "未部署" in output and "not deployed" in output and "docker build" in output and "CLOUDRUN_SERVICE" in output


def test_bundle_holds_everything_a_server_needs(published):
    release = published.releases[0]
    for name in ("budget.db", "filings.db", "metadata.yml", "settings.json", "requirements.txt", "Dockerfile",
                 "SHA256SUMS", "CHANGELOG.json", "更正记录.md", "inspect-data.json", "templates/base.html",
                 "templates/changelog.html", "plugins/changelog_page.py", "static/site.css"):
        assert (release / name).is_file(), name
    assert any((release / "source").iterdir())
    listed = dict(reversed(line.split("  ", 1)) for line in (release / "SHA256SUMS").read_text().splitlines())
    files = {str(p.relative_to(release)) for p in release.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name
    # The release installs the runtime lock and nothing else: the server and its plugins, pinned with hashes.
    requirements = (release / "requirements.txt").read_text()
    assert requirements == (ROOT / "requirements" / "runtime.txt").read_text()
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==\S+ \\\n +--hash=sha256:[0-9a-f]{64}", requirements, re.MULTILINE)
    assert {"datasette", "datasette-vega", "datasette-hashed-urls"} <= set(pins)
    assert "datasette==0.65.5 " in requirements
    assert not {"pandas", "numpy", "sqlite-utils", "pytest", "playwright", "frictionless", "rich"} & set(pins)
    assert "--require-hashes -r requirements.txt" in (release / "Dockerfile").read_text()
    command = dockerfile_cmd(release)
    assert command.startswith("exec datasette serve ")
    for part in ("--immutable ./budget.db", "--immutable ./filings.db", "--inspect-file inspect-data.json",
                 '--port "$PORT"', "--host 0.0.0.0", f"--version-note {published.names[0]}"):
        assert part in command, part
    for mount in re.findall(r"--static [a-z]+:(\S+)", command):
        assert (release / mount).is_dir(), mount


def test_first_release_says_first_release(published):
    log = changelog(published.releases[0])
    assert log["first_release"] and log["previous"] is None
    assert log["added"] == log["removed"] == log["changed"] == []
    assert "首次发布" in (published.releases[0] / "更正记录.md").read_text(encoding="utf-8")
    conn = sqlite3.connect(published.releases[0] / "budget.db")
    assert conn.execute("select 版本, 上一版本 from releases").fetchall() == [(published.names[0], None)]
    assert conn.execute("select count(*) from changelog").fetchone()[0] == 0


def keyed_rows(conn, schema, table, where="1"):
    """{primary key text: row} of one table, read with SQL here rather than with publish.py's code."""
    keys = [r[1] for r in conn.execute(f"pragma {schema}.table_info([{table}])") if r[5]]
    assert keys, f"{table} has no primary key"
    return {"|".join(str(v) for v in row[:len(keys)]): row for row in conn.execute(
        f"select {', '.join(f'[{k}]' for k in keys)}, * from {schema}.[{table}] where {where}")}


def test_adding_a_year_lists_exactly_the_rows_added(published):
    old, new = published.releases[0], published.releases[1]
    log = changelog(new)
    assert log["previous"] == published.names[0] and log["removed"] == [] and log["changed"] == []
    conn = sqlite3.connect(new / "budget.db")
    conn.execute("attach database ? as old", [str(old / "budget.db")])
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
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
            assert added == set(keyed_rows(conn, "main", table, "年度 = 2020")), table  # the new year, all of it
        else:
            assert added == set(), table
    funds_added = sorted(e["row"]["专项名称"] for e in log["added"] if e["table"] == "special_funds")
    assert funds_added == sorted(r[3] for r in read_rows(FIXTURE_YEAR / "form1_special_funds.csv")[1:])
    assert all(e["row"].get("年度", 2020) == 2020 for e in log["added"])
    logged = conn.execute("select count(*) from changelog where 版本 = ? and 变更 = '新增'", [published.names[1]])
    assert logged.fetchone()[0] == len(log["added"]) > 100


def test_a_corrected_cell_is_logged_with_old_and_new_values(published):
    log = changelog(published.releases[2])
    assert log["previous"] == published.names[1] and log["added"] == [] and log["removed"] == []
    fund_changes = {(e["column"], e["old"], e["new"]) for e in log["changed"] if e["table"] == "special_funds"}
    assert fund_changes == {("资金总额_原文", "2", "2.5"), ("资金总额_万元", 2.0, 2.5), ("资金总额_元", 20000, 25000)}
    assert {e["记录_id"] for e in log["changed"] if e["table"] == "special_funds"} == {CORRECTED_FUND}
    source_tables = {"forms", "form_layout", "expenditure_directions", "performance_indicators", "department_budgets",
                     "department_expenditures", "notes", "departments"}
    assert [e for e in log["changed"] if e["table"] in source_tables] == []
    markdown = (published.releases[2] / "更正记录.md").read_text(encoding="utf-8")
    assert f'special_funds `{CORRECTED_FUND}` 资金总额_原文："2" → "2.5"' in markdown
    conn = sqlite3.connect(published.releases[2] / "budget.db")
    assert conn.execute("select 原值, 新值 from changelog where 版本 = ? and 表 = 'special_funds' and 列 = '资金总额_元'",
                        [published.names[2]]).fetchall() == [("20000", "25000")]
    # The history travels with the data: every release so far, each pointing at the one before.
    assert conn.execute("select 版本, 上一版本, 更正 from releases order by 序号").fetchall() == [
        (published.names[0], None, 0), (published.names[1], published.names[0], 0),
        (published.names[2], published.names[1], len({(e["table"], e["记录_id"]) for e in log["changed"]}))]
    assert conn.execute("select count(*) from changelog where 版本 = ?", [published.names[1]]).fetchone()[0] == \
        len(changelog(published.releases[1])["added"])


# Pages both servers must answer alike (after following the bundle's hashed-URL redirects).
SAME_PAGES = ["/", "/changelog", "/forms", "/forms/2020/shifeng-minzheng/1", "/forms/2020/shifeng-minzheng/3",
              "/budget/special_funds?年度=2020", "/budget/special_funds/2020-shifeng-minzheng-08", "/budget/notes",
              "/budget/department_budgets.csv", "/budget/special_funds.json?_shape=array&年度=2020"]


def normalised(body, base):
    body = body.replace(base, "")  # absolute links name the server's port
    body = re.sub(r"\b(budget|filings)-[0-9a-f]{7}\b", r"\1", body)  # hashed database URLs
    body = re.sub(r"查询用时 [\d.]+ ms", "查询用时", body)  # timings differ between any two requests
    return re.sub(r'name="csrftoken" value="[^"]*"', 'name="csrftoken"', body)


def test_served_bundle_answers_the_same_pages_as_the_development_server(published):
    release = published.releases[1]
    digest = hashlib.sha256((release / "budget.db").read_bytes()).hexdigest()[:7]
    with serve_bundle(release) as (bundle, versions), serve_dev(published.repo, release) as (dev, _):
        assert versions["datasette"]["note"] == published.names[1]  # this bundle answered, not another server
        status, headers = get_without_redirect(bundle, "/budget/special_funds")
        assert status == 302 and headers["location"] == f"/budget-{digest}/special_funds"
        path, status, headers, body = get(bundle, "/budget/special_funds?年度=2020")
        assert path == f"/budget-{digest}/special_funds" and status == 200
        assert headers["cache-control"] == "max-age=31536000, public"
        assert get_without_redirect(dev, "/budget/special_funds")[0] == 200  # no hashed URLs on the dev server
        ttl = json.loads((ROOT / "settings.json").read_text())["default_cache_ttl"]
        for page in ("/", "/changelog", "/assets/site.css"):  # unhashed: cacheable, briefly
            assert get(bundle, page)[2]["cache-control"] == f"max-age={ttl}, public", page
        for page in SAME_PAGES:
            _, bundle_status, _, bundle_body = get(bundle, page)
            _, dev_status, _, dev_body = get(dev, page)
            assert bundle_status == dev_status == 200, page
            assert normalised(bundle_body, bundle) == normalised(dev_body, dev), page
        _, _, _, landing = get(bundle, "/")
        assert "2020" in landing and "困难群众临时救助资金" in landing
        funds = json.loads(get(bundle, "/budget/special_funds.json?_shape=array&年度=2020")[3])
        assert sorted(f["专项名称"] for f in funds) == sorted(
            r[3] for r in read_rows(FIXTURE_YEAR / "form1_special_funds.csv")[1:])
        changes = get(bundle, "/changelog")[3]
        assert f'data-release="{published.names[1]}"' in changes


def test_served_changelog_page_shows_the_correction(published):
    with serve_bundle(published.releases[2]) as (base, versions):
        assert versions["datasette"]["note"] == published.names[2]
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


def assert_refused(published, result, *fragments):
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    assert "dist/ and the running site are unchanged" in result.stderr


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
    assert_refused(published, result, "data/2019/form1_special_funds.csv 第2行 第6列（F列，“资金总额”）", "“六十”不是金额",
                   "数据有 1 处问题，未发布")
    assert tree_sums(published.repo / "dist") == before


def test_failing_tests_stop_the_release(published):
    before = tree_sums(published.repo / "dist")
    gate = published.repo / "tests" / "test_release_gate.py"
    gate.write_text("def test_gate(built):\n    assert (built / 'budget.db').stat().st_size < 1000, 'too big'\n")
    try:
        result = run_publish(published.repo, PUBLISH_TEST_ARGS="tests/test_release_gate.py")
    finally:
        gate.unlink()
    assert_refused(published, result, "测试未通过", "The tests did not pass")
    assert "too big" in result.stdout  # pytest really ran it against the new build
    assert tree_sums(published.repo / "dist") == before


@pytest.mark.parametrize("env, message", [
    ({"PUBLISH_TARGET": "heroku"}, "未知的 PUBLISH_TARGET“heroku”"),
    ({"PUBLISH_TARGET": "docker"}, "PUBLISH_TARGET=docker 需要 IMAGE"),
    ({"PUBLISH_TARGET": "cloudrun"}, "PUBLISH_TARGET=cloudrun 需要 CLOUDRUN_SERVICE"),
])
def test_deploy_settings_are_checked_before_anything_is_built(published, env, message):
    before = tree_sums(published.repo / "dist")
    result = run_publish(published.repo, **env)
    assert_refused(published, result, message)
    assert "检查数据" not in result.stdout  # refused before the build started
    assert tree_sums(published.repo / "dist") == before


# ---------------------------------------------------------------------------
# Small parts
# ---------------------------------------------------------------------------


def test_versions_count_up_per_day_in_china_time(tmp_path):
    for name in ("2026.11.27-5", "2026.11.28-1", "2026.11.28-2", ".staging-2026.11.28-3-99"):
        (tmp_path / name).mkdir()
    utc = publish.datetime.timezone.utc
    assert publish.next_version(tmp_path, publish.datetime.datetime(2026, 11, 28, 3, 0, tzinfo=utc)) == "2026.11.28-3"
    # 17:00 UTC is already the next morning in Zhuzhou.
    assert publish.next_version(tmp_path, publish.datetime.datetime(2026, 11, 28, 17, 0, tzinfo=utc)) == "2026.11.29-1"
    assert publish.releases(tmp_path) == ["2026.11.27-5", "2026.11.28-1", "2026.11.28-2"]


def test_cloudrun_gets_the_bundles_serve_arguments(published):
    release = published.releases[0]
    args = publish.bundle_serve_args(release)
    files, options, extra = publish.cloudrun_options(args)
    assert files == ["./budget.db", "./filings.db"]
    command = dockerfile_cmd(release)
    for option, value in zip(options[::2], options[1::2]):
        assert f"{option} {value}" in command
    assert options.count("--static") == command.count("--static ") and "--metadata" in options
    settings = json.loads((release / "settings.json").read_text())
    assert extra == [part for key, value in settings.items()
                     for part in ("--setting", key, str(value).lower() if isinstance(value, bool) else str(value))]


def test_deploying_a_changed_bundle_is_refused(published):
    copy = published.repo / "dist" / "2000.01.01-1"
    shutil.copytree(published.releases[0], copy)
    try:
        unset = subprocess.run([".venv/bin/python", "publish.py", "--deploy", "dist/2000.01.01-1"],
                               cwd=published.repo, env=clean_env(), capture_output=True, text=True)
        assert unset.returncode == 1 and "请设置 PUBLISH_TARGET" in unset.stderr
        with open(copy / "metadata.yml", "a", encoding="utf-8") as handle:
            handle.write("# edited after release\n")
        changed = subprocess.run([".venv/bin/python", "publish.py", "--deploy", "dist/2000.01.01-1"],
                                 cwd=published.repo, env=clean_env(PUBLISH_TARGET="docker", IMAGE="example/budget"),
                                 capture_output=True, text=True)
        assert changed.returncode == 1 and "metadata.yml 与 SHA256SUMS 不符" in changed.stderr
    finally:
        shutil.rmtree(copy)


# ---------------------------------------------------------------------------
# Release checks: run by `make publish` against the build it is about to release (and by the normal suite)
# ---------------------------------------------------------------------------


async def test_candidate_every_year_has_its_pages(ds, budget_db):
    years = [r[0] for r in budget_db.execute("select distinct 年度 from special_funds order by 年度")]
    assert years
    for year in years:
        response = await ds.client.get(f"/?年度={year}")
        assert response.status_code == 200 and str(year) in response.text
    for year, code, number in budget_db.execute(
            "select f.年度, d.部门编码, f.表号 from forms f join departments d on d.部门 = f.部门"):
        assert (await ds.client.get(f"/forms/{year}/{code}/{number}")).status_code == 200
    for (fund_id,) in budget_db.execute("select id from special_funds"):
        assert (await ds.client.get(f"/budget/special_funds/{fund_id}")).status_code == 200


async def test_candidate_changelog_page_matches_the_changelog_table(ds, budget_db):
    response = await ds.client.get("/changelog")
    assert response.status_code == 200
    tables = {r[0] for r in budget_db.execute("select name from sqlite_master where type = 'table'")}
    if "releases" not in tables:  # a development build: nothing published yet
        assert "首次发布" in response.text and "data-release=" not in response.text
        return
    releases = budget_db.execute("select 版本, 上一版本 from releases order by 序号").fetchall()
    for version, previous in releases:
        assert f'data-release="{version}"' in response.text
    if len(releases) == 1:
        assert "首次发布" in response.text
    for change_id, old, new in budget_db.execute("select id, 原值, 新值 from changelog where 变更 = '更正'"):
        row = response.text[response.text.index(f'data-change="{change_id}"'):]
        row = row[:row.index("</tr>")]
        for value in (old, new):
            assert value is None or f">{value}<" in row.replace("&#34;", '"').replace("&#39;", "'"), (value, row)


def test_candidate_databases_are_sound(built, budget_db):
    assert budget_db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert budget_db.execute("pragma foreign_key_check").fetchall() == []
    filings = sqlite3.connect(built / "filings.db")
    assert filings.execute("pragma integrity_check").fetchone()[0] == "ok"
    years = {r[0] for r in budget_db.execute("select distinct 年度 from special_funds")}
    filed = {int(r[0]) for r in filings.execute("select distinct 年度 from form1_special_funds")}
    assert years == filed
