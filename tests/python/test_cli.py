"""``python -m chatlife run`` against the reference on files the shared
scenarios do not cover: broken files, and error lines whose messages need JSON
escaping."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import run_process, run_python_cli


def write(directory: Path, name: str, content: bytes | str | dict[str, Any]) -> Path:
    path = directory / name
    if isinstance(content, dict):
        content = json.dumps(content, ensure_ascii=False)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def assert_same_as_reference(reference_cli: Path, *args: str | Path) -> bytes:
    reference = run_process(reference_cli, "run", *args)
    ours = run_python_cli("run", *args)
    assert (ours.returncode, ours.stdout, ours.stderr) == (reference.returncode, reference.stdout, reference.stderr)
    return reference.stdout


START = {"at": 0, "op": "start_conversation", "conversation": "c1", "customer": "cu"}

INVALID_FILES: dict[str, bytes | str | dict[str, Any]] = {
    "not-json.json": "{ nope",
    "not-an-object.json": "[1, 2]",
    "unknown-top-level-field.json": {"steps": [], "extra": 1},
    "steps-missing.json": {"config": {}},
    "timer-above-480.json": {"config": {"policies": {"default": {"timers": {"customer_idle": 481}}}}, "steps": []},
    "unit-less-duration.json": {"config": {"policies": {"default": {"disconnect_grace": "90"}}}, "steps": []},
    "unknown-op.json": {"steps": [START, {"at": "1s", "op": "fly"}]},
    "unknown-step-field.json": {"steps": [dict(START, colour="blue")]},
    "bad-at.json": {"steps": [dict(START, at="5 minutes")]},
    "negative-at.json": {"steps": [dict(START, at=-1)]},
    "unknown-error-code.json": {"steps": [dict(START, error="oops")]},
    "wrong-type.json": {"steps": [dict(START, customer=7)]},
    "bom.json": b"\xef\xbb\xbf" + json.dumps({"steps": []}).encode(),
    "not-utf8.json": b'{"name": "\xff", "steps": []}',
}


@pytest.mark.parametrize("name", sorted(INVALID_FILES))
def test_an_invalid_file_fails_as_the_reference_does(tmp_path: Path, reference_cli: Path, name: str) -> None:
    path = write(tmp_path, name, INVALID_FILES[name])
    assert_same_as_reference(reference_cli, path)
    ours = run_python_cli("run", path)
    assert ours.returncode == 2
    assert ours.stdout == b""
    assert ours.stderr.startswith(f"{path}: ".encode())


def test_a_missing_file_and_a_directory_fail_as_the_reference_does(tmp_path: Path, reference_cli: Path) -> None:
    assert_same_as_reference(reference_cli, tmp_path / "absent.json")
    assert_same_as_reference(reference_cli, tmp_path)


def test_error_lines_escape_messages_as_the_reference_does(tmp_path: Path, reference_cli: Path) -> None:
    # Ids end up inside error messages (quoted by the core), so quotes,
    # backslashes and non-ASCII text reach the JSON escaping of the error line.
    awkward = ['quo"te', "back\\slash", "ünïcødé ✓", "emoji 🎧", "tab\tand\u2028separator", "del\x7f"]
    steps: list[dict[str, Any]] = [START]
    for index, conversation in enumerate(awkward):
        steps.append({"at": f"{index + 1}s", "op": "message", "conversation": conversation, "participant": "cu"})
    steps.append({"at": "1m", "op": "message", "conversation": "c1", "participant": "cu"})
    steps.append({"at": "1m", "op": "message", "conversation": "c1", "participant": "nobody ✓"})
    steps.append({"at": "2s", "op": "advance"})
    path = write(tmp_path, "awkward.json", {"steps": steps})
    stdout = assert_same_as_reference(reference_cli, path)
    lines = stdout.decode().splitlines()
    errors = [json.loads(line) for line in lines if '"type":"error"' in line]
    assert [e["code"] for e in errors] == ["unknown_conversation"] * 4 + ["invalid_argument"] * 2 + [
        "unknown_participant",
        "time_went_backwards",
    ]
    assert any("✓" in line for line in lines), "non-ASCII text is kept raw, not escaped"


def test_an_empty_scenario_prints_nothing(tmp_path: Path, reference_cli: Path) -> None:
    assert assert_same_as_reference(reference_cli, write(tmp_path, "empty.json", {"steps": []})) == b""


@pytest.mark.parametrize("every", ["1", "2", "5", "0"])
def test_snapshot_every_matches_the_reference(tmp_path: Path, reference_cli: Path, every: str) -> None:
    steps = [
        START,
        {"at": "1s", "op": "join", "conversation": "c1", "participant": "ag", "role": "agent"},
        {"at": "2s", "op": "connection_lost", "conversation": "c1", "participant": "cu"},
        {"at": "2s", "op": "issue_reconnect_link", "conversation": "c1"},
        {"at": "20m", "op": "advance"},
    ]
    config = {"seed": 3, "policies": {"default": {"reconnect": {"enabled": True, "portal_url": "https://x.test/chat"}}}}
    path = write(tmp_path, "snapshots.json", {"config": config, "steps": steps})
    assert b"reconnect_window_expired" in assert_same_as_reference(reference_cli, "--snapshot-every", every, path)
