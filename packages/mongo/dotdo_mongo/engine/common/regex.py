"""BSON regular expressions as Python patterns (MongoDB's i, m, s, x options)."""
from __future__ import annotations

import functools
import re

from bson import Regex

from ..errors import MongoError

_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE, "u": 0}


@functools.lru_cache(maxsize=512)
def compile_regex(pattern: str, options: str = "") -> re.Pattern:
    flags = 0
    for ch in options:
        if ch not in _FLAGS:
            raise MongoError(51108, f"invalid flag in regex options: {ch}")
        flags |= _FLAGS[ch]
    try:
        return re.compile(pattern, flags)
    except re.error as e:
        raise MongoError(51091, f"Regular expression is invalid: {e}")


def as_pattern(value, options: str | None = None) -> re.Pattern:
    if isinstance(value, re.Pattern):
        return value if options is None else compile_regex(value.pattern, options)
    if isinstance(value, Regex):
        flags = value.flags if isinstance(value.flags, str) else _flag_letters(value.flags)
        return compile_regex(value.pattern, options if options is not None else flags)
    if isinstance(value, str):
        return compile_regex(value, options or "")
    raise MongoError(2, "$regex has to be a string")


def _flag_letters(flags: int) -> str:
    return "".join(k for k, v in _FLAGS.items() if v and flags & v)
