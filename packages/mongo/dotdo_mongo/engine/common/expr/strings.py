"""String expressions."""
from __future__ import annotations

import datetime
from typing import Any

from ...errors import MongoError
from ..bsontypes import is_number, type_name
from ..paths import MISSING
from . import OPS, _args, compile_expr, op


def _str_arg(x: Any, name: str) -> str:
    if x is None or x is MISSING:
        return ""
    if isinstance(x, str):
        return x
    if is_number(x) or isinstance(x, datetime.datetime):
        from .types import _to_string

        return _to_string(x)
    raise MongoError(16007, f"can't convert from BSON type {type_name(x)} to String")


@op("$concat")
def _concat(arg):
    fs = _args(arg)

    def f(doc, v):
        out = []
        for g in fs:
            x = g(doc, v)
            if x is None or x is MISSING:
                return None
            if not isinstance(x, str):
                raise MongoError(16702, f"$concat only supports strings, not {type_name(x)}")
            out.append(x)
        return "".join(out)

    return f


OPS["$toUpper"] = lambda arg: (lambda a: lambda doc, v: _str_arg(a(doc, v), "$toUpper").upper())(_args(arg, 1)[0])
OPS["$toLower"] = lambda arg: (lambda a: lambda doc, v: _str_arg(a(doc, v), "$toLower").lower())(_args(arg, 1)[0])


@op("$strLenCP", "$strLenBytes")
def _strlen(arg):
    (a,) = _args(arg, 1)
    return lambda doc, v: len(a(doc, v)) if isinstance(a(doc, v), str) else _raise(
        MongoError(34471, "$strLenCP requires a string argument"))


def _raise(e: Exception):
    raise e


@op("$substr", "$substrCP", "$substrBytes")
def _substr(arg):
    s, i, n = _args(arg, 3, "$substr")

    def f(doc, v):
        text = _str_arg(s(doc, v), "$substr")
        start, length = int(i(doc, v)), int(n(doc, v))
        if start < 0:
            return ""
        return text[start:] if length < 0 else text[start:start + length]

    return f


@op("$split")
def _split(arg):
    s, d = _args(arg, 2, "$split")

    def f(doc, v):
        x, sep = s(doc, v), d(doc, v)
        if x is None or x is MISSING:
            return None
        if not isinstance(x, str) or not isinstance(sep, str):
            raise MongoError(40085, "$split requires an expression that evaluates to a string as a first argument")
        if not sep:
            raise MongoError(40087, "$split requires a non-empty separator")
        return x.split(sep)

    return f


def _trim_op(name: str, method: str):
    def build(arg):
        inp = compile_expr(arg.get("input"))
        chars = compile_expr(arg["chars"]) if "chars" in arg else None

        def f(doc, v):
            x = inp(doc, v)
            if x is None or x is MISSING:
                return None
            c = chars(doc, v) if chars else None
            return getattr(x, method)(c) if c is not None else getattr(x, method)()

        return f

    return build


OPS["$trim"] = _trim_op("$trim", "strip")
OPS["$ltrim"] = _trim_op("$ltrim", "lstrip")
OPS["$rtrim"] = _trim_op("$rtrim", "rstrip")


@op("$indexOfCP")
def _index_of(arg):
    fs = _args(arg)

    def f(doc, v):
        s, sub = fs[0](doc, v), fs[1](doc, v)
        if s is None or s is MISSING:
            return None
        start = int(fs[2](doc, v)) if len(fs) > 2 else 0
        end = int(fs[3](doc, v)) if len(fs) > 3 else len(s)
        return s.find(sub, start, end)

    return f


@op("$strcasecmp")
def _strcasecmp(arg):
    a, b = _args(arg, 2)

    def f(doc, v):
        x, y = _str_arg(a(doc, v), "").lower(), _str_arg(b(doc, v), "").lower()
        return (x > y) - (x < y)

    return f


@op("$regexMatch")
def _regex_match(arg):
    from ..regex import as_pattern

    inp, rx = compile_expr(arg.get("input")), compile_expr(arg.get("regex"))
    opts = arg.get("options")

    def f(doc, v):
        x = inp(doc, v)
        if not isinstance(x, str):
            return False
        return as_pattern(rx(doc, v), opts).search(x) is not None

    return f
