"""The fixtures every part of the suite shares: one fresh site folder per session (the build's own output), the
databases and metadata in it, Datasette over it in-process, a real `datasette serve` over it, and Chromium.

The suite is in tiers by cost (README, "测试"; pytest.ini runs them cheapest first): tests/unit/ (pure functions,
no build), tests/site/ (the session's site: its databases, and its pages through Datasette in-process),
tests/build/ (builds, imports and publishes of their own; the environment scripts), tests/server/ (served processes,
wrk, nginx) and tests/browser/ (Chromium). `make test-fast` runs unit and site. Helpers that are not fixtures are in
tests/helpers.py; the independent reader of the source document is tests/seed_forms.py.
"""
import os
import shutil
import sqlite3
import sys
from pathlib import Path
from types import SimpleNamespace

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


STANDARD = ROOT / "tests" / "fixtures" / "standard"  # the standard layout's fictional year (see its README)


def standard_data(folder):
    """data/ and source/ with the fixture year 2031 (standard layout) beside data/'s years, in folder: (data, source)."""
    data, source = folder / "data", folder / "source"
    shutil.copytree(ROOT / "data", data)
    shutil.copytree(STANDARD / "2031", data / "2031")
    with open(data / "departments.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write((STANDARD / "departments.csv").read_text(encoding="utf-8-sig").split("\n", 1)[1].replace("\n", "\r\n"))
    shutil.copytree(ROOT / "source", source)
    shutil.copytree(STANDARD / "source" / "2031", source / "2031")
    return data, source


@pytest.fixture(scope="session")
def standard_built(tmp_path_factory):
    """A site built from data/ plus the standard-layout fixture year 2031 (示例区交通运输局)."""
    folder = tmp_path_factory.mktemp("standard")
    data, source = standard_data(folder)
    site = folder / "site"
    build(data, site, source)
    return site.resolve()


@pytest.fixture(scope="session")
def standard_ds(standard_built):
    from datasette.app import Datasette

    return Datasette(config_dir=standard_built)


@pytest.fixture
def standard_copy(tmp_path):
    """A scratch (data, source) with the standard fixture year, that a test may break."""
    return standard_data(tmp_path)


SELFEVAL = ROOT / "tests" / "fixtures" / "selfeval"  # self-evaluations of 2031 (the sample) and 2019 (see its README)


def selfeval_data(folder):
    """standard_data plus the self-evaluation fixtures: 2031 beside the standard targets, 2019 beside the three forms."""
    data, source = standard_data(folder)
    for year in ("2019", "2031"):
        for csv_file in (SELFEVAL / year).glob("*.csv"):
            shutil.copyfile(csv_file, data / year / csv_file.name)
        shutil.copytree(SELFEVAL / "source" / year, source / year, dirs_exist_ok=True)
    return data, source


@pytest.fixture(scope="session")
def selfeval_built(tmp_path_factory):
    """A site built from data/, the standard fixture year 2031 and the self-evaluations of 2019 and 2031."""
    folder = tmp_path_factory.mktemp("selfeval")
    data, source = selfeval_data(folder)
    site = folder / "site"
    build(data, site, source)
    return site.resolve()


# More departments filing self-evaluations for 2031 than /results lists on a page (budget_site/pages/results_page.py PAGE_SIZE).
MANY_DEPARTMENTS = {f"示例区部门{n:02d}": f"shili-d{n:02d}" for n in range(1, 22)}


@pytest.fixture(scope="session")
def many_departments_built(tmp_path_factory):
    """The self-evaluation fixtures plus 21 departments (示例区部门01…21, shili-d01…d21), each filing the sample's
    first project for 2031 with no targets published (so 1 finding each, score 95.82)."""
    folder = tmp_path_factory.mktemp("many-departments")
    data, source = selfeval_data(folder)
    with open(data / "departments.csv", "a", encoding="utf-8", newline="") as handle:
        handle.writelines(f"{name},{code},{name},\r\n" for name, code in MANY_DEPARTMENTS.items())
    for file in ("self_evaluations.csv", "self_evaluation_amounts.csv", "self_evaluation_indicators.csv"):
        lines = (data / "2031" / file).read_text(encoding="utf-8-sig").splitlines(keepends=True)
        extra = [line.replace("示例区交通运输局,1,", f"{name},1,").replace("2031/shili-jiaotong/", f"2031/{code}/")
                 for name, code in MANY_DEPARTMENTS.items() for line in lines[1:] if ",示例区交通运输局,1," in line]
        (data / "2031" / file).write_text("".join(lines + extra), encoding="utf-8-sig", newline="")
    pdf = (source / "2031" / "shili-jiaotong" / "shili-jiaotong-2031-selfeval.pdf").read_bytes()
    for code in MANY_DEPARTMENTS.values():
        (source / "2031" / code).mkdir()
        (source / "2031" / code / "shili-jiaotong-2031-selfeval.pdf").write_bytes(pdf)
    site = folder / "site"
    build(data, site, source)
    return site.resolve()


@pytest.fixture(scope="session")
def selfeval_ds(selfeval_built):
    from datasette.app import Datasette

    return Datasette(config_dir=selfeval_built)


@pytest.fixture
def selfeval_copy(tmp_path):
    """A scratch (data, source) with the self-evaluation fixtures, that a test may break."""
    return selfeval_data(tmp_path)


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


@pytest.fixture(scope="session")
def first_release(tmp_path_factory):
    """A repository copy after one `make publish` of the repository's data (release_helpers.py): (repo, the result
    of that publish). Made once: the four files of tests/build that publish start from copies of it."""
    from release_helpers import copy_repository, run_publish

    repo = copy_repository(tmp_path_factory.mktemp("first-release"))
    result = run_publish(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return SimpleNamespace(repo=repo, result=result)


@pytest.fixture(scope="module")
def released_repo(first_release, tmp_path_factory):
    """A module's own copy of first_release's repository, to publish again, tamper with or build in (links kept as
    links: .venv, site)."""
    copy = tmp_path_factory.mktemp("repo") / "repo"
    shutil.copytree(first_release.repo, copy, symlinks=True)
    return copy
