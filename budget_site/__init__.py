"""The site: Datasette hooks grouped by what a reader sees, loaded by plugins/budget_site_loader.py.

    pages/          the site's own pages (landing, fund card, results, documents, forms, search, checks, …)
    downloads/      CSV and Excel downloads, gzip
    search/         the Chinese full-text search function
    guards/         what keeps a public server safe: parameters, visitors' SQL, limits, headers, refusals
    presentation/   how Datasette's own pages look and read: Chinese words, amounts, template variables, facets
    pipeline.py     the ASGI layers every request passes, in order
    hooks.py        the hook modules, in the order they are registered
    datasette_seam.py  every Datasette internal the site touches, checked by tests/unit/test_datasette_seam.py
    names.py        names that several modules share (a refusal's scope key, the SQL lane's threads, …)
"""
