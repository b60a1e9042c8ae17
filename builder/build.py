"""The whole build: data/ → a new site folder, switched in only when every step succeeded.

read and check (inputs.py) → normalise (normalise.py) → derive (derive/) → write (write.py, datapackage.py)
→ site folder (site.py). Any problem stops the build before anything is switched in.
"""
import shutil
from pathlib import Path

from . import site
from .datapackage import write_datapackage
from .derive.beneficiaries import beneficiary_rows
from .derive.checks import data_checks
from .derive.indicators import indicator_tables
from .derive.search import search_rows
from .derive.sources import source_rows
from .inputs import read_input
from .links import check_notes
from .metadata import site_metadata, write_site_metadata
from .normalise import build_tables
from .problems import InputErrors

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "source"


def derive(data_dir, source_dir=SOURCE):
    """(tables {name: rows}, notices) for data_dir and the documents in source_dir; raises InputErrors."""
    year_rows, departments, notices = read_input(data_dir)
    tables = build_tables(year_rows, departments)
    problems = []
    check_notes(year_rows, tables, problems)
    tables["source_documents"] = source_rows(source_dir, departments, problems)
    if problems:
        raise InputErrors(problems)
    tables["data_checks"] = data_checks(tables)
    tables["search_index"] = search_rows(tables)
    tables.update(indicator_tables(tables))
    tables["beneficiary_estimates"] = beneficiary_rows(
        tables["expenditure_directions"], tables["performance_indicators"], tables["indicator_values"])
    return tables, notices


def write_site_folder(folder, tables, data_dir, source_dir=SOURCE, copy_configuration=False):
    from .write import write_budget_db, write_filings_db  # sqlite-utils and csvs-to-sqlite: build tools only

    metadata = site_metadata(tables)
    write_budget_db(folder / "budget.db", tables)
    write_filings_db(folder / "filings.db", data_dir)
    (folder / "source").mkdir()
    for document in tables["source_documents"]:
        (folder / "source" / document["文件"]).parent.mkdir(exist_ok=True)
        shutil.copyfile(Path(source_dir) / document["文件"], folder / "source" / document["文件"])
    write_datapackage(folder / "budget.db", folder / "downloads", metadata, folder / "source", tables["source_documents"])
    write_site_metadata(folder / "metadata.yml", metadata)
    site.link_configuration(folder, copy=copy_configuration)
    site.write_inspect_data(folder)


def build(data_dir="data", site_dir="site", source_dir=SOURCE):
    """Build data_dir (and the documents in source_dir) into a new folder and make site_dir point at it.
    Returns (tables, notices)."""
    tables, notices = derive(data_dir, source_dir)
    try:
        folder = site.new_build_folder(site_dir)
        write_site_folder(folder, tables, data_dir, source_dir)
        site.switch(site_dir, folder)
    except BaseException:  # a problem, or a stop (Ctrl-C, SIGTERM) at any point: SIGTERM may come right after mkdir
        site.discard_unfinished(site_dir)
        raise
    return tables, notices
