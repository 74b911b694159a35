"""The documented examples work as written: the README's five lines and the
asyncio host."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from support import ROOT, run_process

PACKAGE_README = ROOT / "bindings" / "python" / "README.md"
ASYNCIO_HOST = ROOT / "examples" / "python" / "asyncio_host.py"


def blocks(markdown: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", markdown, flags=re.DOTALL)


def python_section(markdown: str) -> str:
    """The part of the top-level README under a heading that names Python."""
    match = re.search(r"^(#+) [^\n]*Python[^\n]*\n(.*?)(?=^\1 |\Z)", markdown, flags=re.DOTALL | re.MULTILINE)
    return match.group(2) if match else ""


def test_the_readme_example_is_five_lines_and_prints_what_it_says(tmp_path: Path) -> None:
    readme = PACKAGE_README.read_text(encoding="utf-8")
    [example] = blocks(readme, "python")[:1]
    [printed] = blocks(readme, "text")[:1]
    assert len(example.strip().splitlines()) == 5
    script = tmp_path / "readme_example.py"
    script.write_text(example, encoding="utf-8")
    result = run_process(sys.executable, script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == printed


def test_the_top_level_readme_python_examples_run(tmp_path: Path) -> None:
    """Once the top-level README has a Python section, its examples must run too."""
    readme = ROOT / "README.md"
    examples = blocks(python_section(readme.read_text(encoding="utf-8")), "python") if readme.exists() else []
    if not examples:
        pytest.skip("README.md has no Python section with examples yet")
    for index, example in enumerate(examples):
        script = tmp_path / f"top_readme_{index}.py"
        script.write_text(example, encoding="utf-8")
        result = run_process(sys.executable, script)
        assert result.returncode == 0, (example, result.stderr)


def test_the_asyncio_host_plays_the_story() -> None:
    result = run_process(sys.executable, ASYNCIO_HOST, "--json", "--speed", "200")
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [e["type"] for e in events] == [
        "conversation_started",
        "participant_joined",
        "state_changed",
        "capacity_changed",
        "reconnect_link_issued",
        "connection_lost",
        "customer_disconnected",
        "transcript_message",
        "customer_reconnected",
        "transcript_message",
        "state_changed",
        "state_changed",
        "capacity_changed",
    ]
    by_type = {e["type"]: e for e in events}
    # Timer events carry their deadline, whenever the host happened to wake.
    assert by_type["customer_disconnected"]["at"] == by_type["connection_lost"]["at"] + 10_000
    assert events[-2]["reason"] == "auto_close" and events[-2]["at"] == events[-3]["at"] + 60_000
    assert by_type["customer_reconnected"]["method"] == "link"
    times = [e["at"] for e in events]
    assert times == sorted(times)


def test_the_asyncio_host_never_prints_the_token() -> None:
    result = run_process(sys.executable, ASYNCIO_HOST, "--speed", "200")
    assert result.returncode == 0, result.stderr
    assert b"crl1_" not in result.stdout and b"customer_reconnected" in result.stdout
