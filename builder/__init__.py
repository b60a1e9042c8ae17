"""The build: curated CSVs in data/ → the published site folder.

    read (read.py, one CSV) → check (cells.py, links.py; inputs.py runs both over data/)
    → normalise (normalise.py: rows → the tables of contract.yml)
    → derive (derive/: data checks, search index, indicator analysis; year_changes.py: the year-over-year rule)
    → write (write.py: budget.db, filings.db; datapackage.py: downloads/) → site.py (the configuration directory)

Everything declared — columns, types, keys, links, docs, what is searchable — is in contract.yml (contract.py
reads it). Nothing here imports datasette or plugins/: the site imports the few helpers it shares with the build
(amounts.py, cjk.py, year_changes.py).
"""
