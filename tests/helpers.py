"""What several test files share that is not a fixture (fixtures are in conftest.py): the repository, the declared
contract read as plain YAML, editing curated CSVs the way Excel saves them, building a site folder, the state of a
published site, a real server, and a page load in Chromium that records what went wrong."""
import asyncio
import contextlib
import csv
import hashlib
import io
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD_DB = [sys.executable, str(ROOT / "build_db.py")]

# ---------------------------------------------------------------------------------------------------------------
# contract.yml, read with nothing but YAML: the tests' own view of what the build promises
# ---------------------------------------------------------------------------------------------------------------


def declared():
    """contract.yml as plain data (not through builder.contract, whose reading is part of what is tested)."""
    # libyaml's safe loader: the same data as yaml.safe_load, ten times faster (the suite reads it many times).
    return yaml.load((ROOT / "contract.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def declared_search():
    """[(table, column)] that contract.yml says the site-wide search covers."""
    return [(table, column) for table, spec in declared()["outputs"].items() for column in spec.get("search", [])]


def searchable_texts(conn, year=None):
    """Every searchable (table, row id, text) as contract.yml declares it, read from the tables themselves, not from
    the search index; with a year, only that year's."""
    texts = []
    for table, column in declared_search():
        for row_id, text in conn.execute(
                f"select id, [{column}] from [{table}] where [{column}] is not null and (? is null or 年度 = ?)",
                [year, year]):
            texts.append((table, row_id, text))
    return texts


def substring_scan(texts, query):
    """The (table, row id, text) that contain every term of query, counted: the same text can stand in two columns
    of one row (e.g. identical targets), and each occurrence is a hit."""
    terms = query.split()
    return Counter((t, i, x) for t, i, x in texts if all(term in x for term in terms))


# ---------------------------------------------------------------------------------------------------------------
# Curated CSVs, edited as a person would in Excel or WPS
# ---------------------------------------------------------------------------------------------------------------


def read(path):
    return list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))


def write(path, rows, encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    Path(path).write_bytes(buffer.getvalue().encode(encoding))


def edit(file, change):
    """A mutation of one curated file of 2019 (or of data/ itself, for '/departments.csv'): change(rows) edits the
    list of rows in place (row 0 is the header)."""
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
    """line: the Excel row number (1 = the header)."""
    def change(rows):
        rows[line - 1][rows[0].index(column)] = value
    return change


# ---------------------------------------------------------------------------------------------------------------
# Building, and what a build leaves behind
# ---------------------------------------------------------------------------------------------------------------


def run_build(data, site, cwd=None):
    """`python build_db.py --data DATA --site SITE`, as a person runs it (in cwd, for relative paths)."""
    return subprocess.run(BUILD_DB + ["--data", str(data), "--site", str(site)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def build_site(data, site):
    """Build data into the site link `site` in-process; returns the folder it now points at."""
    from builder.build import build

    build(data, site)
    return Path(site).resolve()


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tree(folder):
    """Every file under folder, hidden ones too, with its SHA-256; symbolic links as their target (not followed,
    so the links to the repository's templates/ and plugins/ count as links)."""
    folder = Path(folder)
    found = {}
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(parent) / name
            key = str(path.relative_to(folder))
            if path.is_symlink():
                found[key] = "-> " + os.readlink(path)
            elif path.is_file():
                found[key] = sha256(path)
    return found


def builds_of(site):
    """The build folders beside a site link (.site.builds/<stamp>/), by name."""
    folder = Path(site).parent / f".{Path(site).name}.builds"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def site_state(site):
    """Everything a failed build must leave as it was: where the link points, every file of the folder it points
    at, and which build folders exist."""
    site = Path(site)
    return {"link": os.readlink(site), "files": tree(site.resolve()), "builds": builds_of(site)}


def ds_for(site):
    """A Datasette over a site folder, as `make run` serves it."""
    from datasette.app import Datasette

    return Datasette(config_dir=Path(site).resolve())


def landing_choices(budget_db):
    """The (年度, 部门) pages the landing page offers, latest year first: `/` shows the first one."""
    return [tuple(r) for r in budget_db.execute(
        "select 年度, 部门 from special_funds union select 年度, 部门 from department_budgets order by 年度 desc, 部门")]


# ---------------------------------------------------------------------------------------------------------------
# Waiting for a condition, and a real server
# ---------------------------------------------------------------------------------------------------------------


def wait_until(condition, seconds, step=0.05):
    """Ask condition() again every `step` seconds until it is true or `seconds` have passed; returns its last
    answer. Tests wait for what they need (a server that answers, a file that appears), never a fixed time."""
    deadline = time.monotonic() + seconds
    while not (answer := condition()) and time.monotonic() < deadline:
        time.sleep(step)
    return answer


async def until(condition, seconds, step=0.01):
    """wait_until for a test's event loop: the tasks the condition looks at keep running meanwhile."""
    deadline = time.monotonic() + seconds
    while not (answer := condition()) and time.monotonic() < deadline:
        await asyncio.sleep(step)
    return answer


def answers(url):
    """Whether a server answers url with success (a server still starting refuses the connection)."""
    try:
        urllib.request.urlopen(url, timeout=2).close()
        return True
    except OSError:
        return False


def started(process, url, seconds):
    """Wait until the server `process` answers url; False if it exited or did not answer within seconds."""
    wait_until(lambda: process.poll() is not None or answers(url), seconds)
    return process.poll() is None and answers(url)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVERS = {}  # base URL -> the `make run` process serving it, while it runs


def server_pid(base):
    """The datasette process (under `make run`) serving base, for reading its memory from /proc."""
    from bench.measure import process_tree

    for pid in process_tree(SERVERS[base].pid):
        with contextlib.suppress(OSError):
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if any(arg.endswith(b"/datasette") for arg in args) and not args[0].endswith((b"sh", b"make")):
                return pid
    raise LookupError(f"no datasette process under {base}")


@contextlib.contextmanager
def running_site(site):
    """`make run` (datasette serve, as `make serve` runs it) over a site folder; yields the base URL."""
    port = free_port()
    # The server's log goes to a file: a pipe nobody reads fills up (64 KB; Datasette logs each failed statement's
    # whole SQL) and the server then stops, blocked writing to it.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(["make", "-s", "-o", ".venv/.installed", "run", f"SITE={site}", f"PORT={port}"],
                               cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    SERVERS[base] = process
    try:
        if not started(process, base + "/-/versions.json", 30):
            log.seek(0)
            raise RuntimeError("datasette did not start: " + log.read().decode()[-2000:])
        yield base
    finally:
        SERVERS.pop(base, None)
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        log.close()


# ---------------------------------------------------------------------------------------------------------------
# Chromium
# ---------------------------------------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
# No background networking: this machine's network is closed, and the tests fail on any request leaving localhost.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = ROOT / "test-artifacts"
WIDTHS = [375, 1280]


class Visit:
    """A page load that records everything that went wrong on the way."""

    def __init__(self, base):
        self.base = base
        self.problems = []

    async def start(self, browser, width, javascript=True):
        self.context = await browser.new_context(viewport={"width": width, "height": 900},
                                                 java_script_enabled=javascript)
        self.page = await self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        self.page.on("dialog", self.on_dialog)
        await self.context.route("**/*", self.only_localhost)
        return self

    async def on_dialog(self, dialog):
        self.problems.append(f"dialog: {dialog.message}")
        await dialog.dismiss()

    async def only_localhost(self, route):
        host = urllib.parse.urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            await route.continue_()
        else:
            self.problems.append(f"left localhost: {route.request.url}")
            await route.abort()

    async def open(self, path):
        await self.page.goto(self.base + path, wait_until="networkidle")
        return self.page


async def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def site_like(ds, public_url=None):
    """Another Datasette configured exactly as `ds` (its own SQL lane and threads); optionally with another public
    address in metadata's `plugins: public_host:`, as a deployment sets PUBLIC_URL."""
    import copy

    from datasette.app import Datasette

    metadata = copy.deepcopy(ds.metadata())
    if public_url:
        metadata["plugins"]["public_host"]["public_url"] = public_url
    return Datasette(files=[f for f in ds.files if f not in ds.immutables], immutables=sorted(ds.immutables),
                     metadata=metadata, template_dir=ds.template_dir, plugins_dir=ds.plugins_dir,
                     static_mounts=ds.static_mounts, settings=dict(ds._settings), inspect_data=ds.inspect_data)


def figure(page, name):
    """The text of the element marked data-figure="name" on a page (the landing page's figures)."""
    match = re.search(rf'data-figure="{name}">([^<]+)<', page)
    assert match, name
    return match.group(1).strip()


async def json_rows(ds, path, **params):
    """The rows of a Datasette page as JSON objects (_shape=array), after checking it answered 200."""
    response = await ds.client.get(f"{path}.json?" + urllib.parse.urlencode({**params, "_shape": "array"}))
    assert response.status_code == 200, response.text[:300]
    return response.json()


BAD_INPUTS = ROOT / "tests" / "bad_inputs"


def bad_input_expectations(case):
    """(description line, [message fragments]) of a case of tests/bad_inputs (its expected.txt)."""
    lines = (BAD_INPUTS / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return lines[0], [line for line in lines[1:] if line.strip()]


# ---------------------------------------------------------------------------------------------------------------
# axe-core: the one way the suite checks WCAG
# ---------------------------------------------------------------------------------------------------------------

# The npm package axe-core, pinned in package.json and package-lock.json and installed by `make test` (npm ci).
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what issue 23 promises (GB/T 37668-2019 asks for the same level).
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Every rule axe runs by default (WCAG 2.0-2.2 A and AA, best practices: landmarks, headings, unique labels…):
# what the older page tests check, filtered by impact.
ALL_AXE_TAGS = None


async def axe_violations(page, tags=WCAG_AA_TAGS):
    """axe-core's violations of the rules with these tags (WCAG 2.0/2.1 A and AA unless told; None: axe's default
    rules) on the page as it is now, every impact level."""
    if not AXE_SCRIPT.exists():
        raise RuntimeError(f"{AXE_SCRIPT} is missing: run `npm ci` (make test does) / 缺少 axe-core，请先运行 npm ci")
    if not await page.evaluate("typeof window.axe === 'object'"):
        # Evaluated by the browser's debugging protocol, not added as a <script> (page.add_script_tag): the site's
        # Content-Security-Policy (budget_site/guards/security_headers.py) rightly refuses inline scripts, and the test
        # must not weaken it (bypass_csp) to look at the page.
        await page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = await page.evaluate("""tags => axe.run(document, tags ? {runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations']} : {resultTypes: ['violations']})""", tags)
    return results["violations"]


def axe_report(violations, where=""):
    """One line per element that fails: rule, impact, CSS target and what axe says to fix."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = " ".join(line.strip() for line in (node.get("failureSummary") or violation["help"]).splitlines())
            lines.append(f"{where} {violation['id']} ({violation['impact']}): {' '.join(map(str, node['target']))}"
                         f" — {summary}")
    return "\n".join(lines)
