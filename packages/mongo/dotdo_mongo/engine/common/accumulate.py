"""Group accumulators ($sum, $avg, $min, $max, $first, $last, $push, $addToSet, $count) and the
same reductions applied to an array in an expression."""
from __future__ import annotations

from typing import Any

from ..errors import MongoError
from . import arith
from .bsontypes import is_number
from .compare import compare, equal
from .expr.javascript import refuse_javascript
from .paths import MISSING


def reduce_values(name: str, vals: list) -> Any:
    if name == "$sum":
        total: Any = 0
        for x in vals:
            if is_number(x) and not isinstance(x, bool):
                total = arith.add(total, x)
        return total
    if name == "$avg":
        nums = [x for x in vals if is_number(x) and not isinstance(x, bool)]
        if not nums:
            return None
        total = 0
        for x in nums:
            total = arith.add(total, x)
        if arith.kind(total) == 3:
            from bson import Decimal128

            return Decimal128(total.to_decimal() / len(nums))
        return float(total) / len(nums)
    present = [x for x in vals if x is not None and x is not MISSING]
    if not present:
        return None
    best = present[0]
    for x in present[1:]:
        c = compare(x, best)
        if (name == "$min" and c < 0) or (name == "$max" and c > 0):
            best = x
    return best


class Accumulator:
    """State for one accumulator of one group."""

    __slots__ = ("name", "vals", "first", "seen")

    def __init__(self, name: str) -> None:
        if name == "$accumulator":  # JavaScript: as a mongod without its engine, once a group forms
            refuse_javascript()
        self.name = name
        self.vals: list = []
        self.first: Any = MISSING
        self.seen = False

    def add(self, x: Any) -> None:
        n = self.name
        if n == "$first":
            if not self.seen:
                self.first = x
        elif n == "$last":
            self.first = x
        elif n == "$addToSet":
            if x is not MISSING and not any(equal(x, y) for y in self.vals):
                self.vals.append(x)
        elif n == "$push":
            if x is not MISSING:
                self.vals.append(x)
        else:
            self.vals.append(x)
        self.seen = True

    def result(self) -> Any:
        n = self.name
        if n in ("$first", "$last"):
            return None if self.first is MISSING else self.first
        if n in ("$push", "$addToSet"):
            return self.vals
        if n == "$count":
            return len(self.vals)
        return reduce_values(n, self.vals)


ACCUMULATORS = {"$sum", "$avg", "$min", "$max", "$first", "$last", "$push", "$addToSet", "$count", "$accumulator"}


def check(name: str) -> None:
    if name not in ACCUMULATORS:
        raise MongoError(15952, f"unknown group operator '{name}'")
