"""Sorted-set commands over the r_zset companion table (key, member, score).

Order is (score, member bytes), which the r_zset_by_score index (key, score, member)
serves directly; ranks are counts over that index."""
from __future__ import annotations

import math
import random
from typing import Any

from ..args import to_int
from ..context import Ctx
from ..errors import (
    MIN_MAX_NOT_FLOAT,
    MIN_MAX_NOT_STRING,
    SYNTAX,
    WRONGTYPE,
    RedisError,
)
from ..registry import command
from ..replies import NULL_ARRAY, Double
from .collection_helpers import (
    mpop_count,
    intercard_limit,
    blocked,
    d2string,
    filter_match,
    key_callback,
    numkeys_arg,
    pick_random,
    positive_count,
    random_count,
    scan_cursor,
    scan_options,
    scan_page,
    score_arg,
    strtod,
    timeout_arg,
)

NAN_SCORE = "ERR resulting score is not a number (NaN)"
# A sorted set stays a listpack in Redis (and ZSCAN answers it whole) up to these sizes.
LISTPACK_ENTRIES = 128
LISTPACK_VALUE = 64

_ASC = "ORDER BY score, member"
_DESC = "ORDER BY score DESC, member DESC"


# -- reading ------------------------------------------------------------------------------

def _exists(ctx: Ctx, key: bytes) -> bool:
    return ctx.ks.typed(key, "zset") is not None


def _card(ctx: Ctx, key: bytes) -> int:
    return ctx.ks.conn.execute("SELECT count(*) FROM r_zset WHERE key = ?", (ctx.ks.sk(key),)).fetchone()[0]


def _score(ctx: Ctx, key: bytes, member: bytes) -> float | None:
    row = ctx.ks.conn.execute(
        "SELECT score FROM r_zset WHERE key = ? AND member = ?", (ctx.ks.sk(key), member)
    ).fetchone()
    return None if row is None else row[0]


# Small results of a read are kept in the read cache (storage._Rows.queries), emptied with it when
# anything commits to the shard: a leaderboard's ZRANGE 0 9 read again and again costs no query.
_CACHED_QUERIES = 1024
_CACHED_RANGE_ROWS = 64
_CACHED_MEMBER_BYTES = 256


def _select(ctx: Ctx, key: bytes, where: str = "", params: tuple = (), rev: bool = False,
            offset: int = 0, limit: int = -1) -> list[tuple[bytes, float]]:
    # `+?` and `?+0`: the statement is not re-prepared per execution (see dotdo_core/sqlite.py).
    sql = f"SELECT member, score FROM r_zset WHERE key = +?{where} {_DESC if rev else _ASC} LIMIT ?+0 OFFSET ?+0"
    ks = ctx.ks
    args = (ks.sk(key), *params, limit, offset)
    cache = ks.cache
    if cache is None:  # writing, or no cheap change check
        return ks.conn.execute(sql, args).fetchall()
    queries = cache.queries
    found = queries.get((sql, args))
    if found is None:
        found = ks.conn.execute(sql, args).fetchall()
        if len(found) <= _CACHED_RANGE_ROWS and len(queries) < _CACHED_QUERIES \
                and all(len(member) <= _CACHED_MEMBER_BYTES for member, _ in found):
            queries[(sql, args)] = found
    return found.copy()  # callers may reorder what they get


def _all(ctx: Ctx, key: bytes) -> list[tuple[bytes, float]]:
    return _select(ctx, key)


def zset_members(ctx: Ctx, key: bytes) -> list[bytes]:
    """The members in the sorted set's own order (score, then bytes). For SORT."""
    return [member for member, _ in _all(ctx, key)]


def _rank_slice(ctx: Ctx, key: bytes, start: int, stop: int, rev: bool) -> list[tuple[bytes, float]]:
    if 0 <= start <= stop:  # no end counted from the top: no need for the cardinality
        return _select(ctx, key, rev=rev, offset=start, limit=min(stop - start + 1, 2**62))
    n = _card(ctx, key)
    if start < 0:
        start += n
    if stop < 0:
        stop += n
    start = max(start, 0)
    if start > stop or start >= n:
        return []
    stop = min(stop, n - 1)
    return _select(ctx, key, rev=rev, offset=start, limit=stop - start + 1)


# -- ranges --------------------------------------------------------------------------------

def _score_bound(arg: bytes) -> tuple[float, bool]:
    """One end of a score range: (value, exclusive). Redis reads it with plain strtod, so
    leading space, '(' alone (= exclusive 0) and overflow to ±inf are all accepted."""
    exclusive = arg[:1] == b"("
    text = arg[1:] if exclusive else arg
    value = strtod(text.lstrip(b" \t\n\v\f\r"), allow_empty=True, allow_overflow=True)
    if value is None:
        raise RedisError(MIN_MAX_NOT_FLOAT)
    return value, exclusive


class ScoreRange:
    __slots__ = ("hi", "hi_ex", "lo", "lo_ex")

    def __init__(self, lo: bytes, hi: bytes) -> None:
        self.lo, self.lo_ex = _score_bound(lo)
        self.hi, self.hi_ex = _score_bound(hi)

    def sql(self) -> tuple[str, tuple]:
        return (
            f" AND score {'>' if self.lo_ex else '>='} +? AND score {'<' if self.hi_ex else '<='} +?",
            (self.lo, self.hi),
        )

    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and (self.lo_ex or self.hi_ex))


def _lex_bound(arg: bytes) -> tuple[str, bytes | None, bool]:
    """('-'|'+'|'v', value, exclusive) for one end of a lex range."""
    if arg == b"-":
        return "-", None, False
    if arg == b"+":
        return "+", None, False
    if arg[:1] == b"[":
        return "v", arg[1:], False
    if arg[:1] == b"(":
        return "v", arg[1:], True
    raise RedisError(MIN_MAX_NOT_STRING)


class LexRange:
    __slots__ = ("hi", "lo")

    def __init__(self, lo: bytes, hi: bytes) -> None:
        self.lo = _lex_bound(lo)
        self.hi = _lex_bound(hi)

    def sql(self) -> tuple[str, tuple]:
        where, params = "", []
        kind, value, ex = self.lo
        if kind == "+":
            where += " AND 0"
        elif kind == "v":
            where += f" AND member {'>' if ex else '>='} +?"
            params.append(value)
        kind, value, ex = self.hi
        if kind == "-":
            where += " AND 0"
        elif kind == "v":
            where += f" AND member {'<' if ex else '<='} +?"
            params.append(value)
        return where, tuple(params)

    def gte_min(self, member: bytes) -> bool:
        kind, value, ex = self.lo
        if kind != "v":
            return kind == "-"
        return member > value if ex else member >= value

    def lte_max(self, member: bytes) -> bool:
        kind, value, ex = self.hi
        if kind != "v":
            return kind == "+"
        return member < value if ex else member <= value

    def empty(self) -> bool:
        """sdscmplex(min, max) > 0, or equal ends with one excluded."""
        (lk, lv, lex), (hk, hv, hex_) = self.lo, self.hi
        rank = {"-": 0, "v": 1, "+": 2}
        if rank[lk] != rank[hk] or lk != "v":
            cmp = (rank[lk] > rank[hk]) - (rank[lk] < rank[hk])
        else:
            cmp = (lv > hv) - (lv < hv)
        return cmp > 0 or (cmp == 0 and (lex or hex_))

    def walk(self, pairs: list[tuple[bytes, float]], rev: bool) -> list[tuple[bytes, float]]:
        """Redis's lex walk over elements in (score, member) order, which assumes equal
        scores: start at the first element past the near end of the range, then take
        elements until one falls outside the far end. With mixed scores this is what Redis
        answers (for a listpack-encoded set), not a filter on the members."""
        if not pairs or self.empty():
            return []
        if not self.gte_min(pairs[-1][0]) or not self.lte_max(pairs[0][0]):
            return []
        out = []
        if not rev:
            i = next((i for i, (m, _) in enumerate(pairs) if self.gte_min(m)), None)
            if i is None:
                return []
            for m, sc in pairs[i:]:
                if not self.lte_max(m):
                    break
                out.append((m, sc))
        else:
            i = next((i for i in range(len(pairs) - 1, -1, -1) if self.lte_max(pairs[i][0])), None)
            if i is None:
                return []
            for m, sc in reversed(pairs[: i + 1]):
                if not self.gte_min(m):
                    break
                out.append((m, sc))
        return out


def _single_score(ctx: Ctx, key: bytes) -> bool:
    """Whether every element has the same score (then a lex range is a plain member range)."""
    sk = ctx.ks.sk(key)
    lo = ctx.ks.conn.execute("SELECT score FROM r_zset WHERE key = +? ORDER BY score LIMIT 1", (sk,)).fetchone()
    hi = ctx.ks.conn.execute("SELECT score FROM r_zset WHERE key = +? ORDER BY score DESC LIMIT 1", (sk,)).fetchone()
    return lo is None or lo[0] == hi[0]


def _lex_select(ctx: Ctx, key: bytes, rng: LexRange, rev: bool, offset: int = 0, limit: int = -1) -> list[tuple[bytes, float]]:
    if _single_score(ctx, key):
        where, params = rng.sql()
        return _select(ctx, key, where, params, rev, offset, limit)
    found = rng.walk(_select(ctx, key), rev)
    return found[offset:] if limit < 0 else found[offset : offset + limit]


def _parse_range_options(args: tuple[bytes, ...], *, by: str | None, rev: bool | None,
                         allow_withscores: bool) -> tuple[str, bool, int, int, bool]:
    """Redis's zrangeGenericCommand option loop: returns (by, rev, offset, limit, withscores)."""
    withscores = False
    offset, limit = 0, -1
    limit_given = False
    i = 0
    while i < len(args):
        opt = args[i].lower()
        left = len(args) - i - 1
        if opt == b"withscores" and allow_withscores:
            withscores = True
        elif opt == b"limit" and left >= 2:
            offset = to_int(args[i + 1])
            limit = to_int(args[i + 2])
            limit_given = True
            i += 2
        elif opt == b"rev" and rev is None:
            rev = True
        elif opt == b"bylex" and by is None:
            by = "lex"
        elif opt == b"byscore" and by is None:
            by = "score"
        else:
            raise RedisError(SYNTAX)
        i += 1
    by = by or "rank"
    rev = bool(rev)
    if limit_given and by == "rank":
        raise RedisError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
    if withscores and by == "lex":
        raise RedisError("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
    return by, rev, offset, (limit if limit_given else -1), withscores


def _range(ctx: Ctx, key: bytes, lo: bytes, hi: bytes, by: str, rev: bool, offset: int, limit: int) -> list[tuple[bytes, float]]:
    """The elements a ZRANGE-family call selects; lo/hi already in (min, max) order for
    score and lex ranges. Arguments are parsed before the key is looked up, as Redis does."""
    if by == "rank":
        start, stop = to_int(lo), to_int(hi)
        if not _exists(ctx, key):
            return []
        return _rank_slice(ctx, key, start, stop, rev)
    rng: Any = ScoreRange(lo, hi) if by == "score" else LexRange(lo, hi)
    if not _exists(ctx, key):
        return []
    if offset < 0:
        return []
    if by == "lex":
        return _lex_select(ctx, key, rng, rev, offset, limit)
    where, params = rng.sql()
    return _select(ctx, key, where, params, rev, offset, limit)


def _scored(ctx: Ctx, pairs: list[tuple[bytes, float]], withscores: bool) -> list:
    if not withscores:
        return [m for m, _ in pairs]
    if ctx.session.protocol == 3:
        return [[m, Double(s)] for m, s in pairs]
    return [x for m, s in pairs for x in (m, Double(s))]


def _pairs_reply(ctx: Ctx, pairs: list[tuple[bytes, float]]) -> list:
    """Member/score pairs that RESP3 nests and RESP2 flattens (ZPOPMIN with a count, ...)."""
    return _scored(ctx, pairs, True)


# -- writing ------------------------------------------------------------------------------------

def _put(ctx: Ctx, key: bytes, pairs: list[tuple[bytes, float]]) -> None:
    sk = ctx.ks.sk(key)
    ctx.ks.tx.executemany(
        "INSERT OR REPLACE INTO r_zset(key, member, score) VALUES (?, ?, ?)", [(sk, m, s) for m, s in pairs]
    )


def _delete_members(ctx: Ctx, key: bytes, members: list[bytes]) -> None:
    sk = ctx.ks.sk(key)
    ctx.ks.tx.executemany("DELETE FROM r_zset WHERE key = ? AND member = ?", [(sk, m) for m in members])


def _changed(ctx: Ctx, key: bytes) -> None:
    ctx.ks.touch(key)
    ctx.ks.drop_if_empty(key, "zset")


def _store(ctx: Ctx, dest: bytes, pairs: list[tuple[bytes, float]]) -> int:
    """Replace `dest` by a sorted set of `pairs`; an empty result deletes it."""
    ks = ctx.ks
    ks.delete(dest)
    if pairs:
        ks.create(dest, "zset")
        _put(ctx, dest, pairs)
        ks.touch(dest)
    return len(pairs)


@command("zadd", arity=-4, flags="write denyoom fast")
def zadd(ctx: Ctx, key: bytes, *args: bytes):
    nx = xx = gt = lt = ch = incr = False
    i = 0
    while i < len(args):
        opt = args[i].lower()
        if opt == b"nx":
            nx = True
        elif opt == b"xx":
            xx = True
        elif opt == b"gt":
            gt = True
        elif opt == b"lt":
            lt = True
        elif opt == b"ch":
            ch = True
        elif opt == b"incr":
            incr = True
        else:
            break
        i += 1
    rest = args[i:]
    if not rest or len(rest) % 2:
        raise RedisError(SYNTAX)
    if nx and xx:
        raise RedisError("ERR XX and NX options at the same time are not compatible")
    if (gt and nx) or (lt and nx) or (gt and lt):
        raise RedisError("ERR GT, LT, and/or NX options at the same time are not compatible")
    if incr and len(rest) > 2:
        raise RedisError("ERR INCR option supports a single increment-element pair")
    scores = [score_arg(s) for s in rest[::2]]
    members = rest[1::2]
    exists = _exists(ctx, key)
    if not exists and xx:
        return None if incr else 0
    current: dict[bytes, float] = {}
    if exists:
        for m in set(members):
            s = _score(ctx, key, m)
            if s is not None:
                current[m] = s
    added = updated = 0
    writes: dict[bytes, float] = {}
    result: float | None = None
    for score, member in zip(scores, members):
        cur = writes.get(member, current.get(member))
        if cur is not None:
            if nx:
                continue
            if incr:
                score = cur + score
                if math.isnan(score):
                    raise RedisError(NAN_SCORE)
            if (gt and score <= cur) or (lt and score >= cur):
                continue
            result = score
            if score != cur:
                writes[member] = score
                updated += 1
        else:
            if xx:
                continue
            result = score
            writes[member] = score
            current[member] = score
            added += 1
    if not exists:
        ctx.ks.create(key, "zset")
    if writes:
        _put(ctx, key, list(writes.items()))
        ctx.ks.touch(key)
    if incr:
        return None if result is None else Double(result)
    return added + updated if ch else added


@command("zincrby", arity=4, flags="write denyoom fast")
def zincrby(ctx: Ctx, key: bytes, increment: bytes, member: bytes):
    incr = score_arg(increment)
    exists = _exists(ctx, key)
    cur = _score(ctx, key, member) if exists else None
    score = incr if cur is None else cur + incr
    if math.isnan(score):
        raise RedisError(NAN_SCORE)
    if not exists:
        ctx.ks.create(key, "zset")
    if score != cur:
        _put(ctx, key, [(member, score)])
    ctx.ks.touch(key)
    return Double(score)


@command("zrem", arity=-3, flags="write fast")
def zrem(ctx: Ctx, key: bytes, *members: bytes):
    if not _exists(ctx, key):
        return 0
    present = [m for m in dict.fromkeys(members) if _score(ctx, key, m) is not None]
    if present:
        _delete_members(ctx, key, present)
        _changed(ctx, key)
    return len(present)


@command("zcard", arity=2, flags="readonly fast")
def zcard(ctx: Ctx, key: bytes):
    return _card(ctx, key) if _exists(ctx, key) else 0


@command("zscore", arity=3, flags="readonly fast")
def zscore(ctx: Ctx, key: bytes, member: bytes):
    if not _exists(ctx, key):
        return None
    s = _score(ctx, key, member)
    return None if s is None else Double(s)


@command("zmscore", arity=-3, flags="readonly fast")
def zmscore(ctx: Ctx, key: bytes, *members: bytes):
    if not _exists(ctx, key):
        return [None] * len(members)
    out = []
    for m in members:
        s = _score(ctx, key, m)
        out.append(None if s is None else Double(s))
    return out


def _rank(ctx: Ctx, key: bytes, member: bytes, rev: bool):
    if not _exists(ctx, key):
        return None
    s = _score(ctx, key, member)
    if s is None:
        return None
    op = ">" if rev else "<"
    return ctx.ks.conn.execute(
        f"SELECT count(*) FROM r_zset WHERE key = ? AND (score, member) {op} (?, ?)", (ctx.ks.sk(key), s, member)
    ).fetchone()[0]


@command("zrank", arity=3, flags="readonly fast")
def zrank(ctx: Ctx, key: bytes, member: bytes):
    return _rank(ctx, key, member, False)


@command("zrevrank", arity=3, flags="readonly fast")
def zrevrank(ctx: Ctx, key: bytes, member: bytes):
    return _rank(ctx, key, member, True)


@command("zcount", arity=4, flags="readonly fast")
def zcount(ctx: Ctx, key: bytes, lo: bytes, hi: bytes):
    rng = ScoreRange(lo, hi)
    if not _exists(ctx, key):
        return 0
    where, params = rng.sql()
    return ctx.ks.conn.execute(
        f"SELECT count(*) FROM r_zset WHERE key = ?{where}", (ctx.ks.sk(key), *params)
    ).fetchone()[0]


@command("zlexcount", arity=4, flags="readonly fast")
def zlexcount(ctx: Ctx, key: bytes, lo: bytes, hi: bytes):
    rng = LexRange(lo, hi)
    if not _exists(ctx, key):
        return 0
    if not _single_score(ctx, key):
        return len(rng.walk(_select(ctx, key), False))
    where, params = rng.sql()
    return ctx.ks.conn.execute(
        f"SELECT count(*) FROM r_zset WHERE key = ?{where}", (ctx.ks.sk(key), *params)
    ).fetchone()[0]


# -- the ZRANGE family ------------------------------------------------------------------------------

@command("zrange", arity=-4, flags="readonly")
def zrange(ctx: Ctx, key: bytes, start: bytes, stop: bytes, *options: bytes):
    by, rev, offset, limit, withscores = _parse_range_options(options, by=None, rev=None, allow_withscores=True)
    lo, hi = (stop, start) if rev and by != "rank" else (start, stop)
    return _scored(ctx, _range(ctx, key, lo, hi, by, rev, offset, limit), withscores)


@command("zrangestore", arity=-5, flags="write denyoom", keys=(1, 2, 1))
def zrangestore(ctx: Ctx, dest: bytes, src: bytes, start: bytes, stop: bytes, *options: bytes):
    by, rev, offset, limit, _ = _parse_range_options(options, by=None, rev=None, allow_withscores=False)
    lo, hi = (stop, start) if rev and by != "rank" else (start, stop)
    return _store(ctx, dest, _range(ctx, src, lo, hi, by, rev, offset, limit))


@command("zrevrange", arity=-4, flags="readonly")
def zrevrange(ctx: Ctx, key: bytes, start: bytes, stop: bytes, *options: bytes):
    by, rev, offset, limit, withscores = _parse_range_options(options, by="rank", rev=True, allow_withscores=True)
    return _scored(ctx, _range(ctx, key, start, stop, by, rev, offset, limit), withscores)


@command("zrangebyscore", arity=-4, flags="readonly")
def zrangebyscore(ctx: Ctx, key: bytes, lo: bytes, hi: bytes, *options: bytes):
    by, rev, offset, limit, withscores = _parse_range_options(options, by="score", rev=False, allow_withscores=True)
    return _scored(ctx, _range(ctx, key, lo, hi, by, rev, offset, limit), withscores)


@command("zrevrangebyscore", arity=-4, flags="readonly")
def zrevrangebyscore(ctx: Ctx, key: bytes, hi: bytes, lo: bytes, *options: bytes):
    by, rev, offset, limit, withscores = _parse_range_options(options, by="score", rev=True, allow_withscores=True)
    return _scored(ctx, _range(ctx, key, lo, hi, by, rev, offset, limit), withscores)


@command("zrangebylex", arity=-4, flags="readonly")
def zrangebylex(ctx: Ctx, key: bytes, lo: bytes, hi: bytes, *options: bytes):
    by, rev, offset, limit, withscores = _parse_range_options(options, by="lex", rev=False, allow_withscores=True)
    return _scored(ctx, _range(ctx, key, lo, hi, by, rev, offset, limit), withscores)


@command("zrevrangebylex", arity=-4, flags="readonly")
def zrevrangebylex(ctx: Ctx, key: bytes, hi: bytes, lo: bytes, *options: bytes):
    by, rev, offset, limit, withscores = _parse_range_options(options, by="lex", rev=True, allow_withscores=True)
    return _scored(ctx, _range(ctx, key, lo, hi, by, rev, offset, limit), withscores)


# -- removing ranges ---------------------------------------------------------------------------------

def _remove_selected(ctx: Ctx, key: bytes, pairs: list[tuple[bytes, float]]) -> int:
    if pairs:
        _delete_members(ctx, key, [m for m, _ in pairs])
        _changed(ctx, key)
    return len(pairs)


@command("zremrangebyrank", arity=4, flags="write")
def zremrangebyrank(ctx: Ctx, key: bytes, start: bytes, stop: bytes):
    return _remove_selected(ctx, key, _range(ctx, key, start, stop, "rank", False, 0, -1))


@command("zremrangebyscore", arity=4, flags="write")
def zremrangebyscore(ctx: Ctx, key: bytes, lo: bytes, hi: bytes):
    return _remove_selected(ctx, key, _range(ctx, key, lo, hi, "score", False, 0, -1))


@command("zremrangebylex", arity=4, flags="write")
def zremrangebylex(ctx: Ctx, key: bytes, lo: bytes, hi: bytes):
    return _remove_selected(ctx, key, _range(ctx, key, lo, hi, "lex", False, 0, -1))


# -- pops -------------------------------------------------------------------------------------------------

def _pop(ctx: Ctx, key: bytes, count: int, highest: bool) -> list[tuple[bytes, float]]:
    pairs = _select(ctx, key, rev=highest, limit=count)
    _remove_selected(ctx, key, pairs)
    return pairs


def _zpop(ctx: Ctx, key: bytes, args: tuple[bytes, ...], highest: bool):
    if len(args) > 1:
        raise RedisError(SYNTAX)
    count = positive_count(args[0]) if args else None
    if not _exists(ctx, key) or count == 0:
        return []
    pairs = _pop(ctx, key, 1 if count is None else count, highest)
    if count is None:
        m, s = pairs[0]
        return [m, Double(s)]
    return _pairs_reply(ctx, pairs)


@command("zpopmin", arity=-2, flags="write fast")
def zpopmin(ctx: Ctx, key: bytes, *args: bytes):
    return _zpop(ctx, key, args, False)


@command("zpopmax", arity=-2, flags="write fast")
def zpopmax(ctx: Ctx, key: bytes, *args: bytes):
    return _zpop(ctx, key, args, True)


def _bzpop(ctx: Ctx, args: tuple[bytes, ...], highest: bool):
    keys = list(args[:-1])
    timeout = timeout_arg(args[-1])
    for key in keys:
        if _exists(ctx, key):
            m, s = _pop(ctx, key, 1, highest)[0]
            return [key, m, Double(s)]
    return blocked(ctx, keys, timeout, NULL_ARRAY, NULL_ARRAY)


@command("bzpopmin", arity=-3, flags="write noscript fast blocking", keys=(1, -2, 1))
def bzpopmin(ctx: Ctx, *args: bytes):
    return _bzpop(ctx, args, False)


@command("bzpopmax", arity=-3, flags="write noscript fast blocking", keys=(1, -2, 1))
def bzpopmax(ctx: Ctx, *args: bytes):
    return _bzpop(ctx, args, True)


def _mpop_args(args: tuple[bytes, ...]) -> tuple[list[bytes], bool, int]:
    numkeys = numkeys_arg(args[0])
    if len(args) < numkeys + 2:
        raise RedisError(SYNTAX)
    keys = list(args[1 : 1 + numkeys])
    where = args[1 + numkeys].lower()
    if where not in (b"min", b"max"):
        raise RedisError(SYNTAX)
    rest = args[2 + numkeys :]
    count = mpop_count(rest)
    return keys, where == b"max", count


def _mpop(ctx: Ctx, keys: list[bytes], highest: bool, count: int):
    for key in keys:
        if _exists(ctx, key):
            pairs = _pop(ctx, key, count, highest)
            return [key, [[m, Double(s)] for m, s in pairs]]
    return None


@command("zmpop", arity=-4, flags="write", keys=key_callback(1))
def zmpop(ctx: Ctx, *args: bytes):
    keys, highest, count = _mpop_args(args)
    reply = _mpop(ctx, keys, highest, count)
    return NULL_ARRAY if reply is None else reply


@command("bzmpop", arity=-5, flags="write blocking", keys=key_callback(2))
def bzmpop(ctx: Ctx, timeout: bytes, *args: bytes):
    keys, highest, count = _mpop_args(args)
    seconds = timeout_arg(timeout)  # read after the other arguments: Redis reports their errors first
    reply = _mpop(ctx, keys, highest, count)
    if reply is None:
        return blocked(ctx, keys, seconds, NULL_ARRAY, NULL_ARRAY)
    return reply


# -- random ----------------------------------------------------------------------------------------------

@command("zrandmember", arity=-2, flags="readonly")
def zrandmember(ctx: Ctx, key: bytes, *args: bytes):
    if not args:
        if not _exists(ctx, key):
            return None
        pairs = _all(ctx, key)
        return random.choice(pairs)[0]
    withscores = False
    if len(args) == 2:
        if args[1].lower() != b"withscores":
            raise RedisError(SYNTAX)
        withscores = True
    elif len(args) > 2:
        raise RedisError(SYNTAX)
    count = random_count(args[0], withscores)
    # Asked for at least all of them, Redis lists the whole set from the highest rank down.
    pairs = _select(ctx, key, rev=True) if _exists(ctx, key) else []
    return _scored(ctx, pick_random(pairs, count, random), withscores)


# -- set algebra -----------------------------------------------------------------------------------------

def _input_keys(cmd: str, args: tuple[bytes, ...]) -> list[bytes]:
    setnum = to_int(args[0])
    if setnum < 1:
        raise RedisError(f"ERR at least 1 input key is needed for '{cmd}' command")
    if setnum > len(args) - 1:
        raise RedisError(SYNTAX)
    return list(args[1 : 1 + setnum])


def _aggregate_args(ctx: Ctx, cmd: str, args: tuple[bytes, ...], *, store: bool, weights_ok: bool):
    """numkeys key ... [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]. Redis reads the
    input keys (so WRONGTYPE comes first) before it parses the options."""
    keys = _input_keys(cmd, args)
    sources = [_source(ctx, k) for k in keys]
    setnum = len(keys)
    weights = [1.0] * setnum
    aggregate = "sum"
    withscores = False
    i = 1 + setnum
    while i < len(args):
        opt = args[i].lower()
        remaining = len(args) - i - 1
        if weights_ok and opt == b"weights" and remaining >= setnum:
            for j in range(setnum):
                w = strtod(args[i + 1 + j])
                if w is None:
                    raise RedisError("ERR weight value is not a float")
                weights[j] = w
            i += setnum
        elif weights_ok and opt == b"aggregate" and remaining >= 1:
            word = args[i + 1].lower()
            if word not in (b"sum", b"min", b"max"):
                raise RedisError(SYNTAX)
            aggregate = word.decode()
            i += 1
        elif not store and opt == b"withscores":
            withscores = True
        else:
            raise RedisError(SYNTAX)
        i += 1
    return sources, weights, aggregate, withscores


def _source(ctx: Ctx, key: bytes) -> dict[bytes, float] | None:
    """A sorted set's scores, or a plain set's members scored 1; None when missing."""
    entry = ctx.ks.entry(key)
    if entry is None:
        return None
    sk = ctx.ks.sk(key)
    if entry[0] == "zset":
        return dict(ctx.ks.conn.execute("SELECT member, score FROM r_zset WHERE key = ?", (sk,)).fetchall())
    if entry[0] == "set":
        return {r[0]: 1.0 for r in ctx.ks.conn.execute("SELECT member FROM r_set WHERE key = ?", (sk,))}
    raise RedisError(WRONGTYPE)


def _weighted(score: float, weight: float) -> float:
    v = score * weight
    return 0.0 if math.isnan(v) else v


def _combine(acc: float, v: float, aggregate: str) -> float:
    if aggregate == "sum":
        total = acc + v
        return 0.0 if math.isnan(total) else total  # inf + -inf: Redis's convention is 0
    if aggregate == "min":
        return min(acc, v)
    return max(acc, v)


def _compute(op: str, sources: list[dict[bytes, float] | None], weights: list[float], aggregate: str) -> list[tuple[bytes, float]]:
    result: dict[bytes, float] = {}
    if op == "union":
        for src, w in zip(sources, weights):
            for m, s in (src or {}).items():
                v = _weighted(s, w)
                result[m] = _combine(result[m], v, aggregate) if m in result else v
    elif op == "inter":
        if all(sources):
            order = sorted(range(len(sources)), key=lambda j: len(sources[j]))
            first = order[0]
            for m, s in sources[first].items():
                if all(m in sources[j] for j in order[1:]):
                    v = _weighted(s, weights[first])
                    for j in order[1:]:
                        v = _combine(v, _weighted(sources[j][m], weights[j]), aggregate)
                    result[m] = v
    else:
        first = sources[0]
        if first:
            drop = set().union(*(s for s in sources[1:] if s))
            result = {m: s for m, s in first.items() if m not in drop}
    return sorted(result.items(), key=lambda kv: (kv[1], kv[0]))


def _algebra(ctx: Ctx, cmd: str, op: str, args: tuple[bytes, ...]):
    sources, weights, aggregate, withscores = _aggregate_args(ctx, cmd, args, store=False, weights_ok=op != "diff")
    return _scored(ctx, _compute(op, sources, weights, aggregate), withscores)


def _algebra_store(ctx: Ctx, cmd: str, op: str, dest: bytes, args: tuple[bytes, ...]):
    sources, weights, aggregate, _ = _aggregate_args(ctx, cmd, args, store=True, weights_ok=op != "diff")
    return _store(ctx, dest, _compute(op, sources, weights, aggregate))


@command("zunion", arity=-3, flags="readonly", keys=key_callback(1))
def zunion(ctx: Ctx, *args: bytes):
    return _algebra(ctx, "zunion", "union", args)


@command("zinter", arity=-3, flags="readonly", keys=key_callback(1))
def zinter(ctx: Ctx, *args: bytes):
    return _algebra(ctx, "zinter", "inter", args)


@command("zdiff", arity=-3, flags="readonly", keys=key_callback(1))
def zdiff(ctx: Ctx, *args: bytes):
    return _algebra(ctx, "zdiff", "diff", args)


@command("zunionstore", arity=-4, flags="write denyoom", keys=key_callback(2, dest=True))
def zunionstore(ctx: Ctx, dest: bytes, *args: bytes):
    return _algebra_store(ctx, "zunionstore", "union", dest, args)


@command("zinterstore", arity=-4, flags="write denyoom", keys=key_callback(2, dest=True))
def zinterstore(ctx: Ctx, dest: bytes, *args: bytes):
    return _algebra_store(ctx, "zinterstore", "inter", dest, args)


@command("zdiffstore", arity=-4, flags="write denyoom", keys=key_callback(2, dest=True))
def zdiffstore(ctx: Ctx, dest: bytes, *args: bytes):
    return _algebra_store(ctx, "zdiffstore", "diff", dest, args)


@command("zintercard", arity=-3, flags="readonly", keys=key_callback(1))
def zintercard(ctx: Ctx, *args: bytes):
    keys = _input_keys("zintercard", args)
    sources = [_source(ctx, k) for k in keys]
    rest = args[1 + len(keys) :]
    limit = intercard_limit(rest)
    n = len(_compute("inter", sources, [1.0] * len(keys), "sum"))
    return min(n, limit) if limit else n


# -- ZSCAN -----------------------------------------------------------------------------------------------------

@command("zscan", arity=-3, flags="readonly")
def zscan(ctx: Ctx, key: bytes, cursor: bytes, *options: bytes):
    start = scan_cursor(cursor)
    if not _exists(ctx, key):
        return [b"0", []]  # Redis answers a missing key before it reads the options
    pattern, count = scan_options(options)
    pairs = _all(ctx, key)
    whole = len(pairs) <= LISTPACK_ENTRIES and all(len(m) <= LISTPACK_VALUE for m, _ in pairs)
    nxt, page = scan_page(pairs, start, count, whole)
    return [str(nxt).encode(), [x for m, s in filter_match(page, pattern) for x in (m, d2string(s))]]
