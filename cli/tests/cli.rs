//! The `chatlife` binary: exit codes and output shapes of docs/rules.md SC2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn chatlife(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chatlife")).args(args).output().expect("the binary runs")
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn write_temp(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("chatlife-cli-test-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn run_prints_the_same_lines_as_the_library() {
    let file = repo("tests/conformance/every-error-code-changes-nothing.json");
    let out = chatlife(&["run", file.to_str().unwrap()]);
    assert!(out.status.success());
    let scenario = chatlife::scenario::Scenario::from_json(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let expected: String = scenario.run().unwrap().iter().map(|l| l.to_json() + "\n").collect();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    assert!(expected.contains(r#""type":"error","step":5,"code":"invalid_argument""#));
}

#[test]
fn check_counts_and_fails_on_a_broken_expectation() {
    let good = repo("tests/conformance/spec-example.json");
    let out = chatlife(&["check", good.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().ends_with("1 passed, 0 failed\n"));

    let text = std::fs::read_to_string(&good).unwrap().replace("125000", "125001");
    let bad = write_temp("bad.json", &text);
    let out = chatlife(&["check", good.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("events differ"), "{stdout}");
    assert!(stdout.ends_with("1 passed, 1 failed\n"), "{stdout}");
}

#[test]
fn check_compares_canonical_bytes_so_key_order_counts() {
    let good = repo("tests/conformance/spec-example.json");
    let text = std::fs::read_to_string(&good).unwrap();
    let swapped =
        text.replacen(r#"{"at": 0, "type": "conversation_started""#, r#"{"type": "conversation_started", "at": 0"#, 1);
    assert_ne!(swapped, text, "the expectation was found");
    let out = chatlife(&["check", write_temp("order.json", &swapped).to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn invalid_files_exit_2_naming_the_json_path() {
    let cases = [
        ("not-json.json", "{", "not valid JSON"),
        (
            "timer.json",
            r#"{"config": {"policies": {"default": {"timers": {"customer_idle": 481}}}}, "steps": []}"#,
            "config.policies.default.timers.customer_idle: 481 is above 480",
        ),
        ("op.json", r#"{"steps": [{"at": 0, "op": "fly"}]}"#, "steps[0].op: \"fly\" is not a command"),
        ("field.json", r#"{"steps": [{"at": "1x", "op": "advance"}]}"#, "steps[0].at: "),
        ("code.json", r#"{"steps": [{"at": 0, "op": "advance", "error": "oops"}]}"#, "steps[0].error: "),
    ];
    for (name, text, needle) in cases {
        let path = write_temp(name, text);
        for verb in ["run", "check"] {
            let out = chatlife(&[verb, path.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(2), "{verb} {name}");
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert!(stderr.contains(needle), "{verb} {name}: {stderr}");
        }
    }
}

#[test]
fn timeline_reads_like_a_story() {
    let out = chatlife(&["timeline", repo("examples/demo.json").to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("10:00  chat-ana  customer ana is disconnected (grace ran out)"), "{text}");
    assert!(text.contains("reconnects by link (same agent)"), "{text}");
    assert!(text.contains("11:30  chat-ana  on hold (agent)"), "{text}");
    assert!(text.contains("15:00  chat-ana  warning: reconnect window of ana runs out at 17:00"), "{text}");
    assert!(!text.contains("crl1_"), "the timeline must not print tokens");
}

#[test]
fn timeline_draws_an_svg() {
    let svg = std::env::temp_dir().join(format!("chatlife-cli-test-{}.svg", std::process::id()));
    let out = chatlife(&["timeline", repo("examples/demo.json").to_str().unwrap(), "--svg", svg.to_str().unwrap()]);
    assert!(out.status.success());
    let picture = std::fs::read_to_string(&svg).unwrap();
    assert!(picture.starts_with("<svg") && picture.contains("chat-ana") && picture.contains("wrap_up from 18:00"));
    assert!(picture.contains("on hold from 11:30"), "the hold is drawn");
    assert!(picture.contains("warning: reconnect_window at 15:00"), "the warning is drawn");
}

#[test]
fn readme_shows_the_examples_that_are_compiled_and_run() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    for (fence, file) in [("```c\n", "examples/c/hello.c"), ("```rust\n", "core/examples/quickstart.rs")] {
        let example = std::fs::read_to_string(repo(file)).unwrap();
        let start = readme.find(fence).unwrap_or_else(|| panic!("README has no {fence:?} block")) + fence.len();
        let block = &readme[start..start + readme[start..].find("```").unwrap()];
        // The Rust block shows the body of main; the C block the whole file.
        let shown: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(shown.iter().all(|line| example.contains(line.trim())), "README's {fence:?} block differs from {file}");
    }
}
