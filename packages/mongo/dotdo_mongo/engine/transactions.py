"""Multi-document transactions: snapshot reads, and the database's shard held from the first write
until commitTransaction/abortTransaction.

A transaction reads each database it touches through a connection of its own with a read
transaction open since its first read there: a snapshot, as MongoDB's `snapshot` read concern
gives. A shard has one writer, so a transaction that writes upgrades that snapshot to the shard's
write transaction and keeps it across the commands of its session. While it does:
- commands of that transaction read and write through it (they see their own writes);
- another transaction that writes to the same shard gets WriteConflict (112) with the
  TransientTransactionError label (pymongo's `with_transaction` retries it);
- writes outside any transaction wait (without blocking the server) until it ends, as MongoDB's
  non-transactional writes wait for a transaction's locks;
- reads outside it read the last committed state (the shard's WAL readers).

The first write checks that nothing was committed to the shard since the snapshot was taken (the
change sequence has not moved and SQLite can upgrade the snapshot), else WriteConflict: a
transaction never writes on top of a state it did not see. A transaction lives at most
LIFETIME_S (MongoDB's transactionLifetimeLimitSeconds) before it is aborted.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from contextlib import contextmanager
from typing import Any, Iterator

from bson import Int64

from dotdo_core import sqlite
from dotdo_core.shard import Tx

from ..storage import DbStorage
from .errors import MongoError
from .gate import call_on, on_loop

log = logging.getLogger("dotdo.mongo")
LIFETIME_S = 60.0
TRANSIENT = {"errorLabels": ["TransientTransactionError"]}
# Commands MongoDB runs inside a transaction; any other answers 263.
ALLOWED = {"find", "getMore", "killCursors", "insert", "update", "delete", "findAndModify", "findandmodify",
           "aggregate", "distinct", "create", "createIndexes", "commitTransaction", "abortTransaction"}


class TransactionFailed(Exception):
    """A failure of the whole transaction (a conflict, a second shard): it ends the command with
    `error` as a command error, past the per-statement error handling of write commands."""

    def __init__(self, error: MongoError) -> None:
        super().__init__(error.errmsg)
        self.error = error


def _conflict() -> TransactionFailed:
    return TransactionFailed(MongoError(
        112, "WriteConflict error: this operation conflicted with another operation. Please retry your operation "
             "or multi-document transaction.", **TRANSIENT))


class Txn:
    """One session's transaction (lsid, txnNumber)."""

    def __init__(self, owner: "Transactions", sid: bytes, number: int) -> None:
        self.owner = owner
        self.sid = sid
        self.number = number
        self.state = "in_progress"  # then "committed" or "aborted"
        self.abort_reason = ""
        self.dbs: DbStorage | None = None  # the database it writes to, once it has written
        self.conn: sqlite.Connection | None = None  # that database's snapshot, upgraded to its writer
        self.tx: Tx | None = None
        self.savepoints = 0
        self.snapshots: dict[str, tuple[DbStorage, sqlite.Connection, int]] = {}  # dbs.key -> (dbs, conn, seq)
        self.timer: asyncio.TimerHandle | None = None

    # -- the shard view commands of this transaction use ------------------------------------
    def view(self, dbs: DbStorage) -> "TxnShard":
        return TxnShard(self, dbs)

    def snapshot(self, dbs: DbStorage) -> sqlite.Connection:
        """This transaction's connection to `dbs`, reading the state of its first read there."""
        found = self.snapshots.get(dbs.key)
        if found is not None:
            return found[1]
        conn, seq = dbs.take_snapshot()
        self.snapshots[dbs.key] = (dbs, conn, seq)
        return conn

    def bind(self, dbs: DbStorage) -> None:
        """Take `dbs`'s shard for this transaction's writes (first write only)."""
        if self.dbs is dbs:
            return
        if self.dbs is not None:
            raise TransactionFailed(MongoError(
                263, f"dotdo runs a transaction on one database (one shard): this transaction writes to "
                     f"'{self.dbs.name}' and cannot also write to '{dbs.name}'"))
        if dbs.base_shard.memory:
            raise TransactionFailed(MongoError(
                20, "dotdo keeps transactions on a data directory; this store is ':memory:'"))
        holder = self.owner.holders.get(dbs.key)
        if holder is not None and holder is not self:
            raise _conflict()
        conn = self.snapshot(dbs)
        if dbs.base_shard.changes.last_seq() != self.snapshots[dbs.key][2]:
            raise _conflict()
        try:
            conn.execute("DELETE FROM _mongo_retry WHERE 0")  # takes the write lock now, or fails if stale
        except sqlite.BusyError:
            raise _conflict() from None
        self.dbs, self.conn = dbs, conn
        self.tx = Tx(dbs.base_shard, conn)
        self.owner.holders[dbs.key] = self

    # -- ending --------------------------------------------------------------------------------
    def commit(self) -> None:
        self._end("committed")

    def abort(self, reason: str = "") -> None:
        if self.state == "in_progress":
            self.abort_reason = reason
            self._end("aborted")

    def _end(self, state: str) -> None:
        self.state = state
        if self.timer is not None:
            call_on(self.owner.loop, self.timer.cancel)
            self.timer = None
        writer, tx, bound = self.conn, self.tx, self.dbs
        self.conn = self.tx = None
        snapshots, self.snapshots = self.snapshots, {}
        try:
            if writer is not None and state == "committed":
                try:
                    writer.execute("COMMIT")
                except BaseException:
                    self.state = "aborted"
                    raise
        finally:
            for dbs, conn, _ in snapshots.values():
                if not conn.get_autocommit():
                    conn.execute("ROLLBACK")  # a read snapshot, or a write that did not commit
                dbs.give_back(conn)
            self.owner.release(bound, self)
        if self.state == "committed" and tx is not None and tx.changed():
            bound.base_shard.changes._committed()  # wake change streams waiting on this shard


class TxnShard:
    """What `DbStorage.shard` is while a command of transaction `txn` runs: `write()` runs in the
    transaction (binding the shard on first use), `reader()` reads the transaction's own writes."""

    def __init__(self, txn: Txn, dbs: DbStorage) -> None:
        self._txn = txn
        self._dbs = dbs
        self._base = dbs.base_shard

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)

    @contextmanager
    def write(self, join: bool = False) -> Iterator[Tx]:
        txn = self._txn
        txn.bind(self._dbs)
        if join:  # an exception aborts the whole transaction (Engine._in_transaction): no savepoint needed
            yield txn.tx
            return
        txn.savepoints += 1
        name = f"txsp{txn.savepoints}"
        txn.conn.execute(f"SAVEPOINT {name}")
        try:
            yield txn.tx
        except BaseException:
            txn.conn.execute(f"ROLLBACK TO {name}")
            txn.conn.execute(f"RELEASE {name}")
            raise
        else:
            txn.conn.execute(f"RELEASE {name}")
        finally:
            txn.savepoints -= 1

    @contextmanager
    def reader(self) -> Iterator[sqlite.Connection]:
        if self._base.memory:  # no second connection can see a memory database: read committed
            with self._base.reader() as conn:
                yield conn
            return
        yield self._txn.snapshot(self._dbs)


class Transactions:
    """Every session's current transaction, and which shard each writing transaction holds."""

    def __init__(self, gate: threading.RLock) -> None:
        self.by_session: dict[bytes, Txn] = {}
        self.holders: dict[str, Txn] = {}
        self._waiters: list[asyncio.Future] = []
        self.gate = gate
        self.loop: asyncio.AbstractEventLoop | None = None  # where waits and the lifetime reaper run

    def release(self, dbs: DbStorage | None, txn: Txn) -> None:
        if dbs is not None and self.holders.get(dbs.key) is txn:
            del self.holders[dbs.key]
        waiters, self._waiters = self._waiters, []
        for w in waiters:
            call_on(w.get_loop(), _wake, w)

    def held(self, key: str | None) -> bool:
        """Whether a transaction holds the database of namespace `key` (None: any database)."""
        return bool(self.holders) if key is None else key in self.holders

    def released(self) -> asyncio.Future:
        """A future that resolves when some transaction ends."""
        fut = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        return fut

    def end_sessions(self, sids: list[bytes]) -> None:
        for sid in sids:
            txn = self.by_session.pop(sid, None)
            if txn is not None:
                txn.abort("session ended")

    # -- the transaction a command belongs to -----------------------------------------------
    def for_command(self, name: str, body: dict) -> Txn:
        """The transaction of a command that carries `autocommit: false` (starting it if asked)."""
        if body.get("autocommit") is not False:
            raise MongoError(72, "Specifying autocommit=true is not allowed." if body.get("autocommit") is True
                             else "autocommit must be false when it is given")
        lsid = body.get("lsid")
        sid = lsid.get("id") if isinstance(lsid, dict) else None
        if sid is None:
            raise MongoError(72, "Transaction number requires a session ID")
        number = body.get("txnNumber")
        if not isinstance(number, int) or isinstance(number, bool):
            raise MongoError(72, "'autocommit' field requires a transaction number to also be specified")
        number = int(number)
        key = bytes(sid)
        current = self.by_session.get(key)
        if body.get("startTransaction") is True:
            if current is not None and current.number >= number:
                raise MongoError(225, f"Cannot start transaction {number} on session because a newer transaction "
                                      f"{current.number} has already started")
            if current is not None:
                current.abort("a newer transaction started")
            if name not in ALLOWED or name in ("commitTransaction", "abortTransaction"):
                raise MongoError(263, f"Cannot run '{name}' in a multi-document transaction.")
            check_read_concern(body.get("readConcern"))
            txn = self.by_session[key] = Txn(self, key, number)
            self._arm_timer(txn)
            return txn
        if "startTransaction" in body:
            raise MongoError(72, "startTransaction must be true when it is given")
        if current is None or current.number != number:
            active = f" The active transaction number is {current.number}" if current is not None else ""
            raise MongoError(251, f"Given transaction number {number} does not match any in-progress "
                                  f"transactions.{active}", **TRANSIENT)
        if "readConcern" in body and name not in ("commitTransaction", "abortTransaction"):
            raise MongoError(72, "Only the first command in a transaction may specify a readConcern")
        if name not in ALLOWED:
            current.abort(f"'{name}' is not allowed in a transaction")
            raise MongoError(263, f"Cannot run '{name}' in a multi-document transaction.")
        return current

    def _arm_timer(self, txn: Txn) -> None:
        if self.loop is None:
            return  # the engine used directly, not served: no loop, no reaper to arm
        if on_loop(self.loop):
            txn.timer = self.loop.call_later(LIFETIME_S, self._expire, txn)
        else:  # an in-process command on a user thread: the loop arms it
            self.loop.call_soon_threadsafe(self._arm_on_loop, txn)

    def _arm_on_loop(self, txn: Txn) -> None:
        with self.gate:
            if txn.state == "in_progress" and txn.timer is None:
                txn.timer = self.loop.call_later(LIFETIME_S, self._expire, txn)

    def _expire(self, txn: Txn) -> None:
        with self.gate:
            if txn.state == "in_progress":
                log.info("mongo: aborting transaction %s after %ss", txn.number, LIFETIME_S)
                txn.timer = None
                txn.abort("it exceeded its lifetime limit")


def _wake(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)


def check_read_concern(rc: Any) -> None:
    if rc is None:
        return
    if not isinstance(rc, dict):
        raise MongoError(14, "BSON field 'readConcern' is the wrong type, expected type 'object'")
    level = rc.get("level", "local")
    if level not in ("local", "majority", "snapshot"):
        raise MongoError(72, f"The readConcern level must be either 'local' (default), 'majority' or 'snapshot' "
                             f"in order to run in a transaction, got '{level}'")


def state_error(txn: Txn, name: str) -> MongoError | None:
    """The error for a command that arrives after its transaction ended (None: it may run)."""
    if txn.state == "in_progress":
        return None
    if txn.state == "committed":
        if name == "commitTransaction":
            return None  # a retried commit of a committed transaction succeeds again
        if name == "abortTransaction":
            return MongoError(256, "Cannot abort a transaction that has been committed")
        return MongoError(256, f"Transaction {txn.number} has been committed.")
    if name == "abortTransaction":
        return None  # aborting an aborted transaction: MongoDB answers NoSuchTransaction below
    why = f" ({txn.abort_reason})" if txn.abort_reason else ""
    return MongoError(251, f"Transaction with {{ txnNumber: {Int64(txn.number)} }} has been aborted{why}.", **TRANSIENT)
