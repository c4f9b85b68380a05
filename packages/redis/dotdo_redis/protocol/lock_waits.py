"""Connections whose writes wait for a shard another process has locked, without stalling the loop.

SQLite waits for another process's write lock by sleeping in the calling thread (up to the busy
timeout, 30 s). On the server's event loop that would stall every client. So before a batch runs,
the write transactions its connections' queued writes need are opened without waiting; a
connection whose shard is locked elsewhere is set aside — none of its requests has run — and tried
again after a short back-off while every other connection is served. Past the busy timeout its
requests run one last time in a batch of their own that does not wait: a write then gets the
lock-timeout error reply, its reads their answers.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from dotdo_core import sqlite
from dotdo_core.shard import ShardBusy

from ..engine.registry import COMMANDS
from ..engine.errors import RedisError

if TYPE_CHECKING:
    from ..engine import Engine
    from .connection import RespConnection

RETRY_MIN = 0.001
RETRY_MAX = 0.02
# Keyless commands that write through the shards themselves (EXEC runs queued writes; scripts may write).
KEYLESS_WRITERS = {b"exec", b"eval", b"evalsha", b"fcall", b"function", b"swapdb", b"move", b"copy"}


# Command name as sent (any case) -> whether it may write: one lookup per request on the common path.
_MAY_WRITE: dict[bytes, bool] = {}
_MAY_WRITE_MAX = 4096  # names as clients spell them; past this, unseen spellings are looked up each time


def may_write(name: bytes) -> bool:
    """Whether the command called `name` (as sent) may write: a writing command, or a keyless one
    that writes through the shards themselves (KEYLESS_WRITERS). False for an unknown name."""
    known = _MAY_WRITE.get(name)
    if known is None:
        lower = name.lower()
        cmd = COMMANDS.get(lower)
        known = cmd is not None and (cmd.writes or (cmd.keys is None and lower in KEYLESS_WRITERS))
        if len(_MAY_WRITE) < _MAY_WRITE_MAX:
            _MAY_WRITE[name] = known
    return known


def _queue_may_write(queue: Any) -> bool:
    if len(queue) == 1:  # the commonest queue: a lookup in the memo, no generator
        known = _MAY_WRITE.get(queue[0][0])
        return may_write(queue[0][0]) if known is None else known
    return any(may_write(argv[0]) for argv in queue)


def shards_written(engine: "Engine", queue: Any) -> set[int]:
    """The shards a connection's queued requests may write (all of them for EXEC and scripts)."""
    out: set[int] = set()
    every = engine.ns.shard_count
    for argv in queue:
        if not may_write(argv[0]):
            continue
        cmd = COMMANDS[argv[0].lower()]
        if cmd.keys is None:
            return set(range(every))
        if every == 1:
            out.add(0)
            continue
        try:
            out.add(engine.shard_index_for(cmd.key_args(argv)))
        except RedisError:  # CROSSSLOT: the command will fail without writing
            pass
    return out


class LockWaits:
    def __init__(self, server: Any) -> None:
        self.server = server

    def admit(self, engine: "Engine", batch: Any, conns: list["RespConnection"]) -> list["RespConnection"]:
        """The connections that can run in `batch` now; the others are retried later."""
        admitted = []
        every = engine.ns.shard_count
        for conn in conns:
            queue = conn.queue
            if conn.blocked is not None or not queue:
                admitted.append(conn)
                continue
            # The batch holds every shard's write lock, or nothing queued writes: nothing can wait.
            if len(batch.open) == every or not _queue_may_write(queue):
                conn.lock_wait_since = None
                admitted.append(conn)
                continue
            needed = shards_written(engine, queue)
            if not needed or self._claim(engine, batch, needed):
                conn.lock_wait_since = None
                admitted.append(conn)
            else:
                self._defer(engine, conn)
        return admitted

    def _claim(self, engine: "Engine", batch: Any, needed: set[int]) -> bool:
        for index in sorted(needed):
            if index in batch.open:
                continue
            ctx = engine.ns.shards[index].write(wait=False)
            try:
                tx = ctx.__enter__()
            except ShardBusy:
                return False
            batch.open[index] = (ctx, tx)
        return True

    def _defer(self, engine: "Engine", conn: "RespConnection") -> None:
        now = time.monotonic()
        if conn.lock_wait_since is None:
            conn.lock_wait_since = now
            conn.lock_retry = RETRY_MIN
        if now - conn.lock_wait_since >= sqlite.BUSY_TIMEOUT_MS / 1000:
            conn.lock_wait_since = None
            conn.loop.call_soon(self.server.run_without_lock_wait, engine, conn)
            return
        conn.loop.call_later(conn.lock_retry, self.server.schedule, conn)
        conn.lock_retry = min(conn.lock_retry * 2, RETRY_MAX)
