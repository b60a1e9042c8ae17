"""`make publish` and `make deploy`: the command line of release/release.py (see there for the steps).

    python publish.py                           check data/, build, test, make dist/<version>/, deploy it if
                                                PUBLISH_TARGET is set                           (make publish)
    python publish.py --deploy dist/<version>   deploy an existing release after checking its SHA256SUMS
                                                                                (make deploy RELEASE=dist/<version>)
Environment (release/deploy.py): PUBLISH_TARGET=cloudrun with CLOUDRUN_SERVICE [CLOUDRUN_REGION,
CLOUDRUN_MAX_INSTANCES], or PUBLISH_TARGET=docker with IMAGE. Unset: make the release and say how to deploy it.

Every failure is a message in Chinese and English saying what to do, never a traceback: the details of an
unexpected error go to a file the message names.
"""
import argparse
import datetime
import os
import sys
import tempfile
import traceback
from pathlib import Path

from builder.contract import ContractError
from builder.datapackage import DataPackageError
from release.deploy import DeployFailed
from builder.interrupts import Terminated, raise_on_termination
from builder.metadata import MetadataError
from builder.problems import InputErrors
from release.refusal import Refusal
from release.release import CHINA_TIME, deploy_release, publish

ROOT = Path(__file__).resolve().parent
UNCHANGED = {
    "publish": ("dist/ 中已发布的版本和正在运行的网站都没有改动。", "dist/ and the running site are unchanged."),
    "deploy": ("网站仍是原来的版本。", "The site is unchanged."),
}


def fail(action, zh, en):
    unchanged_zh, unchanged_en = UNCHANGED[action]
    heading = ("发布失败", "Publishing failed") if action == "publish" else ("部署失败", "Deploying failed")
    print(f"{heading[0]}：{zh}\n  {heading[1]}: {en}\n{unchanged_zh} {unchanged_en}", file=sys.stderr)
    return 1


def save_traceback():
    with tempfile.NamedTemporaryFile("w", prefix="budget-publish-error-", suffix=".txt", delete=False) as handle:
        traceback.print_exc(file=handle)
        return handle.name


def run(args):
    action = "deploy" if args.deploy is not None else "publish"
    try:
        if action == "deploy":
            deploy_release(args.deploy, os.environ)
        else:
            publish(os.environ, datetime.datetime.now(CHINA_TIME), say=lambda text: print(text, flush=True))
    except (InputErrors, DataPackageError) as errors:
        print(f"数据有 {len(errors.problems)} 处问题，未发布；dist/ 中已发布的版本和正在运行的网站都没有改动。", file=sys.stderr)
        print(f"The data has {len(errors.problems)} problem(s); nothing was published, and dist/ and the running site "
              "are unchanged.\n", file=sys.stderr)
        for number, problem in enumerate(errors.problems, 1):
            print(f"{number}. {problem}", file=sys.stderr)
        return 1
    except (ContractError, MetadataError) as error:  # their messages are in Chinese and English already
        return fail(action, f"{error}", "see the message above; fix the file it names, then run make publish again.")
    except DeployFailed as error:  # the release was made and tested; only the upload failed
        print(f"部署失败：{error.zh}\n  Deploying failed: {error.en}", file=sys.stderr)
        return 1
    except Refusal as error:
        return fail(action, error.zh, error.en)
    except OSError as error:  # disk full, permissions, a release folder that appeared meanwhile
        return fail(action, f"文件操作出错：{error}。请检查磁盘空间和权限后重试。",
                    f"file system error: {error}. Check disk space and permissions, then try again.")
    except Exception as error:  # a bug, not bad input: say so, and keep the details for the developers
        saved = save_traceback()
        return fail(action, f"内部错误（{type(error).__name__}: {error}）。请把 {saved} 发给网站开发人员。",
                    f"internal error ({type(error).__name__}: {error}). Please send {saved} to the developers.")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Check, build, test and release data/ into dist/<version>/ (see README).")
    parser.add_argument("--deploy", metavar="RELEASE", help="deploy an existing release, e.g. dist/2026.11.28-1")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    raise_on_termination()
    try:
        return run(args)
    except Terminated as stop:
        if stop.released is not None:
            name = f"dist/{stop.released.name}"
            print(f"收到 {stop.name}，已中止。发布包 {name}/ 已完整生成并通过测试，但没有部署；"
                  f"需要时用 make deploy RELEASE={name} 部署。\n"
                  f"Stopped by {stop.name}. The release {name}/ is complete and tested but was not deployed; "
                  f"deploy it with make deploy RELEASE={name}.", file=sys.stderr)
        else:
            fail("deploy" if args.deploy is not None else "publish", f"收到 {stop.name}，已中止并清理。",
                 f"stopped by {stop.name}; everything it had started was removed.")
        return stop.exit_code


if __name__ == "__main__":
    sys.exit(main())
