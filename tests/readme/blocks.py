"""Runs every fenced block of README.md the way its marker says, so that what
the README shows is what happens. Each block follows a marker line
``<!-- readme-test: KIND ARGS -->``; a block without one is an error, so a
new block cannot go unchecked. Kinds:

  run              a shell block, run as pasted from the repository root
  run-except LINE  the same, leaving out the line LINE (``make test`` runs this)
  output-of CMD    the block is exactly what CMD prints (run from the root)
  file PATH        the block is exactly the file PATH
  scenario         a scenario file: ``chatlife check`` must pass it
  python           run by the venv's Python; trailing ``# `` lines are its output
  dist             a shell block run in a new directory outside the repository,
                   with CHATLIFE set to the repository (only with --dist)
  skip WHY         not run (a directory map, a manifest fragment)

Shell blocks run under ``bash -euo pipefail`` with HOME set to a new temporary
directory, so ``$HOME/.local`` in a block never touches the real one.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"^<!-- readme-test: (\S+)(?: (.*?))? -->$")


@dataclass
class Block:
    line: int
    lang: str
    text: str
    kind: str
    arg: str


def blocks(readme: Path) -> list[Block]:
    lines = readme.read_text().splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("```"):
            i += 1
            continue
        start, lang = i, lines[i][3:].strip()
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        marker = MARKER.match(lines[start - 1]) if start > 0 else None
        if marker is None:
            sys.exit(f"README.md:{start + 1}: a ```{lang} block without a <!-- readme-test: … --> line above it")
        text = "\n".join(lines[start + 1 : end]) + "\n"
        found.append(Block(start + 1, lang, text, marker.group(1), marker.group(2) or ""))
        i = end + 1
    return found


def shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env, text=True, capture_output=True
    )


def environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    # cargo and rustup find their toolchain under the real HOME unless told.
    env.setdefault("CARGO_HOME", str(Path.home() / ".cargo"))
    env.setdefault("RUSTUP_HOME", str(Path.home() / ".rustup"))
    env["HOME"] = str(home)
    env.pop("LD_LIBRARY_PATH", None)
    env.pop("PKG_CONFIG_PATH", None)
    env.pop("MAKEFLAGS", None)
    env.pop("MFLAGS", None)
    env.pop("MAKELEVEL", None)
    return env


def check(block: Block, dist: bool) -> str | None:
    """None when the block does what the README says, else what went wrong."""
    where = f"README.md:{block.line} ({block.kind})"
    if block.kind == "skip":
        return None
    if (block.kind == "dist") != dist:
        return None
    with tempfile.TemporaryDirectory(prefix="chatlife-readme-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        env = environment(home)
        if block.kind in ("run", "run-except", "dist"):
            script = block.text
            if block.kind == "run-except":
                kept = [line for line in script.splitlines() if line.split("#")[0].strip() != block.arg]
                if len(kept) == len(script.splitlines()):
                    return f"{where}: the block has no line {block.arg!r} to leave out"
                script = "\n".join(kept) + "\n"
            cwd = ROOT
            if block.kind == "dist":
                cwd = Path(tmp) / "app"
                cwd.mkdir()
                env["CHATLIFE"] = str(ROOT)
            print(f"  {where}: running {len(script.splitlines())} lines in {'a new directory' if block.kind == 'dist' else 'the repository'}", flush=True)
            done = shell(script, cwd, env)
            if done.returncode != 0:
                return f"{where} exits {done.returncode}:\n{block.text}--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
            return None
        if block.kind == "output-of":
            done = shell(block.arg, ROOT, env)
            if done.returncode != 0 or done.stdout != block.text:
                return f"{where}: `{block.arg}` prints\n{done.stdout}{done.stderr}not the block\n{block.text}"
            return None
        if block.kind == "file":
            if (ROOT / block.arg).read_text() != block.text:
                return f"{where}: the block differs from {block.arg}; paste the file again"
            return None
        if block.kind == "scenario":
            path = Path(tmp) / "scenario.json"
            path.write_text(block.text)
            done = subprocess.run([str(ROOT / "target/release/chatlife"), "check", str(path)], text=True, capture_output=True)
            if done.returncode != 0:
                return f"{where}: chatlife check fails:\n{done.stdout}{done.stderr}"
            return None
        if block.kind == "python":
            lines = block.text.splitlines()
            split = len(lines)
            while split > 0 and lines[split - 1].startswith("# "):
                split -= 1
            expected = "".join(line[2:] + "\n" for line in lines[split:])
            done = subprocess.run(
                [str(ROOT / ".venv/bin/python"), "-c", "\n".join(lines[:split])], cwd=ROOT, env=env, text=True, capture_output=True
            )
            if done.returncode != 0 or done.stdout != expected:
                return f"{where}: prints\n{done.stdout}{done.stderr}not what the block's comments say:\n{expected}"
            return None
    return f"{where}: unknown kind {block.kind!r}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("readme", type=Path)
    parser.add_argument("--dist", action="store_true", help="run only the blocks marked dist")
    args = parser.parse_args()
    found = blocks(args.readme)
    ran = [b for b in found if b.kind != "skip" and (b.kind == "dist") == args.dist]
    failures = [f for f in (check(b, args.dist) for b in ran) if f]
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{len(ran) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
