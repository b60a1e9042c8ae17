"""scripts/system-packages on a pretend bare machine: a PATH of its own in which chromium, fc-list, wrk, apt-get
and `id` are small fakes, so nothing is installed or removed on the real machine."""
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

SCRIPT = ROOT / "scripts" / "system-packages"
# What make test needs, in the script's order: the browser and the CJK font, wrk (load tests), nginx (replicas
# behind a proxy), curl (the /api examples are run as shown), nodejs and npm (npm ci installs axe-core, the WCAG checker),
# LibreOffice Calc (the importer tests write old .xls workbooks with it).
TEST_PACKAGES = "chromium fontconfig fonts-wqy-microhei wrk nginx-light curl nodejs npm libreoffice-calc-nogui"
# What a fake apt-get "installs": the command each package brings (fonts-wqy-microhei: the font fc-list lists).
BRINGS = {"chromium": "chromium", "fontconfig": "fc-list", "wrk": "wrk", "nginx-light": "nginx", "sqlite3": "sqlite3",
          "curl": "curl", "nodejs": "node", "npm": "npm", "libreoffice-calc-nogui": "soffice"}


def fake(bin_dir, name, body):
    path = bin_dir / name
    path.write_text("#!/bin/bash\n" + body + "\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """bin/: the real tools the script and the fakes run (bash, grep, cp, dirname), a fake `id` answering
    $FAKE_UID and a fake apt-get that logs its arguments and copies the commands packages bring from pool/."""
    bin_dir, pool = tmp_path / "bin", tmp_path / "pool"
    bin_dir.mkdir()
    pool.mkdir()
    for tool in ("bash", "grep", "cp", "dirname"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    fake(bin_dir, "id", 'echo "$FAKE_UID"')
    for command in BRINGS.values():
        fake(pool, command, "")
    # Installed fontconfig lists the CJK font only once fonts-wqy-microhei is installed too.
    fake(pool, "fc-list", '[ -e "$(dirname "$0")/../font" ] && echo "wqy-microhei.ttc: WenQuanYi Micro Hei"; true')
    cases = "\n".join(f'  {package}) cp "$here/../pool/{command}" "$here/";;' for package, command in BRINGS.items())
    fake(bin_dir, "apt-get", f'''here=$(dirname "$0")
echo "$DEBIAN_FRONTEND apt-get $*" >> "$here/../apt.log"
[ "$1" = install ] || exit 0
for package in "$@"; do case $package in
{cases}
  fonts-wqy-microhei) : > "$here/../font";;
esac; done''')
    return tmp_path


def run(machine, group, uid, **env):
    environment = {"PATH": str(machine / "bin"), "FAKE_UID": str(uid), "HOME": str(machine), **env}
    return subprocess.run(["/bin/bash", str(SCRIPT), group], env=environment, capture_output=True, text=True,
                          timeout=30)


def apt_log(machine):
    path = machine / "apt.log"
    return path.read_text().splitlines() if path.exists() else []


def test_not_root_stops_at_once_with_the_one_line_to_run(machine):
    result = run(machine, "test", uid=1000)
    assert result.returncode == 1
    assert f"  sudo apt-get install {TEST_PACKAGES}\n" in result.stderr
    assert "缺少 Debian 软件包" in result.stderr and "Missing Debian packages" in result.stderr
    assert apt_log(machine) == []


def test_root_updates_once_then_installs_what_is_missing(machine):
    result = run(machine, "test", uid=0)
    assert result.returncode == 0, result.stderr
    assert apt_log(machine) == ["noninteractive apt-get update -qq",
                                f"noninteractive apt-get install -y -qq {TEST_PACKAGES}"]
    again = run(machine, "test", uid=1000)  # now present: nothing to do, even for a user who is not root
    assert again.returncode == 0 and again.stdout == again.stderr == ""
    assert len(apt_log(machine)) == 2


def test_only_the_missing_packages_are_named(machine):
    for present in ("chromium", "wrk", "nginx", "curl", "node", "npm", "soffice"):
        fake(machine / "bin", present, "")
    fake(machine / "bin", "fc-list", 'echo "DejaVuSans.ttf: DejaVu Sans"')  # fontconfig, but no CJK font
    result = run(machine, "test", uid=1000)
    assert result.returncode == 1
    assert "  sudo apt-get install fonts-wqy-microhei\n" in result.stderr


def test_bench_needs_its_own_tools(machine):
    fake(machine / "bin", "wrk", "")
    fake(machine / "bin", "nginx", "")
    result = run(machine, "bench", uid=1000)
    assert result.returncode == 1  # and the browser that draws the growth curve's PNG, with the Chinese font
    assert "  sudo apt-get install chromium fontconfig fonts-wqy-microhei sqlite3\n" in result.stderr
    fake(machine / "bin", "chromium", "")
    fake(machine / "bin", "fc-list", 'echo "wqy-microhei.ttc: WenQuanYi Micro Hei"')
    result = run(machine, "bench", uid=1000)
    assert result.returncode == 1
    assert "  sudo apt-get install sqlite3\n" in result.stderr


def test_a_failed_install_is_reported(machine):
    fake(machine / "bin", "apt-get", "exit 0")  # claims success, installs nothing
    result = run(machine, "test", uid=0)
    assert result.returncode == 1
    assert f"Still missing after apt-get install: {TEST_PACKAGES}" in result.stderr


def test_dry_run_prints_the_commands_and_runs_none(machine):
    result = run(machine, "test", uid=0, SYSTEM_PACKAGES_DRY_RUN="1")
    assert result.returncode == 0
    assert f"would run: apt-get install -y -qq {TEST_PACKAGES}" in result.stdout
    assert apt_log(machine) == []


def test_a_python_without_venv_asks_for_python3_venv(machine):
    fake(machine / "bin", "python-without-ensurepip", "exit 1")
    result = run(machine, "venv", uid=1000, PYTHON=str(machine / "bin" / "python-without-ensurepip"))
    assert result.returncode == 1 and "  sudo apt-get install python3-venv\n" in result.stderr
    ok = run(machine, "venv", uid=1000, PYTHON=sys.executable)
    assert ok.returncode == 0, ok.stderr


def test_an_unknown_group_is_refused(machine):
    result = run(machine, "everything", uid=0)
    assert result.returncode == 2 and "usage" in result.stderr
