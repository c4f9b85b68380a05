"""Stream entry IDs: parsing exactly as Redis 7.0 does, formatting, and arithmetic.

An ID is a pair (ms, seq) of unsigned 64-bit integers, compared as a pair."""
from __future__ import annotations

from ..errors import RedisError

U64 = (1 << 64) - 1
MIN_ID = (0, 0)
MAX_ID = (U64, U64)

INVALID_ID = "ERR Invalid stream ID specified as stream command argument"

StreamID = tuple[int, int]

_SPACE = b" \t\n\v\f\r"


def _string2ll(s: bytes) -> int | None:
    """Redis's strict signed parse: no spaces, no '+', no leading zeros, int64 range."""
    if not s or len(s) > 20:
        return None
    body = s[1:] if s[:1] == b"-" else s
    if not body.isdigit() or (body[:1] == b"0" and (len(body) > 1 or s[:1] == b"-")):
        return None
    v = int(s)
    if not -(1 << 63) <= v < (1 << 63):
        return None
    return v


def _string2ull(s: bytes) -> int | None:
    """Redis's string2ull: string2ll first, then strtoull's laxer rules (spaces, '+', zeros, wrap of '-')."""
    v = _string2ll(s)
    if v is not None:
        return None if v < 0 else v
    i, n = 0, len(s)
    while i < n and s[i] in _SPACE:
        i += 1
    negative = False
    if i < n and s[i] in b"+-":
        negative = s[i] == 0x2D
        i += 1
    digits = s[i:]
    if not digits or not digits.isdigit() or not digits.isascii():
        return None
    v = int(digits)
    if v > U64:
        return None
    return (-v) & U64 if negative else v


def parse_id(arg: bytes, missing_seq: int = 0, *, strict: bool = False, allow_auto_seq: bool = False) -> tuple[StreamID, bool]:
    """(id, seq_given). `strict` refuses '-' and '+'; `allow_auto_seq` accepts 'ms-*' (seq_given False)."""
    if len(arg) > 127:
        raise RedisError(INVALID_ID)
    if arg == b"-":
        if strict:
            raise RedisError(INVALID_ID)
        return MIN_ID, True
    if arg == b"+":
        if strict:
            raise RedisError(INVALID_ID)
        return MAX_ID, True
    head, dash, tail = arg.partition(b"-")
    ms = _string2ull(head)
    if ms is None:
        raise RedisError(INVALID_ID)
    if not dash:
        return (ms, missing_seq), True
    if allow_auto_seq and tail == b"*":
        return (ms, 0), False
    seq = _string2ull(tail)
    if seq is None:
        raise RedisError(INVALID_ID)
    return (ms, seq), True


def strict_id(arg: bytes, missing_seq: int = 0) -> StreamID:
    return parse_id(arg, missing_seq, strict=True)[0]


def interval_id(arg: bytes, missing_seq: int) -> tuple[StreamID, bool]:
    """An XRANGE/XPENDING bound: '(' makes it exclusive (and then '-'/'+' are refused)."""
    if len(arg) > 1 and arg[:1] == b"(":
        return strict_id(arg[1:], missing_seq), True
    return parse_id(arg, missing_seq)[0], False


def incr(i: StreamID) -> StreamID | None:
    ms, seq = i
    if seq < U64:
        return ms, seq + 1
    if ms < U64:
        return ms + 1, 0
    return None


def decr(i: StreamID) -> StreamID | None:
    ms, seq = i
    if seq > 0:
        return ms, seq - 1
    if ms > 0:
        return ms - 1, U64
    return None


def fmt(i: StreamID) -> bytes:
    return b"%d-%d" % i


def start_bound(arg: bytes) -> StreamID:
    i, exclusive = interval_id(arg, 0)
    if exclusive:
        n = incr(i)
        if n is None:
            raise RedisError("ERR invalid start ID for the interval")
        return n
    return i


def end_bound(arg: bytes) -> StreamID:
    i, exclusive = interval_id(arg, U64)
    if exclusive:
        n = decr(i)
        if n is None:
            raise RedisError("ERR invalid end ID for the interval")
        return n
    return i
