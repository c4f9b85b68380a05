"""Set commands over the r_set companion table (key, member)."""
from __future__ import annotations

import random

from ..args import to_int
from ..context import Ctx
from ..errors import SYNTAX, RedisError
from ..registry import command
from ..replies import SetReply
from .collection_helpers import (
    intercard_limit,
    filter_match,
    key_callback,
    numkeys_arg,
    pick_random,
    positive_count,
    random_count,
    scan_cursor,
    scan_options,
    scan_page,
)

# Redis 7.0 keeps a set of integers as an intset up to this size (SSCAN answers it whole).
INTSET_ENTRIES = 512


def _exists(ctx: Ctx, key: bytes) -> bool:
    return ctx.ks.typed(key, "set") is not None


def _members(ctx: Ctx, key: bytes) -> list[bytes]:
    """Every member (after the type check); [] when the key is missing."""
    if not _exists(ctx, key):
        return []
    members = [r[0] for r in ctx.ks.conn.execute("SELECT member FROM r_set WHERE key = ?", (ctx.ks.sk(key),))]
    if len(members) <= INTSET_ENTRIES:
        numbers = _as_integers(members)
        if numbers is not None:  # an intset: Redis keeps and lists it in numeric order
            return [m for _, m in sorted(zip(numbers, members))]
    return members


def set_members(ctx: Ctx, key: bytes) -> list[bytes]:
    """`_members` for other command families (SORT): in the order Redis would iterate the set."""
    return _members(ctx, key)


def _is_member(ctx: Ctx, key: bytes, member: bytes) -> bool:
    return ctx.ks.conn.execute(
        "SELECT 1 FROM r_set WHERE key = ? AND member = ?", (ctx.ks.sk(key), member)
    ).fetchone() is not None


def _add(ctx: Ctx, key: bytes, exists: bool, members) -> int:
    ks = ctx.ks
    if not exists:
        ks.create(key, "set")
    sk = ks.sk(key)
    added = 0
    for m in members:
        ks.tx.execute("INSERT OR IGNORE INTO r_set(key, member) VALUES (?, ?)", (sk, m))
        added += ks.conn.changes()
    if added or not exists:
        ks.touch(key)
    return added


def _remove(ctx: Ctx, key: bytes, members) -> int:
    ks = ctx.ks
    sk = ks.sk(key)
    removed = 0
    for m in members:
        ks.tx.execute("DELETE FROM r_set WHERE key = ? AND member = ?", (sk, m))
        removed += ks.conn.changes()
    if removed:
        ks.touch(key)
        ks.drop_if_empty(key, "set")
    return removed


def _store(ctx: Ctx, dest: bytes, members: list[bytes]) -> int:
    """Replace `dest` (whatever it held) by a set of `members`; an empty result deletes it."""
    ks = ctx.ks
    existed = ks.delete(dest)
    if members:
        ks.create(dest, "set")
        sk = ks.sk(dest)
        ks.tx.executemany("INSERT OR IGNORE INTO r_set(key, member) VALUES (?, ?)", [(sk, m) for m in members])
        ks.touch(dest)
    elif existed:
        pass  # the delete above is the change
    return len(members)


@command("sadd", arity=-3, flags="write denyoom fast")
def sadd(ctx: Ctx, key: bytes, *members: bytes):
    return _add(ctx, key, _exists(ctx, key), members)


@command("srem", arity=-3, flags="write fast")
def srem(ctx: Ctx, key: bytes, *members: bytes):
    if not _exists(ctx, key):
        return 0
    return _remove(ctx, key, members)


@command("smembers", arity=2, flags="readonly")
def smembers(ctx: Ctx, key: bytes):
    return SetReply(_members(ctx, key))


@command("sismember", arity=3, flags="readonly fast")
def sismember(ctx: Ctx, key: bytes, member: bytes):
    return int(_exists(ctx, key) and _is_member(ctx, key, member))


@command("smismember", arity=-3, flags="readonly fast")
def smismember(ctx: Ctx, key: bytes, *members: bytes):
    if not _exists(ctx, key):
        return [0] * len(members)
    return [int(_is_member(ctx, key, m)) for m in members]


@command("scard", arity=2, flags="readonly fast")
def scard(ctx: Ctx, key: bytes):
    if not _exists(ctx, key):
        return 0
    return ctx.ks.conn.execute("SELECT count(*) FROM r_set WHERE key = ?", (ctx.ks.sk(key),)).fetchone()[0]


@command("spop", arity=-2, flags="write fast")
def spop(ctx: Ctx, key: bytes, *args: bytes):
    if len(args) > 1:
        raise RedisError(SYNTAX)
    count = positive_count(args[0]) if args else None
    members = _members(ctx, key)
    if count is None:
        if not members:
            return None
        chosen = [random.choice(members)]
        _remove(ctx, key, chosen)
        return chosen[0]
    if not members or count == 0:
        return SetReply()
    chosen = pick_random(members, count, random)
    _remove(ctx, key, chosen)
    return SetReply(chosen)


@command("srandmember", arity=-2, flags="readonly")
def srandmember(ctx: Ctx, key: bytes, *args: bytes):
    if len(args) > 1:
        raise RedisError(SYNTAX)
    if not args:
        members = _members(ctx, key)
        return random.choice(members) if members else None
    count = random_count(args[0], False)
    return pick_random(_members(ctx, key), count, random)


@command("smove", arity=4, flags="write fast", keys=(1, 2, 1))
def smove(ctx: Ctx, source: bytes, destination: bytes, member: bytes):
    ks = ctx.ks
    src = ks.entry(source)
    dst = ks.entry(destination)
    if src is None:
        return 0
    if src[0] != "set" or (dst is not None and dst[0] != "set"):
        ks.typed(source, "set")
        ks.typed(destination, "set")
    if source == destination:
        return int(_is_member(ctx, source, member))
    if not _remove(ctx, source, [member]):
        return 0
    _add(ctx, destination, dst is not None, [member])
    return 1


# -- algebra -------------------------------------------------------------------------------

def _load_all(ctx: Ctx, keys) -> list[list[bytes] | None]:
    """Each key's members (None when missing), every type checked before any answer."""
    out: list[list[bytes] | None] = []
    for key in keys:
        out.append(_members(ctx, key) if _exists(ctx, key) else None)
    return out


def _inter(sets: list[list[bytes] | None], limit: int = 0) -> list[bytes]:
    if any(s is None for s in sets):
        return []
    ordered = sorted(sets, key=len)
    others = [set(s) for s in ordered[1:]]
    out = []
    for m in ordered[0]:
        if all(m in o for o in others):
            out.append(m)
            if limit and len(out) >= limit:
                break
    return out


def _union(sets: list[list[bytes] | None]) -> list[bytes]:
    return list(dict.fromkeys(m for s in sets if s for m in s))


def _diff(sets: list[list[bytes] | None]) -> list[bytes]:
    first = sets[0]
    if not first:
        return []
    drop = {m for s in sets[1:] if s for m in s}
    return [m for m in first if m not in drop]


@command("sinter", arity=-2, flags="readonly", keys=(1, -1, 1))
def sinter(ctx: Ctx, *keys: bytes):
    return SetReply(_inter(_load_all(ctx, keys)))


@command("sunion", arity=-2, flags="readonly", keys=(1, -1, 1))
def sunion(ctx: Ctx, *keys: bytes):
    return SetReply(_union(_load_all(ctx, keys)))


@command("sdiff", arity=-2, flags="readonly", keys=(1, -1, 1))
def sdiff(ctx: Ctx, *keys: bytes):
    return SetReply(_diff(_load_all(ctx, keys)))


@command("sinterstore", arity=-3, flags="write denyoom", keys=(1, -1, 1))
def sinterstore(ctx: Ctx, dest: bytes, *keys: bytes):
    return _store(ctx, dest, _inter(_load_all(ctx, keys)))


@command("sunionstore", arity=-3, flags="write denyoom", keys=(1, -1, 1))
def sunionstore(ctx: Ctx, dest: bytes, *keys: bytes):
    return _store(ctx, dest, _union(_load_all(ctx, keys)))


@command("sdiffstore", arity=-3, flags="write denyoom", keys=(1, -1, 1))
def sdiffstore(ctx: Ctx, dest: bytes, *keys: bytes):
    return _store(ctx, dest, _diff(_load_all(ctx, keys)))


@command("sintercard", arity=-3, flags="readonly", keys=key_callback(1))
def sintercard(ctx: Ctx, numkeys: bytes, *args: bytes):
    n = numkeys_arg(numkeys)
    if n > len(args):
        raise RedisError("ERR Number of keys can't be greater than number of args")
    keys, rest = args[:n], args[n:]
    limit = intercard_limit(rest)
    return len(_inter(_load_all(ctx, keys), limit))


@command("sscan", arity=-3, flags="readonly")
def sscan(ctx: Ctx, key: bytes, cursor: bytes, *options: bytes):
    start = scan_cursor(cursor)
    if not _exists(ctx, key):
        return [b"0", []]  # Redis answers a missing key before it reads the options
    pattern, count = scan_options(options)
    members = _members(ctx, key)
    whole = len(members) <= INTSET_ENTRIES and _as_integers(members) is not None
    nxt, page = scan_page([(m, None) for m in members], start, count, whole)
    return [str(nxt).encode(), [m for m, _ in filter_match(page, pattern)]]


def _as_integers(members: list[bytes]) -> list[int] | None:
    """The members as integers if every one is an integer Redis would store in an intset."""
    out = []
    for m in members:
        try:
            out.append(to_int(m))
        except RedisError:
            return None
    return out
