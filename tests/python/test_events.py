"""Events as Python objects: one immutable class per type, one typed attribute
per field, and ``to_dict()``/``to_json()`` that agree with the canonical line."""

from __future__ import annotations

import enum
import gc
import json
from pathlib import Path
from typing import Any

import pytest
from support import SCENARIOS, same_json

import chatlife
from chatlife.__main__ import apply_step
from chatlife._native import load_scenario


def events_of(path: Path) -> list[chatlife.Event]:
    scenario = load_scenario(path.read_text(encoding="utf-8"))
    engine = chatlife.Engine(scenario.get("config", {}))
    events: list[chatlife.Event] = []
    for step in scenario["steps"]:
        if "expect" in step:
            continue
        fields = {k: v for k, v in step.items() if k not in ("at", "op", "error")}
        try:
            apply_step(engine, chatlife.parse_at(step["at"]), step["op"], fields)
        except chatlife.ChatlifeError:
            pass
        events.extend(engine.poll_events())
    return events


ALL_EVENTS = [event for path in SCENARIOS for event in events_of(path)]

# The Python type of every field of docs/rules.md §10 (reason depends on the event type).
FIELD_TYPES: dict[str, Any] = {
    "at": int,
    "type": str,
    "conversation": str,
    "policy": str,
    "customer": str,
    "from": chatlife.State,
    "to": chatlife.State,
    "participant": str,
    "role": chatlife.Role,
    "transcript": bool,
    "disconnected": tuple,
    "key": str,
    "text": str,
    "visible_to": chatlife.VisibleTo,
    "timers": dict,
    "url": str,
    "token": str,
    "redirect_url": (str, type(None)),
    "method": chatlife.ReconnectMethod,
    "same_agent": bool,
    "start_new": bool,
    "agent": str,
    "used": int,
    "capacity": (int, type(None)),
    "timer": chatlife.Warned,
    "deadline": int,
    "since": int,
    "on_hold": bool,
}
REASON_TYPES = {
    "state_changed": chatlife.Reason,
    "participant_left": chatlife.LeftReason,
    "reconnect_refused": chatlife.RefusedReason,
    "hold_changed": chatlife.HoldReason,
}
# Fields that are null in some events of a type (R-RC10; §12's conversation timers).
NULLABLE = {
    ("no_reconnect_offer", "conversation"),
    ("reconnect_refused", "conversation"),
    ("expiry_warning", "participant"),
}


def attribute(key: str) -> str:
    return "from_" if key == "from" else key


def test_the_scenarios_emit_every_event_type() -> None:
    assert {event.type for event in ALL_EVENTS} == set(chatlife.EVENT_TYPES)


def test_every_event_type_has_its_class() -> None:
    assert list(chatlife.EVENT_CLASSES) == list(chatlife.EVENT_TYPES)
    for name, cls in chatlife.EVENT_CLASSES.items():
        assert issubclass(cls, chatlife.Event)
        assert getattr(chatlife, cls.__name__) is cls
        assert "".join(part.title() for part in name.split("_")) == cls.__name__
    with pytest.raises(TypeError):
        chatlife.EVENT_CLASSES["oops"] = chatlife.Event  # type: ignore[index]


@pytest.mark.parametrize("event_type", chatlife.EVENT_TYPES)
def test_fields_are_typed_attributes(event_type: str) -> None:
    events = [event for event in ALL_EVENTS if event.type == event_type]
    assert events
    for event in events:
        assert type(event) is chatlife.EVENT_CLASSES[event_type]
        canonical = event.to_dict()
        assert list(canonical)[:2] == ["at", "type"]
        if event_type == "capacity_changed":
            assert "conversation" not in canonical
            assert event.conversation is None
        else:
            assert list(canonical)[2] == "conversation"
        for key, value in canonical.items():
            got = getattr(event, attribute(key))
            expected_type = REASON_TYPES[event_type] if key == "reason" else FIELD_TYPES[key]
            if (event_type, key) in NULLABLE:
                expected_type = (expected_type, type(None))
            assert isinstance(got, expected_type), (event, key, got)
            if isinstance(got, enum.Enum):
                assert got.value == value and got == value
            elif isinstance(got, tuple):
                assert same_json(list(got), value)
            else:
                assert same_json(got, value), (key, got, value)
        if event_type == "timer_config_stored":
            assert sorted(event.to_dict()["timers"]) == [
                "agent_auto_disconnect",
                "agent_idle",
                "customer_auto_disconnect",
                "customer_idle",
            ]


def test_to_json_is_the_canonical_line_of_to_dict() -> None:
    for event in ALL_EVENTS:
        line = event.to_json()
        assert line == json.dumps(event.to_dict(), ensure_ascii=False, separators=(",", ":"))
        assert same_json(json.loads(line), event.to_dict())


def test_json_escaping_of_python_equals_the_cores() -> None:
    """The Python runner formats error lines with json.dumps; the core's own
    serializer must escape every character the same way."""
    text = "".join(chr(c) for c in range(1, 0x800)) + "\u2028\u2029\ufeff\U0001f3a7 {CustomerName}"
    config = {"policies": {"default": {"messages": {"customer_disconnected": text}, "disconnect_grace": "10s"}}}
    engine = chatlife.Engine(config)
    engine.start_conversation(0, "c1", "cu")
    engine.connection_lost(1, "c1", "cu")
    engine.advance(60_000)
    [message] = [e for e in engine.poll_events() if isinstance(e, chatlife.TranscriptMessage)]
    assert message.text == text.replace("{CustomerName}", "cu")
    assert json.dumps(message.text, ensure_ascii=False) in message.to_json()
    assert message.to_json() == json.dumps(message.to_dict(), ensure_ascii=False, separators=(",", ":"))


def test_events_are_immutable() -> None:
    event = next(e for e in ALL_EVENTS if isinstance(e, chatlife.StateChanged))
    for name in ("at", "type", "conversation", "from_", "to", "reason"):
        with pytest.raises(AttributeError):
            setattr(event, name, "x")
    with pytest.raises(AttributeError):
        event.anything = 1  # type: ignore[attr-defined]
    copy = event.to_dict()
    copy["to"] = "mutated"
    assert event.to_dict()["to"] == event.to.value != "mutated"
    with pytest.raises(TypeError):
        chatlife.Event()
    with pytest.raises(TypeError):
        chatlife.StateChanged()


def test_events_compare_and_hash_by_content() -> None:
    first, again = events_of(SCENARIOS[0]), events_of(SCENARIOS[0])
    assert first == again
    assert len({*first, *again}) == len(set(first))
    assert first[0] != first[1]
    assert first[0] != first[0].to_dict()


def test_repr_shows_fields_but_never_a_token() -> None:
    links = [e for e in ALL_EVENTS if isinstance(e, chatlife.ReconnectLinkIssued)]
    assert links
    for link in links:
        assert link.token.startswith("crl1_") and link.token in link.url
        assert link.token in link.to_json()
        assert link.token not in repr(link) and "crl1_" not in repr(link)
        assert "<redacted>" in repr(link)
    changed = next(e for e in ALL_EVENTS if isinstance(e, chatlife.StateChanged))
    assert repr(changed).startswith(f"StateChanged(at={changed.at}, conversation=")
    assert f"from_='{changed.from_.value}'" in repr(changed)


def test_vocabularies_are_str_enums() -> None:
    wrap_up: str = chatlife.State.WRAP_UP
    assert wrap_up == "wrap_up" and isinstance(wrap_up, str)
    assert str(chatlife.State.WRAP_UP) == "wrap_up" and f"{chatlife.Role.AGENT}" == "agent"
    assert json.dumps(chatlife.Role.AGENT) == '"agent"'
    assert chatlife.State("closed") is chatlife.State.CLOSED
    assert [s.value for s in chatlife.State] == ["open", "active", "waiting", "wrap_up", "closed"]
    assert [r.value for r in chatlife.Role] == ["customer", "agent", "supervisor", "bot"]
    assert [w.value for w in chatlife.WaitFor] == ["none", "customer", "bot"]
    for cls in (chatlife.Reason, chatlife.LeftReason, chatlife.RefusedReason, chatlife.VisibleTo, chatlife.HoldReason, chatlife.Warned):
        assert all(member.name == member.value.upper() for member in cls)
    with pytest.raises(ValueError):
        chatlife.State("gone")


def test_every_enum_value_seen_is_a_member() -> None:
    """A value the core emits but the enum lacks would come out as a plain str."""
    for event in ALL_EVENTS:
        for key in event.to_dict():
            value = getattr(event, attribute(key))
            if key in ("from", "to", "role", "reason", "visible_to", "method", "timer"):
                assert isinstance(value, enum.Enum), (event, key)


def test_polled_events_are_not_tracked_by_the_garbage_collector() -> None:
    """They hold no Python objects, so no collection needs to visit them."""
    engine = chatlife.Engine({})
    engine.start_conversation(0, "c1", "cu")
    engine.join(0, "c1", "ag", "agent")
    events = engine.poll_events()
    assert len(events) >= 3
    assert not any(gc.is_tracked(event) for event in events)
    gc.collect()
    started = events[0]
    assert isinstance(started, chatlife.ConversationStarted)
    assert started.customer == "cu" == started.to_dict()["customer"]


def test_the_type_is_one_shared_string_per_type() -> None:
    """Hosts read `.type` of every event: it is not made anew per read."""
    first, again = events_of(SCENARIOS[0]), events_of(SCENARIOS[0])
    for a, b in zip(first, again):
        assert a.type is b.type is a.type
        assert a.type in chatlife.EVENT_TYPES
