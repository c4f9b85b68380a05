"""The Redis engine: sessions, dispatch, transactions and batches over the shards.

`Engine.execute(session, argv)` runs one command and returns its reply (an error reply is
returned as a RedisError instance, not raised). `execute_batch` runs a pipeline with one
commit per shard touched. A command that must wait (BLPOP ...) returns `Blocked`; the
caller waits — a thread in-process (`execute_blocking`), a task in the server — and retries.
Command rule: validate everything before writing anything, so a command that errors has
changed nothing even inside a batch (batches do not use a savepoint per command; measured
too costly for pipelines).
"""
from __future__ import annotations

import importlib
import logging
import pkgutil
import threading
import time
import weakref
from typing import Any

from dotdo_core.hashing import redis_slot
from dotdo_core.store import Store

from ..storage import Keyspace, ShardTables, purge_expired
from . import commands as _commands_pkg
from .context import Ctx
from .errors import (
    CROSSSLOT, EXECABORT, RedisError, storage_error, unknown_command, unknown_subcommand, wrong_arity,
)
from .registry import COMMANDS, Command
from .blocking import Blocked
from .replies import NULL_ARRAY, OK, QUEUED
from .session import Session
from .slowlog import SlowLog

for _mod in pkgutil.iter_modules(_commands_pkg.__path__):
    importlib.import_module(f"{_commands_pkg.__name__}.{_mod.name}")

log = logging.getLogger("dotdo.redis")

POLL_MAX = 0.02  # cross-process wake-up latency bound for blocked clients
EXPIRY_INTERVAL = 0.1
# A shard whose earliest expiry is not due and that has had no commit here since is looked at again
# only this often (TTLs set by other processes' writes are noticed then; reads hide expired keys anyway).
EXPIRY_RECHECK_MS = 10_000

# Commands a RESP2 client may send while subscribed.
SUBSCRIBED_ALLOWED = {b"subscribe", b"psubscribe", b"ssubscribe", b"unsubscribe", b"punsubscribe", b"sunsubscribe", b"ping", b"quit", b"reset"}
# Commands that run immediately even inside MULTI.
MULTI_IMMEDIATE = {b"exec", b"discard", b"multi", b"watch", b"quit", b"reset"}
# How redis-py and most clients spell a plain SET (pipelines batch runs of them: execute_batch).
_PLAIN_SET = {b"SET", b"set"}


_SUBCOMMAND_ARITIES: dict[bytes, dict[bytes, int]] | None = None


def _subcommand_arities() -> dict[bytes, dict[bytes, int]]:
    """Container command → its subcommands' arities, from Redis 7.0's command table (read once)."""
    global _SUBCOMMAND_ARITIES
    if _SUBCOMMAND_ARITIES is None:
        from .commands.server import command_table

        _SUBCOMMAND_ARITIES = {
            name.encode(): {full.split("|", 1)[1].encode(): sub["arity"] for full, sub in spec["subcommands"].items()}
            for name, spec in command_table().items() if spec["subcommands"]
        }
    return _SUBCOMMAND_ARITIES


def _subcommand_refusal(name: bytes, argv: list[bytes]) -> RedisError | None:
    """What Redis answers, before queueing in MULTI, for an unknown subcommand or a wrong count of
    its arguments (the command's own code checks these only when it runs)."""
    sub = argv[1].lower()
    arity = _subcommand_arities()[name].get(sub)
    if arity is None:
        return unknown_subcommand(argv[1], name.decode())
    n = len(argv)
    if (arity > 0 and n != arity) or (arity < 0 and n < -arity):
        return wrong_arity(f"{name.decode()}|{sub.decode('utf-8', 'replace')}")
    return None


def abort_transaction(session: Session, cause: RedisError) -> RedisError:
    """An EXEC Redis refuses (wrong arity) ends the transaction, as EXEC would, and says why."""
    session.multi = None
    session.multi_error = False
    session.watched.clear()
    reason = cause.message[4:] if cause.message.startswith("ERR ") else cause.message
    return RedisError(f"EXECABORT Transaction discarded because of: {reason}")


# Commands that may hold their writes back in a batch, by the kind of write they hold: pushes to a
# list a push of this batch already wrote (commands/lists.py), `SET key value` (any key), counters a
# counter command of this batch already wrote (commands/strings.py). Held writes are of one kind at
# a time: any other command (or SET with options) first writes out what is held back, so every
# command sees the effects of those before it.
HOLDS = {"lpush": "push", "rpush": "push", "lpushx": "push", "rpushx": "push",
         "set": "set", "incr": "counter", "decr": "counter", "incrby": "counter", "decrby": "counter"}


class Held(dict):
    """A batch's held-back writes (key -> an object with flush()) and the kind they are of."""

    __slots__ = ("kind",)

    def __init__(self) -> None:
        super().__init__()
        self.kind: str | None = None


def _set_argvs(keys: list[bytes], values: list[bytes]) -> list[list[bytes]]:
    return [[b"SET", k, v] for k, v in zip(keys, values)]


class _Batch:
    """Write transactions opened lazily per shard for a pipeline, committed together at the end."""

    def __init__(self, engine: "Engine") -> None:
        self.engine = engine
        self.open: dict[int, tuple[Any, Any]] = {}
        # One clock reading and one write Keyspace per (shard, db) for the whole batch: a pipeline
        # of small commands spends measurable time re-making them.
        self.now = time.time_ns() // 1_000_000
        self.keyspaces: dict[tuple[int, int], Keyspace] = {}
        # Writes held back until the next command of another kind, or the commit (stored key ->
        # an object with flush()): consecutive pushes to one list become one update and one insert.
        self.deferred = Held()
        # Reads: one reader per shard, taken at the first read and given back at the close, and one
        # read Keyspace per (shard, db), its cache checked again for each command (read_keyspace).
        self.readers: dict[int, tuple[Any, Any]] = {}
        self.read_keyspaces: dict[tuple[int, int], Keyspace] = {}

    def read_keyspace(self, index: int, db: int) -> Keyspace | None:
        """The Keyspace a read-only command of the batch reads through, with its cache checked for
        commits since the last command; None where the command must take a reader of its own:
        while a write transaction is open on the shard (the batch's writes are read through it),
        or for an in-memory shard (whose reads hold its lock)."""
        tables = self.engine.tables[index]
        shard = tables.shard
        if shard.in_transaction or shard.memory:
            return None
        ks = self.read_keyspaces.get((index, db))
        if ks is None:
            entry = self.readers.get(index)
            if entry is None:
                ctx = shard.reader()
                entry = self.readers[index] = (ctx, ctx.__enter__())
            ks = self.read_keyspaces[(index, db)] = Keyspace(tables, entry[1], None, db, self.now)
        ks.cache = tables.read_cache(ks.conn, db)
        return ks

    def keyspace(self, index: int, db: int) -> Keyspace:
        ks = self.keyspaces.get((index, db))
        if ks is None:
            tx = self.tx(index)
            ks = self.keyspaces[(index, db)] = Keyspace(self.engine.tables[index], tx.conn, tx, db, self.now)
            ks.deferred = self.deferred
        return ks

    def flush_deferred(self) -> None:
        deferred = list(self.deferred.values())
        self.deferred.clear()
        for write in deferred:
            write.flush()

    def tx(self, index: int):
        entry = self.open.get(index)
        if entry is None:
            ctx = self.engine.ns.shards[index].write()
            entry = self.open[index] = (ctx, ctx.__enter__())
        return entry[1]

    def close(self, exc: BaseException | None) -> None:
        first_error = None
        if self.deferred:
            if exc is None:
                try:
                    self.flush_deferred()
                except BaseException as e:  # nothing of the batch may commit then
                    exc = first_error = e
            self.deferred.clear()
        for ctx, _ in self.open.values():
            try:
                if exc is None:
                    ctx.__exit__(None, None, None)
                else:
                    ctx.__exit__(type(exc), exc, exc.__traceback__)
            except BaseException as e:  # keep closing the others
                first_error = first_error or e
        self.open.clear()
        self.keyspaces.clear()
        for ctx, _ in self.readers.values():
            ctx.__exit__(None, None, None)
        self.readers.clear()
        self.read_keyspaces.clear()
        if first_error is not None:
            raise first_error


_live_engines: "weakref.WeakSet[Engine]" = weakref.WeakSet()
_expirer_lock = threading.Lock()
_expirer: threading.Thread | None = None


def _expire_loop() -> None:
    """Active expiry for every live engine in the process, from one thread that holds no engine alive."""
    while True:
        time.sleep(EXPIRY_INTERVAL)
        try:
            engines = list(_live_engines)
        except RuntimeError:  # an engine was made or collected in another thread meanwhile: next tick
            continue
        for engine in engines:
            try:
                engine.purge_expired()
            except Exception:  # a closed store or a busy file: try again next tick
                pass
            del engine
        del engines


def _ensure_expirer() -> None:
    global _expirer
    with _expirer_lock:
        if _expirer is None or not _expirer.is_alive():
            _expirer = threading.Thread(target=_expire_loop, name="dotdo-redis-expiry", daemon=True)
            _expirer.start()


class Engine:
    # Weak: an engine (and through it its store) lives while a client, pool or server holds it.
    _registry: "weakref.WeakValueDictionary[tuple[int, str], Engine]" = weakref.WeakValueDictionary()
    _registry_lock = threading.Lock()

    def __init__(self, store: Store, name: str = "redis", shards: int = 1) -> None:
        self.store = store
        self.name = name
        self.ns = store.namespace(name, kind="redis", shards=shards, hash="redis-slot")
        self.tables = [ShardTables(s) for s in self.ns.shards]
        # Per shard: (its commit count, when to look next) after a look that found nothing due.
        self._expiry_seen: list[tuple[int, int] | None] = [None] * len(self.tables)
        self.cluster = self.ns.shard_count > 1
        self.sessions: "weakref.WeakSet[Session]" = weakref.WeakSet()
        self.started = time.time()
        self.extensions: dict[str, Any] = {}  # per-engine state of command families (pubsub hub, scripts ...)
        self.monitors: list[Session] = []  # sessions in MONITOR mode (commands/monitor.py); replaced, never mutated
        self.slowlog = SlowLog()
        # In-process threads blocked in BLPOP & co., oldest first, and what a sweep served them.
        self._waiting: dict[object, tuple[Session, list[bytes], Any]] = {}
        self._served: dict[object, Any] = {}
        self._waiting_lock = threading.Lock()
        self._swept: dict[int, tuple[int, float]] = {}
        _live_engines.add(self)
        _ensure_expirer()

    @classmethod
    def for_store(cls, store: Store, name: str = "redis", shards: int = 1) -> "Engine":
        """One engine per store and name in a process: every in-process client shares it."""
        with cls._registry_lock:
            engine = cls._registry.get((id(store), name))
            if engine is None:
                engine = cls._registry[(id(store), name)] = cls(store, name, shards)
            return engine

    def session(self, addr: str = "inproc", fd: int = -1) -> Session:
        s = Session(self, addr, fd)
        self.sessions.add(s)
        return s

    def session_closed(self, session: Session) -> None:
        for hook in self.extensions.values():
            closed = getattr(hook, "session_closed", None)
            if closed is not None:
                closed(session)
        self.sessions.discard(session)

    # -- running commands ----------------------------------------------------
    def execute(self, session: Session, argv: list[bytes]) -> Any:
        """Run one command; returns its reply, a RedisError, or Blocked. A bug in a command has
        already rolled back its own transaction when it reaches here; the client gets an error reply."""
        try:
            return self.dispatch(session, argv, None)
        except RedisError as e:
            return e
        except Exception as e:
            reply = storage_error(e)
            if reply is not None:
                return reply
            log.exception("command %r failed", argv[:1])
            return RedisError(f"ERR internal error in '{argv[0].decode('utf-8', 'replace')}': {type(e).__name__}")

    def execute_blocking(self, session: Session, argv: list[bytes]) -> Any:
        """`execute`, waiting in this thread while the command is Blocked. Waiting threads are
        served oldest first, as Redis serves its blocked clients (see `_sweep`)."""
        reply = self.execute(session, argv)
        if not isinstance(reply, Blocked):
            return reply
        deadline = None if reply.timeout is None else time.monotonic() + reply.timeout
        feed = self.ns.shards[reply.shard_index].changes
        me = object()
        with self._waiting_lock:
            self._waiting[me] = (session, argv, feed)
        poll = 0.001
        session.blocking = reply
        try:
            while me not in self._served:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                feed.pulse(poll if remaining is None else min(poll, remaining))
                poll = min(poll * 2, POLL_MAX)
                self._sweep(feed)
        finally:
            session.blocking = None
            with self._waiting_lock:
                self._waiting.pop(me, None)
                # a reply a sweep served just as the wait timed out stands: its pop happened
                served = self._served.pop(me, reply)
        return reply.timeout_reply if served is reply else served

    def _sweep(self, feed: Any) -> None:
        """Re-run the threads' commands blocked on `feed`'s shard, oldest first. Every waiter wakes
        on the same commit: the first to look serves them all; another process's commits, which
        wake no one, are looked for at most every POLL_MAX / 2."""
        with self._waiting_lock:
            now = time.monotonic()
            last = self._swept.get(id(feed))
            if last is not None and last[0] == feed.commits and now - last[1] < POLL_MAX / 2:
                return
            self._swept[id(feed)] = (feed.commits, now)
            for key, (session, argv, waiting_feed) in list(self._waiting.items()):
                if waiting_feed is not feed:
                    continue
                reply = self.execute(session, argv)
                if not isinstance(reply, Blocked):
                    del self._waiting[key]
                    self._served[key] = reply

    def execute_batch(self, session: Session, argvs: list[list[bytes]]) -> list[Any]:
        """A pipeline: every command in order, one commit per shard touched. A blocking command
        (outside MULTI) commits what came before it, then blocks, as it would on a socket."""
        batch = _Batch(self)
        replies: list[Any] = []
        try:
            i, n = 0, len(argvs)
            while i < n:
                argv = argvs[i]
                if len(argv) == 3 and argv[0] in _PLAIN_SET and i + 1 < n:
                    j = i + 1
                    while j < n and len(argvs[j]) == 3 and argvs[j][0] in _PLAIN_SET:
                        j += 1
                    if j - i > 1 and self._plain_sets_allowed(session):
                        run = argvs[i:j]
                        replies += self._plain_sets(batch, session, [a[1] for a in run], [a[2] for a in run], run)
                        i = j
                        continue
                reply = self.execute_in(batch, session, argv)
                if isinstance(reply, Blocked):
                    batch.close(None)
                    reply = self.execute_blocking(session, argv)
                replies.append(reply)
                i += 1
        except BaseException as e:
            batch.close(e)
            raise
        batch.close(None)
        return replies

    def _plain_sets_allowed(self, session: Session) -> bool:
        """Whether a run of `SET key value` may be written as one statement: nothing queues them
        (MULTI), refuses them (RESP2 subscriber mode) or must check their slots (cluster mode)."""
        return not self.cluster and session.multi is None and not (session.protocol == 2 and session.subscribed) \
            and not self.monitors  # a monitor sees each SET

    def execute_set_run(self, session: Session, keys: list[bytes], values: list[bytes]) -> list[Any]:
        """execute_batch for a pipeline of nothing but `SET keys[i] values[i]` (client.SetRun)."""
        if not self._plain_sets_allowed(session):
            return self.execute_batch(session, _set_argvs(keys, values))
        batch = _Batch(self)
        try:
            replies = self._plain_sets(batch, session, keys, values)
        except BaseException as e:
            batch.close(e)
            raise
        batch.close(None)
        return replies

    def _plain_sets(self, batch: _Batch, session: Session, keys: list[bytes], values: list[bytes],
                    argvs: list[list[bytes]] | None = None) -> list[Any]:
        """A pipeline's run of `SET key value`: a few multi-row statements (Keyspace.set_strings,
        which sets key by key should some key hold another type), as many OKs. `argvs`: the
        commands as sent, when the caller has them (else they are `SET key value`)."""
        if batch.deferred:  # written first: the run's statement must come after them
            batch.flush_deferred()
        slowlog = self.slowlog
        started = time.perf_counter_ns() if slowlog.slower_than_us >= 0 else None
        batch.keyspace(0, session.db).set_strings(keys, values)
        session.last_cmd = b"set"
        if started is not None:
            share = (time.perf_counter_ns() - started) // 1000 // len(keys)
            if slowlog.wants(share):
                for argv in argvs or _set_argvs(keys, values):
                    slowlog.add(session, argv, share)
        return [OK] * len(keys)

    def batch(self) -> _Batch:
        """A group commit: `execute_in` commands of any sessions, then `close(None)` commits them all."""
        return _Batch(self)

    def execute_in(self, batch: _Batch, session: Session, argv: list[bytes]) -> Any:
        try:
            return self.dispatch(session, argv, batch)
        except RedisError as e:
            return e

    def dispatch(self, session: Session, argv: list[bytes], batch: _Batch | None) -> Any:
        """Admit and run one command (inside `batch`, if given); a Redis error is raised."""
        name = argv[0].lower()
        cmd = COMMANDS.get(name)
        if cmd is None:
            if session.multi is not None:
                session.multi_error = True
            raise unknown_command(argv[0], argv[1:])
        n = len(argv)
        if (cmd.arity > 0 and n != cmd.arity) or (cmd.arity < 0 and n < -cmd.arity):
            if session.multi is not None:
                if name == b"exec":
                    raise abort_transaction(session, wrong_arity(cmd.name))
                session.multi_error = True
            raise wrong_arity(cmd.name)
        if session.multi is not None and name not in MULTI_IMMEDIATE:
            if "no-multi" in cmd.flags:
                session.multi_error = True
                raise RedisError(f"ERR Command not allowed inside a transaction")
            if name in _subcommand_arities():
                refusal = _subcommand_refusal(name, argv)
                if refusal is not None:
                    session.multi_error = True
                    raise refusal
            session.multi.append(argv)
            return QUEUED
        if session.protocol == 2 and (session.channels or session.patterns or session.shard_channels) \
                and name not in SUBSCRIBED_ALLOWED:  # `session.subscribed`, without a call per command
            raise RedisError(
                f"ERR Can't execute '{cmd.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
            )
        session.last_cmd = name
        # A pipeline or a group commit may block (as on a socket); only EXEC and scripts pass in_batch=True.
        slowlog = self.slowlog
        if slowlog.slower_than_us < 0 or name == b"exec":  # EXEC logs the commands it ran instead
            return self.run(cmd, session, argv, batch, False)
        started = time.perf_counter_ns()
        try:
            reply = self.run(cmd, session, argv, batch, False)
        except RedisError:  # an error reply: the command ran, as far as the slow log is concerned
            slowlog.note(session, argv, started)
            raise
        # (inline, not slowlog.note: a call per command costs more than the two clock readings)
        took_us = (time.perf_counter_ns() - started) // 1000
        if took_us >= slowlog.slower_than_us >= 0 and not isinstance(reply, Blocked):
            slowlog.add(session, argv, took_us)  # a Blocked command is logged once served, as in Redis
        return reply

    def shard_index_for(self, keys: list[bytes]) -> int:
        """The one shard `keys` live on; CROSSSLOT if a cluster-mode db would need several slots."""
        if not keys:
            return 0
        if not self.cluster:
            return 0
        slot = redis_slot(keys[0])
        for key in keys[1:]:
            if redis_slot(key) != slot:
                raise RedisError(CROSSSLOT)
        return self.ns.shard_index(keys[0])

    def run(self, cmd: Command, session: Session, argv: list[bytes], batch: _Batch | None, in_batch: bool,
            fed: bool = False) -> Any:
        """Run an already-admitted command (also used by EXEC and scripts)."""
        if self.monitors and not fed:
            return self._run_monitored(cmd, session, argv, batch, in_batch)
        if batch is None:
            now = time.time_ns() // 1_000_000
        else:
            now = batch.now
            deferred = batch.deferred
            if deferred is not None:  # (a script's batch holds nothing back)
                kind = HOLDS.get(cmd.name)
                if deferred and (kind is None or kind != deferred.kind or (kind == "set" and len(argv) != 3)):
                    batch.flush_deferred()  # it may read, or overwrite, what they would write
                deferred.kind = kind
        if cmd.keys is None:
            return cmd.fn(Ctx(self, session, None, now, argv, in_batch), *argv[1:])
        # Standalone (one shard): every key is on shard 0, no need to look at them.
        index = self.shard_index_for(cmd.key_args(argv)) if self.cluster else 0
        tables = self.tables[index]
        if cmd.writes:
            if batch is not None:
                return cmd.fn(Ctx(self, session, batch.keyspace(index, session.db), now, argv, in_batch), *argv[1:])
            with tables.shard.write() as tx:
                return cmd.fn(Ctx(self, session, Keyspace(tables, tx.conn, tx, session.db, now), now, argv, in_batch), *argv[1:])
        if batch is not None:
            ks = batch.read_keyspace(index, session.db)
            if ks is not None:
                return cmd.fn(Ctx(self, session, ks, now, argv, in_batch), *argv[1:])
        with tables.shard.reader() as conn:
            db = session.db
            ks = Keyspace(tables, conn, None, db, now, tables.read_cache(conn, db))
            return cmd.fn(Ctx(self, session, ks, now, argv, in_batch), *argv[1:])

    def _run_monitored(self, cmd: Command, session: Session, argv: list[bytes], batch: _Batch | None,
                       in_batch: bool) -> Any:
        """`run` while clients MONITOR: as in Redis, a command shows once it ran (so EXEC after the
        commands it ran), a script's EVAL / FCALL before the calls it makes."""
        from .commands.monitor import SCRIPT_CALLERS, feed

        lua = getattr(batch, "is_script", False)
        if cmd.name in SCRIPT_CALLERS:
            feed(self, session, argv, lua)
            return self.run(cmd, session, argv, batch, in_batch, fed=True)
        try:
            reply = self.run(cmd, session, argv, batch, in_batch, fed=True)
        except RedisError as e:
            if not e.message.startswith("ERR unknown subcommand"):  # Redis refuses those before running
                feed(self, session, argv, lua)
            raise
        feed(self, session, argv, lua)
        return reply

    # -- shards, for keyless commands -----------------------------------------------
    def keyspaces(self, session: Session, *, write: bool, db: int | None = None):
        """Yield a Keyspace per shard (inside a write transaction per shard when `write`)."""
        now = int(time.time() * 1000)
        db = session.db if db is None else db
        for tables in self.tables:
            if write:
                with tables.shard.write() as tx:
                    yield Keyspace(tables, tx.conn, tx, db, now)
            else:
                with tables.shard.reader() as conn:
                    yield Keyspace(tables, conn, None, db, now)

    # -- active expiry ----------------------------------------------------------------
    def purge_expired(self) -> int:
        now = int(time.time() * 1000)
        total = 0
        for i, tables in enumerate(self.tables):
            shard = tables.shard
            if not shard.is_open:  # idle past the open-shard budget: expired keys wait for its next use
                continue
            seen = self._expiry_seen[i]
            if seen is not None and seen[0] == shard.commits and now < seen[1]:
                continue  # thousands of idle tenants cost a comparison each, not a query
            commits = shard.commits
            with shard.reader() as conn:
                first = conn.execute(
                    f"SELECT min(expires_ms) FROM {tables.kv.table} WHERE expires_ms IS NOT NULL").fetchone()[0]
            if first is not None and first <= now:
                with shard.write() as tx:
                    total += purge_expired(tables, tx, now)
                self._expiry_seen[i] = None  # at most a batch per tick: look again next tick
            else:
                self._expiry_seen[i] = (commits, now + EXPIRY_RECHECK_MS if first is None else min(first, now + EXPIRY_RECHECK_MS))
        return total

    def close(self) -> None:
        _live_engines.discard(self)
