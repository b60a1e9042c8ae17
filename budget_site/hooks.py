"""The site's hook modules, registered with Datasette in this order by plugins/budget_site_loader.py."""
import importlib

from datasette.plugins import pm

# The order the old plugins/ folder was loaded in on the machine the suite passed on (pluggy calls the module
# registered last first).
MODULES = [
    "pages.results_page", "guards.read_only", "search.chinese_search", "pages.landing", "guards.param_guard",
    "presentation.chinese_chrome", "pages.documents", "pages.doc_pages", "downloads.downloads",
    "downloads.compression", "presentation.site_folders", "guards.result_budget", "pages.quality_page",
    "guards.sql_limits", "presentation.template_speed", "presentation.amounts", "presentation.bilingual",
    "pages.debug_pages", "guards.sql_authorizer", "presentation.site_vars", "pages.fund_card", "guards.public_host",
    "guards.sql_error_status", "guards.security_headers", "pages.project_forms", "guards.bounded_functions",
    "pages.changelog_page", "guards.refusals", "presentation.cache_headers", "pages.forms", "pages.checks_page",
    "guards.sql_lane", "pages.sitemap", "pages.search_page", "presentation.facet_counts",
]


def register():
    for name in MODULES:
        module = importlib.import_module(f"budget_site.{name}")
        if not pm.is_registered(module):
            pm.register(module)
