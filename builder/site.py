"""The site folder: a Datasette configuration directory (`datasette serve site`), switched in atomically.

    site -> .site.builds/<stamp>/     a symlink, replaced in one rename when a build is complete
        budget.db, filings.db         the databases (opened immutable: inspect-data.json lists them)
        inspect-data.json             file names, hashes and row counts, as `datasette inspect` writes them
        metadata.yml                  metadata.yml + the docs of contract.yml (metadata.py)
        settings.json, templates/, plugins/, static/   the site's configuration (links to the repository's
                                      folders in a development build; copies in a release)
        downloads/, source/           the data package and the original documents, served at /downloads, /source

A build is written into a new folder beside the others and only then becomes `site`: a failed build leaves the
site exactly as it was, and a server started on the resolved folder (`make serve` does) keeps serving one
consistent build until it is restarted on the next. The newest few builds are kept for servers still using them.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGURATION = ["settings.json", "templates", "plugins", "static"]
DATABASES = ["budget.db", "filings.db"]
KEEP_BUILDS = 3


def builds_folder(site):
    site = Path(site)
    return site.parent / f".{site.name}.builds"


def new_build_folder(site):
    folder = builds_folder(site) / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    folder.mkdir(parents=True)
    return folder


def link_configuration(folder, copy=False):
    """settings.json, templates/, plugins/, static/ into a site folder: symlinks to the repository (edits show on
    the next start), or copies for a release that must stand alone."""
    for name in CONFIGURATION:
        source = ROOT / name
        if copy:
            if source.is_dir():
                shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
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
    link = site.parent / f".{site.name}.link-{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    os.symlink(os.path.relpath(folder, site.parent), link)
    os.replace(link, site)
    prune(site)


def prune(site):
    folders = sorted((p for p in builds_folder(site).iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    current = Path(site).resolve()
    for old in folders[:-KEEP_BUILDS]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


def discard(folder):
    shutil.rmtree(folder, ignore_errors=True)
