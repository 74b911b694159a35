"""SPEC v2 through Python: ``hold``/``resume`` (§14), and the events and
vocabularies v2 added, as typed objects (``ExpiryWarning``,
``ConversationInactive``, ``HoldChanged``, ``HoldReason``, ``Warned``)."""

from __future__ import annotations

from typing import Callable

import pytest

import chatlife

MIN = 60_000
CONFIG = {
    "agents": {"default_capacity": 1},
    "policies": {
        "default": {
            "timers": {"customer_auto_disconnect": 20},
            "warnings": {"customer_auto_disconnect": ["15m"], "inactivity": ["2m"]},
            "inactivity": {"after": "10m"},
            "hold": {"enabled": True},
        }
    },
}


def active_chat() -> chatlife.Engine:
    engine = chatlife.Engine(CONFIG)
    engine.start_conversation(0, "c1", "cu")
    engine.join(0, "c1", "ag", "agent")
    engine.poll_events()
    return engine


def test_warnings_hold_and_inactivity_are_typed_events() -> None:
    engine = active_chat()
    engine.advance(9 * MIN)
    first, second = engine.poll_events()
    assert isinstance(first, chatlife.ExpiryWarning) and isinstance(second, chatlife.ExpiryWarning)
    assert (first.at, first.timer, first.participant, first.deadline) == (
        5 * MIN,
        chatlife.Warned.CUSTOMER_AUTO_DISCONNECT,
        "cu",
        20 * MIN,
    )
    assert second.timer is chatlife.Warned.INACTIVITY and second.participant is None and second.deadline == 10 * MIN
    assert second.transcript is False

    engine.hold(9 * MIN, "c1", "ag")
    held, capacity = engine.poll_events()
    assert isinstance(held, chatlife.HoldChanged)
    assert held.on_hold is True and held.reason is chatlife.HoldReason.AGENT
    assert isinstance(capacity, chatlife.CapacityChanged) and capacity.used == 0
    assert engine.state("c1") is chatlife.State.ACTIVE  # H1: the state stays active

    engine.resume(9 * MIN + 1, "c1", "ag")
    resumed = engine.poll_events()[0]
    assert isinstance(resumed, chatlife.HoldChanged) and resumed.on_hold is False
    engine.advance(60 * MIN)
    events = engine.poll_events()
    inactive = next(e for e in events if isinstance(e, chatlife.ConversationInactive))
    assert inactive.at == 19 * MIN + 1 and inactive.since == 9 * MIN + 1
    wrapped = next(e for e in events if isinstance(e, chatlife.StateChanged))
    assert wrapped.reason is chatlife.Reason.INACTIVITY and wrapped.to is chatlife.State.WRAP_UP


def test_hold_refusals_name_their_field_and_change_nothing() -> None:
    engine = active_chat()
    before = engine.snapshot()
    cases: list[tuple[Callable[[], None], type[chatlife.ChatlifeError], str]] = [
        (lambda: engine.hold(MIN, "c1", "cu"), chatlife.InvalidState, "participant: "),
        (lambda: engine.resume(MIN, "c1", "ag"), chatlife.InvalidState, "conversation: "),
        (lambda: engine.hold(MIN, "zz", "ag"), chatlife.UnknownConversation, "conversation: "),
        (lambda: engine.hold(MIN, "c1", "x" * 300), chatlife.LimitExceeded, "participant: "),
    ]
    for call, cls, start in cases:
        with pytest.raises(cls) as caught:
            call()
        assert caught.value.message.startswith(start), caught.value.message
    assert engine.snapshot() == before and engine.poll_events() == []


def test_resume_above_capacity_is_refused_but_the_customer_resumes_it() -> None:
    engine = active_chat()
    engine.hold(MIN, "c1", "ag")
    engine.start_conversation(MIN, "c2", "cu2")
    engine.join(MIN, "c2", "ag", "agent")
    engine.poll_events()
    with pytest.raises(chatlife.CapacityExceeded) as caught:
        engine.resume(2 * MIN, "c1", "ag")
    assert caught.value.message.startswith("participant: ")
    engine.message(3 * MIN, "c1", "cu")
    resumed, capacity = engine.poll_events()
    assert isinstance(resumed, chatlife.HoldChanged) and resumed.reason is chatlife.HoldReason.CUSTOMER_MESSAGE
    assert isinstance(capacity, chatlife.CapacityChanged) and (capacity.used, capacity.capacity) == (2, 1)


def test_hold_and_resume_in_a_batch_equal_the_single_calls() -> None:
    steps = [("hold", MIN, "ag"), ("hold", MIN, "ag"), ("resume", 2 * MIN, "cu"), ("resume", 2 * MIN, "ag")]
    batch, single = active_chat(), active_chat()
    results = batch.apply_many([{"at": at, "op": op, "conversation": "c1", "participant": p} for op, at, p in steps])
    calls = {"hold": single.hold, "resume": single.resume}
    expected: list[str | None] = []
    for op, at, participant in steps:
        try:
            calls[op](at, "c1", participant)
            expected.append(None)
        except chatlife.ChatlifeError as error:
            expected.append(error.message)
    assert [None if r is None else r.message for r in results] == expected
    assert expected[0] is None and expected[3] is None and expected[1] and expected[2]
    assert [e.to_json() for e in batch.poll_events()] == [e.to_json() for e in single.poll_events()]


def test_a_token_that_is_not_genuine_names_no_conversation() -> None:
    """R-RC10: one answer for every non-genuine token, not a command error."""
    engine = chatlife.Engine({"policies": {"default": {"reconnect": {"enabled": True, "portal_url": "https://x/chat"}}}})
    engine.start_conversation(0, "c1", "cu")
    engine.poll_events()
    engine.reconnect(MIN, token="not-a-token")
    [refused] = engine.poll_events()
    assert isinstance(refused, chatlife.ReconnectRefused)
    assert refused.conversation is None and refused.reason is chatlife.RefusedReason.INVALID


def test_v2_vocabularies_list_the_cores_values() -> None:
    assert [r.value for r in chatlife.HoldReason] == ["agent", "customer_message", "customer_returned", "customer_inactive"]
    assert "reconnect_window" in [w.value for w in chatlife.Warned] and len(chatlife.Warned) == 7
    assert chatlife.LeftReason("inactivity") is chatlife.LeftReason.INACTIVITY
    # v2's additions keep the numbers C has for them (ops 17 and 18, events 21 to 23).
    assert list(chatlife.OPS)[17:19] == ["hold", "resume"]
    assert list(chatlife.EVENT_TYPES)[21:24] == ["expiry_warning", "conversation_inactive", "hold_changed"]
