//! Durable state: snapshot → restore continues with exactly the same events,
//! snapshots round-trip byte for byte, and bad snapshots change nothing.

use std::path::Path;

use chatlife::scenario::{Scenario, Step};
use chatlife::Engine;

fn scenarios() -> Vec<(String, Scenario)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    let mut out: Vec<(String, Scenario)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| (p.display().to_string(), Scenario::from_json(&std::fs::read_to_string(&p).unwrap()).unwrap()))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn restoring_after_every_step_changes_no_event() {
    for (name, scenario) in scenarios() {
        let plain: Vec<String> = scenario.run().unwrap().iter().map(|l| l.to_json()).collect();
        for every in [1, 2, 3] {
            let restored: Vec<String> =
                scenario.run_restoring_every(Some(every)).unwrap().iter().map(|l| l.to_json()).collect();
            assert_eq!(restored, plain, "{name} with a restore every {every} steps");
        }
    }
}

#[test]
fn snapshot_restore_snapshot_is_identical_at_every_step() {
    for (name, scenario) in scenarios() {
        let mut engine = Engine::new(scenario.config.clone()).unwrap();
        for (i, step) in scenario.steps.iter().enumerate() {
            if let Step::Command { at, command, .. } = step {
                let _ = engine.apply(*at, command);
                while engine.poll_event().is_some() {}
                let bytes = engine.snapshot();
                let again = Engine::from_snapshot(&bytes).unwrap().snapshot();
                assert_eq!(String::from_utf8(again).unwrap(), String::from_utf8(bytes).unwrap(), "{name} step {i}");
            }
        }
    }
}

fn busy_engine() -> Engine {
    let (_, scenario) = scenarios().into_iter().find(|(n, _)| n.ends_with("transcript-templates.json")).unwrap();
    let mut engine = Engine::new(scenario.config.clone()).unwrap();
    for step in &scenario.steps {
        if let Step::Command { at, command, .. } = step {
            let _ = engine.apply(*at, command);
        }
    }
    while engine.poll_event().is_some() {}
    engine
}

#[test]
fn bad_snapshots_are_refused_and_change_nothing() {
    let mut target = busy_engine();
    let before = target.snapshot();
    let good = String::from_utf8(before.clone()).unwrap();
    let future = good.replacen("\"schema_version\":2", "\"schema_version\":3", 1);
    let bad_state = good.replacen("\"state\":\"active\"", "\"state\":\"dozing\"", 1);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", before[..before.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("not json", b"\x00\xff garbage".to_vec()),
        ("future version", future.into_bytes()),
        ("unknown state", bad_state.into_bytes()),
        ("no version", br#"{"config": {}}"#.to_vec()),
    ];
    for (what, bytes) in cases {
        let err = target.restore(&bytes).expect_err(what);
        assert_eq!(err.code(), "invalid_argument", "{what}");
        assert!(err.message().starts_with("snapshot"), "{what}: {err}");
        assert_eq!(target.snapshot(), before, "{what} changed the engine");
    }
    let err = target.restore(good.replacen("\"schema_version\":2", "\"schema_version\":3", 1).as_bytes()).unwrap_err();
    assert!(err.message().contains("newer"), "{err}");
    // A v1 snapshot (no holds, warnings or inactivity) still reads, as itself.
    let v1 = good.replacen("\"schema_version\":2", "\"schema_version\":1", 1);
    target.restore(v1.as_bytes()).expect("a v1 snapshot reads");
    assert_eq!(target.snapshot(), before);
}

#[test]
fn inconsistent_snapshots_are_refused_before_they_can_panic() {
    let good = String::from_utf8(busy_engine().snapshot()).unwrap();
    let edits = [
        ("\"assigned_agent\":1", "\"assigned_agent\":9"),
        ("\"policy\":0", "\"policy\":7"),
        ("\"what\":\"forget\"", "\"what\":{\"activity\":40}"),
    ];
    let mut refused = 0;
    for (from, to) in edits {
        if !good.contains(from) {
            continue;
        }
        let err = Engine::from_snapshot(good.replacen(from, to, 1).as_bytes()).unwrap_err();
        assert_eq!(err.code(), "invalid_argument", "{from} -> {to}: {err}");
        refused += 1;
    }
    assert!(refused >= 2, "the edits must find their targets in the snapshot");
}

#[test]
fn snapshots_hold_no_raw_token() {
    let scenario = scenarios().into_iter().find(|(n, _)| n.ends_with("reconnect-link-fragment-style.json")).unwrap().1;
    let mut engine = Engine::new(scenario.config.clone()).unwrap();
    let mut tokens = Vec::new();
    for step in &scenario.steps {
        if let Step::Command { at, command, .. } = step {
            let _ = engine.apply(*at, command);
            while let Some(e) = engine.poll_event() {
                if let chatlife::EventKind::ReconnectLinkIssued { token, .. } = &e.kind {
                    tokens.push(token.expose().to_owned());
                }
            }
        }
    }
    assert!(!tokens.is_empty());
    let text = String::from_utf8(engine.snapshot()).unwrap();
    for token in tokens {
        let secret = token.rsplit('_').next().unwrap();
        assert!(!text.contains(secret), "the snapshot holds a raw token secret");
    }
}

/// Runs `scenario`, moving `conversation` to a second engine after `move_after`
/// command steps, and returns the events of that conversation from both runs.
fn moved_run(scenario: &Scenario, conversation: &str, move_after: usize) -> (Vec<String>, Vec<String>) {
    let mine = |e: &chatlife::Event| e.conversation.as_deref() == Some(conversation);
    let mut plain = Engine::new(scenario.config.clone()).unwrap();
    let mut source = Engine::new(scenario.config.clone()).unwrap();
    let mut target = Engine::new(scenario.config.clone()).unwrap();
    let (mut want, mut got) = (Vec::new(), Vec::new());
    let mut commands = 0;
    for step in &scenario.steps {
        let Step::Command { at, command, .. } = step else { continue };
        let _ = plain.apply(*at, command);
        while let Some(e) = plain.poll_event() {
            if mine(&e) {
                want.push(e.to_json());
            }
        }
        let engine = if commands < move_after { &mut source } else { &mut target };
        let _ = engine.apply(*at, command);
        while let Some(e) = engine.poll_event() {
            if mine(&e) {
                got.push(e.to_json());
            }
        }
        commands += 1;
        if commands == move_after {
            let bytes = source.export_conversation(*at, conversation).unwrap();
            assert_eq!(source.state(conversation), None, "export moves the conversation out");
            target.advance(*at).unwrap();
            target.import_conversation(*at, &bytes).unwrap();
        }
    }
    (want, got)
}

#[test]
fn a_moved_conversation_continues_with_the_same_events() {
    for (file, conv, after) in [
        ("reconnect-link-fragment-style.json", "c1", 4),
        ("idle-then-auto-disconnect.json", "c1", 2),
        ("transfer-while-customer-idle.json", "c1", 3),
        ("wrap-up-blocks-capacity-for-a-duration.json", "c1", 4),
    ] {
        let scenario = scenarios().into_iter().find(|(n, _)| n.ends_with(file)).unwrap().1;
        let (want, got) = moved_run(&scenario, conv, after);
        assert!(want.len() > 3, "{file}: too few events to compare");
        assert_eq!(got, want, "{file}");
    }
}

#[test]
fn import_checks_capacity_duplicates_and_time() {
    let config = r#"{"agents": {"default_capacity": 1}}"#;
    let mut a = Engine::from_json(config).unwrap();
    a.start_conversation(0, "c1", "cu", Default::default()).unwrap();
    a.join(0, "c1", "ag", chatlife::Role::Agent, None).unwrap();
    let mut b = Engine::from_json(config).unwrap();
    b.start_conversation(0, "c9", "cu9", Default::default()).unwrap();
    b.join(0, "c9", "ag", chatlife::Role::Agent, None).unwrap();
    let bytes = a.export_conversation(10, "c1").unwrap();
    assert_eq!(a.agent_load("ag").0, 0, "export releases the agent's units");
    let before = b.snapshot();
    assert_eq!(b.import_conversation(10, &bytes).unwrap_err().code(), "capacity_exceeded");
    assert_eq!(b.import_conversation(10, &bytes[..20]).unwrap_err().code(), "invalid_argument");
    assert_eq!(b.snapshot(), before);
    a.import_conversation(10, &bytes).unwrap();
    assert_eq!(a.agent_load("ag").0, 1);
    assert_eq!(a.import_conversation(10, &bytes).unwrap_err().code(), "duplicate_conversation");
}

#[test]
fn a_chat_closed_during_a_grace_still_restores() {
    // Found by the property test: auto-close cancelled the grace timer but the
    // customer stayed "lost", and the snapshot was refused on restore.
    let mut e = Engine::from_json(r#"{"policies": {"default": {"auto_close": {"open": "1m"}}}}"#).unwrap();
    e.start_conversation(0, "c1", "cu", Default::default()).unwrap();
    e.connection_lost(0, "c1", "cu").unwrap();
    e.advance(120_000).unwrap();
    assert_eq!(e.state("c1"), Some(chatlife::State::Closed));
    let restored = Engine::from_snapshot(&e.snapshot()).expect("a closed chat restores");
    restored.check_invariants().unwrap();
}

#[test]
fn agent_records_must_match_the_conversations() {
    // Found by the snapshot fuzzer: capacity records disagreeing with the
    // conversations restored, and broke the engine's invariants.
    let text = String::from_utf8(busy_engine().snapshot()).unwrap();
    let forged = text.replacen("\"used\":1", "\"used\":0", 1);
    assert_ne!(forged, text, "the snapshot has an agent using 1 unit");
    let err = Engine::from_snapshot(forged.as_bytes()).unwrap_err();
    assert!(err.message().contains("inconsistent"), "{err}");
}

#[test]
fn import_is_tried_with_the_agent_it_holds() {
    // Found in review: the trial engine of an import lacked the agent's record,
    // so a due timer made it judge capacity by the default.
    let mut a = Engine::from_json(r#"{"agents": {"default_capacity": 1}}"#).unwrap();
    a.start_conversation(0, "c1", "cu", Default::default()).unwrap();
    a.join(0, "c1", "ag", chatlife::Role::Agent, None).unwrap();
    let bytes = a.export_conversation(10, "c1").unwrap();
    let mut b = Engine::from_json(
        r#"{"agents": {"default_capacity": 1}, "policies": {"default": {"auto_close": {"open": "1m"}}}}"#,
    )
    .unwrap();
    b.set_agent_capacity(0, "ag", Some(3)).unwrap();
    b.start_conversation(0, "c9", "cu9", Default::default()).unwrap(); // its auto-close is due at 1m
    b.import_conversation(120_000, &bytes).expect("the agent has room for 3");
    assert_eq!(b.agent_load("ag"), (1, Some(3)));
}

#[test]
fn hostile_times_in_a_snapshot_are_refused_not_panicked_on() {
    let good = String::from_utf8(busy_engine().snapshot()).unwrap();
    let now = serde_json::from_str::<serde_json::Value>(&good).unwrap()["now"].as_u64().unwrap();
    let huge = good.replacen(&format!("\"now\":{now}"), "\"now\":18446744073709551000", 1);
    assert_ne!(huge, good);
    let err = Engine::from_snapshot(huge.as_bytes()).unwrap_err();
    assert_eq!(err.code(), "invalid_argument", "{err}");
    // An arming order at the end of the u64 would overflow at the next arm.
    let mut saved: serde_json::Value = serde_json::from_str(&good).unwrap();
    saved["next_seq"] = u64::MAX.into();
    let err = Engine::from_snapshot(saved.to_string().as_bytes()).unwrap_err();
    assert!(err.message().starts_with("snapshot.next_seq: 18446744073709551615 is above"), "{err}");
}

/// Advances far enough for every pending timer and returns the events.
fn events_until(engine: &mut Engine, now: u64) -> Vec<String> {
    engine.advance(now).unwrap();
    std::iter::from_fn(|| engine.poll_event()).map(|e| e.to_json()).collect()
}

#[test]
fn seqs_beyond_32_bits_restore_exactly_and_keep_arming_order() {
    // Wheel entries hold a 32-bit offset of each seq (core/src/wheel/seq.rs):
    // seqs farther apart than that come back exact and fire in the same order.
    let config = r#"{"policies": {"default": {"timers": {"customer_idle": 2, "customer_auto_disconnect": 3,
        "agent_idle": 2, "agent_auto_disconnect": 3}}}}"#;
    let mut plain = Engine::from_json(config).unwrap();
    // Timers due at the same milliseconds, so arming order decides (T3).
    for i in 0..6 {
        let conversation = format!("c{i}");
        plain.start_conversation(0, &conversation, &format!("cu{i}"), Default::default()).unwrap();
        plain.join(0, &conversation, &format!("ag{}", i % 2), chatlife::Role::Agent, None).unwrap();
    }
    for i in 0..6 {
        plain.message(1_000 * (i / 2), &format!("c{i}"), &format!("cu{i}")).unwrap();
    }
    while plain.poll_event().is_some() {}
    let mut saved: serde_json::Value = serde_json::from_slice(&plain.snapshot()).unwrap();
    let timers = saved["timers"].as_array_mut().unwrap();
    assert_eq!(timers.len(), 12, "two per chat");
    // Gaps of 1.5 * 2^30 move the window every few timers and keep some
    // below it; the jump halfway leaves the first half far behind.
    let (gap, jump) = (3u64 << 29, 1u64 << 40);
    let shift = |i: usize| i as u64 * gap + if i >= 6 { jump } else { 0 };
    for (i, timer) in timers.iter_mut().enumerate() {
        let seq = timer["seq"].as_u64().unwrap();
        timer["seq"] = (seq + shift(i)).into();
    }
    saved["next_seq"] = (saved["next_seq"].as_u64().unwrap() + shift(12)).into();
    let mut shifted = Engine::from_snapshot(&serde_json::to_vec(&saved).unwrap()).unwrap();
    let again: serde_json::Value = serde_json::from_slice(&shifted.snapshot()).unwrap();
    assert_eq!(again["timers"], saved["timers"]);
    assert_eq!(again["next_seq"], saved["next_seq"]);
    let far = plain.now() + 40 * 24 * 3_600_000;
    let expected = events_until(&mut plain, far);
    assert!(!expected.is_empty(), "timers fire");
    assert_eq!(events_until(&mut shifted, far), expected);
}
