"""One engine shared by threads, the documented way: every call is serialized
by the engine's lock; the host reads its clock and calls under a lock of its
own so `now` never goes back; long calls release the GIL."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Callable

import chatlife

CONFIG = {
    "agents": {"default_capacity": 2},
    "policies": {"default": {"timers": {"customer_idle": 2, "agent_idle": 3}, "auto_close": {"wrap_up": "1m"}}},
}


class Host:
    """A host's clock and lock: `now` is read and the engine called as one step."""

    def __init__(self, engine: chatlife.Engine) -> None:
        self.engine = engine
        self.lock = threading.Lock()
        self.now = 0
        self.log: list[tuple[str, tuple[Any, ...], str | None]] = []

    def call(self, method: str, *args: Any) -> None:
        with self.lock:
            self.now += 7_000
            outcome = apply(self.engine, method, (self.now, *args))
            self.log.append((method, (self.now, *args), outcome))


def apply(engine: chatlife.Engine, method: str, args: tuple[Any, ...]) -> str | None:
    """Calls a method; the error code if it was rejected."""
    if method == "apply_many":
        now, commands = args
        results = engine.apply_many([dict(c, at=now) for c in commands])
        return ",".join("ok" if r is None else r.code for r in results)
    try:
        getattr(engine, method)(*args)
    except chatlife.ChatlifeError as error:
        return error.code
    return None


def conversation_script(host: Host, worker: int) -> None:
    agent = f"ag{worker}"
    for i in range(40):
        conversation, customer = f"c{worker}-{i}", f"cu{worker}-{i}"
        host.call("start_conversation", conversation, customer)
        host.call("join", conversation, agent, "agent")
        host.call("message", conversation, customer)
        host.call("join", conversation, agent, "agent")  # rejected: already there
        if i % 3 == 0:
            host.call("connection_lost", conversation, customer)
        host.call("end", conversation, agent)
        host.call(
            "apply_many",
            [{"op": "advance"}, {"op": "message", "conversation": conversation, "participant": "nobody"}],
        )


def test_threads_sharing_an_engine_see_exactly_a_serial_run() -> None:
    engine = chatlife.Engine(CONFIG)
    host = Host(engine)
    polled: list[chatlife.Event] = []
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            polled.extend(engine.poll_events())
            engine.next_deadline()
            time.sleep(0)

    def tick() -> None:
        while not done.is_set():
            host.call("advance")
            time.sleep(0.001)

    workers = [threading.Thread(target=conversation_script, args=(host, w)) for w in range(4)]
    helpers = [threading.Thread(target=poll), threading.Thread(target=tick)]
    for thread in workers + helpers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    done.set()
    for thread in helpers:
        thread.join(timeout=120)
    polled.extend(engine.poll_events())

    # The same calls in the order the host lock let them through, on one thread.
    serial = chatlife.Engine(CONFIG)
    for method, args, outcome in host.log:
        assert apply(serial, method, args) == outcome
    assert [e.to_json() for e in polled] == [e.to_json() for e in serial.poll_events()]
    assert serial.snapshot() == engine.snapshot()
    assert len(polled) > 1000
    assert any(outcome == "duplicate_participant" for _, _, outcome in host.log)


def test_threads_without_a_host_lock_get_errors_not_corruption() -> None:
    """Without the host lock, `now` can arrive out of order: those calls are
    refused with TimeWentBackwards, and the engine stays whole."""
    engine = chatlife.Engine(CONFIG)
    codes: list[str] = []

    def worker(w: int) -> None:
        for i in range(300):
            now = int(time.monotonic() * 1000) * 1000 + i
            code = apply(engine, "start_conversation", (now, f"c{w}-{i}", "cu"))
            if code:
                codes.append(code)
            engine.poll_events()

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert set(codes) <= {"time_went_backwards"}
    restored = chatlife.Engine.from_snapshot(engine.snapshot())
    assert restored.snapshot() == engine.snapshot()


def longest_pause_of_other_threads(call: Callable[[], object]) -> float:
    """Runs `call` while another thread runs Python code; returns the longest
    stretch during the call in which that thread could not run, as a fraction
    of the call's duration."""
    pauses: list[tuple[float, float]] = []
    stop = threading.Event()

    def spin() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            now = time.perf_counter()
            if now - last > 0.002:
                pauses.append((last, now))
            last = now

    spinner = threading.Thread(target=spin)
    spinner.start()
    time.sleep(0.05)
    start = time.perf_counter()
    call()
    end = time.perf_counter()
    stop.set()
    spinner.join()
    inside = [min(b, end) - max(a, start) for a, b in pauses if b > start and a < end]
    return max(inside, default=0.0) / (end - start)


def test_restore_releases_the_gil() -> None:
    engine = chatlife.Engine(CONFIG)
    commands: list[dict[str, Any]] = []
    for i in range(8000):
        commands.append({"at": 0, "op": "start_conversation", "conversation": f"c{i}", "customer": f"cu{i}"})
        commands.append({"at": 0, "op": "join", "conversation": f"c{i}", "participant": f"ag{i}", "role": "agent"})
    assert not any(engine.apply_many(commands))
    engine.poll_events()
    snapshot = engine.snapshot()
    # A call that holds the GIL stalls the other thread for most of its length ...
    assert longest_pause_of_other_threads(lambda: json.loads(snapshot)) > 0.5
    # ... the engine's long calls do not.
    assert longest_pause_of_other_threads(lambda: engine.restore(snapshot)) < 0.5


def test_long_batches_release_the_gil_while_the_core_works() -> None:
    # Batches whose core work (firing 400k idle timers) dwarfs reading their
    # few commands: held throughout, the other thread would stall for the
    # whole call (a fraction of 1.0); released, only while the commands are read.
    n = 400_000
    engine = chatlife.Engine(CONFIG)
    setup: list[dict[str, Any]] = []
    for i in range(n):
        setup.append({"at": 0, "op": "start_conversation", "conversation": f"c{i}", "customer": f"cu{i}"})
        setup.append({"at": 0, "op": "join", "conversation": f"c{i}", "participant": f"ag{i}", "role": "agent"})
    assert not any(engine.apply_many(setup))
    engine.poll_events()
    customers_idle = [{"at": 150_000 + k, "op": "advance"} for k in range(64)]
    assert longest_pause_of_other_threads(lambda: engine.apply_many(customers_idle)) < 0.5
    assert len(engine.poll_events()) == n
    # The first message fires the agents' idle timers, due before it.
    conversations = [f"c{i}" for i in range(64)]
    participants = [f"cu{i}" for i in range(64)]
    assert longest_pause_of_other_threads(lambda: engine.messages(210_000, conversations, participants)) < 0.5
    assert sum(e.type == "participant_idle" for e in engine.poll_events()) == n
    assert engine.now == 210_000
