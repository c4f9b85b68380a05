"""Cluster-wide change streams: `watch()` on a client, `$changeStream: {allChangesForCluster: true}`
in an `{aggregate: 1}` on admin.

Each database keeps its own change sequence (its shard's), so a cluster-wide stream reads every
database's sequence — one ChangeStream part per database incarnation, for the events — and merges
them by the time each change was recorded (microseconds), never reordering one database's changes.
Databases created while the stream is open are read from their first change; a dropped database's
unread changes are still delivered; drops, renames and dropDatabase never invalidate the stream,
as in mongod. admin, config and local are not watched.

A resume token is the stream's position in every database it has read: `C` and, per database
incarnation with changes, 8 hex digits of the incarnation and 16 of the position. Resuming reads
each database after its position, and databases the token does not name from their first change
(they had none when the token was taken). One difference from a single oplog: a change recorded
inside a transaction that commits after another database's later change was delivered comes after
it in the stream (each database's order is kept; nothing is lost or repeated).
"""
from __future__ import annotations

import asyncio
import heapq
import time
from typing import Any, Iterator

import bson

from .change_streams import (INTERNAL_DATABASES, ChangeStream, _check_tokens_kept, check_stream_options,
                             recorded_micros)
from .errors import MongoError

PREFIX = "C"
_ENTRY = 24  # hex digits per database: incarnation (8) and position (16)
# Options each database's part applies itself; positions are the cluster stream's.
PART_OPTIONS = ("fullDocument", "fullDocumentBeforeChange", "showExpandedEvents")
NEW_DATABASE_POLL_S = 0.25  # how often a waiting getMore looks for databases created meanwhile


def cluster_token(positions: dict[int, int]) -> dict:
    return {"_data": PREFIX + "".join(f"{ns:08x}{seq:016x}" for ns, seq in sorted(positions.items()) if seq)}


def parse_cluster_token(t: Any) -> dict[int, int]:
    data = t.get("_data") if isinstance(t, dict) else None
    if isinstance(data, str) and data.startswith(PREFIX) and (len(data) - 1) % _ENTRY == 0:
        try:
            return {int(data[i:i + 8], 16): int(data[i + 8:i + _ENTRY], 16) for i in range(1, len(data), _ENTRY)}
        except ValueError:
            pass
    raise MongoError(260, "invalid resume token: it was not produced by a cluster-wide change stream of this server")


def _when(payload: dict | None, previous: int) -> int:
    return previous if payload is None else recorded_micros(payload)


class ClusterStream:
    """The server-side state of a cluster-wide change stream cursor."""

    def __init__(self, engine, options: dict, pipeline: list) -> None:
        from .stages import Env, compile_pipeline

        check_stream_options(options)
        self.engine = engine
        self.part_options = {k: options[k] for k in PART_OPTIONS if k in options}
        self.parts: dict[int, ChangeStream] = {}  # incarnation (namespace id) → that database's part
        resume = options.get("resumeAfter") or options.get("startAfter")
        self.resumed = parse_cluster_token(resume) if resume is not None else None
        self.start_time = options.get("startAtOperationTime") if resume is None else None
        self.run = compile_pipeline(pipeline, Env(engine, "admin"))
        self.invalidated = False  # a cluster-wide stream never is
        self._discover(opening=True)

    # -- the databases ------------------------------------------------------------------------
    def _discover(self, opening: bool = False) -> None:
        """A part for every database not yet read (at the opening: every database)."""
        for name in self.engine.database_names():
            if name in INTERNAL_DATABASES:
                continue
            dbs = self.engine.database(name)
            if dbs is None or dbs.ns.id in self.parts:
                continue
            part = ChangeStream(self.engine, name, None, self.part_options, [], cluster=True)
            if self.start_time is not None:
                part.after = part._seq_at_or_after_time(self.start_time) - 1
            elif self.resumed is not None:
                part.after = self.resumed.get(dbs.ns.id, 0)
                oldest = part._oldest()
                if oldest is not None and part.after < oldest - 1:
                    raise MongoError(286, "Resume of change stream was not possible, as the resume point may no "
                                          "longer be in the oplog.")
            elif not opening:
                part.after = 0  # created since the stream opened: all of it is new
            self.parts[dbs.ns.id] = part

    def before_drop(self, dbs) -> None:
        for part in self.parts.values():
            part.before_drop(dbs)

    def _pending(self, part: ChangeStream, limit: int) -> list:
        if part.leftover is not None:  # its database was dropped: what was not read before the drop
            return part.leftover[:limit]
        return part.feed.read(part.after, None, limit=limit)

    @property
    def resume_token(self) -> dict:
        return cluster_token({ns: part.after for ns, part in self.parts.items()})

    # -- reading ------------------------------------------------------------------------------
    def _merged(self, limit: int) -> Iterator[tuple[int, int, int, ChangeStream, str, dict | None]]:
        """Up to `limit` unread records of each database, merged by recording time: each database's
        records stay in their order (a head-of-list merge)."""
        def timed(ns: int, part: ChangeStream) -> Iterator[tuple]:
            when = 0
            for seq, channel, payload in self._pending(part, limit):
                p = bson.decode(payload)["v"] if payload is not None else None
                when = _when(p, when)
                yield when, ns, seq, part, channel, p

        return heapq.merge(*(timed(ns, part) for ns, part in self.parts.items()), key=lambda r: r[:3])

    def ready(self, limit: int) -> list[dict]:
        """Events committed after the cursor's position (advancing it), through the user's stages."""
        self._discover()
        events: list[dict] = []
        for _, ns, seq, part, channel, p in self._merged(limit):
            if len(events) >= limit:
                break
            made = part._events(seq, channel, p) if p is not None else []
            part.after = seq
            if part.leftover:
                part.leftover = [r for r in part.leftover if r[0] > seq]
            for ev in made:
                ev["_id"] = self.resume_token
            events.extend(made)
        for ns in [ns for ns, part in self.parts.items() if part.leftover == []]:
            del self.parts[ns]  # a dropped database whose changes were all read: its files are gone
        if not events:
            return []
        out = list(self.run(iter(events)))
        _check_tokens_kept(events, out)
        return out

    async def wait(self, max_ms: float) -> None:
        """Until some database has an unread change, a database is created, or max_ms pass."""
        deadline = time.monotonic() + max_ms / 1000
        known = len(self.parts)
        while True:
            if any(part.leftover for part in self.parts.values()):
                return
            left = deadline - time.monotonic()
            if left <= 0:
                return
            step = min(left, NEW_DATABASE_POLL_S)
            live = [part for part in self.parts.values() if part.leftover is None]
            if live:
                waits = {asyncio.ensure_future(part.feed.wait_async(part.after, step)): part for part in live}
                done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                for w in pending:
                    w.cancel()
                if any(w.exception() is None and w.result() > waits[w].after for w in done):
                    return
            else:
                await asyncio.sleep(step)
            self._discover()
            if len(self.parts) != known:
                return
