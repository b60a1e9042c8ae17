"""Draft the CSVs of data/<year>/ from published documents, whatever their medium and layout.

    python -m builder.importer SOURCE [--data data] [--source source] [--force]   (make import SOURCE=… [FORCE=1])

SOURCE is a document as downloaded, or a folder of them (folder.py: progress bar, then a triage table).
dispatch.py decides the layout from the content:
- the three-form layout (石峰区 2019): text.py or xlsx.py read the document into document.py's model, using what
  spec.py says the forms look like; forms.py finds each column and label; identity.py establishes the year and
  the department; drafts.py makes the rows of its CSVs and store.py writes them;
- the standard target table (项目支出绩效目标申报表): media/ reads any medium (.xlsx .xls .docx .html .pdf, text
  copies) into the neutral grid of grid.py; standard.py recognises the projects by their landmarks
  (standard_spec.py); standard_import.py finds year and department, files the document under
  source/<year>/<code>/ and writes projects.csv, project_funding.csv and project_indicators.csv;
- a self-evaluation (项目支出绩效自评表, results after the year): read into the same grid; selfeval.py recognises the
  projects (selfeval_spec.py says what the form looks like); selfeval_import.py files the document and writes
  self_evaluations.csv, self_evaluation_amounts.csv and self_evaluation_indicators.csv as the target table's import
  does.
Any problem is reported with the document's line, cell, table or page, in Chinese and English, and nothing is
written.
"""
