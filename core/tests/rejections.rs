//! E1: a rejected command changes nothing, emits nothing and does not move the
//! clock; no due timer fires on its account. One test per error code, each
//! sent while a timer is already due (asserted), compared by the engine's
//! whole state: its snapshot bytes, token digests and seeded stream included.

use chatlife::{Command, Engine, Error, Role};
use serde_json::json;

/// An engine at 1m with c1 active (ag), c2 open, reconnect on, a link issued,
/// and the customer's idle timer due at 2m.
fn engine() -> Engine {
    let mut e = Engine::from_json(
        &json!({
            "seed": 5,
            "agents": {"default_capacity": 1},
            "policies": {"default": {"timers": {"customer_idle": 2},
                "reconnect": {"enabled": true, "portal_url": "https://example.com/c"}},
                "plain": {}}
        })
        .to_string(),
    )
    .unwrap();
    let cmds = [
        json!({"op": "start_conversation", "conversation": "c1", "customer": "cu"}),
        json!({"op": "join", "conversation": "c1", "participant": "ag", "role": "agent"}),
        json!({"op": "start_conversation", "conversation": "c2", "customer": "cu2", "policy": "plain"}),
        json!({"op": "issue_reconnect_link", "conversation": "c1"}),
    ];
    for c in cmds {
        e.apply(0, &Command::from_value(c).unwrap()).unwrap();
    }
    e.advance(60_000).unwrap();
    while e.poll_event().is_some() {}
    e
}

/// Applies `command` at 5m (past the due timer) and checks it was refused with
/// `code` and left no trace.
fn refused(code: &str, now: u64, command: serde_json::Value) {
    let mut e = engine();
    let before = e.snapshot();
    let deadline = e.next_deadline();
    if code != "time_went_backwards" {
        assert!(deadline.is_some_and(|d| d <= now), "{command}: the idle timer must be due when it arrives");
    }
    let err = match Command::from_value(command.clone()) {
        Ok(c) => e.apply(now, &c).expect_err(&format!("{command} should be refused")),
        Err(parse) => parse,
    };
    assert_eq!(err.code(), code, "{command}: {err}");
    assert!(!err.message().is_empty());
    assert_eq!(e.pending_events(), 0, "{command} emitted events");
    assert_eq!(e.now(), 60_000, "{command} moved the clock");
    assert_eq!(e.next_deadline(), deadline, "{command} fired or moved a timer");
    assert!(e.snapshot() == before, "{command} changed the engine");
    // The due timer still fires at its own deadline when time does move.
    e.advance(LATER).unwrap();
    let idle = e.poll_event().expect("the idle timer is still pending");
    assert_eq!((idle.at, idle.kind.type_name()), (120_000, "participant_idle"));
}

const LATER: u64 = 300_000;

#[test]
fn invalid_argument() {
    refused("invalid_argument", LATER, json!({"op": "message", "conversation": "c1", "participant": ""}));
    refused("invalid_argument", LATER, json!({"op": "reconnect", "token": "garbage", "authenticated_as": ""}));
    refused(
        "invalid_argument",
        LATER,
        json!({"op": "join", "conversation": "c1", "participant": "x", "role": "customer"}),
    );
}

#[test]
fn invalid_config() {
    refused(
        "invalid_config",
        LATER,
        json!({"op": "start_conversation", "conversation": "c9", "customer": "c", "policy": "gold"}),
    );
}

#[test]
fn unknown_conversation() {
    refused("unknown_conversation", LATER, json!({"op": "message", "conversation": "zz", "participant": "cu"}));
}

#[test]
fn duplicate_conversation() {
    refused(
        "duplicate_conversation",
        LATER,
        json!({"op": "start_conversation", "conversation": "c1", "customer": "x"}),
    );
}

#[test]
fn unknown_participant() {
    refused("unknown_participant", LATER, json!({"op": "message", "conversation": "c1", "participant": "nobody"}));
}

#[test]
fn duplicate_participant() {
    refused(
        "duplicate_participant",
        LATER,
        json!({"op": "join", "conversation": "c1", "participant": "ag", "role": "bot"}),
    );
}

#[test]
fn invalid_state() {
    refused("invalid_state", LATER, json!({"op": "connection_restored", "conversation": "c1", "participant": "cu"}));
    refused("invalid_state", LATER, json!({"op": "issue_reconnect_link", "conversation": "c2"}));
}

#[test]
fn capacity_exceeded() {
    refused(
        "capacity_exceeded",
        LATER,
        json!({"op": "join", "conversation": "c2", "participant": "ag", "role": "agent"}),
    );
}

#[test]
fn time_went_backwards() {
    refused("time_went_backwards", 59_999, json!({"op": "message", "conversation": "c1", "participant": "cu"}));
}

#[test]
fn limit_exceeded() {
    let long = "x".repeat(257);
    refused("limit_exceeded", LATER, json!({"op": "join", "conversation": "c1", "participant": long, "role": "bot"}));
    refused("limit_exceeded", u64::MAX, json!({"op": "advance"}));
}

#[test]
fn a_refused_link_does_not_consume_randomness() {
    // Same engine twice: one sees a link refused for the limit first. The next
    // token must be the same in both, so the refusal drew no random bytes.
    let link = |e: &mut Engine| {
        e.issue_reconnect_link(70_000, "c1").unwrap();
        e.poll_event().unwrap().to_json()
    };
    let mut plain = engine();
    let mut probed = engine();
    assert_eq!(probed.issue_reconnect_link(70_000, "c2").unwrap_err().code(), "invalid_state");
    assert_eq!(link(&mut plain), link(&mut probed));
}

#[test]
fn a_command_valid_only_before_a_due_timer_is_refused_whole() {
    // The agent's grace ends at 1m10s; a message from the agent at 2m would be
    // valid on the state before the timer fires, but not after it: refused,
    // and the grace expiry has still not been emitted.
    let mut e = Engine::from_json(r#"{"policies": {"default": {"agent_disconnect_grace": "1m"}}}"#).unwrap();
    e.start_conversation(0, "c1", "cu", Default::default()).unwrap();
    e.join(0, "c1", "ag", Role::Agent, None).unwrap();
    e.connection_lost(10_000, "c1", "ag").unwrap();
    while e.poll_event().is_some() {}
    assert_eq!(e.next_deadline(), Some(70_000), "the grace is due when the message arrives");
    let before = e.snapshot();
    let err: Error = e.message(120_000, "c1", "ag").unwrap_err();
    assert_eq!(err.code(), "unknown_participant");
    assert!(e.snapshot() == before);
    assert_eq!(e.pending_events(), 0);
    e.advance(120_000).unwrap();
    let left = e.poll_event().unwrap();
    assert_eq!((left.at, left.kind.type_name()), (70_000, "participant_left"));
}

#[test]
fn limits_on_links_and_participants() {
    let mut e = engine();
    for i in 0..15 {
        // One link was issued by the setup; 16 may be outstanding.
        e.issue_reconnect_link(70_000 + i, "c1").unwrap();
    }
    assert_eq!(e.issue_reconnect_link(80_000, "c1").unwrap_err().code(), "limit_exceeded");
    for i in 0..63 {
        // The customer plus 63 others make the 64 a conversation keeps.
        e.join(80_000, "c2", &format!("sup{i}"), Role::Supervisor, None).unwrap();
    }
    let err = e.join(80_000, "c2", "one-too-many", Role::Supervisor, None).unwrap_err();
    assert_eq!(err.code(), "limit_exceeded", "{err}");
    // A participant who left and comes back reuses their place.
    e.leave(80_000, "c2", "sup0").unwrap();
    e.join(80_000, "c2", "sup0", Role::Supervisor, None).unwrap();
}
