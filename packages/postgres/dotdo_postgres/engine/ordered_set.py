"""The ordered-set aggregates: mode(), percentile_cont(f) and percentile_disc(f) WITHIN GROUP
(ORDER BY x), with a fraction or an array of fractions.

The aggregate collects the group's non-NULL values and sorts them itself in PostgreSQL's order
for their type (numbers by value with NaN last, intervals by their 30-day-month length, text by
code point as the C collation does), then picks as PostgreSQL's ordered-set support functions do."""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Callable

from sqlglot import exp

from . import types as T
from .errors import PgError, undefined_function, unsupported
from .expressions import FLOAT8, ColType, fn, lit

_KINDS = {"Mode": "mode", "PercentileCont": "percentile_cont", "PercentileDisc": "percentile_disc"}
_FRACTION_ARRAYS = ("_numeric", "_float8", "_float4", "_int4", "_int8", "_int2")


def _untyped(t: ColType | None) -> bool:
    return t is None or t.key == "unknown"


def within_group(rw, e: exp.WithinGroup, scope) -> tuple[exp.Expression, ColType | None]:
    """mode() / percentile_*(f) WITHIN GROUP (ORDER BY x): one call of the pg_ordered_set aggregate."""
    agg = e.this
    kind = _KINDS.get(type(agg).__name__)
    if kind is None:
        raise unsupported(f"WITHIN GROUP with {agg.sql('postgres')[:40]}")
    if isinstance(e.parent, exp.Window):
        raise PgError("0A000", f"OVER is not supported for ordered-set aggregate {kind}")
    order = e.expression
    keys = order.expressions if isinstance(order, exp.Order) else []
    typed = [rw.rx(k.this, scope) for k in keys]
    value, vt = typed[0] if typed else (None, None)
    fraction, ft = (rw.rx(agg.this, scope) if kind != "mode" and agg.this is not None else (None, None))
    shown = ([] if kind == "mode" else [_shown(ft)]) + [_shown(t) for _, t in typed]
    if len(keys) != 1:
        raise undefined_function(kind, ", ".join(shown))
    array = ft is not None and ft.key.startswith("_")
    if kind != "mode":
        if not (_untyped(ft) or ft.key in T.INTEGERS + T.FLOATS + ("numeric",) or ft.key in _FRACTION_ARRAYS):
            raise undefined_function(kind, ", ".join(shown))
        fraction = fn("pg_in", lit("float8"), fraction) if _untyped(ft) else fraction
    key = "text" if _untyped(vt) else vt.key
    out: ColType = ColType(key)
    if kind == "percentile_cont":
        if key in T.INTEGERS + T.FLOATS + ("numeric",):
            value = fn("pg_cast", lit("float8"), value, lit(key)) if key == "numeric" else value
            key, out = "float8", FLOAT8
        elif key != "interval":
            raise undefined_function(kind, ", ".join(shown))
    if array:
        from .arrays import array_type
        out = array_type(out)
    desc = int(bool(keys[0].args.get("desc")))
    return fn("pg_ordered_set", lit(kind), fraction if fraction is not None else exp.Null(), lit(int(array)),
              value, lit(key), lit(desc)), out


def _shown(t: ColType | None) -> str:
    if t is not None and t.key == "unknown":
        return "unknown"
    return t.display() if t is not None else "unknown"


def _sort_key(key: str) -> Callable[[Any], Any]:
    if key == "numeric":
        def numeric(v: Any) -> Any:
            d = T.to_decimal(v)
            return (1, Decimal(0)) if d.is_nan() else (0, d)
        return numeric
    if key in T.FLOATS:
        return lambda v: (1, 0.0) if isinstance(v, str) or math.isnan(v) else (0, v)  # NaN sorts last
    if key == "interval":
        from .datetime_ops import interval_cmp_key
        return interval_cmp_key
    return lambda v: v


def _fraction_check(f: float) -> None:
    if not 0 <= f <= 1 or math.isnan(f):
        raise PgError("22003", f"percentile value {_g(f)} is not between 0 and 1")


def _g(f: float) -> str:
    return f"{f:g}"


def _disc(values: list, f: float) -> Any:
    _fraction_check(f)
    row = math.ceil(f * len(values))
    return values[max(row, 1) - 1]


def _cont(values: list, f: float, key: str) -> Any:
    _fraction_check(f)
    pos = f * (len(values) - 1)
    first, second = math.floor(pos), math.ceil(pos)
    lo = values[first]
    if first == second:
        return lo
    hi = values[second]
    share = pos - first
    if key == "interval":
        from .datetime_ops import interval_add, interval_mul
        return interval_add(lo, interval_mul(interval_add(hi, lo, -1), share), 1)
    return lo + (hi - lo) * share


def _mode(values: list) -> Any:
    """The most frequent value; among equally frequent ones the first in the sort order."""
    best, best_count, run_value, run = None, 0, None, 0
    for v in values:
        run = run + 1 if run and v == run_value else 1
        run_value = v
        if run > best_count:
            best, best_count = v, run
    return best


class OrderedSet:
    def __init__(self) -> None:
        self.values: list = []
        self.args: tuple | None = None

    def step(self, kind: str, fraction: Any, array: int, value: Any, key: str, desc: int) -> None:
        self.args = (kind, fraction, array, key, desc)
        if value is not None:
            self.values.append(value)

    def final(self) -> Any:
        if self.args is None or not self.values:
            return None
        kind, fraction, array, key, desc = self.args
        values = sorted(self.values, key=_sort_key(key), reverse=bool(desc))
        if kind == "mode":
            return _mode(values)
        if fraction is None:
            return None
        pick = (lambda f: _disc(values, f)) if kind == "percentile_disc" else (lambda f: _cont(values, f, key))
        if not array:
            return _result(pick(float(fraction)))
        from .arrays import _load, _store
        return _store([None if f is None else _result(pick(float(f))) for f in _load(fraction)])


def _result(v: Any) -> Any:
    return "NaN" if isinstance(v, float) and math.isnan(v) else v


def register(conn) -> None:
    conn.create_aggregate_function("pg_ordered_set", lambda: (OrderedSet(), OrderedSet.step, OrderedSet.final))

