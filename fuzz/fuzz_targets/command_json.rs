//! The one command parser: any text is a command or a refusal, never a panic,
//! and JSON text reads as the same JSON value does (Node's batches are text,
//! scenario steps are values).
#![no_main]
use chatlife::TimedCommand;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = TimedCommand::from_json(text);
    let _ = TimedCommand::parse_batch(text);
    // Compared on the value's own text: a value cannot hold a key twice, text
    // may (and is refused for it), so raw text and value may differ there only.
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        let text = value.to_string();
        let from_text = TimedCommand::from_json(&text).map(TimedCommand::into_owned);
        assert_eq!(from_text, TimedCommand::from_value(value), "text and value read differently: {text}");
    }
});
