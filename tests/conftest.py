"""A fresh site folder per test session (the build's own output), and a Datasette serving it like `make serve`."""
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import sqlite3
import sys
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from builder.build import build  # noqa: E402


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
    return Datasette(config_dir=built)


@pytest.fixture
def data_copy(tmp_path):
    """A scratch copy of data/ that a test may break."""
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    return copy


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_site(site):
    """`make run` (datasette serve, as `make serve` runs it) over a site folder; yields the base URL."""
    port = free_port()
    process = subprocess.Popen(["make", "-s", "run", f"SITE={site}", f"PORT={port}"], cwd=ROOT,
                               start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                if time.time() > deadline or process.poll() is not None:
                    raise RuntimeError("datasette did not start: " + process.stderr.read().decode()[-2000:])
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
