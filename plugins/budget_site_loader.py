"""Datasette loads every .py file of this folder; this one loads the site, the budget_site package."""
from budget_site import hooks

hooks.register()
