//! Reconnect tokens (R-RC7, R-RC8): unique, unforgeable, single-use, bound to
//! the window and the identity, and never shown by `Debug`.

use chatlife::decode_token;
use chatlife::EventKind;
use chatlife::{Engine, Role, StartOptions};

const CONFIG: &str =
    r#"{"seed": 99, "policies": {"default": {"reconnect": {"enabled": true, "portal_url": "https://p/chat"}}}}"#;

/// c1 active with ag, a link issued at 1s, the customer lost at 2s.
fn engine_with_link(identity: Option<&str>) -> (Engine, String) {
    let mut e = Engine::from_json(CONFIG).unwrap();
    let options = StartOptions { authenticated_as: identity, ..Default::default() };
    e.start_conversation(0, "c1", "cu", options).unwrap();
    e.join(0, "c1", "ag", Role::Agent, None).unwrap();
    e.issue_reconnect_link(1_000, "c1").unwrap();
    let mut token = None;
    while let Some(ev) = e.poll_event() {
        if let EventKind::ReconnectLinkIssued { token: t, .. } = ev.kind {
            token = Some(t.expose().to_owned());
        }
    }
    e.connection_lost(2_000, "c1", "cu").unwrap();
    while e.poll_event().is_some() {}
    (e, token.unwrap())
}

/// The event type a reconnect attempt produced, or the error code.
fn attempt(e: &mut Engine, now: u64, token: &str, identity: Option<&str>) -> String {
    match e.reconnect_link(now, token, identity) {
        Err(err) => format!("error:{}", err.code()),
        Ok(()) => {
            // Timers due before `now` fire first (T3); the answer follows them.
            let mut answer = None;
            while let Some(event) = e.poll_event() {
                answer = match event.kind {
                    EventKind::ReconnectRefused { reason, .. } => {
                        Some(format!("refused:{}", serde_json::to_value(reason).unwrap()))
                    }
                    EventKind::CustomerReconnected { .. } => Some("customer_reconnected".to_owned()),
                    _ => answer,
                };
            }
            answer.expect("a reconnect attempt is answered")
        }
    }
}

#[test]
fn every_single_bit_flip_is_refused() {
    let (engine, token) = engine_with_link(None);
    let bytes = token.as_bytes();
    let mut tried = 0;
    for i in 0..bytes.len() * 8 {
        let mut flipped = bytes.to_vec();
        flipped[i / 8] ^= 1 << (i % 8);
        // A flip that breaks UTF-8 cannot even be passed as text (bindings refuse it).
        let Ok(text) = String::from_utf8(flipped) else { continue };
        let mut e = Engine::from_snapshot(&engine.snapshot()).unwrap();
        let answer = attempt(&mut e, 60_000, &text, None);
        assert_ne!(answer, "customer_reconnected", "bit {i} flipped was accepted");
        tried += 1;
    }
    assert!(tried > bytes.len() * 4, "most flips keep valid UTF-8 and were tried");
    // The original still works: the refusals did not consume it.
    let mut e = Engine::from_snapshot(&engine.snapshot()).unwrap();
    assert_eq!(attempt(&mut e, 60_000, &token, None), "customer_reconnected");
}

#[test]
fn the_window_last_millisecond_is_in_and_the_next_is_out() {
    // Lost at 2s; window = max(3m grace, 10m limit) → ends at 10m2s.
    let (engine, token) = engine_with_link(None);
    let mut last = Engine::from_snapshot(&engine.snapshot()).unwrap();
    assert_eq!(attempt(&mut last, 602_000 - 1, &token, None), "customer_reconnected");
    let mut late = Engine::from_snapshot(&engine.snapshot()).unwrap();
    late.advance(602_000).unwrap();
    while late.poll_event().is_some() {}
    assert_eq!(attempt(&mut late, 602_000, &token, None), "refused:\"expired\"");
}

#[test]
fn a_reused_token_is_refused_and_revokes_every_link() {
    let (mut e, first) = engine_with_link(None);
    e.issue_reconnect_link(3_000, "c1").unwrap();
    let second = match e.poll_event().unwrap().kind {
        EventKind::ReconnectLinkIssued { token, .. } => token.expose().to_owned(),
        other => panic!("{other:?}"),
    };
    assert_eq!(attempt(&mut e, 10_000, &first, None), "customer_reconnected");
    assert_eq!(attempt(&mut e, 11_000, &first, None), "refused:\"reused\"");
    assert_eq!(attempt(&mut e, 12_000, &second, None), "refused:\"invalid\"", "the other link was revoked");
}

#[test]
fn a_token_bound_to_an_identity_is_refused_for_another() {
    let (engine, token) = engine_with_link(Some("user-1"));
    let mut e = Engine::from_snapshot(&engine.snapshot()).unwrap();
    assert_eq!(attempt(&mut e, 10_000, &token, Some("user-2")), "refused:\"identity_mismatch\"");
    assert_eq!(attempt(&mut e, 10_000, &token, None), "refused:\"identity_mismatch\"");
    assert_eq!(attempt(&mut e, 10_000, &token, Some("user-1")), "customer_reconnected");
}

#[test]
fn no_debug_output_shows_a_token() {
    let (mut engine, token) = engine_with_link(None);
    let (_, secret) = decode_token(&token).unwrap();
    let secret_text = token.rsplit('_').next().unwrap().to_owned();
    let command = chatlife::Command::from_value(serde_json::json!({"op": "reconnect", "token": token})).unwrap();
    engine.issue_reconnect_link(5_000, "c1").unwrap();
    let event = engine.poll_event().unwrap();
    let shown = [
        format!("{engine:?}"),
        format!("{engine:#?}"),
        format!("{command:?}"),
        format!("{event:?}"),
        String::from_utf8(engine.snapshot()).unwrap(),
    ];
    for text in shown {
        assert!(!text.contains(&secret_text), "a token secret shows in: {}", &text[..text.len().min(200)]);
        assert!(!text.contains("crl1_"), "a token shows in: {}", &text[..text.len().min(200)]);
    }
    assert_eq!(secret.len(), 32);
    // Error messages about bad tokens name the field, not the token.
    let err = engine.reconnect_link(6_000, &format!("{token}x"), None).unwrap_err();
    assert!(err.message().starts_with("token: ") && !err.message().contains(&secret_text), "{err}");
}
