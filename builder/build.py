"""The whole build: data/ → a new site folder, switched in only when every step succeeded.

Two passes over data/, each reading one row at a time, so memory stays flat however large the data grows:

1. check (`check`): read and check every CSV (inputs.py: read.py, cells.py, links.py), the editor's notes and the
   source documents. Every problem is reported before anything is written.
2. write (`write_site_folder`): each year read again → normalised (normalise.py) → derived one department at a
   time (derive/) → a database of its own (write_year, two years at a time on the two cores) → put together into
   budget.db (write.py); filings.db (in the other process meanwhile); the downloads (datapackage.py); the site
   folder (site.py).
"""
import shutil
from pathlib import Path

from . import contract, parallel, site
from .datapackage import write_datapackage
from .derive import DERIVED, derived_tables
from .derive.facets import facet_rows
from .derive.results import LINKED_COLUMNS, link_results
from .derive.sources import source_rows
from .inputs import DEPARTMENTS_FILE, read_input, year_rows
from .metadata import setting, site_metadata, table_facets, write_site_metadata
from .normalise import Normaliser
from .problems import InputErrors

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "source"


def check(data_dir, source_dir=SOURCE):
    """The check pass: (CheckedInput, source_documents rows); raises InputErrors with every problem."""
    site_metadata()  # metadata.yml and queries/ are read before anything is written, too
    checked = check_csvs(data_dir)
    problems = list(checked.problems)
    documents = source_rows(source_dir, checked.departments, problems, checked.filed)
    if problems:
        raise InputErrors(problems)
    return checked, documents


def check_csvs(data_dir):
    """inputs.read_input in a process of its own: the keys it keeps to find duplicates (a year of a province's form
    layout is close to a million) are given back to the system when it ends, before the writing starts."""
    return parallel.result(parallel.start(read_input, data_dir))


def write_year(path, checked, year_dir):
    """One year's tables, normalised as the CSVs stream past and then derived one department at a time, into a
    database of its own (path, which it returns). Years are independent, so the build writes two at a time."""
    from .write import BudgetDb  # sqlite-utils: a build tool only

    db = BudgetDb(path, cache_mib=32)
    db.create()
    normaliser = Normaliser(checked.departments, checked.notes_before.get(year_dir.name, 0))
    normaliser.start_year(year_dir.name)
    for name, rows in year_rows(checked, year_dir):
        for row in rows:
            for table, _, record in normaliser.records(name, row.values):
                db.add(table, record)
    db.index_departments()
    search_id = 1
    for _, _, chunk in db.chunks():
        db.update(link_results(chunk), LINKED_COLUMNS)  # what each self-evaluation evaluates, before the checks
        for table, rows in derived_tables(chunk, search_id).items():
            db.add_dicts(table, rows)
            search_id += len(rows) if table == "search_index" else 0
    db.close()
    return path


def write_budget_db(path, checked, documents, then=lambda: None):
    """budget.db: every year written on its own by write_year, two at a time (both cores), each put in as soon as it
    and the years before it are done (then its database is deleted); then(), once the years are in; then what needs
    every year at once: indexes, the tables filled by SQL, the year-over-year tables, facet counts, the full-text
    index and the planner's statistics."""
    from .write import BudgetDb  # sqlite-utils: a build tool only

    db = BudgetDb(path)
    db.create()
    for table, _, record in Normaliser(checked.departments).department_records():
        db.add(table, record)
    per_year = [table for table, spec in contract.outputs().items()
                if spec.get("source", DEPARTMENTS_FILE) != DEPARTMENTS_FILE or table in DERIVED]
    years = [(path.parent / f"year-{year_dir.name}.db", checked, year_dir) for year_dir in checked.years]
    for year_path in parallel.in_order(write_year, years):
        db.merge(year_path, per_year)
        year_path.unlink()  # a year of a province is gigabytes
    then()
    db.add_dicts("source_documents", documents)
    db.index(list(contract.outputs()))
    for table, spec in contract.outputs().items():
        if "rows" in spec:  # read through the indexes just made
            db.fill(table)
    db.year_changes()
    db.add_dicts("facet_counts", facet_rows(db.query, table_facets([*contract.outputs(), *contract.views()]),
                                            setting("max_returned_rows", 1000) + 1))
    db.finish()


def write_site_folder(folder, checked, documents, source_dir=SOURCE, copy_configuration=False):
    from .write import write_filings_db  # csvs-to-sqlite: a build tool only

    filings = []

    def start_filings():  # on the other core, once the years are written, while this one finishes budget.db
        filings.append(parallel.start(write_filings_db, folder / "filings.db", checked.data_dir))

    try:
        write_budget_db(folder / "budget.db", checked, documents, then=start_filings)
        metadata = site_metadata(folder / "budget.db")
    except BaseException:
        for started in filings:
            parallel.wait(started)  # before the folder is discarded
        raise
    parallel.result(filings[0])
    (folder / "source").mkdir()
    for document in documents:
        (folder / "source" / document["文件"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(source_dir) / document["文件"], folder / "source" / document["文件"])
    write_datapackage(folder / "budget.db", folder / "downloads", metadata, folder / "source", documents)
    write_site_metadata(folder / "metadata.yml", metadata)
    site.link_configuration(folder, copy=copy_configuration)
    return site.write_inspect_data(folder)


def build(data_dir="data", site_dir="site", source_dir=SOURCE):
    """Build data_dir (and the documents in source_dir) into a new folder and make site_dir point at it.
    Returns ({table: row count} of budget.db, notices)."""
    checked, documents = check(data_dir, source_dir)
    try:
        folder = site.new_build_folder(site_dir)
        counts = write_site_folder(folder, checked, documents, source_dir)
        site.switch(site_dir, folder)
    except BaseException:  # a problem, or a stop (Ctrl-C, SIGTERM) at any point: SIGTERM may come right after mkdir
        site.discard_unfinished(site_dir)
        raise
    return counts, checked.notices
