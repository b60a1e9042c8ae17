"""The corpus in tests/bad_inputs/ (see its README): real mistakes Excel and WPS users make, each refused by both
`make publish` (publish.py) and `make build` (build_db.py) with messages naming file, line, column and the fix,
exit code 1 and no traceback, while the published release in dist/, the site link and every file of the build it
points at stay byte-identical. (The only run of the corpus: build_db.py and publish.py side by side.)"""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from helpers import bad_input_expectations
from release_helpers import clean_env, tree_sums

CORPUS = ROOT / "tests" / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def test_the_corpus_has_at_least_25_described_cases():
    assert len(CASES) >= 25
    for case in CASES:
        description, fragments = bad_input_expectations(case)
        assert description.startswith("# ") and fragments, case
        assert [p for p in (CORPUS / case).rglob("*") if p.is_file() and p.name != "expected.txt"], case


BUILD = [sys.executable, "build_db.py", "--data", "data", "--site", "site"]


@pytest.fixture(scope="module")
def site(released_repo):
    """A repository copy with a published release in dist/ and a development site, both built from good data."""
    repo = released_repo
    built = subprocess.run(BUILD, cwd=repo, capture_output=True, text=True, env=clean_env())
    assert built.returncode == 0, built.stderr
    return repo


def published_state(repo):
    """SHA-256 of every file in dist/, where `site` points, every file of that build, and the list of builds."""
    state = {f"dist/{name}": digest for name, digest in tree_sums(repo / "dist").items()}
    state.update({f"site/{name}": digest for name, digest in tree_sums((repo / "site").resolve()).items()})
    state["site"] = os.readlink(repo / "site")
    state["builds"] = sorted(p.name for p in (repo / ".site.builds").iterdir())
    return state


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_and_changes_nothing(site, case):
    shutil.rmtree(site / "data")
    shutil.copytree(ROOT / "data", site / "data")
    for source in (CORPUS / case).rglob("*"):
        if source.is_file() and source.name != "expected.txt":
            target = site / "data" / source.relative_to(CORPUS / case)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    before = published_state(site)
    assert "site/budget.db" in before and any(name.startswith("dist/") for name in before)
    runs = {  # both at once: two cores
        "publish.py": subprocess.Popen([sys.executable, "publish.py"], cwd=site, env=clean_env(),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        "build_db.py": subprocess.Popen(BUILD, cwd=site, env=clean_env(), stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True),
    }
    _, fragments = bad_input_expectations(case)
    for command, process in runs.items():
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 1, (command, process.returncode, stdout)  # refused input, not a crash
        assert "Traceback" not in stdout + stderr, (command, stderr)
        for fragment in fragments:
            assert fragment in stderr, (command, fragment, stderr)
    assert published_state(site) == before
