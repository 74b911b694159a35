//! Configuration JSON: never a panic; a valid one round-trips through to_value.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(config) = chatlife::Config::from_json(text) {
        let again = chatlife::Config::from_value(config.to_value()).expect("a dumped configuration parses");
        assert_eq!(again, config);
        chatlife::Engine::new(config).expect("a valid configuration makes an engine");
    }
});
