"""One version everywhere: the workspace's Cargo.toml is the source, and every
other place that states a version must state the same one."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    version = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["package"]["version"]
    major, minor, patch = version.split(".")
    found: dict[str, str] = {}
    pyproject = tomllib.loads((ROOT / "bindings/python/pyproject.toml").read_text())["project"]
    # maturin takes a dynamic version from the crate, which takes the workspace's.
    found["bindings/python/pyproject.toml"] = version if "version" in pyproject.get("dynamic", []) else pyproject.get("version", "?")
    for member in ("core", "cli", "ffi", "bindings/node", "bindings/python"):
        package = tomllib.loads((ROOT / member / "Cargo.toml").read_text())["package"]
        found[f"{member}/Cargo.toml"] = version if package.get("version") == {"workspace": True} else str(package.get("version"))
    found["bindings/node/package.json"] = json.loads((ROOT / "bindings/node/package.json").read_text())["version"]
    lock = json.loads((ROOT / "bindings/node/package-lock.json").read_text())
    found["bindings/node/package-lock.json"] = lock["packages"][""]["version"]
    header = (ROOT / "include/chatlife.h").read_text()
    macros = [re.search(rf"#define CHATLIFE_VERSION_{part} (\d+)", header) for part in ("MAJOR", "MINOR", "PATCH")]
    found["include/chatlife.h"] = ".".join(m.group(1) if m else "?" for m in macros)
    changelog = re.search(r"^## (\d+\.\d+\.\d+)", (ROOT / "CHANGELOG.md").read_text(), re.M)
    found["CHANGELOG.md (latest entry)"] = changelog.group(1) if changelog else "?"
    wrong = {where: v for where, v in found.items() if v != version}
    for where, v in wrong.items():
        print(f"FAIL {where} says {v}, Cargo.toml says {version}")
    print(f"{len(found) - len(wrong)} passed, {len(wrong)} failed")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
