"""Python side of the benchmarks (issue 6): the churn of bench/src/workload.rs,
read from the dump `chatlife-bench --dump-churn DIR` writes, run by chatlife and
by what a Python host would write instead, one after the other in this process:

- chatlife_apply_many: one ``Engine.apply_many`` per 100 ms step (the step's
  advance and its messages), then ``poll_events()``.
- chatlife_call: ``advance`` then one ``Engine.message`` per message, then
  ``poll_events()``.
- chatlife_messages: ``advance`` then one ``Engine.messages`` with the step's
  conversations and senders as two lists (building them is timed), then
  ``poll_events()``.
- asyncio_call_later: one asyncio TimerHandle per participant; a message
  cancels it and ``call_later``s a new one. Virtual time: the event loop's
  ``time()`` returns a clock the benchmark sets, and each 100 ms step runs one
  iteration of the loop (``BaseEventLoop._run_once``, private but stable since
  3.4), which fires every timer due, just as a real loop's iteration would;
  the clock counts milliseconds, so every deadline is exact.
  Its selector returns at once, so no step waits on the real clock.
- heapq_lazy: a ``heapq`` of (deadline, sequence, slot); a reset pushes a new
  entry and bumps the slot's sequence; stale entries are skipped when popped.

Every implementation gets the same messages as (conversation id, sender id)
strings; the peers look the conversation up in a dict and compare the sender
with the customer's and the agent's ids, as chatlife does inside. Expiries are
included for all five: idle after 5 minutes, then auto-disconnect after 10.
The peers hand the host what chatlife's ``poll_events()`` does: an event (a
dict of SPEC §10's fields) for each participant going idle or returning.
Only the step loop is timed (not building the engine or the records), with
the garbage collector off, as timeit does. Building each batch's command
dicts (or lists) is timed: a host has to build them. Each implementation runs
BENCH_REPEAT times (default 3), round after round; its fastest run counts.

Prints JSON lines {"workload", "impl", "n", "ns_per_op", "bytes_per_conversation"}
with ns_per_op per message: workload python_churn for all five, and the three
chatlife runs again as workload ffi (python_batch, python_call,
python_messages), next to C's; and the peers' bytes per chat as workload
memory (python_asyncio_call_later, python_heapq_lazy), next to chatlife's (Rust).

Usage: .venv/bin/python bench/python_bench.py DUMP_DIR N [N...]
"""

import asyncio
import gc
import heapq
import json
import os
import selectors
import sys
import time
import tracemalloc

import chatlife

# Must match bench/src/workload.rs (STEP_MS, SPAN_MS, Churn::config()).
STEP_MS = 100
SPAN_MS = 6 * 60_000
IDLE_MS = 5 * 60_000
AUTO_DISCONNECT_MS = 10 * 60_000
CONFIG = {
    "policies": {
        "default": {
            "timers": {
                "customer_idle": IDLE_MS // 60_000,
                "customer_auto_disconnect": AUTO_DISCONNECT_MS // 60_000,
                "agent_idle": IDLE_MS // 60_000,
                "agent_auto_disconnect": AUTO_DISCONNECT_MS // 60_000,
            }
        }
    }
}

IDLE, AUTO_DISCONNECT, OFF = 0, 1, 2


class Churn:
    """The dump's messages, grouped by step, as id strings."""

    def __init__(self, directory, n):
        self.n = n
        self.conversations = [f"conv-{i:08}" for i in range(n)]
        self.customers = [f"cust-{i:08}" for i in range(n)]
        self.agents = [f"agent-{i // 4:07}" for i in range(n)]
        self.steps = [[] for _ in range(SPAN_MS // STEP_MS + 1)]
        self.messages = 0
        with open(f"{directory}/churn-{n}.txt") as f:
            for line in f:
                step, conv, agent = map(int, line.split())
                sender = self.agents[conv] if agent else self.customers[conv]
                self.steps[step].append((self.conversations[conv], sender))
                self.messages += 1


def timed(loop):
    """Runs `loop()` with the collector off; its time in ns."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter_ns()
        loop()
        return time.perf_counter_ns() - start
    finally:
        gc.enable()


def idle_events(events):
    """A host reads every event; counting who went idle and who came back
    checks that every implementation ran the same lifecycle."""
    return sum(1 for event in events if event.type in LIFECYCLE_TYPES)


def peer_idle_events(events):
    """The same count over a peer's events, which are dicts."""
    return sum(1 for event in events if event["type"] in LIFECYCLE_TYPES)


LIFECYCLE_TYPES = ("participant_idle", "participant_returned")
ROLES = ("customer", "agent")


def chatlife_engine(churn):
    engine = chatlife.Engine(CONFIG)
    for conversation, customer, agent in zip(churn.conversations, churn.customers, churn.agents):
        engine.start_conversation(0, conversation, customer)
        engine.join(0, conversation, agent, "agent")
    engine.poll_events()
    return engine


def run_chatlife_apply_many(churn):
    engine = chatlife_engine(churn)
    seen = 0

    def loop():
        nonlocal seen
        for step in range(1, len(churn.steps)):
            now = step * STEP_MS
            batch = [{"at": now, "op": "advance"}]
            batch += [
                {"at": now, "op": "message", "conversation": conversation, "participant": sender}
                for conversation, sender in churn.steps[step]
            ]
            engine.apply_many(batch)
            seen += idle_events(engine.poll_events())

    return timed(loop), seen


def run_chatlife_call(churn):
    engine = chatlife_engine(churn)
    seen = 0

    def loop():
        nonlocal seen
        message = engine.message
        for step in range(1, len(churn.steps)):
            now = step * STEP_MS
            engine.advance(now)
            for conversation, sender in churn.steps[step]:
                message(now, conversation, sender)
            seen += idle_events(engine.poll_events())

    return timed(loop), seen


def run_chatlife_messages(churn):
    engine = chatlife_engine(churn)
    seen = 0

    def loop():
        nonlocal seen
        advance, messages = engine.advance, engine.messages
        for step in range(1, len(churn.steps)):
            now = step * STEP_MS
            pairs = churn.steps[step]
            advance(now)
            messages(now, [conversation for conversation, _ in pairs], [sender for _, sender in pairs])
            seen += idle_events(engine.poll_events())

    return timed(loop), seen


class Chat:
    """A peer's record of one conversation: ids, and per participant
    (customer 0, agent 1) its phase and pending timer."""

    __slots__ = ("id", "customer", "agent", "phase", "timer")

    def __init__(self, conversation, customer, agent):
        self.id = conversation
        self.customer = customer
        self.agent = agent
        self.phase = [IDLE, IDLE]
        self.timer = [None, None]

    def event(self, at, kind, who):
        """What chatlife hands the host for an expiry or a return (SPEC §10's
        fields), so the peers do the host's share of the work too."""
        participant = self.agent if who else self.customer
        return {"at": at, "type": kind, "conversation": self.id, "participant": participant,
                "role": ROLES[who], "transcript": False}


def chats_of(churn):
    return {
        conversation: Chat(conversation, customer, agent)
        for conversation, customer, agent in zip(churn.conversations, churn.customers, churn.agents)
    }


class _NoWaitSelector(selectors.DefaultSelector):
    """Nothing does I/O here: a loop iteration must never sleep."""

    def select(self, timeout=None):
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An asyncio loop on a clock the benchmark sets: `step_to(now)` moves the
    clock and runs one loop iteration, which runs every callback due. The
    clock counts milliseconds (asyncio never assumes a unit), so every
    deadline is an exact float and fires on the same step as chatlife's."""

    def __init__(self):
        super().__init__(selector=_NoWaitSelector())
        self._virtual_now = 0.0

    def time(self):
        return self._virtual_now

    def step_to(self, now):
        self._virtual_now = float(now)
        self._run_once()


def asyncio_chats(loop, churn, expired):
    """The chats, each participant's idle timer armed on `loop`."""
    chats = chats_of(churn)
    for chat in chats.values():
        chat.timer = [loop.call_later(float(IDLE_MS), expired, chat, 0),
                      loop.call_later(float(IDLE_MS), expired, chat, 1)]
    return chats


def run_asyncio(churn):
    loop = VirtualTimeLoop()
    idle, auto_disconnect = float(IDLE_MS), float(AUTO_DISCONNECT_MS)
    events = []

    def expired(chat, who):
        if chat.phase[who] == IDLE:
            chat.phase[who] = AUTO_DISCONNECT
            events.append(chat.event(int(loop.time()), "participant_idle", who))
            chat.timer[who] = loop.call_later(auto_disconnect, expired, chat, who)
        else:
            chat.phase = [OFF, OFF]
            for timer in chat.timer:
                timer.cancel()

    chats = asyncio_chats(loop, churn, expired)

    def run():
        nonlocal seen
        call_later = loop.call_later
        for step in range(1, len(churn.steps)):
            now = step * STEP_MS
            events.clear()
            loop.step_to(now)
            for conversation, sender in churn.steps[step]:
                chat = chats.get(conversation)
                if chat is None:
                    continue
                who = 0 if sender == chat.customer else 1 if sender == chat.agent else -1
                if who < 0 or chat.phase[who] == OFF:
                    continue
                chat.timer[who].cancel()
                if chat.phase[who] == AUTO_DISCONNECT:
                    events.append(chat.event(now, "participant_returned", who))
                chat.phase[who] = IDLE
                chat.timer[who] = call_later(idle, expired, chat, who)
            seen += peer_idle_events(events)

    seen = 0
    try:
        return timed(run), seen
    finally:
        loop.close()


def heapq_state(churn):
    """The chats, their slots (conversation -> the customer's slot; the agent
    is +1), the records by slot // 2, each slot's generation, the heap."""
    chats = chats_of(churn)
    slots = {}
    records = []
    for i, (conversation, chat) in enumerate(chats.items()):
        slots[conversation] = 2 * i
        records.append(chat)
    generation = list(range(1, 2 * len(records) + 1))
    heap = [(IDLE_MS, sequence, slot) for slot, sequence in enumerate(generation)]
    heapq.heapify(heap)
    return chats, slots, records, generation, heap


def run_heapq(churn):
    chats, slots, records, generation, heap = heapq_state(churn)
    sequence = len(generation)
    seen = 0

    # The sender lookup is written out in each peer rather than shared: a
    # Python call per message would add tens of ns to the peers' times.
    def run():
        nonlocal sequence, seen
        push, pop = heapq.heappush, heapq.heappop
        for step in range(1, len(churn.steps)):
            now = step * STEP_MS
            events = []
            while heap and heap[0][0] <= now:
                at, seq, slot = pop(heap)
                if generation[slot] != seq:
                    continue
                chat, who = records[slot >> 1], slot & 1
                if chat.phase[who] == IDLE:
                    chat.phase[who] = AUTO_DISCONNECT
                    events.append(chat.event(at, "participant_idle", who))
                    sequence += 1
                    generation[slot] = sequence
                    push(heap, (at + AUTO_DISCONNECT_MS, sequence, slot))
                else:
                    chat.phase = [OFF, OFF]
                    generation[slot & ~1] = generation[slot | 1] = 0
            for conversation, sender in churn.steps[step]:
                chat = chats.get(conversation)
                if chat is None:
                    continue
                who = 0 if sender == chat.customer else 1 if sender == chat.agent else -1
                if who < 0 or chat.phase[who] == OFF:
                    continue
                if chat.phase[who] == AUTO_DISCONNECT:
                    events.append(chat.event(now, "participant_returned", who))
                chat.phase[who] = IDLE
                slot = slots[conversation] + who
                sequence += 1
                generation[slot] = sequence
                push(heap, (now + IDLE_MS, sequence, slot))
            seen += peer_idle_events(events)

    return timed(run), seen


def peer_bytes(churn, build):
    """A peer's bytes per chat at rest, as Rust's `memory` row counts
    chatlife's: its records and timers once built, before any message (the
    lazy heap's stale entries come later). The ids are the host's strings,
    shared, and not counted."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = build()
        gc.collect()
        bytes_, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    return round(bytes_ / churn.n)


def emit_peer_bytes(churn):
    loop = VirtualTimeLoop()
    try:
        emit("memory", "python_asyncio_call_later", churn.n, 0, 1,
             peer_bytes(churn, lambda: asyncio_chats(loop, churn, lambda chat, who: None)))
    finally:
        loop.close()
    emit("memory", "python_heapq_lazy", churn.n, 0, 1, peer_bytes(churn, lambda: heapq_state(churn)))


def emit(workload, impl, n, ns, messages, bytes_=None):
    line = {"workload": workload, "impl": impl, "n": n, "ns_per_op": round(ns / messages, 1),
            "bytes_per_conversation": bytes_}
    print(json.dumps(line), flush=True)


def main(directory, sizes, repeat):
    for n in sizes:
        churn = Churn(directory, n)
        best, idle = {}, {}
        # Round after round, so a slow spell of the machine hits every
        # implementation alike; the fastest run of each is kept.
        for _ in range(repeat):
            for impl, run in RUNS:
                ns, idle[impl] = run(churn)
                best[impl] = min(best.get(impl, ns), ns)
        # Within the 6 virtual minutes only idle timers can fire, so every
        # implementation must have seen the same participants go idle and return.
        if len(set(idle.values())) != 1:
            sys.exit(f"idle and returned participants differ between implementations: {idle}")
        for impl, _ in RUNS:
            emit("python_churn", impl, n, best[impl], churn.messages)
        emit("ffi", "python_batch", n, best["chatlife_apply_many"], churn.messages)
        emit("ffi", "python_call", n, best["chatlife_call"], churn.messages)
        emit("ffi", "python_messages", n, best["chatlife_messages"], churn.messages)
        emit_peer_bytes(churn)


RUNS = [
    ("chatlife_apply_many", run_chatlife_apply_many),
    ("chatlife_call", run_chatlife_call),
    ("chatlife_messages", run_chatlife_messages),
    ("asyncio_call_later", run_asyncio),
    ("heapq_lazy", run_heapq),
]


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], [int(n) for n in sys.argv[2:]], int(os.environ.get("BENCH_REPEAT", "3")))
