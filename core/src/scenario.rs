//! Scenario files (docs/rules.md §11: SC1 the steps and expectations, SC2 the
//! output and exit codes): the shared conformance vectors every language
//! runs. This module parses them, runs them through the Rust API and checks
//! their expectations; the CLI and `cargo test` both use it.

use serde_json::Value;

use crate::command::{parse_at, Command};
use crate::config::Config;
use crate::engine::Engine;
use crate::error::{join_path, path_message, Error};
use crate::time::Millis;

/// One entry of `steps`.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Command { at: Millis, command: Command<'static>, error: Option<String> },
    Expect(Vec<Value>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub rules: Vec<String>,
    pub config: Config,
    /// The configuration as written, for runners that hand it to a binding.
    pub config_json: Value,
    pub steps: Vec<Step>,
}

/// One line of `chatlife run`: an event, or a rejected step.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Event(crate::events::Event),
    Rejected { step: usize, at: Millis, error: Error },
}

impl Output {
    /// The canonical line of SPEC SC2.
    pub fn to_json(&self) -> String {
        match self {
            Output::Event(e) => e.to_json(),
            Output::Rejected { step, at, error } => error_line(*at, *step, error),
        }
    }
}

/// `{"at":…,"type":"error","step":N,"code":…,"message":…}`, in that order (SC2).
pub fn error_line(at: Millis, step: usize, error: &Error) -> String {
    let code = Value::from(error.code());
    let message = Value::from(error.message());
    format!(r#"{{"at":{at},"type":"error","step":{step},"code":{code},"message":{message}}}"#)
}

fn invalid(message: String) -> Error {
    Error::InvalidArgument(message)
}

impl Scenario {
    /// Parses a scenario file. Any problem is an error naming the JSON path.
    pub fn from_json(text: &str) -> Result<Scenario, Error> {
        let value: Value = serde_json::from_str(text).map_err(|e| invalid(format!("file: not valid JSON: {e}")))?;
        let Value::Object(mut top) = value else {
            return Err(invalid("file: must be a JSON object".into()));
        };
        for key in top.keys() {
            if !["name", "rules", "config", "steps"].contains(&key.as_str()) {
                return Err(invalid(format!("{key}: unknown field")));
            }
        }
        let name = match top.remove("name") {
            Some(Value::String(s)) => s,
            None => String::new(),
            Some(_) => return Err(invalid("name: must be a string".into())),
        };
        let rules = match top.remove("rules") {
            None => Vec::new(),
            Some(v) => {
                serde_path_to_error::deserialize(v).map_err(|e| invalid(join_path("rules", &path_message(e))))?
            }
        };
        let config_json = top.remove("config").unwrap_or_else(|| Value::Object(Default::default()));
        let config = Config::from_value(config_json.clone()).map_err(|e| e.within("config"))?;
        let Some(Value::Array(raw_steps)) = top.remove("steps") else {
            return Err(invalid("steps: must be an array".into()));
        };
        let mut steps = Vec::with_capacity(raw_steps.len());
        for (i, raw) in raw_steps.into_iter().enumerate() {
            steps.push(parse_step(raw).map_err(|m| invalid(join_path(&format!("steps[{i}]"), &m)))?);
        }
        Ok(Scenario { name, rules, config, config_json, steps })
    }

    /// Runs every step through the Rust API, as `chatlife run` prints it.
    pub fn run(&self) -> Result<Vec<Output>, Error> {
        self.run_restoring_every(None)
    }

    /// Runs every step; with `Some(n)`, after every `n` command steps the
    /// engine is snapshotted and replaced by a fresh one restored from it. The
    /// output must not change (issue: durable state).
    pub fn run_restoring_every(&self, every: Option<usize>) -> Result<Vec<Output>, Error> {
        let mut engine = Engine::new(self.config.clone())?;
        let mut out = Vec::new();
        let mut commands = 0;
        for (i, step) in self.steps.iter().enumerate() {
            if let Step::Command { at, command, .. } = step {
                if let Err(error) = engine.apply(*at, command) {
                    out.push(Output::Rejected { step: i, at: *at, error });
                }
                while let Some(e) = engine.poll_event() {
                    out.push(Output::Event(e));
                }
                commands += 1;
                if every.is_some_and(|n| n > 0 && commands % n == 0) {
                    engine = Engine::from_snapshot(&engine.snapshot())?;
                }
            }
        }
        Ok(out)
    }

    /// Checks every `expect` and `error` step; returns one line per failure.
    pub fn check(&self) -> Result<Vec<String>, Error> {
        let mut engine = Engine::new(self.config.clone())?;
        let mut failures = Vec::new();
        // Canonical lines, compared byte for byte (docs/rules.md §10): key order counts.
        let mut since_expect: Vec<String> = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                Step::Command { at, command, error } => {
                    let result = engine.apply(*at, command);
                    while let Some(e) = engine.poll_event() {
                        since_expect.push(e.to_json());
                    }
                    match (result, error) {
                        (Ok(()), None) => {}
                        (Err(e), Some(code)) if e.code() == code => {}
                        (Ok(()), Some(code)) => {
                            failures.push(format!("steps[{i}]: expected error {code}, but it was accepted"))
                        }
                        (Err(e), expected) => failures.push(format!(
                            "steps[{i}]: expected {}, got error {}: {}",
                            expected.as_deref().map_or("success".into(), |c| format!("error {c}")),
                            e.code(),
                            e.message()
                        )),
                    }
                }
                Step::Expect(expected) => {
                    let got = std::mem::take(&mut since_expect);
                    let expected: Vec<String> = expected.iter().map(Value::to_string).collect();
                    if got != expected {
                        failures.push(format!(
                            "steps[{i}]: events differ\n  expected:\n{}\n  got:\n{}",
                            lines(&expected),
                            lines(&got)
                        ));
                    }
                }
            }
        }
        Ok(failures)
    }
}

fn lines(values: &[String]) -> String {
    values.iter().map(|v| format!("    {v}")).collect::<Vec<_>>().join("\n")
}

fn parse_step(raw: Value) -> Result<Step, String> {
    let Value::Object(mut fields) = raw else {
        return Err("step: must be an object".into());
    };
    if let Some(expect) = fields.remove("expect") {
        if let Some(extra) = fields.keys().next() {
            return Err(format!("{extra}: an expect step holds nothing else"));
        }
        let Value::Array(events) = expect else {
            return Err("expect: must be an array of events".into());
        };
        return Ok(Step::Expect(events));
    }
    let at = fields.remove("at").ok_or("at: missing")?;
    let at = parse_at(&at).map_err(|m| format!("at: {m}"))?;
    let error = match fields.remove("error") {
        None => None,
        Some(Value::String(code)) if crate::error::ERROR_CODES.contains(&code.as_str()) => Some(code),
        Some(other) => return Err(format!("error: {other} is not an error code of SPEC E1")),
    };
    let command = Command::from_value(Value::Object(fields)).map_err(|e| e.message().to_owned())?;
    Ok(Step::Command { at, command, error })
}
