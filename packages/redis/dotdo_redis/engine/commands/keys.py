"""Generic key commands: DEL, EXISTS, TYPE, RENAME, expiry, KEYS, SCAN, COPY, MOVE, SWAPDB, FLUSH*, OBJECT.

The 16 databases share one table per shard (a stored key is the db byte + the user key), so
moving a key between databases, renaming it or swapping databases rewrites the key column of
its row and of its companion rows inside the one shard transaction."""
from __future__ import annotations

import hashlib
import os
import random
import time
from typing import Iterator

from ..args import INT64_MAX, to_int
from ..context import Ctx
from ..errors import DB_INDEX, INVALID_EXPIRE, NO_SUCH_KEY, NOT_INTEGER, SYNTAX, RedisError, unknown_subcommand
from ..registry import command
from ..replies import OK, Simple
from ...storage import COMPANIONS, DB_COUNT, Keyspace, ShardTables
from .glob import glob_match, literal_prefix

SAME_OBJECT = "ERR source and destination objects are the same"
INVALID_CURSOR = "ERR invalid cursor"
MAX_SAVED_CURSOR = (1 << 62) - 1  # cursors handed out fit SQLite's signed 64-bit integers
INT32_MAX = (1 << 31) - 1
SHARED_REFCOUNT = INT32_MAX  # Redis's refcount of its shared small integers (0..9999)
SHARED_INTEGERS = 10000


def _stamp() -> int:
    return random.getrandbits(63)


def _to_int32(arg: bytes, error: str = NOT_INTEGER) -> int:
    value = to_int(arg, error)
    if not -(1 << 31) <= value <= INT32_MAX:
        raise RedisError(error)
    return value


# -- moving and copying stored keys ---------------------------------------------------

_columns_cache: dict[str, list[str]] = {}


def _columns(conn, table: str) -> list[str]:
    """A companion table's columns (every shard has the same schema)."""
    cols = _columns_cache.get(table)
    if cols is None:
        cols = _columns_cache[table] = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    return cols


def _stored_row(ks: Keyspace, sk: bytes):
    """(type, value, expires_ms) of a stored key, live or not."""
    return ks.conn.execute(f"SELECT type, value, expires_ms FROM {ks.kv.table} WHERE key = ?", (sk,)).fetchone()


def _drop_stored(ks: Keyspace, sk: bytes) -> None:
    row = _stored_row(ks, sk)
    if row is not None:
        ks.tx.execute(f"DELETE FROM {ks.kv.table} WHERE key = ?", (sk,))
        for table in COMPANIONS.get(row[0], ()):
            ks.tx.execute(f"DELETE FROM {table} WHERE key = ?", (sk,))


def _ver(ks: Keyspace, sk: bytes) -> int | None:
    row = ks.conn.execute(f"SELECT ver FROM {ks.kv.table} WHERE key = ?", (sk,)).fetchone()
    return None if row is None else row[0]


def rekey(ks: Keyspace, src: bytes, dst: bytes, type: str) -> None:
    """Move stored key `src` (and its companion rows) to stored key `dst`, which must be free."""
    old_ver = _ver(ks, src) if type == "string" else None
    ver = _stamp()
    ks.tx.execute(f"UPDATE {ks.kv.table} SET key = ?, ver = ? WHERE key = ?", (dst, ver, src))
    for table in COMPANIONS.get(type, ()):
        ks.tx.execute(f"UPDATE {table} SET key = ? WHERE key = ?", (dst, src))
    if old_ver is not None:
        ks.tx.execute(f"DELETE FROM {ENCODINGS} WHERE key = ?", (dst,))
        ks.tx.execute(f"UPDATE {ENCODINGS} SET key = ?, ver = ? WHERE key = ? AND ver = ?", (dst, ver, src, old_ver))


def duplicate(ks: Keyspace, src: bytes, dst: bytes, type: str) -> None:
    """Copy stored key `src` with its companion rows to stored key `dst`, which must be free."""
    t = ks.kv.table
    ver = _stamp()
    ks.tx.execute(
        f"INSERT INTO {t}(key, type, value, expires_ms, ver) SELECT ?, type, value, expires_ms, ? FROM {t} WHERE key = ?",
        (dst, ver, src),
    )
    if type == "string":
        ks.tx.execute(
            f"INSERT OR REPLACE INTO {ENCODINGS}(key, enc, ver) SELECT ?, e.enc, ? FROM {ENCODINGS} e "
            f"JOIN {t} k ON k.key = e.key AND k.ver = e.ver WHERE e.key = ?",
            (dst, ver, src),
        )
    for table in COMPANIONS.get(type, ()):
        cols = [c for c in _columns(ks.conn, table) if c != "key"]
        names = ", ".join(cols)
        ks.tx.execute(f"INSERT INTO {table}(key, {names}) SELECT ?, {names} FROM {table} WHERE key = ?", (dst, src))


# -- DEL, EXISTS, TYPE, TOUCH -----------------------------------------------------------

@command("del", arity=-2, flags="write", keys=(1, -1, 1))
def del_(ctx: Ctx, *keys: bytes):
    ks = ctx.ks
    return sum(1 for key in keys if ks.delete(key))


@command("unlink", arity=-2, flags="write fast", keys=(1, -1, 1))
def unlink(ctx: Ctx, *keys: bytes):
    ks = ctx.ks
    return sum(1 for key in keys if ks.delete(key))


@command("exists", arity=-2, flags="readonly fast", keys=(1, -1, 1))
def exists(ctx: Ctx, *keys: bytes):
    ks = ctx.ks
    return sum(1 for key in keys if ks.exists(key))


@command("touch", arity=-2, flags="readonly fast", keys=(1, -1, 1))
def touch(ctx: Ctx, *keys: bytes):
    ks = ctx.ks
    return sum(1 for key in keys if ks.exists(key))


@command("type", arity=2, flags="readonly fast")
def type_(ctx: Ctx, key: bytes):
    return Simple(ctx.ks.type_of(key) or "none")


# -- RENAME, COPY, MOVE -----------------------------------------------------------------

def _rename(ctx: Ctx, src: bytes, dst: bytes, nx: bool):
    ks = ctx.ks
    entry = ks.entry(src)
    if entry is None:
        raise RedisError(NO_SUCH_KEY)
    if src == dst:
        return 0 if nx else OK
    if ks.exists(dst):
        if nx:
            return 0
    _drop_stored(ks, ks.sk(dst))
    rekey(ks, ks.sk(src), ks.sk(dst), entry[0])
    return 1 if nx else OK


@command("rename", arity=3, flags="write", keys=(1, 2, 1))
def rename(ctx: Ctx, src: bytes, dst: bytes):
    return _rename(ctx, src, dst, nx=False)


@command("renamenx", arity=3, flags="write fast", keys=(1, 2, 1))
def renamenx(ctx: Ctx, src: bytes, dst: bytes):
    return _rename(ctx, src, dst, nx=True)


def _db_arg(arg: bytes) -> int:
    db = to_int(arg)
    if not 0 <= db < DB_COUNT:
        raise RedisError(DB_INDEX)
    return db


@command("copy", arity=-3, flags="write denyoom", keys=(1, 2, 1))
def copy(ctx: Ctx, src: bytes, dst: bytes, *options: bytes):
    ks = ctx.ks
    dbid = ks.db
    replace = False
    i = 0
    while i < len(options):
        opt = options[i].lower()
        if opt == b"replace":
            replace = True
        elif opt == b"db" and i + 1 < len(options):
            dbid = _db_arg(options[i + 1])
            i += 1
        else:
            raise RedisError(SYNTAX)
        i += 1
    if ctx.engine.cluster and (ks.db != 0 or dbid != 0):
        raise RedisError("ERR Copying to another database is not allowed in cluster mode")
    if dbid == ks.db and src == dst:
        raise RedisError(SAME_OBJECT)
    entry = ks.entry(src)
    if entry is None:
        return 0
    target = Keyspace(ks.tables, ks.conn, ks.tx, dbid, ks.now_ms)
    if target.exists(dst):
        if not replace:
            return 0
    _drop_stored(ks, target.sk(dst))
    duplicate(ks, ks.sk(src), target.sk(dst), entry[0])
    return 1


@command("move", arity=3, flags="write fast", keys=(1, 1, 1))
def move(ctx: Ctx, key: bytes, db: bytes):
    if ctx.engine.cluster:
        raise RedisError("ERR MOVE is not allowed in cluster mode")
    dbid = _to_int32(db)
    if not 0 <= dbid < DB_COUNT:
        raise RedisError(DB_INDEX)
    ks = ctx.ks
    if dbid == ks.db:
        raise RedisError(SAME_OBJECT)
    entry = ks.entry(key)
    if entry is None:
        return 0
    target = Keyspace(ks.tables, ks.conn, ks.tx, dbid, ks.now_ms)
    if target.exists(key):
        return 0
    _drop_stored(ks, target.sk(key))
    rekey(ks, ks.sk(key), target.sk(key), entry[0])
    return 1


# -- expiry --------------------------------------------------------------------------------

_EXPIRE_FLAGS = {b"nx": 1, b"xx": 2, b"gt": 4, b"lt": 8}


def _expire(ctx: Ctx, name: str, key: bytes, amount: bytes, options: tuple[bytes, ...], unit_ms: int, absolute: bool):
    flags = 0
    for opt in options:
        bit = _EXPIRE_FLAGS.get(opt.lower())
        if bit is None:
            raise RedisError(f"ERR Unsupported option {opt.decode('utf-8', 'replace')}")
        flags |= bit
    if flags & 1 and flags & 14:
        raise RedisError("ERR NX and XX, GT or LT options at the same time are not compatible")
    if flags & 4 and flags & 8:
        raise RedisError("ERR GT and LT options at the same time are not compatible")
    when = to_int(amount)
    if unit_ms == 1000:
        if when > INT64_MAX // 1000 or when < -(INT64_MAX // 1000):
            raise RedisError(INVALID_EXPIRE.format(name))
        when *= 1000
    base = 0 if absolute else ctx.now_ms
    if when > INT64_MAX - base:
        raise RedisError(INVALID_EXPIRE.format(name))
    when += base
    ks = ctx.ks
    entry = ks.entry(key)
    if entry is None:
        return 0
    current = entry[2]
    if flags & 1 and current is not None:
        return 0
    if flags & 2 and current is None:
        return 0
    if flags & 4 and (current is None or when <= current):
        return 0
    if flags & 8 and current is not None and when >= current:
        return 0
    if when <= ctx.now_ms:
        ks.delete(key)
    else:
        set_expiry_keeping_encoding(ks, key, entry[0], when)
    return 1


@command("expire", arity=-3, flags="write fast")
def expire(ctx: Ctx, key: bytes, seconds: bytes, *options: bytes):
    return _expire(ctx, "expire", key, seconds, options, 1000, False)


@command("pexpire", arity=-3, flags="write fast")
def pexpire(ctx: Ctx, key: bytes, ms: bytes, *options: bytes):
    return _expire(ctx, "pexpire", key, ms, options, 1, False)


@command("expireat", arity=-3, flags="write fast")
def expireat(ctx: Ctx, key: bytes, when: bytes, *options: bytes):
    return _expire(ctx, "expireat", key, when, options, 1000, True)


@command("pexpireat", arity=-3, flags="write fast")
def pexpireat(ctx: Ctx, key: bytes, when: bytes, *options: bytes):
    return _expire(ctx, "pexpireat", key, when, options, 1, True)


def _ttl(ctx: Ctx, key: bytes, ms: bool, absolute: bool) -> int:
    entry = ctx.ks.entry(key)
    if entry is None:
        return -2
    expires = entry[2]
    if expires is None:
        return -1
    if absolute:
        return expires if ms else (expires + 500) // 1000
    left = max(expires - ctx.now_ms, 0)
    return left if ms else (left + 500) // 1000


@command("ttl", arity=2, flags="readonly fast")
def ttl(ctx: Ctx, key: bytes):
    return _ttl(ctx, key, ms=False, absolute=False)


@command("pttl", arity=2, flags="readonly fast")
def pttl(ctx: Ctx, key: bytes):
    return _ttl(ctx, key, ms=True, absolute=False)


@command("expiretime", arity=2, flags="readonly fast")
def expiretime(ctx: Ctx, key: bytes):
    return _ttl(ctx, key, ms=False, absolute=True)


@command("pexpiretime", arity=2, flags="readonly fast")
def pexpiretime(ctx: Ctx, key: bytes):
    return _ttl(ctx, key, ms=True, absolute=True)


@command("persist", arity=2, flags="write fast")
def persist(ctx: Ctx, key: bytes):
    ks = ctx.ks
    entry = ks.entry(key)
    if entry is None or entry[2] is None:
        return 0
    set_expiry_keeping_encoding(ks, key, entry[0], None)
    return 1


# -- whole-keyspace commands -------------------------------------------------------------

def _successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with `prefix` (None: no bound)."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes((trimmed[-1] + 1,))


def _live_keys(ks: Keyspace, start: bytes = b"") -> Iterator[tuple[bytes, str]]:
    """(user key, type) of every live key of the db starting with `start`, in byte order."""
    lo = ks.p + start
    hi = _successor(lo)
    sql = f"SELECT key, type FROM {ks.kv.table} WHERE key >= ? AND (expires_ms IS NULL OR expires_ms > ?)"
    params: tuple = (lo, ks.now_ms)
    if hi is not None:
        sql += " AND key < ?"
        params += (hi,)
    for sk, t in ks.conn.execute(sql + " ORDER BY key", params):
        yield sk[1:], t


@command("keys", arity=2, flags="readonly", keys=None)
def keys(ctx: Ctx, pattern: bytes):
    out: list[bytes] = []
    everything = pattern == b"*"
    start = b"" if everything else literal_prefix(pattern)
    for ks in ctx.engine.keyspaces(ctx.session, write=False):
        for key, _ in _live_keys(ks, start):
            if everything or glob_match(pattern, key):
                out.append(key)
    return out


@command("dbsize", arity=1, flags="readonly fast", keys=None)
def dbsize(ctx: Ctx):
    return sum(ks.count() for ks in ctx.engine.keyspaces(ctx.session, write=False))


@command("randomkey", arity=1, flags="readonly", keys=None)
def randomkey(ctx: Ctx):
    order = list(range(len(ctx.engine.tables)))
    random.shuffle(order)
    now = int(time.time() * 1000)
    for index in order:
        tables = ctx.engine.tables[index]
        with tables.shard.reader() as conn:
            ks = Keyspace(tables, conn, None, ctx.session.db, now)
            lo, hi = ks.p, bytes((ks.db + 1,))
            probe = lo + os.urandom(8)
            sql = f"SELECT key FROM {ks.kv.table} WHERE key >= ? AND key < ? AND (expires_ms IS NULL OR expires_ms > ?) ORDER BY key LIMIT 1"
            row = conn.execute(sql, (probe, hi, now)).fetchone() or conn.execute(sql, (lo, hi, now)).fetchone()
            if row is not None:
                return row[0][1:]
    return None


def _flush_mode(args: tuple[bytes, ...]) -> None:
    # ASYNC frees memory in a background thread in Redis; the keys are gone at once either way.
    if len(args) > 1 or (args and args[0].lower() not in (b"async", b"sync")):
        raise RedisError(SYNTAX)


@command("flushdb", arity=-1, flags="write", keys=None)
def flushdb(ctx: Ctx, *mode: bytes):
    _flush_mode(mode)
    for ks in ctx.engine.keyspaces(ctx.session, write=True):
        ks.flush()
        ks.tx.execute(f"DELETE FROM {ENCODINGS} WHERE key >= ? AND key < ?", (ks.p, bytes((ks.db + 1,))))
    return OK


@command("flushall", arity=-1, flags="write", keys=None)
def flushall(ctx: Ctx, *mode: bytes):
    _flush_mode(mode)
    for tables in ctx.engine.tables:
        with tables.shard.write() as tx:
            ks = Keyspace(tables, tx.conn, tx, 0, ctx.now_ms)
            for db in range(DB_COUNT):
                ks.db, ks.p = db, bytes((db,))
                ks.flush()
            tx.execute(f"DELETE FROM {ENCODINGS}")
    return OK


@command("swapdb", arity=3, flags="write fast", keys=None)
def swapdb(ctx: Ctx, first: bytes, second: bytes):
    if ctx.engine.cluster:
        raise RedisError("ERR SWAPDB is not allowed in cluster mode")
    a = _to_int32(first, "ERR invalid first DB index")
    b = _to_int32(second, "ERR invalid second DB index")
    if not (0 <= a < DB_COUNT and 0 <= b < DB_COUNT):
        raise RedisError(DB_INDEX)
    if a == b:
        return OK
    parking = 0xFF  # no database uses this prefix byte
    for tables in ctx.engine.tables:
        with tables.shard.write() as tx:
            names = [tables.kv.table, ENCODINGS] + sorted({t for group in COMPANIONS.values() for t in group})
            for table in names:
                for src, dst in ((a, parking), (b, a), (parking, b)):
                    # The db byte is rewritten through hex so the key stays a BLOB, byte for byte.
                    rewrite = f"UPDATE {table} SET key = unhex(? || substr(hex(key), 3)) WHERE key >= ?"
                    if src == parking:
                        tx.execute(rewrite, (f"{dst:02X}", bytes((src,))))
                    else:
                        tx.execute(rewrite + " AND key < ?", (f"{dst:02X}", bytes((src,)), bytes((src + 1,))))
            # WATCH needs no new stamps: a watched key now shows the other db's row (or is still absent
            # in both, which Redis does not count as a change either).
    return OK


# -- SCAN ------------------------------------------------------------------------------------

SCAN_SCHEMA = """
CREATE TABLE IF NOT EXISTS r_scan_cursor (id INTEGER PRIMARY KEY, shard INTEGER NOT NULL, after BLOB NOT NULL, made_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS r_scan_cursor_age ON r_scan_cursor(made_ms);
"""
CURSOR_LIFETIME_MS = 7 * 24 * 3600 * 1000


def _cursor_tables(engine) -> ShardTables:
    tables = engine.tables[0]
    tables.shard.ensure_schema("redis-scan-cursors", SCAN_SCHEMA)
    return tables


def _parse_cursor(arg: bytes) -> int:
    """An unsigned 64-bit number as strtoull reads it ('-1' wraps, as in Redis)."""
    text = arg.decode("ascii", "replace")
    if not text:
        return 0  # strtoull reads nothing and Redis accepts it as 0
    body = text[1:] if text[:1] in "+-" else text
    if not body.isdigit() or text != text.strip():
        raise RedisError(INVALID_CURSOR)
    value = int(text)
    if value >= 1 << 64 or value < -(1 << 64) + 1:
        raise RedisError(INVALID_CURSOR)
    return value % (1 << 64)


def _cursor_position(engine, cursor: int) -> tuple[int, bytes | None]:
    """(shard index, last key returned) a cursor stands for; cursor 0 is the start. A cursor this
    server never handed out stands for the end: Redis takes any 64-bit number as a position in its
    hash table and never refuses one, and "no more keys" is an answer it can give for any of them."""
    if cursor == 0:
        return 0, None
    if cursor > MAX_SAVED_CURSOR:
        return len(engine.tables), None
    tables = _cursor_tables(engine)
    with tables.shard.reader() as conn:
        row = conn.execute("SELECT shard, after FROM r_scan_cursor WHERE id = ?", (cursor,)).fetchone()
    if row is None or row[0] >= len(engine.tables):
        return len(engine.tables), None
    return row[0], row[1]


def _save_cursor(engine, shard: int, after: bytes, now_ms: int) -> int:
    """A cursor is a number naming a stored position, so any client (any process) can resume it.
    The number is derived from the position itself: the same position always gets the same cursor."""
    digest = hashlib.blake2b(shard.to_bytes(4, "big") + after, digest_size=8).digest()
    cursor = int.from_bytes(digest, "big") >> (64 - MAX_SAVED_CURSOR.bit_length()) or 1
    tables = _cursor_tables(engine)
    with tables.shard.write() as tx:
        tx.execute("INSERT OR REPLACE INTO r_scan_cursor(id, shard, after, made_ms) VALUES (?, ?, ?, ?)", (cursor, shard, after, now_ms))
        if cursor % 64 == 0:
            tx.execute("DELETE FROM r_scan_cursor WHERE made_ms < ?", (now_ms - CURSOR_LIFETIME_MS,))
    return cursor


def scan_options(args: tuple[bytes, ...], allow_type: bool) -> tuple[bytes | None, int, str | None]:
    """MATCH, COUNT (and TYPE for SCAN) as Redis parses them."""
    pattern, count, type_name = None, 10, None
    i = 0
    while i < len(args):
        opt = args[i].lower()
        remaining = len(args) - i - 1
        if opt == b"count" and remaining >= 1:
            count = to_int(args[i + 1])
            if count < 1:
                raise RedisError(SYNTAX)
        elif opt == b"match" and remaining >= 1:
            pattern = args[i + 1]
        elif opt == b"type" and allow_type and remaining >= 1:
            type_name = args[i + 1].decode("utf-8", "replace").lower()
        else:
            raise RedisError(SYNTAX)
        i += 2
    return pattern, count, type_name


@command("scan", arity=-2, flags="readonly", keys=None)
def scan(ctx: Ctx, cursor_arg: bytes, *args: bytes):
    cursor = _parse_cursor(cursor_arg)
    pattern, count, type_name = scan_options(args, allow_type=True)
    if pattern == b"*":
        pattern = None
    engine = ctx.engine
    shard, after = _cursor_position(engine, cursor)
    now = int(time.time() * 1000)
    found: list[bytes] = []
    budget = count
    while shard < len(engine.tables):
        tables = engine.tables[shard]
        with tables.shard.reader() as conn:
            rows = Keyspace(tables, conn, None, ctx.session.db, now).scan(after, budget)
        for key, t in rows:
            if type_name is not None and t != type_name:
                continue
            if pattern is not None and not glob_match(pattern, key):
                continue
            found.append(key)
        budget -= len(rows)
        if budget <= 0:
            return [str(_save_cursor(engine, shard, rows[-1][0], now)).encode(), found]
        shard, after = shard + 1, None
    return [b"0", found]


# -- OBJECT -----------------------------------------------------------------------------------

OBJECT_HELP = [
    b"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    b"ENCODING <key>",
    b"    Return the kind of internal representation used in order to store the value",
    b"    associated with a <key>.",
    b"FREQ <key>",
    b"    Return the access frequency index of the <key>. The returned integer is",
    b"    proportional to the logarithm of the recent access frequency of the key.",
    b"IDLETIME <key>",
    b"    Return the idle time of the <key>, that is the approximated number of",
    b"    seconds elapsed since the last access to the key.",
    b"REFCOUNT <key>",
    b"    Return the number of references of the value associated with the specified",
    b"    <key>.",
    b"HELP",
    b"    Prints this help.",
]

# Redis 7.0's default conversion thresholds (hash/zset-max-listpack-*, set-max-intset-entries).
HASH_LISTPACK_ENTRIES = 512
ZSET_LISTPACK_ENTRIES = 128
LISTPACK_VALUE = 64
INTSET_ENTRIES = 512


def is_int64_text(value: bytes) -> bool:
    """True if Redis's string2ll accepts `value` (what makes an int-encoded string or an intset member)."""
    if not value or len(value) > 20:
        return False
    try:
        to_int(value)
    except RedisError:
        return False
    return True


ENCODINGS = "r_str_encoding"
_marks = 0


def string_encoding(ks: Keyspace, key: bytes, value: bytes) -> str:
    """int/embstr/raw as Redis would report it: a mark left by the last write if it is still
    current (same ver stamp as the key row), else what Redis's tryObjectEncoding picks for the bytes."""
    sk = ks.sk(key)
    row = ks.conn.execute(
        f"SELECT e.enc FROM {ENCODINGS} e JOIN {ks.kv.table} k ON k.key = e.key AND k.ver = e.ver WHERE e.key = ?", (sk,)
    ).fetchone()
    if row is not None:
        return row[0]
    if is_int64_text(value):
        return "int"
    return "embstr" if len(value) <= 44 else "raw"


def set_string_encoding(ks: Keyspace, key: bytes, enc: str) -> None:
    """Record how Redis holds a string just written when its bytes do not say it (APPEND: raw ...).
    Any later write through the key-value layer changes the stamp and so retires the mark."""
    global _marks
    sk = ks.sk(key)
    ks.tx.execute(
        f"INSERT OR REPLACE INTO {ENCODINGS}(key, enc, ver) SELECT key, ?, ver FROM {ks.kv.table} WHERE key = ?", (enc, sk)
    )
    _marks += 1
    if _marks % 256 == 0:  # sweep marks of keys deleted or rewritten since
        ks.tx.execute(
            f"DELETE FROM {ENCODINGS} WHERE key IN (SELECT e.key FROM {ENCODINGS} e LEFT JOIN {ks.kv.table} k "
            f"ON k.key = e.key AND k.ver = e.ver WHERE k.key IS NULL LIMIT 1000)"
        )


def set_expiry_keeping_encoding(ks: Keyspace, key: bytes, type: str, expires_ms: int | None) -> None:
    """Change a live key's expiry; a string's encoding mark stays current (the stamp changes)."""
    sk = ks.sk(key)
    old_ver = _ver(ks, sk) if type == "string" else None
    ks.set_expiry(key, expires_ms)
    if old_ver is not None:
        ks.tx.execute(
            f"UPDATE {ENCODINGS} SET ver = (SELECT ver FROM {ks.kv.table} WHERE key = ?) WHERE key = ? AND ver = ?",
            (sk, sk, old_ver),
        )


def _encoding(ks: Keyspace, key: bytes, entry) -> str:
    type_, value = entry[0], entry[1]
    sk = ks.sk(key)
    conn = ks.conn
    if type_ == "string":
        return string_encoding(ks, key, value or b"")
    if type_ == "list":
        return "quicklist"
    if type_ == "hash":
        n, longest = conn.execute(
            "SELECT count(*), max(max(length(field)), max(length(value))) FROM r_hash WHERE key = ?", (sk,)
        ).fetchone()
        return "listpack" if n <= HASH_LISTPACK_ENTRIES and (longest or 0) <= LISTPACK_VALUE else "hashtable"
    if type_ == "zset":
        n, longest = conn.execute("SELECT count(*), max(length(member)) FROM r_zset WHERE key = ?", (sk,)).fetchone()
        return "listpack" if n <= ZSET_LISTPACK_ENTRIES and (longest or 0) <= LISTPACK_VALUE else "skiplist"
    if type_ == "set":
        members = conn.execute("SELECT member FROM r_set WHERE key = ? LIMIT ?", (sk, INTSET_ENTRIES + 1)).fetchall()
        if len(members) <= INTSET_ENTRIES and all(is_int64_text(m) for (m,) in members):
            return "intset"
        return "hashtable"
    if type_ == "stream":
        return "stream"
    return type_


@command("object", arity=-2, flags="readonly", keys=(2, 2, 1))
def object_(ctx: Ctx, sub: bytes, *args: bytes):
    op = sub.lower()
    if op not in (b"help", b"encoding", b"refcount", b"idletime", b"freq"):
        raise unknown_subcommand(sub, "object")
    if op == b"help":
        if args:
            raise RedisError("ERR wrong number of arguments for 'object|help' command")
        return OBJECT_HELP
    if len(args) != 1:
        raise RedisError(f"ERR wrong number of arguments for 'object|{op.decode()}' command")
    ks = ctx.ks
    entry = ks.entry(args[0])
    if entry is None:
        return None
    if op == b"encoding":
        return _encoding(ks, args[0], entry).encode()
    if op == b"refcount":
        if entry[0] == "string" and _encoding(ks, args[0], entry) == "int" and 0 <= int(entry[1]) < SHARED_INTEGERS:
            return SHARED_REFCOUNT
        return 1
    if op == b"freq":
        raise RedisError(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
            "switching between policies at runtime LRU and LFU data will take some time to adjust."
        )
    # IDLETIME: seconds since the key was last read or written through this engine.
    return access_clock(ctx.engine).idle_seconds(ks.db, args[0], ctx.now_ms)


class AccessClock:
    """Last-access times of keys (for OBJECT IDLETIME), kept in memory like Redis's LRU clock.

    The engine is meant to call `note(db, keys, now_ms)` for every keyed command it runs (one dict
    update per key); keys with no recorded access count as just accessed."""

    LIMIT = 100_000

    def __init__(self, started_ms: int) -> None:
        self.started_ms = started_ms
        self.seen: dict[tuple[int, bytes], int] = {}

    def note(self, db: int, keys, now_ms: int) -> None:
        seen = self.seen
        for key in keys:
            seen.pop((db, key), None)
            seen[(db, key)] = now_ms
        if len(seen) > self.LIMIT:
            for old in list(seen)[: len(seen) - self.LIMIT]:
                del seen[old]

    def idle_seconds(self, db: int, key: bytes, now_ms: int) -> int:
        return max(0, (now_ms - self.seen.get((db, key), now_ms)) // 1000)


def access_clock(engine) -> AccessClock:
    clock = engine.extensions.get("access-clock")
    if clock is None:
        clock = engine.extensions["access-clock"] = AccessClock(int(engine.started * 1000))
    return clock
