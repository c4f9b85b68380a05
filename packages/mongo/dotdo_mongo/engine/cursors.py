"""Cursors that outlive a batch: results are held per cursor id until exhausted or killed."""
from __future__ import annotations

import random
import threading
import time
from collections import deque
from typing import Any, Iterator

from bson import Int64

from .errors import MongoError

IDLE_TIMEOUT_S = 600  # MongoDB's cursorTimeoutMillis default


class Cursor:
    __slots__ = ("id", "ns", "source", "buffer", "touched", "owner")

    def __init__(self, cid: int, ns: str, source: Iterator[Any], owner: Any) -> None:
        self.id = cid
        self.ns = ns
        self.source = source
        self.buffer: deque = deque()
        self.touched = time.monotonic()
        self.owner = owner


class Cursors:
    def __init__(self) -> None:
        self._open: dict[int, Cursor] = {}
        self._lock = threading.Lock()

    def first_batch(self, ns: str, results: Iterator[Any], batch_size: int | None, single_batch: bool = False,
                    owner: Any = None) -> dict:
        batch = _take(results, batch_size)
        more = not single_batch and _peek(results)
        cid = 0
        if more is not None and more is not False:
            cid = self._register(ns, more, owner)
        return {"cursor": {"firstBatch": batch, "id": Int64(cid), "ns": ns}, "ok": 1.0}

    def _register(self, ns: str, source: Iterator[Any], owner: Any) -> int:
        with self._lock:
            self._expire()
            cid = random.getrandbits(62) or 1
            self._open[cid] = Cursor(cid, ns, source, owner)
            return cid

    def get_more(self, cid: int, ns: str, batch_size: int | None) -> dict:
        with self._lock:
            cur = self._open.get(cid)
        if cur is None:
            raise MongoError(43, f"cursor id {cid} not found")
        if cur.ns != ns:
            raise MongoError(13, f"Requested getMore on namespace '{ns}', but cursor belongs to a different namespace {cur.ns}")
        cur.touched = time.monotonic()
        batch = _take(cur.source, batch_size)
        rest = _peek(cur.source)
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
        for cid in [c.id for c in self._open.values() if now - c.touched > IDLE_TIMEOUT_S]:
            del self._open[cid]


def _take(it: Iterator[Any], n: int | None) -> list:
    out = []
    if n is None:
        n = 101
    if n == 0:
        return out
    for x in it:
        out.append(x)
        if len(out) >= n:
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
