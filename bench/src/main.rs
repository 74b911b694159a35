//! Side-by-side benchmarks (issue 6). Every workload runs chatlife and its
//! peers in the same process, on the same generated input, with the same id
//! lookups, so the ratios hold even on a noisy machine. Results go to stdout
//! as JSON lines: {"workload", "impl", "n", "ns_per_op", "bytes_per_conversation"}.
//!
//! Usage: chatlife-bench [--quick] [--n N] [--only PREFIX,...] (`make bench-rust-10m`: N = 10M)

mod alloc;
mod peers;
mod workload;

use std::time::Instant;

use workload::Churn;

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

fn emit(workload: &str, implementation: &str, n: usize, ns_per_op: f64, bytes: Option<f64>) {
    let line = serde_json::json!({
        "workload": workload, "impl": implementation, "n": n,
        "ns_per_op": (ns_per_op * 10.0).round() / 10.0,
        "bytes_per_conversation": bytes.map(|b| b.round()),
    });
    println!("{line}");
}

/// Runs `f` and returns its time in nanoseconds.
fn timed(f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_nanos() as f64
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick") || std::env::var_os("BENCH_QUICK").is_some_and(|v| v != "0");
    // `--only churn:chatlife` runs just that, for profiling under callgrind;
    // `--only churn:chatlife,memory:` runs each prefix of the list.
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).cloned();
    let wants = |workload: &str, implementation: &str| {
        let name = format!("{workload}:{implementation}");
        only.as_deref().is_none_or(|o| o.split(',').any(|prefix| name.starts_with(prefix)))
    };
    let sizes: &[usize] = if quick { &[10_000, 100_000] } else { &[10_000, 100_000, 1_000_000] };
    let sizes = match args.iter().position(|a| a == "--n").and_then(|i| args.get(i + 1)) {
        Some(n) => vec![n.parse().expect("--n takes a number")],
        None => sizes.to_vec(),
    };
    let largest = *sizes.last().unwrap();

    // `--dump-churn DIR`: write each size's churn input for the Python and Node
    // benchmarks, so every language runs the very same messages.
    if let Some(dir) = args.iter().position(|a| a == "--dump-churn").and_then(|i| args.get(i + 1)) {
        std::fs::create_dir_all(dir).expect("the dump folder can be made");
        for &n in &sizes {
            let churn = Churn::generate(n, 42);
            let mut text = String::with_capacity(churn.messages.len() * 12);
            for &(step, conv, agent) in &churn.messages {
                text.push_str(&format!("{step} {conv} {}\n", agent as u8));
            }
            std::fs::write(format!("{dir}/churn-{n}.txt"), text).expect("the dump can be written");
        }
        return;
    }

    for &n in &sizes {
        let churn = Churn::generate(n, 42);
        let messages = churn.messages.len() as f64;
        // Each run times its message loop only, not building its structures.
        if wants("churn", "chatlife") {
            emit("churn", "chatlife", n, churn.run_chatlife(false) / messages, None);
        }
        if wants("churn", "chatlife_batch") {
            emit("churn", "chatlife_batch", n, churn.run_chatlife(true) / messages, None);
        }
        if wants("churn", "delay_queue") {
            emit("churn", "delay_queue", n, churn.run_delay_queue() / messages, None);
        }
        if wants("churn", "binary_heap") {
            emit("churn", "binary_heap", n, churn.run_binary_heap() / messages, None);
        }
        if wants("next_deadline", "chatlife") {
            emit("next_deadline", "chatlife", n, workload::next_deadline(&churn), None);
        }
    }
    // Alternated, best of three: the two differ by a few per cent at most.
    let e1_n = 20_000;
    let best = |command: bool| (0..3).map(|_| workload::e1(e1_n, command)).fold(f64::INFINITY, f64::min);
    if wants("e1", "chatlife") {
        emit("e1", "chatlife", e1_n, best(true), None);
    }
    if wants("e1", "advance_then_command") {
        emit("e1", "advance_then_command", e1_n, best(false), None);
    }
    if wants("memory_latency", "dependent_load") {
        emit("memory_latency", "dependent_load", largest, workload::dependent_load(largest), None);
    }
    if wants("storm", "chatlife") {
        let (ns, fired) = workload::storm(largest);
        emit("storm", "chatlife", largest, ns / fired as f64, None);
    }
    if wants("jump", "chatlife") {
        emit("jump", "chatlife", largest, workload::jump(largest), None);
    }
    if wants("memory", "chatlife") {
        emit("memory", "chatlife", largest, 0.0, Some(workload::memory(largest)));
    }
}
