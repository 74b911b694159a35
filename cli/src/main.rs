//! The `chatlife` command: run, check and show scenario files (docs/rules.md SC2).

use std::process::ExitCode;

use chatlife::scenario::{Output, Scenario};
use clap::{Parser, Subcommand};

mod timeline;

#[derive(Parser)]
#[command(name = "chatlife", version, about = "Run, check and show chatlife scenario files")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print every event (and rejected step) of a scenario as canonical JSON lines.
    Run {
        file: String,
        /// Snapshot after every N steps and continue on a fresh engine restored from it.
        #[arg(long, value_name = "N")]
        snapshot_every: Option<usize>,
    },
    /// Check the expectations of scenario files; ends with `N passed, N failed`.
    Check {
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Show a scenario as a timeline people can read.
    Timeline {
        file: String,
        /// Also draw the timeline as an SVG picture into this file.
        #[arg(long)]
        svg: Option<String>,
    },
}

/// Exit code for a file that is not a valid scenario (SC2).
const INVALID_FILE: u8 = 2;

fn load(path: &str) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
    Scenario::from_json(&text).map_err(|e| format!("{path}: {}", e.message()))
}

fn run_file(path: &str, snapshot_every: Option<usize>) -> Result<Vec<Output>, String> {
    let scenario = load(path)?;
    scenario.run_restoring_every(snapshot_every).map_err(|e| format!("{path}: {}", e.message()))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Run { file, snapshot_every } => match run_file(&file, snapshot_every) {
            Ok(lines) => {
                let mut out = String::new();
                for line in &lines {
                    out.push_str(&line.to_json());
                    out.push('\n');
                }
                print!("{out}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(INVALID_FILE)
            }
        },
        Cmd::Check { files } => {
            let (mut passed, mut failed) = (0, 0);
            for path in &files {
                let scenario = match load(path) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("{e}");
                        return ExitCode::from(INVALID_FILE);
                    }
                };
                match scenario.check() {
                    Ok(failures) if failures.is_empty() => passed += 1,
                    Ok(failures) => {
                        failed += 1;
                        println!("FAIL {path} ({})", scenario.name);
                        for f in failures {
                            println!("  {f}");
                        }
                    }
                    Err(e) => {
                        eprintln!("{path}: {}", e.message());
                        return ExitCode::from(INVALID_FILE);
                    }
                }
            }
            println!("{passed} passed, {failed} failed");
            if failed > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Cmd::Timeline { file, svg } => {
            let scenario = match load(&file) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(INVALID_FILE);
                }
            };
            let lines = match scenario.run() {
                Ok(lines) => lines,
                Err(e) => {
                    eprintln!("{file}: {}", e.message());
                    return ExitCode::from(INVALID_FILE);
                }
            };
            print!("{}", timeline::render(&scenario, &lines));
            if let Some(path) = svg {
                if let Err(e) = std::fs::write(&path, timeline::svg(&lines)) {
                    eprintln!("{path}: cannot write: {e}");
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
    }
}
