"""A per-shard change sequence that subscribers can wait on.

Writers append change records inside their transaction (`tx.emit`), so a record exists
exactly when its write committed. Waiters in this process are woken on commit; waiters
whose writer is another process see the record by polling the sequence, with a short
back-off (the cross-process wake-up latency is at most POLL_MAX seconds).
"""
from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .shard import Shard

POLL_MIN = 0.001
POLL_MAX = 0.02
KEEP_RECORDS = 100_000
PRUNE_EVERY = 1_000

# `seq` is a plain rowid, not AUTOINCREMENT: pruning only ever removes the oldest records, so the
# newest survives and max(seq) + 1 never reuses a number, while AUTOINCREMENT would rewrite its
# sqlite_sequence row — one more page in every commit's WAL frames (and in every checkpoint).
SCHEMA = """
CREATE TABLE IF NOT EXISTS _changes (
    seq INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    payload BLOB,
    at_ms INTEGER NOT NULL
);
"""


class ChangeFeed:
    def __init__(self, shard: "Shard") -> None:
        self._shard = shard
        self._cond = threading.Condition()
        self._async_waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._emitted = 0
        self.waiters = 0  # threads/tasks in pulse(): commits notify only when someone listens
        self.commits = 0  # notified commits in this process: waiters woken by one commit share one look

    # -- writer side -------------------------------------------------------
    def _append(self, conn, channel: str, payload: bytes | None) -> int:
        conn.execute(
            "INSERT INTO _changes(channel, payload, at_ms) VALUES (?, ?, ?)",
            (channel, payload, int(time.time() * 1000)),
        )
        self._emitted += 1
        if self._emitted % PRUNE_EVERY == 0:
            conn.execute("DELETE FROM _changes WHERE seq <= (SELECT max(seq) FROM _changes) - ?", (KEEP_RECORDS,))
        return conn.last_insert_rowid()

    def _committed(self) -> None:
        self.commits += 1
        if not self.waiters and not self._async_waiters:
            return  # nobody to wake (every waiting thread counts itself in `waiters` first)
        with self._cond:
            self._cond.notify_all()
        for loop, event in list(self._async_waiters):
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # the waiter's loop has closed
                self._async_waiters.discard((loop, event))

    def pulse(self, timeout: float) -> None:
        """Sleep until a write commits on this shard in this process, or `timeout` passes.
        Callers re-check their condition afterwards; writers in other processes are only
        seen when the timeout lapses, so callers poll with a short timeout."""
        with self._cond:
            self.waiters += 1
            try:
                self._cond.wait(timeout)
            finally:
                self.waiters -= 1

    async def pulse_async(self, timeout: float) -> None:
        """`pulse` for event-loop code."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        entry = (loop, event)
        self._async_waiters.add(entry)
        self.waiters += 1
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except asyncio.TimeoutError:
            pass
        finally:
            self.waiters -= 1
            self._async_waiters.discard(entry)

    # -- reader side -------------------------------------------------------
    def last_seq(self) -> int:
        with self._shard.reader() as conn:
            row = conn.execute("SELECT max(seq) FROM _changes").fetchone()
        return row[0] or 0

    def read(self, after: int, channels: Iterable[str] | None = None, limit: int = 1000, *,
             already_open: bool = False) -> list[tuple[int, str, bytes | None]]:
        """Records with seq > after, oldest first, optionally only those on the given channels.
        already_open: through a connection already open (Shard.reader_already_open), for the
        last read of a shard another process dropped."""
        with (self._shard.reader_already_open() if already_open else self._shard.reader()) as conn:
            if channels is None:
                rows = conn.execute(
                    "SELECT seq, channel, payload FROM _changes WHERE seq > +? ORDER BY seq LIMIT ?+0", (after, limit)
                ).fetchall()
            else:
                chans = list(channels)
                marks = ",".join("?" * len(chans))
                rows = conn.execute(
                    f"SELECT seq, channel, payload FROM _changes WHERE seq > +? AND channel IN ({marks}) ORDER BY seq LIMIT ?+0",
                    (after, *chans, limit),
                ).fetchall()
        return [tuple(r) for r in rows]

    def wait(self, after: int, timeout: float | None) -> int:
        """Block until the sequence passes `after` or the timeout ends; returns the last seq seen."""
        deadline = None if timeout is None else time.monotonic() + timeout
        poll = POLL_MIN
        while True:
            seq = self.last_seq()
            if seq > after:
                return seq
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return seq
            with self._cond:
                self.waiters += 1
                try:
                    self._cond.wait(poll if remaining is None else min(poll, remaining))
                finally:
                    self.waiters -= 1
            poll = min(poll * 2, POLL_MAX)

    async def wait_async(self, after: int, timeout: float | None) -> int:
        """`wait` for event-loop code: woken at once by in-process commits, by polling otherwise."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        entry = (loop, event)
        self._async_waiters.add(entry)
        deadline = None if timeout is None else loop.time() + timeout
        poll = POLL_MIN
        try:
            while True:
                event.clear()
                seq = self.last_seq()
                if seq > after:
                    return seq
                remaining = None if deadline is None else deadline - loop.time()
                if remaining is not None and remaining <= 0:
                    return seq
                try:
                    await asyncio.wait_for(event.wait(), poll if remaining is None else min(poll, remaining))
                except asyncio.TimeoutError:
                    pass
                poll = min(poll * 2, POLL_MAX)
        finally:
            self._async_waiters.discard(entry)
