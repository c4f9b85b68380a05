"""List commands over the r_list companion table (key, pos, value).

A list's positions are kept contiguous (head .. tail, no gaps), so an index is one
addition away from a primary-key lookup and the length is tail - head + 1: pushes extend
either end, pops and LTRIM cut the ends, and the rare middle edits (LINSERT, LREM) move
the rows on the shorter side. The key row's inline value holds (head, tail), so a push is
one read of the key row, the inserts and one update of it.

A push to a list this process pushed to last skips the read: the ends it wrote are remembered
with the key row's stamp, and one conditional update checks the stamp (every write of a key row
changes it, in any process) while writing the new ends. A stamp that moved — another command,
process or a rolled-back transaction — makes that update write nothing, and the push reads.

In a batch (a pipeline, or the server's group commit), the pushes that follow such a push to the
same list hold their rows and ends back until the batch runs any other command or commits, then
write them in one update and one insert: fifty clients pushing to one queue cost two statements
per batch, not per push. No one can see the difference: the batch holds the write lock, and every
command that could read the list writes them out first.
"""
from __future__ import annotations

import struct

from dotdo_core.primitives.kv import LADDER, ladder_size

from ..args import INT64_MIN, to_int
from ..context import Ctx
from ..errors import INDEX_OUT_OF_RANGE, NO_SUCH_KEY, SYNTAX, RedisError, wrong_arity
from ..registry import command
from ..replies import NULL_ARRAY, OK
from ...storage import remember
from .collection_helpers import (
    mpop_count,
    blocked,
    key_callback,
    numkeys_arg,
    positive_count,
    timeout_arg,
)

_ENDS = struct.Struct("<qq")  # (head, tail) in the key row's value
# Lists written before the key row held the ends: read them off the rows.
_BOUNDS = (
    "SELECT (SELECT pos FROM r_list WHERE key = +?1 ORDER BY pos LIMIT 1), "
    "(SELECT pos FROM r_list WHERE key = +?1 ORDER BY pos DESC LIMIT 1)"
)


class _List:
    """One list key seen through the keyspace: its bounds and the row operations."""

    __slots__ = ("head", "key", "ks", "sk", "tail")

    def __init__(self, ctx: Ctx, key: bytes) -> None:
        self.ks = ctx.ks
        self.key = key
        self.sk = ctx.ks.sk(key)
        self.head = self.tail = None
        entry = self.ks.typed(key, "list")
        if entry is not None:
            ends = entry[1]
            if ends is not None and len(ends) == _ENDS.size:
                self.head, self.tail = _ENDS.unpack(ends)
            else:
                self.head, self.tail = self.ks.conn.execute(_BOUNDS, (self.sk,)).fetchone()

    @property
    def exists(self) -> bool:
        return self.head is not None

    def __len__(self) -> int:
        return 0 if self.head is None else self.tail - self.head + 1

    def span(self, start: int, stop: int) -> tuple[int, int] | None:
        """Redis's index normalisation for LRANGE / LTRIM: (first, last) or None if empty."""
        n = len(self)
        if start < 0:
            start += n
        if stop < 0:
            stop += n
        start = max(start, 0)
        if start > stop or start >= n:
            return None
        return start, min(stop, n - 1)

    def values(self, first: int = 0, last: int | None = None) -> list[bytes]:
        if self.head is None:
            return []
        last = len(self) - 1 if last is None else last
        return [
            r[0]
            for r in self.ks.conn.execute(
                "SELECT value FROM r_list WHERE key = +? AND pos BETWEEN +? AND +? ORDER BY pos",  # +?: see dotdo_core/sqlite.py
                (self.sk, self.head + first, self.head + last),
            )
        ]

    def push(self, values: list[bytes], left: bool) -> int:
        ks = self.ks
        new = self.head is None
        if new:
            self.head, self.tail = 1, 0
        rows, self.head, self.tail = _pushed_rows(self.sk, self.head, self.tail, values, left)
        if new:
            ks.create(self.key, "list", _ENDS.pack(self.head, self.tail))
        else:
            self.save()
        _insert_rows(ks.tx, rows)
        return len(self)

    def save(self) -> None:
        """Record the ends in the key row (which also stamps it for WATCH)."""
        ver = self.ks.set_value(self.key, _ENDS.pack(self.head, self.tail))
        _remember(self.ks, self.sk, ver, self.head, self.tail)

    def pop(self, count: int, left: bool) -> list[bytes]:
        count = min(count, len(self))
        if count <= 0:
            return []
        if left:
            lo, hi = self.head, self.head + count - 1
        else:
            lo, hi = self.tail - count + 1, self.tail
        out = self.values(lo - self.head, hi - self.head)
        if not left:
            out.reverse()
        self.ks.tx.execute("DELETE FROM r_list WHERE key = ? AND pos BETWEEN ? AND ?", (self.sk, lo, hi))
        if left:
            self.head += count
        else:
            self.tail -= count
        self.finish()
        return out

    def finish(self) -> None:
        """After a change: the ends and WATCH stamp, and Redis's rule that an empty list is no key."""
        if self.head > self.tail:
            self.ks.drop_if_empty(self.key, "list")
            self.head = self.tail = None
        else:
            self.save()

    def rewrite(self, values: list[bytes]) -> None:
        """Replace the whole list (LREM's compaction)."""
        ks = self.ks
        ks.tx.execute("DELETE FROM r_list WHERE key = ?", (self.sk,))
        base = self.head
        ks.tx.executemany(
            "INSERT INTO r_list(key, pos, value) VALUES (?, ?, ?)",
            [(self.sk, base + i, v) for i, v in enumerate(values)],
        )
        self.tail = base + len(values) - 1
        self.finish()

    def shift(self, lo: int, hi: int, by: int) -> None:
        """Move the rows at positions lo..hi by `by` (the target slots must be free)."""
        rows = self.ks.conn.execute(
            "SELECT pos, value FROM r_list WHERE key = ? AND pos BETWEEN ? AND ?", (self.sk, lo, hi)
        ).fetchall()
        self.ks.tx.execute("DELETE FROM r_list WHERE key = ? AND pos BETWEEN ? AND ?", (self.sk, lo, hi))
        self.ks.tx.executemany(
            "INSERT INTO r_list(key, pos, value) VALUES (?, ?, ?)", [(self.sk, p + by, v) for p, v in rows]
        )


def _side(arg: bytes) -> bool:
    """LEFT → True, RIGHT → False."""
    word = arg.lower()
    if word == b"left":
        return True
    if word == b"right":
        return False
    raise RedisError(SYNTAX)


def list_values(ctx: Ctx, key: bytes) -> list[bytes]:
    """Every element of a list, head to tail ([] when missing; WRONGTYPE for another type). For SORT."""
    return _List(ctx, key).values()


def replace_with_list(ctx: Ctx, dest: bytes, values: list[bytes]) -> int:
    """Make `dest`, whatever it held, a list of `values` (no TTL); an empty list deletes it, as Redis
    keeps no empty collections. Returns the length. For SORT ... STORE."""
    ctx.ks.delete(dest)
    if values:
        _List(ctx, dest).push(values, left=False)
    return len(values)


# -- pushes ----------------------------------------------------------------------------

def _pushed_rows(sk: bytes, head: int, tail: int, values, left: bool) -> tuple[list, int, int]:
    """The r_list rows a push of `values` adds at one end, and the ends after it."""
    if len(values) == 1:  # the commonest push, without a comprehension
        if left:
            return [(sk, head - 1, values[0])], head - 1, tail
        return [(sk, tail + 1, values[0])], head, tail + 1
    if left:
        return [(sk, head - 1 - i, v) for i, v in enumerate(values)], head - len(values), tail
    return [(sk, tail + 1 + i, v) for i, v in enumerate(values)], head, tail + len(values)


_INSERT_ROWS = {size: "INSERT INTO r_list(key, pos, value) VALUES " + ", ".join(["(?, ?, ?)"] * size)
                for size in LADDER}


def _insert_rows(tx, rows: list) -> None:
    n = len(rows)
    if n == 1:
        tx.execute(_INSERT_ROWS[1], rows[0])
        return
    # Few statements of many rows (the same sizes the key-value table's batches use): a 30-row
    # batch is two statements, not 16 rows and then 14 one-row executions.
    i = 0
    while i < n:
        size = ladder_size(n - i)
        tx.execute(_INSERT_ROWS[size], [x for row in rows[i:i + size] for x in row])
        i += size


def _remember(ks, sk: bytes, ver: int, head: int, tail: int) -> None:
    remember(ks.tables.list_ends, sk, (ver, head, tail))


class _HeldPushes:
    """Pushes to a list in a batch (transaction), after the first: that one checked the key row's
    stamp and wrote the new ends, and the batch holds the shard's write lock, so the elements of
    every push — the first's included — and the final ends can wait to be written at once: when
    the batch runs any other command, or commits (engine.HOLDS)."""

    __slots__ = ("ks", "sk", "base_head", "base_tail", "head", "tail", "written", "left", "right")

    def __init__(self, ks, sk: bytes, head: int, tail: int) -> None:
        self.ks, self.sk = ks, sk
        # Ends before the first held element; its elements then go outward from them, in order.
        self.base_head, self.base_tail = head, tail
        self.head, self.tail = head, tail
        self.written = (head, tail)  # the ends the key row holds
        self.left: list[bytes] = []
        self.right: list[bytes] = []

    def push(self, values, left: bool) -> int:
        if left:
            self.left += values
            self.head -= len(values)
        else:
            self.right += values
            self.tail += len(values)
        return self.tail - self.head + 1

    def flush(self) -> None:
        ks, sk, head, tail = self.ks, self.sk, self.head, self.tail
        if (head, tail) != self.written:
            _remember(ks, sk, ks.kv.set_value(ks.tx, sk, _ENDS.pack(head, tail)), head, tail)
        rows = [(sk, pos, v) for pos, v in zip(range(self.base_head - 1, head - 1, -1), self.left)]
        rows += [(sk, pos, v) for pos, v in zip(range(self.base_tail + 1, tail + 1), self.right)]
        _insert_rows(ks.tx, rows)


def _push_remembered(ks, sk: bytes, values: tuple[bytes, ...], left: bool) -> int | None:
    """A push to a list whose ends this process wrote last (see the module's doc): the new length,
    or None when the key row changed since, or was never seen. In a batch its elements, and those
    of later pushes to the list, are held (`_HeldPushes`)."""
    known = ks.tables.list_ends.get(sk)
    if known is None:
        return None
    ver, head, tail = known
    deferred = ks.deferred
    if deferred is not None and deferred.kind == "push":
        held = _HeldPushes(ks, sk, head, tail)
        length = held.push(values, left)
        head, tail = held.head, held.tail
    else:
        held = None
        rows, head, tail = _pushed_rows(sk, head, tail, values, left)
        length = tail - head + 1
    new = ks.kv.set_value_if(ks.tx, sk, _ENDS.pack(head, tail), ver, "list", ks.now_ms)
    if new is None:
        del ks.tables.list_ends[sk]
        return None
    ks.tables.list_ends[sk] = (new, head, tail)
    if held is None:
        _insert_rows(ks.tx, rows)
    else:
        held.written = (head, tail)
        deferred[sk] = held
    return length


def _push(ctx: Ctx, key: bytes, values: tuple[bytes, ...], left: bool, only_existing: bool) -> int:
    ks = ctx.ks
    sk = ks.p + key
    if ks.deferred:  # a push of this batch wrote the list: this one waits with it
        held = ks.deferred.get(sk)
        if held is not None:
            return held.push(values, left)
    length = _push_remembered(ks, sk, values, left)
    if length is not None:
        return length
    lst = _List(ctx, key)
    if only_existing and not lst.exists:
        return 0
    return lst.push(list(values), left)


@command("lpush", arity=-3, flags="write denyoom fast")
def lpush(ctx: Ctx, key: bytes, *values: bytes):
    return _push(ctx, key, values, True, False)


@command("rpush", arity=-3, flags="write denyoom fast")
def rpush(ctx: Ctx, key: bytes, *values: bytes):
    return _push(ctx, key, values, False, False)


@command("lpushx", arity=-3, flags="write denyoom fast")
def lpushx(ctx: Ctx, key: bytes, *values: bytes):
    return _push(ctx, key, values, True, True)


@command("rpushx", arity=-3, flags="write denyoom fast")
def rpushx(ctx: Ctx, key: bytes, *values: bytes):
    return _push(ctx, key, values, False, True)


# -- pops --------------------------------------------------------------------------------

def _pop(ctx: Ctx, name: str, key: bytes, count: tuple[bytes, ...], left: bool):
    if len(count) > 1:
        raise wrong_arity(name)
    n = positive_count(count[0]) if count else None
    lst = _List(ctx, key)
    if not lst.exists:
        return None if n is None else NULL_ARRAY
    if n is None:
        return lst.pop(1, left)[0]
    return lst.pop(n, left)


@command("lpop", arity=-2, flags="write fast")
def lpop(ctx: Ctx, key: bytes, *count: bytes):
    return _pop(ctx, "lpop", key, count, True)


@command("rpop", arity=-2, flags="write fast")
def rpop(ctx: Ctx, key: bytes, *count: bytes):
    return _pop(ctx, "rpop", key, count, False)


# -- reads ---------------------------------------------------------------------------------

@command("llen", arity=2, flags="readonly fast")
def llen(ctx: Ctx, key: bytes):
    return len(_List(ctx, key))


@command("lrange", arity=4, flags="readonly")
def lrange(ctx: Ctx, key: bytes, start: bytes, stop: bytes):
    first, last = to_int(start), to_int(stop)
    lst = _List(ctx, key)
    span = lst.span(first, last)
    return [] if span is None else lst.values(*span)


@command("lindex", arity=3, flags="readonly")
def lindex(ctx: Ctx, key: bytes, index: bytes):
    lst = _List(ctx, key)
    if not lst.exists:
        return None
    i = to_int(index)
    n = len(lst)
    if i < 0:
        i += n
    if not 0 <= i < n:
        return None
    return lst.values(i, i)[0]


@command("lpos", arity=-3, flags="readonly")
def lpos(ctx: Ctx, key: bytes, element: bytes, *options: bytes):
    rank, count, maxlen = 1, None, 0
    i = 0
    while i < len(options):
        opt = options[i].lower()
        if i + 1 >= len(options):
            raise RedisError(SYNTAX)
        if opt == b"rank":
            rank = to_int(options[i + 1])
            if rank == 0:
                raise RedisError(
                    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                    "or use negative to start from the end of the list"
                )
        elif opt == b"count":
            count = _non_negative(options[i + 1], "ERR COUNT can't be negative")
        elif opt == b"maxlen":
            maxlen = _non_negative(options[i + 1], "ERR MAXLEN can't be negative")
        else:
            raise RedisError(SYNTAX)
        i += 2
    lst = _List(ctx, key)
    if not lst.exists:
        return [] if count is not None else None
    order = "" if rank > 0 else " DESC"
    rows = ctx.ks.conn.execute(
        f"SELECT pos FROM r_list WHERE key = +? AND value = +? ORDER BY pos{order}", (lst.sk, element)
    )
    # -RANK overflows for the most negative rank in Redis 7.0, which then takes the first match.
    skip = 0 if rank == INT64_MIN else abs(rank) - 1
    want = 1 if count is None else count  # 0: every match
    found: list[int] = []
    for (pos,) in rows:
        index = pos - lst.head
        if maxlen and (index >= maxlen if rank > 0 else len(lst) - 1 - index >= maxlen):
            break
        if skip > 0:
            skip -= 1
            continue
        found.append(index)
        if want and len(found) >= want:
            break
    if count is None:
        return found[0] if found else None
    return found


def _non_negative(arg: bytes, error: str) -> int:
    """Redis's getRangeLongFromObjectOrReply: one message for junk and for a negative number."""
    try:
        value = to_int(arg)
    except RedisError:
        raise RedisError(error) from None
    if value < 0:
        raise RedisError(error)
    return value


# -- edits -------------------------------------------------------------------------------------

@command("lset", arity=4, flags="write denyoom")
def lset(ctx: Ctx, key: bytes, index: bytes, value: bytes):
    lst = _List(ctx, key)
    if not lst.exists:
        raise RedisError(NO_SUCH_KEY)
    i = to_int(index)
    n = len(lst)
    if i < 0:
        i += n
    if not 0 <= i < n:
        raise RedisError(INDEX_OUT_OF_RANGE)
    ctx.ks.tx.execute("UPDATE r_list SET value = ? WHERE key = ? AND pos = ?", (value, lst.sk, lst.head + i))
    ctx.ks.touch(key)
    return OK


@command("linsert", arity=5, flags="write denyoom")
def linsert(ctx: Ctx, key: bytes, where: bytes, pivot: bytes, value: bytes):
    w = where.lower()
    if w not in (b"before", b"after"):
        raise RedisError(SYNTAX)
    lst = _List(ctx, key)
    if not lst.exists:
        return 0
    row = ctx.ks.conn.execute(
        "SELECT pos FROM r_list WHERE key = +? AND value = +? ORDER BY pos LIMIT 1", (lst.sk, pivot)
    ).fetchone()
    if row is None:
        return -1
    at = row[0]
    # The new element goes between `left_of` and `left_of + 1`; move the shorter side out of the way.
    left_of = at - 1 if w == b"before" else at
    if left_of - lst.head + 1 <= lst.tail - left_of:
        if left_of >= lst.head:
            lst.shift(lst.head, left_of, -1)
        lst.head -= 1
        slot = left_of
    else:
        if left_of + 1 <= lst.tail:
            lst.shift(left_of + 1, lst.tail, 1)
        lst.tail += 1
        slot = left_of + 1
    ctx.ks.tx.execute("INSERT INTO r_list(key, pos, value) VALUES (?, ?, ?)", (lst.sk, slot, value))
    lst.save()
    return len(lst)


@command("lrem", arity=4, flags="write")
def lrem(ctx: Ctx, key: bytes, count: bytes, element: bytes):
    n = to_int(count)
    lst = _List(ctx, key)
    if not lst.exists:
        return 0
    order = "DESC" if n < 0 else ""
    limit = min(abs(n), 2**63 - 1) if n else -1  # Redis negates -2**63 without overflow checks: "all"
    doomed = [
        r[0]
        for r in ctx.ks.conn.execute(
            f"SELECT pos FROM r_list WHERE key = +? AND value = +? ORDER BY pos {order} LIMIT ?+0", (lst.sk, element, limit)
        )
    ]
    if not doomed:
        return 0
    gone = set(doomed)
    rows = ctx.ks.conn.execute("SELECT pos, value FROM r_list WHERE key = +? ORDER BY pos", (lst.sk,)).fetchall()
    lst.rewrite([v for p, v in rows if p not in gone])
    return len(doomed)


@command("ltrim", arity=4, flags="write")
def ltrim(ctx: Ctx, key: bytes, start: bytes, stop: bytes):
    first, last = to_int(start), to_int(stop)
    lst = _List(ctx, key)
    if lst.exists:
        span = lst.span(first, last)
        if span is None:
            ctx.ks.tx.execute("DELETE FROM r_list WHERE key = ?", (lst.sk,))
            lst.head, lst.tail = 0, -1
        else:
            lo, hi = lst.head + span[0], lst.head + span[1]
            ctx.ks.tx.execute("DELETE FROM r_list WHERE key = ? AND (pos < ? OR pos > ?)", (lst.sk, lo, hi))
            lst.head, lst.tail = lo, hi
        lst.finish()
    return OK


# -- moves -----------------------------------------------------------------------------------

def _move(ctx: Ctx, source: bytes, destination: bytes, from_left: bool, to_left: bool):
    src = _List(ctx, source)
    if not src.exists:
        return None
    if destination == source and len(src) == 1:
        # Redis pushes before it deletes an emptied source: the key, and its TTL, stay
        value = src.values()[0]
        src.save()
        return value
    dst = src if destination == source else _List(ctx, destination)
    value = src.pop(1, from_left)[0]
    dst.push([value], to_left)
    return value


@command("lmove", arity=5, flags="write denyoom", keys=(1, 2, 1))
def lmove(ctx: Ctx, source: bytes, destination: bytes, wherefrom: bytes, whereto: bytes):
    a, b = _side(wherefrom), _side(whereto)
    return _move(ctx, source, destination, a, b)


@command("rpoplpush", arity=3, flags="write denyoom", keys=(1, 2, 1))
def rpoplpush(ctx: Ctx, source: bytes, destination: bytes):
    return _move(ctx, source, destination, False, True)


def _mpop_args(args: tuple[bytes, ...]) -> tuple[list[bytes], bool, int]:
    numkeys = numkeys_arg(args[0])
    if len(args) < 1 + numkeys + 1:
        raise RedisError(SYNTAX)
    keys = list(args[1 : 1 + numkeys])
    left = _side(args[1 + numkeys])
    rest = args[2 + numkeys :]
    count = mpop_count(rest)
    return keys, left, count


def _mpop(ctx: Ctx, keys: list[bytes], left: bool, count: int):
    for key in keys:
        lst = _List(ctx, key)
        if lst.exists:
            return [key, lst.pop(count, left)]
    return None


@command("lmpop", arity=-4, flags="write", keys=key_callback(1))
def lmpop(ctx: Ctx, *args: bytes):
    keys, left, count = _mpop_args(args)
    reply = _mpop(ctx, keys, left, count)
    return NULL_ARRAY if reply is None else reply


# -- blocking forms -----------------------------------------------------------------------------

def _bpop(ctx: Ctx, args: tuple[bytes, ...], left: bool):
    keys = list(args[:-1])
    timeout = timeout_arg(args[-1])
    for key in keys:
        lst = _List(ctx, key)
        if lst.exists:
            return [key, lst.pop(1, left)[0]]
    return blocked(ctx, keys, timeout, NULL_ARRAY, NULL_ARRAY)


@command("blpop", arity=-3, flags="write noscript blocking", keys=(1, -2, 1))
def blpop(ctx: Ctx, *args: bytes):
    return _bpop(ctx, args, True)


@command("brpop", arity=-3, flags="write noscript blocking", keys=(1, -2, 1))
def brpop(ctx: Ctx, *args: bytes):
    return _bpop(ctx, args, False)


def _bmove(ctx: Ctx, source: bytes, destination: bytes, from_left: bool, to_left: bool, timeout: bytes):
    seconds = timeout_arg(timeout)
    reply = _move(ctx, source, destination, from_left, to_left)
    if reply is None:
        # A timeout answers a null array, but the MULTI form answers a null bulk, as in Redis 7.0.
        return blocked(ctx, [source, destination], seconds, NULL_ARRAY, None)
    return reply


@command("blmove", arity=6, flags="write denyoom noscript blocking", keys=(1, 2, 1))
def blmove(ctx: Ctx, source: bytes, destination: bytes, wherefrom: bytes, whereto: bytes, timeout: bytes):
    a, b = _side(wherefrom), _side(whereto)
    return _bmove(ctx, source, destination, a, b, timeout)


@command("brpoplpush", arity=4, flags="write denyoom noscript blocking", keys=(1, 2, 1))
def brpoplpush(ctx: Ctx, source: bytes, destination: bytes, timeout: bytes):
    return _bmove(ctx, source, destination, False, True, timeout)


@command("blmpop", arity=-5, flags="write blocking", keys=key_callback(2))
def blmpop(ctx: Ctx, timeout: bytes, *args: bytes):
    keys, left, count = _mpop_args(args)
    seconds = timeout_arg(timeout)  # read after the other arguments: Redis reports their errors first
    reply = _mpop(ctx, keys, left, count)
    if reply is None:
        return blocked(ctx, keys, seconds, NULL_ARRAY, NULL_ARRAY)
    return reply
