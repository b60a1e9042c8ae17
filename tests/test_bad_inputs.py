"""The corpus in tests/bad_inputs/ (see its README): real mistakes Excel and WPS users make, each refused by
`make publish` (publish.py) with messages naming file, line, column and the fix, a non-zero exit and no traceback,
while the published release in dist/ stays byte-identical. (`make build` refusing the same corpus, with the site
left as it was: tests/browser/test_bad_input_corpus.py.)"""
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from test_publish import clean_env, copy_repository, run_publish, tree_sums

CORPUS = ROOT / "tests" / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def expectations(case):
    lines = (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return lines[0], [line for line in lines[1:] if line.strip()]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A repository copy with a published release in dist/, built from good data."""
    repo = copy_repository(tmp_path_factory.mktemp("repo"))
    result = run_publish(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return repo


def published_state(repo):
    """SHA-256 of every file in dist/."""
    return {f"dist/{name}": digest for name, digest in tree_sums(repo / "dist").items()}


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
    assert any(name.startswith("dist/") for name in before)
    runs = {
        "publish.py": subprocess.Popen([sys.executable, "publish.py"], cwd=site, env=clean_env(),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
    }
    _, fragments = expectations(case)
    for command, process in runs.items():
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode != 0, (command, stdout)
        assert "Traceback" not in stdout + stderr, (command, stderr)
        for fragment in fragments:
            assert fragment in stderr, (command, fragment, stderr)
    assert published_state(site) == before
