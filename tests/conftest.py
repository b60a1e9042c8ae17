"""The fixtures every part of the suite shares: one fresh site folder per session (the build's own output), the
databases and metadata in it, Datasette over it in-process, a real `datasette serve` over it, and Chromium.

The suite is grouped by speed: tests/unit/ (no server, no browser), tests/site/ (Datasette in-process) and
tests/browser/ (Chromium, real servers, wrk, subprocess end-to-end). Helpers that are not fixtures are in
tests/helpers.py; the independent reader of the source document is tests/seed_forms.py.
"""
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from builder.build import build  # noqa: E402
from helpers import CHROMIUM, CHROMIUM_ARGS, Visit, free_port, running_site  # noqa: E402,F401 (re-exported)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The site folder (databases, downloads, configuration). `make publish` runs the suite against the release it
    is about to publish (publish.py sets BUDGET_SITE)."""
    if os.environ.get("BUDGET_SITE"):
        return Path(os.environ["BUDGET_SITE"]).resolve()
    site = tmp_path_factory.mktemp("build") / "site"
    build(ROOT / "data", site)
    return site.resolve()


@pytest.fixture(scope="session")
def budget_db(built):
    conn = sqlite3.connect(built / "budget.db")
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def filings_db(built):
    conn = sqlite3.connect(built / "filings.db")
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def metadata(built):
    """The metadata the site serves: metadata.yml with the docs of contract.yml."""
    return yaml.safe_load((built / "metadata.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def ds(built):
    """Datasette over the site folder, as `datasette serve site` configures it."""
    from datasette.app import Datasette

    return Datasette(config_dir=built)


@pytest.fixture
def data_copy(tmp_path):
    """A scratch copy of data/ that a test may break."""
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    return copy


@pytest.fixture(scope="session")
def server(built):
    """`make run`: datasette serve with the Makefile's own arguments, over this session's fresh build."""
    with running_site(built) as base:
        yield base


@pytest.fixture(scope="session")
async def browser():
    """Debian's Chromium driven by Playwright (imported here, so that unit and site tests do not need it)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def visit(browser, server):
    """visit(path, width=1280, javascript=True) -> a Visit of a page of this session's site."""
    opened = []

    async def open_page(path, width=1280, javascript=True):
        v = await Visit(server).start(browser, width, javascript)
        opened.append(v)
        await v.open(path)
        return v

    yield open_page
    for v in opened:
        await v.context.close()
