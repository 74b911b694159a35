"""Helpers of the Python suite: where the scenarios and the reference CLI are,
and a scenario checker that drives the engine through the Python API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import chatlife
from chatlife.__main__ import apply_step

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT / "tests" / "conformance"
SCENARIOS = sorted(CONFORMANCE.glob("*.json"))
# The Makefile builds it (`make cli`); CHATLIFE_CLI points elsewhere during development.
REFERENCE_CLI = Path(os.environ.get("CHATLIFE_CLI", ROOT / "target" / "release" / "chatlife"))


def scenario_id(path: Path) -> str:
    return path.stem


def reference_cli() -> Path:
    if not REFERENCE_CLI.is_file():
        pytest.fail(f"the reference CLI {REFERENCE_CLI} is missing: run `make cli` (or set CHATLIFE_CLI)")
    return REFERENCE_CLI


def run_process(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(a) for a in args], capture_output=True, timeout=120, check=False)


def run_python_cli(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return run_process(sys.executable, "-m", "chatlife", *args)


def same_json(a: Any, b: Any) -> bool:
    """JSON equality that, unlike ``==``, tells ``1``, ``1.0`` and ``True`` apart
    (key order does not matter, as in the reference checker)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return bool(a == b)


def check_scenario(scenario: dict[str, Any]) -> list[str]:
    """Checks every ``expect`` and ``error`` step through the Python API, as
    ``chatlife check`` does through the Rust API; returns the failures."""
    engine = chatlife.Engine(scenario.get("config", {}))
    failures: list[str] = []
    since_expect: list[dict[str, Any]] = []
    for index, step in enumerate(scenario["steps"]):
        if "expect" in step:
            if not same_json(since_expect, step["expect"]):
                failures.append(f"steps[{index}]: events differ\n  expected: {step['expect']}\n  got: {since_expect}")
            since_expect = []
            continue
        fields = dict(step)
        now = chatlife.parse_at(fields.pop("at"))
        expected_code = fields.pop("error", None)
        op = fields.pop("op")
        error: chatlife.ChatlifeError | None = None
        try:
            apply_step(engine, now, op, fields)
        except chatlife.ChatlifeError as raised:
            error = raised
        since_expect.extend(event.to_dict() for event in engine.poll_events())
        if error is None and expected_code is not None:
            failures.append(f"steps[{index}]: expected error {expected_code}, but it was accepted")
        elif error is not None and error.code != expected_code:
            failures.append(f"steps[{index}]: expected {expected_code or 'success'}, got {error.code}: {error.message}")
        elif error is not None and type(error) is not chatlife.ERROR_CLASSES[error.code]:
            failures.append(f"steps[{index}]: {error.code} raised as {type(error).__name__}")
    return failures
