//! The token parser and the reconnect path: any text is refused or answered,
//! and only a genuine token ever reconnects.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else { return };
    let _ = chatlife::decode_token(token);
    let config = r#"{"seed": 3, "policies": {"default": {"reconnect": {"enabled": true, "portal_url": "https://p"}}}}"#;
    let mut engine = chatlife::Engine::from_json(config).unwrap();
    engine.start_conversation(0, "c1", "cu", Default::default()).unwrap();
    engine.issue_reconnect_link(0, "c1").unwrap();
    let genuine = std::iter::from_fn(|| engine.poll_event())
        .find_map(|e| match e.kind {
            chatlife::EventKind::ReconnectLinkIssued { token, .. } => Some(token.expose().to_owned()),
            _ => None,
        })
        .expect("the link was issued");
    if engine.reconnect_link(1, token, None).is_ok() {
        let reconnected = std::iter::from_fn(|| engine.poll_event())
            .any(|e| matches!(e.kind, chatlife::EventKind::CustomerReconnected { .. }));
        assert_eq!(reconnected, token == genuine, "only the genuine token reconnects");
    }
});
