//! Tests 2 and 3: a story in real time whose timers fire through the durable
//! delayed calls, while the service (or restate-server) is SIGKILLed at
//! random moments and restarted, and the sink refuses a share of the POSTs.
//! After dedupe the events must be one engine's: none lost, none twice,
//! every timer due by the check fired exactly once.

use std::time::Duration;

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use serde_json::{json, Map, Value};
use tokio::sync::watch;

use crate::env::Env;
use crate::story::{reference, tell, Canonical, Step, Story};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Victim {
    Service,
    Server,
}

const CHATS: u64 = 12;
/// Seconds from the story's start to the check: the last timer the story
/// arms fires at 49 s, the next (auto-close) after two minutes.
const CHECK_AT: u64 = 60;

fn step(at: u64, op: &str, fields: Value) -> Step {
    let mut map = Map::new();
    map.insert("op".into(), json!(op));
    if let Value::Object(f) = fields {
        map.extend(f);
    }
    Step { at, fields: map, link: None }
}

/// Twelve chats of the `fast` policy on two agents: their customers or agents
/// drop, end or leave within the first seconds, so graces run out at 19 s and
/// capacity blocks at 35–49 s, each through the chat's delayed tick.
fn story(name: &str, base: u64) -> Story {
    let mut steps = Vec::new();
    let mut conversations = Vec::new();
    for j in 0..2 {
        steps.push(step(
            base + 500 + j,
            "set_agent_capacity",
            json!({"agent": format!("{name}-ag{j}"), "capacity": 8}),
        ));
    }
    for i in 0..CHATS {
        let c = format!("{name}-c{i}");
        let agent = format!("{name}-ag{}", i % 2);
        let at = |second: u64| base + second * 1000 + 10 + i;
        let f = |participant: &str| json!({"conversation": c, "participant": participant});
        steps.push(step(at(0), "start_conversation", json!({"conversation": c, "customer": "cu", "policy": "fast"})));
        steps.push(step(at(1), "join", json!({"conversation": c, "participant": agent, "role": "agent"})));
        steps.push(step(at(2), "message", f("cu")));
        steps.push(step(at(3), "message", f(&agent)));
        match i % 4 {
            0 => steps.push(step(at(4), "connection_lost", f("cu"))),
            1 => steps.push(step(at(5), "end", f(&agent))),
            2 => steps.push(step(at(4), "connection_lost", f(&agent))),
            _ => steps.push(step(at(6), "leave", f("cu"))),
        }
        for second in 5..9 {
            steps.push(step(at(second), "message", f("cu")));
        }
        conversations.push(c);
    }
    steps.sort_by_key(|s| s.at);
    Story { name: name.into(), steps, conversations }
}

pub async fn run(env: Env, victim: Victim, seed: u64) -> Result<String, String> {
    let name = match victim {
        Victim::Service => "ks",
        Victim::Server => "kr",
    };
    let base = (chatlife_restate::app::wall_ms() / 1000 + 2) * 1000;
    let story = story(name, base);
    let check = base + CHECK_AT * 1000;
    let mut until_check = story.clone();
    until_check.steps.push(step(check, "advance", json!({})));
    let expected = reference(&env.config, &until_check);

    let Env { mut cluster, sink, config, .. } = env;
    let ingress = cluster.ingress();
    let (stop, stopped) = watch::channel(false);
    let killer = tokio::spawn(async move {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut kills = 0;
        let mut stopped = stopped;
        loop {
            let pause = Duration::from_millis(1500 + rng.next_u64() % 3000);
            if tokio::time::timeout(pause, stopped.changed()).await.is_ok() {
                break;
            }
            let outage = Duration::from_millis(200 + rng.next_u64() % 1000);
            let restarted = match victim {
                Victim::Service => {
                    cluster.kill_service().await;
                    tokio::time::sleep(outage).await;
                    cluster.start_service().await
                }
                Victim::Server => {
                    cluster.kill_server().await;
                    tokio::time::sleep(outage).await;
                    cluster.start_server().await
                }
            };
            kills += 1;
            if let Err(problem) = restarted {
                return (cluster, kills, Err(problem));
            }
        }
        (cluster, kills, Ok(()))
    });
    let told = tell(&ingress, &story, true).await;
    // Keep killing until the last timers are due, then let everything settle.
    let wait = check.saturating_sub(chatlife_restate::app::wall_ms());
    tokio::time::sleep(Duration::from_millis(wait)).await;
    let _ = stop.send(true);
    let (cluster, kills, restarts) = killer.await.map_err(|e| e.to_string())?;
    restarts?;
    let refusals = told?;
    let env = Env { cluster, sink, config, config_json: Value::Null };
    for (i, (mine, theirs)) in expected.refusals.iter().zip(&refusals).enumerate() {
        if mine != theirs {
            return Err(format!("step {i}: one engine {mine:?}, restate {theirs:?}"));
        }
    }
    let mut last = String::new();
    for _ in 0..120 {
        let events: Vec<_> =
            env.events_of(name).into_iter().filter(|n| n.event["at"].as_u64() <= Some(check)).collect();
        let streamed = Canonical::from_streams(&events);
        match expected.canonical.difference(&streamed) {
            None => {
                let streams = env.sink.streams();
                if !streams.problems.is_empty() {
                    return Err(format!("the sink's streams: {}", streams.problems.join("; ")));
                }
                // Every command is in the first 9 s: what comes later, timers fired.
                let timers = events.iter().filter(|n| n.event["at"].as_u64() >= Some(base + 10_000)).count();
                let summary = format!(
                    "{} killed {kills} times: {} events ({timers} of them from timers) arrived exactly once after dedupe \
                     ({} deliveries, {} POSTs refused by the sink and retried)",
                    if victim == Victim::Service { "the service" } else { "restate-server" },
                    streamed.events(),
                    streams.delivered,
                    streams.refused
                );
                env.cluster.stop(false).await;
                return Ok(summary);
            }
            Some(difference) => last = difference,
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let tail = env.cluster.log_tail();
    env.cluster.stop(true).await;
    Err(format!("after 60 s the events still differ from one engine's: {last}\n{tail}"))
}
