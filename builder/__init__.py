"""The build: curated CSVs in data/ → the published site folder.

    read (read.py, one CSV, row by row) → check (cells.py, links.py; inputs.py runs both over data/: first pass)
    → normalise (normalise.py: rows → the tables of contract.yml; second pass, one year at a time)
    → derive (derive/: data checks, search index, indicator analysis, facet counts, one department at a time;
      budgetlib/year_changes.py: the year-over-year rule)
    → write (write.py: budget.db, filings.db; datapackage.py: downloads/) → site.py (the configuration directory)

build.py runs the two passes; memory stays bounded by one year and department, whatever the size of data/
(parallel.py puts a second year, filings.db and half the downloads on the second core).

Everything declared — columns, types, keys, links, docs, what is searchable — is in contract.yml (contract.py
reads it). Nothing here imports datasette or the site (budget_site/); what the build and the site share is in
budgetlib/. Releasing a build is release/'s work.
"""
