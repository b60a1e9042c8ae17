"""The build side of the benchmark: the real build timed stage by stage, and the floor it is compared with — the
sqlite3 shell's `.import` of exactly the same rows into tables with the same columns and indexes."""
import csv
import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from measure import run_measured

BENCH = Path(__file__).resolve().parent


def timed_build(python, data, source, site):
    """bench/timed_build.py: (wall seconds, peak MiB of the process tree, CPU seconds, stage times, sizes)."""
    folder = Path(site).parent
    for old in (Path(site), folder / f".{Path(site).name}.builds"):
        if old.is_symlink() or old.is_file():
            old.unlink()
        elif old.exists():
            shutil.rmtree(old)
    times_file = folder / f"{Path(site).name}.times.json"
    seconds, peak, cpu = run_measured([python, BENCH / "timed_build.py", "--data", data, "--source", source,
                                       "--site", site, "--times", times_file], stdout=subprocess.DEVNULL)
    return {"seconds": seconds, "peak_mib": peak, "cpu_seconds": cpu, "stages": json.loads(times_file.read_text()),
            "sizes": sizes(Path(site).resolve())}


def sizes(site):
    """MiB on disk: budget.db, filings.db, downloads/ (the data package), and the whole site folder."""
    def mib(path):
        if path.is_file():
            return path.stat().st_size / 2**20
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20
    return {"budget.db": mib(site / "budget.db"), "filings.db": mib(site / "filings.db"),
            "downloads": mib(site / "downloads"), "site": mib(site)}


def is_search_table(name):
    return name == "search_index" or name.startswith("search_index_")


def export_for_baseline(db_path, folder, fts):
    """Schema and rows of a built database as an sqlite3 shell script plus CSVs (not timed).

    fts=False: every table except the search index; fts=True: only the search index and its FTS5 table."""
    conn = sqlite3.connect(db_path)
    rows = conn.execute("select type, name, tbl_name, sql from sqlite_master where sql is not null "
                        "and name not like 'sqlite_%' order by rowid").fetchall()
    shadow = {name for _, name, _, _ in rows if re.match(r"search_index_fts_", name)}
    script = [".bail on"]
    tables = [(n, sql) for kind, n, t, sql in rows if kind == "table" and n not in shadow and is_search_table(t) == fts]
    indexes = [sql for kind, n, t, sql in rows if kind == "index" and is_search_table(t) == fts]
    rebuild = []
    for name, sql in tables:
        script.append(sql + ";")
        if sql.lower().startswith("create virtual table"):
            rebuild.append(f"INSERT INTO [{name}]([{name}]) VALUES('rebuild');")  # filled last, from its content table
            continue
        csv_path = folder / f"{name}.csv"
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            cursor = conn.execute(f"select * from [{name}]")
            writer.writerow([d[0] for d in cursor.description])
            writer.writerows(cursor)
        script.append(f".import --csv --skip 1 {csv_path} {name}")
    conn.close()
    return "\n".join(script + rebuild + [sql + ";" for sql in indexes]) + "\n"


def baseline(site, folder):
    """sqlite3's .import of the same rows into tables with the same columns and indexes, timed per database."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    result = {"seconds": 0.0, "peak_mib": 0.0, "cpu_seconds": 0.0, "fts_seconds": 0.0, "fts_cpu_seconds": 0.0}
    for db_name, fts in (("budget.db", False), ("filings.db", False), ("budget.db", True)):
        part = folder / f"{db_name}-{'fts' if fts else 'tables'}"
        part.mkdir()
        script = part / "load.sql"
        script.write_text(export_for_baseline(site / db_name, part, fts), encoding="utf-8")
        target = folder / ("search.db" if fts else db_name)
        with open(script) as stdin:
            seconds, peak, cpu = run_measured(["sqlite3", target], stdin=stdin)
        prefix = "fts_" if fts else ""
        result[prefix + "seconds"] += seconds
        result[prefix + "cpu_seconds"] += cpu
        result["peak_mib"] = max(result["peak_mib"], peak)
    shutil.rmtree(folder)  # gigabytes at a million rows
    return result


def table_counts(db_path):
    conn = sqlite3.connect(db_path)
    names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' and name not like "
                                        "'search_index_fts_%' and name not like 'sqlite_%' order by name")]
    counts = {name: conn.execute(f"select count(*) from [{name}]").fetchone()[0] for name in names}
    conn.close()
    return counts
