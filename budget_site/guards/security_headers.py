r"""Security headers on every response (pages, JSON, CSV, static files, errors).

The Content-Security-Policy lets the browser load nothing from any other origin. Inline scripts run only if
their exact text is one the site's own templates contain (a sha256 hash in the policy), so text that reached a
page from the data could never run even if escaping failed somewhere. Style attributes stay allowed
('unsafe-inline' in style-src): Datasette's templates and the vega charts set them, and styles cannot run code.
Only pages that can load datasette-vega's bundle (its address is in the page; static/charts-on-demand.js loads it
when the chart panel is opened) also get 'unsafe-eval': its vega build compiles chart expressions with
new Function() and draws nothing without it. The page is read here before compression.py gzips it.

Two kinds of response do not come from the site's pages:
- redirects: Datasette drops a trailing slash by redirecting to the path without it, so `/\evil.example/` went
  to `/\evil.example`, which browsers read as `//evil.example`, another host (they take `\` for `/` and drop tabs
  and newlines). A redirect's Location that a browser would read as starting with `//` is made one path here;
- uvicorn's own 400 for a request it cannot parse (a raw non-ASCII byte in the address) is written before any
  application runs; its method is replaced by one that adds these headers and says what is wrong in Chinese.
"""
import base64
import hashlib
import re


# <script> blocks without src= in template sources; blocks holding Jinja expressions are listed by hand below.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
# table.html's one dynamic inline script, in its two possible renderings.
KNOWN_DYNAMIC_SCRIPTS = ["DATASETTE_ALLOW_FACET = true;", "DATASETTE_ALLOW_FACET = false;"]


def script_hash(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def inline_script_hashes(jinja_env):
    """Hashes of every fixed inline script in the templates Datasette can render (ours, plugins', its own)."""
    scripts = set(KNOWN_DYNAMIC_SCRIPTS)
    for name in jinja_env.list_templates():
        if not name.endswith(".html"):
            continue
        source, _, _ = jinja_env.loader.get_source(jinja_env, name)
        for body in INLINE_SCRIPT.findall(source):
            if "{{" not in body and "{%" not in body and body.strip():
                scripts.add(body)
    return sorted(script_hash(s) for s in scripts)


def content_security_policy(hashes, allow_eval=False):
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + ("'unsafe-eval' " if allow_eval else "") + " ".join(hashes),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",  # CodeMirror's resize handle is a data: SVG
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


# What a browser ignores or reads as "/" in a URL (the WHATWG URL standard: tab, newline, backslash).
BROWSER_IGNORES = re.compile(r"[\t\n\r]")
BAD_REQUEST = ("请求格式不正确，服务器无法读取（例如网址中有未编码的中文或空格；浏览器会自动编码）。"
               "Invalid HTTP request: the server could not read it (for example unencoded characters in the address).")


def same_site_location(location):
    """A redirect target that stays on this site: a path a browser would read as //host becomes a plain path."""
    as_read = BROWSER_IGNORES.sub("", location.replace("\\", "/"))
    if as_read.startswith("//"):
        return "/" + as_read.lstrip("/")
    return location


def with_safe_location(start):
    headers = [(k, same_site_location(v.decode("latin-1")).encode("latin-1") if k.lower() == b"location" else v)
               for k, v in start.get("headers", [])]
    return dict(start, headers=headers)


def headers_on_servers_own_400s(extra_headers):
    """uvicorn (h11) answers an unparseable request itself; give that answer the site's headers and words."""
    try:
        from uvicorn.protocols.http import h11_impl
    except ImportError:  # another server: its own errors are its own
        return
    import h11

    def send_400_response(self, msg):
        body = BAD_REQUEST.encode("utf-8")
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close"),
                   (b"content-length", str(len(body)).encode())] + extra_headers
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"), h11.Data(data=body),
                      h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()

    h11_impl.H11Protocol.send_400_response = send_400_response


def asgi_layer(datasette):  # a layer of the request pipeline (pipeline.py)
    hashes = inline_script_hashes(datasette.jinja_env)
    common = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers that predate CSP 2
    ]
    policies = {allow_eval: (b"content-security-policy", content_security_policy(hashes, allow_eval).encode())
                for allow_eval in (False, True)}
    names = {name for name, _ in common} | {b"content-security-policy"}
    headers_on_servers_own_400s(common + [policies[False]])

    def with_headers(start, allow_eval):
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in names]
        return dict(start, headers=headers + common + [policies[allow_eval]])

    def wrap(app):
        async def add_headers(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            held = []  # an HTML page's start message waits for the first body chunk, which holds <head>

            async def send_with_headers(message):
                if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                    message = with_safe_location(message)
                if message["type"] == "http.response.start":
                    content_type = dict((k.lower(), v) for k, v in message.get("headers", [])).get(b"content-type", b"")
                    if content_type.startswith(b"text/html"):
                        held.append(message)
                        return
                    message = with_headers(message, allow_eval=False)
                elif message["type"] == "http.response.body" and held:
                    await send(with_headers(held.pop(), allow_eval=b"/datasette_vega/" in message.get("body", b"")))
                await send(message)

            await app(scope, receive, send_with_headers)

        return add_headers

    return wrap
