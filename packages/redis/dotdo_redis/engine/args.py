"""Parsing command arguments the way Redis does, with Redis's error texts."""
from __future__ import annotations

import math

from .errors import NOT_FLOAT, NOT_INTEGER, RedisError

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1


def to_int(arg: bytes, error: str = NOT_INTEGER) -> int:
    """A signed 64-bit integer written exactly as Redis accepts it (no spaces, no '+', no leading zeros)."""
    if not arg or len(arg) > 20:
        raise RedisError(error)
    s = arg[1:] if arg[:1] == b"-" else arg
    if not s.isdigit() or (len(s) > 1 and s[:1] == b"0") or (arg == b"-0"):
        raise RedisError(error)
    value = int(arg)
    if not INT64_MIN <= value <= INT64_MAX:
        raise RedisError(error)
    return value


def to_float(arg: bytes, error: str = NOT_FLOAT) -> float:
    """A double as Redis's strtod accepts it: inf/-inf allowed, NaN and trailing junk refused."""
    text = arg.decode("ascii", "replace").strip() if arg else ""
    if not text or text != arg.decode("ascii", "replace") or text.lower() in ("nan", "-nan", "+nan"):
        raise RedisError(error)
    try:
        value = float(text)
    except ValueError:
        raise RedisError(error) from None
    if math.isnan(value):
        raise RedisError(error)
    return value


def is_word(arg: bytes, word: bytes) -> bool:
    return arg.lower() == word
