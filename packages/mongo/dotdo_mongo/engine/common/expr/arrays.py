"""Array expressions and the variable-binding ones ($filter, $map, $reduce, $let)."""
from __future__ import annotations

from typing import Any

from ...errors import MongoError
from ..bsontypes import type_name
from ..compare import compare, equal
from ..paths import MISSING
from . import _args, _null, compile_expr, op, truthy


def _array(x: Any, name: str) -> list | None:
    if x is None or x is MISSING:
        return None
    if not isinstance(x, list):
        raise MongoError(28689 if name == "$filter" else 17124,
                         f"The argument to {name} must be an array, but was of type: {type_name(x)}")
    return x


@op("$size")
def _size(arg):
    (a,) = _args(arg, 1, "$size")

    def f(doc, v):
        x = a(doc, v)
        if not isinstance(x, list):
            raise MongoError(17124, f"The argument to $size must be an array. Type of argument was: "
                                    f"{'missing' if x is MISSING else type_name(x)}")
        return len(x)

    return f


@op("$arrayElemAt")
def _elem_at(arg):
    a, i = _args(arg, 2, "$arrayElemAt")

    def f(doc, v):
        arr, idx = _array(a(doc, v), "$arrayElemAt"), i(doc, v)
        if arr is None or idx is None or idx is MISSING:
            return None
        idx = int(idx)
        if -len(arr) <= idx < len(arr):
            return arr[idx]
        return MISSING

    return f


@op("$first", "$last")
def _first_last_array(arg):
    raise MongoError(238, "$first/$last as array expressions are not supported by dotdo")


@op("$in")
def _in(arg):
    x, a = _args(arg, 2, "$in")

    def f(doc, v):
        arr = a(doc, v)
        if not isinstance(arr, list):
            raise MongoError(40081, f"$in requires an array as a second argument, found: {type_name(arr) if arr is not MISSING else 'missing'}")
        needle = _null(x(doc, v))
        return any(equal(needle, e) or (compare(needle, e) == 0 and type_name(needle) != "object") for e in arr)

    return f


@op("$concatArrays")
def _concat_arrays(arg):
    fs = _args(arg)

    def f(doc, v):
        out = []
        for g in fs:
            arr = _array(g(doc, v), "$concatArrays")
            if arr is None:
                return None
            out.extend(arr)
        return out

    return f


def _with_var(arg: dict, name: str, default_as: str = "this"):
    inp = compile_expr(arg.get("input"))
    var = arg.get("as", default_as)
    return inp, var


@op("$filter")
def _filter(arg):
    inp, var = _with_var(arg, "$filter")
    cond = compile_expr(arg.get("cond"))
    limit = compile_expr(arg["limit"]) if "limit" in arg else None

    def f(doc, v):
        arr = _array(inp(doc, v), "$filter")
        if arr is None:
            return None
        out = []
        n = int(limit(doc, v)) if limit else None
        for e in arr:
            if truthy(cond(doc, {**v, var: e})):
                out.append(e)
                if n is not None and len(out) >= n:
                    break
        return out

    return f


@op("$map")
def _map(arg):
    inp, var = _with_var(arg, "$map")
    body = compile_expr(arg.get("in"))

    def f(doc, v):
        arr = _array(inp(doc, v), "$map")
        if arr is None:
            return None
        return [_null(body(doc, {**v, var: e})) for e in arr]

    return f


@op("$reduce")
def _reduce(arg):
    inp = compile_expr(arg.get("input"))
    init = compile_expr(arg.get("initialValue"))
    body = compile_expr(arg.get("in"))

    def f(doc, v):
        arr = _array(inp(doc, v), "$reduce")
        if arr is None:
            return None
        acc = init(doc, v)
        for e in arr:
            acc = body(doc, {**v, "this": e, "value": acc})
        return acc

    return f


@op("$let")
def _let(arg):
    defs = {k: compile_expr(x) for k, x in arg.get("vars", {}).items()}
    body = compile_expr(arg.get("in"))
    return lambda doc, v: body(doc, {**v, **{k: g(doc, v) for k, g in defs.items()}})


@op("$slice")
def _slice(arg):
    fs = _args(arg)

    def f(doc, v):
        arr = _array(fs[0](doc, v), "$slice")
        if arr is None:
            return None
        if len(fs) == 2:
            n = int(fs[1](doc, v))
            return arr[:n] if n >= 0 else arr[n:]
        pos, n = int(fs[1](doc, v)), int(fs[2](doc, v))
        start = pos if pos >= 0 else max(len(arr) + pos, 0)
        return arr[start:start + n]

    return f


@op("$reverseArray")
def _reverse(arg):
    (a,) = _args(arg, 1)
    return lambda doc, v: (lambda x: None if x is None else list(reversed(x)))(_array(a(doc, v), "$reverseArray"))


@op("$isArray")
def _is_array(arg):
    (a,) = _args(arg, 1)
    return lambda doc, v: isinstance(a(doc, v), list)


@op("$range")
def _range(arg):
    fs = _args(arg)
    return lambda doc, v: list(range(int(fs[0](doc, v)), int(fs[1](doc, v)),
                                     int(fs[2](doc, v)) if len(fs) > 2 else 1))


@op("$objectToArray")
def _o2a(arg):
    (a,) = _args(arg, 1)
    return lambda doc, v: (lambda x: None if x in (None, MISSING) else [{"k": k, "v": y} for k, y in x.items()])(a(doc, v))


@op("$arrayToObject")
def _a2o(arg):
    (a,) = _args(arg, 1)

    def f(doc, v):
        x = a(doc, v)
        if x is None or x is MISSING:
            return None
        out = {}
        for e in x:
            if isinstance(e, dict):
                out[e["k"]] = e["v"]
            else:
                out[e[0]] = e[1]
        return out

    return f


@op("$mergeObjects")
def _merge(arg):
    fs = _args(arg)

    def f(doc, v):
        out: dict = {}
        for g in fs:
            x = g(doc, v)
            if isinstance(x, dict):
                out.update(x)
        return out

    return f
