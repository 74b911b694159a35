//! chatlife-restate-harness: the demo, the tests and the benchmark of
//! chatlife on Restate. Each starts its own restate-server and service.
//!
//!   chatlife-restate-harness test [equivalence|kill-service|kill-server|capacity|bad-input]...
//!   chatlife-restate-harness demo
//!   chatlife-restate-harness bench [--quick]

mod client;
mod cluster;
mod env;
mod equivalence;
mod generate;
mod sinkserver;
mod story;

use std::process::ExitCode;
use std::sync::Arc;

const SUITES: &[&str] = &["equivalence"];

async fn test(names: Vec<String>) -> ExitCode {
    let names = if names.is_empty() { SUITES.iter().map(|s| s.to_string()).collect() } else { names };
    let histories = std::env::var("RESTATE_HISTORIES").ok().and_then(|h| h.parse().ok()).unwrap_or(200);
    let (mut passed, mut failed) = (0, 0);
    let env = match env::Env::start("test", env::harness_config(), 0).await {
        Ok(env) => Arc::new(env),
        Err(problem) => {
            eprintln!("FAIL starting restate-server and the service: {problem}");
            return ExitCode::FAILURE;
        }
    };
    for name in names {
        let started = std::time::Instant::now();
        let outcome = match name.as_str() {
            "equivalence" => equivalence::run(env.clone(), histories, 7, 6).await,
            other => Err(format!("no suite {other:?}; suites: {}", SUITES.join(", "))),
        };
        match outcome {
            Ok(summary) => {
                passed += 1;
                println!("ok   {name} ({:.1} s): {summary}", started.elapsed().as_secs_f64());
            }
            Err(problem) => {
                failed += 1;
                println!(
                    "FAIL {name} ({:.1} s): {problem}\n{}",
                    started.elapsed().as_secs_f64(),
                    env.cluster.log_tail()
                );
            }
        }
    }
    if let Ok(env) = Arc::try_unwrap(env) {
        env.cluster.stop(failed > 0).await;
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
        _ => {
            eprintln!("usage: chatlife-restate-harness test [SUITE...] | demo | bench [--quick]");
            ExitCode::from(2)
        }
    }
}
