"""The corpus in tests/bad_inputs/ (see its README): real mistakes Excel and WPS users make, each refused by
`build_db.py` (what `make build` runs) with messages naming file, line, column and the fix, exit code 1 and no
traceback, while the published site — the link and the folder it points at — stays exactly as it was.
(`make publish` refusing the same corpus: tests/test_bad_inputs.py.)"""
import shutil

import pytest

from helpers import ROOT, bad_input_expectations, run_build, site_state

CORPUS = ROOT / "tests" / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def test_the_corpus_has_at_least_25_described_cases():
    assert len(CASES) >= 25
    for case in CASES:
        description, fragments = bad_input_expectations(case)
        assert description.startswith("# ") and fragments, case
        assert [p for p in (CORPUS / case).rglob("*") if p.is_file() and p.name != "expected.txt"], case


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A folder with data/ and a site built from it, as the bureau's machine has after `make build`."""
    folder = tmp_path_factory.mktemp("bureau")
    result = run_build(ROOT / "data", folder / "site")
    assert result.returncode == 0, result.stderr
    return folder


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_and_changes_nothing(published, case):
    data = published / "data"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(ROOT / "data", data)
    for source in (CORPUS / case).rglob("*"):
        if source.is_file() and source.name != "expected.txt":
            target = data / source.relative_to(CORPUS / case)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    before = site_state(published / "site")
    # Relative paths, as in `make build`: the messages name data/2019/… as the person sees it.
    result = run_build("data", "site", cwd=published)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    _, fragments = bad_input_expectations(case)
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    assert site_state(published / "site") == before
