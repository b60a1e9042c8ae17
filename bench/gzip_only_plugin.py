"""The site's gzip layer (budget_site/downloads/compression.py) as the only plugin of the benchmark's bare Datasette
(bench/pages.py), so both servers compress alike."""
from datasette import hookimpl

from budget_site.downloads.compression import gzip_wrapper


@hookimpl
def asgi_wrapper():
    return gzip_wrapper
