//! `make restate-bench`: commands per second and the latency of `apply`
//! through the ingress, with 1k and 10k live chats (100k with `--full`), and
//! the bytes each chat keeps in Restate. Not a test: it prints what it
//! measured, and writes target/restate/bench.json.

use std::sync::Arc;
use std::time::Instant;

use chatlife_restate::step;
use chatlife_restate::wire::{Commit, Meta, Now};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use crate::client::Ingress;
use crate::env::{harness_config, Env};

/// Commands in flight at once.
const IN_FLIGHT: usize = 32;

async fn send_all(
    ingress: &Ingress,
    commands: Vec<(String, Value)>,
    in_flight: usize,
) -> Result<(f64, Vec<f64>), String> {
    let gate = Arc::new(Semaphore::new(in_flight));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (path, body) in commands {
        let (gate, ingress) = (gate.clone(), ingress.clone());
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await.expect("open");
            let t = Instant::now();
            let (status, reply) = ingress.post_json(&path, body.to_string().as_bytes()).await?;
            if status != 200 || !reply["error"].is_null() {
                return Err(format!("{path} {body}: {status} {reply}"));
            }
            Ok(t.elapsed().as_secs_f64() * 1000.0)
        });
    }
    let mut latencies = Vec::new();
    while let Some(done) = tasks.join_next().await {
        latencies.push(done.map_err(|e| e.to_string())??);
    }
    latencies.sort_by(f64::total_cmp);
    Ok((started.elapsed().as_secs_f64(), latencies))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// The bytes one chat keeps after `start`, `join` and `messages` messages:
/// the same steps the service runs, done here.
fn state_bytes(config: &chatlife::Config, messages: usize) -> (usize, usize, usize) {
    let (mut stored, mut meta, mut log) = (None::<Vec<u8>>, Meta::default(), Vec::new());
    // The configuration's `default` policy, with its four timers and reconnection.
    let mut commands = vec![
        json!({"op": "start_conversation", "conversation": "bench-chat-00000", "customer": "customer-00000"}),
        json!({"op": "join", "conversation": "bench-chat-00000", "participant": "bench-agent-0000", "role": "agent"}),
    ];
    commands.extend(
        (0..messages)
            .map(|_| json!({"op": "message", "conversation": "bench-chat-00000", "participant": "customer-00000"})),
    );
    for (i, command) in commands.into_iter().enumerate() {
        let ledger = (i > 0).then(|| chatlife_restate::wire::Ledger {
            agent: "bench-agent-0000".into(),
            capacity: Some(2),
            elsewhere: 1,
        });
        let commit = Commit {
            command,
            now: Now::AtLeast(1_800_000_000_000 + i as u64 * 1000),
            ledger,
            tick: false,
            offer: false,
        };
        let out = step::run(config, "bench-chat-00000", stored.as_deref(), &meta, &commit, 0);
        if let Some(s) = out.store {
            stored = s.conversation;
            meta = s.meta;
            log.extend(s.log);
        }
    }
    let meta_bytes = serde_json::to_vec(&meta).map_or(0, |m| m.len());
    let log_bytes = serde_json::to_vec(&log).map_or(0, |l| l.len());
    (stored.map_or(0, |s| s.len()), meta_bytes, log_bytes)
}

fn dir_bytes(path: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

pub async fn run(full: bool) -> Result<(), String> {
    let env = Env::start("bench", harness_config(), 0).await?;
    let ingress = env.cluster.ingress();
    let sizes: &[usize] = if full { &[1_000, 10_000, 100_000] } else { &[1_000, 10_000] };
    let mut rows = Vec::new();
    let mut live = 0;
    for &chats in sizes {
        // More chats: the new ones start and get an agent (two chats per agent).
        let before = dir_bytes(&env.cluster.dir.join("data"));
        let mut setup = Vec::new();
        for i in live..chats {
            let c = format!("bench-chat-{i:05}");
            setup.push((
                format!("Conversation/{c}/apply"),
                json!({"op": "start_conversation", "conversation": c, "customer": format!("customer-{i:05}")}),
            ));
        }
        let (start_secs, _) = send_all(&ingress, setup, IN_FLIGHT).await?;
        let joins = (live..chats)
            .map(|i| {
                let c = format!("bench-chat-{i:05}");
                let agent = format!("bench-agent-{:04}", i / 2);
                (
                    format!("Conversation/{c}/apply"),
                    json!({"op": "join", "conversation": c, "participant": agent, "role": "agent"}),
                )
            })
            .collect();
        let (join_secs, _) = send_all(&ingress, joins, IN_FLIGHT).await?;
        let added = chats - live;
        let disk = dir_bytes(&env.cluster.dir.join("data")).saturating_sub(before);
        live = chats;
        // Messages to chats picked at random; each goes through its agent's object.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let messages: Vec<(String, Value)> = (0..3000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let c = format!("bench-chat-{:05}", x % chats as u64);
                let who = if x.is_multiple_of(2) {
                    format!("customer-{:05}", x % chats as u64)
                } else {
                    format!("bench-agent-{:04}", (x % chats as u64) / 2)
                };
                (format!("Conversation/{c}/apply"), json!({"op": "message", "conversation": c, "participant": who}))
            })
            .collect();
        let n = messages.len() - 200;
        let alone = messages[n..].to_vec();
        let (secs, latencies) = send_all(&ingress, messages[..n].to_vec(), IN_FLIGHT).await?;
        // One at a time: the latency of a command that waits for nothing else.
        let (_, single) = send_all(&ingress, alone, 1).await?;
        let row = json!({
            "chats": chats,
            "message_commands_per_s": (n as f64 / secs).round(),
            "p50_ms": (percentile(&latencies, 0.5) * 10.0).round() / 10.0,
            "p99_ms": (percentile(&latencies, 0.99) * 10.0).round() / 10.0,
            "one_at_a_time_p50_ms": (percentile(&single, 0.5) * 10.0).round() / 10.0,
            "one_at_a_time_p99_ms": (percentile(&single, 0.99) * 10.0).round() / 10.0,
            "start_commands_per_s": (added as f64 / start_secs).round(),
            "join_commands_per_s": (added as f64 / join_secs).round(),
            "disk_bytes_per_added_chat": disk / added as u64,
        });
        println!("{row}");
        rows.push(row);
    }
    let (conversation, meta, log) = state_bytes(&env.config, 10);
    let state =
        json!({"exported_conversation_bytes": conversation, "meta_bytes": meta, "log_bytes_after_12_commands": log});
    println!("{state}");
    let out = json!({"in_flight": IN_FLIGHT, "rows": rows, "state_per_chat": state});
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/restate");
    let _ = std::fs::create_dir_all(&path);
    let _ = std::fs::write(path.join("bench.json"), serde_json::to_string_pretty(&out).unwrap_or_default());
    println!("\n| live chats | messages/s ({IN_FLIGHT} in flight) | p50 ms | p99 ms | one at a time p50 / p99 ms | starts/s | joins/s | disk per chat |\n|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &out["rows"].as_array().cloned().unwrap_or_default() {
        println!(
            "| {} | {} | {} | {} | {} / {} | {} | {} | {} B |",
            r["chats"],
            r["message_commands_per_s"],
            r["p50_ms"],
            r["p99_ms"],
            r["one_at_a_time_p50_ms"],
            r["one_at_a_time_p99_ms"],
            r["start_commands_per_s"],
            r["join_commands_per_s"],
            r["disk_bytes_per_added_chat"]
        );
    }
    env.cluster.stop(false).await;
    Ok(())
}
