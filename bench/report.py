#!/usr/bin/env python3
"""Merges the benchmark JSON lines of every language into
target/bench/results.json and writes target/bench/report.md: the tables, the
ratios against the peers run side by side, and each issue-6 target, met or
missed by how much."""

import json
import os
import platform
import sys
from collections import defaultdict

OUT = "target/bench"

# (workload, impl, n or None for the largest, limit in ns or bytes, what)
TARGETS = [
    ("churn", "chatlife", None, 150, "ns per message, one call at a time"),
    ("churn", "chatlife_batch", None, 40, "ns per message in batches"),
    ("storm", "chatlife", None, 30, "ns per fired timer"),
    ("jump", "chatlife", None, 1_000_000, "ns for one 8-hour advance"),
    ("memory", "chatlife", None, 256, "bytes per conversation"),
]
# (workload, ours, peer, at least this many times faster)
RATIOS = [
    ("churn", "chatlife", "delay_queue", 5.0),
    ("churn", "chatlife", "binary_heap", 1.0),
    # E1 (issue 12): a command while other chats' timers are due costs at most
    # 1.1x the host calling advance first, then the command.
    ("e1", "chatlife", "advance_then_command", 1 / 1.1),
    ("python_churn", "chatlife_apply_many", "asyncio_call_later", 20.0),
    ("python_churn", "chatlife_apply_many", "heapq_lazy", 1.0),
    ("python_churn", "chatlife_messages", "asyncio_call_later", 20.0),
    ("node_churn", "chatlife_apply_many", "set_timeout_refresh", 5.0),
    ("node_churn", "chatlife_apply_many", "clear_then_set", 1.0),
]

# What a workload's rows measure, where its table alone would mislead.
WORKLOAD_NOTES = {
    "ffi": "The churn loop of `churn` (an advance per 100 ms step, the step's messages, every event "
    "taken) through each language's binding: `*_call` one call per command, `*_batch` one batch call "
    "per step. Against `churn`'s chatlife rows (the same loop in Rust) they show what crossing into "
    "chatlife costs. Each language ran in its own process; the Python and Node rows are the chatlife "
    "runs of `python_churn` and `node_churn`.",
    "python_churn": "Every implementation fires its expiries: asyncio runs on a virtual-time event loop "
    "(bench/python_bench.py). Building the batch's command dicts is timed.",
    "node_churn": "**Not like for like.** Node's timers only run on the real clock, so "
    "`set_timeout_refresh` and `clear_then_set` measure the reset per message alone (their timers are "
    "minutes away and none fires during the run); chatlife's rows also fire every expiry of the "
    "virtual 6 minutes. Building the batch's command objects is timed. Two rows are parts, not "
    "implementations: `chatlife_messages_poll_events_part` is the share of `chatlife_messages` spent "
    "in `pollEvents`, and `json_parse_of_those_events` is V8's own `JSON.parse` of the same events' "
    "text, the floor under it (both per message).",
    "memory_latency": "Not an implementation: the machine's floor. One load that must wait for the one "
    "before it, in a buffer as large as the conversation records at this n, lines visited in a random "
    "cycle. A command that looks a conversation up by id waits for at least two such loads in a row "
    "(the id index, then the record) unless a batch overlaps them.",
    "e1": "E1's price (issue 12): 20k conversations with an idle deadline due every millisecond and "
    "one message a millisecond to another, quiet conversation. `chatlife` sends the message alone (the "
    "engine checks it, fires the due timer, applies it); `advance_then_command` is the host calling "
    "`advance` first, then the same message. Both include the fired timer; best of three runs each.",
    "next_deadline": "What a host's loop asks after every call (`Engine::next_deadline`), asked after each "
    "of the churn's first 100k messages; the clock read around each call is included.",
}
QUICK_NOTE = "Quick run (`BENCH_QUICK=1`): sizes 10k and 100k, for every language and every peer."


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} × {cpu}{mem}, {platform.system()} {platform.release()}"


def main(paths):
    results = []
    for path in paths:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    results.append(json.loads(line))
    os.makedirs(OUT, exist_ok=True)
    with open(f"{OUT}/results.json", "w") as f:
        json.dump({"machine": machine(), "results": results}, f, indent=1)

    by = {(r["workload"], r["impl"], r["n"]): r for r in results}
    largest = defaultdict(int)
    for r in results:
        largest[r["workload"]] = max(largest[r["workload"]], r["n"])

    lines = ["# chatlife benchmarks", "", f"Machine: {machine()}.", "",
             "Every row of a workload ran in the same process, on the same input, one after the other "
             "(but `ffi`: one process per language, on the same input). Rust rows are single runs; "
             "C, Python and Node rows the fastest of `BENCH_REPEAT` (default 3) runs taken round after round.", ""]
    if os.environ.get("BENCH_QUICK", "0") not in ("", "0"):
        lines += [QUICK_NOTE, ""]
    workloads = sorted({r["workload"] for r in results}, key=lambda w: [r["workload"] for r in results].index(w))
    for w in workloads:
        rows = [r for r in results if r["workload"] == w]
        memory = any(r.get("bytes_per_conversation") is not None for r in rows)
        lines += [f"## {w}", "", "| impl | n | " + ("bytes / conversation" if memory else "ns / op") + " |", "|---|---:|---:|"]
        for r in rows:
            value = r["bytes_per_conversation"] if memory else r["ns_per_op"]
            lines.append(f"| {r['impl']} | {r['n']:,} | {value:,} |")
        lines.append("")
        if w in WORKLOAD_NOTES:
            lines += [WORKLOAD_NOTES[w], ""]

    lines += ["## Ratios (peer time / chatlife time, same run)", "", "| workload | n | chatlife | peer | ratio | wanted |", "|---|---:|---|---|---:|---:|"]
    for w, ours, peer, want in RATIOS:
        for n in sorted({r["n"] for r in results if r["workload"] == w}):
            a, b = by.get((w, ours, n)), by.get((w, peer, n))
            if a and b and a["ns_per_op"] > 0:
                ratio = b["ns_per_op"] / a["ns_per_op"]
                mark = "" if n != largest[w] else (" ✓" if ratio >= want else " ✗")
                lines.append(f"| {w} | {n:,} | {ours} | {peer} | {ratio:.2f}×{mark} | ≥ {want:g}× |")
    lines.append("")

    lines += ["## Targets", "", "| target | measured | limit | |", "|---|---:|---:|---|"]
    missed = []
    for w, impl, n, limit, what in TARGETS:
        n = n or largest.get(w)
        r = by.get((w, impl, n))
        if not r:
            continue
        value = r["bytes_per_conversation"] if w == "memory" else r["ns_per_op"]
        ok = value <= limit
        if not ok:
            missed.append(f"{w}/{impl} at n={n:,}: {value:,} against {limit:,} {what} ({value / limit:.1f}× over)")
        lines.append(f"| {w} {impl} (n={n:,}): {what} | {value:,} | {limit:,} | {'met' if ok else 'missed'} |")
    lines.append("")
    if missed:
        lines += ["Missed:", ""] + [f"- {m}" for m in missed] + [""]
        notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NOTES.md")
        if os.path.exists(notes):
            # The profile and the reasons, kept by hand beside the harness.
            with open(notes) as f:
                lines += ["## Why, with the profile (bench/NOTES.md)", "", f.read().split("\n", 1)[1].strip(), ""]
    with open(f"{OUT}/report.md", "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1:])
