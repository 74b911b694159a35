"""Every shared scenario through the Python API: its expectations hold, and
``python -m chatlife run`` prints the very bytes the Rust reference prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support import SCENARIOS, check_scenario, run_process, run_python_cli, scenario_id

import chatlife
from chatlife.__main__ import run_lines
from chatlife._native import load_scenario


def load(path: Path) -> dict[str, Any]:
    return load_scenario(path.read_text(encoding="utf-8"))


def test_there_are_scenarios() -> None:
    assert len(SCENARIOS) >= 50, SCENARIOS


def test_every_command_of_the_core_has_its_method() -> None:
    assert "advance" in chatlife.OPS and len(chatlife.OPS) >= 17
    for op in chatlife.OPS:
        assert callable(getattr(chatlife.Engine, op, None)), op


@pytest.mark.parametrize("path", SCENARIOS, ids=scenario_id)
def test_expectations_hold_through_the_python_api(path: Path) -> None:
    scenario = load(path)
    assert any("expect" in step for step in scenario["steps"]), "a scenario that checks nothing"
    assert check_scenario(scenario) == []


@pytest.mark.parametrize("path", SCENARIOS, ids=scenario_id)
def test_run_is_byte_identical_to_the_reference(path: Path, reference_cli: Path) -> None:
    reference = run_process(reference_cli, "run", path)
    assert reference.returncode == 0, reference.stderr
    ours = run_python_cli("run", path)
    assert ours.stderr == b""
    assert ours.returncode == 0
    assert ours.stdout == reference.stdout
    # In-process too, so a difference shows as lines rather than bytes.
    assert "".join(line + "\n" for line in run_lines(path.read_text(encoding="utf-8"))) == reference.stdout.decode()


@pytest.mark.parametrize("path", SCENARIOS, ids=scenario_id)
def test_run_restoring_after_every_step_is_byte_identical(path: Path, reference_cli: Path) -> None:
    reference = run_process(reference_cli, "run", "--snapshot-every", "1", path)
    assert reference.returncode == 0, reference.stderr
    plain = run_process(reference_cli, "run", path)
    assert reference.stdout == plain.stdout
    ours = "".join(line + "\n" for line in run_lines(path.read_text(encoding="utf-8"), snapshot_every=1))
    assert ours == reference.stdout.decode()


@pytest.mark.parametrize("path", SCENARIOS, ids=scenario_id)
def test_one_batch_gives_the_same_events_and_errors(path: Path) -> None:
    """``apply_many`` of every command step equals sending them one by one."""
    scenario = load(path)
    commands = [step for step in scenario["steps"] if "expect" not in step]
    expected_codes = [step.get("error") for step in commands]
    one_by_one = [line for line in run_lines(path.read_text(encoding="utf-8")) if '"type":"error"' not in line]

    engine = chatlife.Engine(scenario.get("config", {}))
    batch = [{key: value for key, value in step.items() if key != "error"} for step in commands]
    results = engine.apply_many(batch)
    assert [None if r is None else r.code for r in results] == expected_codes
    assert all(r is None or isinstance(r, chatlife.ERROR_CLASSES[r.code]) for r in results)
    assert [event.to_json() for event in engine.poll_events()] == one_by_one
