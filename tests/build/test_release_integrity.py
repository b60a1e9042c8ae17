"""A release is deployed only as it was made: `make deploy RELEASE=dist/<version>` (and the check the release's
Dockerfile runs inside the image) refuse a release folder that is not exactly what its SHA256SUMS lists, before
anything is deployed. And the exact commands each deploy target runs, with stand-ins for docker and gcloud on PATH
that record their arguments (this machine has neither a Docker daemon nor a Cloud Run account).
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

from release_helpers import (MAKE, assert_refused, clean_env, release_names, run_publish,
                             set_fund_amount, tree_sums)

MAKE_PROGRAM = shutil.which("make")  # by its full path: some tests run with a PATH that holds only the stand-ins
FAKE_TOOL = """#!{python}
import json, os, sys
name, args = os.path.basename(sys.argv[0]), sys.argv[1:]
with open(os.environ["FAKE_RECORD"], "a", encoding="utf-8") as record:
    record.write(json.dumps([name, *args]) + "\\n")
if name == "docker" and args[:1] == ["info"]:
    sys.exit(int(os.environ.get("FAKE_DOCKER_INFO", "0")))
if name == "docker" and args[:1] == ["push"]:
    sys.exit(int(os.environ.get("FAKE_DOCKER_PUSH", "0")))
if name == "gcloud" and args[:2] == ["auth", "list"]:
    print(os.environ.get("FAKE_GCLOUD_ACCOUNT", ""))
"""


@pytest.fixture(scope="module")
def repo(released_repo):
    return released_repo


@pytest.fixture
def tools(tmp_path):
    """A folder with stand-in docker and gcloud, an empty one, and the file they record their calls in."""
    fake, empty = tmp_path / "bin", tmp_path / "empty-bin"
    fake.mkdir()
    empty.mkdir()
    for name in ("docker", "gcloud"):
        (fake / name).write_text(FAKE_TOOL.format(python=sys.executable), encoding="utf-8")
        (fake / name).chmod(0o755)
    record = tmp_path / "calls.jsonl"

    def calls():
        if not record.exists():
            return []
        return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]

    return type("Tools", (), {"fake": fake, "empty": empty, "record": record, "calls": staticmethod(calls)})


def deploy(repo, tools, release, path=None, **env):
    command = [MAKE_PROGRAM, *MAKE[1:], "deploy", f"RELEASE={release}"]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=300, env=clean_env(
        PATH=str(path or tools.fake), FAKE_RECORD=str(tools.record), **env))


def tamper_extra_plugin(release):
    (release / "site" / "plugins" / "evil.py").write_text("# would run on the public site\n")


def tamper_missing(release):
    (release / "site" / "templates" / "base.html").unlink()


def tamper_changed(release):
    with open(release / "site" / "metadata.yml", "a", encoding="utf-8") as handle:
        handle.write("# edited after release\n")


def tamper_changed_database(release):
    data = bytearray((release / "site" / "budget.db").read_bytes())
    data[-100] ^= 1
    (release / "site" / "budget.db").write_bytes(bytes(data))


def tamper_empty_list(release):
    (release / "SHA256SUMS").write_text("")


def tamper_malformed_list(release):
    lines = (release / "SHA256SUMS").read_text().splitlines()
    (release / "SHA256SUMS").write_text("\n".join([lines[0].replace("  ", " ", 1)] + lines[1:]) + "\n")


def tamper_outside_path(release):
    with open(release / "SHA256SUMS", "a", encoding="utf-8") as handle:
        handle.write("0" * 64 + "  ../outside.py\n")


def tamper_no_list(release):
    (release / "SHA256SUMS").unlink()


def tamper_link(release):
    (release / "site" / "plugins" / "linked.py").symlink_to("/etc/hostname")


def tamper_empty_folder(release):
    (release / "site" / "plugins" / "extra").mkdir()


TAMPERING = {  # what is done to a copy of a release, and what the refusal must say
    "extra plugin": (tamper_extra_plugin, ["多出了 SHA256SUMS 中没有的文件", "site/plugins/evil.py",
                                            "holds files SHA256SUMS does not list"]),
    "missing file": (tamper_missing, ["缺少 SHA256SUMS 列出的文件：site/templates/base.html", "lacks files"]),
    "changed file": (tamper_changed, ["与 SHA256SUMS 不符（已被改动）：site/metadata.yml", "differ from SHA256SUMS"]),
    "changed database": (tamper_changed_database, ["与 SHA256SUMS 不符（已被改动）：site/budget.db"]),
    "empty SHA256SUMS": (tamper_empty_list, ["SHA256SUMS 是空的", "empty SHA256SUMS"]),
    "malformed SHA256SUMS": (tamper_malformed_list, ["SHA256SUMS 第1行格式不对", "malformed SHA256SUMS, line 1"]),
    "path outside the release": (tamper_outside_path, ["格式不对", "../outside.py"]),
    "no SHA256SUMS": (tamper_no_list, ["没有 SHA256SUMS", "has no SHA256SUMS"]),
    "a link": (tamper_link, ["含有链接或特殊文件：site/plugins/linked.py", "holds links"]),
    "an empty folder": (tamper_empty_folder, ["不含任何已列文件的文件夹：site/plugins/extra"]),
}


@pytest.mark.parametrize("case", TAMPERING)
def test_a_release_that_differs_from_its_sha256sums_is_never_deployed(repo, tools, case):
    tamper, fragments = TAMPERING[case]
    name = f"2000.01.01-{list(TAMPERING).index(case) + 1}"
    release = repo / "dist" / name
    shutil.copytree(repo / "dist" / release_names(repo)[-1], release, symlinks=True)
    try:
        tamper(release)
        result = deploy(repo, tools, f"dist/{name}", PUBLISH_TARGET="docker", IMAGE="registry.example/budget")
        assert_refused(result, *fragments, "不能部署", "not deploying", unchanged="The site is unchanged")
        assert tools.calls() == []  # refused before docker was even asked whether it runs
        # The image build runs the same check with the release's own copy of it (the Dockerfile's RUN line).
        in_image = subprocess.run([sys.executable, "-m", "release.integrity", "."], cwd=release, capture_output=True,
                                  text=True, env=clean_env(PYTHONDONTWRITEBYTECODE="1"))
        assert in_image.returncode == 1 and "Traceback" not in in_image.stderr, in_image.stderr
        assert fragments[0] in in_image.stderr
    finally:
        shutil.rmtree(release)


def test_the_check_in_the_image_passes_an_untouched_release_and_writes_nothing(repo):
    release = repo / "dist" / release_names(repo)[-1]
    before = tree_sums(release)
    result = subprocess.run([sys.executable, "-m", "release.integrity", "."], cwd=release, capture_output=True,
                            text=True, env=clean_env(PYTHONDONTWRITEBYTECODE="1"))
    assert result.returncode == 0, result.stderr
    assert tree_sums(release) == before  # no __pycache__: the image sets PYTHONDONTWRITEBYTECODE, like here
    instructions = [line for line in (release / "Dockerfile").read_text(encoding="utf-8").splitlines()
                    if line and not line.startswith("#")]
    # Right after the files are copied in, before the image can be used.
    assert instructions.index("RUN python -m release.integrity .") == instructions.index("COPY . ./") + 1


def test_docker_deploy_builds_and_pushes_the_release_folder(repo, tools):
    name = release_names(repo)[-1]
    release = (repo / "dist" / name).resolve()
    before = tree_sums(release)
    result = deploy(repo, tools, f"dist/{name}", PUBLISH_TARGET="docker", IMAGE="registry.example/budget")
    assert result.returncode == 0, result.stdout + result.stderr
    assert tools.calls() == [["docker", "info"],
                             ["docker", "build", "--tag", f"registry.example/budget:{name}", str(release)],
                             ["docker", "push", f"registry.example/budget:{name}"]]
    assert f"已部署 deployed: dist/{name}/" in result.stdout
    assert tree_sums(release) == before


def test_cloudrun_deploy_uploads_the_release_folder_with_its_dockerfile(repo, tools):
    name = release_names(repo)[-1]
    release = (repo / "dist" / name).resolve()
    result = deploy(repo, tools, f"dist/{name}", PUBLISH_TARGET="cloudrun", CLOUDRUN_SERVICE="budget-site",
                    CLOUDRUN_REGION="asia-east2", FAKE_GCLOUD_ACCOUNT="staff@example.org")
    assert result.returncode == 0, result.stdout + result.stderr
    assert tools.calls() == [
        ["gcloud", "auth", "list", "--filter=status:ACTIVE", "--format=value(account)"],
        ["gcloud", "run", "deploy", "budget-site", "--source", str(release), "--quiet", "--allow-unauthenticated",
         "--max-instances", "10", "--region", "asia-east2"]]
    assert (release / "Dockerfile").is_file() and (release / ".gcloudignore").is_file()  # what Cloud Build uses


REFUSALS = {
    "docker missing": ({"PUBLISH_TARGET": "docker", "IMAGE": "registry.example/budget"}, "empty",
                       "找不到正在运行的 Docker"),
    "docker not running": ({"PUBLISH_TARGET": "docker", "IMAGE": "registry.example/budget", "FAKE_DOCKER_INFO": "1"},
                           "fake", "找不到正在运行的 Docker"),
    "no image name": ({"PUBLISH_TARGET": "docker"}, "fake", "PUBLISH_TARGET=docker 需要 IMAGE"),
    "gcloud missing": ({"PUBLISH_TARGET": "cloudrun", "CLOUDRUN_SERVICE": "budget-site"}, "empty",
                       "gcloud 未安装或未登录"),
    "gcloud logged out": ({"PUBLISH_TARGET": "cloudrun", "CLOUDRUN_SERVICE": "budget-site"}, "fake",
                          "gcloud 未安装或未登录"),
    "no service name": ({"PUBLISH_TARGET": "cloudrun"}, "fake", "PUBLISH_TARGET=cloudrun 需要 CLOUDRUN_SERVICE"),
    "no target": ({}, "fake", "请设置 PUBLISH_TARGET"),
    "unknown target": ({"PUBLISH_TARGET": "heroku"}, "fake", "未知的 PUBLISH_TARGET“heroku”"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_target_that_cannot_work_is_refused_before_anything_is_deployed(repo, tools, case):
    env, path, message = REFUSALS[case]
    result = deploy(repo, tools, f"dist/{release_names(repo)[-1]}", path=getattr(tools, path), **env)
    assert_refused(result, message, unchanged="The site is unchanged")
    assert [call for call in tools.calls() if call[1] in ("build", "push", "run")] == []


@pytest.mark.parametrize("name", ["", "data", "dist/2999.01.01-1", "dist/../dist"])
def test_deploy_needs_an_existing_release(repo, tools, name):
    result = deploy(repo, tools, name, PUBLISH_TARGET="docker", IMAGE="registry.example/budget")
    assert_refused(result, "不是 dist/ 中的发布包", "make deploy RELEASE=dist/", unchanged="The site is unchanged")
    assert tools.calls() == []


def test_a_failed_push_keeps_the_release_and_says_how_to_deploy_it_again(repo, tools):
    name = release_names(repo)[-1]
    before = tree_sums(repo / "dist")
    result = deploy(repo, tools, f"dist/{name}", PUBLISH_TARGET="docker", IMAGE="registry.example/budget",
                    FAKE_DOCKER_PUSH="1")
    assert_refused(result, "部署失败", f"make deploy RELEASE=dist/{name}", unchanged=None)
    assert tree_sums(repo / "dist") == before


def test_publish_with_a_target_deploys_the_release_it_made(repo, tools):
    set_fund_amount(repo, 5, "2", "2.5")
    try:
        result = run_publish(repo, PATH=f"{tools.fake}:{os.environ['PATH']}", FAKE_RECORD=str(tools.record),
                             PUBLISH_TARGET="docker", IMAGE="registry.example/budget")
    finally:
        set_fund_amount(repo, 5, "2.5", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    name = release_names(repo)[-1]
    assert [call[:3] for call in tools.calls()] == [["docker", "info"], ["docker", "build", "--tag"],
                                                    ["docker", "push", f"registry.example/budget:{name}"]]
    assert tools.calls()[1][3:] == [f"registry.example/budget:{name}", str((repo / "dist" / name).resolve())]
