"""The public site is read-only: only GET and HEAD reach Datasette; every other method gets 405.

The databases are already opened immutable and Datasette refuses SQL that is not a SELECT; refusing the methods
as well means no form, plugin route or future write API can change anything, and no POST reaches code paths
that were never meant for the public.
"""

ALLOWED = {"GET", "HEAD"}
MESSAGE = ("本网站只读，只接受 GET 和 HEAD 请求。\n"
           "This site is read-only: only GET and HEAD requests are accepted.\n").encode("utf-8")


def asgi_layer(datasette):  # a layer of the request pipeline (pipeline.py)
    def wrap(app):
        async def refuse_writes(scope, receive, send):
            if scope["type"] == "http" and scope["method"] not in ALLOWED:
                await send({"type": "http.response.start", "status": 405, "headers": [
                    (b"allow", b"GET, HEAD"), (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(MESSAGE)).encode())]})
                await send({"type": "http.response.body", "body": MESSAGE})
                return
            await app(scope, receive, send)

        return refuse_writes

    return wrap
