"""budget_site/pipeline.py: a request passes the site's ASGI layers in the declared order, outermost first.

The expected order is written out here, not read from the pipeline: changing it is a decision this test records."""
from datasette.app import Datasette

from budget_site import pipeline

# Outermost first; None is where other plugins' wrappers go (datasette-hashed-urls in a release).
EXPECTED = ["compression", "security_headers", None, "param_guard", "documents", "downloads", "debug_pages",
            "public_host", "cache_headers", "sql_lane", "read_only", "refusals"]


def name_of(layer):
    return None if layer is None else layer.__module__.rsplit(".", 1)[1]


def test_the_declared_order_each_with_its_reason():
    assert [name_of(layer) for layer, _ in pipeline.LAYERS] == EXPECTED
    assert all(len(why) > 20 for _, why in pipeline.LAYERS)


def probed(layer, passed):
    """The layer, noting its name in `passed` when a request reaches it."""
    def make(datasette):
        wrap = layer(datasette)

        def around(app):
            inner = wrap(app)

            async def reached(scope, receive, send):
                if scope["type"] == "http":
                    passed.append(name_of(layer))
                await inner(scope, receive, send)

            return reached

        return around

    return make


async def test_a_request_passes_the_layers_in_that_order(built, monkeypatch):
    passed = []
    monkeypatch.setattr(pipeline, "LAYERS", [(layer and probed(layer, passed), why) for layer, why in pipeline.LAYERS])
    ds = Datasette(config_dir=built)  # its app is made now, with the probed layers
    for path in ("/budget/special_funds", "/budget.json?sql=select+1"):  # a page, and visitor's SQL (the lane)
        passed.clear()
        response = await ds.client.get(path)
        assert response.status_code == 200
        assert passed == [name for name in EXPECTED if name], path


async def test_layers_outside_others_see_their_answers(ds):
    """read_only's 405 and a refusal (of a debug page) both leave through security_headers, which is outside them;
    the refusal page is the one refusals.py routes to, inside debug_pages."""
    refused_write = await ds.client.post("/budget/special_funds", data={"a": "b"})
    assert refused_write.status_code == 405 and "content-security-policy" in refused_write.headers
    hidden = await ds.client.get("/-/messages")
    assert hidden.status_code == 404 and "content-security-policy" in hidden.headers
    assert "这个调试页面不对外开放" in hidden.text
