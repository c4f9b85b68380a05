"""Cursors that outlive a batch: results are held per cursor id until exhausted or killed."""
from __future__ import annotations

import random
import threading
import time
from typing import Any, Callable, Iterator

import bson
from bson import Int64

from ..storage import TXN
from .errors import MongoError
from .snapshot_reads import Snapshot

IDLE_TIMEOUT_S = 600  # MongoDB's cursorTimeoutMillis default


class Cursor:
    __slots__ = ("id", "ns", "source", "touched", "stream", "no_timeout", "guard", "snapshot")

    def __init__(self, cid: int, ns: str, source: Iterator[Any]) -> None:
        self.id = cid
        self.ns = ns
        self.source = source
        self.touched = time.monotonic()
        self.stream: Any = None
        self.no_timeout = False
        self.guard: Callable[[], None] | None = None  # raises when the cursor's source has gone
        self.snapshot: Any = None  # the snapshot (snapshot_reads.py) a snapshot read's getMores read at


class Cursors:
    def __init__(self) -> None:
        self._open: dict[int, Cursor] = {}
        self._lock = threading.Lock()

    def first_batch(self, ns: str, results: Iterator[Any], batch_size: int | None, single_batch: bool = False,
                    no_timeout: bool = False, guard: Callable[[], None] | None = None) -> dict:
        """`guard`, if given, runs before each getMore and raises (killing the cursor) once what the
        results stream from has gone."""
        batch = _take(results, batch_size)
        more = not single_batch and _peek(results)
        cid = 0
        if more is not None and more is not False:
            cid = self._register(ns, more)
            self._open[cid].no_timeout = no_timeout
            self._open[cid].guard = guard
            current = TXN.get()
            if isinstance(current, Snapshot):
                self._open[cid].snapshot = current
        return {"cursor": {"firstBatch": batch, "id": Int64(cid), "ns": ns}, "ok": 1.0}

    def _register(self, ns: str, source: Iterator[Any]) -> int:
        with self._lock:
            self._expire()
            cid = random.getrandbits(62) or 1
            self._open[cid] = Cursor(cid, ns, source)
            return cid

    def register_stream(self, ns: str, stream: Any) -> int:
        """A change stream cursor: it stays open until killed, invalidated or idle too long."""
        cid = self._register(ns, iter(()))
        self._open[cid].stream = stream
        return cid

    def stream(self, cid: int, ns: str) -> Any:
        """The change stream behind cursor `cid`, or None for an ordinary cursor."""
        with self._lock:
            cur = self._open.get(cid)
        if cur is None or cur.stream is None:
            return None
        if cur.ns != ns:
            raise MongoError(13, f"Requested getMore on namespace '{ns}', but cursor belongs to a different namespace {cur.ns}")
        cur.touched = time.monotonic()
        return cur.stream

    def streams(self) -> list[Any]:
        with self._lock:
            return [cur.stream for cur in self._open.values() if cur.stream is not None]

    def is_stream(self, cid: int) -> bool:
        cur = self._open.get(cid)
        return cur is not None and cur.stream is not None

    def get_more(self, cid: int, ns: str, batch_size: int | None) -> dict:
        with self._lock:
            cur = self._open.get(cid)
        if cur is None:
            raise MongoError(43, f"cursor id {cid} not found")
        if cur.ns != ns:
            raise MongoError(13, f"Requested getMore on namespace '{ns}', but cursor belongs to a different namespace {cur.ns}")
        cur.touched = time.monotonic()
        if cur.guard is not None:
            try:
                cur.guard()
            except MongoError:
                self.kill(cid)
                raise
        token = TXN.set(cur.snapshot) if cur.snapshot is not None else None
        try:
            batch = _take(cur.source, batch_size)
            rest = _peek(cur.source)
        finally:
            if token is not None:
                TXN.reset(token)
        if rest is None:
            self.kill(cid)
            out = 0
        else:
            cur.source = rest
            out = cid
        return {"cursor": {"nextBatch": batch, "id": Int64(out), "ns": ns}, "ok": 1.0}

    def kill(self, cid: int) -> bool:
        with self._lock:
            return self._open.pop(cid, None) is not None

    def _expire(self) -> None:
        now = time.monotonic()
        for cid in [c.id for c in self._open.values() if not c.no_timeout and now - c.touched > IDLE_TIMEOUT_S]:
            del self._open[cid]


MAX_BATCH_BYTES = 16 * 1024 * 1024  # as MongoDB: a batch stops once it holds 16 MB


def _take(it: Iterator[Any], n: int | None) -> list:
    out: list = []
    if n is None:
        n = 101
    if n == 0:
        return out
    size = 0
    for x in it:
        out.append(x)
        if len(out) >= n:
            break
        if len(out) >= 101:  # small batches cannot reach the cap; count bytes only for big ones
            size += len(bson.encode(x)) if isinstance(x, dict) else 0
            if size >= MAX_BATCH_BYTES:
                break
    return out


def _peek(it: Iterator[Any]):
    """An iterator equivalent to `it`, or None when `it` is exhausted."""
    for first in it:
        return _chain(first, it)
    return None


def _chain(first: Any, it: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from it
