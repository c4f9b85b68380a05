"""Shared parsing and formatting for the collection commands (hashes, lists, sets, zsets):
Redis's strtod rules, its double formatting, blocking timeouts, random counts and the
*SCAN cursors. No commands are registered here."""
from __future__ import annotations

import math
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from ..args import INT64_MAX, INT64_MIN, to_int
from ..errors import NOT_INTEGER, SYNTAX, RedisError
from . import longdouble
from .glob import glob_match

T = TypeVar("T")

_DEC_FLOAT = re.compile(rb"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_HEX_FLOAT = re.compile(rb"[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?\d+)?")
_INF = re.compile(rb"[+-]?(inf|infinity)", re.IGNORECASE)


def strtod(arg: bytes, *, allow_empty: bool = False, allow_overflow: bool = False) -> float | None:
    """The whole of `arg` read as C's strtod reads a double, the way Redis checks it: no
    leading space, nothing left over, no NaN, no overflow. None when Redis would refuse it."""
    if not arg:
        return 0.0 if allow_empty else None
    if _DEC_FLOAT.fullmatch(arg):
        value = float(arg)
        if math.isinf(value) and not allow_overflow:
            return None
        return value
    if _INF.fullmatch(arg):
        return -math.inf if arg[:1] == b"-" else math.inf
    if _HEX_FLOAT.fullmatch(arg):
        text = arg.decode()
        if "p" not in text.lower():
            text += "p0"
        try:
            return float.fromhex(text)
        except OverflowError:
            return math.inf if allow_overflow else None
    return None


def score_arg(arg: bytes) -> float:
    """A score argument (ZADD, ZINCRBY): Redis's getDoubleFromObject."""
    value = strtod(arg)
    if value is None:
        raise RedisError("ERR value is not a valid float")
    return value


def d2string(value: float) -> bytes:
    """Redis 7.0's d2string: integers below 2^52 as integers, otherwise %.17g."""
    if math.isnan(value):
        return b"nan"
    if math.isinf(value):
        return b"inf" if value > 0 else b"-inf"
    if value == 0:
        return b"-0" if math.copysign(1.0, value) < 0 else b"0"
    if -4503599627370495 < value < 4503599627370496 and value == int(value):
        return str(int(value)).encode()
    return (b"%.17g" % value)


# -- blocking timeouts ---------------------------------------------------------------

def timeout_arg(arg: bytes) -> float | None:
    """A blocking command's timeout in seconds (None: wait forever), checked as Redis 7.0
    does: the seconds are scaled to milliseconds in long double, rounded up and cast to a
    64-bit integer (where an overflow comes out negative)."""
    value = longdouble.parse(arg)
    if value is None:
        raise RedisError("ERR timeout is not a float or out of range")
    if isinstance(value, float):  # ±inf: the conversion overflows to a negative number
        raise RedisError("ERR timeout is negative")
    ms_exact = longdouble.round_ext(value * 1000)  # the product is rounded to long double before the cast
    if isinstance(ms_exact, float) or not INT64_MIN <= ms_exact < 2**63:
        raise RedisError("ERR timeout is negative")
    ms = math.ceil(ms_exact)  # Redis rounds the milliseconds up (ceill) before the cast
    if ms < 0:
        raise RedisError("ERR timeout is negative")
    return ms / 1000 if ms > 0 else None


# -- counts ----------------------------------------------------------------------------

def positive_count(arg: bytes) -> int:
    """LPOP/SPOP/ZPOPMIN count: a non-negative integer."""
    try:
        value = to_int(arg)
    except RedisError:
        raise RedisError("ERR value is out of range, must be positive") from None
    if value < 0:
        raise RedisError("ERR value is out of range, must be positive")
    return value


def random_count(arg: bytes, with_values: bool) -> int:
    """HRANDFIELD / SRANDMEMBER / ZRANDMEMBER count, with Redis's range checks."""
    value = to_int(arg)
    if value == INT64_MIN:
        raise RedisError(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
        )
    if with_values and value < 0 and -value > INT64_MAX // 2:
        raise RedisError("ERR value is out of range")
    return value


def pick_random(items: Sequence[T], count: int, rng) -> list[T]:
    """Redis's random-count rule: count >= 0 gives distinct items (all of them, in the order
    given, once count reaches the size), count < 0 gives -count items drawn with repetition."""
    if not items or count == 0:
        return []
    if count > 0:
        if count >= len(items):
            return list(items)
        return rng.sample(list(items), count)
    return [items[rng.randrange(len(items))] for _ in range(-count)]


# -- *SCAN -----------------------------------------------------------------------------------

def scan_cursor(arg: bytes) -> int:
    """strtoul as Redis checks it: no leading space, nothing left over, within 64 bits."""
    text = arg.decode("latin-1")
    if not text or text[0].isspace() or not re.fullmatch(r"[+-]?\d+", text):
        raise RedisError("ERR invalid cursor")
    value = int(text)
    if value >= 2**64 or value <= -(2**64):
        raise RedisError("ERR invalid cursor")
    return value % 2**64


def scan_options(options: Sequence[bytes]) -> tuple[bytes | None, int]:
    """MATCH pattern / COUNT n of HSCAN, SSCAN and ZSCAN."""
    pattern, count = None, 10
    i = 0
    while i < len(options):
        opt = options[i].lower()
        if opt == b"count" and i + 1 < len(options):
            count = to_int(options[i + 1], NOT_INTEGER)
            if count < 1:
                raise RedisError(SYNTAX)
            i += 2
        elif opt == b"match" and i + 1 < len(options):
            pattern = options[i + 1]
            if pattern == b"*":
                pattern = None
            i += 2
        else:
            raise RedisError(SYNTAX)
    return pattern, count


def scan_hash(item: bytes) -> int:
    """Where an element sits in the cursor space: a stable 32-bit hash of its bytes."""
    return zlib.crc32(item)


def scan_page(items: Iterable[tuple[bytes, T]], cursor: int, count: int, whole: bool) -> tuple[int, list[tuple[bytes, T]]]:
    """One page of a collection scan. Elements are visited in order of their hash, and the
    cursor is the next hash to visit, so an element present for the whole scan is returned
    at least once however the collection changes between calls (Redis's guarantee).
    `whole`: the collection is small enough that Redis answers it in one reply."""
    if whole:
        return 0, list(items)
    keyed = sorted(((scan_hash(k), k, v) for k, v in items), key=lambda t: (t[0], t[1]))
    out: list[tuple[bytes, T]] = []
    last_hash = None
    for h, k, v in keyed:
        if h < cursor:
            continue
        if len(out) >= count and h != last_hash:
            return h, out
        out.append((k, v))
        last_hash = h
    return 0, out


def filter_match(pairs: list[tuple[bytes, T]], pattern: bytes | None) -> list[tuple[bytes, T]]:
    if pattern is None:
        return pairs
    return [p for p in pairs if glob_match(pattern, p[0])]


def keys_after_numkeys(argv: list[bytes], index: int, *, dest: bool = False) -> list[bytes]:
    """Keys of `CMD [dest] numkeys key ...` for the registry (bad numkeys: no keys)."""
    try:
        n = int(argv[index])
    except (ValueError, IndexError):
        n = 0
    keys = argv[index + 1 : index + 1 + max(n, 0)] if n > 0 else []
    return ([argv[1]] if dest else []) + keys


def numkeys_arg(arg: bytes, command: str | None = None) -> int:
    """The numkeys of LMPOP/ZMPOP/SINTERCARD style commands."""
    try:
        n = to_int(arg)
    except RedisError:
        n = 0
    if n <= 0:
        raise RedisError("ERR numkeys should be greater than 0")
    return n


def key_callback(index: int, dest: bool = False) -> Callable[[list[bytes]], list[bytes]]:
    return lambda argv: keys_after_numkeys(argv, index, dest=dest)


# -- blocking -----------------------------------------------------------------------------------

# Commands that run others where a blocking command must answer at once (Redis's
# CLIENT_DENY_BLOCKING): EXEC and scripts. `ctx.in_batch` alone cannot tell, since
# pipelines and the server's group commits run inside a batch too and those must block.
_NO_BLOCKING_CALLERS = frozenset({b"exec", b"eval", b"evalsha", b"eval_ro", b"evalsha_ro", b"fcall", b"fcall_ro"})


def must_not_block(ctx) -> bool:
    return ctx.in_batch and ctx.session.last_cmd in _NO_BLOCKING_CALLERS


def blocked(ctx, keys: list[bytes], timeout: float | None, timeout_reply, immediate_reply):
    """Nothing to pop yet: a Blocked for the engine to wait on and retry (it answers
    `timeout_reply` if time runs out), or inside MULTI/scripts `immediate_reply` at once."""
    from .. import (
        Blocked,  # the engine package imports the command modules while it loads
    )

    if must_not_block(ctx):
        return immediate_reply
    return Blocked(ctx.engine.shard_index_for(keys), timeout, timeout_reply)


def intercard_limit(rest: tuple[bytes, ...]) -> int:
    """SINTERCARD / ZINTERCARD's trailing `[LIMIT n]` (0: no limit), with Redis's errors."""
    limit = 0
    i = 0
    while i < len(rest):
        if rest[i].lower() == b"limit" and i + 1 < len(rest):
            try:
                limit = to_int(rest[i + 1])
            except RedisError:
                limit = -1
            if limit < 0:
                raise RedisError("ERR LIMIT can't be negative")
            i += 2
        else:
            raise RedisError(SYNTAX)
    return limit


def mpop_count(rest: tuple[bytes, ...]) -> int:
    """LMPOP / ZMPOP's trailing `[COUNT n]` (default 1), with Redis's errors."""
    if not rest:
        return 1
    if len(rest) != 2 or rest[0].lower() != b"count":
        raise RedisError(SYNTAX)
    try:
        count = to_int(rest[1])
    except RedisError:
        count = 0
    if count <= 0:
        raise RedisError("ERR count should be greater than 0")
    return count
