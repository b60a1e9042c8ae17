"""scripts/make-venv: an environment is made from its locks, left alone while they are unchanged (whatever their
dates), and made anew, not on top of the old one, when their content changes. Locks with no packages keep it fast
and offline."""
import subprocess
import sys

from conftest import ROOT

SCRIPT = ROOT / "scripts" / "make-venv"


def make_venv(venv, *locks, **env):
    return subprocess.run(["bash", str(SCRIPT), str(venv), *map(str, locks)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable, "HOME": str(venv.parent), **env})


def test_made_once_then_left_alone_then_made_anew_when_a_lock_changes(tmp_path):
    lock, venv = tmp_path / "lock.txt", tmp_path / "venv"
    lock.write_text("# no packages\n")
    first = make_venv(venv, lock)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("making ") and (venv / "bin" / "python").exists()
    (venv / "left-behind").write_text("from the first environment")

    lock.touch()  # a new date, the same content
    again = make_venv(venv, lock)
    assert again.returncode == 0 and again.stdout == "" and (venv / "left-behind").exists()

    lock.write_text("# no packages, but a different lock\n")
    changed = make_venv(venv, lock)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.startswith("making ") and not (venv / "left-behind").exists()
    assert "# no packages, but a different lock" in (venv / ".installed").read_text()


def test_a_folder_that_is_not_a_venv_is_never_deleted(tmp_path):
    lock, folder = tmp_path / "lock.txt", tmp_path / "data"
    lock.write_text("# no packages\n")
    folder.mkdir()
    (folder / "precious.csv").write_text("年度\n2019\n")
    result = make_venv(folder, lock)
    assert result.returncode == 1 and "not a virtual environment" in result.stderr
    assert (folder / "precious.csv").read_text() == "年度\n2019\n"



def test_the_repositorys_packages_import_from_anywhere_without_pythonpath(tmp_path):
    """`make` installs pyproject.toml into .venv (PROJECT=. in the Makefile; editable, with the setuptools that
    requirements/build.txt pins), so `datasette serve site` and the plugins' imports need no PYTHONPATH."""
    code = "import budget_site.hooks, budgetlib.amounts, builder.build, release.integrity as m; print(m.__file__)"
    imported = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", code], cwd=tmp_path, capture_output=True,
                              text=True, env={"PATH": "/usr/bin:/bin"})
    assert imported.stdout.strip() == str(ROOT / "release" / "integrity.py"), imported.stderr
    assert "PYTHONPATH" not in (ROOT / "Makefile").read_text()
