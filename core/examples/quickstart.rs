//! The README's Rust example, kept compiling by `cargo test`.
// core/examples/quickstart.rs: `cargo run -p chatlife --example quickstart`

use chatlife::{Engine, Role};

fn main() -> Result<(), chatlife::Error> {
    let mut engine = Engine::from_json(r#"{"policies": {"default": {"timers": {"customer_idle": 2}}}}"#)?;
    engine.start_conversation(0, "c1", "cu", Default::default())?;
    engine.join(5_000, "c1", "ag", Role::Agent, None)?;
    engine.advance(600_000)?; // fires the idle timer at 125000
    while let Some(event) = engine.poll_event() {
        println!("{}", event.to_json());
    }
    let wake_at = engine.next_deadline(); // sleep until then, or the next command
    println!("next deadline: {wake_at:?}");
    Ok(())
}
