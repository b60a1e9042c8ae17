"""Helpers of the tests that publish on their own repository copies (test_publish, test_release_integrity,
test_litter, test_bad_inputs): the copy, its environment, its releases, and serving a release as its image would.

A copy's test suite is cut down to the release checks (tests/site/test_release_checks.py) so that each `make publish`
there takes seconds, not the minutes the real gate takes: a test-only choice made here, by which files are copied.
Nothing the operator can set narrows the gate of a real publish.
"""
import contextlib
import csv
import hashlib
import io
import json
import os
import re
import signal
import subprocess

from conftest import ROOT, free_port
from helpers import started

FIXTURE_YEAR = ROOT / "tests" / "fixtures" / "2020"  # a fictional year; see tests/fixtures/README.md
FIXTURE_YEAR_NUMBER = 2020
COPY_SUITE = ["site/test_release_checks.py"]  # the suite a copy's `make publish` runs
RELEASE_NAME = re.compile(r"^\d{4}\.\d{2}\.\d{2}-\d+$")  # 2026.11.28-1, as README describes versions
# -o: use the shared .venv as it is; never let a copy's make reinstall packages into it. Nor run npm ci there: the
# copy's cut-down suite does not run axe-core (tests/browser/test_accessibility.py), the only user of node_modules.
MAKE = ["make", "-s", "--no-print-directory", "-o", ".venv/.installed", "-o", "node_modules/.package-lock.json"]
# What serves a release: the runtime environment alone (requirements/runtime.txt, what a release installs).
RUNTIME_VENV = ROOT / ".venv" / "runtime"


def copy_repository(target, suite=COPY_SUITE):
    """What the lead would commit (tracked files and new files that are not ignored), with only `suite` of the
    test files; .venv linked, not copied."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, check=True).stdout.decode()
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        is_test = name.startswith("tests/") and name.rsplit("/", 1)[-1].startswith("test_")
        if source.is_file() and (not is_test or name[len("tests/"):] in suite):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(source.read_bytes())
    (target / ".venv").symlink_to(ROOT / ".venv")
    return target


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in (
        "PUBLISH_TARGET", "IMAGE", "CLOUDRUN_SERVICE", "CLOUDRUN_REGION", "CLOUDRUN_MAX_INSTANCES", "BUDGET_SITE",
        "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "PYTHONPATH")}
    return {**env, **extra}


def run_make(repo, *targets, timeout=600, **env):
    return subprocess.run(MAKE + list(targets), cwd=repo, env=clean_env(**env), capture_output=True, text=True,
                          timeout=timeout)


def run_publish(repo, **env):
    return run_make(repo, "publish", **env)


def tree_sums(folder):
    """Every file, folder and link under folder (hidden ones too) with its SHA-256: equal means byte-identical."""
    if not folder.exists():
        return {}
    sums = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            sums[str(path.relative_to(folder))] = "link to " + os.readlink(path)
        elif path.is_file():
            sums[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            sums[str(path.relative_to(folder))] = "folder"
    return sums


def release_order(name):
    return tuple(int(part) for part in re.findall(r"\d+", name))


def release_names(repo):
    return sorted((p.name for p in (repo / "dist").iterdir() if RELEASE_NAME.match(p.name)), key=release_order)


def read_rows(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def write_rows(path, rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def set_fund_amount(repo, number, old, new):
    """Correct 资金总额 of fund `number` (序号) of 2019 in the copy's data/: old → new (as text)."""
    form1 = repo / "data" / "2019" / "form1_special_funds.csv"
    rows = read_rows(form1)
    row = next(r for r in rows if r[0] == "2019" and r[2] == str(number))
    assert row[5] == old, row
    row[5] = new
    write_rows(form1, rows)


def add_fixture_year(data_dir):
    """The fictional fixture year as the year after the latest in data_dir, its 年度 cells (and the record ids
    that start with the year) rewritten to that year. Returns the year."""
    year = max(int(p.name) for p in data_dir.iterdir() if p.is_dir() and p.name.isdigit()) + 1
    target = data_dir / str(year)
    target.mkdir()
    for source in FIXTURE_YEAR.glob("*.csv"):
        rows = read_rows(source)
        header = rows[0]
        for row in rows[1:]:
            row[header.index("年度")] = str(year)
            if "记录_id" in header:
                cell = header.index("记录_id")
                row[cell] = re.sub(rf"^{FIXTURE_YEAR_NUMBER}-", f"{year}-", row[cell])
        write_rows(target / source.name, rows)
    return year


@contextlib.contextmanager
def serving(command, cwd, env, port):
    """Start a server in its own process group, wait until it answers, stop the whole group afterwards."""
    process = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        if not started(process, f"http://127.0.0.1:{port}/-/versions.json", 60):
            exited = process.poll() is not None  # its error output can be read to the end only once it exited
            raise RuntimeError("server did not start: " + (process.stderr.read().decode()[-2000:] if exited
                                                           else "no answer within 60 s"))
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def dockerfile(release):
    """(ENV settings, CMD) of a release's Dockerfile."""
    lines = (release / "Dockerfile").read_text(encoding="utf-8").splitlines()
    settings = dict(pair.split("=", 1) for line in lines if line.startswith("ENV ") for pair in line[4:].split())
    commands = [line[len("CMD "):] for line in lines if line.startswith("CMD ")]
    assert len(commands) == 1, commands
    return settings, commands[0]


def runtime_environment():
    """PATH and PYTHONPATH additions that give the packages a release installs (see RUNTIME_VENV)."""
    assert (RUNTIME_VENV / "bin" / "datasette").exists(), "make test makes .venv/runtime first"
    return str(RUNTIME_VENV / "bin"), []


def serve_release(release):
    """The release as its image runs it: the Dockerfile's CMD through /bin/sh -c (Docker's shell form), in the
    release folder (the image's WORKDIR /app), with the Dockerfile's ENV (/app read as the release folder)."""
    settings, command = dockerfile(release)
    port = free_port()
    bin_dir, extra_path = runtime_environment()
    env = clean_env(PATH=f"{bin_dir}:{os.environ['PATH']}")
    env.update({key: value.replace("/app", str(release)) for key, value in settings.items()})
    env["PYTHONPATH"] = ":".join([env["PYTHONPATH"], *extra_path])
    env["PORT"] = str(port)
    env["PUBLIC_URL"] = f"http://127.0.0.1:{port}"  # as a deployment sets it to the site's own address (README)
    return serving(["/bin/sh", "-c", command], release, env, port)


def serve_dev(repo, site_folder):
    """`make run` (the development server) over a site folder."""
    port = free_port()
    return serving(MAKE + ["run", f"SITE={site_folder}", f"PORT={port}"], repo, clean_env(), port)


def changelog(release):
    return json.loads((release / "CHANGELOG.json").read_text(encoding="utf-8"))


def assert_refused(result, *fragments, unchanged="dist/ and the running site are unchanged"):
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    if unchanged:
        assert unchanged in result.stderr, result.stderr
