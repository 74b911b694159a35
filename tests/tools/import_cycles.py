#!/usr/bin/env python3
"""Fails when the modules of a Rust crate import each other in a circle.

Usage: import_cycles.py CRATE_SRC_DIR...

A module is a file (`a/b.rs` or `a/b/mod.rs` is module `a::b`). Module M
imports N when M names `crate::N...`, `super::...` or `self::...` resolving to N
(or an item of N) in a `use` or a path. A module declaring its children with
`mod x;` does not import them; naming an item through the crate root's
re-exports does not import the root. Items resolve to the longest module prefix.
"""
import re
import sys
from pathlib import Path


def modules(src: Path) -> dict[str, Path]:
    out = {}
    for f in src.rglob("*.rs"):
        rel = f.relative_to(src).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] in ("mod", "lib", "main"):
            parts = parts[:-1]
        out["::".join(parts)] = f
    return out


def strip(text: str) -> str:
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    # Test modules may import anything of their parent.
    return re.split(r"#\[cfg\(test\)\]\s*mod tests", text)[0]


def paths(text: str):
    """Every crate/super/self path, with `use` groups expanded one level."""
    for m in re.finditer(r"\b((?:crate|super|self)(?:::\w+)*)(::\{([^}]*)\})?", text):
        base = m.group(1)
        if m.group(3) is None:
            yield base
        else:
            for item in m.group(3).split(","):
                item = item.strip().split(" as ")[0].strip()
                if item:
                    yield base + "::" + item.split("::")[0] if item != "self" else base


def resolve(module: str, path: str, known: set[str]) -> str | None:
    parts = path.split("::")
    here = module.split("::") if module else []
    if parts[0] == "crate":
        target, rest = [], parts[1:]
    elif parts[0] == "self":
        target, rest = here, parts[1:]
    else:
        target, rest = here, parts
        while rest and rest[0] == "super":
            target = target[:-1]
            rest = rest[1:]
    best = None
    for i in range(len(rest) + 1):
        cand = "::".join(target + rest[:i])
        if cand in known:
            best = cand
    return best


def cycles(src: Path) -> list[list[str]]:
    mods = modules(src)
    known = set(mods)
    graph = {m: set() for m in mods}
    for m, f in mods.items():
        text = strip(f.read_text())
        for p in paths(text):
            t = resolve(m, p, known)
            # The crate root re-exports; naming an item through it is not an
            # import of the root's own code.
            if t is not None and t != m and t != "":
                graph[m].add(t)
    found, state, stack = [], {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for t in sorted(graph[n]):
            if state.get(t) == 1:
                found.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)
    return found


def main() -> int:
    bad = False
    for arg in sys.argv[1:]:
        for cycle in cycles(Path(arg)):
            bad = True
            print(f"{arg}: import cycle: {' -> '.join(c or 'crate' for c in cycle)}")
    if not bad:
        print(f"no import cycles in {' '.join(sys.argv[1:])}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
