//! Every shared scenario file, run through the Rust API (not the CLI).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chatlife::scenario::Scenario;

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_scenario_meets_its_expectations() {
    let files = scenario_files();
    assert!(files.len() >= 60, "the suite holds {} scenarios, fewer than 60", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let scenario = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for failure in scenario.check().unwrap() {
            failures.push(format!("{}: {failure}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_spec_rule_is_named_by_a_scenario() {
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/SPEC.md");
    let spec = std::fs::read_to_string(&spec_path)
        .unwrap_or_else(|e| panic!("{}: {e} (shared/ must sit beside the repository)", spec_path.display()));
    // Rule ids open a bullet: "- R-T1. ..." or "- C1. ...".
    let ids: BTreeSet<String> = spec
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .filter_map(|l| l.split_once(". ").map(|(id, _)| id))
        .filter(|id| id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'))
        .filter(|id| id.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect();
    assert!(ids.len() >= 40, "found only {} rule ids in SPEC.md", ids.len());
    let mut named = BTreeSet::new();
    for file in scenario_files() {
        let scenario = Scenario::from_json(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for rule in scenario.rules {
            assert!(ids.contains(&rule), "{}: names {rule}, which SPEC.md does not define", file.display());
            named.insert(rule);
        }
    }
    let missing: Vec<&String> = ids.difference(&named).collect();
    assert!(missing.is_empty(), "rules no scenario names: {missing:?}");
}
