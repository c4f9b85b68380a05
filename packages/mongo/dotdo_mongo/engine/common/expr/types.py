"""$type and the conversion expressions ($toString, $toInt, $convert, ...)."""
from __future__ import annotations

import datetime
from typing import Any

from bson import Decimal128, Int64, ObjectId

from ...errors import MongoError
from ..bsontypes import type_name
from ..paths import MISSING
from . import OPS, _args, compile_expr, op, truthy


@op("$type")
def _type(arg):
    (a,) = _args(arg, 1)
    return lambda doc, v: (lambda x: "missing" if x is MISSING else type_name(x))(a(doc, v))


def _to_string(x: Any) -> Any:
    if x is None or x is MISSING:
        return None
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)
    if isinstance(x, datetime.datetime):
        return x.strftime("%Y-%m-%dT%H:%M:%S.") + f"{x.microsecond // 1000:03d}Z"
    if isinstance(x, (int, Int64, Decimal128, ObjectId)):
        return str(x)
    raise MongoError(241, f"Unsupported conversion from {type_name(x)} to string")


def _to_int(x: Any) -> Any:
    if x is None or x is MISSING:
        return None
    if isinstance(x, str):
        try:
            return int(x)
        except ValueError:
            raise MongoError(241, f"Failed to parse number '{x}' in $convert with no onError value")
    return int(float(str(x))) if isinstance(x, Decimal128) else int(x)


def _to_double(x: Any) -> Any:
    if x is None or x is MISSING:
        return None
    if isinstance(x, datetime.datetime):
        return float(x.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
    try:
        return float(str(x)) if isinstance(x, (str, Decimal128)) else float(x)
    except ValueError:
        raise MongoError(241, f"Failed to parse number '{x}' in $convert with no onError value")


CONVERTERS = {
    "string": _to_string, "int": _to_int, "long": lambda x: None if x in (None, MISSING) else Int64(_to_int(x)),
    "double": _to_double, "bool": lambda x: None if x in (None, MISSING) else truthy(x),
    "decimal": lambda x: None if x in (None, MISSING) else Decimal128(str(x)),
    "objectId": lambda x: None if x in (None, MISSING) else ObjectId(x),
}
for _name, _fn in (("$toString", "string"), ("$toInt", "int"), ("$toLong", "long"), ("$toDouble", "double"),
                   ("$toBool", "bool"), ("$toDecimal", "decimal"), ("$toObjectId", "objectId")):
    OPS[_name] = (lambda conv: lambda arg: (lambda a: lambda doc, v: conv(a(doc, v)))(_args(arg, 1)[0]))(CONVERTERS[_fn])


@op("$convert")
def _convert(arg):
    inp = compile_expr(arg.get("input"))
    to = arg.get("to")
    on_error = compile_expr(arg["onError"]) if "onError" in arg else None
    on_null = compile_expr(arg["onNull"]) if "onNull" in arg else None
    if to not in CONVERTERS:
        raise MongoError(238, f"$convert to '{to}' is not supported by dotdo")

    def f(doc, v):
        x = inp(doc, v)
        if (x is None or x is MISSING) and on_null is not None:
            return on_null(doc, v)
        try:
            return CONVERTERS[to](x)
        except (MongoError, ValueError, TypeError, Exception):
            if on_error is not None:
                return on_error(doc, v)
            raise

    return f
