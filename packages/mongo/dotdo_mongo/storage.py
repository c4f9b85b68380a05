"""How MongoDB's data model maps onto core.

- A MongoDB database is a core namespace named `mongo:<db>` (kind "mongo"), one shard (a
  standalone server's semantics); the prefix keeps database names apart from other packages'.
- Each collection's metadata (options, UUID, index specs) is a row of `_mongo_collections` in that
  shard, so an empty collection exists and survives restarts.
- Documents live in core's `Documents` table: `id` is the order-preserving encoding of `_id`
  (engine/common/keys.py), so `_id` lookups and ranges are primary-key seeks; `body` is the BSON
  of the document exactly as stored (field order kept).
- Secondary indexes are `Documents` index entries (idx = index name, key = encoded key).
- A text index's entries are rows of the FTS5 table `_mongo_text`, tied to documents by
  `_mongo_text_map` (engine/text.py).
- Retryable writes are recorded in `_mongo_retry` (one row per session: its last txnNumber and the
  reply), in the same transaction as the write, so a retry after a crash is answered, not re-run.
"""
from __future__ import annotations

import threading
import weakref
from contextvars import ContextVar
from typing import Any, Iterator

import bson
from bson.codec_options import CodecOptions

from dotdo_core import sqlite
from dotdo_core.auth import scoped, unscoped
from dotdo_core.primitives.documents import Documents
from dotdo_core.shard import Shard
from dotdo_core.store import Store
from dotdo_core.walstamp import WalStamp

PREFIX = "mongo:"
KIND = "mongo"
CODEC = CodecOptions()  # bodies decode to exactly what the client stored (Binary stays Binary)

SCHEMA = """
CREATE TABLE IF NOT EXISTS _mongo_collections (
    name TEXT PRIMARY KEY,
    uuid BLOB NOT NULL,
    options BLOB NOT NULL,
    indexes BLOB NOT NULL
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS _mongo_text USING fts5(content, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS _mongo_text_map (
    rid INTEGER PRIMARY KEY,
    coll TEXT NOT NULL,
    id_key BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS _mongo_text_map_doc ON _mongo_text_map(coll, id_key);
CREATE TABLE IF NOT EXISTS _mongo_retry (
    lsid BLOB PRIMARY KEY,
    txn INTEGER NOT NULL,
    reply BLOB NOT NULL,
    at REAL NOT NULL
) WITHOUT ROWID;
"""
# The transaction of the command running now (engine/transactions.py): while it is set,
# `DbStorage.shard` is that transaction's view of the shard.
TXN: ContextVar[Any] = ContextVar("mongo_txn", default=None)


def ns_name(db: str, tenant: str = "") -> str:
    """The core namespace of database `db` for `tenant` (an authenticated user's namespace prefix)."""
    return scoped(tenant, PREFIX + db)


def database_names(store: Store, tenant: str = "") -> list[str]:
    out = []
    for full, kind in store.namespace_names(ns_name("", tenant)):
        name = unscoped(tenant, full) if kind == KIND else None
        if name is not None and name.startswith(PREFIX):
            out.append(name[len(PREFIX):])
    return out


class _WrittenCatalog:
    """The catalog rows a shard's writer read, for its later transactions; one per shard, shared by
    every DbStorage of this process on it (they write through the same connection)."""

    __slots__ = ("rows", "version", "tx")

    def __init__(self) -> None:
        self.rows: dict[str, tuple] = {}  # collection name -> (write epoch, version, row)
        self.version = 0  # moves with every catalog write through the shard's writer
        self.tx: Any = None  # the transaction that last wrote the catalog


_written_catalogs: "weakref.WeakKeyDictionary[Shard, _WrittenCatalog]" = weakref.WeakKeyDictionary()
_written_lock = threading.Lock()


def _written_catalog(shard: Shard) -> _WrittenCatalog:
    with _written_lock:
        found = _written_catalogs.get(shard)
        if found is None:
            found = _written_catalogs[shard] = _WrittenCatalog()
        return found


class DbStorage:
    """One database's shard, its document table and its collection catalog."""

    def __init__(self, store: Store, db: str, tenant: str = "") -> None:
        self.name = db
        self.key = ns_name(db, tenant)  # unique across tenants
        self.ns = store.namespace(self.key, kind=KIND)
        self.base_shard: Shard = self.ns.shards[0]
        self._read_cache: dict[str, tuple] = {}  # collection name -> (connection, stamp, catalog row)
        self._wal_stamp: tuple | None = None  # (reader connection, its WalStamp or None)
        self._written = _written_catalog(self.base_shard)
        self.docs = Documents(self.base_shard)
        self.base_shard.ensure_schema("mongo_collections", SCHEMA)
        self._spare: list[sqlite.Connection] = []  # idle transaction connections

    @property
    def shard(self) -> Shard:
        """The shard as the running command sees it: inside a transaction, the transaction's."""
        txn = TXN.get()
        return self.base_shard if txn is None else txn.view(self)

    def take_connection(self) -> sqlite.Connection:
        """A connection of its own for a transaction (its snapshot, then its writes)."""
        if self._spare:
            return self._spare.pop()
        shard = self.base_shard
        return sqlite.connect(shard.path, sync=shard.sync)

    def take_snapshot(self) -> tuple[sqlite.Connection, int]:
        """A connection of its own in a read transaction begun now, and the change sequence it
        sees: the state a transaction's or a snapshot read's later reads all see."""
        conn = self.take_connection()
        try:
            conn.execute("BEGIN")
            seq = conn.execute("SELECT max(seq) FROM _changes").fetchone()[0] or 0  # starts the read snapshot
        except BaseException:
            self.give_back(conn)
            raise
        return conn, seq

    def give_back(self, conn: sqlite.Connection) -> None:
        if len(self._spare) < 4:
            self._spare.append(conn)
        else:
            conn.close()

    def has_collections(self, conn) -> bool:
        """Whether any collection or view exists (what makes a database exist on mongod)."""
        return conn.execute("SELECT 1 FROM _mongo_collections LIMIT 1").fetchone() is not None

    def collection_rows(self, conn) -> Iterator[tuple[str, bytes, dict, list]]:
        for name, uuid, options, indexes in conn.execute(
            "SELECT name, uuid, options, indexes FROM _mongo_collections ORDER BY name"
        ):
            yield name, uuid, decode(options), decode(indexes)["v"]

    def collection_row(self, conn, name: str):
        row = self._catalog_row(conn, name)
        if row is None:
            return None
        return row[0], decode(row[1]), decode(row[2])["v"]

    def collection_raw(self, conn, name: str):
        """The catalog row's raw bytes: callers cache what they build from it, keyed by these bytes.
        In a write transaction of the shard's writer the row is remembered across transactions while
        no other connection committed (Shard.write_epoch) and this process wrote no catalog row: the
        catalog query on every write command (≈ 4 µs of an update) becomes a dictionary lookup."""
        shard = self.base_shard
        if conn is shard._writer:
            epoch = shard.write_epoch()
            if epoch is not None:
                cache = self._written
                hit = cache.rows.get(name)
                if hit is not None and hit[0] == epoch and hit[1] == cache.version:
                    return hit[2]
                raw = self._catalog_row(conn, name)
                if cache.tx is not shard._tx:  # never this transaction's own uncommitted change
                    cache.rows[name] = (epoch, cache.version, raw)
                return raw
        return self._catalog_row(conn, name)

    @staticmethod
    def _catalog_row(conn, name: str):
        return conn.execute("SELECT uuid, options, indexes FROM _mongo_collections WHERE name = ?", (name,)).fetchone()

    def catalog_written(self, tx) -> None:
        """Every write to the catalog table calls this: rows remembered before it are read again."""
        cache = self._written
        cache.version += 1
        cache.tx = tx

    def collection_raw_for_read(self, conn, name: str):
        """collection_raw on a connection outside any transaction, remembered while nothing was
        committed since. Every commit, from any connection of any process, rewrites the WAL-index
        header (dotdo_core.walstamp), so a read costs one 48-byte pread instead of the catalog query;
        where there is no -shm to read (an in-memory shard), SQLite's data_version and the shard's
        own commit count tell the same at the cost of a pragma."""
        if conn.in_transaction:  # a transaction's own (uncommitted) view: never cached
            return self.collection_raw(conn, name)
        wal = self._stamp_for(conn)
        if wal is not None:
            stamp = wal.read()
        else:
            stamp = (conn.execute("PRAGMA data_version").fetchone()[0], self.base_shard.commits)
        hit = self._read_cache.get(name)
        if hit is not None and hit[0] is conn and hit[1] == stamp:
            return hit[2]
        raw = self.collection_raw(conn, name)
        self._read_cache[name] = (conn, stamp, raw)
        return raw

    def _stamp_for(self, conn) -> WalStamp | None:
        """The WAL-index reader for `conn`: a new one per connection, since the header is only
        trusted while a connection of this process keeps the -shm in use (walstamp.py)."""
        held = self._wal_stamp
        if held is None or held[0] is not conn:
            wal = None if self.base_shard.memory else WalStamp(self.base_shard.path)
            held = self._wal_stamp = (conn, wal if wal is not None and wal.usable else None)
        return held[1]

    def put_collection(self, tx, name: str, uuid: bytes, options: dict, indexes: list) -> None:
        self.catalog_written(tx)
        tx.execute(
            "INSERT OR REPLACE INTO _mongo_collections(name, uuid, options, indexes) VALUES (?, ?, ?, ?)",
            (name, uuid, bson.encode(options), bson.encode({"v": indexes})),
        )

    def delete_collection(self, tx, name: str) -> None:
        self.catalog_written(tx)
        tx.execute("DELETE FROM _mongo_collections WHERE name = ?", (name,))
        self.docs.drop_collection(tx, name)
        self.drop_text_rows(tx, name)

    def drop_text_rows(self, tx, name: str) -> None:
        """A collection's text index entries (its text index or the collection went away)."""
        tx.execute("DELETE FROM _mongo_text WHERE rowid IN (SELECT rid FROM _mongo_text_map WHERE coll = ?)", (name,))
        tx.execute("DELETE FROM _mongo_text_map WHERE coll = ?", (name,))

    def rename_collection_rows(self, tx, old: str, new: str) -> None:
        tx.execute("UPDATE _docs SET coll = ? WHERE coll = ?", (new, old))
        tx.execute("UPDATE _doc_index SET coll = ? WHERE coll = ?", (new, old))
        tx.execute("UPDATE _mongo_text_map SET coll = ? WHERE coll = ?", (new, old))


def decode(body: bytes) -> dict:
    return bson.decode(body, CODEC)
