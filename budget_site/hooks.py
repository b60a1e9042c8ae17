"""The site's hook modules, registered with Datasette in this order by plugins/budget_site_loader.py.

Where two modules implement one hook, pluggy calls the one registered last first: the order of routes, template
filters, connection functions and render_cell below is the order the suite has always run with. The request's
ASGI layers are not hooks of their own: pipeline.py composes them, in the order it declares.
"""
import importlib

from .datasette_seam import register_plugin

MODULES = [
    "pages.results_page", "search.chinese_search", "pages.landing", "presentation.chinese_chrome", "pages.documents",
    "pages.doc_pages", "downloads.downloads", "presentation.site_folders", "guards.result_budget",
    "pages.quality_page", "guards.sql_limits", "presentation.template_speed", "presentation.amounts",
    "presentation.bilingual", "guards.sql_authorizer", "presentation.site_vars", "pages.fund_card",
    "guards.sql_error_status", "pages.project_forms", "guards.bounded_functions", "pages.changelog_page",
    "guards.refusals", "pages.forms", "pages.checks_page", "pages.sitemap", "pages.search_page",
    "presentation.facet_counts", "pipeline",
]


def register():
    for name in MODULES:
        register_plugin(importlib.import_module(f"budget_site.{name}"))
