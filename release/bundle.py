"""The release folder: a standalone site folder and what runs it.

    dist/<version>/
        site/              the build's site folder (site.py) with its configuration copied, not linked, plus
                           changes.db (changelog.py), and inspect-data.json listing all three databases
        budget_site/       the site's code, which site/plugins/ loads (PYTHONPATH=/app in the image)
        budgetlib/         the helpers the site shares with the build
        release/           integrity.py (and refusal.py), which checks the image against SHA256SUMS
        requirements.txt   the runtime lock: the server and its plugins, nothing of the build or the tests
        Dockerfile         deploy/Dockerfile.template; its CMD is SERVE_COMMAND
        .gcloudignore      no patterns: `gcloud run deploy --source` uploads every file, as SHA256SUMS expects
        CHANGELOG.json, 更正记录.md
        SHA256SUMS         exactly the files above (integrity.py); checked before any deploy and in the image

Anyone can run a release without this repository: `pip install -r requirements.txt`, then, in the release folder,
`PYTHONPATH=. datasette serve site` (what the Dockerfile does).
"""
import json
import shutil
import sys
from pathlib import Path

from builder import site
from builder.build import check, write_site_folder
from .changelog import markdown, write_changes_db
from .integrity import CHECKSUMS, contents, sha256, write_checksums

ROOT = Path(__file__).resolve().parent.parent
# The runtime lock: Datasette and the plugins a release serves with (datasette-hashed-urls included), hash-pinned.
RUNTIME_LOCK = ROOT / "requirements" / "runtime.txt"
DOCKERFILE_TEMPLATE = ROOT / "deploy" / "Dockerfile.template"
# What runs beside the site folder: whole packages, and of the release machinery only what checks an image.
RUNTIME_PACKAGES = ["budget_site", "budgetlib"]
RELEASE_MODULES = ["__init__.py", "integrity.py", "refusal.py"]
# exec: datasette becomes the container's first process and receives its stop signal directly.
SERVE_COMMAND = "exec datasette serve site --host 0.0.0.0 --port $PORT"
CHANGES_DB = "site/changes.db"
# Files that differ from one release to the next even when nothing was changed: a new release is made only when
# something else differs from the previous release (the databases, the configuration, the packages, the Dockerfile).
PER_RELEASE = {CHANGES_DB, "site/inspect-data.json", "CHANGELOG.json", "更正记录.md", CHECKSUMS}
GCLOUDIGNORE = ("# Upload every file of this release: Cloud Build rebuilds the image from exactly the files SHA256SUMS\n"
                "# lists, and refuses any other. (Without this file gcloud would apply its default ignore list.)\n")


def stage_site(folder, data_dir):
    """The site folder of a release, built from data_dir into folder. Returns the build's notices."""
    checked, documents = check(data_dir)
    folder.mkdir()
    write_site_folder(folder, checked, documents, copy_configuration=True)
    return checked.notices


def runtime_requirements():
    """(text of the bundle's requirements.txt, whether it is hash-pinned)."""
    text = RUNTIME_LOCK.read_text(encoding="utf-8")
    return text, "--hash=" in text


def dockerfile(hash_pinned):
    return DOCKERFILE_TEMPLATE.read_text(encoding="utf-8").format(
        python=f"{sys.version_info.major}.{sys.version_info.minor}",
        pip_options="--require-hashes " if hash_pinned else "", serve_command=SERVE_COMMAND)


def add_runtime(release):
    """Everything besides the site that runs it: the shared helpers, the requirements, the Dockerfile."""
    for package in RUNTIME_PACKAGES:
        shutil.copytree(ROOT / package, release / package, ignore=shutil.ignore_patterns("__pycache__"))
    (release / "release").mkdir()
    for name in RELEASE_MODULES:
        shutil.copyfile(ROOT / "release" / name, release / "release" / name)
    requirements, hash_pinned = runtime_requirements()
    (release / "requirements.txt").write_text(requirements, encoding="utf-8")
    (release / "Dockerfile").write_text(dockerfile(hash_pinned), encoding="utf-8")
    (release / ".gcloudignore").write_text(GCLOUDIGNORE, encoding="utf-8")


def content(release):
    """{file: SHA-256} of what a release serves and runs with, without the files that differ per release."""
    files, _, _ = contents(release)
    return {name: sha256(release / name) for name in sorted(files - PER_RELEASE)}


def add_changelog(release, log, previous_changes_db):
    """changes.db in the site (with inspect-data.json rewritten to list it), CHANGELOG.json and 更正记录.md."""
    write_changes_db(release / CHANGES_DB, log, previous_changes_db)
    site.write_inspect_data(release / "site")
    (release / "CHANGELOG.json").write_text(json.dumps(log, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (release / "更正记录.md").write_text(markdown(log), encoding="utf-8")


def seal(release):
    write_checksums(release)
