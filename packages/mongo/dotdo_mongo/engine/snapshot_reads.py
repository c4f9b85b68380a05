"""Snapshot reads outside transactions: `readConcern: {level: "snapshot"}` on find, aggregate and
distinct (pymongo's `start_session(snapshot=True)`).

The first such read picks a cluster time T and answers it as `atClusterTime`; the session sends T
back with each later read, which must see the data as it was at T. SQLite keeps a past state only
for a read transaction open since then, so a snapshot pins one read transaction per database it
reads (its own connection, as a transaction's snapshot does) and later reads at T — and the
getMores of their cursors — run on those. A database first read at T by a later command is pinned
then only if nothing was recorded in it since T (then its state now is its state at T); otherwise,
and for a T this process does not hold (another process's, or one past the history window), the
read answers SnapshotTooOld (239), as mongod does for a time outside its history.

mongod keeps snapshot history for minSnapshotHistoryWindowInSeconds (300 s); so does this, for at
most MAX_SNAPSHOTS snapshots (the oldest go first). A pinned read transaction holds its WAL frames:
a busy database's WAL cannot be checkpointed past them while a snapshot lives.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Iterator

from bson import Timestamp

from .errors import MongoError

HISTORY_WINDOW_S = 300.0  # mongod's minSnapshotHistoryWindowInSeconds
MAX_SNAPSHOTS = 64


class Snapshot:
    """One atClusterTime's pinned read transactions, by database."""

    def __init__(self, at: Timestamp) -> None:
        self.at = at
        self.micros = time.time_ns() // 1000  # when T was taken: changes recorded since are after it
        self.born = time.monotonic()
        self.pinned: dict[str, tuple[Any, Any]] = {}  # dbs.key -> (dbs, connection in a read transaction)
        self.fresh = True  # the command that took T is running: every database it reads is as at T

    def view(self, dbs) -> "SnapshotShard":
        return SnapshotShard(self, dbs)

    def connection(self, dbs):
        found = self.pinned.get(dbs.key)
        if found is not None:
            return found[1]
        if not self.fresh and _changed_since(dbs, self.micros):
            raise _too_old(self.at)
        conn, _ = dbs.take_snapshot()
        self.pinned[dbs.key] = (dbs, conn)
        return conn

    def release(self) -> None:
        for dbs, conn in self.pinned.values():
            try:
                conn.execute("ROLLBACK")
                dbs.give_back(conn)
            except Exception:  # the database's files were dropped meanwhile: nothing to give back
                pass
        self.pinned.clear()


class SnapshotShard:
    """What `DbStorage.shard` is while a snapshot read runs: reads at the snapshot, no writes."""

    def __init__(self, snapshot: Snapshot, dbs) -> None:
        self._snapshot = snapshot
        self._dbs = dbs
        self._base = dbs.base_shard

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)

    @contextmanager
    def reader(self) -> Iterator[Any]:
        if self._base.memory:  # no second connection sees a memory database: read what is there
            with self._base.reader() as conn:
                yield conn
            return
        yield self._snapshot.connection(self._dbs)

    @contextmanager
    def write(self, join: bool = False) -> Iterator[Any]:
        raise MongoError(72, "a read at snapshot read concern cannot write")
        yield  # pragma: no cover


def _changed_since(dbs, micros: int) -> bool:
    with dbs.base_shard.reader() as conn:
        # the feed's clock reading is in milliseconds: a change in T's own millisecond counts as after
        row = conn.execute("SELECT 1 FROM _changes WHERE at_ms >= ? LIMIT 1", (micros // 1000,)).fetchone()
    return row is not None


def _too_old(at: Timestamp) -> MongoError:
    return MongoError(239, f"Read timestamp {at} is older than the oldest available timestamp.")


class SnapshotReads:
    """The snapshots of one engine, by atClusterTime."""

    def __init__(self) -> None:
        self._by_time: dict[tuple[int, int], Snapshot] = {}

    def begin(self, read_concern: dict, take_time) -> Snapshot:
        """The snapshot a read with this read concern runs at: the one its atClusterTime names, or a
        new one at `take_time()`."""
        self._expire()
        at = read_concern.get("atClusterTime")
        if at is None:
            snap = Snapshot(take_time())
            self._by_time[(snap.at.time, snap.at.inc)] = snap
            while len(self._by_time) > MAX_SNAPSHOTS:
                self._by_time.pop(next(iter(self._by_time))).release()
            return snap
        if not isinstance(at, Timestamp):
            raise MongoError(14, "BSON field 'readConcern.atClusterTime' is the wrong type, expected type 'timestamp'")
        snap = self._by_time.get((at.time, at.inc))
        if snap is None:
            raise _too_old(at)
        snap.fresh = False
        return snap

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, s in self._by_time.items() if now - s.born > HISTORY_WINDOW_S]:
            self._by_time.pop(key).release()

    def release_all(self) -> None:
        for snap in self._by_time.values():
            snap.release()
        self._by_time.clear()
