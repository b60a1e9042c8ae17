"""The site folder is switched in only when a build is complete (builder/site.py): `site` is a link to
.site.builds/<stamp>/, replaced in one rename. A build that fails at any step — bad input, a full disk half way
through the downloads, a broken metadata.yml, an invalid data package, a plain folder where the link should be —
leaves the link, the folder it points at and the list of build folders exactly as they were."""
import os
import re
import stat

import pytest

import build_db
import builder.datapackage
import builder.metadata
from builder.build import build
from helpers import ROOT, builds_of, site_state, tree


@pytest.fixture
def site(tmp_path):
    """A published site (a link into .site.builds/), with a file only its folder has."""
    link = tmp_path / "site"
    build(ROOT / "data", link)
    (link / "downloads" / "a-file-only-the-old-folder-has.txt").write_text("old")
    return link


def test_a_build_makes_a_link_into_its_builds_folder(site, tmp_path):
    assert site.is_symlink() and not os.path.isabs(os.readlink(site))  # relative: the pair can be moved together
    [folder] = builds_of(site)
    assert site.resolve() == tmp_path / ".site.builds" / folder
    assert sorted(p.name for p in site.iterdir()) == sorted([
        "budget.db", "filings.db", "inspect-data.json", "metadata.yml", "downloads", "source",
        "settings.json", "templates", "plugins", "static"])
    for name in ("settings.json", "templates", "plugins", "static"):  # a development build links the configuration
        assert (site / name).resolve() == ROOT / name
    assert stat.S_IMODE((site / "downloads").stat().st_mode) == 0o755  # readable by a web server


def test_a_failure_while_writing_leaves_everything_as_it_was(site, monkeypatch):
    """The disk fills up half way through the CSVs: the old site stays, no half-written build folder stays."""
    before = site_state(site)
    real_write_resource = builder.datapackage.write_resource
    written = []

    def write_until_disk_full(conn, table, docs, folder):
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(table)
        return real_write_resource(conn, table, docs, folder)

    monkeypatch.setattr(builder.datapackage, "write_resource", write_until_disk_full)
    with pytest.raises(OSError, match="No space left"):
        build(ROOT / "data", site)
    assert len(written) == 3  # it did fail part way, after writing some CSVs
    assert site_state(site) == before


def test_a_broken_metadata_file_is_reported_not_a_traceback(site, tmp_path, monkeypatch, capsys):
    before = site_state(site)
    broken = tmp_path / "metadata.yml"
    # ": " inside a plain text, the mistake YAML refuses: "title: 石峰区…数据: 2019"
    text, count = re.subn(r"^(title: .*)$", r"\1: 2019", (ROOT / "metadata.yml").read_text(encoding="utf-8"),
                          count=1, flags=re.M)
    assert count == 1
    broken.write_text(text, encoding="utf-8")
    real_read = builder.metadata.read_metadata
    monkeypatch.setattr(builder.metadata, "read_metadata", lambda path=None: real_read(broken))
    assert build_db.main(["--data", str(ROOT / "data"), "--site", str(site)]) == 1
    report = capsys.readouterr().err
    assert "原有网站保持不变" in report and "the existing site is unchanged" in report
    line = next(n for n, text in enumerate(broken.read_text(encoding="utf-8").splitlines(), 1) if text.endswith(": 2019"))
    assert f"metadata.yml 第{line}行" in report and f"line {line}, column" in report and "中文冒号" in report
    assert site_state(site) == before


def test_an_invalid_data_package_is_reported_and_nothing_is_switched(site, monkeypatch, capsys):
    before = site_state(site)
    monkeypatch.setattr(builder.datapackage, "fiscal_model_problems",
                        lambda descriptor: ["model/measures: 'phase' is not one of the four phases"])
    assert build_db.main(["--data", str(ROOT / "data"), "--site", str(site)]) == 1
    report = capsys.readouterr().err
    assert "原有数据库和网站保持不变" in report and "model/measures: 'phase'" in report
    assert site_state(site) == before


def test_a_plain_folder_where_the_link_should_be_is_left_alone(tmp_path, capsys):
    plain = tmp_path / "site"
    plain.mkdir()
    (plain / "budget.db").write_text("someone's own file")
    assert build_db.main(["--data", str(ROOT / "data"), "--site", str(plain)]) == 1
    report = capsys.readouterr().err
    assert "是普通文件夹" in report and "is a plain folder" in report and "Traceback" not in report
    assert not plain.is_symlink() and (plain / "budget.db").read_text() == "someone's own file"
    assert builds_of(plain) == []  # the finished build was discarded, not left beside it


def test_a_rebuild_switches_to_a_new_folder_and_keeps_the_previous_one(site):
    old = site.resolve()
    before = tree(old)
    build(ROOT / "data", site)
    new = site.resolve()
    assert new != old and new.parent == old.parent
    assert not (new / "downloads" / "a-file-only-the-old-folder-has.txt").exists()
    # A server started on the previous folder (`make run` resolves the link) keeps serving it, unchanged.
    assert tree(old) == before
    assert sorted(p.name for p in new.iterdir()) == sorted(p.name for p in old.iterdir())


def test_old_builds_are_pruned_but_never_the_current_one(site):
    first = builds_of(site)[0]
    for _ in range(4):
        build(ROOT / "data", site)
    kept = builds_of(site)
    assert first not in kept and 2 <= len(kept) < 5  # pruned, with the newest few kept for running servers
    assert site.resolve().name in kept
