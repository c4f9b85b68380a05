"""One PostgreSQL database: a namespace (kind="postgres", one shard) with its catalog,
sequences, SQLite connections carrying the PostgreSQL functions, and the plan cache.

Writes go through the shard's single writer; `owner` is the session whose transaction holds
it (sessions of one server share a thread, so the shard's re-entrant lock cannot tell them
apart). Reads outside the owner's transaction use a separate connection and so see only
committed data, as READ COMMITTED does."""
from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, Callable

from dotdo_core import sqlite
from dotdo_core.auth import scoped
from dotdo_core.store import Store

from . import functions
from .catalog import SCHEMA, Catalog
from .errors import PgError
from .notify import Notifications
from .sequences import Sequences
from .split import split_statements
from .translate import Plan, Translator, parse
from .utility import utility_plan

logging.getLogger("sqlglot").setLevel(logging.ERROR)

CACHE_SIZE = 2048


class Database:
    def __init__(self, store: Store, name: str, tenant: str = "") -> None:
        self.store = store
        self.name = name      # as the client names it; the namespace is the tenant's (auth.scoped)
        self.tenant = tenant
        self.ns = store.namespace(scoped(tenant, name), kind="postgres")
        self.shard = self.ns.shards[0]
        self.shard.pin()  # wconn below is the shard's writer, kept with PostgreSQL's functions registered on it
        self.shard.ensure_schema("postgres_catalog", SCHEMA)
        self.catalog = Catalog()
        self.sequences = Sequences(self)
        with self.shard.write() as tx:
            self.wconn = tx.conn
            functions.register(self.wconn, self)
            self.catalog.load(self.wconn)
        if self.shard.memory:
            self.rconn = self.wconn
        else:
            self.rconn = sqlite.connect(self.shard.path, sync=self.store.sync)
            functions.register(self.rconn, self)
        self.function_names = {r[0].lower() for r in self.wconn.execute("PRAGMA function_list")}
        for name in self.catalog.enums:
            self.register_enum(name)
        self.owner = None
        self.notifications = Notifications(self)
        self._waiters: list[Callable[[], None]] = []
        self._current = None
        self._default_session = None
        self._cache: OrderedDict[Any, list[Plan]] = OrderedDict()
        self.cache_hits = 0
        self.cache_misses = 0

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

    def wait_for_writer(self, wake: Callable[[], None]) -> None:
        self._waiters.append(wake)

    def release_writer(self) -> None:
        self.owner = None
        if self.notifications.outbox:
            self.notifications.flush()
        waiters, self._waiters = self._waiters, []
        for wake in waiters:
            wake()

    def register_enum(self, name: str) -> None:
        from .types import enum_collation
        for conn in {id(self.wconn): self.wconn, id(self.rconn): self.rconn}.values():
            conn.create_collation(f"enum_{name}", enum_collation(name))

    def reload_catalog(self) -> None:
        self.catalog.load(self.wconn)
        self._cache.clear()

    # -- plans -----------------------------------------------------------------
    def plans(self, sql: str, param_oids: tuple[int, ...] = ()) -> list[Plan]:
        """The plans for a query string, from the cache when the catalog has not changed since.
        Parameter types the client declared (Parse) type the expressions using them, as in PostgreSQL."""
        key = (sql, param_oids) if param_oids else sql
        cached = self._cache.get(key)
        version = self.catalog.version
        if cached is not None and all(p.catalog_version == version for p in cached):
            self.cache_hits += 1
            return cached
        self.cache_misses += 1
        plans = []
        for text in split_statements(sql):
            plans.append(self.plan_one(text, param_oids))
        for p in plans:
            p.catalog_version = version
        if all(p.kind != "ddl" for p in plans):
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
        if self.rconn is not self.wconn:
            self.rconn.close()
        self.shard.unpin()
