//! Random configurations and random command sequences against the engine
//! (proptest), checking after every step what must always hold:
//! - the engine's own invariants (capacity used = what its conversations hold,
//!   closed conversations keep only their forget timer, no stale timer keys);
//! - `closed` is final; events come in non-decreasing `at`, never after `now`;
//! - no idle/returned/auto-disconnect event for a participant who has left;
//! - a rejected command leaves the snapshot byte-identical;
//! - snapshot → restore → snapshot is identical.
//!
//! `PROPTEST_CASES` sets the number of cases (10,000 by default; `make soak` more).

use std::collections::{HashMap, HashSet};

use chatlife::EventKind;
use chatlife::{Engine, Role, TimerSettings, WaitFor};
use proptest::prelude::*;
use serde_json::{json, Value};

const CONVERSATIONS: [&str; 3] = ["c0", "c1", "c2"];
const PEOPLE: [&str; 6] = ["a0", "a1", "s0", "b0", "k0", "k1"];
const ROLES: [Role; 4] = [Role::Agent, Role::Supervisor, Role::Bot, Role::Customer];
const IDENTITIES: [&str; 2] = ["u0", "u1"];

#[derive(Debug, Clone)]
enum Op {
    Start { conv: usize, customer: usize, identity: Option<usize>, policy: usize },
    Join { conv: usize, who: usize, role: usize },
    Leave { conv: usize, who: usize },
    Message { conv: usize, who: usize },
    Lost { conv: usize, who: usize },
    Restored { conv: usize, who: usize },
    End { conv: usize, who: usize },
    Close { conv: usize, who: usize },
    Link { conv: usize },
    UseLink { nth: usize, flip: Option<usize>, identity: Option<usize> },
    Prompt { conv: usize, identity: usize },
    Returning { identity: usize },
    Decline { conv: usize, identity: usize },
    Timers { conv: usize, minutes: [Option<u16>; 4] },
    Wait { conv: usize, wait: usize },
    Capacity { agent: usize, capacity: Option<u32> },
    Advance,
}

fn op() -> impl Strategy<Value = Op> {
    let conv = 0..CONVERSATIONS.len();
    let who = 0..PEOPLE.len();
    let identity = 0..IDENTITIES.len();
    prop_oneof![
        3 => (conv.clone(), 4..6usize, proptest::option::of(identity.clone()), 0..3usize)
            .prop_map(|(conv, customer, identity, policy)| Op::Start { conv, customer, identity, policy }),
        4 => (conv.clone(), 0..4usize, proptest::option::weighted(0.2, 0..4usize)).prop_map(|(conv, who, odd_role)| {
            // Mostly the role the id suggests (a0, a1 agents; s0 supervisor; b0 bot).
            Op::Join { conv, who, role: odd_role.unwrap_or([0, 0, 1, 2][who]) }
        }),
        2 => (conv.clone(), who.clone()).prop_map(|(conv, who)| Op::Leave { conv, who }),
        6 => (conv.clone(), who.clone()).prop_map(|(conv, who)| Op::Message { conv, who }),
        2 => (conv.clone(), who.clone()).prop_map(|(conv, who)| Op::Lost { conv, who }),
        1 => (conv.clone(), who.clone()).prop_map(|(conv, who)| Op::Restored { conv, who }),
        1 => (conv.clone(), who.clone()).prop_map(|(conv, who)| Op::End { conv, who }),
        1 => (conv.clone(), who.clone()).prop_map(|(conv, who)| Op::Close { conv, who }),
        1 => conv.clone().prop_map(|conv| Op::Link { conv }),
        2 => (0..4usize, proptest::option::of(0..43usize), proptest::option::of(identity.clone()))
            .prop_map(|(nth, flip, identity)| Op::UseLink { nth, flip, identity }),
        1 => (conv.clone(), identity.clone()).prop_map(|(conv, identity)| Op::Prompt { conv, identity }),
        1 => identity.clone().prop_map(|identity| Op::Returning { identity }),
        1 => (conv.clone(), identity).prop_map(|(conv, identity)| Op::Decline { conv, identity }),
        1 => (conv.clone(), proptest::array::uniform4(proptest::option::of(2..12u16)))
            .prop_map(|(conv, minutes)| Op::Timers { conv, minutes }),
        1 => (conv, 0..3usize).prop_map(|(conv, wait)| Op::Wait { conv, wait }),
        1 => (0..2usize, proptest::option::of(0..3u32)).prop_map(|(agent, capacity)| Op::Capacity { agent, capacity }),
        3 => Just(Op::Advance),
    ]
}

/// Milliseconds to move the clock before a step; now and then backwards.
fn delta() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => Just(0i64),
        3 => 1..2_000i64,
        4 => 2_000..400_000i64,
        2 => 400_000..3_000_000i64,
        1 => -5_000..0i64,
    ]
}

fn timers() -> impl Strategy<Value = Value> {
    proptest::array::uniform4(proptest::option::of(2..8u16)).prop_map(|m| {
        json!({"customer_idle": m[0], "customer_auto_disconnect": m[1], "agent_idle": m[2], "agent_auto_disconnect": m[3]})
    })
}

fn policy() -> impl Strategy<Value = Value> {
    (
        timers(),
        prop_oneof![Just("10s"), Just("1m"), Just("3m")],
        any::<bool>(),
        prop_oneof![Just("1m"), Just("3m"), Just("10m")],
        any::<bool>(),
        prop_oneof![Just(json!("always")), Just(json!("never")), Just(json!("30s")), Just(json!("5m"))],
        proptest::option::of(prop_oneof![Just("1m"), Just("20m")]),
        proptest::option::of(Just("1h")),
        1..3u32,
        any::<bool>(),
    )
        .prop_map(|(timers, grace, reconnect, limit, prompt, block, close, max, units, flow)| {
            let mut p = json!({
                "timers": timers, "disconnect_grace": grace, "agent_disconnect_grace": grace,
                "wrap_up": {"block_capacity": block}, "capacity_units": units, "disconnect_flow": flow,
            });
            if reconnect {
                p["reconnect"] = json!({"enabled": true, "portal_url": "https://p/chat", "time_limit": limit,
                                        "prompt": prompt, "redirect_url": "https://p/help"});
            }
            if let Some(c) = close {
                p["auto_close"] = json!({"open": c, "waiting": c, "wrap_up": c});
            }
            if let Some(m) = max {
                p["max_duration"] = json!(m);
            }
            p
        })
}

fn config() -> impl Strategy<Value = Value> {
    (policy(), policy(), policy(), proptest::option::of(1..4u32), prop_oneof![Just("0s"), Just("2m"), Just("1h")])
        .prop_map(|(a, b, c, capacity, retain)| {
            let mut v = json!({"seed": 11, "retain_closed": retain, "policies": {"default": a, "p1": b, "p2": c}});
            if let Some(capacity) = capacity {
                v["agents"] = json!({"default_capacity": capacity});
            }
            v
        })
}

/// What the events said so far, to check the SPEC's promises against.
#[derive(Default)]
struct Watch {
    last_at: u64,
    closed: HashSet<String>,
    present: HashMap<String, HashSet<String>>,
    tokens: Vec<String>,
}

impl Watch {
    fn see(&mut self, e: &chatlife::Event, now: u64) -> Result<(), String> {
        if e.at < self.last_at || e.at > now {
            return Err(format!("event at {} after one at {} (now {now}): {}", e.at, self.last_at, e.to_json()));
        }
        self.last_at = e.at;
        let conv = e.conversation.as_deref().unwrap_or("").to_owned();
        let present = |w: &Watch, who: &str| w.present.get(&conv).is_some_and(|s| s.contains(who));
        match &e.kind {
            EventKind::ConversationStarted { customer, .. } => {
                self.closed.remove(&conv);
                self.present.insert(conv.clone(), [customer.to_string()].into());
            }
            EventKind::StateChanged { from, .. } if self.closed.contains(&conv) => {
                return Err(format!("{conv} left closed ({from:?}): {}", e.to_json()));
            }
            EventKind::StateChanged { to: chatlife::State::Closed, .. } => {
                self.closed.insert(conv.clone());
            }
            EventKind::ParticipantJoined { participant, .. } => {
                self.present.entry(conv).or_default().insert(participant.to_string());
            }
            EventKind::ParticipantLeft { participant, .. } => {
                self.present.entry(conv).or_default().remove(&**participant);
            }
            EventKind::ParticipantIdle { participant, .. }
            | EventKind::ParticipantReturned { participant, .. }
            | EventKind::AutoDisconnected { participant, .. }
                if !present(self, participant) =>
            {
                return Err(format!("timer event for {participant}, who is not in {conv}: {}", e.to_json()));
            }
            EventKind::ReconnectLinkIssued { token, .. } => self.tokens.push(token.expose().to_owned()),
            _ => {}
        }
        Ok(())
    }
}

fn apply(engine: &mut Engine, watch: &Watch, now: u64, op: &Op) -> Result<(), chatlife::Error> {
    let c = |i: usize| CONVERSATIONS[i];
    match *op {
        Op::Start { conv, customer, identity, policy } => engine.start_conversation(
            now,
            c(conv),
            PEOPLE[customer],
            chatlife::StartOptions {
                policy: Some(["default", "p1", "p2"][policy]),
                authenticated_as: identity.map(|i| IDENTITIES[i]),
                display_name: None,
            },
        ),
        Op::Join { conv, who, role } => engine.join(now, c(conv), PEOPLE[who], ROLES[role], None),
        Op::Leave { conv, who } => engine.leave(now, c(conv), PEOPLE[who]),
        Op::Message { conv, who } => engine.message(now, c(conv), PEOPLE[who]),
        Op::Lost { conv, who } => engine.connection_lost(now, c(conv), PEOPLE[who]),
        Op::Restored { conv, who } => engine.connection_restored(now, c(conv), PEOPLE[who]),
        Op::End { conv, who } => engine.end(now, c(conv), PEOPLE[who]),
        Op::Close { conv, who } => engine.close_session(now, c(conv), PEOPLE[who]),
        Op::Link { conv } => engine.issue_reconnect_link(now, c(conv)),
        Op::UseLink { nth, flip, identity } => {
            let Some(token) = (!watch.tokens.is_empty()).then(|| watch.tokens[nth % watch.tokens.len()].clone()) else {
                return engine.advance(now);
            };
            let mut token = token.into_bytes();
            if let Some(i) = flip {
                let i = token.len() - 1 - i % 43;
                token[i] = if token[i] == b'A' { b'B' } else { b'A' };
            }
            engine.reconnect_link(now, std::str::from_utf8(&token).unwrap(), identity.map(|i| IDENTITIES[i]))
        }
        Op::Prompt { conv, identity } => engine.reconnect_prompt(now, c(conv), IDENTITIES[identity]),
        Op::Returning { identity } => engine.returning_customer(now, IDENTITIES[identity]),
        Op::Decline { conv, identity } => engine.decline_reconnect(now, c(conv), IDENTITIES[identity]),
        Op::Timers { conv, minutes } => {
            let t = |i: usize| minutes[i].map(|m| serde_json::from_value(json!(m)).unwrap());
            let timers = TimerSettings {
                customer_idle: t(0),
                customer_auto_disconnect: t(1),
                agent_idle: t(2),
                agent_auto_disconnect: t(3),
            };
            engine.set_participant_timers(now, c(conv), timers)
        }
        Op::Wait { conv, wait } => {
            engine.set_wait(now, c(conv), [WaitFor::None, WaitFor::Customer, WaitFor::Bot][wait])
        }
        Op::Capacity { agent, capacity } => engine.set_agent_capacity(now, PEOPLE[agent], capacity),
        Op::Advance => engine.advance(now),
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_keeps_its_promises(config in config(), steps in proptest::collection::vec((delta(), op()), 1..40)) {
        let mut engine = Engine::from_json(&config.to_string()).unwrap();
        let mut watch = Watch::default();
        let mut now: u64 = 0;
        for (i, (dt, op)) in steps.iter().enumerate() {
            let at = now.saturating_add_signed(*dt);
            let before = engine.snapshot();
            match apply(&mut engine, &watch, at, op) {
                Ok(()) => now = at,
                Err(e) => {
                    prop_assert_eq!(engine.pending_events(), 0, "step {}: {:?} refused ({}) but emitted", i, op, e);
                    prop_assert!(engine.snapshot() == before, "step {}: {:?} refused ({}) but changed the engine", i, op, e);
                }
            }
            while let Some(e) = engine.poll_event() {
                if let Err(problem) = watch.see(&e, now) {
                    return Err(TestCaseError::fail(format!("step {i} {op:?}: {problem}")));
                }
            }
            if let Err(problem) = engine.check_invariants() {
                return Err(TestCaseError::fail(format!("step {i} {op:?}: {problem}")));
            }
            let bytes = engine.snapshot();
            let mut again =
                Engine::from_snapshot(&bytes).map_err(|e| TestCaseError::fail(format!("restore: {e}")))?;
            prop_assert!(again.snapshot() == bytes, "step {}: snapshot → restore → snapshot differs", i);
            // Asking fills the wheel's kept earliest deadline; the next step's
            // check_invariants compares what the step made of it with a search.
            prop_assert_eq!(engine.next_deadline(), again.next_deadline(), "step {}: next_deadline", i);
        }
    }
}
