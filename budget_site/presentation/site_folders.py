"""The site folder's other mounts: /assets (static/), /downloads and /source, beside Datasette's own /static.

Datasette serving a configuration directory mounts only its static/ folder, at /static/. The site's pages and
published links use /assets/site.css, /downloads/… (the data package) and /source/… (the original documents), so
they are added to Datasette's own list of static mounts here: register_routes runs just before Datasette turns
that list into routes, so they are served exactly like --static mounts (ranges, content types, caching).
"""
from datasette import hookimpl

MOUNTS = {"assets": "static", "downloads": "downloads", "source": "source"}  # URL prefix -> folder in the site


@hookimpl
def register_routes(datasette):
    if datasette.config_dir is not None:
        mounted = {prefix for prefix, _ in datasette.static_mounts}
        for prefix, folder in MOUNTS.items():
            path = datasette.config_dir / folder
            if prefix not in mounted and path.is_dir():
                datasette.static_mounts.append((prefix, str(path.resolve())))
    return []
