"""The suite's tiers by cost (README, "测试"): every test file is in one of them, so `make test` (pytest.ini's
testpaths) runs it, and `make test-fast` and the publish gate (release/gate.py) take whole tiers."""
import configparser

from helpers import ROOT

TIERS = ["tests/unit", "tests/site", "tests/build", "tests/server", "tests/browser"]  # cheapest first


def test_testpaths_are_the_tiers_cheapest_first():
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    assert config["pytest"]["testpaths"].split() == TIERS


def test_every_test_file_is_in_a_tier():
    test_files = [p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("test_*.py")]
    assert len(test_files) > 50
    assert [name for name in test_files if name.rsplit("/", 1)[0] not in TIERS] == []


def test_make_test_fast_runs_the_unit_and_site_tiers():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest-fast:", 1)[1].split("\n\n", 1)[0]
    assert "pytest -q tests/unit tests/site\n" in recipe + "\n"
