"""Deploy targets: where a release goes, chosen by PUBLISH_TARGET.

    cloudrun   gcloud run deploy $CLOUDRUN_SERVICE --source dist/<version> (Cloud Build builds the release's own
               Dockerfile); needs a logged-in gcloud. Optional: CLOUDRUN_REGION, CLOUDRUN_MAX_INSTANCES (10).
    docker     docker build -t $IMAGE:<version> dist/<version> and docker push; needs a running Docker.

Both deploy the release folder exactly as it is, after checking it against its SHA256SUMS (integrity.py): the
image build checks it again. A target that cannot work is refused before anything is built or uploaded.
"""
import shlex
import shutil
import subprocess

from .integrity import verify
from .refusal import Refusal

TARGETS = ("cloudrun", "docker")
DEFAULT_MAX_INSTANCES = "10"


class DeployFailed(Refusal):
    """A deploy command failed: the release exists and is intact, the site is as it was."""


def check_target(env):
    """The target, or None when PUBLISH_TARGET is unset; refuses one that cannot work here."""
    target = env.get("PUBLISH_TARGET", "").strip()
    if not target:
        return None
    if target not in TARGETS:
        raise Refusal(f"未知的 PUBLISH_TARGET“{target}”。请设为 cloudrun 或 docker，或不设（只生成发布包）。",
                      f"Unknown PUBLISH_TARGET '{target}'. Use cloudrun or docker, or leave it unset.")
    if target == "docker":
        if not env.get("IMAGE"):
            raise Refusal("PUBLISH_TARGET=docker 需要 IMAGE，例如 IMAGE=registry.example.com/budget。",
                          "PUBLISH_TARGET=docker needs IMAGE, e.g. IMAGE=registry.example.com/budget.")
        if not succeeds(["docker", "info"], env):
            raise Refusal("找不到正在运行的 Docker（docker info 失败）。请安装并启动 Docker 后重试。",
                          "No running Docker found (`docker info` failed). Install and start Docker, then try again.")
    if target == "cloudrun":
        if not env.get("CLOUDRUN_SERVICE"):
            raise Refusal("PUBLISH_TARGET=cloudrun 需要 CLOUDRUN_SERVICE（Cloud Run 服务名）。",
                          "PUBLISH_TARGET=cloudrun needs CLOUDRUN_SERVICE (the Cloud Run service name).")
        if not succeeds(["gcloud", "auth", "list", "--filter=status:ACTIVE", "--format=value(account)"], env,
                        needs_output=True):
            raise Refusal("gcloud 未安装或未登录。请安装 Google Cloud SDK 并运行 gcloud auth login 后重试。",
                          "gcloud is missing or not logged in. Install the Google Cloud SDK, run `gcloud auth login`, "
                          "then try again.")
    return target


def succeeds(command, env, needs_output=False):
    if shutil.which(command[0], path=env.get("PATH")) is None:
        return False
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and (result.stdout.strip() or not needs_output)


def commands(target, release, env):
    """The commands that deploy release (a folder dist/<version>) to target."""
    version = release.name
    if target == "docker":
        image = f"{env['IMAGE']}:{version}"
        return [["docker", "build", "--tag", image, str(release)], ["docker", "push", image]]
    command = ["gcloud", "run", "deploy", env["CLOUDRUN_SERVICE"], "--source", str(release), "--quiet",
               "--allow-unauthenticated", "--max-instances", env.get("CLOUDRUN_MAX_INSTANCES", DEFAULT_MAX_INSTANCES)]
    if env.get("CLOUDRUN_REGION"):
        command += ["--region", env["CLOUDRUN_REGION"]]
    return [command]


def deploy(target, release, env):
    verify(release)
    for command in commands(target, release, env):
        print("$ " + shlex.join(command), flush=True)
        try:
            code = subprocess.run(command, env=env).returncode
        except OSError as error:
            code = error
        if code != 0:
            raise DeployFailed(f"部署失败：{command[0]} {command[1]} 出错（{code}），见上面的输出。网站仍是原来的版本；"
                          f"问题解决后运行 make deploy RELEASE={release.parent.name}/{release.name} 重新部署。",
                          f"Deploy failed at `{command[0]} {command[1]}` ({code}; see above). The site is unchanged; "
                          f"once fixed, run make deploy RELEASE={release.parent.name}/{release.name}.")
