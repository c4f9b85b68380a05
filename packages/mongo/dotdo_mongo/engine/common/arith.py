"""Number arithmetic with MongoDB's result types: int32 widens to int64 on overflow, any
double makes a double, any decimal makes a decimal."""
from __future__ import annotations

import decimal

from bson import Decimal128, Int64

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
_CTX = decimal.Context(prec=34)


def kind(v) -> int:
    """0 int32, 1 int64, 2 double, 3 decimal."""
    t = type(v)
    if t is Decimal128:
        return 3
    if t is float:
        return 2
    if t is Int64:
        return 1
    if t is int:
        return 0 if INT32[0] <= v <= INT32[1] else 1
    raise TypeError(v)


def wrap(value, k: int):
    if k == 3:
        return Decimal128(_CTX.create_decimal(value))
    if k == 2:
        return float(value)
    n = int(value)
    if k == 0 and INT32[0] <= n <= INT32[1]:
        return n
    if INT64[0] <= n <= INT64[1]:
        return Int64(n)
    return float(n)  # past int64 MongoDB's arithmetic goes to double


def _dec(v) -> decimal.Decimal:
    if type(v) is Decimal128:
        return v.to_decimal()
    return _CTX.create_decimal(v) if isinstance(v, float) else decimal.Decimal(int(v))


def add(a, b):
    k = max(kind(a), kind(b))
    if k == 3:
        return wrap(_CTX.add(_dec(a), _dec(b)), 3)
    if k == 2:
        return float(a) + float(b)
    return wrap(int(a) + int(b), k)


def mul(a, b):
    k = max(kind(a), kind(b))
    if k == 3:
        return wrap(_CTX.multiply(_dec(a), _dec(b)), 3)
    if k == 2:
        return float(a) * float(b)
    return wrap(int(a) * int(b), k)


def sub(a, b):
    k = max(kind(a), kind(b))
    if k == 3:
        return wrap(_CTX.subtract(_dec(a), _dec(b)), 3)
    if k == 2:
        return float(a) - float(b)
    return wrap(int(a) - int(b), k)


def zero_like(v):
    return wrap(0, kind(v))


def to_number(v) -> float | int | decimal.Decimal:
    if type(v) is Decimal128:
        return v.to_decimal()
    return v
