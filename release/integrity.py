"""SHA256SUMS: the list of exactly the files a release holds, and the check that nothing else is there.

A release is deployed, and its image built, only if its folder holds exactly the files SHA256SUMS lists, each with
its listed SHA-256: an extra file (a plugin dropped into site/plugins/ would run on the public server), a missing
or changed file, a link, an empty folder, an empty or malformed SHA256SUMS are all refused. The format is
`sha256sum`'s, so `sha256sum -c SHA256SUMS` works too (but it does not notice extra files; this does).

    python -m release.integrity <release folder>     (the release's Dockerfile runs this inside the image)
"""
import hashlib
import re
import stat
import sys
from pathlib import Path

from .refusal import Refusal

CHECKSUMS = "SHA256SUMS"
LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")
SHOWN = 5  # names listed in a message; the rest are counted


class IntegrityError(Refusal):
    """The release is not exactly what SHA256SUMS lists; zh and en say what differs and what to do."""


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def contents(folder):
    """(files, folders, others): relative names under folder; others are links, sockets and the like."""
    files, folders, others = set(), set(), set()
    for path in Path(folder).rglob("*"):
        name = path.relative_to(folder).as_posix()
        mode = path.lstat().st_mode
        if stat.S_ISREG(mode):
            files.add(name)
        elif stat.S_ISDIR(mode):
            folders.add(name)
        else:
            others.add(name)
    files.discard(CHECKSUMS)
    return files, folders, others


def write_checksums(folder):
    folder = Path(folder)
    files, _, others = contents(folder)
    if others:
        raise refused(folder, "含有链接或特殊文件（发布包必须独立完整）", "holds links or special files (a release must "
                      "stand alone)", others)
    lines = [f"{sha256(folder / name)}  {name}" for name in sorted(files)]
    (folder / CHECKSUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_checksums(folder):
    """{name: digest} from SHA256SUMS; refuses a missing, empty or malformed list."""
    path = Path(folder) / CHECKSUMS
    if not path.is_file():
        raise refused(folder, "没有 SHA256SUMS", "has no SHA256SUMS")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise refused(folder, "的 SHA256SUMS 不是 UTF-8 文本", "has a SHA256SUMS that is not UTF-8 text") from None
    listed = {}
    for number, line in enumerate(text.splitlines(), 1):
        found = LINE.match(line)
        name = found and found.group(2)
        if not found or name.startswith("/") or ".." in name.split("/") or name == CHECKSUMS or name in listed:
            raise refused(folder, f"的 SHA256SUMS 第{number}行格式不对（应为“64位十六进制 SHA-256、两个空格、相对路径”，"
                          "且每个文件只列一次）", f"has a malformed SHA256SUMS, line {number} (expected a 64-digit "
                          "hex SHA-256, two spaces and a relative path, each file once)", [line[:120]])
        listed[name] = found.group(1)
    if not listed:
        raise refused(folder, "的 SHA256SUMS 是空的", "has an empty SHA256SUMS")
    return listed


def verify(folder):
    """Refuse (IntegrityError) unless folder holds exactly the files SHA256SUMS lists, unchanged."""
    folder = Path(folder)
    listed = read_checksums(folder)
    files, folders, others = contents(folder)
    if others:
        raise refused(folder, "含有链接或特殊文件", "holds links or special files", others)
    extra = files - set(listed)
    if extra:
        raise refused(folder, "多出了 SHA256SUMS 中没有的文件（site/plugins/ 中多出的插件会在公开网站上运行）",
                      "holds files SHA256SUMS does not list (an extra plugin in site/plugins/ would run on the public "
                      "site)", extra)
    missing = set(listed) - files
    if missing:
        raise refused(folder, "缺少 SHA256SUMS 列出的文件", "lacks files SHA256SUMS lists", missing)
    changed = {name for name, digest in listed.items() if sha256(folder / name) != digest}
    if changed:
        raise refused(folder, "中的文件与 SHA256SUMS 不符（已被改动）", "holds files that differ from SHA256SUMS "
                      "(changed)", changed)
    needed = {"/".join(name.split("/")[:depth]) for name in listed for depth in range(1, name.count("/") + 1)}
    if folders - needed:
        raise refused(folder, "多出了不含任何已列文件的文件夹", "holds folders with no listed file", folders - needed)
    return listed


def refused(folder, zh, en, names=()):
    names = sorted(names)
    shown = "、".join(names[:SHOWN]) + (f" 等 {len(names)} 个" if len(names) > SHOWN else "")
    shown_en = ", ".join(names[:SHOWN]) + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")
    return IntegrityError(
        f"发布包 {folder} {zh}{'：' + shown if names else ''}。发布包在生成后被改动过或不完整，不能部署。"
        "请用 make publish 重新发布，或从备份恢复这个版本。",
        f"The release {folder} {en}{': ' + shown_en if names else ''}. It was changed after it was made, or is "
        "incomplete: not deploying. Publish again with make publish, or restore this release from a backup.")


def main(argv):
    if len(argv) != 2:
        print("用法 usage: python -m release.integrity <release folder>", file=sys.stderr)
        return 2
    try:
        listed = verify(argv[1])
    except IntegrityError as error:
        print(f"{error.zh}\n{error.en}", file=sys.stderr)
        return 1
    print(f"SHA256SUMS: {len(listed)} 个文件，完全一致 files, exactly as listed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
