"""One PostgreSQL database: a namespace (kind="postgres", one shard) with its catalog,
sequences, SQLite connections carrying the PostgreSQL functions, and the plan cache.

Writes go through the shard's single writer; `owner` is the session whose transaction holds
it (sessions of one server share a thread, so the shard's re-entrant lock cannot tell them
apart). Reads outside the owner's transaction use a separate connection and so see only
committed data, as READ COMMITTED does."""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from typing import Any, Callable

from dotdo_core import sqlite
from dotdo_core.auth import scoped
from dotdo_core.store import Store
from dotdo_core.walstamp import WalStamp

from . import functions
from .catalog import SCHEMA, Catalog
from .errors import PgError
from .expressions import FUNCTION_TYPES
from .notify import Notifications
from .serialized import Later, call_later, call_soon
from .pg_names import callable_names
from .sequences import Sequences
from .split import split_statements
from .translate import Plan, Translator, parse
from .utility import utility_plan

logging.getLogger("sqlglot").setLevel(logging.ERROR)
log = logging.getLogger("dotdo.postgres")

CACHE_SIZE = 2048
READ_SNAPSHOT_IDLE = 0.1  # seconds without a read after which the reader's snapshot is let go


class Database:
    def __init__(self, store: Store, name: str, tenant: str = "") -> None:
        self.store = store
        self.name = name      # as the client names it; the namespace is the tenant's (auth.scoped)
        self.tenant = tenant
        self.ns = store.namespace(scoped(tenant, name), kind="postgres")
        self.shard = self.ns.shards[0]
        self.shard.pin()  # wconn below is the shard's writer, kept with PostgreSQL's functions registered on it
        # a transaction begun on an embedded client's thread may end on the server's loop (serialized.py)
        self.shard.share_lock_between_threads()
        self.shard.ensure_schema("postgres_catalog", SCHEMA)
        self.catalog = Catalog()
        self.sequences = Sequences(self)
        with self.shard.write() as tx:
            self.wconn = tx.conn
            functions.register(self.wconn, self)
            if tx.execute("SELECT 1 FROM _pg_catalog_stamp").fetchone() is None:
                tx.execute("INSERT INTO _pg_catalog_stamp(v) VALUES (0)")
            self.catalog.load(self.wconn)
        if self.shard.memory:
            self.rconn = self.wconn
        else:
            self.rconn = sqlite.connect(self.shard.path, sync=self.store.sync)
            functions.register(self.rconn, self)
        # reused by Session.read, which runs one statement at a time to completion on the loop (a new
        # apsw cursor per statement measured ≈ 1 µs of a ≈ 5 µs point read)
        self.read_cursor = self.rconn.cursor()
        stamp = None if self.shard.memory else WalStamp(self.shard.path)
        self._stamp = stamp if stamp is not None and stamp.usable else None
        self._snapshot_label: bytes | None = None  # the WAL-index header read before rconn's snapshot began
        self._catalog_label: bytes | None = None  # the WAL-index header when check_catalog last looked
        self._snapshot_used = False
        self._snapshot_timer: Later | None = None
        try:  # the server's loop, where timers and wake-ups run whichever thread asks for them
            self.loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:  # a database opened with no server (tests): nothing parks, no snapshot is held
            self.loop = None
        # the functions a user's call may reach by name: PostgreSQL's, not SQLite's own nor dotdo's helpers
        self.function_names = callable_names({r[0].lower() for r in self.wconn.execute("PRAGMA function_list")},
                                             (n for n in FUNCTION_TYPES if n.startswith("pg_")))
        for name in self.catalog.enums:
            self.register_enum(name)
        self.owner = None
        self.cluster = None  # the server's Databases, which knows the other sessions (engine/databases.py)
        self.notifications = Notifications(self)
        # Connections parked until the writer is free, first come first served; `_wake_pending` from
        # the moment _wake_waiters is scheduled until it has run (one at a time, however many releases).
        self._waiters: deque[Callable[[], None]] = deque()
        self._wake_pending = False
        self._current = None
        self._default_session = None
        self._cache: OrderedDict[Any, list[Plan]] = OrderedDict()
        # the schemas unqualified names resolve in for the statement being planned or run (the
        # session's search_path with the missing schemas left out; see Session.schema_path)
        self.path: tuple[str, ...] = ("public",)
        self.cache_hits = 0
        self.cache_misses = 0
        self.planned_database_list = False  # set while planning a statement that reads pg_database

    # -- sessions --------------------------------------------------------------
    def session(self):
        s = self._current
        if s is None:
            if self._default_session is None:
                from .session import Session
                self._default_session = Session(self, "postgres", 0)
            return self._default_session
        return s

    def translator(self) -> Translator:
        return Translator(self)

    def reader(self, hold: bool = True):
        """rconn, reading everything committed so far. SQLite takes and drops a WAL read lock for each
        statement outside a transaction (two fcntl calls, ≈ 3 µs of a ≈ 5 µs point read here), so on
        the server's loop rconn stays in one read transaction while the shard's WAL-index header
        (dotdo_core.walstamp) shows no commit since it began — its snapshot is then the latest
        committed state — and starts a new one when the header moved. A snapshot unused for
        READ_SNAPSHOT_IDLE is ended, so it never holds back checkpoints of an idle database.
        `hold=False` for a statement that writes through rconn (nextval/setval in a query commit at
        once, as PostgreSQL's sequences do): rconn in autocommit, any held snapshot ended first."""
        conn = self.rconn
        stamp = self._stamp
        if stamp is None:
            return conn
        label = stamp.read()
        if hold and label == self._snapshot_label and conn.in_transaction:
            self._snapshot_used = True
            return conn
        if conn.in_transaction:
            conn.execute("COMMIT")
        self._snapshot_label = None
        loop = self.loop
        if not hold or loop is None:  # with no server, nothing would end an idle snapshot
            return conn
        conn.execute("BEGIN")  # deferred: the snapshot starts at the statement, after `label` was read
        self._snapshot_label = label
        self._snapshot_used = True
        if self._snapshot_timer is None:
            self._snapshot_timer = call_later(loop, READ_SNAPSHOT_IDLE, self._end_idle_snapshot)
        return conn

    def _end_idle_snapshot(self) -> None:  # on the loop, holding the engine lock (call_later)
        if self._snapshot_used and self.rconn.in_transaction:
            self._snapshot_used = False
            self._snapshot_timer = call_later(self.loop, READ_SNAPSHOT_IDLE, self._end_idle_snapshot)
            return
        self._snapshot_timer = None
        self._snapshot_label = None
        if self.rconn.in_transaction:
            self.rconn.execute("COMMIT")

    def wait_for_writer(self, wake: Callable[[], None]) -> None:
        self._waiters.append(wake)

    def stop_waiting(self, wake: Callable[[], None]) -> None:
        """A parked connection gives up its place (its lock_timeout or statement_timeout passed)."""
        try:
            self._waiters.remove(wake)
        except ValueError:
            pass

    def release_writer(self) -> None:
        self.owner = None
        if self.notifications.outbox:
            self.notifications.flush()
        if self._waiters and not self._wake_pending:
            self._wake_pending = True
            call_soon(self.loop, self._wake_waiters)

    def _wake_waiters(self) -> None:
        """Resume parked connections in arrival order while the writer is free. Waking them all on
        each release made every one re-check and most park again: with thousands of connections
        parked behind transactions, the server spent half its time doing that (10,000-connection
        agent test)."""
        try:
            while self._waiters and self.owner is None:
                wake = self._waiters.popleft()
                try:
                    wake()
                except Exception:
                    log.exception("postgres: resuming a parked connection failed")
        finally:
            self._wake_pending = False

    def register_enum(self, name: str) -> None:
        from .types import enum_collation
        for conn in {id(self.wconn): self.wconn, id(self.rconn): self.rconn}.values():
            conn.create_collation(f"enum_{name}", enum_collation(name))

    def reload_catalog(self) -> None:
        self.catalog.load(self.wconn)
        self._cache.clear()

    def check_catalog(self) -> None:
        """Before a statement is planned: DDL another process committed (the shard's WAL-index header
        moved, and the catalog's change count with it) reloads the catalog, so no plan of the old
        tables — a dropped column's position, say — runs against the new ones."""
        stamp = self._stamp
        if stamp is None:
            return
        label = stamp.read()
        if label == self._catalog_label:
            return
        # through the writer: one autocommit read (or, inside a transaction, what it will commit),
        # leaving the reader's held snapshot alone
        row = self.wconn.execute("SELECT v FROM _pg_catalog_stamp").fetchone()
        self._catalog_label = label
        if row is not None and row[0] != self.catalog.stamp:
            self.reload_catalog()

    # -- plans -----------------------------------------------------------------
    def plans(self, sql: str, param_oids: tuple[int, ...] = (), path: tuple[str, ...] = ("public",)) -> list[Plan]:
        """The plans for a query string, from the cache when the catalog has not changed since.
        Parameter types the client declared (Parse) type the expressions using them, as in PostgreSQL.
        `path` is the session's schema search path: the same text names other tables under another."""
        self.path = path
        self.check_catalog()
        key: Any = (sql, param_oids) if param_oids else sql
        if path != ("public",):
            key = (key, path)
        cached = self._cache.get(key)
        version = self.catalog.version
        if cached is not None and all(p.catalog_version == version for p in cached):
            self.cache_hits += 1
            return cached
        self.cache_misses += 1
        plans = []
        self.planned_database_list = False
        for text in split_statements(sql):
            plans.append(self.plan_one(text, param_oids))
        for p in plans:
            p.catalog_version = version
            p.path = path
        # pg_database's rows are put in the plan; another process may create or drop a database
        # unseen by this catalog, so such a plan is made afresh each time
        if all(p.kind != "ddl" for p in plans) and not self.planned_database_list:
            self._cache[key] = plans
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return plans

    def plan_one(self, text: str, param_oids: tuple[int, ...] = ()) -> Plan:
        plan = utility_plan(self, text)
        if plan is not None:
            return plan
        stmts = parse(text)
        if not stmts:
            return Plan("empty", "")
        if len(stmts) > 1:
            raise PgError("42601", "cannot insert multiple commands into a prepared statement")
        try:
            return self.translator().translate(stmts[0], param_oids)
        except PgError:
            raise
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as e:
            # sqlglot accepted a shape the translator does not know: refuse it, never guess
            raise PgError("XX000", f"dotdo could not translate this statement ({type(e).__name__}: {e})") from None

    def close(self) -> None:
        """Close the reader and let the open-shard budget close the writer once idle (a server does
        this when no connection uses the database); a new Database reopens both."""
        if self._snapshot_timer is not None:
            self._snapshot_timer.cancel()
        if self.rconn is not self.wconn:
            self.rconn.close()
        self.shard.unpin()
