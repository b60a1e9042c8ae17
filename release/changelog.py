"""The change log of a release: every table of the new budget.db against the previous release's, by primary key.

    log = make_log(version, previous, previous_budget_db, new_budget_db, now)   → CHANGELOG.json's content
    write_changes_db(path, log, previous_changes_db)                            → changes.db
    markdown(log)                                                               → 更正记录.md

budget.db stays what the build made of data/; the log goes into its own database, changes.db (tables `releases`
and `changelog`), which holds the whole history: the previous release's changes.db plus this release's changes.
The site's /changelog page (budget_site/pages/changelog_page.py) reads it.
"""
import json
import sqlite3

from builder import contract


def not_compared():
    """Tables of budget.db the change log does not compare, and why (written into CHANGELOG.json): the site's own
    machinery, rebuilt from the other tables (contract.yml marks it `download: false`: the search index, the saved
    queries' parameter tables, the facet counts), and the year-over-year comparisons, which are computed from tables
    that are compared. A new year changes them all without any filed cell changing."""
    found = {table: f"{spec['title']}: rebuilt from the other tables / 由其他表生成"
             for table, spec in contract.outputs().items() if spec.get("download") is False}
    found.update({view: f"{spec['title']}: computed from the compared tables / 由已比较的表计算"
                  for view, spec in contract.views().items()})
    return found


CHANGE_KINDS = {"added": "新增", "removed": "删除", "changed": "更正"}
SCHEMA = [
    "create table releases (序号 integer primary key, 版本 text not null, 上一版本 text, 发布时间 text not null, "
    "新增 integer not null, 删除 integer not null, 更正 integer not null)",
    "create table changelog (id text primary key, 版本 text not null, 表 text not null, 记录_id text not null, "
    "变更 text not null, 列 text, 原值 text, 新值 text)",
    "create index changelog_版本 on changelog (版本)",
]


def read_only(path):
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def compared_tables(conn):
    """Ordinary tables in creation order, without SQLite's own, full-text index tables and not_compared()."""
    rows = conn.execute("select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' "
                        "order by rowid").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    skipped = not_compared()
    return [name for name, _ in rows if name not in skipped and name not in virtual
            and not any(name.startswith(v + "_") for v in virtual)]


def read_table(conn, table):
    """(columns, {key tuple: row dict}). A table without a primary key is keyed by whole rows."""
    info = conn.execute(f"pragma table_info([{table}])").fetchall()
    columns = [r[1] for r in info]
    keys = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])] or columns
    rows = {}
    for values in conn.execute(f"select * from [{table}]"):
        row = dict(zip(columns, values))
        rows[tuple(row[k] for k in keys)] = row
    return columns, rows


def record_id(key):
    return "|".join(str(part) for part in key)


def differs(old, new):
    return old != new or type(old) is not type(new)  # 2 and 2.0 are different cells


def compare(old_db, new_db):
    """Rows added, removed and changed (column, old, new) from old_db to new_db, table by table."""
    old, new = read_only(old_db), read_only(new_db)
    try:
        old_tables, new_tables = compared_tables(old), compared_tables(new)
        changes = {"added": [], "removed": [], "changed": []}
        for table in new_tables + [t for t in old_tables if t not in new_tables]:
            old_columns, old_rows = read_table(old, table) if table in old_tables else ([], {})
            new_columns, new_rows = read_table(new, table) if table in new_tables else ([], {})
            for key, row in new_rows.items():
                if key not in old_rows:
                    changes["added"].append({"table": table, "记录_id": record_id(key), "row": row})
            for key, row in old_rows.items():
                if key not in new_rows:
                    changes["removed"].append({"table": table, "记录_id": record_id(key), "row": row})
            shared = [c for c in new_columns if c in old_columns]
            for key in (k for k in new_rows if k in old_rows):
                for column in shared:
                    before, after = old_rows[key][column], new_rows[key][column]
                    if differs(before, after):
                        changes["changed"].append({"table": table, "记录_id": record_id(key), "column": column,
                                                   "old": before, "new": after})
        schema = {"tables_added": [t for t in new_tables if t not in old_tables],
                  "tables_removed": [t for t in old_tables if t not in new_tables]}
        return changes, schema, new_tables
    finally:
        old.close()
        new.close()


def summary(changes):
    counts = {}
    for kind, entries in changes.items():
        for entry in entries:
            table = counts.setdefault(entry["table"], {"added": 0, "removed": 0, "changed_rows": 0, "changed_cells": 0})
            if kind == "changed":
                table["changed_cells"] += 1
            else:
                table[kind] += 1
    for table, rows in counts.items():
        rows["changed_rows"] = len({e["记录_id"] for e in changes["changed"] if e["table"] == table})
    return counts


def make_log(version, previous, previous_budget_db, new_budget_db, released_at):
    """CHANGELOG.json's content. previous (a version) and previous_budget_db are None for a first release."""
    log = {"version": version, "previous": previous, "released_at": released_at.isoformat("T", "seconds"),
           "first_release": previous is None, "not_compared": not_compared(), "compared_tables": [], "schema": {},
           "summary": {}, "added": [], "removed": [], "changed": []}
    if previous_budget_db is not None:
        changes, log["schema"], log["compared_tables"] = compare(previous_budget_db, new_budget_db)
        log.update(changes)
        log["summary"] = summary(changes)
    return log


def cell_text(value):
    """A cell as text for the changelog table; floats print without noise (repr is the shortest exact form)."""
    if value is None:
        return None
    return repr(value) if isinstance(value, float) else str(value)


def log_rows(log):
    """The changelog table's rows for this release: corrections first, then removed and added rows."""
    entries = []
    for kind in ("changed", "removed", "added"):
        for entry in log[kind]:
            old = json.dumps(entry["row"], ensure_ascii=False) if kind == "removed" else cell_text(entry.get("old"))
            entries.append([entry["table"], entry["记录_id"], CHANGE_KINDS[kind], entry.get("column"), old,
                            cell_text(entry.get("new"))])
    return [[f"{log['version']}-{n:05d}", log["version"], *entry] for n, entry in enumerate(entries, 1)]


def write_changes_db(path, log, previous_changes_db=None):
    """changes.db: the releases and changelog tables, the previous release's history first."""
    conn = sqlite3.connect(f"file:{path}", uri=True)  # uri: so the previous release attaches read-only
    try:
        conn.execute("pragma journal_mode = off")  # a new file, renamed into place with the release
        for statement in SCHEMA:
            conn.execute(statement)
        if previous_changes_db is not None:
            conn.execute("attach database ? as previous", [f"file:{previous_changes_db}?mode=ro"])
            conn.execute("insert into releases select * from previous.releases")
            conn.execute("insert into changelog select * from previous.changelog")
            conn.commit()
            conn.execute("detach database previous")
        totals = {kind: sum(t[kind] for t in log["summary"].values()) for kind in ("added", "removed", "changed_rows")}
        number = conn.execute("select coalesce(max(序号), 0) + 1 from releases").fetchone()[0]
        conn.execute("insert into releases values (?, ?, ?, ?, ?, ?, ?)",
                     [number, log["version"], log["previous"], log["released_at"],
                      totals["added"], totals["removed"], totals["changed_rows"]])
        conn.executemany("insert into changelog values (?, ?, ?, ?, ?, ?, ?, ?)", log_rows(log))
        conn.commit()
    finally:
        conn.close()


def markdown(log):
    """更正记录.md: the human-readable change log."""
    lines = [f"# 更正记录 Change log — {log['version']}", ""]
    if log["previous"] is None:
        lines += ["首次发布，没有可比较的上一版本。 First release: there is no earlier release to compare with.", ""]
        return "\n".join(lines)
    lines += [f"与上一版本 {log['previous']} 相比（发布时间 {log['released_at']}）。",
              f"Compared with the previous release {log['previous']} (released {log['released_at']}).", "",
              "| 表 table | 新增 added | 删除 removed | 更正的行 rows changed | 更正的单元格 cells changed |",
              "| --- | ---: | ---: | ---: | ---: |"]
    for table, counts in log["summary"].items():
        lines.append(f"| {table} | {counts['added']} | {counts['removed']} | {counts['changed_rows']} | "
                     f"{counts['changed_cells']} |")
    if not log["summary"]:
        lines.append("| （无变化 no changes） | 0 | 0 | 0 | 0 |")
    lines += ["", "## 更正 Changed cells", ""]
    lines += [f"- {e['table']} `{e['记录_id']}` {e['column']}：{json.dumps(e['old'], ensure_ascii=False)} → "
              f"{json.dumps(e['new'], ensure_ascii=False)}" for e in log["changed"]] or ["（无 none）"]
    lines += ["", "## 删除 Removed rows（原值照录 values as they were）", ""]
    lines += [f"- {e['table']} `{e['记录_id']}`：{json.dumps(e['row'], ensure_ascii=False)}"
              for e in log["removed"]] or ["（无 none）"]
    lines += ["", "## 新增 Added rows", ""]
    lines += [f"- {e['table']} `{e['记录_id']}`" for e in log["added"]] or ["（无 none）"]
    lines += ["", "未比较的表 Not compared: " + "；".join(f"{t}（{why}）" for t, why in log["not_compared"].items()), ""]
    return "\n".join(lines)
