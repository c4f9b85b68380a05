"""Comparison, boolean and conditional expressions."""
from __future__ import annotations

from typing import Callable

from ...errors import MongoError
from ..compare import compare
from ..paths import MISSING
from . import OPS, _args, _null, compile_expr, op, truthy


def _cmp_op(name: str, test: Callable[[int], bool]):
    def build(arg):
        a, b = _args(arg, 2, name)
        return lambda doc, v: test(compare(_null(a(doc, v)), _null(b(doc, v))))

    return build


for _n, _t in (("$eq", lambda c: c == 0), ("$ne", lambda c: c != 0), ("$gt", lambda c: c > 0),
               ("$gte", lambda c: c >= 0), ("$lt", lambda c: c < 0), ("$lte", lambda c: c <= 0)):
    OPS[_n] = _cmp_op(_n, _t)


@op("$cmp")
def _cmp(arg):
    a, b = _args(arg, 2, "$cmp")
    return lambda doc, v: compare(_null(a(doc, v)), _null(b(doc, v)))


@op("$and")
def _and(arg):
    fs = _args(arg)
    return lambda doc, v: all(truthy(g(doc, v)) for g in fs)


@op("$or")
def _or(arg):
    fs = _args(arg)
    return lambda doc, v: any(truthy(g(doc, v)) for g in fs)


@op("$not")
def _not(arg):
    (a,) = _args(arg, 1, "$not")
    return lambda doc, v: not truthy(a(doc, v))


@op("$cond")
def _cond(arg):
    if isinstance(arg, dict):
        try:
            parts = [arg["if"], arg["then"], arg["else"]]
        except KeyError as e:
            raise MongoError(17080, f"Missing '{e.args[0]}' parameter to $cond")
    else:
        parts = arg
    c, t, e = _args(parts, 3, "$cond")
    return lambda doc, v: t(doc, v) if truthy(c(doc, v)) else e(doc, v)


@op("$ifNull")
def _if_null(arg):
    fs = _args(arg)

    def f(doc, v):
        for g in fs[:-1]:
            x = g(doc, v)
            if x is not None and x is not MISSING:
                return x
        return fs[-1](doc, v)

    return f


@op("$switch")
def _switch(arg):
    branches = [(compile_expr(b["case"]), compile_expr(b["then"])) for b in arg.get("branches", [])]
    default = compile_expr(arg["default"]) if "default" in arg else None

    def f(doc, v):
        for c, t in branches:
            if truthy(c(doc, v)):
                return t(doc, v)
        if default is None:
            raise MongoError(40066, "$switch could not find a matching branch for an input, and no default was "
                                    "specified.")
        return default(doc, v)

    return f


@op("$literal")
def _literal(arg):
    return lambda doc, v: arg
