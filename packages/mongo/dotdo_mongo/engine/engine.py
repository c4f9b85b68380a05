"""The engine: databases, collections and live cursors for one Store; dispatches commands."""
from __future__ import annotations

import os
import threading
import uuid as uuidlib
from typing import Any, Callable

from dotdo_core.store import Store

from ..storage import DbStorage, database_names, ns_name
from .collection import Collection
from .cursors import Cursors
from .errors import MongoError

Handler = Callable[["Ctx"], dict]
COMMANDS: dict[str, Handler] = {}
# Commands that read and write under their own names but are case-insensitive in MongoDB.
ALIASES = {"ismaster": "isMaster", "buildinfo": "buildInfo"}


def command(*names: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for n in names:
            COMMANDS[n] = fn
        return fn

    return register


class Ctx:
    """One command: its database, body (with any kind-1 document sequences merged in), engine."""

    __slots__ = ("engine", "db", "body", "name", "arg", "connection")

    def __init__(self, engine: "Engine", db: str, body: dict, name: str, connection: Any) -> None:
        self.engine = engine
        self.db = db
        self.body = body
        self.name = name
        self.arg = body[next(iter(body))]
        self.connection = connection

    def collection_name(self) -> str:
        if not isinstance(self.arg, str):
            raise MongoError(2, f"collection name has invalid type {type(self.arg).__name__}")
        check_collection_name(self.arg)
        return self.arg


class Engine:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.cursors = Cursors()
        self._dbs: dict[str, DbStorage] = {}
        self._lock = threading.Lock()
        self.started_pid = os.getpid()

    # -- databases and collections -----------------------------------------
    def database(self, name: str, create: bool = False) -> DbStorage | None:
        dbs = self._dbs.get(name)
        if dbs is not None:
            return dbs
        check_db_name(name)
        if not create and not self.store.exists(ns_name(name)):
            return None
        with self._lock:
            dbs = self._dbs.get(name)
            if dbs is None:
                dbs = self._dbs[name] = DbStorage(self.store, name)
        return dbs

    def database_names(self) -> list[str]:
        return database_names(self.store)

    def forget_database(self, name: str) -> None:
        with self._lock:
            self._dbs.pop(name, None)

    def collection(self, db: str, name: str, conn=None) -> Collection | None:
        dbs = self.database(db)
        if dbs is None:
            return None
        if conn is None:
            with dbs.shard.reader() as c:
                row = dbs.collection_row(c, name)
        else:
            row = dbs.collection_row(conn, name)
        if row is None:
            return None
        return Collection(dbs, name, *row)

    def collection_for_write(self, tx, dbs: DbStorage, name: str) -> Collection:
        """The collection, created implicitly (as MongoDB does on first write) inside `tx`."""
        row = dbs.collection_row(tx.conn, name)
        if row is None:
            check_collection_name(name)
            uuid = uuidlib.uuid4().bytes
            indexes = [{"v": 2, "key": {"_id": 1}, "name": "_id_"}]
            dbs.put_collection(tx, name, uuid, {}, indexes)
            row = (uuid, {}, indexes)
        return Collection(dbs, name, *row)

    # -- dispatch ------------------------------------------------------------
    def run(self, body: dict, connection: Any = None) -> dict:
        try:
            return self._run(body, connection)
        except MongoError as e:
            return e.reply()
        except RecursionError:
            return MongoError(15, "document or expression nested too deeply").reply()

    def _run(self, body: dict, connection: Any) -> dict:
        if not body:
            raise MongoError(59, "no such command: ''")
        name = next(iter(body))
        name = ALIASES.get(name, name)
        handler = COMMANDS.get(name)
        if handler is None:
            raise MongoError(59, f"no such command: '{name}'")
        db = body.get("$db", "test")
        if not isinstance(db, str):
            raise MongoError(73, "$db must be a string")
        if "txnNumber" in body or "startTransaction" in body or "autocommit" in body:
            raise MongoError(20, "Transaction numbers are only allowed on a replica set member or mongos")
        reply = handler(Ctx(self, db, body, name, connection))
        if "ok" not in reply:
            reply["ok"] = 1.0
        return reply


def check_db_name(name: str) -> None:
    if not name or any(c in name for c in '/\\. "$\x00') or len(name) > 63:
        raise MongoError(73, f"Invalid database name: '{name}'")


def check_collection_name(name: str) -> None:
    if not name:
        raise MongoError(73, "Invalid namespace specified 'collection name cannot be empty'")
    if "$" in name or "\x00" in name:
        raise MongoError(73, f"Invalid collection name: {name}")
