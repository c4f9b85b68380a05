"""How Redis data maps onto the core store.

One namespace per Redis server (kind "redis"), sharded by hash slot (CRC16, {tags}
honoured). The 16 databases live inside it: a stored key is one byte of db number
followed by the user's key, so MOVE, SWAPDB and FLUSHALL stay single-shard transactions.

Every key has a row in the core key-value primitive (type tag, expiry, modification
stamp; strings keep their value inline). Collection elements live in companion tables
keyed by the same stored key. Any change to a collection must call `touch` (the WATCH
stamp) and `drop_if_empty` (Redis deletes empty collections).
"""
from __future__ import annotations

import threading
from itertools import repeat
from typing import Iterator

from dotdo_core.primitives.kv import KeyValue
from dotdo_core.shard import Shard, Tx
from dotdo_core.walstamp import WalStamp

from .engine.errors import WRONGTYPE, RedisError

# Companion tables by type; every one has `key` as the first column of its primary key.
COMPANION_SCHEMA = """
CREATE TABLE IF NOT EXISTS r_hash (key BLOB NOT NULL, field BLOB NOT NULL, value BLOB NOT NULL, PRIMARY KEY (key, field)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS r_set (key BLOB NOT NULL, member BLOB NOT NULL, PRIMARY KEY (key, member)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS r_zset (key BLOB NOT NULL, member BLOB NOT NULL, score REAL NOT NULL, PRIMARY KEY (key, member)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS r_zset_by_score ON r_zset(key, score, member);
CREATE TABLE IF NOT EXISTS r_list (key BLOB NOT NULL, pos INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (key, pos)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS r_stream (key BLOB NOT NULL, ms INTEGER NOT NULL, seq INTEGER NOT NULL, fields BLOB NOT NULL, PRIMARY KEY (key, ms, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS r_stream_group (key BLOB NOT NULL, grp BLOB NOT NULL, last_ms INTEGER NOT NULL, last_seq INTEGER NOT NULL, entries_read INTEGER, PRIMARY KEY (key, grp)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS r_stream_consumer (key BLOB NOT NULL, grp BLOB NOT NULL, consumer BLOB NOT NULL, seen_ms INTEGER NOT NULL, active_ms INTEGER, PRIMARY KEY (key, grp, consumer)) WITHOUT ROWID;
-- OBJECT ENCODING of strings whose bytes do not say it (APPEND makes "raw", INCRBYFLOAT "embstr"), valid while
-- the key row still has the same ver stamp: any other write to the key makes it stale (engine/commands/keys.py).
CREATE TABLE IF NOT EXISTS r_str_encoding (key BLOB NOT NULL PRIMARY KEY, enc TEXT NOT NULL, ver INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS r_stream_pel (key BLOB NOT NULL, grp BLOB NOT NULL, ms INTEGER NOT NULL, seq INTEGER NOT NULL, consumer BLOB NOT NULL, delivered_ms INTEGER NOT NULL, deliveries INTEGER NOT NULL, PRIMARY KEY (key, grp, ms, seq)) WITHOUT ROWID;
-- Streams (engine/commands/streams_*.py): ids are unsigned 64-bit, stored biased by -2**63 so they fit
-- SQLite's signed INTEGER and keep their order. r_stream_node mirrors Redis's listpack nodes (master id,
-- last id, live/deleted counts, byte size, master fields) so approximate trimming and XINFO match Redis.
CREATE TABLE IF NOT EXISTS r_stream_node (key BLOB NOT NULL, ms INTEGER NOT NULL, seq INTEGER NOT NULL, last_ms INTEGER NOT NULL, last_seq INTEGER NOT NULL, live INTEGER NOT NULL, dead INTEGER NOT NULL, bytes INTEGER NOT NULL, fields BLOB NOT NULL, PRIMARY KEY (key, ms, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS r_stream_pel_by_consumer ON r_stream_pel(key, grp, consumer, ms, seq);
"""

COMPANIONS: dict[str, tuple[str, ...]] = {
    "string": (),
    "hash": ("r_hash",),
    "set": ("r_set",),
    "zset": ("r_zset",),
    "list": ("r_list",),
    "stream": ("r_stream", "r_stream_group", "r_stream_consumer", "r_stream_pel", "r_stream_node"),
}

DB_COUNT = 16


def prefix(db: int) -> bytes:
    return bytes((db,))


# The read cache (below) keeps at most this many key rows per thread and shard, and no value longer
# than this: it is for the hot small keys that GET/MGET read again and again.
CACHE_ROWS = 50_000
CACHE_VALUE_BYTES = 4096
_MISS = object()


def _cacheable(row: tuple | None) -> bool:
    return row is None or row[1] is None or len(row[1]) <= CACHE_VALUE_BYTES


class _Rows(dict):
    """One db's cached key rows (user key → row, or None for an absent key), and beside them, in
    `plain`, what MGET answers for every cached key whose row has no expiry — its value if it holds
    a string, else None — so that MGET of cached keys is two passes in C (Keyspace.strings); in
    `queries`, small results of companion-table reads ((sql, args) → rows: zsets.py's ranges)."""

    __slots__ = ("plain", "queries")

    def __init__(self) -> None:
        super().__init__()
        self.plain: dict[bytes, bytes | None] = {}
        self.queries: dict[tuple, list] = {}

    def put(self, key: bytes, row: tuple | None) -> None:
        self[key] = row
        if row is None:
            self.plain[key] = None
        elif row[2] is None:
            self.plain[key] = row[1] if row[0] == "string" else None


class _ThreadCache:
    __slots__ = ("conn", "stamp", "label", "rows")

    def __init__(self, conn, stamp: WalStamp | None) -> None:
        self.conn = conn
        self.stamp = stamp
        self.label: object = None
        self.rows: dict[int, _Rows] = {}


REMEMBERED = 4096  # keys per shard whose last write a memo of ShardTables keeps (list ends, counters)


def remember(memo: dict, sk: bytes, entry: tuple) -> None:
    """Keep what this process last wrote to `sk` in one of ShardTables' memos (each entry holds the key
    row's stamp, so a stale one is caught); a full memo starts afresh rather than grow."""
    if len(memo) >= REMEMBERED and sk not in memo:
        memo.clear()
    memo[sk] = entry


class ShardTables:
    """Per-shard objects made once: the key-value primitive and the companion schema."""

    def __init__(self, shard: Shard) -> None:
        self.shard = shard
        self.kv = KeyValue(shard, "r_keys")
        shard.ensure_schema("redis-companions", COMPANION_SCHEMA)
        self.raw_get = f"SELECT type, value, expires_ms FROM {self.kv.table} WHERE key = ?"
        # Stored list key → (stamp, head, tail) as this process last wrote them: see lists.py.
        self.list_ends: dict[bytes, tuple[int, int, int]] = {}
        # Stored key → (stamp, integer) of a counter as this process last wrote it: see strings.py.
        self.counters: dict[bytes, tuple[int, int]] = {}
        self._local = threading.local()

    def read_cache(self, conn, db: int) -> _Rows | None:
        """This thread's cache of db's key rows (user key → (type, inline value, expires_ms) or None,
        expired rows included), for reads through `conn`; emptied whenever anything committed to
        the shard since it was last used — a write of this process or of any other — so a cached
        row is exactly what a read would return. None where no cheap change check exists, and
        inside a write transaction (its rows are not committed yet)."""
        shard = self.shard
        if conn is shard._writer and (not shard.memory or shard._tx is not None):
            return None
        local = self._local
        c = getattr(local, "cache", None)
        if c is None or c.conn is not conn:
            if c is not None and c.stamp is not None:
                c.stamp.close()
            if shard.memory:
                c = _ThreadCache(conn, None)  # one connection does every write: its change count is exact
            else:
                stamp = WalStamp(shard.path)
                if not stamp.usable:
                    return None
                c = _ThreadCache(conn, stamp)
            local.cache = c
        label = conn.total_changes() if c.stamp is None else c.stamp.read()
        if label != c.label:
            c.rows.clear()
            c.label = label
        rows = c.rows.get(db)
        if rows is None or len(rows) >= CACHE_ROWS:
            rows = c.rows[db] = _Rows()
        return rows


class Keyspace:
    """One database's keys on one shard, seen through one connection (a Tx when writing).

    Methods take and return user keys; the db prefix is added here and nowhere else."""

    __slots__ = ("tables", "kv", "conn", "tx", "db", "p", "now_ms", "cache", "deferred")

    def __init__(self, tables: ShardTables, conn, tx: Tx | None, db: int, now_ms: int, cache: dict | None = None) -> None:
        self.tables = tables
        self.kv = tables.kv
        self.conn = conn
        self.tx = tx
        self.db = db
        self.p = prefix(db)
        self.now_ms = now_ms
        self.cache = cache  # ShardTables.read_cache, for read-only keyspaces
        self.deferred: dict | None = None  # a batch's held-back writes (engine._Batch), where it may hold them

    def sk(self, key: bytes) -> bytes:
        """The stored key (db byte + key)."""
        return self.p + key

    # -- key rows ------------------------------------------------------------
    def _live(self, key: bytes) -> tuple[str, bytes | None, int | None] | None:
        cache = self.cache
        if cache is None:
            return self.kv.get(self.conn, self.p + key, self.now_ms)
        row = cache.get(key, _MISS)
        if row is _MISS:
            row = self.conn.execute(self.tables.raw_get, (self.p + key,)).fetchone()
            if _cacheable(row):
                cache.put(key, row)
        if row is not None and row[2] is not None and row[2] <= self.now_ms:
            return None
        return row

    def strings(self, keys: tuple[bytes, ...]) -> list[bytes | None]:
        """MGET: each key's string value, None for a missing key or one of another type."""
        cache = self.cache
        if cache is not None:  # every key cached, none with a TTL: two passes in C
            values = list(map(cache.plain.get, keys, repeat(_MISS)))
            if _MISS not in values:
                return values
        else:
            cache = _Rows()
        rows = list(map(cache.get, keys, repeat(_MISS)))  # (no bytecode per key)
        if _MISS in rows:
            read = self._fill(cache, [key for key, row in zip(keys, rows) if row is _MISS])
            # From what was read, not from the cache: it does not keep large values.
            rows = [read[key] if row is _MISS else row for key, row in zip(keys, rows)]
        now = self.now_ms
        return [
            None if row is None or row[0] != "string" or (row[2] is not None and row[2] <= now) else row[1]
            for row in rows
        ]

    def _fill(self, cache: _Rows, keys: list[bytes]) -> dict:
        """Read the rows of `keys` into `cache` (None for absent keys), a few statements for all;
        returns every row read (the cache keeps only the small ones)."""
        p = self.p
        read: dict = dict.fromkeys(keys)
        for i in range(0, len(keys), 500):
            chunk = [p + key for key in keys[i : i + 500]]
            marks = ",".join("?" * len(chunk))
            for sk, *row in self.conn.execute(
                f"SELECT key, type, value, expires_ms FROM {self.kv.table} WHERE key IN ({marks})", chunk
            ):
                read[sk[1:]] = tuple(row)
        if cache is not self.cache:
            return read
        for key, row in read.items():
            if _cacheable(row):
                cache.put(key, row)
        return read

    def entry(self, key: bytes) -> tuple[str, bytes | None, int | None] | None:
        """(type, inline value, expires_ms) of a live key, or None."""
        return self._live(key)

    def type_of(self, key: bytes) -> str | None:
        e = self._live(key)
        return None if e is None else e[0]

    def typed(self, key: bytes, type: str) -> tuple[str, bytes | None, int | None] | None:
        """The key's entry if it holds `type`, None if absent; WRONGTYPE otherwise."""
        e = self._live(key)
        if e is not None and e[0] != type:
            raise RedisError(WRONGTYPE)
        return e

    def exists(self, key: bytes) -> bool:
        return self._live(key) is not None

    def version(self, key: bytes) -> int | None:
        return self.kv.version(self.conn, self.p + key, self.now_ms)

    def get_string(self, key: bytes) -> bytes | None:
        e = self._live(key)
        if e is None:
            return None
        if e[0] != "string":
            raise RedisError(WRONGTYPE)
        return e[1]

    # -- writes (self.tx must be set) -------------------------------------------
    def set_string(self, key: bytes, value: bytes, expires_ms: int | None = None) -> None:
        """Create or overwrite `key` as a string (whatever it held before), with this expiry."""
        sk = self.p + key
        if not self.kv.put_if_same_type(self.tx, sk, "string", value, expires_ms):
            self._clear_companions_if_any(sk)
            self.kv.put(self.tx, sk, "string", value, expires_ms)

    def set_strings(self, keys: list[bytes], values: list[bytes]) -> None:
        """set_string (no expiry) for keys[i] ← values[i] in order, with a few multi-row statements
        when no key holds another type (else key by key, rewriting the same values)."""
        p = self.p
        if self.kv.put_values_if_same_type(self.tx, "string", [p + k for k in keys], values) < len(keys):
            for key, value in zip(keys, values):
                self.set_string(key, value)

    def set_value(self, key: bytes, value: bytes | None) -> int:
        """Replace an existing key's inline value, keeping its type and TTL; returns its new stamp."""
        return self.kv.set_value(self.tx, self.p + key, value)

    def create(self, key: bytes, type: str, value: bytes | None = None, expires_ms: int | None = None) -> None:
        """Make a new key of `type` (the caller checked it is absent); clears remnants of an expired one."""
        sk = self.p + key
        self._clear_companions_if_any(sk)
        self.kv.put(self.tx, sk, type, value, expires_ms)

    def touch(self, key: bytes) -> None:
        """Record that the key changed (for WATCH) when only companion rows were written."""
        self.kv.touch(self.tx, self.p + key)

    def delete(self, key: bytes) -> bool:
        """Delete a live key and everything hanging off it. True if it existed."""
        sk = self.p + key
        row = self.conn.execute(f"SELECT type, expires_ms FROM {self.kv.table} WHERE key = ?", (sk,)).fetchone()
        if row is None:
            return False
        self._delete_stored(sk, row[0])
        return row[1] is None or row[1] > self.now_ms

    def drop_if_empty(self, key: bytes, type: str) -> bool:
        """Delete a collection key whose last element went; True if it was deleted."""
        table = COMPANIONS[type][0]
        sk = self.p + key
        if self.conn.execute(f"SELECT 1 FROM {table} WHERE key = ? LIMIT 1", (sk,)).fetchone() is None:
            self._delete_stored(sk, type)
            return True
        return False

    def set_expiry(self, key: bytes, expires_ms: int | None) -> bool:
        return self.kv.set_expiry(self.tx, self.p + key, expires_ms, self.now_ms)

    def _clear_companions_if_any(self, sk: bytes) -> None:
        row = self.conn.execute(f"SELECT type FROM {self.kv.table} WHERE key = ?", (sk,)).fetchone()
        if row is not None and COMPANIONS.get(row[0]):
            for table in COMPANIONS[row[0]]:
                self.tx.execute(f"DELETE FROM {table} WHERE key = ?", (sk,))

    def _delete_stored(self, sk: bytes, type: str) -> None:
        self.tx.execute(f"DELETE FROM {self.kv.table} WHERE key = ?", (sk,))
        for table in COMPANIONS.get(type, ()):
            self.tx.execute(f"DELETE FROM {table} WHERE key = ?", (sk,))

    # -- whole-database operations --------------------------------------------
    def keys(self) -> Iterator[bytes]:
        """Every live user key of this db on this shard, in byte order."""
        lo, hi = self.p, bytes((self.db + 1,))
        for (sk,) in self.conn.execute(
            f"SELECT key FROM {self.kv.table} WHERE key >= +? AND key < +? AND (expires_ms IS NULL OR expires_ms > ?) ORDER BY key",
            (lo, hi, self.now_ms),
        ):
            yield sk[1:]

    def scan(self, after: bytes | None, count: int) -> list[tuple[bytes, str]]:
        """Up to `count` live (key, type) pairs after user key `after` (None: from the start)."""
        lo = self.p if after is None else self.p + after
        op = ">=" if after is None else ">"
        hi = bytes((self.db + 1,))
        return [
            (sk[1:], t)
            for sk, t in self.conn.execute(
                f"SELECT key, type FROM {self.kv.table} WHERE key {op} +? AND key < +? AND (expires_ms IS NULL OR expires_ms > ?) ORDER BY key LIMIT ?+0",
                (lo, hi, self.now_ms, count),
            )
        ]

    def count(self) -> int:
        lo, hi = self.p, bytes((self.db + 1,))
        return self.conn.execute(
            f"SELECT count(*) FROM {self.kv.table} WHERE key >= ? AND key < ? AND (expires_ms IS NULL OR expires_ms > ?)",
            (lo, hi, self.now_ms),
        ).fetchone()[0]

    def flush(self) -> None:
        lo, hi = self.p, bytes((self.db + 1,))
        self.tx.execute(f"DELETE FROM {self.kv.table} WHERE key >= ? AND key < ?", (lo, hi))
        for tables in COMPANIONS.values():
            for table in tables:
                self.tx.execute(f"DELETE FROM {table} WHERE key >= ? AND key < ?", (lo, hi))


def purge_expired(tables: ShardTables, tx: Tx, now_ms: int, limit: int = 500) -> int:
    """Active expiry: delete up to `limit` expired keys and their companion rows."""
    gone = tables.kv.purge_expired(tx, now_ms, limit)
    for sk, type in gone:
        for table in COMPANIONS.get(type, ()):
            tx.execute(f"DELETE FROM {table} WHERE key = ?", (sk,))
    return len(gone)
