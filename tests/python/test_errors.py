"""Errors: one class per error code (rule E1) under ``ChatlifeError``, messages naming the
field, a rejected call changing nothing, and no input reaching a Rust panic."""

from __future__ import annotations

import random
from typing import Any, Callable

import pytest

import chatlife
from chatlife import _native

CONFIG = {"agents": {"default_capacity": 1}, "policies": {"default": {"timers": {"customer_idle": 2}}}}
LATER = 300_000


def busy_engine() -> chatlife.Engine:
    """Two conversations, the only agent at capacity, an idle timer pending."""
    engine = chatlife.Engine(CONFIG)
    engine.start_conversation(0, "c1", "cu")
    engine.join(0, "c1", "ag", "agent")
    engine.start_conversation(0, "c2", "cu2")
    engine.advance(60_000)
    engine.poll_events()
    return engine


def test_one_class_per_code() -> None:
    assert list(chatlife.ERROR_CLASSES) == list(chatlife.ERROR_CODES)
    for code, cls in chatlife.ERROR_CLASSES.items():
        assert issubclass(cls, chatlife.ChatlifeError) and cls is not chatlife.ChatlifeError
        assert cls.code == code
        assert cls.__name__ == "".join(part.title() for part in code.split("_"))
        assert getattr(chatlife, cls.__name__) is cls
        assert cls.__module__ == "chatlife"
    assert issubclass(chatlife.ChatlifeError, Exception)
    with pytest.raises(TypeError):
        chatlife.ERROR_CLASSES["oops"] = chatlife.ChatlifeError  # type: ignore[index]


# (call, class, the field the message must name first)
REJECTIONS: list[tuple[str, Callable[[chatlife.Engine], object], type[chatlife.ChatlifeError], str]] = [
    ("empty id", lambda e: e.join(LATER, "c1", "", "agent"), chatlife.InvalidArgument, "participant"),
    ("unknown policy", lambda e: e.start_conversation(LATER, "c3", "cu", policy="vip"), chatlife.InvalidConfig, "policy"),
    ("unknown conversation", lambda e: e.message(LATER, "zz", "cu"), chatlife.UnknownConversation, "conversation"),
    ("started twice", lambda e: e.start_conversation(LATER, "c1", "cu"), chatlife.DuplicateConversation, "conversation"),
    ("stranger", lambda e: e.message(LATER, "c1", "nobody"), chatlife.UnknownParticipant, "participant"),
    ("joined twice", lambda e: e.join(LATER, "c1", "ag", "supervisor"), chatlife.DuplicateParticipant, "participant"),
    ("not lost", lambda e: e.connection_restored(LATER, "c1", "cu"), chatlife.InvalidState, "participant"),
    ("agent full", lambda e: e.join(LATER, "c2", "ag", "agent"), chatlife.CapacityExceeded, "participant"),
    ("back in time", lambda e: e.message(30_000, "c1", "cu"), chatlife.TimeWentBackwards, "now"),
    ("id too long", lambda e: e.join(LATER, "c1", "p" * 300, "bot"), chatlife.LimitExceeded, "participant"),
    ("time too late", lambda e: e.advance(chatlife.MAX_TIME + 1), chatlife.LimitExceeded, "now"),
    ("int past u64", lambda e: e.advance(2**64), chatlife.LimitExceeded, "now"),
    ("wrong type", lambda e: e.join(LATER, 5, "a", "agent"), chatlife.InvalidArgument, "conversation"),  # type: ignore[arg-type]
    ("unknown role", lambda e: e.join(LATER, "c1", "a", "boss"), chatlife.InvalidArgument, "role"),  # type: ignore[arg-type]
    ("float now", lambda e: e.advance(1.5), chatlife.InvalidArgument, "now"),  # type: ignore[arg-type]
    ("bool now", lambda e: e.advance(True), chatlife.InvalidArgument, "now"),
    ("negative now", lambda e: e.advance(-1), chatlife.InvalidArgument, "now"),
    ("None now", lambda e: e.advance(None), chatlife.InvalidArgument, "now"),  # type: ignore[arg-type]
    ("object", lambda e: e.join(LATER, "c1", "a", "bot", display_name=object()), chatlife.InvalidArgument, "display_name"),  # type: ignore[arg-type]
    ("surrogate", lambda e: e.message(LATER, "\ud800", "cu"), chatlife.InvalidArgument, "conversation"),
    ("timer bound", lambda e: e.set_participant_timers(LATER, "c1", {"agent_idle": 481}), chatlife.InvalidArgument, "timers.agent_idle"),
    ("timer name", lambda e: e.set_participant_timers(LATER, "c1", {"agent_idel": 4}), chatlife.InvalidArgument, "timers.agent_idel"),  # type: ignore[typeddict-unknown-key]
    (
        "connect role",
        lambda e: e.update_participant_role_config(
            LATER, "c1", {"ChannelConfiguration": {"Chat": {"ParticipantTimerConfigList": [{"ParticipantRole": "BOSS"}]}}}
        ),
        chatlife.InvalidArgument,
        "request.ChannelConfiguration.Chat.ParticipantTimerConfigList[0].ParticipantRole",
    ),
    ("wait for", lambda e: e.set_wait(LATER, "c1", "nobody"), chatlife.InvalidArgument, "for"),  # type: ignore[arg-type]
    ("capacity", lambda e: e.set_agent_capacity(LATER, "ag", -1), chatlife.InvalidArgument, "capacity"),
    ("no token", lambda e: e.reconnect(LATER), chatlife.InvalidArgument, "token"),
    ("hold not enabled", lambda e: e.hold(LATER, "c1", "ag"), chatlife.InvalidState, "conversation"),
    ("resume stranger", lambda e: e.resume(LATER, "c1", "nobody"), chatlife.UnknownParticipant, "participant"),
    ("hold wrong type", lambda e: e.hold(LATER, "c1", 5), chatlife.InvalidArgument, "participant"),  # type: ignore[arg-type]
    ("prompt alone", lambda e: e.reconnect(LATER, conversation="c1"), chatlife.InvalidArgument, "authenticated_as"),
    ("bad snapshot", lambda e: e.restore(b"{"), chatlife.InvalidArgument, "snapshot"),
    ("str snapshot", lambda e: e.restore("{}"), chatlife.InvalidArgument, "snapshot"),  # type: ignore[arg-type]
    ("bad export", lambda e: e.import_conversation(LATER, b"{}"), chatlife.InvalidArgument, ""),
    ("export unknown", lambda e: e.export_conversation(LATER, "zz"), chatlife.UnknownConversation, "conversation"),
    ("state of int", lambda e: e.state(5), chatlife.InvalidArgument, "conversation"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("name", "call", "cls", "field"), REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_a_rejected_call_raises_its_class_and_changes_nothing(
    name: str, call: Callable[[chatlife.Engine], object], cls: type[chatlife.ChatlifeError], field: str
) -> None:
    engine = busy_engine()
    before = (engine.snapshot(), engine.next_deadline(), engine.now)
    with pytest.raises(chatlife.ChatlifeError) as caught:
        call(engine)
    error = caught.value
    assert type(error) is cls
    assert error.code == cls.code
    assert str(error) == error.message and error.args == (error.message,)
    if field:
        assert error.message.startswith(f"{field}: "), error.message
    assert engine.poll_events() == []
    assert (engine.snapshot(), engine.next_deadline(), engine.now) == before
    # ... and the engine still works.
    engine.advance(LATER)
    assert [e.type for e in engine.poll_events()] == ["participant_idle"]


def test_configuration_errors_name_the_json_path() -> None:
    cases: list[tuple[Any, str]] = [
        ({"policies": {"default": {"timers": {"customer_idle": 481}}}}, "policies.default.timers.customer_idle: 481 is above 480"),
        ('{"policies": {"default": {"disconnect_grace": "90"}}}', "policies.default.disconnect_grace: "),
        ({"colour": "blue"}, "colour: "),
        ({"policies": {"default": {"reconnect": {"enabled": True}}}}, "policies.default.reconnect.portal_url: "),
        ({"policies": {"default": {"timers": {"customer_idle": object()}}}}, "policies.default.timers.customer_idle: "),
        ("not json", "configuration is not JSON"),
        (5, "configuration: must be a dict or JSON text, not int"),
        ([], "configuration: must be a dict or JSON text, not list"),
        ({1: 2}, "configuration: has a key of type int"),
    ]
    for config, start in cases:
        with pytest.raises(chatlife.InvalidConfig) as caught:
            chatlife.Engine(config)
        assert caught.value.code == "invalid_config"
        assert caught.value.message.startswith(start), (config, caught.value.message)


def test_a_config_given_as_text_or_dict_is_the_same() -> None:
    text = '{"seed": 5, "policies": {"default": {"reconnect": {"enabled": true, "portal_url": "https://x.test"}}}}'
    runs = []
    for config in (text, {"seed": 5, "policies": {"default": {"reconnect": {"enabled": True, "portal_url": "https://x.test"}}}}):
        engine = chatlife.Engine(config)
        engine.start_conversation(0, "c1", "cu")
        engine.issue_reconnect_link(1, "c1")
        runs.append([e.to_json() for e in engine.poll_events()])
    assert runs[0] == runs[1] and "crl1_" in runs[0][-1]


def test_apply_many_returns_errors_instead_of_raising() -> None:
    engine = chatlife.Engine({})
    results = engine.apply_many(
        [
            {"at": 0, "op": "start_conversation", "conversation": "c1", "customer": "cu"},
            {"at": 0, "op": "message", "conversation": "zz", "participant": "cu"},
            {"at": 0, "op": "fly"},
            {"op": "advance"},
            "not a command",  # type: ignore[list-item]
            {"at": "1s", "op": "message", "conversation": "c1", "participant": "cu"},
        ]
    )
    assert [None if r is None else type(r) for r in results] == [
        None,
        chatlife.UnknownConversation,
        chatlife.InvalidArgument,
        chatlife.InvalidArgument,
        chatlife.InvalidArgument,
        None,
    ]
    messages = [r.message for r in results if r is not None]
    assert messages[1].startswith("commands[2].op: ") and messages[2] == "commands[3].at: missing"
    assert messages[3].startswith("commands[4]")
    assert engine.now == 1000
    with pytest.raises(chatlife.InvalidArgument, match="^commands: "):
        engine.apply_many(5)  # type: ignore[arg-type]


def test_parse_functions_raise_invalid_argument() -> None:
    assert chatlife.parse_duration("1h30m") == 5_400_000
    assert chatlife.parse_at("90s") == chatlife.parse_at(90_000) == 90_000
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: chatlife.parse_duration("5x"), "duration: "),
        (lambda: chatlife.parse_duration(5), "duration: "),  # type: ignore[arg-type]
        (lambda: chatlife.parse_at(1.5), "at: "),  # type: ignore[arg-type]
        (lambda: chatlife.parse_at(-1), "at: "),
        (lambda: chatlife.parse_at([1]), "at: "),  # type: ignore[arg-type]
    ]
    for call, start in cases:
        with pytest.raises(chatlife.InvalidArgument) as caught:
            call()
        assert caught.value.message.startswith(start)


def test_a_panic_becomes_runtime_error_not_panic_exception() -> None:
    """pyo3 would raise PanicException, a BaseException that escapes
    ``except Exception``; the binding's guard turns it into RuntimeError."""
    with pytest.raises(RuntimeError, match="internal error") as caught:
        _native._panic_for_tests()  # type: ignore[attr-defined]
    assert isinstance(caught.value, Exception)
    assert type(caught.value) is RuntimeError


def garbage(rng: random.Random, depth: int = 0) -> Any:
    choices: list[Callable[[], Any]] = [
        lambda: None,
        lambda: rng.choice([True, False]),
        lambda: rng.randint(-(2**70), 2**70),
        lambda: rng.randint(-2, 10**6),
        lambda: rng.random() * rng.choice([1, 1e300, -1]),
        lambda: float(rng.choice(["nan", "inf", "-inf"])),
        lambda: "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(0, 8))),
        lambda: rng.choice(["c1", "cu", "ag", "agent", "bot", "customer", "none", "5s", "", "\x00", "crl1_x_y"]),
        lambda: rng.choice(chatlife.OPS),
        lambda: b"bytes",
        lambda: object(),
    ]
    if depth < 3:
        choices += [
            lambda: [garbage(rng, depth + 1) for _ in range(rng.randint(0, 3))],
            lambda: {rng.choice(["a", "op", "at", "timers", 1]): garbage(rng, depth + 1) for _ in range(rng.randint(0, 3))},
        ]
    return rng.choice(choices)()


def test_no_input_gets_anything_but_a_chatlife_error() -> None:
    rng = random.Random(20261122)
    engine = busy_engine()
    methods = {
        "start_conversation": 3,
        "join": 4,
        "leave": 3,
        "message": 3,
        "connection_lost": 3,
        "connection_restored": 3,
        "end": 3,
        "close_session": 3,
        "issue_reconnect_link": 2,
        "returning_customer": 2,
        "decline_reconnect": 3,
        "set_participant_timers": 3,
        "update_participant_role_config": 3,
        "set_wait": 3,
        "set_agent_capacity": 3,
        "advance": 1,
        "export_conversation": 2,
        "import_conversation": 2,
        "restore": 1,
    }
    outcomes = {"accepted": 0, "rejected": 0}
    for _ in range(4000):
        name = rng.choice(sorted(methods))
        arguments = [garbage(rng) for _ in range(methods[name])]
        if name != "restore" and rng.random() < 0.7:
            arguments[0] = engine.now + rng.randint(0, 5_000)
        try:
            getattr(engine, name)(*arguments)
            outcomes["accepted"] += 1
        except chatlife.ChatlifeError as error:
            assert error.code in chatlife.ERROR_CODES and error.message
            outcomes["rejected"] += 1
        batch = [garbage(rng) for _ in range(rng.randint(0, 3))]
        assert all(r is None or isinstance(r, chatlife.ChatlifeError) for r in engine.apply_many(batch))
        engine.poll_events()
    assert outcomes["rejected"] > 1000, outcomes
    refused = 0
    for _ in range(300):
        try:
            chatlife.Engine(garbage(rng) if rng.random() < 0.5 else {"policies": {"default": garbage(rng)}})
        except chatlife.InvalidConfig:
            refused += 1
    assert refused > 250


def test_a_damaged_snapshot_is_refused_and_changes_nothing() -> None:
    engine = busy_engine()
    snapshot = engine.snapshot()
    rng = random.Random(7)
    for _ in range(200):
        damaged = bytearray(snapshot[: rng.randint(0, len(snapshot))])
        if damaged and rng.random() < 0.5:
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            chatlife.Engine.from_snapshot(bytes(damaged))
        except chatlife.InvalidArgument as error:
            assert error.message.startswith("snapshot")
            with pytest.raises(chatlife.InvalidArgument):
                engine.restore(damaged)
    assert engine.snapshot() == snapshot
