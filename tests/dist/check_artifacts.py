"""What `make dist` wrote into dist/, checked as a user would receive it: every
artifact is there, each native library is at most --max-library-bytes, the
wheel's symbol versions allow manylinux2014 (auditwheel) and its name says
so, and every package carries the LICENSE of the repository."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

LICENSE = (Path(__file__).resolve().parents[2] / "LICENSE").read_bytes()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--max-library-bytes", type=int, required=True)
    parser.add_argument("--auditwheel", required=True)
    args = parser.parse_args()
    v, dist = args.version, args.dist
    failures: list[str] = []
    checked = 0

    def need(ok: bool, what: str) -> None:
        nonlocal checked
        checked += 1
        if not ok:
            failures.append(what)

    def library(name: str, size: int) -> None:
        print(f"  {name}: {size:,} bytes")
        need(size <= args.max_library_bytes, f"{name} is {size:,} bytes, above {args.max_library_bytes:,}")

    wheels = sorted(dist.glob(f"chatlife-{v}-cp39-abi3-*.whl"))
    need(len(wheels) == 1, f"one abi3 wheel of {v} in {dist}, found {wheels}")
    for wheel in wheels:
        need("manylinux2014_x86_64" in wheel.name, f"{wheel.name} is not tagged manylinux2014_x86_64")
        with zipfile.ZipFile(wheel) as z:
            names = z.namelist()
            [native] = [n for n in names if n.endswith(".so")]
            library(f"{wheel.name}:{native}", z.getinfo(native).file_size)
            licenses = [n for n in names if n.endswith("/LICENSE")]
            need(any(z.read(n) == LICENSE for n in licenses), f"{wheel.name} has no LICENSE")
            need("chatlife/_native.pyi" in names and "chatlife/py.typed" in names, f"{wheel.name} lacks its stubs")
        shown = subprocess.run([args.auditwheel, "show", str(wheel)], capture_output=True, text=True)
        need('"manylinux_2_17_x86_64"' in shown.stdout, f"auditwheel does not allow manylinux_2_17:\n{shown.stdout}{shown.stderr}")

    def tar_member(path: Path, suffix: str) -> bytes | None:
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.name.endswith(suffix) and m.isfile():
                    f = t.extractfile(m)
                    return f.read() if f else None
        return None

    def tar_sizes(path: Path, suffixes: tuple[str, ...]) -> None:
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isfile() and m.name.endswith(suffixes):
                    library(f"{path.name}:{m.name}", m.size)

    sdist = dist / f"chatlife-{v}.tar.gz"
    need(sdist.exists() and tar_member(sdist, "/LICENSE") == LICENSE, f"{sdist} missing or without LICENSE")
    need(sdist.exists() and tar_member(sdist, "/pyproject.toml") is not None, f"{sdist} has no pyproject.toml")

    for npm, has in [(f"chatlife-{v}.tgz", "package/index.d.ts"), (f"chatlife-linux-x64-gnu-{v}.tgz", "package/chatlife.linux-x64-gnu.node")]:
        path = dist / npm
        need(path.exists(), f"{path} is missing")
        if not path.exists():
            continue
        need(tar_member(path, "package/LICENSE") == LICENSE, f"{npm} has no LICENSE")
        need(tar_member(path, has) is not None, f"{npm} has no {has}")
        tar_sizes(path, (".node",))

    c = dist / f"chatlife-{v}-linux-x86_64.tar.gz"
    need(c.exists(), f"{c} is missing")
    if c.exists():
        for member in ("/LICENSE", "/include/chatlife.h", "/lib/pkgconfig/chatlife.pc", "/lib/cmake/chatlife/chatlife-config.cmake"):
            need(tar_member(c, member) is not None, f"{c.name} has no {member}")
        need(tar_member(c, "/LICENSE") == LICENSE, f"{c.name}: LICENSE differs")
        tar_sizes(c, (f".so.{v}", ".a"))

    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{checked - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
