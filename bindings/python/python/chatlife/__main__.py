"""``python -m chatlife run FILE``: a scenario file (docs/rules.md §11) run through the
Python API, printed exactly as the Rust reference ``chatlife run FILE`` prints it.

The file is checked by the core's own scenario parser, so an invalid file gets
the reference runner's message (naming the JSON path) and exit status 2. Every
command step is then sent through the matching ``Engine`` method and every
event printed as its canonical line; a rejected step prints
``{"at":…,"type":"error","step":N,"code":…,"message":…}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Iterator, Mapping, Sequence

from chatlife._native import ChatlifeError, Engine, __version__, load_scenario, parse_at

#: Exit status for a file that is not a valid scenario, as the Rust CLI (SC2).
INVALID_FILE = 2

#: Scenario fields whose method parameter is named differently (``for`` is a keyword).
_PARAMETER_NAMES = {"for": "wait_for"}


class InvalidFile(Exception):
    """A scenario file that cannot be run; the message is what the CLI prints."""


def _json_string(text: str) -> str:
    # With ensure_ascii=False, json escapes exactly what serde_json escapes:
    # `"`, `\` and control characters (\n \r \t \b \f short, others \u00xx).
    return json.dumps(text, ensure_ascii=False)


def error_line(at: int, step: int, error: ChatlifeError) -> str:
    """The line of a rejected step, keys in the reference order (SC2)."""
    return (
        f'{{"at":{at},"type":"error","step":{step},'
        f'"code":{_json_string(error.code)},"message":{_json_string(error.message)}}}'
    )


def read_scenario(path: str) -> str:
    """The file's text, or ``InvalidFile`` worded as the Rust CLI words it."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise InvalidFile(f"{path}: cannot read: {error.strerror} (os error {error.errno})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidFile(f"{path}: cannot read: stream did not contain valid UTF-8") from None


def apply_step(engine: Engine, now: int, op: str, fields: Mapping[str, Any]) -> None:
    """Sends one scenario command through the ``Engine`` method of the same name."""
    arguments = {_PARAMETER_NAMES.get(name, name): value for name, value in fields.items()}
    getattr(engine, op)(now, **arguments)


def run_lines(text: str, snapshot_every: int | None = None) -> Iterator[str]:
    """The lines ``chatlife run`` prints for a scenario's text. With
    ``snapshot_every=N``, after every N command steps the engine is replaced by
    one restored from its snapshot (``chatlife run --snapshot-every N``).

    Raises ``ChatlifeError`` (before yielding anything) if the file breaks a rule.
    """
    scenario = load_scenario(text)
    engine = Engine(scenario.get("config", {}))
    commands = 0
    for index, step in enumerate(scenario["steps"]):
        if "expect" in step:
            continue
        fields = dict(step)
        now = parse_at(fields.pop("at"))
        fields.pop("error", None)
        op = fields.pop("op")
        try:
            apply_step(engine, now, op, fields)
        except ChatlifeError as error:
            yield error_line(now, index, error)
        for event in engine.poll_events():
            yield event.to_json()
        commands += 1
        if snapshot_every and commands % snapshot_every == 0:
            engine = Engine.from_snapshot(engine.snapshot())


def run(path: str, snapshot_every: int | None = None) -> int:
    """Prints the run of the scenario at ``path``; returns the exit status."""
    try:
        text = read_scenario(path)
        # All or nothing, as the CLI: nothing is printed for an invalid file.
        output = "".join(line + "\n" for line in run_lines(text, snapshot_every))
    except InvalidFile as error:
        sys.stderr.buffer.write(f"{error}\n".encode())
        return INVALID_FILE
    except ChatlifeError as error:
        sys.stderr.buffer.write(f"{path}: {error.message}\n".encode())
        return INVALID_FILE
    sys.stdout.buffer.write(output.encode())
    sys.stdout.buffer.flush()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chatlife",
        description="Run chatlife scenario files through the Python API.",
    )
    parser.add_argument("--version", action="version", version=f"chatlife {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    run_command = commands.add_parser(
        "run", help="print every event (and rejected step) of a scenario as canonical JSON lines"
    )
    run_command.add_argument("file")
    run_command.add_argument(
        "--snapshot-every",
        type=_count,
        metavar="N",
        help="snapshot after every N steps and continue on a fresh engine restored from it",
    )
    arguments = parser.parse_args(argv)
    return run(arguments.file, arguments.snapshot_every)


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


if __name__ == "__main__":
    sys.exit(main())
