"""Date part expressions (UTC)."""
from __future__ import annotations

import datetime
from typing import Callable

from ...errors import MongoError
from ..bsontypes import type_name
from ..paths import MISSING
from . import OPS, compile_expr, op


def _date_part(name: str, fn: Callable[[datetime.datetime], int]):
    def build(arg):
        a = compile_expr(arg["date"] if isinstance(arg, dict) and "date" in arg else arg)
        if isinstance(arg, dict) and arg.get("timezone") not in (None, "UTC", "GMT", "Z"):
            raise MongoError(238, "timezones other than UTC are not supported by dotdo")

        def f(doc, v):
            x = a(doc, v)
            if x is None or x is MISSING:
                return None
            if not isinstance(x, datetime.datetime):
                raise MongoError(16006, f"can't convert from BSON type {type_name(x)} to Date")
            return fn(x)

        return f

    return build


for _name, _fn in (("$year", lambda d: d.year), ("$month", lambda d: d.month), ("$dayOfMonth", lambda d: d.day),
                   ("$hour", lambda d: d.hour), ("$minute", lambda d: d.minute), ("$second", lambda d: d.second),
                   ("$millisecond", lambda d: d.microsecond // 1000), ("$dayOfYear", lambda d: d.timetuple().tm_yday),
                   ("$dayOfWeek", lambda d: d.isoweekday() % 7 + 1), ("$week", lambda d: int(d.strftime("%U")))):
    OPS[_name] = _date_part(_name, _fn)


@op("$dateToString")
def _date_to_string(arg):
    a = compile_expr(arg.get("date"))
    fmt = arg.get("format", "%Y-%m-%dT%H:%M:%S.%LZ")

    def f(doc, v):
        x = a(doc, v)
        if x is None or x is MISSING:
            return None
        return x.strftime(fmt.replace("%L", f"{x.microsecond // 1000:03d}"))

    return f
