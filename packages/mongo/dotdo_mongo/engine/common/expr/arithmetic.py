"""Arithmetic expressions with MongoDB's result types."""
from __future__ import annotations

import datetime
import math
from typing import Any, Callable

from bson import Decimal128, Int64

from ...errors import MongoError
from .. import arith
from ..bsontypes import is_number, type_name
from ..paths import MISSING
from . import OPS, _args, op


def _num_or_null(vals: list, name: str) -> bool:
    for x in vals:
        if x is None or x is MISSING:
            return True
        if not is_number(x) or isinstance(x, bool):
            if isinstance(x, datetime.datetime) and name in ("$add", "$subtract"):
                continue
            raise MongoError(16554, f"{name} only supports numeric types, not {type_name(x)}")
    return False


@op("$add")
def _add(arg):
    fs = _args(arg)

    def f(doc, v):
        vals = [g(doc, v) for g in fs]
        if _num_or_null(vals, "$add"):
            return None
        date = next((x for x in vals if isinstance(x, datetime.datetime)), None)
        total: Any = 0
        for x in vals:
            if not isinstance(x, datetime.datetime):
                total = arith.add(total, x)
        if date is not None:
            return date + datetime.timedelta(milliseconds=float(str(total)))
        return total

    return f


@op("$subtract")
def _subtract(arg):
    a, b = _args(arg, 2, "$subtract")

    def f(doc, v):
        x, y = a(doc, v), b(doc, v)
        if _num_or_null([x, y], "$subtract"):
            return None
        if isinstance(x, datetime.datetime) and isinstance(y, datetime.datetime):
            return Int64(int((x - y).total_seconds() * 1000))
        if isinstance(x, datetime.datetime):
            return x - datetime.timedelta(milliseconds=float(str(y)))
        return arith.sub(x, y)

    return f


@op("$multiply")
def _multiply(arg):
    fs = _args(arg)

    def f(doc, v):
        vals = [g(doc, v) for g in fs]
        if _num_or_null(vals, "$multiply"):
            return None
        total: Any = 1
        for x in vals:
            total = arith.mul(total, x)
        return total

    return f


@op("$divide")
def _divide(arg):
    a, b = _args(arg, 2, "$divide")

    def f(doc, v):
        x, y = a(doc, v), b(doc, v)
        if _num_or_null([x, y], "$divide"):
            return None
        if float(str(y)) == 0:
            raise MongoError(2, "can't $divide by zero")
        if isinstance(x, Decimal128) or isinstance(y, Decimal128):
            return Decimal128(arith.to_number(x) / arith.to_number(y))
        return float(x) / float(y)

    return f


@op("$mod")
def _mod(arg):
    a, b = _args(arg, 2, "$mod")

    def f(doc, v):
        x, y = a(doc, v), b(doc, v)
        if _num_or_null([x, y], "$mod"):
            return None
        if float(str(y)) == 0:
            raise MongoError(16610, "can't $mod by zero")
        if isinstance(x, float) or isinstance(y, float):
            return math.fmod(float(x), float(y))
        return arith.wrap(int(math.fmod(int(x), int(y))), max(arith.kind(x), arith.kind(y)))

    return f


def _unary_math(name: str, fn: Callable[[Any], Any]):
    def build(arg):
        (a,) = _args(arg, 1, name)

        def f(doc, v):
            x = a(doc, v)
            if _num_or_null([x], name):
                return None
            return fn(x)

        return f

    return build


OPS["$abs"] = _unary_math("$abs", lambda x: arith.wrap(abs(arith.to_number(x)), arith.kind(x)))
OPS["$ceil"] = _unary_math("$ceil", lambda x: float(math.ceil(x)) if isinstance(x, float) else x)
OPS["$floor"] = _unary_math("$floor", lambda x: float(math.floor(x)) if isinstance(x, float) else x)
OPS["$sqrt"] = _unary_math("$sqrt", lambda x: math.sqrt(float(x)))
OPS["$exp"] = _unary_math("$exp", lambda x: math.exp(float(x)))
OPS["$ln"] = _unary_math("$ln", lambda x: math.log(float(x)))
OPS["$log10"] = _unary_math("$log10", lambda x: math.log10(float(x)))


@op("$pow")
def _pow(arg):
    a, b = _args(arg, 2, "$pow")

    def f(doc, v):
        x, y = a(doc, v), b(doc, v)
        if _num_or_null([x, y], "$pow"):
            return None
        if isinstance(x, float) or isinstance(y, float) or y < 0:
            return float(x) ** float(y)
        return arith.wrap(int(x) ** int(y), max(arith.kind(x), arith.kind(y)))

    return f


@op("$round", "$trunc")
def _round(arg):
    fs = _args(arg)

    def f(doc, v):
        x = fs[0](doc, v)
        places = fs[1](doc, v) if len(fs) > 1 else 0
        if _num_or_null([x], "$round"):
            return None
        if isinstance(x, float):
            return float(round(x, int(places)))
        return x

    return f
