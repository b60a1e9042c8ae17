"""Writing the two databases.

- budget.db: the tables of contract.yml (types, primary and foreign keys, indexes), the year-over-year views and
  the full-text index, with sqlite-utils. A pure function of data/: two builds are byte-identical.
- filings.db: every curated CSV loaded verbatim (all text) with csvs-to-sqlite, so anyone can audit budget.db
  against exactly what was filed.
"""
import csv
import functools
import tempfile
from pathlib import Path

import sqlite_utils

from . import contract
from .inputs import DEPARTMENTS_FILE, year_folders
from .read import decode
from .year_changes import view_sql


def write_budget_db(path, tables):
    db = sqlite_utils.Database(path)
    # A temporary file that is renamed into place only when complete: no journal or fsync needed while writing.
    db.execute("pragma journal_mode = off")
    db.execute("pragma synchronous = off")
    for table, spec in contract.outputs().items():
        columns = contract.table_columns(table)
        foreign_keys = list((spec.get("foreign_keys") or {}).items())
        db[table].create(columns, pk=spec.get("primary_key", "id"), foreign_keys=foreign_keys,
                         not_null={c for c in ("年度", "部门") if c in columns})
        db[table].insert_all(tables[table])
        for index in spec.get("indexes", []) + [[column] for column, _ in foreign_keys]:
            db[table].create_index(index)
    for view, spec in contract.views().items():
        db.create_view(view, view_sql(spec["rows"], spec["match"]), replace=True)
    db["search_index"].enable_fts(["分词"], fts_version="FTS5", create_triggers=False)
    db.conn.close()


def write_filings_db(path, data_dir):
    from unittest import mock

    import pandas
    from click.testing import CliRunner  # csvs-to-sqlite is a click command; run it in-process
    from csvs_to_sqlite.cli import cli as csvs_to_sqlite

    # csvs-to-sqlite reads with pandas, whose missing-value rules turn cells such as "NA", "N/A", "null" or "None"
    # into NULL even with --just-strings. A verbatim copy keeps them: no missing-value detection at all.
    verbatim_read_csv = functools.partial(pandas.read_csv, na_filter=False)

    data_dir = Path(data_dir)
    sources = [(data_dir / DEPARTMENTS_FILE, "departments")]
    for year_dir in year_folders(data_dir):
        sources += [(year_dir / name, name[: -len(".csv")]) for name in contract.year_files()]
    with tempfile.TemporaryDirectory() as scratch:
        for source, table in sources:
            header, rows = filed_rows(source)
            # pandas reads UTF-8 only; hand it a clean UTF-8 copy so GBK files load verbatim too. Rows of nothing
            # but commas (left by deleted Excel rows) carry no cell and are not filed data.
            utf8_copy = Path(scratch) / source.name
            with open(utf8_copy, "w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows([header] + rows)
            label = f"{data_dir.name}/{source.relative_to(data_dir)}"
            with mock.patch("csvs_to_sqlite.utils.pd.read_csv", verbatim_read_csv):
                result = CliRunner().invoke(csvs_to_sqlite, [
                    str(utf8_copy), str(path), "--table", table, "--just-strings", "--fixed-column", "来源文件", label])
            if result.exit_code != 0 or "Could not load" in result.output:
                raise RuntimeError(f"csvs-to-sqlite failed on {label}: {result.output}")
            verify_filing(path, table, label, header, rows)


def filed_rows(source):
    """(header, rows) of a checked CSV: every row with a cell, padded to the header's width, verbatim."""
    text = decode(source.read_bytes(), str(source), [], [])
    records = list(csv.reader(text.splitlines(keepends=True)))
    header = records[0]
    while header and not header[-1].strip():
        header = header[:-1]
    rows = [(r + [""] * len(header))[: len(header)] for r in records[1:] if any(c.strip() for c in r)]
    return header, rows


def verify_filing(path, table, label, header, rows):
    """Every cell in filings.db must equal the CSV cell; csvs-to-sqlite stores empty cells as NULL."""
    db = sqlite_utils.Database(path)
    found = [[row.get(c) or "" for c in header]
             for row in db.query(f"select * from [{table}] where 来源文件 = ? order by rowid", [label])]
    db.conn.close()
    if found != rows:
        raise RuntimeError(f"filings.db does not hold {label} verbatim")
