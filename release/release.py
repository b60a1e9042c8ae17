"""`make publish`: data/ → a tested, sealed release dist/<version>/ → deployed if PUBLISH_TARGET is set.

 1. check data/ and build the site folder into dist/.staging-<version>-<pid>/site/ (configuration copied)
 2. add what runs it (bundle.py); nothing differs from the previous release → say so, make no release
 3. the change log against the previous release → site/changes.db, CHANGELOG.json, 更正记录.md; seal (SHA256SUMS)
 4. every test tier that looks at the staged site (gate.py: all but tests/build)
 5. check the staged release against its SHA256SUMS (the tests left nothing in it), rename it to dist/<version>/
 6. deploy it (deploy.py), which checks SHA256SUMS again first

One publish at a time (a lock on dist/). A failure or a stop (Ctrl-C, SIGTERM) removes the staging folder, so
dist/ stays byte for byte as it was; what a kill -9 leaves is removed by the next publish. A release is never
written to once renamed into place.
"""
import datetime
import fcntl
import os
import re
import shutil
from pathlib import Path

from . import bundle, deploy, gate
from .changelog import make_log
from .integrity import IntegrityError, read_checksums, verify
from builder.interrupts import Terminated, uninterrupted
from .refusal import Refusal

ROOT = Path(__file__).resolve().parent.parent
DATA = "data"  # relative to ROOT, so problems name files the way staff see them: data/2019/...
DIST = ROOT / "dist"
RELEASE_NAME = re.compile(r"^\d{4}\.\d{2}\.\d{2}-\d+$")  # 2026.11.28-1: the day (China time), then a counter
STAGING = ".staging-"
CHINA_TIME = datetime.timezone(datetime.timedelta(hours=8))


def release_order(name):
    return tuple(int(part) for part in re.findall(r"\d+", name))


def releases(dist=DIST):
    if not dist.is_dir():
        return []
    return sorted((p.name for p in dist.iterdir() if p.is_dir() and RELEASE_NAME.match(p.name)), key=release_order)


def next_version(dist, now):
    day = now.astimezone(CHINA_TIME).strftime("%Y.%m.%d")
    taken = [release_order(name)[-1] for name in releases(dist) if name.startswith(day + "-")]
    return f"{day}-{max(taken, default=0) + 1}"


def lock(dist):
    """Hold dist/ for this publish (released when the process ends, however it ends)."""
    handle = os.open(dist, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        raise Refusal("另一个 make publish 正在运行。请等它结束后再发布。",
                      "Another make publish is running. Wait for it to finish, then publish again.") from None
    return handle


def clear_staging(dist):
    """Staging folders of earlier publishes that were killed outright: with the lock held, none is in use."""
    for leftover in dist.glob(STAGING + "*"):
        shutil.rmtree(leftover, ignore_errors=True)


def previous_release(dist):
    """(version, folder) of the newest release, checked against its SHA256SUMS, or (None, None)."""
    names = releases(dist)
    if not names:
        return None, None
    folder = dist / names[-1]
    try:
        verify(folder)  # the change log compares against it: it must be what was released
    except IntegrityError as error:
        raise Refusal("上一版本是更正记录比较的基准，但它与自己的 SHA256SUMS 不符：\n" + error.zh,
                      "The previous release, which the change log compares against, does not match its own "
                      "SHA256SUMS:\n" + error.en) from None
    if not (folder / "site" / "budget.db").is_file() or not (folder / bundle.CHANGES_DB).is_file():
        raise Refusal(f"上一版本 {folder.relative_to(dist.parent)}/ 中没有 site/budget.db 和 site/changes.db，无法比较。"
                      "它可能是旧格式的发布包：请把它移出 dist/ 后重新发布。",
                      f"The previous release {folder.relative_to(dist.parent)}/ has no site/budget.db and "
                      "site/changes.db to compare with (an older layout?): move it out of dist/, then publish again.")
    return names[-1], folder


def unchanged(staging, previous):
    """True if everything but the per-release files is identical to the previous release's."""
    listed = {name: digest for name, digest in read_checksums(previous).items() if name not in bundle.PER_RELEASE}
    return bundle.content(staging) == listed


def publish(env, now, say=print):
    """Make (and deploy, if PUBLISH_TARGET is set) a release; returns its folder, or None if nothing changed."""
    target = deploy.check_target(env)
    dist_existed = DIST.is_dir()
    DIST.mkdir(exist_ok=True)
    held = lock(DIST)
    staging = made = None
    try:
        clear_staging(DIST)
        previous, previous_folder = previous_release(DIST)
        version = next_version(DIST, now)
        staging = DIST / f"{STAGING}{version}-{os.getpid()}"
        staging.mkdir()
        say(f"1. 检查数据并生成网站文件夹 check data/ and build → {staging.relative_to(ROOT)}/site/")
        for notice in bundle.stage_site(staging / "site", DATA):
            say(f"   已规范化 normalised: {notice}")
        bundle.add_runtime(staging)
        if previous and unchanged(staging, previous_folder):
            say(f"与上一版本 {previous} 相比，数据（budget.db、filings.db）和网站配置都没有变化：未生成新版本。\n"
                f"Nothing changed since {previous} (databases, configuration, packages): no new release made.")
            return None
        log = make_log(version, previous, previous_folder and previous_folder / "site" / "budget.db",
                       staging / "site" / "budget.db", now.astimezone(CHINA_TIME))
        bundle.add_changelog(staging, log, previous_folder and previous_folder / bundle.CHANGES_DB)
        bundle.seal(staging)
        say(f"2. 更正记录 change log against {previous or '（首次发布 first release）'}: 新增 added {len(log['added'])} 行, "
            f"删除 removed {len(log['removed'])} 行, 更正 changed {len(log['changed'])} 格")
        say("3. 用待发布的网站文件夹运行测试（除 tests/build 外的各层） run the tests of the staged site (every tier but tests/build)")
        gate.run(staging / "site", ROOT)
        say(f"4. 核对并发布 check SHA256SUMS and release → dist/{version}/")
        try:
            verify(staging)
        except IntegrityError as error:
            raise Refusal("测试运行后，待发布的文件夹与 SHA256SUMS 不符（测试改动了它）：\n" + error.zh,
                          "After the tests, the staged release no longer matches its SHA256SUMS (a test changed "
                          "it):\n" + error.en) from None
        release = DIST / version
        with uninterrupted():
            os.rename(staging, release)  # atomic; refuses to replace an existing (non-empty) release
            staging, made = None, release
    except Terminated as stop:
        stop.released = made  # stopped just after the rename: the release is complete, and publish.py says so
        raise
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        os.close(held)
        if not dist_existed and not any(DIST.iterdir()):
            DIST.rmdir()
    try:
        if target is None:
            say(how_to_deploy(release))
            return release
        say(f"5. 部署 deploy ({target})")
        deploy.deploy(target, release, env)
        say(f"已发布并部署 published and deployed: dist/{version}/")
        return release
    except Terminated as stop:
        stop.released = release
        raise


def release_folder(name):
    """The folder of `make deploy RELEASE=dist/<version>`, refused unless it is a release in dist/."""
    release = (ROOT / name).resolve() if name else None
    if release is None or release.parent != DIST.resolve() or not RELEASE_NAME.match(release.name) \
            or not release.is_dir():
        raise Refusal(f"“{name or ''}”不是 dist/ 中的发布包。请写成 make deploy RELEASE=dist/<版本>，版本见 dist/："
                      f"{'、'.join(releases()) or '（还没有发布包）'}",
                      f"'{name or ''}' is not a release in dist/. Use make deploy RELEASE=dist/<version>; releases: "
                      f"{', '.join(releases()) or '(none yet)'}")
    return release


def deploy_release(name, env, say=print):
    """`make deploy RELEASE=dist/<version>`: an existing release, unchanged, after checking its SHA256SUMS."""
    release = release_folder(name)
    verify(release)
    target = deploy.check_target(env)
    if target is None:
        raise Refusal("请设置 PUBLISH_TARGET（cloudrun 或 docker），例如 make deploy PUBLISH_TARGET=docker IMAGE=… "
                      f"RELEASE=dist/{release.name}",
                      "Set PUBLISH_TARGET (cloudrun or docker), e.g. make deploy PUBLISH_TARGET=docker IMAGE=… "
                      f"RELEASE=dist/{release.name}")
    deploy.deploy(target, release, env)
    say(f"已部署 deployed: dist/{release.name}/")


def how_to_deploy(release):
    relative = release.relative_to(ROOT)
    return f"""
发布包已生成：{relative}/（未部署：没有设置 PUBLISH_TARGET）。部署方法任选其一：
Release ready: {relative}/ (not deployed: PUBLISH_TARGET is not set). To deploy it, either:
  make deploy RELEASE={relative} PUBLISH_TARGET=cloudrun CLOUDRUN_SERVICE=<服务名 service>
  make deploy RELEASE={relative} PUBLISH_TARGET=docker IMAGE=<registry/image>
  docker build -t budget:{release.name} {relative} && docker run -p 8080:8080 budget:{release.name}
或在任何服务器上 / or on any server:
  cd {relative} && python -m release.integrity . && pip install -r requirements.txt
  PYTHONPATH=. datasette serve site --port 8080     （Dockerfile 的 CMD 即此命令 the Dockerfile's CMD）"""
