"""A fresh budget.db and filings.db per test session, and a Datasette configured like `make serve`."""
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

import build_db  # noqa: E402


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    # `make publish` runs the suite against the build it is about to release (publish.py sets BUDGET_DB_DIR).
    if os.environ.get("BUDGET_DB_DIR"):
        return Path(os.environ["BUDGET_DB_DIR"])
    out = tmp_path_factory.mktemp("site")
    build_db.build_database(ROOT / "data", out)
    return out


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
def metadata():
    return yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def ds(built, metadata):
    return Datasette(
        immutables=[str(built / "budget.db"), str(built / "filings.db")],
        metadata=metadata,
        template_dir=str(ROOT / "templates"),
        plugins_dir=str(ROOT / "plugins"),
        static_mounts=[("source", str(ROOT / "source")), ("assets", str(ROOT / "static")),
                       ("downloads", str(built / "downloads"))],
        settings=json.loads((ROOT / "settings.json").read_text()),
    )


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
def running_site(db_dir):
    """`make run` (datasette serve with the Makefile's own arguments) over db_dir; yields the base URL."""
    port = free_port()
    process = subprocess.Popen(["make", "-s", "run", f"DB_DIR={db_dir}", f"PORT={port}"], cwd=ROOT,
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
