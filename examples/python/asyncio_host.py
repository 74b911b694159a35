"""A real asyncio host for chatlife.

The engine has no clock and no I/O: the host stamps every incoming command with
its own clock, and between commands it sleeps until ``next_deadline()`` — or
until the next command arrives, whichever comes first — then calls
``advance(now)``. That is the whole loop (docs/rules.md T5); everything else here is a
scripted chat standing in for a real transport.

The story: Ada starts a chat, Sam (an agent) joins and shares a reconnect link;
Ada's connection drops, the grace period runs out, she comes back through the
link, Sam ends the chat and wrap-up auto-closes it.

Engine time runs ``--speed`` times faster than wall time so the story, about two
minutes of engine time, plays in a few seconds::

    python examples/python/asyncio_host.py            # human-readable
    python examples/python/asyncio_host.py --json     # canonical event lines
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

import chatlife

CONVERSATION = "c1"

CONFIG = {
    "seed": 42,
    "policies": {
        "default": {
            "disconnect_grace": "10s",
            "reconnect": {"enabled": True, "time_limit": "1m", "portal_url": "https://chat.example.com/"},
            "auto_close": {"wrap_up": "1m"},
        }
    },
}

# A command as the transport delivers it: method name, positional and keyword
# arguments, all but `now`, which the host adds when the command arrives.
Command = Tuple[str, Tuple[Any, ...], Dict[str, Any]]


class Clock:
    """Engine milliseconds since the host started, at `speed` times wall time."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.start = asyncio.get_running_loop().time()

    def now(self) -> int:
        return int((asyncio.get_running_loop().time() - self.start) * 1000 * self.speed)

    def seconds_until(self, deadline_ms: int) -> float:
        return max(0.0, (deadline_ms - self.now()) / 1000 / self.speed)

    async def sleep_until(self, ms: int) -> None:
        await asyncio.sleep(self.seconds_until(ms))


async def host(
    engine: chatlife.Engine,
    inbox: asyncio.Queue[Optional[Command]],
    clock: Clock,
    on_event: Callable[[chatlife.Event], None],
) -> None:
    """Feeds commands and timers to the engine until the script has ended and
    the conversation is closed."""
    script_done = False
    while not (script_done and engine.state(CONVERSATION) == chatlife.State.CLOSED):
        deadline = engine.next_deadline()
        timeout = None if deadline is None else clock.seconds_until(deadline)
        try:
            command = await asyncio.wait_for(inbox.get(), timeout)
        except asyncio.TimeoutError:
            # Woken for a deadline; a wake-up a hair early fires nothing and loops.
            engine.advance(clock.now())
        else:
            if command is None:
                script_done = True
            else:
                method, args, kwargs = command
                try:
                    getattr(engine, method)(clock.now(), *args, **kwargs)
                except chatlife.ChatlifeError as error:
                    print(f"rejected {method}: {error.code}: {error.message}")
        for event in engine.poll_events():
            on_event(event)


async def people(
    inbox: asyncio.Queue[Optional[Command]], clock: Clock, reconnect_link: Awaitable[str]
) -> None:
    """The customer's and the agent's devices, as a script of (engine ms, command)."""

    async def send(at_ms: int, method: str, *args: Any, **kwargs: Any) -> None:
        await clock.sleep_until(at_ms)
        await inbox.put((method, args, kwargs))

    await send(0, "start_conversation", CONVERSATION, "ada", display_name="Ada")
    await send(2_000, "join", CONVERSATION, "sam", chatlife.Role.AGENT, display_name="Sam")
    await send(5_000, "message", CONVERSATION, "ada")
    await send(6_000, "message", CONVERSATION, "sam")
    await send(8_000, "issue_reconnect_link", CONVERSATION)
    await send(10_000, "connection_lost", CONVERSATION, "ada")
    # The grace period (10 s) runs out at 20 s; Ada opens the link at 30 s.
    await send(30_000, "reconnect", token=await reconnect_link)
    await send(35_000, "message", CONVERSATION, "ada")
    await send(40_000, "end", CONVERSATION, "sam")
    await inbox.put(None)


def describe(event: chatlife.Event) -> str:
    """One line a person can read; never shows the reconnect token."""
    fields = {k: v for k, v in event.to_dict().items() if k not in ("at", "type", "conversation")}
    if isinstance(event, chatlife.ReconnectLinkIssued):
        fields = {"url": "<sent to the customer>"}
    shown = " ".join(f"{key}={value!r}" for key, value in fields.items())
    return f"{event.at / 1000:7.1f}s  {event.type:<24} {shown}"


async def main(speed: float, as_json: bool) -> None:
    engine = chatlife.Engine(CONFIG)
    inbox: asyncio.Queue[Optional[Command]] = asyncio.Queue()
    clock = Clock(speed)
    link: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def on_event(event: chatlife.Event) -> None:
        if isinstance(event, chatlife.ReconnectLinkIssued) and not link.done():
            link.set_result(event.token)  # a real host would message the URL to the customer
        print(event.to_json() if as_json else describe(event))

    await asyncio.gather(host(engine, inbox, clock, on_event), people(inbox, clock, link))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed", type=float, default=25.0, help="engine time per wall time (default 25)")
    parser.add_argument("--json", action="store_true", help="print canonical event lines")
    options = parser.parse_args()
    asyncio.run(main(options.speed, options.json))
