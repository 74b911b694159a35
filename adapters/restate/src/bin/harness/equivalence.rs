//! Test 1: random merged histories through the ingress give, after dedupe,
//! the events one in-process engine gives for the same history.

use std::sync::Arc;

use tokio::task::JoinSet;

use crate::env::Env;
use crate::generate::{history, RANDOM};
use crate::story::{reference, scenario, tell, Canonical, Story};

/// Where a failing history is written, as a scenario file `chatlife run` takes.
fn keep_failure(env: &Env, story: &Story) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/restate/failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{}.json", story.name));
    let _ = std::fs::write(&path, serde_json::to_string_pretty(&scenario(&env.config_json, story)).unwrap_or_default());
    path.display().to_string()
}

async fn one(env: Arc<Env>, story: Story) -> Result<(usize, usize), String> {
    let told = reference(&env.config, &story);
    let refusals = tell(&env.cluster.ingress(), &story, false).await?;
    for (i, (mine, theirs)) in told.refusals.iter().zip(&refusals).enumerate() {
        if mine != theirs {
            let kept = keep_failure(&env, &story);
            return Err(format!("{}: step {i}: one engine {mine:?}, restate {theirs:?} ({kept})", story.name));
        }
    }
    let streamed = Canonical::from_streams(&env.events_of(&story.name));
    if let Some(difference) = told.canonical.difference(&streamed) {
        let kept = keep_failure(&env, &story);
        return Err(format!("{}: {difference}\n  (the history: {kept})", story.name));
    }
    Ok((story.steps.len(), told.canonical.events()))
}

pub async fn run(env: Arc<Env>, histories: u64, seed: u64, parallel: usize) -> Result<String, String> {
    // Far ahead of the wall clock: no tick fires while the story is told, so
    // every timer fires where the story's own commands make it fire.
    let base = (chatlife_restate::app::wall_ms() / 1000 + 30 * 86_400) * 1000;
    let mut pending = (0..histories).map(|n| history(seed, n, base, &RANDOM));
    let mut running = JoinSet::new();
    let (mut steps, mut events, mut refused) = (0, 0, 0);
    loop {
        while running.len() < parallel {
            let Some(story) = pending.next() else { break };
            refused += reference(&env.config, &story).refusals.iter().flatten().count();
            running.spawn(one(env.clone(), story));
        }
        let Some(done) = running.join_next().await else { break };
        let (s, e) = done.map_err(|e| e.to_string())??;
        steps += s;
        events += e;
    }
    Ok(format!(
        "{histories} random histories ({steps} commands, {refused} of them refused, {events} events) through the ingress \
         equal one engine's, byte for byte in canonical form"
    ))
}
