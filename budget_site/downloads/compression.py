"""gzip for text responses (HTML, JSON, CSV, JavaScript, CSS, SVG, XML) when the browser accepts it.

A table page is mostly repeated markup and datasette-vega's bundle is 944 KB of JavaScript: both shrink four- to
six-fold. Streams (CSV with _stream=on) are compressed chunk by chunk. Already-compressed files (.xlsx, images) and
the SQLite downloads pass untouched, as do small bodies and HEAD requests.

Why not datasette-gzip: it compresses every content type at level 9 and is ordered by trylast against
security_headers.py, which must read the uncompressed page to choose its script policy. This layer is the first
of the request pipeline (pipeline.py), outside every other plugin's ASGI wrapper: every other layer sees the
response as written.
"""
import zlib


COMPRESSIBLE = (b"text/", b"application/json", b"application/javascript", b"application/xml",
                b"application/manifest+json", b"image/svg+xml")
SMALLEST = 1024  # bytes: below this gzip's header and the extra work are not worth it
LEVEL = 6  # zlib's default: most of level 9's gain for a fraction of the CPU


def accepts_gzip(scope):
    for name, value in scope.get("headers", []):
        if name.lower() == b"accept-encoding":
            return any(part.split(b";")[0].strip() in (b"gzip", b"*") for part in value.lower().split(b","))
    return False


def gzip_wrapper(app):
    async def compressed(scope, receive, send):
        if scope["type"] != "http" or scope["method"] == "HEAD":
            return await app(scope, receive, send)
        gzip_ok = accepts_gzip(scope)
        state = {"start": None, "compressor": None, "passthrough": False}

        async def send_compressed(message):
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                if (b"content-encoding" in headers or message["status"] in (204, 304)
                        or not headers.get(b"content-type", b"").startswith(COMPRESSIBLE)):
                    state["passthrough"] = True
                    return await send(message)
                state["start"] = message  # held until the first body chunk says whether to compress
                return None
            if message["type"] != "http.response.body" or state["passthrough"]:
                return await send(message)
            body, more = message.get("body", b""), message.get("more_body", False)
            if state["start"] is not None:
                start, state["start"] = state["start"], None
                if not gzip_ok or (not more and len(body) < SMALLEST):
                    state["passthrough"] = True
                    # A cache in front keeps one copy per Accept-Encoding, never handing gzip to who can't read it.
                    await send(dict(start, headers=with_vary(start.get("headers", []))))
                    return await send(message)
                state["compressor"] = zlib.compressobj(LEVEL, zlib.DEFLATED, 31)  # wbits 31: gzip container
                await send(dict(start, headers=gzip_headers(start.get("headers", []))))
            data = state["compressor"].compress(body)
            if not more:
                data += state["compressor"].flush()
            elif not data:
                return None  # nothing compressed yet: wait for more input instead of sending an empty chunk
            await send({"type": "http.response.body", "body": data, "more_body": more})

        await app(scope, receive, send_compressed)

    return compressed


def with_vary(headers):
    vary = [v for k, v in headers if k.lower() == b"vary"]
    if not any(b"accept-encoding" in v.lower() for v in vary):
        vary.append(b"Accept-Encoding")
    return [(k, v) for k, v in headers if k.lower() != b"vary"] + [(b"vary", b", ".join(vary))]


def gzip_headers(headers):
    kept = []
    for name, value in headers:
        lower = name.lower()
        if lower == b"content-length":
            continue  # unknown until the end; the response is sent chunked
        if lower == b"etag" and not value.startswith(b"W/"):
            value = b"W/" + value  # the bytes differ from the uncompressed response's
        kept.append((name, value))
    return with_vary(kept) + [(b"content-encoding", b"gzip")]


def asgi_layer(datasette):
    return gzip_wrapper
