"""Total order over BSON values, as MongoDB sorts and compares them across types."""
from __future__ import annotations

import decimal
import functools
import math
import re

from bson import Binary, Decimal128, Regex

from .bsontypes import ARRAY, BINARY, BOOL, NUMBER, OBJECT, REGEX, STRING, canonical
from .collation import ACTIVE


def _num(v):
    if type(v) is Decimal128:
        d = v.to_decimal()
        return float("nan") if d.is_nan() else d
    return v


def _cmp_num(a, b) -> int:
    a, b = _num(a), _num(b)
    a_nan = isinstance(a, float) and math.isnan(a) or isinstance(a, decimal.Decimal) and a.is_nan()
    b_nan = isinstance(b, float) and math.isnan(b) or isinstance(b, decimal.Decimal) and b.is_nan()
    if a_nan or b_nan:  # NaN sorts below every other number and equals itself
        return 0 if a_nan and b_nan else (-1 if a_nan else 1)
    if isinstance(a, decimal.Decimal) != isinstance(b, decimal.Decimal):
        a = decimal.Decimal(a) if not isinstance(a, decimal.Decimal) else a
        b = decimal.Decimal(b) if not isinstance(b, decimal.Decimal) else b
    return (a > b) - (a < b)


def compare(a, b) -> int:
    """-1, 0 or 1: MongoDB's order (type class first, then value within the class)."""
    ca, cb = canonical(a), canonical(b)
    if ca != cb:
        return -1 if ca < cb else 1
    if ca == NUMBER:
        return _cmp_num(a, b)
    if ca == STRING:
        coll = ACTIVE.get()
        if coll is not None:
            a, b = coll.key(a), coll.key(b)
        return (a > b) - (a < b)
    if ca == OBJECT:
        ia, ib = list(a.items()), list(b.items())
        for (ka, va), (kb, vb) in zip(ia, ib):
            c = compare(va, vb)  # MongoDB compares the value's type before the field name
            if canonical(va) != canonical(vb):
                return c
            if ka != kb:
                return (ka > kb) - (ka < kb)
            if c:
                return c
        return (len(ia) > len(ib)) - (len(ia) < len(ib))
    if ca == ARRAY:
        for x, y in zip(a, b):
            c = compare(x, y)
            if c:
                return c
        return (len(a) > len(b)) - (len(a) < len(b))
    if ca == BINARY:
        ba, bb = bytes(a), bytes(b)
        sa, sb = getattr(a, "subtype", 0), getattr(b, "subtype", 0)
        if len(ba) != len(bb):
            return -1 if len(ba) < len(bb) else 1
        if sa != sb:
            return -1 if sa < sb else 1
        return (ba > bb) - (ba < bb)
    if ca == BOOL:
        return (a > b) - (a < b)
    if ca == REGEX:
        pa, pb = _regex_parts(a), _regex_parts(b)
        return (pa > pb) - (pa < pb)
    if ca in (1, 2, 14):  # MinKey, null, MaxKey: all equal within the class
        return 0
    try:
        return (a > b) - (a < b)
    except TypeError:
        return 0


def _regex_parts(r) -> tuple:
    if isinstance(r, Regex):
        return (r.pattern, str(r.flags))
    if isinstance(r, re.Pattern):
        return (r.pattern, str(r.flags))
    return (str(r), "")


def equal(a, b) -> bool:
    if canonical(a) != canonical(b):
        return False
    if canonical(a) == OBJECT:
        if len(a) != len(b) or list(a.keys()) != list(b.keys()):
            return False
    return compare(a, b) == 0


sort_key = functools.cmp_to_key(compare)


class Key:
    """Wraps a value so Python sorts it in MongoDB's order."""

    __slots__ = ("v",)

    def __init__(self, v) -> None:
        self.v = v

    def __lt__(self, other: "Key") -> bool:
        return compare(self.v, other.v) < 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Key) and compare(self.v, other.v) == 0


def is_binary(v) -> bool:
    return isinstance(v, (bytes, Binary))
