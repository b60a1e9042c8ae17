"""/documents: the original documents (source_documents table), each also readable as a page.

The files themselves are served at /source/<年度>/<部门编码>.<格式> (or /source/<年度>/<部门编码>/<文件名>, the name
as downloaded, often Chinese) as published; text files are declared UTF-8 there
(a browser would otherwise guess another encoding and show 2019å¹´…). /documents/<年度>/<部门编码> shows a text
document as a page that reads well on a phone.
"""
from datasette import hookimpl
from datasette.utils.asgi import Response

# Text types served from the site folder: the files are UTF-8 (the build copies them as published).
TEXT_TYPES = (b"text/plain", b"text/csv", b"text/markdown")


@hookimpl
def register_routes():
    return [(r"^/documents$", documents_list), (r"^/documents/(?P<year>\d{4})/(?P<code>[a-z0-9-]+)$", document_page)]


async def documents_list(datasette, request):
    db = datasette.get_database("budget")
    documents = [dict(r) for r in await db.execute("select * from source_documents order by 年度 desc, 部门编码")]
    return Response.html(await datasette.render_template("documents.html", {"documents": documents}, request=request))


async def document_page(datasette, request):
    db = datasette.get_database("budget")
    documents = [dict(r) for r in await db.execute(
        "select * from source_documents where 年度 = ? and 部门编码 = ? order by 文件",
        [int(request.url_vars["year"]), request.url_vars["code"]])]
    if not documents:
        return Response.html(await datasette.render_template(
            "error.html", {"title": "找不到这份文件", "error": "没有这一年度和部门的原始文件。", "status": 404},
            request=request), status=404)
    if len(documents) > 1:  # the standard layout: several documents of the department that year, listed
        return Response.html(await datasette.render_template("documents.html", {"documents": documents},
                                                             request=request))
    document = documents[0]
    text = None
    if document["文件"].endswith(".txt") and datasette.config_dir is not None:
        text = (datasette.config_dir / "source" / document["文件"]).read_text(encoding="utf-8")
    return Response.html(await datasette.render_template(
        "document.html", {"document": document, "text": text, "source_document": document}, request=request))


def asgi_layer(datasette):  # a layer of the request pipeline (pipeline.py)
    def wrap(app):
        async def declare_utf8(scope, receive, send):
            if scope["type"] != "http" or not scope["path"].startswith(("/source/", "/downloads/")):
                return await app(scope, receive, send)
            # Datasette routes by the raw (percent-encoded) path and would look for a file named "2021%E5%B9%B4…";
            # a document filed under its downloaded Chinese name is found by the decoded path (the static handler
            # still keeps every request inside its folder).
            scope = {key: value for key, value in scope.items() if key != "raw_path"}

            async def send_with_charset(message):
                if message["type"] == "http.response.start":
                    headers = [(k, v + b"; charset=utf-8" if k.lower() == b"content-type" and v in TEXT_TYPES else v)
                               for k, v in message.get("headers", [])]
                    message = dict(message, headers=headers)
                await send(message)

            await app(scope, receive, send_with_charset)

        return declare_utf8

    return wrap
