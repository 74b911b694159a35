#!/usr/bin/env python3
"""Merges the benchmark JSON lines of every language into
target/bench/results.json and writes target/bench/report.md: the tables, the
ratios against the peers run side by side, each issue-6 and issue-17 target,
met or missed by how much, and target/bench/scaling.svg (bench/scaling_svg.py)."""

import json
import os
import platform
import sys
from collections import defaultdict

import scaling_svg

OUT = "target/bench"

# (workload, impl, n or None for the largest, limit in ns or bytes, what)
TARGETS = [
    ("churn", "chatlife", None, 150, "ns per message, one call at a time"),
    ("churn", "chatlife_batch", None, 40, "ns per message in batches"),
    ("storm", "chatlife", None, 30, "ns per fired timer"),
    ("jump", "chatlife", None, 1_000_000, "ns for one 8-hour advance"),
    ("memory", "chatlife", None, 256, "bytes per conversation"),
]
# (workload, ours, peer, at least this many times faster, or None: reported only)
RATIOS = [
    ("churn", "chatlife", "delay_queue", 5.0),
    ("churn", "chatlife", "binary_heap", 1.0),
    # E1 (issue 12): a command while other chats' timers are due costs at most
    # 1.1x the host calling advance first, then the command.
    ("e1", "chatlife", "advance_then_command", 1 / 1.1),
    ("python_churn", "chatlife_apply_many", "asyncio_call_later", 20.0),
    ("python_churn", "chatlife_apply_many", "heapq_lazy", 1.0),
    ("python_churn", "chatlife_messages", "asyncio_call_later", 20.0),
    ("python_churn", "chatlife_call", "asyncio_call_later", 12.0),
    ("python_churn", "chatlife_messages", "heapq_lazy", None),
    ("python_churn", "chatlife_call", "heapq_lazy", None),
    ("node_churn", "chatlife_apply_many", "set_timeout_refresh", 5.0),
    ("node_churn", "chatlife_apply_many", "clear_then_set", 1.0),
    ("node_churn", "chatlife_messages", "set_timeout_refresh", 3.0),
    ("node_churn", "chatlife_call", "set_timeout_refresh", 1.0),
    # The like-for-like Node peer (issue 17): plain JavaScript on the virtual clock.
    ("node_churn", "chatlife_messages", "js_lazy_heap", None),
    ("node_churn", "chatlife_call", "js_lazy_heap", None),
    ("node_churn", "chatlife_apply_many", "js_lazy_heap", None),
]
# Issue 17's targets: (workload, ours, peer, at least this many times faster, what).
ISSUE_17 = [
    ("python_churn", "chatlife_messages", "asyncio_call_later", 20.0,
     "Python `messages` against asyncio `call_later` (expiries included)"),
    ("python_churn", "chatlife_call", "asyncio_call_later", 12.0, "Python one call per message against asyncio"),
    ("node_churn", "chatlife_messages", "set_timeout_refresh", 3.0,
     "Node `messages` against `setTimeout` + `refresh()` per message"),
    ("node_churn", "chatlife_call", "set_timeout_refresh", 1.0,
     "Node one call per message against `refresh()` (faster)"),
]
# Issue 17's own limits, at 1M chats unless noted: (what, workload, impl, n, limit, peer).
# With a peer the value is ours ÷ the peer's (the same run's memory floor), else ns or bytes.
ISSUE_17_LIMITS = [
    ("one call, ns per message ÷ `memory_latency` of the same run", "churn", "chatlife", 1_000_000, 1.3,
     ("memory_latency", "dependent_load")),
    ("batch (`apply_many`), ns per message", "churn", "chatlife_batch", 1_000_000, 60, None),
    ("batch (`apply_many`), ns per message, 10k", "churn", "chatlife_batch", 10_000, 25, None),
    ("storm, ns per fired timer", "storm", "chatlife", 1_000_000, 20, None),
    ("bytes per chat", "memory", "chatlife", 1_000_000, 256, None),
]
TEN_MILLION = 10_000_000

# What a workload's rows measure, where its table alone would mislead.
WORKLOAD_NOTES = {
    "ffi": "The churn loop of `churn` (an advance per 100 ms step, the step's messages, every event "
    "taken) through each language's binding: `*_call` one call per command, `*_batch` one batch call "
    "per step. Against `churn`'s chatlife rows (the same loop in Rust) they show what crossing into "
    "chatlife costs. Each language ran in its own process; the Python and Node rows are the chatlife "
    "runs of `python_churn` and `node_churn`.",
    "python_churn": "Every implementation fires its expiries: asyncio runs on a virtual-time event loop "
    "(bench/python_bench.py), and the peers hand the host an event dict per participant going idle or "
    "returning, as `poll_events()` does. Building the batch's command dicts is timed.",
    "node_churn": "`js_lazy_heap` is like for like: plain JavaScript (a Map of chats, a lazy binary heap of "
    "deadlines on the virtual clock, bench/js_lazy_heap.js) that fires every expiry and makes an event "
    "object for each, as `pollEvents()` does. **The setTimeout rows are not like for like.** Node's timers "
    "only run on the real clock, so "
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
    "memory": "`chatlife` is the Rust engine's live heap per conversation (bench/src). The `node_*` and "
    "`python_*` rows are the peers' own bytes per chat, at rest once built, before any message: V8's heap "
    "and typed arrays after a full collection, or what tracemalloc counts. The ids are the host's strings "
    "there, shared and not counted, and the lazy heaps grow stale entries later, so these rows favour the peers.",
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
    # The 10M run (Rust only) has its own row in the issue-17 table; the
    # other targets and ratios stay at the largest size every language ran.
    for r in results:
        if r["n"] < TEN_MILLION:
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

    def ratio(w, ours, peer, n):
        a, b = by.get((w, ours, n)), by.get((w, peer, n))
        return b["ns_per_op"] / a["ns_per_op"] if a and b and a["ns_per_op"] > 0 else None

    lines += ["## Ratios (peer time / chatlife time, same run)", "", "| workload | n | chatlife | peer | ratio | wanted |", "|---|---:|---|---|---:|---:|"]
    for w, ours, peer, want in RATIOS:
        for n in sorted({r["n"] for r in results if r["workload"] == w}):
            value = ratio(w, ours, peer, n)
            if value is not None:
                mark = "" if n != largest[w] or want is None else (" ✓" if value >= want else " ✗")
                wanted = "—" if want is None else f"≥ {want:g}×"
                lines.append(f"| {w} | {n:,} | {ours} | {peer} | {value:.2f}×{mark} | {wanted} |")
    lines.append("")

    lines += issue_17_table(results, ratio, largest)
    lines += issue_17_limits(by)

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
    lines += write_picture(results)
    with open(f"{OUT}/report.md", "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


def issue_17_limits(by):
    """Issue 17's limits and its 10M row, as table lines: each met, not met or not run."""
    lines = []
    for what, w, impl, n, limit, peer in ISSUE_17_LIMITS:
        r = by.get((w, impl, n))
        value = None
        if r:
            value = r["bytes_per_conversation"] if w == "memory" else r["ns_per_op"]
            if peer:
                floor = by.get((peer[0], peer[1], n))
                value = value / floor["ns_per_op"] if floor else None
        shown = "not run" if value is None else (f"{value:.2f}×" if peer else f"{value:,.0f}")
        verdict = "not run" if value is None else ("met" if value <= limit else "not met")
        lines.append(f"| {what} (`{w}` `{impl}`, n={n:,}) | ≤ {limit:g}{'×' if peer else ''} | {shown} | {verdict} |")
    churn, memory = by.get(("churn", "chatlife", TEN_MILLION)), by.get(("memory", "chatlife", TEN_MILLION))
    ran = f"{churn['ns_per_op']:,.0f} ns per message" if churn else "not run"
    if memory:
        ran += f", {memory['bytes_per_conversation']:,.0f} bytes per chat"
    lines.append(f"| 10M chats in one process (Rust) | runs | {ran} | {'met' if churn and memory else 'not run'} |")
    return ["## Issue 17 limits (one run)", "", "| target | wanted | measured | |", "|---|---:|---:|---|"] + lines + [""]


def issue_17_table(results, ratio, largest):
    """Issue 17's targets: the ratio at every size, met or not at the largest."""
    sizes = sorted({r["n"] for r in results if r["workload"] in {t[0] for t in ISSUE_17}})
    lines = ["## Issue 17 targets (peer time / chatlife time, same run)", "",
             "| target | wanted | " + " | ".join(f"n={n:,}" for n in sizes) + " | at the largest n |",
             "|---|---:|" + "---:|" * len(sizes) + "---|"]
    for w, ours, peer, want, what in ISSUE_17:
        values = [ratio(w, ours, peer, n) for n in sizes]
        verdict = ratio(w, ours, peer, largest.get(w, 0))
        verdict = "not run" if verdict is None else ("met" if verdict >= want else "not met")
        cells = " | ".join("" if v is None else f"{v:.2f}×" for v in values)
        lines.append(f"| {what} (`{ours}` / `{peer}`) | ≥ {want:g}× | {cells} | {verdict} |")
    return lines + [""]


def write_picture(results):
    """target/bench/scaling.svg, checked as it is written; its link for report.md."""
    quick = os.environ.get("BENCH_QUICK", "0") not in ("", "0")
    text = scaling_svg.render(results, f"chatlife benchmarks{' (quick run)' if quick else ''}: {machine()}")
    scaling_svg.check(text, results)
    with open(f"{OUT}/scaling.svg", "w") as f:
        f.write(text)
    return ["## Scaling", "", "![ns per message and bytes per chat against chats](scaling.svg)", "",
            "[scaling.svg](scaling.svg): ns per message against the number of chats for chatlife and "
            "every peer (log scales), and bytes per chat. Solid lines are chatlife, dashed ones its peers.", ""]


if __name__ == "__main__":
    main(sys.argv[1:])
