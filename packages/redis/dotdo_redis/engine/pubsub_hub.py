"""Pub/sub fan-out within a process and across processes that share a data directory.

In this process, the hub maps channels, patterns and shard channels to the sessions
subscribed to them and delivers messages straight into their inboxes. Other processes
are reached through SQLite: every subscription is also a row of a registry table (so
PUBLISH and PUBSUB NUMSUB count receivers in every process), and a message that some
other process is subscribed to is written as a change record of the pub/sub namespace.
Each process runs a poller thread — only while it has subscribers — that reads those
records and delivers the ones other processes published. Rows of processes that died
without cleaning up are reaped by checking whether their pid is still alive.
"""
from __future__ import annotations

import atexit
import functools
import logging
import os
import re
import struct
import threading
import time
import weakref
from typing import Any, Callable, Iterable

from .replies import Push

log = logging.getLogger("dotdo.redis")

REGISTRY_SCHEMA = """
CREATE TABLE IF NOT EXISTS ps_subs (
    owner BLOB NOT NULL, pid INTEGER NOT NULL, sid INTEGER NOT NULL, kind TEXT NOT NULL, name BLOB NOT NULL,
    PRIMARY KEY (owner, sid, kind, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ps_subs_by_name ON ps_subs(kind, name);
"""

# Registry kinds and the change-feed channels their messages travel on.
CHANNEL, PATTERN, SHARD = "c", "p", "s"
FEED_MESSAGE, FEED_SHARD_MESSAGE = "m", "s"
REAP_EVERY = 1.0  # seconds between liveness checks of other processes' subscriptions
POLL_IDLE = 0.5   # the poller re-checks whether it still has subscribers this often


@functools.lru_cache(maxsize=4096)
def glob_matcher(pattern: bytes) -> Callable[[bytes], bool]:
    """Redis's stringmatch (*, ?, [a-z], [^...], \\x escapes) as a compiled byte regex."""
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i : i + 1]
        if c == b"*":
            out.append(b".*")
        elif c == b"?":
            out.append(b".")
        elif c == b"\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i : i + 1]))
        elif c == b"[":
            i += 1
            negate = i < n and pattern[i : i + 1] == b"^"
            if negate:
                i += 1
            parts = []
            while i < n and pattern[i : i + 1] != b"]":
                ch = pattern[i : i + 1]
                if ch == b"\\" and i + 1 < n:
                    i += 1
                    parts.append(re.escape(pattern[i : i + 1]))
                elif i + 2 < n and pattern[i + 1 : i + 2] == b"-" and pattern[i + 2 : i + 3] != b"]":
                    lo, hi = pattern[i], pattern[i + 2]
                    if lo > hi:
                        lo, hi = hi, lo
                    parts.append(re.escape(bytes((lo,))) + b"-" + re.escape(bytes((hi,))))
                    i += 2
                else:
                    parts.append(re.escape(ch))
                i += 1
            # An unterminated class matches the characters it listed so far, as Redis does.
            body = b"".join(parts)
            if not body:
                out.append(b"(?!)" if not negate else b".")
            else:
                out.append(b"[" + (b"^" if negate else b"") + body + b"]")
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile(b"".join(out) + b"\\Z", re.DOTALL).match  # type: ignore[return-value]


def glob_match(pattern: bytes, text: bytes) -> bool:
    return glob_matcher(pattern)(text) is not None


def _pack(origin: bytes, channel: bytes, data: bytes) -> bytes:
    return origin + struct.pack(">I", len(channel)) + channel + data


def _unpack(payload: bytes) -> tuple[bytes, bytes, bytes]:
    (n,) = struct.unpack_from(">I", payload, 8)
    return payload[:8], payload[12 : 12 + n], payload[12 + n :]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


class PubSubHub:
    """One per engine: registered in engine.extensions["pubsub"] so sessions drop their
    subscriptions when they close or RESET."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.ns = engine.store.namespace(f"{engine.name}:pubsub", kind="redis-pubsub")
        self.shard = self.ns.shards[0]
        self.shard.ensure_schema("redis-pubsub", REGISTRY_SCHEMA)
        self.token = os.urandom(8)
        self.pid = os.getpid()
        self.lock = threading.RLock()
        # name -> {session: None}; dicts keep subscription order for deterministic delivery
        self.local: dict[str, dict[bytes, dict[Any, None]]] = {CHANNEL: {}, PATTERN: {}, SHARD: {}}
        self._poller: threading.Thread | None = None
        self._seq = 0
        self._last_reap = 0.0
        hub_ref = weakref.ref(self)
        atexit.register(lambda: (h := hub_ref()) is not None and h.forget_process())

    # -- subscribing ------------------------------------------------------------------
    @staticmethod
    def session_set(session: Any, kind: str) -> set[bytes]:
        return {CHANNEL: session.channels, PATTERN: session.patterns, SHARD: session.shard_channels}[kind]

    def subscribe(self, session: Any, kind: str, names: Iterable[bytes]) -> list[bytes]:
        """Add subscriptions; returns the names in request order (duplicates kept: each gets a reply)."""
        names = list(names)
        mine = self.session_set(session, kind)
        new = list(dict.fromkeys(n for n in names if n not in mine))
        with self.lock:
            if new:
                with self.shard.write() as tx:
                    tx.executemany(
                        "INSERT OR IGNORE INTO ps_subs(owner, pid, sid, kind, name) VALUES (?,?,?,?,?)",
                        [(self.token, self.pid, session.id, kind, n) for n in new],
                    )
                    seq = tx.execute("SELECT coalesce(max(seq), 0) FROM _changes").fetchone()[0]
                start_poller = self._poller is None
                if start_poller:
                    self._seq = seq
                for n in new:
                    mine.add(n)
                    self.local[kind].setdefault(n, {})[session] = None
                if start_poller:
                    self._poller = threading.Thread(target=self._poll, name="dotdo-redis-pubsub", daemon=True)
                    self._poller.start()
        return names

    def unsubscribe(self, session: Any, kind: str, names: Iterable[bytes] | None) -> list[bytes]:
        """Remove subscriptions (all of this kind when names is None); returns the names removed or asked for."""
        mine = self.session_set(session, kind)
        asked = sorted(mine) if names is None else list(names)
        gone = list(dict.fromkeys(n for n in asked if n in mine))
        if gone:
            with self.lock:
                with self.shard.write() as tx:
                    tx.executemany(
                        "DELETE FROM ps_subs WHERE owner = ? AND sid = ? AND kind = ? AND name = ?",
                        [(self.token, session.id, kind, n) for n in gone],
                    )
                for n in gone:
                    mine.discard(n)
                    subscribers = self.local[kind].get(n)
                    if subscribers is not None:
                        subscribers.pop(session, None)
                        if not subscribers:
                            del self.local[kind][n]
        return asked

    def drop_session(self, session: Any) -> None:
        if not session.subscribed:
            return
        with self.lock:
            try:
                with self.shard.write() as tx:
                    tx.execute("DELETE FROM ps_subs WHERE owner = ? AND sid = ?", (self.token, session.id))
            except Exception:  # closing must not fail (a closed store at exit); rows go when the pid dies
                log.warning("could not remove the subscriptions of session %s", session.id, exc_info=True)
            finally:
                for kind in (CHANNEL, PATTERN, SHARD):
                    mine = self.session_set(session, kind)
                    for n in mine:
                        subscribers = self.local[kind].get(n)
                        if subscribers is not None:
                            subscribers.pop(session, None)
                            if not subscribers:
                                del self.local[kind][n]
                    mine.clear()

    # Engine extension hooks.
    def session_closed(self, session: Any) -> None:
        self.drop_session(session)

    def session_reset(self, session: Any) -> None:
        self.drop_session(session)

    def forget_process(self) -> None:
        """At exit: remove this engine's registry rows so other processes stop counting them."""
        try:
            with self.shard.write() as tx:
                tx.execute("DELETE FROM ps_subs WHERE owner = ?", (self.token,))
        except Exception:  # the store may already be closed at interpreter exit
            pass

    # -- publishing -----------------------------------------------------------------------
    def publish(self, channel: bytes, data: bytes, sharded: bool = False) -> int:
        """Deliver to every subscriber in every process; returns how many received it."""
        receivers = self._deliver_local(channel, data, sharded)
        remote = self._remote_receivers(channel, sharded)
        if remote:
            with self.shard.write() as tx:
                tx.emit(FEED_SHARD_MESSAGE if sharded else FEED_MESSAGE, _pack(self.token, channel, data))
        return receivers + remote

    def _deliver_local(self, channel: bytes, data: bytes, sharded: bool) -> int:
        with self.lock:
            if sharded:
                targets = [(s, Push([b"smessage", channel, data])) for s in self.local[SHARD].get(channel, ())]
            else:
                targets = [(s, Push([b"message", channel, data])) for s in self.local[CHANNEL].get(channel, ())]
                for pattern, subscribers in self.local[PATTERN].items():
                    if subscribers and glob_match(pattern, channel):
                        targets.extend((s, Push([b"pmessage", pattern, channel, data])) for s in subscribers)
        for session, message in targets:
            session.deliver(message)
        return len(targets)

    def _remote_receivers(self, channel: bytes, sharded: bool) -> int:
        self._maybe_reap()
        with self.shard.reader() as conn:
            if sharded:
                return conn.execute(
                    "SELECT count(*) FROM ps_subs WHERE kind = 's' AND name = ? AND owner != ?", (channel, self.token)
                ).fetchone()[0]
            count = conn.execute(
                "SELECT count(*) FROM ps_subs WHERE kind = 'c' AND name = ? AND owner != ?", (channel, self.token)
            ).fetchone()[0]
            for (pattern,) in conn.execute("SELECT name FROM ps_subs WHERE kind = 'p' AND owner != ?", (self.token,)):
                if glob_match(pattern, channel):
                    count += 1
        return count

    # -- introspection (PUBSUB), across processes --------------------------------------------
    def active(self, kind: str) -> list[bytes]:
        self._maybe_reap()
        with self.shard.reader() as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT name FROM ps_subs WHERE kind = ? ORDER BY name", (kind,))]

    def count(self, kind: str, name: bytes) -> int:
        self._maybe_reap()
        with self.shard.reader() as conn:
            return conn.execute("SELECT count(*) FROM ps_subs WHERE kind = ? AND name = ?", (kind, name)).fetchone()[0]

    def _maybe_reap(self) -> None:
        now = time.monotonic()
        if now - self._last_reap < REAP_EVERY:
            return
        self._last_reap = now
        with self.shard.reader() as conn:
            pids = [r[0] for r in conn.execute("SELECT DISTINCT pid FROM ps_subs WHERE owner != ?", (self.token,))]
        dead = [pid for pid in pids if pid != self.pid and not _pid_alive(pid)]
        if dead:
            with self.shard.write() as tx:
                tx.executemany("DELETE FROM ps_subs WHERE pid = ?", [(pid,) for pid in dead])

    # -- the cross-process poller ----------------------------------------------------------------
    def _has_subscribers(self) -> bool:
        return any(self.local[k] for k in (CHANNEL, PATTERN, SHARD))

    def _poll(self) -> None:
        feed = self.shard.changes
        while True:
            with self.lock:
                if not self._has_subscribers():
                    self._poller = None
                    return
                after = self._seq
            try:
                last = feed.wait(after, POLL_IDLE)
                if last <= after:
                    continue
                records = feed.read(after, channels=(FEED_MESSAGE, FEED_SHARD_MESSAGE), limit=1000)
            except Exception:  # the store closed under us, or a transient SQLite error
                if getattr(self.engine, "_stop", None) is not None and self.engine._stop.is_set():
                    with self.lock:
                        self._poller = None
                    return
                time.sleep(POLL_IDLE)
                continue
            for _seq, feed_channel, payload in records:
                origin, channel, data = _unpack(payload)
                if origin != self.token:
                    self._deliver_local(channel, data, feed_channel == FEED_SHARD_MESSAGE)
            self._seq = records[-1][0] if len(records) == 1000 else max(last, records[-1][0] if records else last)


_hub_lock = threading.Lock()


def hub_for(engine: Any) -> PubSubHub:
    hub = engine.extensions.get("pubsub")
    if hub is None:
        with _hub_lock:
            hub = engine.extensions.get("pubsub")
            if hub is None:
                hub = engine.extensions["pubsub"] = PubSubHub(engine)
    return hub
