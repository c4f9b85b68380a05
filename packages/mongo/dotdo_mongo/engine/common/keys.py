"""Order-preserving byte encoding of BSON values for `_id` and secondary-index keys.

Bytewise order of the encoding is MongoDB's order of the values (type class first), so an
index range scan in SQLite returns documents in the order a query or sort needs. Every
encoded value is prefix-free (strings are escaped and terminated), so compound keys are
plain concatenations and a descending field is its encoding with every byte inverted."""
from __future__ import annotations

import datetime
import math
import struct

import bson
from bson import Decimal128

from .bsontypes import (ARRAY, BINARY, BOOL, CODE, DATE, MAXKEY, MINKEY, NULL, NUMBER, OBJECT, OBJECTID, REGEX,
                        STRING, TIMESTAMP, canonical)

_D = struct.Struct(">d")
_Q = struct.Struct(">Q")
_BIAS = 1 << 63


def _escape(b: bytes) -> bytes:
    return b.replace(b"\x00", b"\x00\xff") + b"\x00\x01"


def _double_bytes(f: float) -> bytes:
    if math.isnan(f):
        return b"\x00" * 8  # NaN sorts below every other number
    if f == 0.0:
        f = 0.0  # -0.0 equals 0.0
    (n,) = _Q.unpack(_D.pack(f))
    n = (n ^ 0xFFFFFFFFFFFFFFFF) if n & _BIAS else (n | _BIAS)
    return _Q.pack(n)


def _number(v) -> bytes:
    if type(v) is Decimal128:
        d = v.to_decimal()
        if d.is_nan():
            return _double_bytes(math.nan) + _Q.pack(_BIAS)
        f = float(d)
        return _double_bytes(f) + _Q.pack(_BIAS)
    if type(v) is float:
        return _double_bytes(v) + _Q.pack(_BIAS)
    n = int(v)
    f = float(n)
    # ints beyond 2**53 share a double with neighbours; the exact remainder breaks the tie in order
    delta = n - int(f) if not math.isinf(f) else 0
    return _double_bytes(f) + _Q.pack(_BIAS + max(min(delta, _BIAS - 1), -_BIAS))


_NUMBER_TAG = bytes((NUMBER,))
_EXACT_TAIL = _Q.pack(_BIAS)  # the tie-break of a number its double represents exactly
_EXACT_INT = 1 << 53


def encode(v) -> bytes:
    if type(v) is int and -_EXACT_INT < v < _EXACT_INT:  # the commonest key, without the general path's calls
        return _NUMBER_TAG + _double_bytes(v) + _EXACT_TAIL
    c = canonical(v)
    tag = bytes((c,))
    if c == NUMBER:
        return tag + _number(v)
    if c == STRING:
        return tag + _escape(v.encode("utf-8", "surrogatepass"))
    if c == OBJECTID:
        return tag + v.binary
    if c == BOOL:
        return tag + (b"\x01" if v else b"\x00")
    if c == DATE:
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        ms = (v - datetime.datetime(1970, 1, 1)) // datetime.timedelta(milliseconds=1)
        return tag + _Q.pack(_BIAS + ms)
    if c in (NULL, MINKEY, MAXKEY):
        return tag
    if c == TIMESTAMP:
        return tag + _Q.pack((v.time << 32) | v.inc)
    if c == BINARY:
        raw = bytes(v) if not hasattr(v, "bytes") else v.bytes
        sub = getattr(v, "subtype", 0 if isinstance(v, bytes) else 4)
        return tag + struct.pack(">IB", len(raw), sub) + raw
    if c == OBJECT:
        out = [tag]
        for k, x in v.items():
            out.append(encode(x)[:1])
            out.append(_escape(k.encode()))
            out.append(encode(x))
        out.append(b"\x00")
        return b"".join(out)
    if c == ARRAY:
        return tag + b"".join(b"\x01" + encode(x) for x in v) + b"\x00"
    if c in (REGEX, CODE):
        return tag + _escape(bson.encode({"v": v}))
    return tag + _escape(bson.encode({"v": v}))


def invert(b: bytes) -> bytes:
    return bytes(255 - x for x in b)


def type_floor(c: int) -> bytes:
    """The smallest key of a type class (inclusive lower bound)."""
    return bytes((c,))


def type_ceiling(c: int) -> bytes:
    """The first key past a type class (exclusive upper bound)."""
    return bytes((c + 1,))


def successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with `prefix`."""
    b = bytearray(prefix)
    while b:
        if b[-1] < 255:
            b[-1] += 1
            return bytes(b)
        b.pop()
    return None

