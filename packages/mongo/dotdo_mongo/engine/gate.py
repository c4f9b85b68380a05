"""One engine, many threads: the gate every command step passes through.

Commands arrive from the server's loop thread (served connections) and from user threads (the
in-process transport). Engine state — transactions holding shards across commands, cursors,
sessions, the catalog cache — is not built for concurrent mutation, so every synchronous step of
a command runs under the engine's gate. A command that waits (a change stream getMore, a write
queued behind a transaction) is a coroutine: it waits on the server's loop, and each of its
synchronous steps between waits holds the gate again, so no waiting command ever holds it."""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Coroutine


async def drive(gate: threading.RLock, coro: Coroutine) -> Any:
    """Run `coro` on the current loop, each step under `gate`, its waits outside it."""
    thrown: BaseException | None = None
    while True:
        with gate:
            try:
                awaited = coro.throw(thrown) if thrown is not None else coro.send(None)
            except StopIteration as done:
                return done.value
        thrown = None
        try:
            if awaited is None:  # a bare yield (asyncio.sleep(0)): give the loop one turn
                await asyncio.sleep(0)
            else:
                # Wait for what the step awaits without taking its result: the coroutine's own
                # await reads it (or its exception) when it resumes.
                await asyncio.wait((awaited,))
        except asyncio.CancelledError as e:  # this command was cancelled (its connection closed)
            if awaited is not None:
                awaited.cancel()
            thrown = e


def on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether the calling thread is running `loop`."""
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def call_on(loop: asyncio.AbstractEventLoop, fn, *args: Any) -> None:
    """Call `fn(*args)` on `loop`: now when already there, else soon (loop objects such as timers
    and futures may only be touched from their loop's thread)."""
    if on_loop(loop):
        fn(*args)
    else:
        loop.call_soon_threadsafe(fn, *args)
