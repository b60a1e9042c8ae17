"""A short, explicit cache lifetime on every successful page that has none, so a CDN in front of any number of
replicas may cache the landing page, /changelog, /forms and static files for default_cache_ttl seconds.

Database pages already carry Cache-Control: Datasette's own default_cache_ttl on plain URLs, and in a release
bundle datasette-hashed-urls' one year on /budget-<hash>/ URLs, whose content can never change. Errors are never
marked cacheable.
"""


def asgi_layer(datasette):  # a layer of the request pipeline (pipeline.py)
    def wrap(app):
        async def add_cache_control(scope, receive, send):
            if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
                return await app(scope, receive, send)
            header = f"max-age={datasette.setting('default_cache_ttl')}, public".encode()

            async def send_with_cache_control(message):
                if message["type"] == "http.response.start" and message["status"] == 200:
                    headers = list(message.get("headers", []))
                    if not any(name.lower() == b"cache-control" for name, _ in headers):
                        message = dict(message, headers=headers + [(b"cache-control", header)])
                await send(message)

            await app(scope, receive, send_with_cache_control)

        return add_cache_control

    return wrap
