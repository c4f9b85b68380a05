"""Hash commands over the r_hash companion table (key, field, value).

Redis 7.0 keeps a small hash as a listpack, which answers HGETALL/HKEYS/HSCAN in insertion
order, and converts it for good to a hashtable once it outgrows 128 fields or meets a field
or value over 64 bytes. The key row's inline value holds that listpack order (field names,
each prefixed by its length) while the hash is small, and NULL once it has converted — so
keeping the order costs no extra write: the same UPDATE that records the change for WATCH
carries it."""
from __future__ import annotations

import random
from fractions import Fraction

from ..args import INT64_MAX, INT64_MIN, to_int
from ..context import Ctx
from ..errors import OVERFLOW, SYNTAX, RedisError, wrong_arity
from ..registry import command
from ..replies import OK, Map
from . import longdouble
from .collection_helpers import (
    filter_match,
    pick_random,
    random_count,
    scan_cursor,
    scan_options,
    scan_page,
)

LISTPACK_ENTRIES = 128
LISTPACK_VALUE = 64

Entry = tuple  # (type, inline value, expires_ms) from Keyspace.typed


def encode_order(fields: list[bytes] | None) -> bytes | None:
    if fields is None:
        return None
    return b"".join(bytes((len(f),)) + f for f in fields)


def decode_order(blob: bytes | None) -> list[bytes] | None:
    if blob is None:
        return None
    out, i = [], 0
    while i < len(blob):
        n = blob[i]
        out.append(blob[i + 1 : i + 1 + n])
        i += 1 + n
    return out


def _entry(ctx: Ctx, key: bytes) -> Entry | None:
    return ctx.ks.typed(key, "hash")


def _fields(ctx: Ctx, key: bytes, entry: Entry | None = None) -> list[tuple[bytes, bytes]]:
    """Every (field, value), in the order Redis would list them."""
    if entry is None:
        entry = _entry(ctx, key)
        if entry is None:
            return []
    rows = ctx.ks.conn.execute(
        "SELECT field, value FROM r_hash WHERE key = +? ORDER BY field", (ctx.ks.sk(key),)
    ).fetchall()
    order = decode_order(entry[1])
    if order is None or len(order) != len(rows):
        return rows
    values = dict(rows)
    return [(f, values[f]) for f in order]


def _get(ctx: Ctx, key: bytes, field: bytes) -> bytes | None:
    row = ctx.ks.conn.execute(
        "SELECT value FROM r_hash WHERE key = ? AND field = ?", (ctx.ks.sk(key), field)
    ).fetchone()
    return None if row is None else row[0]


def hash_field(ctx: Ctx, key: bytes, field: bytes) -> bytes | None:
    """One field's value of a key the caller knows is a hash (SORT's `->field` patterns)."""
    return _get(ctx, key, field)


def _write_fields(ctx: Ctx, key: bytes, entry: Entry | None, pairs: list[tuple[bytes, bytes]]) -> int:
    """Set fields (creating the key if needed); returns how many fields are new."""
    ks = ctx.ks
    sk = ks.sk(key)
    distinct = list(dict.fromkeys(f for f, _ in pairs))
    if entry is None:
        added = distinct
        order: list[bytes] | None = []
    else:
        marks = ",".join("?" * len(distinct))
        present = {
            r[0] for r in ks.conn.execute(f"SELECT field FROM r_hash WHERE key = ? AND field IN ({marks})", (sk, *distinct))
        }
        added = [f for f in distinct if f not in present]
        order = decode_order(entry[1])
    if order is not None:
        if any(len(f) > LISTPACK_VALUE or len(v) > LISTPACK_VALUE for f, v in pairs):
            order = None
        else:
            order.extend(added)
            if len(order) > LISTPACK_ENTRIES:
                order = None
    if entry is None:
        ks.create(key, "hash", encode_order(order))  # first: it clears rows an expired namesake left
    else:
        ks.set_value(key, encode_order(order))  # also the WATCH stamp
    ks.tx.executemany(
        "INSERT OR REPLACE INTO r_hash(key, field, value) VALUES (?, ?, ?)", [(sk, f, v) for f, v in pairs]
    )
    return len(added)


@command("hset", arity=-4, flags="write denyoom fast")
def hset(ctx: Ctx, key: bytes, *args: bytes):
    if len(args) % 2:
        raise wrong_arity("hset")
    return _write_fields(ctx, key, _entry(ctx, key), list(zip(args[::2], args[1::2])))


@command("hmset", arity=-4, flags="write denyoom fast")
def hmset(ctx: Ctx, key: bytes, *args: bytes):
    if len(args) % 2:
        raise wrong_arity("hmset")
    _write_fields(ctx, key, _entry(ctx, key), list(zip(args[::2], args[1::2])))
    return OK


@command("hsetnx", arity=4, flags="write denyoom fast")
def hsetnx(ctx: Ctx, key: bytes, field: bytes, value: bytes):
    entry = _entry(ctx, key)
    if entry is not None and _get(ctx, key, field) is not None:
        return 0
    _write_fields(ctx, key, entry, [(field, value)])
    return 1


@command("hget", arity=3, flags="readonly fast")
def hget(ctx: Ctx, key: bytes, field: bytes):
    if ctx.ks.typed(key, "hash") is None:
        return None
    return _get(ctx, key, field)


@command("hmget", arity=-3, flags="readonly fast")
def hmget(ctx: Ctx, key: bytes, *fields: bytes):
    if ctx.ks.typed(key, "hash") is None:
        return [None] * len(fields)
    return [_get(ctx, key, f) for f in fields]


@command("hdel", arity=-3, flags="write fast")
def hdel(ctx: Ctx, key: bytes, *fields: bytes):
    ks = ctx.ks
    entry = _entry(ctx, key)
    if entry is None:
        return 0
    sk = ks.sk(key)
    gone = []
    for f in dict.fromkeys(fields):
        ks.tx.execute("DELETE FROM r_hash WHERE key = ? AND field = ?", (sk, f))
        if ks.conn.changes():
            gone.append(f)
    if gone:
        order = decode_order(entry[1])
        if order is not None:
            dropped = set(gone)
            order = [f for f in order if f not in dropped]
        if not ks.drop_if_empty(key, "hash"):
            ks.set_value(key, encode_order(order))  # also the WATCH stamp
    return len(gone)


@command("hlen", arity=2, flags="readonly fast")
def hlen(ctx: Ctx, key: bytes):
    if ctx.ks.typed(key, "hash") is None:
        return 0
    return ctx.ks.conn.execute("SELECT count(*) FROM r_hash WHERE key = ?", (ctx.ks.sk(key),)).fetchone()[0]


@command("hstrlen", arity=3, flags="readonly fast")
def hstrlen(ctx: Ctx, key: bytes, field: bytes):
    if ctx.ks.typed(key, "hash") is None:
        return 0
    value = _get(ctx, key, field)
    return 0 if value is None else len(value)


@command("hexists", arity=3, flags="readonly fast")
def hexists(ctx: Ctx, key: bytes, field: bytes):
    if ctx.ks.typed(key, "hash") is None:
        return 0
    return int(_get(ctx, key, field) is not None)


@command("hkeys", arity=2, flags="readonly")
def hkeys(ctx: Ctx, key: bytes):
    return [f for f, _ in _fields(ctx, key)]


@command("hvals", arity=2, flags="readonly")
def hvals(ctx: Ctx, key: bytes):
    return [v for _, v in _fields(ctx, key)]


@command("hgetall", arity=2, flags="readonly")
def hgetall(ctx: Ctx, key: bytes):
    return Map(_fields(ctx, key))


@command("hincrby", arity=4, flags="write denyoom fast")
def hincrby(ctx: Ctx, key: bytes, field: bytes, increment: bytes):
    incr = to_int(increment)
    entry = _entry(ctx, key)
    current = _get(ctx, key, field) if entry is not None else None
    value = 0
    if current is not None:
        value = to_int(current, "ERR hash value is not an integer")
    result = value + incr
    if not INT64_MIN <= result <= INT64_MAX:
        raise RedisError(OVERFLOW)
    _write_fields(ctx, key, entry, [(field, str(result).encode())])
    return result


@command("hincrbyfloat", arity=4, flags="write denyoom fast")
def hincrbyfloat(ctx: Ctx, key: bytes, field: bytes, increment: bytes):
    incr = longdouble.parse(increment)
    if incr is None:
        raise RedisError("ERR value is not a valid float")
    if isinstance(incr, float):
        raise RedisError("ERR value is NaN or Infinity")
    entry = _entry(ctx, key)
    current = _get(ctx, key, field) if entry is not None else None
    value: object = Fraction(0)
    if current is not None:
        value = longdouble.parse(current)
        if value is None:
            raise RedisError("ERR hash value is not a float")
    result = longdouble.add(value, incr)
    if isinstance(result, float):  # an infinite stored value: the sum is inf or NaN
        raise RedisError("ERR increment would produce NaN or Infinity")
    text = longdouble.format_human(result)
    _write_fields(ctx, key, entry, [(field, text)])
    return text


@command("hrandfield", arity=-2, flags="readonly")
def hrandfield(ctx: Ctx, key: bytes, *args: bytes):
    if not args:
        pairs = _fields(ctx, key)
        return random.choice(pairs)[0] if pairs else None
    with_values = False
    if len(args) == 2:
        if args[1].lower() != b"withvalues":
            raise RedisError(SYNTAX)
        with_values = True
    elif len(args) > 2:
        raise RedisError(SYNTAX)
    count = random_count(args[0], with_values)
    chosen = pick_random(_fields(ctx, key), count, random)
    if not with_values:
        return [f for f, _ in chosen]
    if ctx.session.protocol == 3:
        return [[f, v] for f, v in chosen]
    return [x for pair in chosen for x in pair]


@command("hscan", arity=-3, flags="readonly")
def hscan(ctx: Ctx, key: bytes, cursor: bytes, *options: bytes):
    start = scan_cursor(cursor)
    entry = _entry(ctx, key)
    if entry is None:
        return [b"0", []]  # Redis answers a missing key before it reads the options
    pattern, count = scan_options(options)
    pairs = _fields(ctx, key, entry)
    whole = entry[1] is not None  # a listpack answers whole, whatever the cursor
    nxt, page = scan_page(pairs, start, count, whole)
    page = filter_match(page, pattern)
    return [str(nxt).encode(), [x for pair in page for x in pair]]
