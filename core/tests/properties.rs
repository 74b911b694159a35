//! Random configurations and random command sequences against the engine
//! (proptest), checking after every step what must always hold:
//! - the engine's own invariants (capacity used = what its conversations hold,
//!   closed conversations keep only their forget timer, no stale timer keys);
//! - `closed` is final; events come in non-decreasing `at`, never after `now`;
//! - no idle/returned/auto-disconnect event for a participant who has left;
//! - a rejected command leaves the snapshot byte-identical;
//! - every command agrees with the slow reference of E1 — a copy of the
//!   engine that fires every due timer, then applies — in verdict, events
//!   and state;
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
    Start {
        conv: usize,
        customer: usize,
        identity: Option<usize>,
        policy: usize,
    },
    Join {
        conv: usize,
        who: usize,
        role: usize,
    },
    Leave {
        conv: usize,
        who: usize,
    },
    Message {
        conv: usize,
        who: usize,
    },
    Lost {
        conv: usize,
        who: usize,
    },
    Restored {
        conv: usize,
        who: usize,
    },
    End {
        conv: usize,
        who: usize,
    },
    Close {
        conv: usize,
        who: usize,
    },
    Link {
        conv: usize,
    },
    UseLink {
        nth: usize,
        flip: Option<usize>,
        identity: Option<usize>,
    },
    Prompt {
        conv: usize,
        identity: usize,
    },
    Returning {
        identity: usize,
    },
    Decline {
        conv: usize,
        identity: usize,
    },
    Timers {
        conv: usize,
        minutes: [Option<u16>; 4],
    },
    Wait {
        conv: usize,
        wait: usize,
    },
    Capacity {
        agent: usize,
        capacity: Option<u32>,
    },
    /// The `nth` conversation an agent is in, by that agent (or `who` of
    /// `conv` when none is): aimed where a hold can be accepted, and refused.
    Hold {
        nth: usize,
        conv: usize,
        who: usize,
    },
    Resume {
        nth: usize,
        conv: usize,
        who: usize,
    },
    Advance,
}

fn op() -> impl Strategy<Value = Op> {
    let conv = 0..CONVERSATIONS.len();
    let who = 0..PEOPLE.len();
    let identity = 0..IDENTITIES.len();
    prop_oneof![
        5 => (conv.clone(), 4..6usize, proptest::option::of(identity.clone()), 0..3usize)
            .prop_map(|(conv, customer, identity, policy)| Op::Start { conv, customer, identity, policy }),
        6 => (conv.clone(), 0..4usize, proptest::option::weighted(0.2, 0..4usize)).prop_map(|(conv, who, odd_role)| {
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
        1 => (conv.clone(), 0..3usize).prop_map(|(conv, wait)| Op::Wait { conv, wait }),
        1 => (0..2usize, proptest::option::of(0..3u32)).prop_map(|(agent, capacity)| Op::Capacity { agent, capacity }),
        2 => (0..4usize, conv.clone(), who.clone()).prop_map(|(nth, conv, who)| Op::Hold { nth, conv, who }),
        2 => (0..4usize, conv, who).prop_map(|(nth, conv, who)| Op::Resume { nth, conv, who }),
        3 => Just(Op::Advance),
    ]
}

/// Milliseconds to move the clock before a step; now and then backwards.
fn delta() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => Just(0i64),
        3 => 1..2_000i64,
        5 => 2_000..400_000i64,
        4 => 400_000..3_000_000i64,
        1 => -5_000..0i64,
    ]
}

fn timers() -> impl Strategy<Value = Value> {
    proptest::array::uniform4(proptest::option::of(2..8u16)).prop_map(|m| {
        json!({"customer_idle": m[0], "customer_auto_disconnect": m[1], "agent_idle": m[2], "agent_auto_disconnect": m[3]})
    })
}

/// SPEC v2's parts of a policy: warnings, inactivity and hold, each often off.
fn v2() -> impl Strategy<Value = Value> {
    let leads = proptest::option::of(proptest::sample::subsequence(vec!["10s", "30s", "1m", "3m"], 1..=3));
    (
        proptest::array::uniform7(leads),
        proptest::option::of((prop_oneof![Just("1m"), Just("4m")], any::<bool>(), any::<bool>())),
        proptest::option::weighted(
            0.75,
            (any::<bool>(), proptest::option::of(prop_oneof![Just("1m"), Just("6m")]), any::<bool>()),
        ),
    )
        .prop_map(|(leads, inactivity, hold)| {
            let names = [
                "customer_auto_disconnect",
                "agent_auto_disconnect",
                "inactivity",
                "hold",
                "auto_close",
                "max_duration",
                "reconnect_window",
            ];
            let mut warnings = serde_json::Map::new();
            for (name, l) in names.iter().zip(leads) {
                if let Some(l) = l {
                    warnings.insert(name.to_string(), json!(l));
                }
            }
            let mut v = json!({"warnings": warnings});
            if let Some((after, requeue, owes)) = inactivity {
                v["inactivity"] = json!({"after": after, "action": if requeue { "requeue" } else { "wrap_up" },
                                         "while": if owes { "customer_owes_reply" } else { "silent" }});
            }
            if let Some((release, close, on_inactive)) = hold {
                let mut h = json!({"enabled": true, "release_capacity": release, "on_customer_inactive": on_inactive});
                if let Some(c) = close {
                    h["auto_close"] = json!(c);
                }
                v["hold"] = h;
            }
            v
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
        (any::<bool>(), v2()),
    )
        .prop_map(|(timers, grace, reconnect, limit, prompt, block, close, max, units, (flow, v2))| {
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
            for (key, value) in v2.as_object().unwrap() {
                p[key] = value.clone();
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
    /// The `nth` (conversation, agent) pair of open conversations with an agent in them.
    fn agent_in(&self, nth: usize) -> Option<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .present
            .iter()
            .filter(|(conv, _)| !self.closed.contains(*conv))
            .flat_map(|(conv, who)| who.iter().filter(|p| p.starts_with('a')).map(move |p| (conv.clone(), p.clone())))
            .collect();
        pairs.sort();
        (!pairs.is_empty()).then(|| pairs.swap_remove(nth % pairs.len()))
    }

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
        Op::Hold { nth, conv, who } => {
            let (conv, agent) = watch.agent_in(nth).unwrap_or((c(conv).to_owned(), PEOPLE[who].to_owned()));
            engine.hold(now, &conv, &agent)
        }
        Op::Resume { nth, conv, who } => {
            let (conv, agent) = watch.agent_in(nth).unwrap_or((c(conv).to_owned(), PEOPLE[who].to_owned()));
            engine.resume(now, &conv, &agent)
        }
        Op::Advance => engine.advance(now),
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

/// How often the interesting cases came up, over all cases of a run.
#[derive(Default)]
struct Seen {
    steps: u64,
    /// Commands that arrived while some timer was due (T3 fires it first).
    with_due_timers: u64,
    /// ... and were refused: E1 says those timers must not have fired.
    refused_with_due_timers: u64,
    /// Accepted holds and resumes (§14), so the new commands are exercised.
    holds: u64,
}

/// One history. Every step is also run on a copy of the engine the slow way
/// E1 can be met — fire everything due (`advance`), then apply — and the two
/// must agree: the same verdict and, when accepted, the same events and
/// state; when refused, the engine is untouched.
fn history(config: &Value, steps: &[(i64, Op)], seen: &mut Seen) -> Result<(), TestCaseError> {
    let mut engine = Engine::from_json(&config.to_string()).unwrap();
    let mut watch = Watch::default();
    let mut now: u64 = 0;
    for (i, (dt, op)) in steps.iter().enumerate() {
        let at = now.saturating_add_signed(*dt);
        let before = engine.snapshot();
        let due = engine.next_deadline().is_some_and(|d| d <= at) && at >= now;
        let mut reference = engine.clone();
        let reference_result = reference.advance(at).and_then(|()| apply(&mut reference, &watch, at, op));
        let result = apply(&mut engine, &watch, at, op);
        seen.steps += 1;
        seen.with_due_timers += u64::from(due);
        prop_assert_eq!(
            result.as_ref().map_err(|e| e.code()),
            reference_result.as_ref().map_err(|e| e.code()),
            "step {}: {:?} at {} (timers due: {}): the engine and advance-then-apply disagree",
            i,
            op,
            at,
            due
        );
        let mut events = Vec::new();
        engine.drain_events(&mut events);
        match result {
            Ok(()) => {
                now = at;
                seen.holds += u64::from(matches!(op, Op::Hold { .. } | Op::Resume { .. }));
                prop_assert!(
                    engine.snapshot() == reference.snapshot(),
                    "step {}: {:?}: state differs from advance-then-apply",
                    i,
                    op
                );
                let mut theirs = Vec::new();
                reference.drain_events(&mut theirs);
                let lines = |v: &[chatlife::Event]| v.iter().map(chatlife::Event::to_json).collect::<Vec<_>>();
                prop_assert_eq!(
                    lines(&events),
                    lines(&theirs),
                    "step {}: {:?}: events differ from advance-then-apply",
                    i,
                    op
                );
            }
            Err(e) => {
                seen.refused_with_due_timers += u64::from(due);
                prop_assert!(events.is_empty(), "step {}: {:?} refused ({}) but emitted", i, op, e);
                prop_assert!(
                    engine.snapshot() == before,
                    "step {}: {:?} refused ({}) but changed the engine",
                    i,
                    op,
                    e
                );
            }
        }
        for e in &events {
            if let Err(problem) = watch.see(e, now) {
                return Err(TestCaseError::fail(format!("step {i} {op:?}: {problem}")));
            }
        }
        if let Err(problem) = engine.check_invariants() {
            return Err(TestCaseError::fail(format!("step {i} {op:?}: {problem}")));
        }
        let bytes = engine.snapshot();
        let mut again = Engine::from_snapshot(&bytes).map_err(|e| TestCaseError::fail(format!("restore: {e}")))?;
        prop_assert!(again.snapshot() == bytes, "step {}: snapshot → restore → snapshot differs", i);
        // Asking fills the wheel's kept earliest deadline; the next step's
        // check_invariants compares what the step made of it with a search.
        prop_assert_eq!(engine.next_deadline(), again.next_deadline(), "step {}: next_deadline", i);
    }
    Ok(())
}

#[test]
fn the_engine_keeps_its_promises() {
    let settings = ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() };
    let mut runner = proptest::test_runner::TestRunner::new(settings);
    let seen = std::cell::RefCell::new(Seen::default());
    let strategy = (config(), proptest::collection::vec((delta(), op()), 1..40));
    let outcome = runner.run(&strategy, |(config, steps)| history(&config, &steps, &mut seen.borrow_mut()));
    let seen = seen.into_inner();
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    // The comparison means something only if the histories raced timers.
    println!(
        "{} steps; {} with timers due; {} of those refused; {} holds and resumes accepted",
        seen.steps, seen.with_due_timers, seen.refused_with_due_timers, seen.holds
    );
    assert!(seen.holds * 1000 > seen.steps, "fewer than 1 step in 1000 was an accepted hold or resume");
    assert!(seen.with_due_timers * 20 > seen.steps, "fewer than 1 step in 20 met due timers");
    assert!(seen.refused_with_due_timers * 50 > seen.steps, "fewer than 1 step in 50 was refused with timers due");
}
