"""One thread at a time in this process's PostgreSQL engine, and timers that always run on the
server's loop.

The server's event loop runs most of the engine's work, but an embedded psycopg connection
runs its own messages on the calling thread (protocol/caller.py), so a query costs no thread
wake-ups. Every way into the engine — a connection's messages, a parked connection's wake-up,
a timer, a notification watcher — therefore runs `with ENGINE:`, which holds ENGINE_LOCK and
makes the thread one executor with the others (dotdo_core.shard.executor): a transaction's
write lock, taken on a client's thread, may be released by the loop after a wait. Timers and
deferred calls are asked for from either thread but always run on the loop, where the parking
machinery lives."""
from __future__ import annotations

import asyncio
import functools
import threading
from typing import Any, Callable, TypeVar

from dotdo_core.shard import executor

ENGINE_LOCK = threading.RLock()
_local = threading.local()


class _Engine:
    """`with ENGINE:` — this thread's turn in the engine (re-entrant)."""

    __slots__ = ()

    def __enter__(self) -> None:
        ENGINE_LOCK.acquire()
        depth = _local.depth = getattr(_local, "depth", 0) + 1
        if depth == 1:
            _local.executor = executor("dotdo_postgres")
            _local.executor.__enter__()

    def __exit__(self, *exc: Any) -> None:
        depth = _local.depth = _local.depth - 1
        if depth == 0:
            _local.executor.__exit__()
        ENGINE_LOCK.release()


ENGINE = _Engine()

F = TypeVar("F", bound=Callable[..., Any])


def serialized(fn: F) -> F:
    """`fn` runs `with ENGINE:`."""
    @functools.wraps(fn)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with ENGINE:
            return fn(*args, **kwargs)
    return locked  # type: ignore[return-value]


def on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


class Later:
    """A call_later handle that can be made, and cancelled, from any thread."""

    __slots__ = ("handle", "cancelled")

    def __init__(self) -> None:
        self.handle: asyncio.TimerHandle | None = None
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True
        handle = self.handle
        if handle is not None:
            handle.cancel()


def call_later(loop: asyncio.AbstractEventLoop, delay: float, fn: Callable[[], None]) -> Later:
    """Run `fn` on `loop` after `delay` seconds, `with ENGINE:`."""
    later = Later()

    def fire() -> None:
        if not later.cancelled:
            with ENGINE:
                if not later.cancelled:
                    fn()

    if on_loop(loop):
        later.handle = loop.call_later(delay, fire)
    else:
        def start() -> None:
            if not later.cancelled:
                later.handle = loop.call_later(delay, fire)
        loop.call_soon_threadsafe(start)
    return later


def call_soon(loop: asyncio.AbstractEventLoop, fn: Callable[[], None]) -> None:
    """Run `fn` on `loop` at its next turn, `with ENGINE:`."""
    def run() -> None:
        with ENGINE:
            fn()
    if on_loop(loop):
        loop.call_soon(run)
    else:
        loop.call_soon_threadsafe(run)
