"""The site folder: a Datasette configuration directory (`datasette serve site`), switched in atomically.

    site -> .site.builds/<stamp>/     a symlink, replaced in one rename when a build is complete
        budget.db, filings.db         the databases (opened immutable: inspect-data.json lists them)
        inspect-data.json             file names, hashes and row counts, as `datasette inspect` writes them
        metadata.yml                  metadata.yml + the docs of contract.yml (metadata.py)
        settings.json, templates/, plugins/, static/   the site's configuration (links to the repository's
                                      folders in a development build; copies in a release)
        downloads/, source/           the data package and the original documents, served at /downloads, /source

A build is written into a new folder beside the others (named `<stamp>-<pid>-<n>.partial` while it is being
written) and only then becomes `site`: a failed build leaves the site exactly as it was, and a server started on the
resolved folder (`make serve` does) keeps serving one consistent build until it is restarted on the next. The newest
few builds are kept for servers still using them. A build killed outright (kill -9, power cut) leaves its
`.partial` folder, or the link it was about to rename into place; the next build removes those of processes that
are gone, before it starts.
"""
import hashlib
import json
import os
import re
import shutil
import sqlite3
import time
from pathlib import Path

from .interrupts import uninterrupted

ROOT = Path(__file__).resolve().parent.parent
CONFIGURATION = ["settings.json", "templates", "plugins", "static"]
DATABASES = ["budget.db", "filings.db"]
KEEP_BUILDS = 3
PARTIAL = ".partial"  # the suffix of a folder still being written; .site.builds/ is git-ignored as a whole


def builds_folder(site):
    site = Path(site)
    return site.parent / f".{site.name}.builds"


def new_build_folder(site):
    clear_leftovers(site)
    stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    folder = builds_folder(site) / (stamp + PARTIAL)
    folder.mkdir(parents=True)
    return folder


def process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def creator(path):
    """The process id in a build folder's or a temporary link's name (<stamp>-<pid>-<n>.partial, .site.link-<pid>)."""
    found = re.search(r"-(\d+)-\d+" + re.escape(PARTIAL) + r"$|\.link-(\d+)$", path.name)
    return int(found.group(1) or found.group(2)) if found else None


def clear_leftovers(site):
    """Remove what builds killed outright left behind: unfinished folders and temporary links of dead processes.
    A build still running (its process alive) is left alone."""
    site = Path(site)
    builds = builds_folder(site)
    leftovers = list(builds.glob("*" + PARTIAL)) if builds.is_dir() else []
    leftovers += list(site.parent.glob(f".{site.name}.link-*"))
    for path in leftovers:
        pid = creator(path)
        if pid is not None and not process_alive(pid):
            if path.is_symlink() or path.is_file():
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path, ignore_errors=True)


def discard_unfinished(site):
    """Remove this process's unfinished build folders (a build stopped half way, wherever it stopped)."""
    for folder in builds_folder(site).glob("*" + PARTIAL):
        if creator(folder) == os.getpid():
            shutil.rmtree(folder, ignore_errors=True)


def link_configuration(folder, copy=False):
    """settings.json, templates/, plugins/, static/ into a site folder: symlinks to the repository (edits show on
    the next start), or copies for a release that must stand alone."""
    for name in CONFIGURATION:
        source = ROOT / name
        if copy:
            if source.is_dir():
                shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copyfile(source, folder / name)
        else:
            os.symlink(source, folder / name)


def write_inspect_data(folder):
    """inspect-data.json as `datasette inspect` writes it: Datasette then opens these files immutable and takes
    table counts from here instead of counting rows on every start. Returns budget.db's {table: row count}."""
    data = {}
    for name in DATABASES + sorted(p.name for p in folder.glob("*.db") if p.name not in DATABASES):
        path = folder / name
        if not path.exists():
            continue
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        tables = {table: {"count": conn.execute(f'select count(*) from "{table}"').fetchone()[0]}
                  for (table,) in conn.execute("select name from sqlite_master where type = 'table'")}
        conn.close()
        data[path.stem] = {"hash": file_sha256(path), "size": path.stat().st_size, "file": name, "tables": tables}
    (folder / "inspect-data.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return {table: info["count"] for table, info in data.get("budget", {}).get("tables", {}).items()}


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):  # a megabyte at a time: databases may be gigabytes
            digest.update(block)
    return digest.hexdigest()


def switch(site, folder):
    """Make `site` point at folder in one rename (atomic on POSIX), then drop builds beyond the newest few."""
    site = Path(site)
    if site.exists() and not site.is_symlink():
        raise FileExistsError(f"{site} 是普通文件夹，不是构建生成的链接；请先删除或改名。 {site} is a plain folder, "
                              "not the link a build makes; remove or rename it first.")
    with uninterrupted():  # a stop between the two renames would leave a finished build that is not the site
        if folder.name.endswith(PARTIAL):  # complete now: give it its final name before anything points at it
            finished = folder.with_name(folder.name.removesuffix(PARTIAL))
            os.rename(folder, finished)
            folder = finished
        link = site.parent / f".{site.name}.link-{os.getpid()}"
        if link.is_symlink():
            link.unlink()
        os.symlink(os.path.relpath(folder, site.parent), link)
        os.replace(link, site)
    prune(site)


def prune(site):
    folders = sorted((p for p in builds_folder(site).iterdir() if p.is_dir() and not p.name.endswith(PARTIAL)),
                     key=lambda p: p.stat().st_mtime)
    current = Path(site).resolve()
    for old in folders[:-KEEP_BUILDS]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)
