"""The first release, published once for the whole tier: test_publish, test_bad_inputs, test_release_integrity and
test_litter each start from a copy of it (their own, since they publish, tamper or build again), instead of each
running its own first `make publish` on a fresh repository copy (release_helpers.py)."""
import shutil
from types import SimpleNamespace

import pytest

from release_helpers import copy_repository, run_publish


@pytest.fixture(scope="session")
def first_release(tmp_path_factory):
    """A repository copy after one `make publish` of the repository's data: (repo, result of that publish)."""
    repo = copy_repository(tmp_path_factory.mktemp("first-release"))
    result = run_publish(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return SimpleNamespace(repo=repo, result=result)


@pytest.fixture(scope="module")
def released_repo(first_release, tmp_path_factory):
    """A module's own copy of the first release's repository (links kept as links: .venv, site)."""
    copy = tmp_path_factory.mktemp("repo") / "repo"
    shutil.copytree(first_release.repo, copy, symlinks=True)
    return copy
