"""Datasette's internals, in one place.

The site uses Datasette's public plugin API everywhere (datasette.hookimpl, datasette.utils.asgi's Response and
errors, Database's documented methods, tilde_decode). Everything else it takes from Datasette — a name from a
module that is not documented, a value it replaces, code it copies — is here, and tests/unit/test_datasette_seam.py
checks each touch point against the pinned Datasette, so an upgrade shows at once what moved.
"""
from datasette.plugins import pm

PINNED = "0.65.5"  # requirements/*.txt; the version every touch point below was read from


def register_plugin(module):
    """Register a module's hooks with Datasette's plugin manager (what Datasette does for each file of
    --plugins-dir). Once per process: every Datasette of the process shares the manager."""
    if not pm.is_registered(module):
        pm.register(module)
