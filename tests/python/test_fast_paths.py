"""The fast paths (typed methods, ``apply_many`` dicts, ``messages``) behave
exactly as the core's command parser: for every input, the same outcome, and
for bad input the same exception class, code and message.

A ``dict`` subclass never takes ``apply_many``'s fast path, so a batch of
``SlowDict`` shows what the parser says; the same batch of plain dicts must
say the same."""

from __future__ import annotations

import random
from typing import Any, Callable, Optional, Tuple

import pytest

import chatlife

CONFIG = {
    "agents": {"default_capacity": 1},
    "policies": {"default": {"timers": {"customer_idle": 2}, "hold": {"enabled": True}}, "vip": {"timers": {"agent_idle": 3}}},
}
LATER = 300_000


class SlowDict(dict):  # type: ignore[type-arg]
    """A command the fast path leaves to the parser."""


class Text(str):
    """A ``str`` subclass, as an enum member or a host's own id type is."""


def engine_with_chats(op: object = None) -> chatlife.Engine:
    """c1 with its customer and the only agent, whose connection is lost (its
    grace runs past LATER); c2 waiting for an agent. For `op` resume, c1 is on
    hold, so that resume can be accepted too."""
    engine = chatlife.Engine(CONFIG)
    engine.start_conversation(0, "c1", "cu")
    engine.join(0, "c1", "ag", "agent")
    engine.start_conversation(0, "c2", "cu2")
    if op == "resume":
        engine.hold(100_000, "c1", "ag")
    engine.connection_lost(200_000, "c1", "ag")
    engine.poll_events()
    return engine


# The class name, code and message of a refusal; None for an accepted command.
Outcome = Optional[Tuple[str, str, str]]


def outcome(result: chatlife.ChatlifeError | None) -> Outcome:
    return None if result is None else (type(result).__name__, result.code, result.message)


def raised(call: Callable[[], object]) -> Outcome:
    try:
        call()
    except chatlife.ChatlifeError as error:
        return outcome(error)
    return None


def state(engine: chatlife.Engine) -> tuple[Any, ...]:
    return ([e.to_json() for e in engine.poll_events()], engine.snapshot(), engine.next_deadline(), engine.now)


GOOD = {
    "at": LATER,
    "conversation": "c1",
    "participant": "cu",
    "customer": "cu9",
    "role": "bot",
}
# Values each field is tried with, one field at a time: valid, wrong type,
# invalid text, too long, a lone surrogate, a str subclass, None.
VALUES: list[Any] = [
    "c1",
    "cu",
    "ag",
    "c9",
    "",
    "x" * 300,
    "\ud800",
    "bad\x00id",
    "日本語",
    Text("c1"),
    Text("cu"),
    5,
    1.5,
    True,
    None,
    b"c1",
    ["c1"],
    object(),
]
AT_VALUES: list[Any] = [
    LATER,
    0,
    30_000,
    -1,
    2**64,
    chatlife.MAX_TIME + 1,
    True,
    1.5,
    "5m",
    "5x",
    Text("6m"),
    None,
    [1],
]
ROLE_VALUES: list[Any] = ["bot", "agent", "supervisor", "customer", "boss", "Agent", chatlife.Role.BOT, Text("bot"), 3, None]
FIELDS = {
    "advance": [],
    "message": ["conversation", "participant"],
    "leave": ["conversation", "participant"],
    "connection_lost": ["conversation", "participant"],
    "connection_restored": ["conversation", "participant"],
    "end": ["conversation", "participant"],
    "close_session": ["conversation", "participant"],
    "hold": ["conversation", "participant"],
    "resume": ["conversation", "participant"],
    "join": ["conversation", "participant", "role"],
    "start_conversation": ["conversation", "customer"],
}
OPTIONAL = {"join": ["display_name"], "start_conversation": ["policy", "authenticated_as", "display_name"]}


def variants() -> list[dict[str, Any]]:
    """Commands of every fast op, each with one field changed from a good one."""
    commands: list[dict[str, Any]] = []
    for op, fields in FIELDS.items():
        good = {"at": LATER, "op": op, **{field: GOOD[field] for field in fields}}
        commands.append(good)
        for at in AT_VALUES:
            commands.append({**good, "at": at})
        for field in fields:
            for value in ROLE_VALUES if field == "role" else VALUES:
                commands.append({**good, field: value})
            commands.append({k: v for k, v in good.items() if k != field})
        for field in OPTIONAL.get(op, []):
            for value in [None, "vip", "Sam", "nope", "", 5, "\ud800"]:
                commands.append({**good, field: value})
        commands.append({k: v for k, v in good.items() if k != "at"})
        commands.append({k: v for k, v in good.items() if k != "op"})
        commands.append({**good, "op": Text(op)})
        commands.append({**good, "unknown": 1})
        commands.append({**good, "display_name": "Sam"})
        not_a_key: dict[Any, Any] = {**good, 5: "five"}
        commands.append(not_a_key)
        commands.append({Text(k): v for k, v in good.items()})
    commands += [{"at": LATER, "op": "fly"}, {"at": LATER, "op": 5}, {"op": None}, {}]
    return commands


@pytest.mark.parametrize("chunk", range(4))
def test_apply_many_fast_and_parser_paths_agree_on_every_variant(chunk: int) -> None:
    commands = variants()[chunk::4]
    assert len(commands) > 100
    for command in commands:
        fast, slow = engine_with_chats(command.get("op")), engine_with_chats(command.get("op"))
        [fast_result] = fast.apply_many([dict(command)])
        [slow_result] = slow.apply_many([SlowDict(command)])
        assert outcome(fast_result) == outcome(slow_result), command
        assert state(fast) == state(slow), command


def test_the_variants_reach_both_outcomes_of_every_op() -> None:
    """The comparison above means something only if both paths accept and refuse."""
    accepted: set[str] = set()
    refused: set[str] = set()
    for command in variants():
        [result] = engine_with_chats(command.get("op")).apply_many([command])
        op = command.get("op")
        (accepted if result is None else refused).add(str(op))
    assert set(FIELDS) <= accepted and set(FIELDS) <= refused


def test_a_long_mixed_batch_equals_its_commands_through_the_parser() -> None:
    """Fast and parsed commands interleaved in one batch, each seeing the state
    the earlier ones left."""
    rng = random.Random(6)
    commands: list[dict[str, Any]] = []
    for i in range(400):
        at = LATER + 1_000 * i
        c = f"k{rng.randrange(40)}"
        choices: list[dict[str, Any]] = [
            {"op": "start_conversation", "conversation": c, "customer": f"u{c}", "policy": rng.choice([None, "vip", "gold"])},
            {"op": "join", "conversation": c, "participant": rng.choice(["a1", "a2", "b"]), "role": rng.choice(["agent", "bot", "boss"])},
            {"op": "message", "conversation": c, "participant": rng.choice([f"u{c}", "a1", "b", 7])},
            {"op": "connection_lost", "conversation": c, "participant": f"u{c}"},
            {"op": "connection_restored", "conversation": c, "participant": f"u{c}"},
            {"op": "leave", "conversation": c, "participant": rng.choice(["a1", "a2", "b"])},
            {"op": "end", "conversation": c, "participant": f"u{c}"},
            {"op": rng.choice(["hold", "resume"]), "conversation": c, "participant": rng.choice(["a1", "a2", f"u{c}"])},
            {"op": "advance"},
            {"op": "set_wait", "conversation": c, "for": rng.choice(["customer", "bot", "later"])},
            {"op": "set_agent_capacity", "agent": "a1", "capacity": rng.choice([1, 2, None, -1])},
            {"op": "message", "conversation": c, "participant": f"u{c}", "extra": True},
        ]
        commands.append({"at": rng.choice([at, at, at, at - 5_000, f"{at // 1000}s"]), **rng.choice(choices)})
    fast, slow = engine_with_chats(), engine_with_chats()
    fast_results = fast.apply_many(commands)
    slow_results = slow.apply_many([SlowDict(c) for c in commands])
    assert [outcome(r) for r in fast_results] == [outcome(r) for r in slow_results]
    assert 60 < sum(r is None for r in fast_results) < 350
    assert state(fast) == state(slow)


TYPED: dict[str, Callable[..., object]] = {
    "message": chatlife.Engine.message,
    "leave": chatlife.Engine.leave,
    "connection_lost": chatlife.Engine.connection_lost,
    "connection_restored": chatlife.Engine.connection_restored,
    "end": chatlife.Engine.end,
    "close_session": chatlife.Engine.close_session,
    "hold": chatlife.Engine.hold,
    "resume": chatlife.Engine.resume,
}


def strip_batch_prefix(result: Outcome) -> Outcome:
    """A batch names a bad field `commands[0].field`; a method names `field`."""
    if result is None:
        return None
    name, code, message = result
    return name, code, message.removeprefix("commands[0].")


@pytest.mark.parametrize("op", sorted(TYPED) + ["join", "start_conversation"])
def test_typed_methods_agree_with_the_parser(op: str) -> None:
    fields = FIELDS[op]
    good = {field: GOOD[field] for field in fields}
    cases: list[tuple[Any, dict[str, Any]]] = [(LATER, good)]
    # Bad times are left out: `now` and a batch's `at` differ in what they
    # refuse and how (a time past MAX_TIME is the core's limit_exceeded for
    # `now`, the parser's invalid_argument for `at`), and no fast path reads a bad `now`.
    cases += [(now, good) for now in (0, 30_000, 250_000, chatlife.MAX_TIME)]
    for field in fields:
        cases += [(LATER, {**good, field: value}) for value in (ROLE_VALUES if field == "role" else VALUES)]
    for field in OPTIONAL.get(op, []):
        cases += [(LATER, {**good, field: value}) for value in [None, "vip", "Sam", "nope", "", 5, "\ud800"]]
    for now, arguments in cases:
        method, batch = engine_with_chats(op), engine_with_chats(op)
        positional = [arguments[f] for f in fields]
        keywords = {k: v for k, v in arguments.items() if k not in fields}
        by_method = raised(lambda: getattr(method, op)(now, *positional, **keywords))
        [by_parser] = batch.apply_many([SlowDict(arguments, at=now, op=op)])
        assert by_method == strip_batch_prefix(outcome(by_parser)), (op, now, arguments)
        assert state(method) == state(batch), (op, now, arguments)


def test_messages_equals_one_message_call_per_pair() -> None:
    conversations: list[Any] = ["c1", "c1", "zz", "c2", "c1", 5, "\ud800", Text("c1"), "c2", "c1"]
    participants: list[Any] = ["cu", "ag", "cu", "cu2", "nobody", "cu", "cu", Text("ag"), None, ""]
    column, single = engine_with_chats(), engine_with_chats()
    results = column.messages(LATER, conversations, participants)

    def one_call(conversation: Any, participant: Any) -> Outcome:
        return raised(lambda: single.message(LATER, conversation, participant))

    expected = [one_call(c, p) for c, p in zip(conversations, participants)]
    assert [outcome(r) for r in results] == expected
    assert None in expected and len({e for e in expected if e}) >= 5
    assert state(column) == state(single)


def test_messages_takes_any_iterables_and_equals_apply_many() -> None:
    pairs = [(f"c{i % 2 + 1}", ["cu", "ag", "cu2"][i % 3]) for i in range(300)]
    column, batch = engine_with_chats(), engine_with_chats()
    column.advance(LATER)
    results = column.messages(LATER, (c for c, _ in pairs), tuple(p for _, p in pairs))
    batch_results = batch.apply_many(
        [{"at": LATER, "op": "advance"}] + [{"at": LATER, "op": "message", "conversation": c, "participant": p} for c, p in pairs]
    )
    assert [outcome(r) for r in results] == [outcome(r) for r in batch_results[1:]]
    assert state(column) == state(batch)
    assert column.messages(LATER, [], []) == []


@pytest.mark.parametrize(
    ("call", "start"),
    [
        (lambda e: e.messages(1.5, ["c1"], ["cu"]), "now: "),
        (lambda e: e.messages(-1, ["c1"], ["cu"]), "now: "),
        (lambda e: e.messages(LATER, 5, ["cu"]), "conversations: "),
        (lambda e: e.messages(LATER, ["c1"], None), "participants: "),
        (lambda e: e.messages(LATER, ["c1", "c1"], ["cu"]), "participants: has fewer items than conversations"),
        (lambda e: e.messages(LATER, ["c1"], ["cu", "ag"]), "conversations: has fewer items than participants"),
    ],
)
def test_messages_refuses_bad_arguments_before_applying_anything(call: Callable[[chatlife.Engine], object], start: str) -> None:
    engine = engine_with_chats()
    before = state(engine)
    with pytest.raises(chatlife.InvalidArgument) as caught:
        call(engine)
    assert caught.value.message.startswith(start), caught.value.message
    assert state(engine) == before


def test_an_iterable_that_raises_applies_nothing() -> None:
    def broken() -> Any:
        yield "c1"
        raise KeyError("host bug")

    for engine in (engine_with_chats(), engine_with_chats()):
        before = state(engine)
        with pytest.raises(KeyError):
            engine.messages(LATER, broken(), ["cu", "cu"])
        with pytest.raises(KeyError):
            engine.apply_many({"at": LATER, "op": "message", "conversation": c, "participant": "cu"} for c in broken())
        assert state(engine) == before


def test_keys_and_ops_from_json_take_the_fast_path_too() -> None:
    """Keys written in source are interned; those from json.loads are not."""
    import json

    commands = [{"at": LATER + i, "op": "message", "conversation": "c1", "participant": p} for i, p in enumerate(["cu", "ag", "x"])]
    loaded = json.loads(json.dumps(commands))
    assert loaded[0]["op"] is not "message"  # noqa: F632
    fast, slow = engine_with_chats(), engine_with_chats()
    assert [outcome(r) for r in fast.apply_many(loaded)] == [outcome(r) for r in slow.apply_many([SlowDict(c) for c in commands])]
    assert state(fast) == state(slow)


@pytest.mark.parametrize(
    "op, arguments",
    [
        ("update_participant_role_config", {"conversation": "c1", "request": None}),
        ("update_participant_role_config", {"conversation": "nope", "request": None}),
        ("update_participant_role_config", {"conversation": "c1", "request": {"ChannelConfiguration": {}}}),
        ("set_agent_capacity", {"agent": "ag", "capacity": None}),
        ("set_agent_capacity", {"agent": "ag", "capacity": 2}),
        ("set_agent_capacity", {"agent": "ag", "capacity": -1}),
        ("set_wait", {"conversation": "c1", "wait_for": None}),
    ],
)
def test_null_and_other_kinds_agree_with_the_parser(op: str, arguments: dict[str, Any]) -> None:
    """A required field given None is refused as the parser refuses it, whatever its type."""
    key = {"wait_for": "for"}
    as_json = {key.get(k, k): v for k, v in arguments.items()}
    by_method_engine, fast, slow = engine_with_chats(op), engine_with_chats(op), engine_with_chats(op)
    by_method = raised(lambda: getattr(by_method_engine, op)(LATER, *arguments.values()))
    [fast_result] = fast.apply_many([{"at": LATER, "op": op, **as_json}])
    [slow_result] = slow.apply_many([SlowDict(as_json, at=LATER, op=op)])
    assert outcome(fast_result) == outcome(slow_result), arguments
    assert by_method == strip_batch_prefix(outcome(slow_result)), arguments
    assert state(fast) == state(slow) == state(by_method_engine), arguments
