"""DUMP and RESTORE: a key's value as Redis's serialized payload (RDB value + version + CRC-64).

DUMP writes the plain RDB encodings every Redis loads (rdb.write_value); RESTORE reads those and
the compact ones Redis 6 and 7 write (listpacks, ziplists, intsets, quicklists, LZF strings), so
keys move both ways between dotdo and Redis. Streams are neither dumped nor restored (their
listpack-of-entries form is not implemented): both answer an error that says so. A restored key
is written through the type's own commands, in the command's transaction.
"""
from __future__ import annotations

from typing import Any

from .. import rdb
from ..args import to_int
from ..context import Ctx
from ..errors import SYNTAX, RedisError
from ..registry import command
from ..replies import OK
from . import hashes, lists, sets, strings, zsets

BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong"
NO_STREAMS = "ERR DUMP and RESTORE of streams are not supported by dotdo"


def _value(ctx: Ctx, key: bytes, type: str) -> Any:
    if type == "string":
        return ctx.ks.get_string(key)
    if type == "list":
        return lists.list_values(ctx, key)
    if type == "set":
        return sets.set_members(ctx, key)
    if type == "hash":
        return hashes._fields(ctx, key)
    if type == "zset":
        return zsets._range(ctx, key, b"0", b"-1", "rank", False, 0, -1)
    raise RedisError(NO_STREAMS)


@command("dump", arity=2, flags="readonly")
def dump(ctx: Ctx, key: bytes):
    type = ctx.ks.type_of(key)
    if type is None:
        return None
    return rdb.with_footer(rdb.write_value(type, _value(ctx, key, type)))


def _write(ctx: Ctx, key: bytes, type: str, value: Any) -> None:
    if type == "string":
        strings.set_(ctx, key, value)
    elif type == "list":
        lists.rpush(ctx, key, *value)
    elif type == "set":
        sets.sadd(ctx, key, *value)
    elif type == "hash":
        hashes.hset(ctx, key, *[x for pair in value for x in pair])
    elif type == "zset":
        zsets.zadd(ctx, key, *[x for member, score in value for x in (repr(score).encode(), member)])


@command("restore", arity=-4, flags="write denyoom")
def restore(ctx: Ctx, key: bytes, ttl: bytes, payload: bytes, *options: bytes):
    replace = absttl = False
    i = 0
    while i < len(options):
        word = options[i].lower()
        if word == b"replace":
            replace = True
        elif word == b"absttl":
            absttl = True
        elif word == b"idletime" and i + 1 < len(options):
            if to_int(options[i + 1]) < 0:
                raise RedisError("ERR Invalid IDLETIME value, must be >= 0")
            raise RedisError("ERR RESTORE IDLETIME is not supported by dotdo (keys keep no access time)")
        elif word == b"freq" and i + 1 < len(options):
            if not 0 <= to_int(options[i + 1]) <= 255:
                raise RedisError("ERR Invalid FREQ value, must be >= 0 and <= 255")
            raise RedisError("ERR RESTORE FREQ is not supported by dotdo (keys keep no access frequency)")
        else:
            raise RedisError(SYNTAX)
        i += 1 + (word in (b"idletime", b"freq"))
    expires = to_int(ttl)
    if expires < 0:
        raise RedisError("ERR Invalid TTL value, must be >= 0")
    if not replace and ctx.ks.exists(key):
        raise RedisError("BUSYKEY Target key name already exists.")
    try:
        reader = rdb.Reader(rdb.verify_footer(payload))
    except rdb.RdbError:
        raise RedisError(BAD_PAYLOAD) from None
    try:
        type, value = rdb.read_value(reader)
        if type == "stream":
            raise RedisError(NO_STREAMS)
        if not reader.done():
            raise rdb.RdbError("trailing bytes")
    except (rdb.RdbError, ValueError):
        raise RedisError("ERR Bad data format") from None
    if expires and not absttl:
        expires += ctx.now_ms
    if replace:
        ctx.ks.delete(key)
    if expires and expires <= ctx.now_ms:
        return OK  # already expired: Redis answers OK and stores nothing
    if type != "string" and not value:
        raise RedisError("ERR Bad data format")  # Redis refuses an empty collection
    _write(ctx, key, type, value)
    if expires:
        ctx.ks.set_expiry(key, expires)
    return OK

