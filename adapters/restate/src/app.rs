//! What every handler shares: the engine configuration and the event sink.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use chatlife::Config;
use serde_json::Value;

use crate::sink::Sink;

pub struct App {
    pub config: Config,
    /// The configuration as given, for the scenario files `history` writes.
    pub config_json: Value,
    pub sink: Sink,
}

pub type Shared = Arc<App>;

impl App {
    /// Reads the configuration file (`{}` when there is none) and the sink URL.
    pub fn load(config_path: Option<&str>, events_url: Option<&str>) -> Result<App, String> {
        let text = match config_path {
            Some(path) => std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?,
            None => "{}".into(),
        };
        let config_json: Value = serde_json::from_str(&text).map_err(|e| format!("configuration: not JSON: {e}"))?;
        let config = Config::from_value(config_json.clone()).map_err(|e| format!("configuration: {}", e.message()))?;
        Ok(App { config, config_json, sink: Sink::new(events_url)? })
    }
}

/// The wall clock in Unix milliseconds; handlers read it inside `ctx.run`,
/// which makes it Restate's durable clock (a retry sees the same value).
pub fn wall_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}
