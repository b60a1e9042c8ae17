"""Absolute URLs name the site's configured public address, never whatever Host header a request carried.

Datasette builds absolute URLs (next_url in JSON, facet toggle_url, the /api page's curl examples) from the request's
Host header and scheme. Responses are publicly cacheable, so one request with `Host: evil.example` could put links
to another server into a CDN's copy of a page for everyone. Every request's Host and scheme are set here to the
public address before Datasette sees them, so no response depends on them.

The address is `plugins: public_host: public_url` in metadata.yml, which reads the PUBLIC_URL environment variable
(set it where the site is deployed, e.g. https://budget.example.org); without it, `make serve`'s own address.
"""
import urllib.parse


DEFAULT_PUBLIC_URL = "http://127.0.0.1:8001"


def public_address(datasette):
    """(scheme, host[:port]) of the configured public URL; a malformed one stops the server from starting."""
    url = (datasette.plugin_config("public_host") or {}).get("public_url") or DEFAULT_PUBLIC_URL
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        raise ValueError(f"public_host: PUBLIC_URL must look like https://example.org, not {url!r}")
    return parts.scheme, parts.netloc


def asgi_layer(datasette):  # a layer of the request pipeline (pipeline.py)
    scheme, host = public_address(datasette)

    def wrap(app):
        async def use_public_host(scope, receive, send):
            if scope["type"] == "http":
                headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"host"]
                scope = dict(scope, scheme=scheme, headers=headers + [(b"host", host.encode())])
            await app(scope, receive, send)

        return use_public_host

    return wrap
