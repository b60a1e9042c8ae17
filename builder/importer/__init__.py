"""Draft CSVs from the bureau's three official forms as published (text rendering or .xlsx workbook).

    python -m builder.importer SOURCE [--data data] [--force]

Reading (text.py, xlsx.py) gives a neutral Document (document.py); forms.py finds the fields in it;
drafts.py turns them into the rows of data/<year>/*.csv and store.py writes them, all or nothing.
"""
