"""Pages rendered without repeating work whose answer cannot change while a build is served.

- `to_css_class`, Datasette's filter that gives every cell of a table or query page its column's CSS class, hashes
  a non-ASCII name (all our columns are Chinese) with MD5 again for every cell: a table page of 50 rows x 20
  columns makes 1,000 calls. The class depends on the name only, so each name's is remembered.
- Datasette's Jinja environment reads each template file's modification time at every render (`auto_reload`).
  A build's templates do not change while it is served (`make run` resolves the site link once; publishing starts
  a new server), so templates are compiled once.
Measured with `make bench` (docs/scaling.md, "吞吐"): the per-request cost the site adds over Datasette.
"""
import functools

from datasette import hookimpl

from ..datasette_seam import to_css_class


@hookimpl
def prepare_jinja2_environment(env):
    # Names are strings (to_css_class itself fails on anything else), so every argument can be a cache key.
    env.filters["to_css_class"] = functools.lru_cache(maxsize=4096)(to_css_class)
    env.auto_reload = False
