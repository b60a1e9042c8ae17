"""The request pipeline: every ASGI layer a request passes through on its way to Datasette, in one ordered list.

LAYERS is read outermost first: a request meets the first layer first and its response leaves through it last.
Each layer is a function of the Datasette instance that returns a wrapper (app -> app), as Datasette's asgi_wrapper
hook would; this module registers the only asgi_wrapper of the site and composes them in this order.
Other plugins' wrappers (datasette-hashed-urls in a release) sit where OTHER_PLUGINS stands.
"""
from datasette import hookimpl

from .downloads import compression, downloads
from .guards import param_guard, public_host, read_only, refusals, security_headers, sql_lane
from .pages import debug_pages, documents
from .presentation import cache_headers

OTHER_PLUGINS = None  # where the wrappers of plugins other than the site's go

LAYERS = [
    (compression.asgi_layer, "gzip last on the way out, so every answer is compressed, the layers' own included"),
    (security_headers.asgi_layer, "every response gets the headers: refusals, 405s and other plugins' redirects too"),
    (OTHER_PLUGINS, "datasette-hashed-urls: its redirects and year-long cache headers pass the two layers above"),
    (param_guard.asgi_layer, "repairs raw UTF-8 in the address and refuses bad parameters before anything reads them"),
    (documents.asgi_layer, "documents and downloads are found by their decoded (Chinese) names and say utf-8"),
    (downloads.asgi_layer, "CSV downloads get the BOM and file name Excel needs; sees the answer as Datasette made it"),
    (debug_pages.asgi_layer, "marks Datasette's debug pages refused"),
    (public_host.asgi_layer, "absolute links use PUBLIC_URL, not the Host a visitor sent"),
    (cache_headers.asgi_layer, "a short cache time on 200s that set none of their own"),
    (sql_lane.asgi_layer, "visitors' own SQL runs in its own lane, so it cannot starve the pages"),
    (read_only.asgi_layer, "anything but GET and HEAD is a 405, inside the headers above"),
    (refusals.asgi_layer, "innermost: any layer above may mark a request refused; this routes it to the refusal page"),
]


@hookimpl(wrapper=True)
def asgi_wrapper(datasette):
    """The layers above, around the other plugins' wrappers. Datasette applies the list it gets in order, each
    around the last: the innermost first."""
    others = yield
    cut = next(i for i, (layer, _) in enumerate(LAYERS) if layer is OTHER_PLUGINS)
    outer = [layer(datasette) for layer, _ in reversed(LAYERS[:cut])]
    inner = [layer(datasette) for layer, _ in reversed(LAYERS[cut + 1:])]
    return inner + list(others) + outer
