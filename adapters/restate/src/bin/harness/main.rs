//! chatlife-restate-harness: the demo, the tests and the benchmark of
//! chatlife on Restate. Each starts its own restate-server and service.
//!
//!   chatlife-restate-harness test [equivalence|kill-service|kill-server|capacity|bad-input]...
//!   chatlife-restate-harness demo
//!   chatlife-restate-harness bench [--full]

mod bad_input;
mod bench;
mod capacity;
mod client;
mod cluster;
mod demo;
mod env;
mod equivalence;
mod generate;
mod kill;
mod sinkserver;
mod story;

use std::process::ExitCode;
use std::sync::Arc;

const SUITES: &[&str] = &["equivalence", "kill-service", "kill-server", "capacity", "bad-input"];

type Outcome = (String, f64, Result<String, String>);

/// The suites that share one cluster, one after the other.
async fn shared(names: Vec<String>, histories: u64) -> Vec<Outcome> {
    if names.is_empty() {
        return Vec::new();
    }
    let env = match env::Env::start("test", env::harness_config(), 0).await {
        Ok(env) => Arc::new(env),
        Err(problem) => return vec![("start".into(), 0.0, Err(format!("restate-server and the service: {problem}")))],
    };
    let mut outcomes = Vec::new();
    let mut failed = false;
    for name in names {
        let started = std::time::Instant::now();
        let outcome = match name.as_str() {
            "equivalence" => equivalence::run(env.clone(), histories, 7, 6).await,
            "capacity" => capacity::run(env.clone()).await,
            "bad-input" => bad_input::run(env.clone()).await,
            other => Err(format!("no suite {other:?}; suites: {}", SUITES.join(", "))),
        };
        if let Err(problem) = &outcome {
            failed = true;
            eprintln!("{problem}\n{}", env.cluster.log_tail());
        }
        outcomes.push((name, started.elapsed().as_secs_f64(), outcome));
    }
    if let Ok(env) = Arc::try_unwrap(env) {
        env.cluster.stop(failed).await;
    }
    outcomes
}

async fn killing(victim: kill::Victim, name: &str) -> Outcome {
    let started = std::time::Instant::now();
    // The sink refuses 5% of the POSTs: deliveries are retried too.
    let outcome = match env::Env::start(name, env::harness_config(), 50).await {
        Ok(env) => kill::run(env, victim, 11).await,
        Err(problem) => Err(format!("restate-server and the service: {problem}")),
    };
    (name.into(), started.elapsed().as_secs_f64(), outcome)
}

async fn test(names: Vec<String>) -> ExitCode {
    let names = if names.is_empty() { SUITES.iter().map(|s| s.to_string()).collect() } else { names };
    let histories = std::env::var("RESTATE_HISTORIES").ok().and_then(|h| h.parse().ok()).unwrap_or(200);
    let wants = |n: &str| names.iter().any(|m| m == n);
    let together: Vec<String> = names.iter().filter(|n| !n.starts_with("kill-")).cloned().collect();
    // The kill tests mostly wait for timers: they run beside the others.
    let (a, b, c) = tokio::join!(
        shared(together, histories),
        async {
            if wants("kill-service") {
                Some(killing(kill::Victim::Service, "kill-service").await)
            } else {
                None
            }
        },
        async {
            if wants("kill-server") {
                Some(killing(kill::Victim::Server, "kill-server").await)
            } else {
                None
            }
        },
    );
    let (mut passed, mut failed) = (0, 0);
    for (name, seconds, outcome) in a.into_iter().chain(b).chain(c) {
        match outcome {
            Ok(summary) => {
                passed += 1;
                println!("ok   {name} ({seconds:.1} s): {summary}");
            }
            Err(problem) => {
                failed += 1;
                println!("FAIL {name} ({seconds:.1} s): {problem}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("test") => test(args.collect()).await,
        Some(what @ ("demo" | "bench")) => {
            let full = args.any(|a| a == "--full");
            let outcome = if what == "demo" { demo::run().await } else { bench::run(full).await };
            match outcome {
                Ok(()) => ExitCode::SUCCESS,
                Err(problem) => {
                    eprintln!("{what}: {problem}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("usage: chatlife-restate-harness test [SUITE...] | demo | bench [--full]");
            ExitCode::from(2)
        }
    }
}
