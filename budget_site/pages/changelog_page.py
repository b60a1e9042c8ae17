"""/changelog (更正记录): what each release added, removed and corrected compared with the one before.

A release's site folder holds its own database changes.db (tables `releases` and `changelog`, written by
`make publish`, release/changelog.py); budget.db never holds the log. A development build has no changes database,
and a first release has no changes, so the page then says 首次发布 (first release).
"""
import json

from datasette import hookimpl
from datasette.utils.asgi import Response

KIND_ORDER = ["更正", "删除", "新增"]
CHANGES = "changes"  # the database: changes.db in the site folder


@hookimpl
def register_routes():
    return [(r"^/changelog$", changelog_page)]


def table_title(datasette, table):
    """The table's title from metadata.yml (e.g. 专项资金 Special funds), or its name."""
    return (datasette.metadata("tables", database="budget") or {}).get(table, {}).get("title") or table


async def changelog_page(datasette, request):
    db = datasette.databases.get(CHANGES)
    tables = set(await db.table_names()) if db is not None else set()
    releases = []
    if {"releases", "changelog"} <= tables:
        releases = [dict(r) for r in await db.execute("select * from releases order by 序号 desc")]
        entries = [dict(r) for r in await db.execute("select * from changelog order by id")]
        for release in releases:
            mine = [e for e in entries if e["版本"] == release["版本"]]
            by_table = {}  # table -> {kind: [entries]}, tables in the order their changes were logged
            for entry in mine:
                if entry["变更"] == "删除" and entry["原值"]:
                    entry["removed_row"] = json.loads(entry["原值"])
                by_table.setdefault(entry["表"], {kind: [] for kind in KIND_ORDER})[entry["变更"]].append(entry)
            release["tables"] = [
                {"name": name, "title": table_title(datasette, name), "kinds": kinds} for name, kinds in by_table.items()]
            corrections = {}  # (table, record) -> its corrected cells: one small table per record reads well on phones
            for entry in mine:
                if entry["变更"] == "更正":
                    corrections.setdefault((entry["表"], entry["记录_id"]), []).append(entry)
            release["corrections"] = [
                {"table": table, "title": table_title(datasette, table), "record": record, "cells": cells}
                for (table, record), cells in corrections.items()]
    return Response.html(await datasette.render_template(
        "changelog.html", {"releases": releases, "has_log": "changelog" in tables, "log_database": CHANGES},
        request=request))
