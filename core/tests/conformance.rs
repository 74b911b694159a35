//! Every conformance scenario, run through the Rust API (not the CLI), and
//! docs/rules.md held to the scenarios that pin each rule.

use std::collections::{BTreeMap, BTreeSet};
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

/// One row of docs/rules.md: `| id | decides | enforced in | scenarios | status |`.
struct Rule {
    id: String,
    /// The files of the "enforced in" column.
    modules: Vec<String>,
    scenarios: BTreeSet<String>,
    implemented: bool,
}

const NOT_YET: &str = "v2, not yet implemented";

fn rules() -> Vec<Rule> {
    let rules: Vec<Rule> = rules_text()
        .lines()
        .filter_map(|line| line.strip_prefix("| ")?.strip_suffix(" |"))
        .map(|row| row.split(" | ").collect::<Vec<_>>())
        .filter(|cells| is_rule_id(cells[0]))
        .map(|cells| {
            assert_eq!(cells.len(), 5, "docs/rules.md: the row of {} has {} cells, not 5", cells[0], cells.len());
            let scenarios =
                cells[3].split(", ").filter(|s| *s != "—").map(|s| s.trim_matches('`').to_owned()).collect();
            let modules = cells[2]
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|m| m.ends_with(".rs") || m.ends_with('/'))
                .map(str::to_owned)
                .collect();
            Rule { id: cells[0].to_owned(), modules, scenarios, implemented: cells[4] != NOT_YET }
        })
        .collect();
    assert!(rules.len() >= 60, "docs/rules.md holds only {} rows", rules.len());
    rules
}

fn rules_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `R-T1`, `C5`, `CFG2`, or a whole section: `§10`.
fn is_rule_id(cell: &str) -> bool {
    let id = cell.strip_prefix('§').unwrap_or(cell);
    id.chars().any(|c| c.is_ascii_digit())
        && id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

#[test]
fn the_event_table_lists_every_event_type_in_canonical_order() {
    let text = rules_text();
    let implemented: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("| `") && l.ends_with("| implemented |"))
        .flat_map(|l| l[2..].split(" | ").next().unwrap().split(", ").map(str::to_owned).collect::<Vec<_>>())
        .filter_map(|cell| Some(cell.strip_prefix('`')?.split('`').next()?.to_owned()))
        .collect();
    assert_eq!(implemented, chatlife::EVENT_TYPES, "docs/rules.md §10 against the engine's event types");
}

#[test]
fn rule_e1_lists_every_error_code() {
    let text = rules_text();
    let e1 = text.lines().find(|l| l.starts_with("| E1 |")).expect("docs/rules.md has a row for E1");
    for code in chatlife::ERROR_CODES {
        assert!(e1.contains(&format!("`{code}`")), "docs/rules.md E1 does not list {code}");
    }
}

/// Rule ids (not the § rows, which stand for whole sections) to the scenarios naming them.
fn named_rules() -> BTreeMap<String, BTreeSet<String>> {
    let mut named: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in scenario_files() {
        let scenario = Scenario::from_json(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        for rule in scenario.rules {
            named.entry(rule).or_default().insert(name.clone());
        }
    }
    named
}

#[test]
fn every_rule_lists_exactly_the_scenarios_that_name_it() {
    let rules = rules();
    let named = named_rules();
    let ids: BTreeSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    for (rule, files) in &named {
        assert!(ids.contains(rule.as_str()), "{files:?} name {rule}, which docs/rules.md does not define");
    }
    for rule in &rules {
        let actual = named.get(&rule.id).cloned().unwrap_or_default();
        if rule.id.starts_with('§') {
            assert!(actual.is_empty(), "{}: scenarios name rule ids, not sections", rule.id);
            continue;
        }
        if !rule.implemented {
            assert!(
                actual.is_empty(),
                "{} is marked '{NOT_YET}' in docs/rules.md, yet {actual:?} name it: mark it implemented",
                rule.id
            );
            continue;
        }
        assert!(!actual.is_empty(), "{} is implemented, yet no scenario in tests/conformance names it", rule.id);
        assert_eq!(
            rule.scenarios, actual,
            "docs/rules.md: the scenarios of {} should be exactly the scenarios whose `rules` name it",
            rule.id
        );
    }
}

/// Every implemented rule is named in the source its row says enforces it (a
/// file, or any file of a folder), so a reader can go from the rule to the code.
#[test]
fn every_rule_is_named_where_it_is_enforced() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mentions = |text: &str, id: &str| {
        text.match_indices(id).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + id.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-') && !after.is_some_and(|c| c.is_ascii_digit())
        })
    };
    for rule in rules().iter().filter(|r| r.implemented && !r.id.starts_with('§')) {
        assert!(!rule.modules.is_empty(), "docs/rules.md: {} names no module", rule.id);
        let found = rule.modules.iter().any(|m| {
            let path = root.join(m);
            let files: Vec<PathBuf> = if m.ends_with('/') {
                std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()).collect()
            } else {
                vec![path]
            };
            files.iter().any(|f| std::fs::read_to_string(f).is_ok_and(|text| mentions(&text, &rule.id)))
        });
        assert!(found, "{} is enforced in {:?} says docs/rules.md, but none of them names it", rule.id, rule.modules);
    }
}

/// The behaviour specification sits beside a checkout as ../shared/SPEC.md
/// on the project's own machines, not in a clone: the check runs where it can.
#[test]
fn every_spec_rule_is_in_docs_rules_where_the_spec_is_at_hand() {
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/SPEC.md");
    let Ok(spec) = std::fs::read_to_string(&spec_path) else {
        eprintln!("{} is not here; docs/rules.md stands alone", spec_path.display());
        return;
    };
    // Rule ids open a bullet ("- R-T1. ..." or "- C1. ..."); sections are "## 12. ...".
    let mut ids: BTreeSet<String> = spec
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .filter_map(|l| l.split_once(". ").map(|(id, _)| id))
        .filter(|id| id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'))
        .filter(|id| id.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect();
    assert!(ids.len() >= 40, "found only {} rule ids in SPEC.md", ids.len());
    // Sections without numbered rules of their own appear as § rows.
    for section in ["3", "10", "12", "13", "14"] {
        if spec.lines().any(|l| l.starts_with(&format!("## {section}. "))) {
            ids.insert(format!("§{section}"));
        }
    }
    let listed: BTreeSet<String> = rules().into_iter().map(|r| r.id).collect();
    let missing: Vec<&String> = ids.difference(&listed).collect();
    assert!(missing.is_empty(), "ids of {} that docs/rules.md does not list: {missing:?}", spec_path.display());
}
