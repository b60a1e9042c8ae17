"""`make publish`: check data/ → build into a new folder → run the tests against that build → assemble the
release dist/<version>/ → deploy it if PUBLISH_TARGET is set.

    python publish.py                               (what `make publish` runs)
    python publish.py --deploy dist/<version>       (deploy an existing release, after checking SHA256SUMS)

Environment:
  PUBLISH_TARGET     unset: stop after the bundle and print how to deploy it.
                     cloudrun: `datasette publish cloudrun` (needs CLOUDRUN_SERVICE and a logged-in gcloud).
                     docker: `docker build` and `docker push` of the bundle's own Dockerfile (needs IMAGE).
  PUBLISH_TEST_ARGS  pytest arguments for the test step. Default: the whole suite except the tests of publishing
                     and of the input checks themselves (they work on their own copies, not on this build).

A release is assembled in dist/.staging-*/ and renamed into place only when complete, and an existing release is
never written to: any failure removes the staging folder, so dist/ and the running site stay exactly as they were.
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import traceback
from pathlib import Path

import build_db
import datapackage_export

ROOT = Path(__file__).resolve().parent
DATA = "data"  # relative to ROOT, so problems name files the way staff see them: data/2019/...
DIST = ROOT / "dist"
RELEASE_NAME = re.compile(r"^\d{4}\.\d{2}\.\d{2}-\d+$")  # 2026.11.28-1: the day (China time), then a counter
CHINA_TIME = datetime.timezone(datetime.timedelta(hours=8))
# Packages the bundle serves with but the development server must not load (hashed URLs redirect /budget/...).
BUNDLE_ONLY_REQUIREMENTS = ROOT / "deploy" / "requirements-bundle.txt"
DOCKERFILE_TEMPLATE = ROOT / "deploy" / "Dockerfile.template"
PORT_PLACEHOLDER = "PUBLISH_PORT"
DEFAULT_TEST_ARGS = ["tests", "--ignore=tests/test_publish.py", "--ignore=tests/test_bad_inputs.py"]

# Tables of budget.db the change log does not compare, and why (written into CHANGELOG.json).
NOT_COMPARED = {
    "changelog": "the change log itself / 更正记录本身",
    "releases": "the list of releases / 发布记录本身",
    "search_index": "rebuilt from the other tables; its row numbers shift when rows are added / 由其他表生成的搜索索引",
}
CHANGE_KINDS = {"added": "新增", "removed": "删除", "changed": "更正"}


class PublishError(Exception):
    """A step failed; zh and en say what happened and what to do."""

    def __init__(self, zh, en):
        super().__init__(en)
        self.zh, self.en = zh, en


# ---------------------------------------------------------------------------
# Versions: dist/<yyyy.mm.dd-n>/, never reused
# ---------------------------------------------------------------------------


def release_order(name):
    return tuple(int(part) for part in re.findall(r"\d+", name))


def releases(dist):
    if not dist.is_dir():
        return []
    return sorted((p.name for p in dist.iterdir() if p.is_dir() and RELEASE_NAME.match(p.name)), key=release_order)


def next_version(dist, now):
    day = now.astimezone(CHINA_TIME).strftime("%Y.%m.%d")
    taken = [release_order(name)[-1] for name in releases(dist) if name.startswith(day + "-")]
    return f"{day}-{max(taken, default=0) + 1}"


# ---------------------------------------------------------------------------
# Change log: every table of budget.db against the previous release, by primary key
# ---------------------------------------------------------------------------


def compared_tables(conn):
    """Ordinary tables in creation order, without SQLite's own, full-text index tables and NOT_COMPARED."""
    rows = conn.execute("select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' "
                        "order by rowid").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    return [name for name, _ in rows if name not in NOT_COMPARED and name not in virtual
            and not any(name.startswith(v + "_") for v in virtual)]


def read_table(conn, table):
    """(primary key columns, columns, {key tuple: row dict}). A table without a primary key is keyed by whole rows."""
    info = conn.execute(f"pragma table_info([{table}])").fetchall()
    columns = [r[1] for r in info]
    keys = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])] or columns
    cursor = conn.execute(f"select * from [{table}]")
    rows = {}
    for values in cursor:
        row = dict(zip(columns, values))
        rows[tuple(row[k] for k in keys)] = row
    return keys, columns, rows


def record_id(key):
    return "|".join(str(part) for part in key)


def differs(old, new):
    return old != new or type(old) is not type(new)  # 2 and 2.0 are different cells


def compare(old_db, new_db):
    """Rows added, removed and changed (column, old, new) from old_db to new_db, table by table."""
    old, new = sqlite3.connect(f"file:{old_db}?mode=ro", uri=True), sqlite3.connect(f"file:{new_db}?mode=ro", uri=True)
    try:
        old_tables, new_tables = compared_tables(old), compared_tables(new)
        changes = {"added": [], "removed": [], "changed": []}
        for table in new_tables + [t for t in old_tables if t not in new_tables]:
            _, old_columns, old_rows = read_table(old, table) if table in old_tables else ([], [], {})
            _, new_columns, new_rows = read_table(new, table) if table in new_tables else ([], [], {})
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
        schema = {
            "tables_added": [t for t in new_tables if t not in old_tables],
            "tables_removed": [t for t in old_tables if t not in new_tables],
        }
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


def cell_text(value):
    """A cell as text for the changelog table; floats print without noise (repr is the shortest exact form)."""
    if value is None:
        return None
    return repr(value) if isinstance(value, float) else str(value)


def write_changelog_tables(db_path, log, previous_db):
    """releases and changelog tables in db_path: the previous release's history plus this release's changes."""
    conn = sqlite3.connect(f"file:{db_path}", uri=True)  # uri: so the previous release attaches read-only
    try:
        conn.execute("create table releases (序号 integer primary key, 版本 text not null, 上一版本 text, "
                     "发布时间 text not null, 新增 integer not null, 删除 integer not null, 更正 integer not null)")
        conn.execute("create table changelog (id text primary key, 版本 text not null, 表 text not null, "
                     "记录_id text not null, 变更 text not null, 列 text, 原值 text, 新值 text)")
        conn.execute("create index changelog_版本 on changelog (版本)")
        if previous_db is not None:
            conn.execute("attach database ? as previous", [f"file:{previous_db}?mode=ro"])
            names = {r[0] for r in conn.execute("select name from previous.sqlite_master where type = 'table'")}
            if {"releases", "changelog"} <= names:
                conn.execute("insert into releases select * from previous.releases")
                conn.execute("insert into changelog select * from previous.changelog")
            conn.commit()
            conn.execute("detach database previous")
        totals = {kind: sum(t[kind] for t in log["summary"].values()) for kind in ("added", "removed", "changed_rows")}
        number = conn.execute("select coalesce(max(序号), 0) + 1 from releases").fetchone()[0]
        conn.execute("insert into releases values (?, ?, ?, ?, ?, ?, ?)",
                     [number, log["version"], log["previous"], log["released_at"],
                      totals["added"], totals["removed"], totals["changed_rows"]])
        entries = []
        for kind in ("changed", "removed", "added"):
            for entry in log[kind]:
                old = json.dumps(entry["row"], ensure_ascii=False) if kind == "removed" else cell_text(entry.get("old"))
                entries.append([entry["table"], entry["记录_id"], CHANGE_KINDS[kind], entry.get("column"), old,
                                cell_text(entry.get("new"))])
        conn.executemany("insert into changelog values (?, ?, ?, ?, ?, ?, ?, ?)",
                         [[f"{log['version']}-{n:05d}", log["version"], *entry] for n, entry in enumerate(entries, 1)])
        conn.commit()
    finally:
        conn.close()


def changelog_markdown(log):
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


def make_changelog(version, previous, staging, now):
    """CHANGELOG.json's content; also writes the releases and changelog tables into the new budget.db."""
    log = {"version": version, "previous": previous, "released_at": now.astimezone(CHINA_TIME).isoformat("T", "seconds"),
           "first_release": previous is None, "not_compared": NOT_COMPARED, "compared_tables": [], "schema": {},
           "summary": {}, "added": [], "removed": [], "changed": []}
    previous_db = DIST / previous / "budget.db" if previous else None
    if previous_db is not None:
        if not previous_db.is_file():
            raise PublishError(f"上一版本 dist/{previous}/ 中没有 budget.db，无法比较。请检查该文件夹是否完整。",
                               f"The previous release dist/{previous}/ has no budget.db to compare with. Check it.")
        changes, log["schema"], log["compared_tables"] = compare(previous_db, staging / "budget.db")
        log.update(changes)
        log["summary"] = summary(changes)
    write_changelog_tables(staging / "budget.db", log, previous_db)
    return log


def refresh_downloads(staging):
    """The build wrote downloads/ (a CSV per table and datapackage.json) before the change log tables existed:
    write it again so that the downloads match the released budget.db table for table."""
    if not (staging / "downloads").is_dir():
        return
    fresh = staging / ".downloads.new"
    datapackage_export.write_datapackage(staging / "budget.db", fresh)
    shutil.rmtree(staging / "downloads")
    fresh.rename(staging / "downloads")


# ---------------------------------------------------------------------------
# Serving: the same arguments as `make serve`, relative to the bundle
# ---------------------------------------------------------------------------


def serve_args():
    """`make serve`'s datasette arguments for a bundle: databases in the current folder, every interface, $PORT."""
    result = subprocess.run(["make", "-s", "--no-print-directory", "serve-args", "DB_DIR=.", "HOST=0.0.0.0",
                             f"PORT={PORT_PLACEHOLDER}"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise PublishError("无法从 Makefile 读取网站的启动参数（make serve-args）。",
                           "Could not read the serve arguments from the Makefile (make serve-args).\n" + result.stderr)
    return shlex.split(result.stdout)


def option_values(args, option):
    return [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == option]


def serve_command(args, version):
    """The Dockerfile's CMD (shell form, so Cloud Run's $PORT is used)."""
    args = args + ["--inspect-file", "inspect-data.json", "--version-note", version]
    return "exec datasette serve " + " ".join('"$PORT"' if a == PORT_PLACEHOLDER else shlex.quote(a) for a in args)


def cloudrun_options(args):
    """`datasette publish cloudrun` arguments equivalent to the serve arguments (it writes its own Dockerfile):
    (database files, options it takes itself, everything else for --extra-options)."""
    files, options, extra = [], [], []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in ("--immutable", "-i"):
            files.append(rest.pop(0))
        elif arg in ("--metadata", "--template-dir", "--plugins-dir", "--static"):
            options += [arg, rest.pop(0)]
        elif arg in ("--host", "--port", "--inspect-file", "--version-note"):
            rest.pop(0)  # Cloud Run decides host and port; datasette publish writes the other two itself
        elif arg == "--setting":
            extra += [arg, rest.pop(0), rest.pop(0)]
        else:
            extra.append(arg)
    return files, options, extra


# ---------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------


def check_deploy_target(env):
    """Fail before building anything if the deploy target cannot work. Returns the target or None."""
    target = env.get("PUBLISH_TARGET", "").strip()
    if not target:
        return None
    if target not in ("cloudrun", "docker"):
        raise PublishError(f"未知的 PUBLISH_TARGET“{target}”。请设为 cloudrun 或 docker，或不设（只生成发布包）。",
                           f"Unknown PUBLISH_TARGET '{target}'. Use cloudrun or docker, or leave it unset.")
    if target == "docker":
        if not env.get("IMAGE"):
            raise PublishError("PUBLISH_TARGET=docker 需要 IMAGE，例如 IMAGE=registry.example.com/budget。",
                               "PUBLISH_TARGET=docker needs IMAGE, e.g. IMAGE=registry.example.com/budget.")
        if shutil.which("docker") is None or subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
            raise PublishError("找不到正在运行的 Docker。请启动 Docker 后重试。",
                               "No running Docker found (`docker info` failed). Start Docker and try again.")
    if target == "cloudrun":
        if not env.get("CLOUDRUN_SERVICE"):
            raise PublishError("PUBLISH_TARGET=cloudrun 需要 CLOUDRUN_SERVICE（Cloud Run 服务名）。",
                               "PUBLISH_TARGET=cloudrun needs CLOUDRUN_SERVICE (the Cloud Run service name).")
        account = subprocess.run(["gcloud", "auth", "list", "--filter=status:ACTIVE", "--format=value(account)"],
                                 capture_output=True, text=True) if shutil.which("gcloud") else None
        if account is None or account.returncode != 0 or not account.stdout.strip():
            raise PublishError("gcloud 未安装或未登录。请先运行 gcloud auth login。",
                               "gcloud is missing or not logged in. Run `gcloud auth login` first.")
    return target


def run_tests(staging, env):
    """The test suite against the build about to be released (tests/conftest.py honours BUDGET_DB_DIR)."""
    args = shlex.split(env.get("PUBLISH_TEST_ARGS", "")) or DEFAULT_TEST_ARGS
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=ROOT,
                            env=dict(env, BUDGET_DB_DIR=str(staging)))
    if result.returncode != 0:
        raise PublishError(f"测试未通过（pytest 退出码 {result.returncode}），见上面的输出。",
                           f"The tests did not pass (pytest exit code {result.returncode}); see the output above.")


def copy_into(staging, relative):
    source, target = ROOT / relative, staging / relative
    if target.exists():
        return  # written by the build (budget.db, filings.db, downloads/)
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    elif source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    else:
        raise PublishError(f"网站需要的 {relative} 不存在。", f"{relative}, which the site is served with, does not exist.")


def bundle_requirements():
    pinned = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    extra = BUNDLE_ONLY_REQUIREMENTS.read_text(encoding="utf-8")
    return ("# The project's requirements.txt (what the tests ran with) plus deploy/requirements-bundle.txt.\n"
            + pinned + extra)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(folder):
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{sha256(p)}  {p.relative_to(folder).as_posix()}" for p in files]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def assemble(staging, version, args, log):
    """Everything a server needs, next to the databases the build wrote into staging."""
    for option in ("--metadata", "--template-dir", "--plugins-dir"):
        for value in option_values(args, option):
            copy_into(staging, value)
    for mount in option_values(args, "--static"):
        copy_into(staging, mount.split(":", 1)[1])
    copy_into(staging, "settings.json")
    (staging / "requirements.txt").write_text(bundle_requirements(), encoding="utf-8")
    inspect = subprocess.run([str(Path(sys.executable).parent / "datasette"), "inspect",
                              *option_values(args, "--immutable"), "--inspect-file", "inspect-data.json"],
                             cwd=staging, capture_output=True, text=True)
    if inspect.returncode != 0:
        raise PublishError("datasette inspect 失败。", "datasette inspect failed.\n" + inspect.stderr)
    dockerfile = DOCKERFILE_TEMPLATE.read_text(encoding="utf-8").format(
        version=version, python=f"{sys.version_info.major}.{sys.version_info.minor}",
        serve_command=serve_command(args, version))
    (staging / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    (staging / "CHANGELOG.json").write_text(json.dumps(log, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (staging / "更正记录.md").write_text(changelog_markdown(log), encoding="utf-8")
    write_checksums(staging)


def bundle_serve_args(release):
    """The serve arguments of a release, read back from its Dockerfile's CMD."""
    command = next(line for line in (release / "Dockerfile").read_text(encoding="utf-8").splitlines()
                   if line.startswith("CMD "))
    return shlex.split(command)[4:]  # after CMD exec datasette serve


def verify_checksums(release):
    for line in (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        if not (release / name).is_file() or sha256(release / name) != digest:
            raise PublishError(f"{release.name}/{name} 与 SHA256SUMS 不符，发布包已被改动，不能部署。",
                               f"{release.name}/{name} does not match SHA256SUMS; the bundle was changed. Not deploying.")


def deploy(target, release, env):
    version, args = release.name, bundle_serve_args(release)
    if target == "docker":
        image = f"{env['IMAGE']}:{version}"
        commands = [["docker", "build", "-t", image, str(release)], ["docker", "push", image]]
    else:
        files, options, extra = cloudrun_options(args)
        pins = [line for line in (release / "requirements.txt").read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#")]
        commands = [[str(Path(sys.executable).parent / "datasette"), "publish", "cloudrun", *files,
                     "--service", env["CLOUDRUN_SERVICE"], *options,
                     *[part for pin in pins for part in ("--install", pin)],
                     "--version-note", version, "--extra-options", " ".join(extra),
                     "--max-instances", env.get("CLOUDRUN_MAX_INSTANCES", "10")]]
    for command in commands:
        print("$ " + " ".join(shlex.quote(part) for part in command), flush=True)
        if subprocess.run(command, cwd=release).returncode != 0:
            raise PublishError(f"部署失败：{command[0]} {command[1]} 出错，见上面的输出。网站仍是原来的版本。",
                               f"Deploy failed at `{command[0]} {command[1]}` (see above). The site is unchanged.")


def how_to_deploy(release):
    relative = release.relative_to(ROOT)
    return f"""
发布包已生成：{relative}/（未部署：没有设置 PUBLISH_TARGET）。部署方法任选其一：
Release bundle ready: {relative}/ (not deployed: PUBLISH_TARGET is not set). To deploy it, either:
  PUBLISH_TARGET=cloudrun CLOUDRUN_SERVICE=<服务名 service> .venv/bin/python publish.py --deploy {relative}
  PUBLISH_TARGET=docker IMAGE=<registry/image> .venv/bin/python publish.py --deploy {relative}
  docker build -t budget:{release.name} {relative} && docker run -p 8080:8080 budget:{release.name}
或在任何服务器上 / or on any server:  cd {relative} && sha256sum -c SHA256SUMS && pip install -r requirements.txt,
然后运行 Dockerfile 最后一行 CMD 的命令 / then run the command on the Dockerfile's CMD line (PORT=8080)."""


def publish(env, now):
    target = check_deploy_target(env)
    previous = (releases(DIST) or [None])[-1]
    version = next_version(DIST, now)
    dist_existed = DIST.exists()
    staging = DIST / f".staging-{version}-{os.getpid()}"
    release = DIST / version
    try:
        print(f"1. 检查数据并生成数据库 check data/ and build → {staging.relative_to(ROOT)}/", flush=True)
        _, notices = build_db.build_database(DATA, staging)
        for notice in notices:
            print(f"   已规范化 normalised: {notice}")
        log = make_changelog(version, previous, staging, now)
        refresh_downloads(staging)
        totals = {k: len(log[k]) for k in ("added", "removed", "changed")}
        print(f"2. 更正记录 change log against {previous or '（首次发布 first release）'}: "
              f"新增 added {totals['added']} 行, 删除 removed {totals['removed']} 行, 更正 changed {totals['changed']} 格",
              flush=True)
        print("3. 用新数据库运行测试 run the tests against the new build", flush=True)
        run_tests(staging, env)
        print(f"4. 组装发布包 assemble {release.relative_to(ROOT)}/", flush=True)
        args = serve_args()
        assemble(staging, version, args, log)
        os.rename(staging, release)  # atomic; refuses to replace an existing (non-empty) release
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if not dist_existed and DIST.is_dir() and not any(DIST.iterdir()):
            DIST.rmdir()
        raise
    if target is None:
        print(how_to_deploy(release))
        return release
    print(f"5. 部署 deploy ({target})", flush=True)
    try:
        deploy(target, release, env)
    except BaseException:
        # An undeployed bundle must not become the "previous release" the next change log compares against.
        shutil.rmtree(release, ignore_errors=True)
        raise
    print(f"已发布并部署 published and deployed: {release.relative_to(ROOT)}/")
    return release


def deploy_release(name, env):
    """publish.py --deploy dist/<version>: deploy a release made earlier without PUBLISH_TARGET, unchanged."""
    release = (ROOT / name).resolve()
    if release.parent != DIST or not RELEASE_NAME.match(release.name) or not release.is_dir():
        raise PublishError(f"{name} 不是 dist/ 中的发布包。", f"{name} is not a release in dist/.")
    verify_checksums(release)
    target = check_deploy_target(env)
    if target is None:
        raise PublishError("请设置 PUBLISH_TARGET（cloudrun 或 docker）。", "Set PUBLISH_TARGET (cloudrun or docker).")
    deploy(target, release, env)
    print(f"已部署 deployed: {release.relative_to(ROOT)}/")


def fail(zh, en):
    print(f"发布失败：{zh}\n  Publishing failed: {en}\n"
          "dist/ 中已发布的版本和正在运行的网站都没有改动。 dist/ and the running site are unchanged.", file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Check, build, test and release data/ into dist/<version>/ (see README).")
    parser.add_argument("--deploy", metavar="RELEASE", help="deploy an existing release, e.g. dist/2026.11.28-1")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    try:
        if args.deploy:
            deploy_release(args.deploy, os.environ)
        else:
            publish(os.environ, datetime.datetime.now(CHINA_TIME))
    except build_db.InputErrors as errors:
        print(f"数据有 {len(errors.problems)} 处问题，未发布；dist/ 中已发布的版本和正在运行的网站都没有改动。", file=sys.stderr)
        print(f"The data has {len(errors.problems)} problem(s); nothing was published, and dist/ and the running site "
              "are unchanged.\n", file=sys.stderr)
        for number, problem in enumerate(errors.problems, 1):
            print(f"{number}. {problem}", file=sys.stderr)
        return 1
    except PublishError as error:
        fail(error.zh, error.en)
        return 1
    except OSError as error:  # disk full, permissions, a release folder that appeared meanwhile
        fail(f"文件操作出错：{error}", f"file system error: {error}")
        return 1
    except Exception as error:  # a bug, not bad input: say so, and keep the details for the developers
        fail(f"内部错误，请联系网站开发人员：{error!r}", f"internal error, please tell the developers: {error!r}")
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
