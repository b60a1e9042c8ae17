"""Draft CSVs from the bureau's three official forms as published (text rendering or .xlsx workbook).

    python -m builder.importer SOURCE [--data data] [--force]        (make import SOURCE=… [FORCE=1])

text.py or xlsx.py reads the document into the neutral model of document.py, using what spec.py says the forms
look like; forms.py finds each column and label in it; identity.py establishes the year and the department
(data/departments.csv); drafts.py makes the rows of the seven CSVs of data/<year>/ and store.py writes them,
adding to a year other departments already have. Any problem is reported with the document's line or sheet!cell,
in Chinese and English, and nothing is written.
"""
