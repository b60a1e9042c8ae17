"""Datasette's debugging pages that show the server rather than the data answer 404.

Every /-/ page of Datasette 0.65.5, and why it stays or goes:
- /-/threads: thread names and every running asyncio task with its source file path (the server's layout). Off.
- /-/databases: each database's file path on the server. Off.
- /-/messages, /-/allow-debug, /-/patterns: tools for developing Datasette itself; nothing a visitor needs. Off.
- /-/versions: Python, Datasette and SQLite versions, all pinned in the public requirements.txt anyway; kept (the
  tests and deploy checks use it as the "server is up" probe).
- /-/metadata, /-/settings, /-/plugins: metadata.yml, settings.json and the plugin list, all published in the
  repository; kept, they help people reuse the site.
- /-/actor, /-/logout, /-/auth-token, /-/permissions: there are no accounts; they show "no actor" or refuse (403).
- /-/static, /-/static-plugins: the site's CSS and JavaScript.
"""
import re

from ..names import REFUSE


HIDDEN = re.compile(r"^/-/(threads|databases|messages|allow-debug|patterns)(\.json)?/?$")


def asgi_layer(datasette):  # a layer of the request pipeline (pipeline.py)
    def wrap(app):
        async def hide_debug_pages(scope, receive, send):
            if scope["type"] == "http" and HIDDEN.match(scope["path"]):
                scope = dict(scope, **{REFUSE: ("hidden", None)})  # answered by refusals.py
            await app(scope, receive, send)

        return hide_debug_pages

    return wrap
