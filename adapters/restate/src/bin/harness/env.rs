//! A cluster with its sink and configuration, shared by the suites.

use std::path::Path;

use chatlife::Config;
use serde_json::Value;

use crate::cluster::Cluster;
use crate::sinkserver::Sink;

pub struct Env {
    pub cluster: Cluster,
    pub sink: Sink,
    pub config: Config,
    pub config_json: Value,
}

/// The configuration the tests and the benchmark run with.
pub fn harness_config() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("harness/config.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

impl Env {
    /// A fresh cluster named `name`; its sink refuses `refuse_per_mille` of the POSTs.
    pub async fn start(name: &str, config_json: Value, refuse_per_mille: u32) -> Result<Env, String> {
        let config = Config::from_value(config_json.clone()).map_err(|e| format!("configuration: {}", e.message()))?;
        let sink = Sink::start(refuse_per_mille, 16).await?;
        let cluster = Cluster::start(name, &config_json, &sink.url).await?;
        Ok(Env { cluster, sink, config, config_json })
    }

    /// The sink's events of the objects whose keys start with `prefix`.
    pub fn events_of(&self, prefix: &str) -> Vec<chatlife_restate::wire::Numbered> {
        let (dash, space) = (format!("{prefix}-"), format!("{prefix} "));
        self.sink
            .streams()
            .events
            .into_values()
            .filter(|n| n.key.starts_with(&dash) || n.key.starts_with(&space))
            .collect()
    }
}
