"""LISTEN/NOTIFY across connections and processes: a committed NOTIFY is a record in the shard's
change feed (dotdo_core.changes), and every process with listeners on the database watches the
feed and hands new records to its listening sessions. Two `dotdo serve` processes, or an
embedded client and a server, on one data directory therefore see each other's notifications.

Records go in through an outbox flushed when no session's transaction holds the writer: sessions
of one server share a thread, so a write opened while another session's block is open would join
that block."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from dotdo_core.shard import ShardBusy

from .serialized import ENGINE, call_later, on_loop

if TYPE_CHECKING:
    from .database import Database

log = logging.getLogger("dotdo.postgres")
PREFIX = "pg_notify:"
READ_BATCH = 1000
FLUSH_RETRY = 0.01  # seconds before publishing again when another process holds the lock
IDLE_CHECK = 1.0  # seconds between looks at whether anyone still listens, when nothing arrives


class Notifications:
    def __init__(self, db: "Database") -> None:
        self.db = db
        self.listeners: dict[str, set[Any]] = {}   # channel → sessions of this process that LISTEN
        self.outbox: list[tuple[str, bytes]] = []
        self._seen = 0
        self._watcher: asyncio.Task | None = None

    def listen(self, session: Any, channel: str) -> None:
        if self._watcher is None:
            # notifications committed from now on are delivered, by a watcher on the server's loop
            self._seen = self.db.shard.changes.last_seq()
            loop = self.db.loop
            if on_loop(loop):
                self._watcher = loop.create_task(self._watch())
            else:  # LISTEN ran on an embedded client's thread
                self._watcher = asyncio.run_coroutine_threadsafe(self._watch(), loop)
        self.listeners.setdefault(channel, set()).add(session)

    def unlisten(self, session: Any, channel: str) -> None:
        for ch, sessions in list(self.listeners.items()):
            if channel in ("*", ch):
                sessions.discard(session)

    def publish(self, pid: int, pending: list[tuple[str, str]]) -> None:
        """Notifications of a committed transaction (or of one statement outside a block)."""
        self.outbox.extend((PREFIX + channel, json.dumps([pid, payload]).encode()) for channel, payload in pending)
        if self.db.owner is None:
            self.flush()

    def flush(self) -> None:
        if not self.outbox:
            return
        records, self.outbox = self.outbox, []
        try:
            with self.db.shard.write() as tx:
                for channel, payload in records:
                    tx.emit(channel, payload)
        except ShardBusy:
            # another process holds the lock and the server's loop must not wait for it: the
            # committed transaction's notifications go out a little later, in order
            self.outbox[:0] = records
            call_later(self.db.loop, FLUSH_RETRY, self.flush)

    async def _watch(self) -> None:
        feed = self.db.shard.changes
        try:
            while True:
                with ENGINE:  # LISTEN may run on an embedded client's thread meanwhile
                    if not any(self.listeners.values()):
                        self._watcher = None
                        return
                seq = await feed.wait_async(self._seen, IDLE_CHECK)
                if seq > self._seen:
                    with ENGINE:
                        self._seen = max(seq, self._deliver(feed))
        except Exception:  # noqa: BLE001 - a failed watch must not take the server down
            log.exception("LISTEN watcher failed")
            with ENGINE:
                self._watcher = None

    def _deliver(self, feed) -> int:
        channels = [PREFIX + c for c, sessions in self.listeners.items() if sessions]
        last = after = self._seen
        while channels:
            records = feed.read(after, channels, limit=READ_BATCH)
            for seq, channel, payload in records:
                pid, text = json.loads(payload)
                for session in list(self.listeners.get(channel[len(PREFIX):], ())):
                    if session.on_notify is not None:
                        session.on_notify(pid, channel[len(PREFIX):], text)
                last = seq
            if len(records) < READ_BATCH:
                break
            after = last
        return last
