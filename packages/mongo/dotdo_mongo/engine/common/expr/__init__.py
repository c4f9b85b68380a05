"""Aggregation expressions: field paths, variables, and the operators compiled into closures
`(doc, vars) -> value` (MISSING when a value is absent)."""
from __future__ import annotations

import datetime
from typing import Any, Callable

from bson import Decimal128

from ...errors import MongoError
from ..bsontypes import is_number
from ..paths import MISSING, get_value

Ev = Callable[[Any, dict], Any]
OPS: dict[str, Callable[[Any], Ev]] = {}


def op(*names: str):
    def reg(fn):
        for n in names:
            OPS[n] = fn
        return fn

    return reg


def truthy(v: Any) -> bool:
    if v is MISSING or v is None or v is False:
        return False
    if is_number(v):
        return float(str(v)) != 0 if type(v) is Decimal128 else v != 0
    return True


def compile_expr(e: Any) -> Ev:
    if isinstance(e, str):
        if e.startswith("$$"):
            name, _, rest = e[2:].partition(".")
            return _variable(name, rest)
        if e.startswith("$"):
            path = e[1:]
            if not path:
                raise MongoError(16872, "'$' by itself is not a valid FieldPath")
            return lambda doc, v: get_value(doc, path)
        return lambda doc, v: e
    if isinstance(e, list):
        items = [compile_expr(x) for x in e]
        return lambda doc, v: [_null(f(doc, v)) for f in items]
    if isinstance(e, dict):
        if len(e) == 1 and next(iter(e)).startswith("$"):
            name, arg = next(iter(e.items()))
            if name not in OPS:
                raise MongoError(168, f"Unrecognized expression '{name}'")
            try:
                return OPS[name](arg)
            except (AttributeError, TypeError, KeyError, IndexError, ValueError):
                raise MongoError(9, f"invalid argument to {name}: an operator of this shape is not valid")
        for k in e:
            if k.startswith("$"):
                raise MongoError(16410, "FieldPath field names may not start with '$'. Consider using $getField or "
                                        "$setField.")
        fields = [(k, compile_expr(x)) for k, x in e.items()]

        def obj(doc, v):
            out = {}
            for k, f in fields:
                val = f(doc, v)
                if val is not MISSING:
                    out[k] = val
            return out

        return obj
    return lambda doc, v: e


def _null(x: Any) -> Any:
    return None if x is MISSING else x


def _variable(name: str, rest: str) -> Ev:
    def get(doc, v):
        if name in ("ROOT", "CURRENT"):
            base = v.get("ROOT", doc) if name == "ROOT" else doc
        elif name == "NOW":
            base = v.setdefault("NOW", datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None))
        elif name == "REMOVE":
            return MISSING
        elif name in v:
            base = v[name]
        else:
            raise MongoError(17276, f"Use of undefined variable: {name}")
        return get_value(base, rest) if rest else base

    return get


def _args(arg: Any, n: int | None = None, name: str = "") -> list[Ev]:
    items = arg if isinstance(arg, list) else [arg]
    if n is not None and len(items) != n:
        raise MongoError(16020, f"Expression {name} takes exactly {n} arguments. {len(items)} were passed in.")
    return [compile_expr(x) for x in items]


from . import arithmetic, array_reductions, arrays, dates, fields, javascript, logic, strings, types  # noqa: E402,F401  (register)
