"""Hash commands over the r_hash companion table (key, field, value)."""
from __future__ import annotations

import random

from ..args import INT64_MAX, INT64_MIN, to_int
from ..context import Ctx
from ..errors import OVERFLOW, SYNTAX, RedisError, wrong_arity
from ..registry import command
from ..replies import OK, Map
from .collection_helpers import (
    filter_match, format_long_double_human, long_double_add, parse_long_double, pick_random,
    random_count, scan_cursor, scan_options, scan_page,
)

# A hash stays a listpack in Redis (and HSCAN answers it whole) up to these sizes.
LISTPACK_ENTRIES = 128
LISTPACK_VALUE = 64


def _fields(ctx: Ctx, key: bytes) -> list[tuple[bytes, bytes]]:
    if ctx.ks.typed(key, "hash") is None:
        return []
    return ctx.ks.conn.execute(
        "SELECT field, value FROM r_hash WHERE key = ? ORDER BY field", (ctx.ks.sk(key),)
    ).fetchall()


def _get(ctx: Ctx, key: bytes, field: bytes) -> bytes | None:
    row = ctx.ks.conn.execute(
        "SELECT value FROM r_hash WHERE key = ? AND field = ?", (ctx.ks.sk(key), field)
    ).fetchone()
    return None if row is None else row[0]


def _write_fields(ctx: Ctx, key: bytes, exists: bool, pairs: list[tuple[bytes, bytes]]) -> int:
    """Set fields (creating the key if needed); returns how many fields are new."""
    ks = ctx.ks
    sk = ks.sk(key)
    if not exists:
        ks.create(key, "hash")
        new = len({f for f, _ in pairs})
    else:
        distinct = list(dict.fromkeys(f for f, _ in pairs))
        marks = ",".join("?" * len(distinct))
        present = ks.conn.execute(
            f"SELECT count(*) FROM r_hash WHERE key = ? AND field IN ({marks})", (sk, *distinct)
        ).fetchone()[0]
        new = len(distinct) - present
    ks.tx.executemany(
        "INSERT OR REPLACE INTO r_hash(key, field, value) VALUES (?, ?, ?)", [(sk, f, v) for f, v in pairs]
    )
    ks.touch(key)
    return new


@command("hset", arity=-4, flags="write denyoom fast")
def hset(ctx: Ctx, key: bytes, *args: bytes):
    if len(args) % 2:
        raise wrong_arity("hset")
    exists = ctx.ks.typed(key, "hash") is not None
    return _write_fields(ctx, key, exists, list(zip(args[::2], args[1::2])))


@command("hmset", arity=-4, flags="write denyoom fast")
def hmset(ctx: Ctx, key: bytes, *args: bytes):
    if len(args) % 2:
        raise wrong_arity("hmset")
    exists = ctx.ks.typed(key, "hash") is not None
    _write_fields(ctx, key, exists, list(zip(args[::2], args[1::2])))
    return OK


@command("hsetnx", arity=4, flags="write denyoom fast")
def hsetnx(ctx: Ctx, key: bytes, field: bytes, value: bytes):
    exists = ctx.ks.typed(key, "hash") is not None
    if exists and _get(ctx, key, field) is not None:
        return 0
    _write_fields(ctx, key, exists, [(field, value)])
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
    if ks.typed(key, "hash") is None:
        return 0
    sk = ks.sk(key)
    removed = 0
    for f in dict.fromkeys(fields):
        ks.tx.execute("DELETE FROM r_hash WHERE key = ? AND field = ?", (sk, f))
        removed += ks.conn.changes()
    if removed:
        ks.touch(key)
        ks.drop_if_empty(key, "hash")
    return removed


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
    exists = ctx.ks.typed(key, "hash") is not None
    current = _get(ctx, key, field) if exists else None
    value = 0
    if current is not None:
        value = to_int(current, "ERR hash value is not an integer")
    result = value + incr
    if not INT64_MIN <= result <= INT64_MAX:
        raise RedisError(OVERFLOW)
    _write_fields(ctx, key, exists, [(field, str(result).encode())])
    return result


@command("hincrbyfloat", arity=4, flags="write denyoom fast")
def hincrbyfloat(ctx: Ctx, key: bytes, field: bytes, increment: bytes):
    incr = parse_long_double(increment)
    if incr is None:
        raise RedisError("ERR value is not a valid float")
    if isinstance(incr, float):
        raise RedisError("ERR value is NaN or Infinity")
    exists = ctx.ks.typed(key, "hash") is not None
    current = _get(ctx, key, field) if exists else None
    value = 0
    if current is not None:
        value = parse_long_double(current)
        if value is None:
            raise RedisError("ERR hash value is not a float")
    result = long_double_add(value, incr)
    if result is None:
        raise RedisError("ERR increment would produce NaN or Infinity")
    text = format_long_double_human(result)
    _write_fields(ctx, key, exists, [(field, text)])
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
    pattern, count = scan_options(options)
    pairs = _fields(ctx, key)
    whole = len(pairs) <= LISTPACK_ENTRIES and all(
        len(f) <= LISTPACK_VALUE and len(v) <= LISTPACK_VALUE for f, v in pairs
    )
    nxt, page = scan_page(pairs, start, count, whole)
    page = filter_match(page, pattern)
    return [str(nxt).encode(), [x for pair in page for x in pair]]
