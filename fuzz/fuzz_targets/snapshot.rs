//! The snapshot decoder: hostile bytes are refused or make an engine that keeps
//! its invariants and keeps working.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut engine) = chatlife::Engine::from_snapshot(data) else { return };
    engine.check_invariants().expect("a restored engine is consistent");
    let bytes = engine.snapshot();
    let again = chatlife::Engine::from_snapshot(&bytes).expect("its own snapshot restores");
    assert_eq!(again.snapshot(), bytes);
    let later = engine.now().saturating_add(30 * 24 * 3_600_000).min(chatlife::MAX_TIME);
    engine.advance(later).expect("time moves forward");
    while engine.poll_event().is_some() {}
    engine.check_invariants().expect("still consistent after every timer fired");
});
