"""A shard: one SQLite database with exactly one writer at a time.

Like a Durable Object, a shard serialises its writes — in this process through one
lock, across processes through SQLite's own write lock (BEGIN IMMEDIATE with a busy
timeout) — so the engines above never lock anything themselves. Readers run
concurrently on per-thread connections (WAL mode); an in-memory shard has a single
connection and so reads under the writer's lock.

A file shard's connections open on first use and are closed again when the process has more
open shards than its budget and this one is idle (open_shards.py); a later use reopens them.
"""
from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from typing import Any, Callable, Iterable, Iterator

from . import sqlite, walstamp, walsync
from .changes import SCHEMA as CHANGES_SCHEMA, ChangeFeed
from .open_shards import POOL, clock


class Tx:
    """The handle a write transaction hands to engine code."""

    __slots__ = ("conn", "execute", "executemany", "_shard", "_emitted", "_after_commit", "_changes_at_start",
                 "_epoch_checked")

    def __init__(self, shard: "Shard", conn: sqlite.Connection) -> None:
        self._shard = shard
        self.conn = conn
        self.execute = conn.execute
        self.executemany = conn.executemany
        self._emitted = False
        self._after_commit: list[Callable[[], None]] | None = None
        self._changes_at_start = conn.total_changes()
        self._epoch_checked = False  # Shard.write_epoch compared data versions in this transaction

    def changed(self) -> bool:
        """Whether this transaction wrote any row (an empty commit must not wake waiters)."""
        return self._emitted or self.conn.total_changes() != self._changes_at_start

    def emit(self, channel: str, payload: bytes | None = None) -> int:
        """Append a change record that commits (or vanishes) with this transaction; returns its seq."""
        self._emitted = True
        return self._shard.changes._append(self.conn, channel, payload)

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run fn once this transaction has committed (never if it rolls back)."""
        if self._after_commit is None:
            self._after_commit = []
        self._after_commit.append(fn)


# PRAGMA user_version of a shard whose namespace was dropped ("drop"): written, under the shard's
# write lock, before the files are deleted, so a writer in another process that still has the file
# open learns of it when it next takes the lock, instead of committing to a deleted file.
DROPPED_MARK = 0x64726F70


class ShardDropped(Exception):
    """The shard's namespace was dropped by another connection (another process, say) while this
    one had it open. Nothing was written; the caller reopens the namespace by name."""


class ShardBusy(sqlite.BusyError):
    """A write that was asked not to wait found the shard's write lock taken (by another thread of
    this process or by another process). Nothing was written; try again later. Callers that do not
    handle it see SQLite's BusyError, as after the busy timeout."""


_no_wait = threading.local()
_this_thread = threading.local()


def commits_in_this_thread() -> int:
    """Commits that changed something, made by the calling thread (of any shard): whether a command
    committed part of its work, without summing over every shard it might have touched."""
    return getattr(_this_thread, "commits", 0)
CLOSE_READ_WAIT = 5.0  # seconds close() lets other threads' reads in progress finish


class without_lock_wait:
    """`with without_lock_wait():` — writes begun in this thread raise ShardBusy at once instead of
    waiting up to the busy timeout for a lock another process holds: for event-loop threads, where
    a wait would stall every other client of the loop."""

    def __enter__(self) -> None:
        self._before = getattr(_no_wait, "on", False)
        _no_wait.on = True

    def __exit__(self, *exc: Any) -> None:
        _no_wait.on = self._before


class executor:
    """`with executor(key):` — this thread runs work for `key`, an engine that lets one thread at a
    time in under its own lock but on whichever thread (dotdo_postgres runs an embedded client's
    statements on that client's thread, the rest on its loop). The write lock of a shard that
    `share_lock_between_threads()` counts all of `key`'s threads as one owner, so a transaction
    that one thread began another may continue and end."""

    __slots__ = ("_key", "_before")

    def __init__(self, key: object) -> None:
        self._key = key

    def __enter__(self) -> None:
        self._before = getattr(_executor, "key", None)
        _executor.key = self._key

    def __exit__(self, *exc: Any) -> None:
        _executor.key = self._before


_executor = threading.local()


class ExecutorRLock:
    """A re-entrant lock owned by the running executor (see `executor`), else by the thread."""

    __slots__ = ("_cond", "_owner", "_count")

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._owner: object = None
        self._count = 0

    @staticmethod
    def _me() -> object:
        key = getattr(_executor, "key", None)
        return key if key is not None else threading.get_ident()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        me = self._me()
        with self._cond:
            if self._owner == me:
                self._count += 1
                return True
            if self._owner is not None:
                if not blocking:
                    return False
                if not self._cond.wait_for(lambda: self._owner is None, None if timeout < 0 else timeout):
                    return False
            self._owner = me
            self._count = 1
            return True

    def release(self) -> None:
        with self._cond:
            if self._owner != self._me() or not self._count:
                raise RuntimeError("cannot release un-acquired lock")
            self._count -= 1
            if not self._count:
                self._owner = None
                self._cond.notify()

    def _is_owned(self) -> bool:
        return self._owner == self._me()

    __enter__ = acquire

    def __exit__(self, *exc: Any) -> None:
        self.release()


class _Write:
    """`with shard.write() as tx:` — commits on normal exit, rolls back on any exception."""

    __slots__ = ("_shard", "_tx", "_savepoint", "_wait", "_join", "_joined")

    def __init__(self, shard: "Shard", wait: bool = True, join: bool = False) -> None:
        self._shard = shard
        self._tx: Tx | None = None
        self._savepoint: str | None = None
        self._wait = wait
        self._join = join
        self._joined = False

    def __enter__(self) -> Tx:
        shard = self._shard
        wait = self._wait and not getattr(_no_wait, "on", False)
        if not shard._lock.acquire(blocking=wait):
            raise ShardBusy("the shard's write lock is held by another thread")
        try:
            outer = shard._tx
            if outer is not None and self._join:
                self._joined = True  # part of the enclosing transaction, which an exception aborts anyway
                return outer
            if outer is not None:
                # Nested write in the same thread: a savepoint, so the inner block is atomic too.
                shard._depth += 1
                self._savepoint = f"sp{shard._depth}"
                outer.conn.execute(f"SAVEPOINT {self._savepoint}")
                self._tx = outer
                return outer
            shard._used = clock()
            writer = shard._writer
            if writer is None:
                writer = shard._open_writer()
            if wait:
                writer.execute("BEGIN IMMEDIATE")
            else:
                _begin_now(writer)
            if not shard.memory:
                # Another connection committed since our last commit (0.1 µs to tell): it may have
                # been the drop of this shard's namespace, which marks the file before deleting it.
                now = writer.data_version()
                if now != shard._own_version:
                    shard._epoch += 1
                    shard._own_version = now
                    if writer.execute("PRAGMA user_version").fetchone()[0] == DROPPED_MARK:
                        _rollback(writer)
                        raise ShardDropped(f"{shard.path}: its namespace was dropped by another connection")
        except BaseException:
            shard._lock.release()
            raise
        tx = self._tx = shard._tx = Tx(shard, shard._writer)
        tx._epoch_checked = not shard.memory
        return tx

    def __exit__(self, exc_type, exc, tb) -> None:
        shard = self._shard
        tx = self._tx
        if self._joined:
            shard._lock.release()
            return
        try:
            if self._savepoint is not None:
                shard._depth -= 1
                if exc_type is None:
                    tx.conn.execute(f"RELEASE {self._savepoint}")
                else:
                    tx.conn.execute(f"ROLLBACK TO {self._savepoint}")
                    tx.conn.execute(f"RELEASE {self._savepoint}")
                return
            shard._tx = None
            changed = tx.changed()
            if exc_type is None:
                try:
                    tx.conn.execute("COMMIT")
                except BaseException:
                    _rollback(tx.conn)
                    raise
                if tx._epoch_checked:  # the version after our own commit (others' count from our next BEGIN)
                    shard._own_version = tx.conn.data_version()
                if changed:
                    shard.commits += 1
                    _this_thread.commits = getattr(_this_thread, "commits", 0) + 1
                    if not shard._wal_sync_due:
                        shard._wal_sync_due = True
                        walsync.schedule(shard)
            else:
                _rollback(tx.conn)
                return
        finally:
            shard._lock.release()
        # Waiters re-check after a wake-up; a retry that found nothing writes nothing, so it must
        # not wake the others (blocked clients would otherwise wake each other in a loop).
        if tx._emitted or (changed and shard.changes.waiters):
            shard.changes._committed()
        if tx._after_commit:
            for fn in tx._after_commit:
                fn()


_CREATE_IF_MISSING = re.compile(
    r"CREATE\s+(?:UNIQUE\s+|VIRTUAL\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)\s+IF\s+NOT\s+EXISTS\s+([A-Za-z_][A-Za-z0-9_]*)\b",
    re.IGNORECASE)


def _created_names(ddl: str) -> list[str]:
    """The objects a DDL script creates, when it is nothing but `CREATE ... IF NOT EXISTS <name>`
    statements (which are no-ops once those names exist); [] for any other script."""
    lines = [line for line in ddl.splitlines() if not line.lstrip().startswith("--")]
    names = []
    for statement in "\n".join(lines).split(";"):
        statement = statement.strip()
        if not statement:
            continue
        found = _CREATE_IF_MISSING.match(statement)
        if found is None or "BEGIN" in statement.upper():  # a trigger body holds statements of its own
            return []
        names.append(found.group(1))
    return names


def _begin_now(conn: sqlite.Connection) -> None:
    """BEGIN IMMEDIATE without the busy wait: ShardBusy if another process holds the write lock."""
    conn.set_busy_timeout(0)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite.BusyError:
        raise ShardBusy("the data directory is locked by another process") from None
    finally:
        conn.set_busy_timeout(sqlite.BUSY_TIMEOUT_MS)


def _rollback(conn: sqlite.Connection) -> None:
    if not conn.get_autocommit():
        conn.execute("ROLLBACK")


class _Read:
    __slots__ = ("_shard", "_locked", "_counted")

    def __init__(self, shard: "Shard") -> None:
        self._shard = shard
        self._locked = False
        self._counted = False

    def __enter__(self) -> sqlite.Connection:
        shard = self._shard
        if shard._tx is not None and shard._lock._is_owned():  # type: ignore[attr-defined]
            return shard._writer  # read your own uncommitted writes
        if shard.memory:
            shard._lock.acquire()
            self._locked = True
            return shard._writer
        # Counted while in use, so the shard's readers are not closed under this read.
        with shard._state:
            shard._reading += 1
        self._counted = True
        shard._used = clock()
        try:
            return shard._reader()
        except BaseException:
            self._uncount()
            raise

    def __exit__(self, *exc: Any) -> None:
        if self._locked:
            self._locked = False
            self._shard._lock.release()
        elif self._counted:
            self._uncount()

    def _uncount(self) -> None:
        self._counted = False
        shard = self._shard
        with shard._state:
            shard._reading -= 1


class Shard:
    def __init__(self, path: str, *, index: int = 0, sync: str = "normal", schema: Iterable[str] = ()) -> None:
        self.path = path
        self.index = index
        self.sync = sync
        self.memory = path == ":memory:"
        self._lock = threading.RLock()
        self._tx: Tx | None = None
        self._depth = 0
        self._local = threading.local()
        self._readers: list[sqlite.Connection] = []
        self._reader_threads: list[threading.Thread] = []  # who owns each of _readers
        self.commits = 0  # commits through this object that changed something (for cheap "anything new?" checks)
        # Whether a background sync of the WAL is already due (walsync.py); always, for the shards
        # whose WAL that thread leaves alone: in memory, or synced by SQLite at every commit (full) or never (off).
        self._wal_sync_due = self.memory or sync != "normal"
        self._readers_lock = threading.Lock()
        self._schemas: set[str] = set()
        self._closed = False
        # Open/closed state of the connections: `_reading` counts reads in progress, `_generation`
        # tells each thread whether its reader predates a close.
        self._state = threading.Lock()
        self._stamp_retained = False  # counted among the file's users in walstamp (see _retain_stamp)
        self._reading = 0
        self._generation = 0
        self._pins = 0  # pin() minus unpin(): engines holding a connection beyond a transaction
        self._used = clock()
        self._writer: sqlite.Connection | None = None
        # write_epoch: the writer's data version as its own last commit left it, and a count of the
        # times another connection was found to have committed since.
        self._own_version: int | None = None
        self._epoch = 0
        if not self.memory:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self._open_writer()
        self.changes = ChangeFeed(self)
        self.ensure_schema("_changes", CHANGES_SCHEMA)
        for ddl in schema:
            self.ensure_schema(ddl, ddl)

    # -- transactions ------------------------------------------------------
    def write(self, wait: bool = True, join: bool = False) -> _Write:
        """A write transaction: serialised against every other writer of this shard, in any process.
        With wait=False (or inside `without_lock_wait()`) a lock held elsewhere raises ShardBusy at
        once rather than waiting up to the busy timeout (sqlite.BUSY_TIMEOUT_MS). Nested in this
        thread's transaction it is a savepoint, or with join=True simply part of that transaction:
        for a block whose exceptions always abort the enclosing one (no savepoint to pay for)."""
        return _Write(self, wait, join)

    @property
    def in_transaction(self) -> bool:
        """Whether a write transaction of this object's is open (in any thread)."""
        return self._tx is not None

    def reader(self) -> _Read:
        """A connection for reads; inside this thread's write transaction it is that transaction's."""
        return _Read(self)

    @contextlib.contextmanager
    def reader_already_open(self) -> Iterator[sqlite.Connection]:
        """A read through a connection this process has open already — this thread's reader, else
        the writer — never a new one: for a file another process may have deleted (its namespace
        dropped), which a new connection would create again, empty. sqlite.Error if none is open."""
        local = self._local
        if getattr(local, "conn", None) is not None and local.generation == self._generation:
            with self.reader() as conn:
                yield conn
            return
        with self._lock:  # no transaction of another thread runs on the writer meanwhile
            if self._writer is None:
                raise sqlite.Error(f"{self.path}: no connection to it is open")
            yield self._writer

    def share_lock_between_threads(self) -> None:
        """Let the write lock pass between the threads of one executor (see `executor`). Called by
        the shard's only user before it first writes; a no-op once done."""
        if not isinstance(self._lock, ExecutorRLock):
            self._lock = ExecutorRLock()

    def _reader(self) -> sqlite.Connection:
        if self._closed:
            raise sqlite.Error("shard is closed")
        local = self._local
        conn = getattr(local, "conn", None)
        if conn is None or local.generation != self._generation:
            conn = sqlite.connect(self.path, sync=self.sync)
            self._retain_stamp()
            with self._readers_lock:
                self._close_readers_of_finished_threads()
                self._readers.append(conn)
                self._reader_threads.append(threading.current_thread())
            local.conn = conn
            local.generation = self._generation
            POOL.opened(self)
        return conn

    def _close_readers_of_finished_threads(self) -> None:
        """A thread's reader is only ever used by that thread: once it has ended, close it (threads
        that come and go would otherwise leave a connection each on every shard they read)."""
        if all(t.is_alive() for t in self._reader_threads):
            return
        keep = [(t, c) for t, c in zip(self._reader_threads, self._readers) if t.is_alive()]
        for t, c in zip(self._reader_threads, self._readers):
            if not t.is_alive():
                c.close()
        self._reader_threads = [t for t, _ in keep]
        self._readers = [c for _, c in keep]

    def _open_writer(self) -> sqlite.Connection:
        """Open the writer (under `_lock`, or in __init__)."""
        if self._closed:
            raise sqlite.Error("shard is closed")
        self._writer = writer = sqlite.connect(self.path, sync=self.sync)
        if not self.memory:
            self._retain_stamp()
            POOL.opened(self)
        return writer

    def _retain_stamp(self) -> None:
        """Count this object among the file's users in walstamp (once while it has connections)."""
        if self.memory:
            return
        with self._state:
            if self._stamp_retained:
                return
            self._stamp_retained = True
        walstamp.retain(self.path)

    # -- open connections ----------------------------------------------------------
    @property
    def is_open(self) -> bool:
        """Whether this shard has connections open now (background sweeps skip closed shards:
        their data waits on disk for the next real use)."""
        return self._writer is not None or bool(self._readers)

    def pin(self) -> None:
        """Never close this shard's connections until as many unpin() calls: for engines that keep a
        connection beyond a transaction (with functions registered on it, say)."""
        self._pins += 1

    def unpin(self) -> None:
        """Undo one pin(): with none left, the open-shard budget may close this shard when idle."""
        if self._pins <= 0:
            raise RuntimeError("unpin() without a pin()")
        self._pins -= 1

    def _close_if_idle(self) -> bool:
        """Close the connections if nothing uses them; returns whether it did. Called by the
        open-shard budget, possibly from another thread, never blocking on this shard."""
        if self._pins or self.memory or self.changes.waiters or self.changes._async_waiters:
            return False
        if not self._lock.acquire(blocking=False):
            return False  # a writer holds it
        try:
            if self._tx is not None:  # this very thread is inside a write transaction of ours
                return False
            with self._state:
                if self._reading:
                    return False
                self._generation += 1
                with self._readers_lock:
                    readers, self._readers = self._readers, []
                    self._reader_threads = []
                for conn in readers:
                    sqlite.close_keeping_wal(conn)
                writer, self._writer = self._writer, None
                # A reader opened from here on counts itself again: the release below is ours.
                retained, self._stamp_retained = self._stamp_retained, False
            if writer is not None:
                sqlite.close_keeping_wal(writer)
            self._own_version = None  # a new writer's versions start afresh
            if retained:
                walstamp.release(self.path)  # after every connection of ours is closed
            return True
        finally:
            self._lock.release()

    def write_epoch(self) -> int | None:
        """Inside this thread's write transaction: a number that stays the same for as long as no
        connection but this shard's writer has committed to the file (another process, or another
        connection of this one), across the writer's own transactions — so what the writer read in an
        earlier transaction of the same epoch, and did not change itself since, is still what the
        file holds. None outside a write transaction of this thread, and for an in-memory shard.

        SQLite's data version for the writer (sqlite3_file_control DATA_VERSION, 0.1 µs) moves by one
        for each of its own commits, and by one at its next BEGIN when any other connection committed
        meanwhile; compared with the value after the writer's own last commit, it tells the two apart
        without a race (a commit by another right after ours only shows at our next BEGIN)."""
        tx = self._tx
        if tx is None or self.memory or not self._lock._is_owned():  # type: ignore[attr-defined]
            return None
        return self._epoch  # compared at the transaction's BEGIN

    def ensure_schema(self, name: str, ddl: str) -> None:
        """Run a module's idempotent DDL once per shard object (CREATE ... IF NOT EXISTS). Where
        every object it creates exists already, a read says so and nothing is written: opening a
        shard then never waits for the write lock another process may hold for a long transaction."""
        if name in self._schemas:
            return
        names = _created_names(ddl)
        if names and not self.memory:
            marks = ",".join("?" * len(names))
            # On the writer (a read needs no write lock): a reader connection of its own could not
            # open beside a writer in exclusive locking mode.
            with self._lock:
                writer = self._writer if self._writer is not None else self._open_writer()
                found = writer.execute(f"SELECT count(*) FROM sqlite_schema WHERE name IN ({marks})",
                                       names).fetchone()[0]
            if found == len(names):
                self._schemas.add(name)
                return
        with self.write() as tx:
            tx.conn.execute(ddl)
        self._schemas.add(name)

    @contextlib.contextmanager
    def _idle_writer(self) -> Iterator[sqlite.Connection | None]:
        """The writer connection while no thread of this process writes to the shard (taken
        without waiting for one); None when one does, or the shard has no writer open."""
        if self.memory or self._closed or not self._lock.acquire(blocking=False):
            yield None
            return
        try:
            yield self._writer if self._tx is None else None
        finally:
            self._lock.release()

    def checkpoint_when_idle(self, min_frames: int) -> bool:
        """Copy the WAL back into the database file now, if at least `min_frames` frames wait and no
        thread of this process is writing to the shard (never waiting for one): the copy that would
        otherwise fall on whichever commit next crosses sqlite.WAL_AUTOCHECKPOINT_PAGES. Returns
        whether it did. For walsync's thread, on a shard whose commits have paused."""
        with self._idle_writer() as writer:
            waiting = walstamp.backlog(self.path) if writer is not None else None
            if waiting is None or waiting < min_frames:
                return False
            try:
                sqlite.checkpoint_passive(writer)
            except sqlite.Error:
                return False  # another connection is checkpointing: the work is being done
            return True

    def truncate_wal_when_idle(self, min_bytes: int) -> bool:
        """Empty a WAL file of at least `min_bytes` into the database and cut it to nothing, if no
        thread of this process is writing to the shard and no connection anywhere reads from the
        WAL (never waiting for either). Returns whether it did. For walsync's thread, on a shard
        that took no commit for walsync.TRUNCATE_IDLE_S."""
        with self._idle_writer() as writer:
            try:
                if writer is None or os.path.getsize(self.path + "-wal") < min_bytes:
                    return False
                return sqlite.checkpoint_truncate(writer)
            except (OSError, sqlite.Error):
                return False  # no WAL file, or the checkpoint could not run

    # -- facts -------------------------------------------------------------
    def size_bytes(self) -> int:
        if self.memory:
            with self.reader() as conn:
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
                size = conn.execute("PRAGMA page_size").fetchone()[0]
            return pages * size
        total = 0
        for suffix in ("", "-wal"):
            try:
                total += os.path.getsize(self.path + suffix)
            except OSError:
                pass
        return total

    def mark_dropped(self) -> None:
        """Record in the file, under the write lock (after any transaction in flight anywhere), that
        its namespace is being dropped: see DROPPED_MARK."""
        if self.memory:
            return
        with self.write() as tx:
            tx.execute(f"PRAGMA user_version = {DROPPED_MARK}")

    def close(self, read_wait: float = CLOSE_READ_WAIT) -> None:
        """Close the connections; reads already running in other threads may finish first (up to
        `read_wait` seconds), later ones fail with "shard is closed"."""
        with self._lock:
            self._closed = True
            deadline = time.monotonic() + read_wait
            while True:
                with self._state:
                    if not self._reading or time.monotonic() >= deadline:
                        self._generation += 1  # threads' readers are stale: their next read sees the close
                        with self._readers_lock:
                            for conn in self._readers:
                                conn.close()
                            self._readers.clear()
                            self._reader_threads.clear()
                        retained, self._stamp_retained = self._stamp_retained, False
                        break
                time.sleep(0.001)
            if self._writer is not None:
                self._writer.close()
                self._writer = None
            self._own_version = None  # a new writer's versions start afresh
            if retained:
                walstamp.release(self.path)  # after every connection of ours is closed
        POOL.closed(self)

    def __repr__(self) -> str:
        return f"<Shard {self.index} {self.path}>"
