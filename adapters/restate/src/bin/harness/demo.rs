//! `make restate-demo`: examples/demo.json told through restate-server's
//! ingress, its timeline printed from the events the sink received, and
//! checked against one engine's.

use std::path::Path;

use chatlife::format_clock;
use chatlife::scenario::{Scenario, Step as ScenarioStep};
use chatlife_restate::wire::Numbered;
use serde_json::{Map, Value};

use crate::env::Env;
use crate::story::{reference, tell, Canonical, Link, Step, Story};

/// The story's steps moved `base` ahead; a literal token becomes the link it was.
fn story(scenario: &Scenario, raw: &Value, base: u64) -> Story {
    let told = scenario.run().expect("the demo runs");
    // Which link of which chat each token was, in the engine that wrote the file.
    let mut issued: Vec<(String, String, usize)> = Vec::new();
    for line in &told {
        if let chatlife::scenario::Output::Event(e) = line {
            if let chatlife::EventKind::ReconnectLinkIssued { token, .. } = &e.kind {
                let c = e.conversation.as_deref().unwrap_or_default().to_owned();
                let n = issued.iter().filter(|(conv, _, _)| *conv == c).count();
                issued.push((token.expose().to_owned(), c, n));
            }
        }
    }
    let mut steps = Vec::new();
    let mut conversations: Vec<String> = Vec::new();
    for (step, raw) in scenario.steps.iter().zip(raw["steps"].as_array().into_iter().flatten()) {
        let ScenarioStep::Command { at, .. } = step else { continue };
        let mut fields: Map<String, Value> = raw.as_object().cloned().unwrap_or_default();
        fields.remove("at");
        fields.remove("error");
        let link = fields.get("token").and_then(Value::as_str).and_then(|t| {
            issued
                .iter()
                .find(|(token, _, _)| token == t)
                .map(|(_, c, n)| Link::Issued { conversation: c.clone(), index: *n })
        });
        if let Some(c) = fields.get("conversation").and_then(Value::as_str) {
            if !conversations.iter().any(|k| k == c) {
                conversations.push(c.to_owned());
            }
        }
        steps.push(Step { at: base + at, fields, link });
    }
    Story { name: "demo".into(), steps, conversations }
}

fn describe(event: &Value) -> String {
    let mut parts = Vec::new();
    if let Value::Object(fields) = event {
        for (name, value) in fields {
            if ["at", "type", "conversation", "token", "url"].contains(&name.as_str()) {
                continue;
            }
            parts.push(format!("{name}={}", value.as_str().map_or(value.to_string(), str::to_owned)));
        }
    }
    format!("{:<22} {}", event["type"].as_str().unwrap_or_default(), parts.join(" "))
}

pub async fn run() -> Result<(), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let scenario = Scenario::from_json(&text).map_err(|e| e.message().to_owned())?;
    let raw: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    println!("starting restate-server and chatlife-restate on free loopback ports ...");
    let env = Env::start("demo", raw["config"].clone(), 0).await?;
    // The story's clock starts a day ahead: its timers fire where its steps fire them.
    let base = (chatlife_restate::app::wall_ms() / 1000 + 86_400) * 1000;
    let story = story(&scenario, &raw, base);
    println!(
        "telling {} ({} commands) through the ingress at {}\n",
        path.display(),
        story.steps.len(),
        env.cluster.ingress().url
    );
    let refusals = tell(&env.cluster.ingress(), &story, false).await?;
    let mut events: Vec<Numbered> = env.sink.streams().events.into_values().collect();
    events.sort_by_key(|n| (n.event["at"].as_u64(), n.source != "conversation", n.key.clone(), n.seq));
    let mut lines: Vec<(u64, String)> = events
        .iter()
        .map(|n| {
            let at = n.event["at"].as_u64().unwrap_or_default() - base;
            let lane = n.event["conversation"].as_str().unwrap_or("·");
            (at, format!("{:>8}  {lane:<9} {:<22} #{:<3} {}", format_clock(at), n.key, n.seq, describe(&n.event)))
        })
        .collect();
    for (i, refusal) in refusals.iter().enumerate() {
        if let Some(r) = refusal {
            let at = story.steps[i].at - base;
            lines.push((at, format!("{:>8}  ·         refused: {} ({})", format_clock(at), r.message, r.code)));
        }
    }
    lines.sort_by_key(|(at, _)| *at);
    println!("{:>8}  {:<9} {:<22} {:<4} event", "time", "chat", "stream", "seq");
    for (_, line) in &lines {
        println!("{line}");
    }
    let expected = reference(&env.config, &story);
    let same =
        expected.canonical.difference(&Canonical::from_streams(&events)).is_none() && expected.refusals == refusals;
    println!(
        "\n{} events from {} streams; {}",
        events.len(),
        events.iter().map(|n| (&n.source, &n.key)).collect::<std::collections::BTreeSet<_>>().len(),
        if same {
            "the same events and refusals as one engine gives (`chatlife run examples/demo.json`)"
        } else {
            "DIFFERENT from one engine"
        }
    );
    let history = env.cluster.ingress().read("Conversation/chat-ana/history").await?;
    let replayed =
        Scenario::from_json(&history.to_string()).and_then(|s| s.run()).map_err(|e| e.message().to_owned())?;
    let replayed: Vec<Value> = replayed
        .iter()
        .filter_map(|o| match o {
            chatlife::scenario::Output::Event(e) => serde_json::from_str(&e.to_json()).ok(),
            _ => None,
        })
        .collect();
    let replay_same = Canonical::from_events(&replayed).conversations.get("chat-ana")
        == Canonical::from_streams(&events).conversations.get("chat-ana");
    println!(
        "Conversation/chat-ana/history: a scenario file of {} steps; one engine replaying it gives chat-ana's events {}",
        history["steps"].as_array().map_or(0, Vec::len),
        if replay_same { "exactly" } else { "DIFFERENTLY" }
    );
    let same = same && replay_same;
    env.cluster.stop(!same).await;
    if same {
        Ok(())
    } else {
        Err("the demo's events differ from one engine's".into())
    }
}
