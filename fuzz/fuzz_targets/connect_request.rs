//! Amazon Connect's UpdateParticipantRoleConfig body: refused or applied, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(request) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let _ = chatlife::TimerSettings::default().with_role_config(&request);
    let mut engine = chatlife::Engine::from_json("{}").unwrap();
    engine.start_conversation(0, "c1", "cu", Default::default()).unwrap();
    let before = engine.snapshot();
    if engine.update_participant_role_config(1, "c1", &request).is_err() {
        assert_eq!(engine.snapshot(), before, "a refused request changed the engine");
    }
});
