//! A command-sequence driver (as quinn fuzzes its streams): arbitrary
//! operations against one engine, checking after every step that the engine
//! keeps its invariants and that a refused command changed nothing.
#![no_main]
use arbitrary::Arbitrary;
use chatlife::{Engine, Role, StartOptions, WaitFor};
use libfuzzer_sys::fuzz_target;

const IDS: [&str; 6] = ["c0", "c1", "a0", "s0", "b0", "k0"];
const ROLES: [Role; 4] = [Role::Agent, Role::Supervisor, Role::Bot, Role::Customer];

#[derive(Arbitrary, Debug)]
enum Op {
    Start { conv: u8, identity: bool, policy: bool },
    Join { conv: u8, who: u8, role: u8 },
    Leave { conv: u8, who: u8 },
    Message { conv: u8, who: u8 },
    Lost { conv: u8, who: u8 },
    Restored { conv: u8, who: u8 },
    End { conv: u8, who: u8 },
    Close { conv: u8, who: u8 },
    Link { conv: u8 },
    Reconnect { text: String },
    Prompt { conv: u8 },
    Returning,
    Decline { conv: u8 },
    Wait { conv: u8, wait: u8 },
    Capacity { who: u8, capacity: Option<u8> },
    Advance,
    Export { conv: u8 },
    Hold { conv: u8, who: u8 },
    Resume { conv: u8, who: u8 },
}

#[derive(Arbitrary, Debug)]
struct Input {
    timers: [Option<u8>; 4],
    reconnect: bool,
    /// SPEC v2: hold (on the customer's inactivity too), inactivity, warnings.
    hold: Option<bool>,
    inactivity_requeue: Option<bool>,
    warn: bool,
    steps: Vec<(u16, Op)>,
}

fn id(i: u8) -> &'static str {
    IDS[i as usize % IDS.len()]
}

fuzz_target!(|input: Input| {
    let minutes = |m: Option<u8>| m.map(|m| 2 + m as u64 % 20);
    let config = serde_json::json!({
        "seed": 1,
        "agents": {"default_capacity": 2},
        "policies": {
            "default": {"timers": {"customer_idle": minutes(input.timers[0]), "customer_auto_disconnect": minutes(input.timers[1]),
                                   "agent_idle": minutes(input.timers[2]), "agent_auto_disconnect": minutes(input.timers[3])}},
            "rc": {"reconnect": {"enabled": input.reconnect, "portal_url": "https://p"}, "auto_close": {"open": "5m"}}
        }
    });
    let mut config = config;
    for policy in ["default", "rc"] {
        let p = &mut config["policies"][policy];
        if let Some(on_inactive) = input.hold {
            p["hold"] = serde_json::json!({"enabled": true, "auto_close": "10m", "on_customer_inactive": on_inactive});
        }
        if let Some(requeue) = input.inactivity_requeue {
            p["inactivity"] = serde_json::json!({"after": "3m", "action": if requeue { "requeue" } else { "wrap_up" }});
        }
        if input.warn {
            p["warnings"] = serde_json::json!({"customer_auto_disconnect": ["30s", "1m"], "agent_auto_disconnect": ["1m"],
                "inactivity": ["1m"], "hold": ["2m"], "auto_close": ["1m"], "reconnect_window": ["1m"]});
        }
    }
    let mut engine = Engine::from_json(&config.to_string()).unwrap();
    let mut now = 0u64;
    for (dt, op) in input.steps.iter().take(64) {
        let at = now + *dt as u64 * 1_000;
        let before = engine.snapshot();
        let result = match op {
            Op::Start { conv, identity, policy } => engine.start_conversation(
                at,
                id(*conv),
                "k0",
                StartOptions {
                    policy: Some(if *policy { "rc" } else { "default" }),
                    authenticated_as: identity.then_some("u1"),
                    display_name: None,
                },
            ),
            Op::Join { conv, who, role } => engine.join(at, id(*conv), id(*who), ROLES[*role as usize % 4], None),
            Op::Leave { conv, who } => engine.leave(at, id(*conv), id(*who)),
            Op::Message { conv, who } => engine.message(at, id(*conv), id(*who)),
            Op::Lost { conv, who } => engine.connection_lost(at, id(*conv), id(*who)),
            Op::Restored { conv, who } => engine.connection_restored(at, id(*conv), id(*who)),
            Op::End { conv, who } => engine.end(at, id(*conv), id(*who)),
            Op::Close { conv, who } => engine.close_session(at, id(*conv), id(*who)),
            Op::Link { conv } => engine.issue_reconnect_link(at, id(*conv)),
            Op::Reconnect { text } => engine.reconnect_link(at, text, None),
            Op::Prompt { conv } => engine.reconnect_prompt(at, id(*conv), "u1"),
            Op::Returning => engine.returning_customer(at, "u1"),
            Op::Decline { conv } => engine.decline_reconnect(at, id(*conv), "u1"),
            Op::Wait { conv, wait } => {
                engine.set_wait(at, id(*conv), [WaitFor::None, WaitFor::Customer, WaitFor::Bot][*wait as usize % 3])
            }
            Op::Capacity { who, capacity } => engine.set_agent_capacity(at, id(*who), capacity.map(u32::from)),
            Op::Advance => engine.advance(at),
            Op::Hold { conv, who } => engine.hold(at, id(*conv), id(*who)),
            Op::Resume { conv, who } => engine.resume(at, id(*conv), id(*who)),
            Op::Export { conv } => engine
                .export_conversation(at, id(*conv))
                .and_then(|bytes| engine.import_conversation(at, &bytes)),
        };
        match result {
            Ok(()) => now = at,
            Err(_) if matches!(op, Op::Export { .. }) => now = now.max(engine.now()),
            Err(e) => {
                assert_eq!(engine.pending_events(), 0, "{op:?} refused ({e}) but emitted");
                assert!(engine.snapshot() == before, "{op:?} refused ({e}) but changed the engine");
            }
        }
        let mut last = 0;
        while let Some(e) = engine.poll_event() {
            assert!(e.at >= last && e.at <= now, "events out of order");
            last = e.at;
        }
        engine.check_invariants().unwrap();
    }
});
