"""The engine: databases, collections and live cursors for one Store; dispatches commands."""
from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import uuid as uuidlib

import bson
from bson import Timestamp
from typing import Any, Callable

from dotdo_core import sqlite
from dotdo_core.names import InvalidName
from dotdo_core.query_limits import query_limits
from dotdo_core.shard import ShardBusy, ShardDropped
from dotdo_core.store import Store

from ..storage import TXN, DbStorage, database_names, decode, ns_name
from .snapshot_reads import SnapshotReads
from .change_streams import emit_create
from .collection import Collection
from . import api_version, deadline, validation
from .cursors import Cursors
from .sessions import TIMEOUT_S, Sessions
from .transactions import TransactionFailed, Transactions, state_error
from .errors import MongoError
from . import failpoints
from .failpoints import CloseConnection, FailBeforeCommit, FailPoints

log = logging.getLogger("dotdo.mongo")
Handler = Callable[["Ctx"], dict]
COMMANDS: dict[str, Handler] = {}
# Commands that read and write under their own names but are case-insensitive in MongoDB.
ALIASES = {"ismaster": "isMaster", "buildinfo": "buildInfo"}
MAX_NAMESPACE = 255  # bytes of "db.collection"
RETRYABLE = {"insert", "update", "delete", "findAndModify", "findandmodify"}
# Commands outside a transaction that write to their database's shard (they wait while a
# transaction holds it), and those that may write to any database.
WRITES_DB = RETRYABLE | {"create", "drop", "createIndexes", "dropIndexes", "deleteIndexes", "collMod", "dropDatabase"}
WRITES_ANY = {"renameCollection", "bulkWrite"}
# What a connection may run before it authenticates (when the directory has users).
NO_AUTH = {"hello", "isMaster", "ping", "buildInfo", "saslStart", "saslContinue", "authenticate", "logout",
           "whatsmyuri"}
WRITE_CONCERN_COMMANDS = WRITES_DB | WRITES_ANY | {"commitTransaction", "abortTransaction"}


UNSIGNED = {"hash": bson.Binary(bytes(20), 0), "keyId": bson.Int64(0)}


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
        if len(self.db.encode()) + 1 + len(self.arg.encode()) > MAX_NAMESPACE:
            raise MongoError(73, f"Fully qualified namespace is too long. Namespace: {self.db}.{self.arg} "
                                 f"Max: {MAX_NAMESPACE}")
        return self.arg


class Engine:
    """The databases one tenant sees in `store` (tenant "": the directory's own, unauthenticated)."""

    def __init__(self, store: Store, tenant: str = "", root: "Engine | None" = None) -> None:
        self.store = store
        self.tenant = tenant
        self.root = root or self
        self._tenants: dict[str, Engine] = {}
        self.cursors = Cursors()
        self.sessions = Sessions()
        # Every synchronous step of a command holds the gate (see gate.py); one per directory's
        # engine, shared by its tenants (they share the shards of one store).
        self.gate: threading.RLock = root.gate if root is not None else threading.RLock()
        self.loop: asyncio.AbstractEventLoop | None = None  # the server loop commands wait on
        self.transactions = Transactions(self.gate)
        self.snapshot_reads = SnapshotReads()
        self.failpoints: FailPoints = root.failpoints if root is not None else FailPoints()
        self._retry_writes = 0
        self._retry_numbers: dict[bytes, tuple[int, float]] = {}  # session id -> (txnNumber, when) committed here
        # Retryable-write records of in-process connections: session id -> (txnNumber, reply, when).
        # Their client lives and dies with this process, so a retry can only come from here: the
        # record need not be written to the shard (a statement and a page per write saved), nor
        # encoded — the reply dict is kept as it was answered (nothing mutates a reply after it is
        # encoded for the wire; a retry gets a copy that `run` stamps).
        self._retry_replies: dict[bytes, tuple[int, dict, float]] = {}
        self._last_optime = Timestamp(0, 0)
        self._dbs: dict[str, DbStorage] = {}
        self._colls: dict[tuple[str, str], tuple[tuple, Collection]] = {}
        self._drops_seen = store.drops()  # see follow_drops
        self._lock = threading.Lock()
        self.started_pid = os.getpid()
        self.limits = query_limits()  # `dotdo serve --max-query-time/--max-query-rows`; None: one check a command

    # -- databases and collections -----------------------------------------
    def opened_database(self, name: str) -> DbStorage | None:
        """The database if this engine has already opened it (no catalog read)."""
        return self._dbs.get(name)

    def database(self, name: str, create: bool = False) -> DbStorage | None:
        dbs = self._dbs.get(name)
        if dbs is not None:
            return dbs
        check_db_name(name)
        if not create and not self.store.exists(ns_name(name, self.tenant)):
            return None
        with self._lock:
            dbs = self._dbs.get(name)
            if dbs is None:
                try:
                    dbs = self._dbs[name] = DbStorage(self.store, name, self.tenant)
                except InvalidName as e:
                    raise MongoError(73, f"Invalid database name: '{name}' ({e.reason})") from None
        return dbs

    def database_names(self) -> list[str]:
        return database_names(self.store, self.tenant)

    def for_tenant(self, tenant: str) -> "Engine":
        """The engine of an authenticated user's tenant (its own databases, cursors and sessions)."""
        root = self.root
        if tenant == root.tenant:
            return root
        with root._lock:
            engine = root._tenants.get(tenant)
            if engine is None:
                engine = root._tenants[tenant] = Engine(root.store, tenant, root)
                if root.loop is not None:
                    engine.attach(root.loop)
        return engine

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Make `loop` the one this engine's waiting commands and timers run on (the server
        runtime's loop; the first one attached stays)."""
        if self.loop is not None:
            return
        self.loop = loop
        self.transactions.loop = loop
        for tenant in list(self._tenants.values()):
            tenant.attach(loop)

    def forget_database(self, name: str) -> None:
        with self._lock:
            self._dbs.pop(name, None)
            for key in [k for k in self._colls if k[0] == name]:
                del self._colls[key]

    def collection(self, db: str, name: str, conn=None) -> Collection | None:
        dbs = self.database(db)
        if dbs is None:
            return None
        if conn is None:
            with dbs.shard.reader() as c:
                raw = dbs.collection_raw_for_read(c, name)
        else:
            raw = dbs.collection_raw(conn, name)
        if raw is None:
            return None
        # The catalog row is re-read every command (another process may have changed it); what is
        # built from it is reused while its bytes are unchanged.
        key = (db, name)
        cached = self._colls.get(key)
        if cached is not None and cached[0] == raw and cached[1].db is dbs:
            return cached[1]
        coll = Collection(dbs, name, raw[0], decode(raw[1]), decode(raw[2])["v"])
        if coll.view_on is not None:
            coll.resolve_view = lambda: self._view_docs(db, coll)
        self._colls[key] = (raw, coll)
        return coll

    def _view_docs(self, db: str, view: Collection, depth: int = 0) -> list:
        """A view's documents: its pipeline over its source (which may itself be a view)."""
        from .query import matching
        from .stages import Env, compile_pipeline

        if depth > 20:
            raise MongoError(166, "View depth too deep or view cycle detected; maximum depth is 20")
        src = self.collection(db, view.view_on)
        if src is None:
            docs: list = []
        elif src.view_on is not None:
            docs = self._view_docs(db, src, depth + 1)
        else:
            with src.db.shard.reader() as conn:
                docs = list(matching(src, conn, None))
        return list(compile_pipeline(view.options.get("pipeline", []), Env(self, db))(iter(docs)))

    def collection_for_write(self, tx, dbs: DbStorage, name: str) -> Collection:
        """The collection, created implicitly (as MongoDB does on first write) inside `tx`."""
        existing = self.collection(dbs.name, name, tx.conn)
        if existing is not None:
            if existing.view_on is not None:
                raise MongoError(166, f"Namespace {dbs.name}.{name} is a view, not a collection")
            return existing
        check_collection_name(name)
        uuid = uuidlib.uuid4().bytes
        indexes = [{"v": 2, "key": {"_id": 1}, "name": "_id_"}]
        dbs.put_collection(tx, name, uuid, {}, indexes)
        emit_create(tx, name, uuid, {}, indexes)
        return Collection(dbs, name, uuid, {}, indexes)

    # -- dispatch ------------------------------------------------------------
    def run(self, body: dict, connection: Any = None) -> dict:
        reply = self._reply(body, connection)
        if type(reply) is dict:
            # A replica-set member stamps replies with the time of the operation; pymongo's causally
            # consistent sessions send it back as readConcern.afterClusterTime, which one member
            # always satisfies (every acknowledged write is already visible).
            stamp = reply["operationTime"] = self._operation_time()
            # ... and gossip the cluster's logical time, which drivers send back as $clusterTime
            # (unsigned: keyId 0, as a member without keyfile authentication signs it).
            reply["$clusterTime"] = {"clusterTime": stamp, "signature": UNSIGNED}
        return reply

    def _operation_time(self) -> Timestamp:
        now = int(time.time())
        last = self._last_optime
        stamp = Timestamp(now, 1) if now > last.time else Timestamp(last.time, last.inc + 1)
        self._last_optime = stamp
        return stamp

    def _reply(self, body: dict, connection: Any) -> dict:
        try:
            try:
                return self._run(body, connection)
            except ShardDropped:
                # Another process dropped the database between our look at the catalog and the
                # write (which wrote nothing): the catalog says so by now; run it on what the name
                # leads to — a new database, as on mongod when a write follows a dropDatabase.
                self._drops_seen = None
                return self._run(body, connection)
        except MongoError as e:
            return e.reply()
        except RecursionError:
            return MongoError(15, "document or expression nested too deeply").reply()
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError) as e:
            # Input the handlers did not anticipate: answer it (the write, if any, rolled back) and
            # keep the connection, as mongod answers a malformed command.
            log.warning("mongo: %s failed on unexpected input: %r", next(iter(body), "?"), e)
            return MongoError(2, f"dotdo could not process this command: {type(e).__name__}: {e}").reply()
        except sqlite.FullError:
            # The write rolled back; mongod names the condition OutOfDiskSpace. The connection stays.
            return MongoError(14031, "Errors writing to the data directory: database or disk is full; "
                                     "the write was not applied").reply()
        except ShardBusy:
            raise  # a served command asked not to wait for the lock: its connection retries it
        except sqlite.BusyError:
            return MongoError(24, "the data directory is locked by another process (SQLite busy timeout); "
                                  "the write was not applied").reply()

    def follow_drops(self) -> None:
        """Databases dropped by another process (the catalog counts drops: one cheap read per
        command): let go of them, so reads do not see their deleted files and writes go to the
        database the name leads to now. A change stream on one first takes what it had not read."""
        drops = self.store.drops()
        if drops == self._drops_seen:
            return
        self._drops_seen = drops
        stale = set(self.store.stale_namespaces())
        for name, dbs in list(self._dbs.items()):
            if dbs.ns.name in stale or not self.store.holds(dbs.ns):
                for stream in self.cursors.streams():
                    stream.before_drop(dbs)
                self.forget_database(name)
        for name in stale:
            self.store.forget(name)

    def _run(self, body: dict, connection: Any) -> dict:
        if not body:
            raise MongoError(59, "no such command: ''")
        self.follow_drops()
        name = next(iter(body))
        name = ALIASES.get(name, name)
        handler = COMMANDS.get(name)
        if handler is None:
            raise MongoError(59, f"no such command: '{name}'")
        db = body.get("$db", "test")
        if not isinstance(db, str):
            raise MongoError(73, "$db must be a string")
        lsid = body.get("lsid")
        if lsid is not None:
            self.sessions.touch(lsid)
        ctx = Ctx(self, db, body, name, connection)
        if getattr(connection, "auth_required", False) and connection.user is None and name not in NO_AUTH:
            raise MongoError(13, f"Command {name} requires authentication")
        if self.failpoints.active:
            fault = self.failpoints.command_fault(name, connection)
            if fault is not None:
                return self._faulted(fault, handler, ctx)
        return self._dispatch(handler, ctx)

    def _dispatch(self, handler: Handler, ctx: Ctx) -> Any:
        body = ctx.body
        if body.get("apiStrict") is True:
            api_version.check_strict(ctx.name, body)
        if "autocommit" in body or "startTransaction" in body:
            return self._in_transaction(handler, ctx)
        snapshot = False
        if "readConcern" in body:
            snapshot = check_snapshot_read(ctx.name, body["readConcern"])
        if self._blocked(ctx):
            return self._after_release(ctx)
        if "txnNumber" in body:
            return self._retryable(handler, ctx)
        if snapshot:
            return self._at_snapshot(handler, ctx)
        return self._execute(handler, ctx)

    def _at_snapshot(self, handler: Handler, ctx: Ctx) -> dict:
        """A read at snapshot read concern outside a transaction (snapshot_reads.py)."""
        snap = self.snapshot_reads.begin(ctx.body["readConcern"], self._operation_time)
        token = TXN.set(snap)
        try:
            reply = self._execute(handler, ctx)
        finally:
            TXN.reset(token)
            snap.fresh = False
        if type(reply) is dict:
            target = reply["cursor"] if isinstance(reply.get("cursor"), dict) else reply
            target["atClusterTime"] = snap.at
        return reply

    # -- fail points (configureFailPoint; see failpoints.py) -----------------------------------
    def _faulted(self, fault: dict, handler: Handler, ctx: Ctx) -> Any:
        """The command `ctx` as failCommand's `fault` has it answer."""
        block_ms = fault.get("blockTimeMS") if fault.get("blockConnection") else None
        if isinstance(block_ms, (int, float)) and block_ms > 0:
            return self._after_block(block_ms / 1000, fault, handler, ctx)
        return self._fault_now(fault, handler, ctx)

    def _fault_now(self, fault: dict, handler: Handler, ctx: Ctx) -> Any:
        if fault.get("closeConnection"):
            raise CloseConnection()
        if "errorCode" in fault:
            # Before the command runs: nothing of it applies, and a transaction it belongs to stays
            # open (mongod checks failCommand before it checks out the session).
            raise failpoints.failure(fault, ctx.body, self._is_stream_get_more(ctx))
        reply = self._dispatch(handler, ctx)
        if "writeConcernError" in fault and type(reply) is dict:
            failpoints.add_write_concern_error(reply, fault, ctx.body)
        return reply

    async def _after_block(self, seconds: float, fault: dict, handler: Handler, ctx: Ctx) -> dict:
        await asyncio.sleep(seconds)  # only this connection waits (the gate is free meanwhile)
        try:
            reply = self._fault_now(fault, handler, ctx)
            if asyncio.iscoroutine(reply):
                reply = await reply
        except MongoError as e:
            return e.reply()
        if type(reply) is dict:
            reply.setdefault("ok", 1.0)
            reply["operationTime"] = self._operation_time()
        return reply

    def _is_stream_get_more(self, ctx: Ctx) -> bool:
        if ctx.name != "getMore" or not isinstance(ctx.arg, int):
            return False
        return self.cursors.is_stream(int(ctx.arg))

    def _execute(self, handler: Handler, ctx: Ctx) -> Any:
        if "maxTimeMS" in ctx.body and ctx.name != "getMore":  # a change stream getMore's maxTimeMS is its wait
            with deadline.limit(ctx.body["maxTimeMS"], self.limits):
                reply = self._collated(handler, ctx)
        elif self.limits is not None:
            with deadline.limit(None, self.limits):
                reply = self._collated(handler, ctx)
        else:
            reply = self._collated(handler, ctx)
        if type(reply) is not dict and asyncio.iscoroutine(reply):
            return self._finish(reply)
        if "ok" not in reply:
            reply["ok"] = 1.0
        if "writeConcern" in ctx.body and ctx.name in WRITE_CONCERN_COMMANDS:
            unmet = unsatisfiable(ctx.body["writeConcern"])
            if unmet is not None:
                reply["writeConcernError"] = unmet
        return reply

    # -- transactions and retryable writes ----------------------------------------------
    def _in_transaction(self, handler: Handler, ctx: Ctx) -> dict:
        txn = self.transactions.for_command(ctx.name, ctx.body)
        err = state_error(txn, ctx.name)
        if err is not None:
            raise err
        token = TXN.set(txn)
        try:
            reply = self._execute(handler, ctx)
        except TransactionFailed as e:
            txn.abort(e.error.errmsg)
            raise e.error
        except BaseException as e:
            # A failed statement aborts its transaction, as in MongoDB.
            txn.abort(f"{ctx.name} failed: {getattr(e, 'errmsg', type(e).__name__)}")
            raise
        finally:
            TXN.reset(token)
        if not isinstance(reply, dict):  # a command that would wait (a change stream) cannot run here
            reply.close()
            txn.abort(f"{ctx.name} cannot wait inside a transaction")
            raise MongoError(263, f"Cannot run '{ctx.name}' in a multi-document transaction.")
        if reply.get("writeErrors"):
            txn.abort(f"{ctx.name} failed")
        return reply

    def _retryable(self, handler: Handler, ctx: Ctx) -> dict:
        """A retryable write: executed once per (lsid, txnNumber); a retry gets the recorded reply."""
        if ctx.name not in RETRYABLE:
            raise MongoError(50768, f"txnNumber may only be provided for multi-document transactions and retryable "
                                    f"write commands. autocommit:false was not provided, and {ctx.name} is not a "
                                    f"retryable write command.")
        lsid = ctx.body.get("lsid")
        sid = lsid.get("id") if isinstance(lsid, dict) else None
        number = ctx.body["txnNumber"]
        if sid is None:
            raise MongoError(72, "Transaction number requires a session ID")
        if not isinstance(number, int) or isinstance(number, bool):
            raise MongoError(14, "BSON field 'txnNumber' is the wrong type, expected type 'long'")
        dbs = self.database(ctx.db, create=ctx.name != "delete")
        if dbs is None:  # a delete on a database that does not exist deletes nothing, retried or not
            return self._execute(handler, ctx)
        try:
            return self._retryable_once(handler, ctx, dbs, bytes(sid), int(number))
        except FailBeforeCommit as e:
            if e.close:
                raise CloseConnection() from None
            raise MongoError(e.code, "Failing write for test") from None

    def _retryable_once(self, handler: Handler, ctx: Ctx, dbs: DbStorage, key: bytes, number: int) -> dict:
        in_process = getattr(ctx.connection, "in_process", False)
        fault = None
        with dbs.shard.write() as tx:
            # The newest txnNumber this engine committed for the session: a higher number is a new
            # write (a session's writes come from one client, through one server), so the stored
            # record need not be read; a lower or equal one (a retry) reads it.
            known = self._retry_numbers.get(key)
            if known is None or known[0] >= number:
                row = self._retry_replies.get(key)
                if row is None:
                    row = tx.execute("SELECT txn, reply FROM _mongo_retry WHERE lsid = ?", (key,)).fetchone()
                if row is not None and row[0] == number:
                    return dict(row[1]) if type(row[1]) is dict else decode(row[1])
                if row is not None and row[0] > number:
                    raise MongoError(225, f"Retryable write with txnNumber {number} is prohibited on session because "
                                          f"a newer retryable write with txnNumber {row[0]} has already started on "
                                          f"this session.")
            fault = self.failpoints.write_fault(ctx.connection) if self.failpoints.active else None
            reply = self._execute(handler, ctx)
            if fault is not None and "failBeforeCommitExceptionCode" in fault:
                raise FailBeforeCommit(fault["failBeforeCommitExceptionCode"], fault.get("closeConnection", True))
            now = time.time()
            record = (number, dict(reply), now) if in_process else None
            if record is None:
                tx.execute("INSERT OR REPLACE INTO _mongo_retry(lsid, txn, reply, at) VALUES (?, ?, ?, ?)",
                           (key, number, bson.encode(reply), now))

            def committed() -> None:
                if record is not None:
                    self._retry_replies[key] = record
                self._retry_numbers[key] = (number, now)
            tx.after_commit(committed)
            self._retry_writes += 1
            if self._retry_writes % 1000 == 0:  # records of sessions that have expired
                tx.execute("DELETE FROM _mongo_retry WHERE at < ?", (now - TIMEOUT_S,))
                self._retry_numbers = {k: v for k, v in self._retry_numbers.items() if v[1] >= now - TIMEOUT_S}
                self._retry_replies = {k: v for k, v in self._retry_replies.items() if v[2] >= now - TIMEOUT_S}
        if fault is not None and fault.get("closeConnection", True):
            raise CloseConnection()  # committed: the client's retry gets the recorded reply
        return reply

    def _blocked(self, ctx: Ctx) -> bool:
        """Whether this command (outside any transaction) must wait for a transaction holding the
        shard it writes to."""
        held = self.transactions.holders
        if not held:
            return False
        if ctx.name in WRITES_DB:
            return ns_name(ctx.db, self.tenant) in held
        if ctx.name in WRITES_ANY:
            return True
        if ctx.name == "aggregate":
            pipeline = ctx.body.get("pipeline")
            return bool(pipeline) and isinstance(pipeline, list) and isinstance(pipeline[-1], dict) and (
                "$out" in pipeline[-1] or "$merge" in pipeline[-1])
        return False

    async def _after_release(self, ctx: Ctx) -> dict:
        """Run the command once no transaction holds its shard (waiting on the loop, not blocking it)."""
        limit = ctx.body.get("maxTimeMS")
        budget = limit / 1000 if isinstance(limit, (int, float)) and limit > 0 else None
        started = time.monotonic()
        while self._blocked(ctx):
            left = None if budget is None else budget - (time.monotonic() - started)
            if left is not None and left <= 0:
                return MongoError(50, "operation exceeded time limit").reply()
            try:
                await asyncio.wait_for(self.transactions.released(), left)
            except asyncio.TimeoutError:
                pass
        reply = self.run(ctx.body, ctx.connection)
        if asyncio.iscoroutine(reply):
            reply = await reply
        return reply

    def _collated(self, handler: Handler, ctx: Ctx) -> Any:
        """Run the handler with the command's collation (find, aggregate, count, ...) and
        bypassDocumentValidation in effect."""
        bypass = ctx.body.get("bypassDocumentValidation") is True
        if not bypass and not validation.BYPASS.get() and ctx.body.get("collation") is None:
            return handler(ctx)  # the usual command: nothing to put in effect
        token = validation.BYPASS.set(bypass)
        try:
            if ctx.body.get("collation") is None:
                return handler(ctx)
            from .common.collation import use

            with use(ctx.body["collation"]):
                return handler(ctx)
        finally:
            validation.BYPASS.reset(token)

    async def _finish(self, pending) -> dict:
        """The reply of a command that waits (a change stream getMore)."""
        try:
            reply = await pending
        except MongoError as e:
            return e.reply()
        reply.setdefault("ok", 1.0)
        return reply


# Commands that may read at a snapshot outside a transaction (snapshot sessions, MongoDB 5.0+).
SNAPSHOT_READS = {"find", "aggregate", "distinct"}


def check_snapshot_read(name: str, read_concern: Any) -> bool:
    """Whether the command reads at a snapshot (refusing the commands that cannot)."""
    if not isinstance(read_concern, dict) or read_concern.get("level") != "snapshot":
        if isinstance(read_concern, dict) and "atClusterTime" in read_concern:
            raise MongoError(72, "atClusterTime is only supported with readConcern level 'snapshot'")
        return False
    if name in ("getMore", "killCursors"):  # drivers send a snapshot session's read concern on its cursors too
        return False
    if name not in SNAPSHOT_READS:
        raise MongoError(72, f'Command {name} does not support {{ readConcern: {{ level: "snapshot" }} }}')
    return True


def check_db_name(name: str) -> None:
    if not name or any(c in name for c in '/\\. "$\x00') or len(name) > 63:
        raise MongoError(73, f"Invalid database name: '{name}'")


def check_collection_name(name: str) -> None:
    if not name:
        raise MongoError(73, "Invalid namespace specified 'collection name cannot be empty'")
    if "$" in name or "\x00" in name:
        raise MongoError(73, f"Invalid collection name: {name}")


def unsatisfiable(wc: Any) -> dict | None:
    """The writeConcernError a one-member replica set answers for `wc` (the write itself is
    applied), or None when one member satisfies it."""
    w = wc.get("w") if isinstance(wc, dict) else None
    if isinstance(w, int) and not isinstance(w, bool) and w > 1:
        return {"code": 100, "codeName": "UnsatisfiableWriteConcern", "errmsg": "Not enough data-bearing nodes"}
    if isinstance(w, str) and w != "majority":
        return {"code": 79, "codeName": "UnknownReplWriteConcern", "errmsg": f"Unrecognized write concern mode: {w}"}
    return None
