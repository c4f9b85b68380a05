"""Served commands whose write waits for another process's lock, without stalling the loop.

SQLite waits for another process's write lock by sleeping in the calling thread (up to the busy
timeout, 30 s); on the server's event loop, holding the engine's gate, that would stall every
client. So a served command runs with `without_lock_wait()`: a write that finds the shard locked
raises ShardBusy at its BEGIN, before anything of it ran. If the command committed nothing before
that, it is tried again after a short back-off (a coroutine, so the connection's later frames wait
behind it and every other connection is served meanwhile); past the busy timeout it gets
MongoDB's LockTimeout reply. In-process clients keep SQLite's own wait: they block only the
calling thread."""
from __future__ import annotations

import asyncio
import time
from typing import Any

from dotdo_core import sqlite
from dotdo_core.shard import ShardBusy, commits_in_this_thread, without_lock_wait

from ..engine.engine import Engine
from ..engine.errors import MongoError

RETRY_MIN = 0.001
RETRY_MAX = 0.02


def run_served(engine: Engine, body: dict, connection: Any) -> Any:
    """`engine.run` for a served connection (the caller holds the gate): the reply, or a
    coroutine that retries while another process holds the shard's lock."""
    before = commits_in_this_thread()
    try:
        with without_lock_wait():
            return engine.run(body, connection)
    except ShardBusy:
        if commits_in_this_thread() != before:
            return _timeout_reply(partly=True)
        return _retry(engine, body, connection, time.monotonic() + sqlite.BUSY_TIMEOUT_MS / 1000)


async def _retry(engine: Engine, body: dict, connection: Any, deadline: float) -> dict:
    # Each step of this coroutine runs under the engine's gate (gate.drive); the sleeps do not.
    delay = RETRY_MIN
    while True:
        await asyncio.sleep(delay)
        before = commits_in_this_thread()
        try:
            with without_lock_wait():
                reply = engine.run(body, connection)
        except ShardBusy:
            if commits_in_this_thread() != before or time.monotonic() >= deadline:
                return _timeout_reply(partly=commits_in_this_thread() != before)
            delay = min(delay * 2, RETRY_MAX)
            continue
        if asyncio.iscoroutine(reply):
            reply = await reply
        return reply


def _timeout_reply(partly: bool = False) -> dict:
    applied = ("the writes before it were applied, the rest was not" if partly else "the write was not applied")
    return MongoError(24, f"the data directory is locked by another process (SQLite busy timeout); {applied}").reply()
