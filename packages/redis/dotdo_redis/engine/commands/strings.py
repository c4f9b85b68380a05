"""String commands."""
from __future__ import annotations

from ..args import to_int
from ..context import Ctx
from ..errors import INVALID_EXPIRE, SYNTAX, RedisError
from ..registry import command
from ..replies import OK


@command("get", arity=2, flags="readonly fast")
def get(ctx: Ctx, key: bytes):
    return ctx.ks.get_string(key)


@command("set", arity=-3, flags="write denyoom")
def set_(ctx: Ctx, key: bytes, value: bytes, *options: bytes):
    expires = None
    nx = xx = keepttl = get_old = False
    i = 0
    n = len(options)
    while i < n:
        opt = options[i].lower()
        if opt == b"nx" and not xx:
            nx = True
        elif opt == b"xx" and not nx:
            xx = True
        elif opt == b"get":
            get_old = True
        elif opt == b"keepttl" and expires is None:
            keepttl = True
        elif opt in (b"ex", b"px", b"exat", b"pxat") and expires is None and not keepttl and i + 1 < n:
            amount = to_int(options[i + 1])
            if amount <= 0:
                raise RedisError(INVALID_EXPIRE.format("set"))
            if opt == b"ex":
                expires = ctx.now_ms + amount * 1000
            elif opt == b"px":
                expires = ctx.now_ms + amount
            elif opt == b"exat":
                expires = amount * 1000
            else:
                expires = amount
            if opt in (b"ex", b"exat") and amount > (1 << 63) // 1000:
                raise RedisError(INVALID_EXPIRE.format("set"))
            i += 1
        else:
            raise RedisError(SYNTAX)
        i += 1
    ks = ctx.ks
    entry = ks.entry(key)
    old = None
    if get_old and entry is not None:
        if entry[0] != "string":
            raise RedisError("WRONGTYPE Operation against a key holding the wrong kind of value")
        old = entry[1]
    if (nx and entry is not None) or (xx and entry is None):
        return old if get_old else None
    if keepttl and entry is not None:
        expires = entry[2]
    ks.set_string(key, value, expires)
    return old if get_old else OK
