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
    // A bad token is answered, not echoed.
    engine.reconnect_link(6_000, &format!("{token}x"), None).unwrap();
    let answer = engine.poll_event().unwrap().to_json();
    assert!(!answer.contains(&secret_text) && !answer.contains("crl1_"), "{answer}");
}

/// R-RC10: whatever is wrong with a token, the answer is the one an unknown
/// conversation gets — the same JSON apart from `at` — and changes nothing.
#[test]
fn every_forged_token_looks_like_an_unknown_conversation() {
    let (mut engine, token) = engine_with_link(Some("user-1"));
    let (conversation, mut secret) = decode_token(&token).unwrap();
    assert_eq!(conversation, "c1");
    secret[0] ^= 1;
    let b64 = |bytes: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    };
    let id_part = token.split('_').nth(1).unwrap().to_owned();
    let unknown = format!("crl1_{}_{}", b64(b"zz"), b64(&secret));
    let forged = [
        ("malformed", "not-a-token".to_owned()),
        ("bad base64", "crl1_!!!_???".to_owned()),
        ("short secret", format!("crl1_{id_part}_{}", b64(b"short"))),
        ("wrong secret", format!("crl1_{id_part}_{}", b64(&secret))),
        ("empty", String::new()),
    ];
    let answer = |e: &mut Engine, now: u64, f: &dyn Fn(&mut Engine, u64)| {
        // The clock is part of the state: move it first.
        e.advance(now).unwrap();
        assert_eq!(e.poll_event(), None);
        let before = e.snapshot();
        f(e, now);
        let events: Vec<serde_json::Value> = std::iter::from_fn(|| e.poll_event()).map(|ev| ev.to_value()).collect();
        assert_eq!(events.len(), 1, "one answer: {events:?}");
        assert!(e.snapshot() == before, "an answer to a forged token changed the engine");
        let mut event = events.into_iter().next().unwrap();
        event.as_object_mut().unwrap().remove("at");
        event
    };
    let reference = answer(&mut engine, 10_000, &|e, now| e.reconnect_link(now, &unknown, None).unwrap());
    assert_eq!(
        reference,
        serde_json::json!({"type": "reconnect_refused", "conversation": null, "reason": "invalid", "redirect_url": null, "start_new": true})
    );
    for (what, t) in &forged {
        for identity in [None, Some("user-1"), Some("user-2")] {
            let got = answer(&mut engine, 11_000, &|e, now| e.reconnect_link(now, t, identity).unwrap());
            assert_eq!(got, reference, "{what} with {identity:?}");
        }
    }
    // The prompt: a conversation that does not exist, or is another's.
    for (conversation, identity) in [("zz", "user-1"), ("c1", "user-2")] {
        let got = answer(&mut engine, 12_000, &|e, now| e.reconnect_prompt(now, conversation, identity).unwrap());
        assert_eq!(got, reference, "prompt {conversation} as {identity}");
    }
    // A genuine link bound to another identity says so, with its conversation.
    engine.reconnect_link(13_000, &token, Some("user-2")).unwrap();
    let mismatch = engine.poll_event().unwrap();
    assert_eq!((mismatch.conversation.as_deref(), mismatch.kind.type_name()), (Some("c1"), "reconnect_refused"));
}
