"""Writing the two databases, row by row (memory does not grow with the data).

- budget.db: the tables of contract.yml (types, primary and foreign keys, indexes), the year-over-year tables and
  the full-text index. The schema is made with sqlite-utils; rows go in with plain executemany, in batches, or are
  copied by SQLite from a year's own database (merge). A pure function of data/: two builds are byte-identical.
- filings.db: every curated CSV loaded verbatim (all text) with csvs-to-sqlite, so anyone can audit budget.db
  against exactly what was filed.
"""
import csv
import functools
import itertools
import operator
import sqlite3
import tempfile
from pathlib import Path

import sqlite_utils

from . import contract
from .inputs import DEPARTMENTS_FILE, year_folders
from .read import text_lines
from budgetlib.year_changes import view_sql

BATCH = 5000  # rows per executemany
# The tables whose rows are written per year and department, and which the derived tables are computed from.
CHUNKED = ["special_funds", "expenditure_directions", "performance_indicators", "department_budgets",
           "department_expenditures", "notes", "project_funding", "self_evaluations", "self_evaluation_amounts",
           "self_evaluation_indicators"]


class BudgetDb:
    """budget.db being written: create() the tables, add() rows, index() a set of tables once they are complete,
    read a year and department back with chunks(), merge() a year's database, fill() a table from SQL, write the
    year_changes(), and finish() with the full-text index and the planner's statistics."""

    def __init__(self, path, cache_mib=128):
        self.conn = sqlite3.connect(path)
        # A temporary file that is renamed into place only when complete: no journal or fsync needed while writing.
        self.conn.execute("pragma journal_mode = off")
        self.conn.execute("pragma synchronous = off")
        self.conn.execute(f"pragma cache_size = -{cache_mib * 1024}")  # for the index builds; the default is 2 MiB
        self.conn.execute("pragma threads = 2")  # sorting for an index may use the second core
        self.db = sqlite_utils.Database(self.conn)
        self.pending = {}
        self.sql = {}

    def create(self):
        for table, spec in contract.outputs().items():
            columns = contract.table_columns(table)
            self.db[table].create(columns, pk=spec.get("primary_key", "id"), foreign_keys=foreign_keys(spec),
                                  not_null={c for c in ("年度", "部门") if c in columns})
            names = ", ".join(f"[{c}]" for c in columns)
            self.sql[table] = f"insert into [{table}] ({names}) values ({', '.join('?' * len(columns))})"
            self.pending[table] = []

    def add(self, table, record):
        """record: a tuple in the contract's column order."""
        pending = self.pending[table]
        pending.append(record)
        if len(pending) >= BATCH:
            self.flush(table)

    def add_dicts(self, table, records):
        """records: dicts with every column of the table."""
        values = operator.itemgetter(*contract.outputs()[table]["columns"])
        pending = self.pending[table]
        for record in records:
            pending.append(values(record))
        if len(pending) >= BATCH:
            self.flush(table)

    def flush(self, table=None):
        for name in [table] if table else list(self.pending):
            if self.pending[name]:
                self.conn.executemany(self.sql[name], self.pending[name])
                self.pending[name] = []

    def index(self, tables):
        """The declared indexes of tables (complete by now): built once over sorted keys, not row by row."""
        self.flush()
        self.conn.commit()
        for table in tables:
            spec = contract.outputs()[table]
            for index in spec.get("indexes", []) + [[column] for column, _ in foreign_keys(spec)]:
                self.db[table].create_index(index)

    def chunks(self):
        """(年度, 部门, {table: [row dicts]}) for every year and department that has rows, in that order: the units the
        derived tables are computed in. Each table is read once per year, in the order of its (年度, 部门) index."""
        union = " union ".join(f"select 年度 from [{table}]" for table in CHUNKED)
        for (year,) in self.conn.execute(f"select 年度 from ({union}) order by 年度").fetchall():
            groups = {table: self.departments_of_year(table, year) for table in CHUNKED}
            current = {table: next(group, None) for table, group in groups.items()}
            while any(current.values()):
                department = min(found[0] for found in current.values() if found)
                chunk = {}
                for table in CHUNKED:
                    found = current[table]
                    if found and found[0] == department:
                        chunk[table] = found[1]
                        current[table] = next(groups[table], None)
                    else:
                        chunk[table] = []
                yield year, department, chunk

    def departments_of_year(self, table, year):
        """(部门, [row dicts]) of one table and year, department by department (rows in the order written)."""
        cursor = self.conn.execute(f"select * from [{table}] where 年度 = ? order by 部门, rowid", [year])
        names = [d[0] for d in cursor.description]
        department = names.index("部门")
        for key, rows in itertools.groupby(cursor, key=operator.itemgetter(department)):
            yield key, [dict(zip(names, row)) for row in rows]

    def update(self, rows_of, columns_of):
        """Set columns_of[table] of rows_of[table] (dicts with their id) in rows already written (read back by chunks(),
        so nothing pending needs flushing first: the derived rows waiting for their batch stay batched)."""
        for table, rows in rows_of.items():
            columns = columns_of[table]
            sql = f"update [{table}] set {', '.join(f'[{c}] = ?' for c in columns)} where id = ?"
            self.conn.executemany(sql, ([row[c] for c in columns] + [row["id"]] for row in rows))

    def index_departments(self):
        """What chunks() reads by: each chunked table's rows by 部门 (a year's database holds one year)."""
        self.flush()
        for table in CHUNKED:
            self.conn.execute(f"create index [chunk_{table}] on [{table}] (部门)")

    def merge(self, other, tables):
        """Append the rows of tables from another database written like this one (a year's). search_index ids go on
        from the last one here."""
        self.flush()
        self.conn.execute("attach database ? as other", [str(other)])
        for table in tables:
            columns = list(contract.outputs()[table]["columns"])
            offset = 0
            if table == "search_index":
                offset = self.conn.execute("select coalesce(max(id), 0) from main.search_index").fetchone()[0]
            values = ", ".join(f"[{c}] + {offset}" if table == "search_index" and c == "id" else f"[{c}]" for c in columns)
            self.conn.execute(f"insert into main.[{table}] ({', '.join(f'[{c}]' for c in columns)}) "
                              f"select {values} from other.[{table}] order by rowid")
        self.conn.commit()
        self.conn.execute("detach database other")

    def close(self):
        self.flush()
        self.conn.commit()
        self.conn.close()

    def query(self, sql, params=()):
        return self.conn.execute(sql, params).fetchall()

    def fill(self, table):
        """A table whose contract entry gives its rows as SQL over the others (`rows:`)."""
        self.flush()
        columns = ", ".join(f"[{c}]" for c in contract.outputs()[table]["columns"])
        self.conn.execute(f"insert into [{table}] ({columns}) {contract.outputs()[table]['rows']}")

    def year_changes(self):
        """The year-over-year comparisons (contract.yml `views`), written as tables: computed once here, where at a
        million rows each takes a second, and then read through their indexes. Columns and types are those of the
        comparison's SQL (year_changes.py), as a view of it would have them."""
        self.flush()
        for name, spec in contract.views().items():
            self.conn.execute(f"create temp view [computing] as {view_sql(spec['rows'], spec['match'])}")
            columns = [(column, kind) for _, column, kind, *_ in self.conn.execute("pragma temp.table_info([computing])")]
            self.conn.execute(f"create table [{name}] ({', '.join(f'[{c}] {k}'.strip() for c, k in columns)})")
            self.conn.execute(f"insert into [{name}] select * from temp.[computing]")
            self.conn.execute("drop view temp.[computing]")
            for index in spec.get("indexes", []):
                self.db[name].create_index(index)
        self.conn.commit()

    def finish(self):
        self.flush()
        self.db["search_index"].enable_fts(["分词"], fts_version="FTS5", create_triggers=False)
        self.conn.execute("analyze")  # statistics for the query planner: the saved queries pick the right index
        self.conn.commit()
        self.conn.close()


def foreign_keys(spec):
    return list((spec.get("foreign_keys") or {}).items())


# ---------------------------------------------------------------------------------------------------------------
# filings.db
# ---------------------------------------------------------------------------------------------------------------

FILING_BATCH = 20000  # rows per csvs-to-sqlite run: pandas holds one batch in memory, not a whole file


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
        sources += [(year_dir / name, name[: -len(".csv")]) for name in contract.files_of_year(year_dir)
                    if (year_dir / name).exists()]  # an optional file (notes.csv) may be absent
    with tempfile.TemporaryDirectory() as scratch:
        for source, table in sources:
            header, rows = filed_rows(source)
            label = f"{data_dir.name}/{source.relative_to(data_dir)}"
            for batch in batches(rows, FILING_BATCH):
                # pandas reads UTF-8 only; hand it a clean UTF-8 copy so GBK files load verbatim too. Rows of nothing
                # but commas (left by deleted Excel rows) carry no cell and are not filed data.
                utf8_copy = Path(scratch) / source.name
                with open(utf8_copy, "w", encoding="utf-8", newline="") as handle:
                    csv.writer(handle).writerows([header] + batch)
                with mock.patch("csvs_to_sqlite.utils.pd.read_csv", verbatim_read_csv):
                    result = CliRunner().invoke(csvs_to_sqlite, [
                        str(utf8_copy), str(path), "--table", table, "--just-strings", "--fixed-column", "来源文件", label])
                if result.exit_code != 0 or "Could not load" in result.output:
                    raise RuntimeError(f"csvs-to-sqlite failed on {label}: {result.output}")
            verify_filing(path, table, label, header, filed_rows(source)[1])


def batches(rows, size):
    """Lists of up to size rows; at least one list, empty for a file without rows (its table is still made)."""
    batch = list(itertools.islice(rows, size))
    yield batch
    while len(batch) == size:
        batch = list(itertools.islice(rows, size))
        if batch:
            yield batch


def filed_rows(source):
    """(header, rows) of a checked CSV: every row with a cell, padded to the header's width, verbatim; the rows
    are read one at a time."""
    records = csv.reader(text_lines(source, str(source), [], []))
    header = next(records)
    while header and not header[-1].strip():
        header = header[:-1]
    rows = ((r + [""] * len(header))[: len(header)] for r in records if any(c.strip() for c in r))
    return header, rows


def verify_filing(path, table, label, header, rows):
    """Every cell in filings.db must equal the CSV cell; csvs-to-sqlite stores empty cells as NULL."""
    conn = sqlite3.connect(path)
    cursor = conn.execute(f"select * from [{table}] where 来源文件 = ? order by rowid", [label])
    names = [d[0] for d in cursor.description]
    positions = [names.index(c) for c in header]
    found = ([row[i] or "" for i in positions] for row in cursor)
    same = all(a == b for a, b in itertools.zip_longest(found, rows))
    conn.close()
    if not same:
        raise RuntimeError(f"filings.db does not hold {label} verbatim")
