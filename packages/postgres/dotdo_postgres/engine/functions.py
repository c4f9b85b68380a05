"""SQLite functions, aggregates and collations that give translated statements PostgreSQL semantics.

Registered on every connection an engine opens. Errors raised here are PgErrors; apsw
re-raises them from the statement, so the client gets the SQLSTATE PostgreSQL would send."""
from __future__ import annotations

import collections
import datetime as dt
import json
import math
import random
import re
import uuid
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, localcontext
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import types as T
from .errors import PgError, unsupported

if TYPE_CHECKING:
    from .database import Database

VERSION = "PostgreSQL 16.4 (dotdo 0.1.0 on SQLite) on x86_64-pc-linux-gnu, compiled by dotdo, 64-bit"


def _spec(s: str) -> T.ColType:
    return T.parse_spec(s)


def pg_in(spec: str, v: Any, src: str | None = None) -> Any:
    if src == "numeric" and isinstance(v, str):
        v = T.to_decimal(v)  # a numeric's text is a number (2.5 into an integer column rounds)
    return T.coerce(_spec(spec), v)


_JSON_KINDS = ((dict, "object"), (list, "array"), (str, "string"), (bool, "boolean"))


def _jsonb_scalar_for(doc: Any, to: T.ColType) -> Any:
    """jsonb cast to a number or boolean: only a jsonb number (boolean) casts, as that value."""
    v = _json_load(doc)
    want_bool = to.key == "bool"
    if want_bool and isinstance(v, bool):
        return int(v)
    if not want_bool and isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
        return T.to_decimal(v)
    kind = "null" if v is None else next((name for cls, name in _JSON_KINDS if isinstance(v, cls)), "numeric")
    raise PgError("22023", f"cannot cast jsonb {kind} to type {T.TYPES[to.key].sql_name}")


def pg_cast(spec: str, v: Any, src: str | None) -> Any:
    """An explicit cast, knowing the source type (a numeric's text is a number, a text is text);
    time(p), timestamp(p) and timestamptz(p) round to p fractional digits."""
    out = _cast(spec, v, src)
    ct = _spec(spec)
    if ct.mods and ct.key in ("time", "timestamp", "timestamptz"):
        return T.round_fraction(ct.key, out, ct.mods[0])
    return out


def _cast(spec: str, v: Any, src: str | None) -> Any:
    if v is None:
        return None
    ct = _spec(spec)
    src_key = _spec(src).key if src else None
    key = ct.key
    if src_key == "numeric" and isinstance(v, (str, float)):
        v = T.to_decimal(v)
    elif src_key in T.FLOATS and isinstance(v, str):
        v = float(v)  # a stored NaN: into an integer it is out of range, into numeric NaN
    if src_key in ("float4", "float8") and key == "numeric" and isinstance(v, float) and math.isfinite(v):
        # PostgreSQL converts through 6 (real) or 15 (double) significant digits: (1/3::float8)::numeric
        v = Decimal(f"{v:.{6 if src_key == 'float4' else 15}g}")
    if src_key == "bool" and key in T.TEXTS + ("text",):
        v, src_key = ("true" if v else "false"), "text"  # then cut to char(n)/varchar(n) like any text
    if key == "bool" and isinstance(v, (int, float)) and src_key in T.INTEGERS:
        return 1 if v else 0
    if src_key == "bpchar" and key != "bpchar" and isinstance(v, str):
        v = v.rstrip(" ")  # character(n) to text drops the padding
    if key in T.TEXTS:
        if src_key and src_key not in T.TEXTS:
            v = T.text_out(src_key, v)
        if key in ("varchar", "bpchar") and ct.mods:  # an explicit cast truncates instead of failing
            v = v[: ct.mods[0]]
            return v.ljust(ct.mods[0]) if key == "bpchar" else v
        return T.coerce(ct, v)
    if key in ("json", "jsonb") and src_key in ("json", "jsonb"):
        return T.coerce(ct, v)
    if src_key == "jsonb" and key in T.INTEGERS + T.FLOATS + ("numeric", "bool"):
        v, src_key = _jsonb_scalar_for(v, ct), ("bool" if key == "bool" else "numeric")
        if key == "bool":
            return v
    if src_key == "timestamptz" and key in ("date", "time", "timestamp"):
        v, src_key = _wall_clock(str(v)), "timestamp"  # the session zone's calendar and clock
        if key == "timestamp":
            return v
    if src_key == "timestamp" and key == "date":
        return str(v)[:10]
    if src_key == "timestamp" and key == "time":
        return str(v)[11:]
    if src_key == "timestamp" and key == "timestamptz":
        return _in_session_zone(str(v))
    if src_key == "date" and key in ("timestamp", "timestamptz"):
        midnight = f"{v} 00:00:00"
        return _in_session_zone(midnight) if key == "timestamptz" else midnight
    return T.coerce(ct, v)


def _wall_clock(stored: str) -> str:
    """A stored timestamptz as the timestamp its instant shows on the session zone's clocks."""
    zone = T.session_zone()
    return stored[:-3] if zone is None else T.fmt_timestamp(T.local_time(stored, zone))


def _in_session_zone(wall: str) -> str:
    """A timestamp's wall-clock text read in the session's zone → stored timestamptz."""
    zone = T.session_zone()
    if zone is None:
        return wall + "+00"
    return T.timestamptz_from_local(dt.datetime.fromisoformat(wall))


_LIMITS = {"int2": (-(2**15), 2**15 - 1, "smallint"), "int4": (-(2**31), 2**31 - 1, "integer")}


def pg_int_range(key: str, v: Any) -> Any:
    if isinstance(v, float) and key == "int8":
        raise PgError("22003", "bigint out of range")  # SQLite turned an overflowing integer into a REAL
    if isinstance(v, int) and key != "int8":
        lo, hi, name = _LIMITS[key]
        if not lo <= v <= hi:
            raise PgError("22003", f"{name} out of range")
    return v


def pg_div(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if b == 0:
        raise PgError("22012", "division by zero")
    if isinstance(a, int) and isinstance(b, int):
        q = abs(a) // abs(b)
        q = q if (a >= 0) == (b >= 0) else -q
        if q > _INT8_MAX:  # the bigint minimum divided by -1 (int2/int4 are checked by pg_int_range)
            raise PgError("22003", "bigint out of range")
        return q
    return a / b


_INT8_MAX = 2**63 - 1


def pg_mod(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if b == 0:
        raise PgError("22012", "division by zero")
    if isinstance(a, int) and isinstance(b, int):
        r = abs(a) % abs(b)  # the sign of the dividend, as C's %; in integers (a float would round a bigint)
        return -r if a < 0 else r
    return num_op("%", a, b)


def _weight(d: Decimal) -> tuple[int, int]:
    """PostgreSQL's base-10000 weight and first digit of a non-zero numeric."""
    d = abs(d)
    w = d.adjusted() // 4
    first = int(d.scaleb(-4 * w))
    return w, first


def _scale(d: Decimal) -> int:
    return max(0, -d.as_tuple().exponent) if d.is_finite() else 0


# numeric values are exact: PostgreSQL keeps up to 131072 digits before the point and 16383 after,
# so this context never rounds a sum, difference, product or quantize of values PostgreSQL can hold
EXACT = Context(prec=400_000, Emax=999_999_999, Emin=-999_999_999, rounding=ROUND_HALF_UP)
_MAX_WEIGHT_DIGITS = 131072  # a result with more digits before the point overflows numeric
_NAN = Decimal("NaN")
_PINF = Decimal("Infinity")
_NINF = Decimal("-Infinity")


def _checked_numeric(d: Decimal) -> Decimal:
    if d.is_finite() and d and d.adjusted() >= _MAX_WEIGHT_DIGITS:
        raise PgError("22003", "value overflows numeric format")
    return d


def _sign(d: Decimal) -> int:
    return 0 if not d else (1 if d > 0 else -1)


def _quantized(d: Decimal, rscale: int) -> Decimal:
    """d rounded half away from zero to rscale decimals (PostgreSQL's round_var)."""
    return d.quantize(Decimal(1).scaleb(-rscale), rounding=ROUND_HALF_UP, context=EXACT)


def _rounded_quotient(x: Decimal, y: Decimal, rscale: int) -> Decimal:
    """x / y rounded half away from zero at rscale decimals, as PostgreSQL's exact div_var: the
    quotient truncated one digit or more past rscale rounds the same way as the exact one."""
    digits = max(x.adjusted() - y.adjusted() + 2, 1) + max(rscale, 0) + 2 if x else 1
    ctx = Context(prec=digits, Emax=EXACT.Emax, Emin=EXACT.Emin, rounding=ROUND_DOWN)
    return _quantized(ctx.divide(x, y), rscale)


def div_numeric(x: Decimal, y: Decimal) -> Decimal:
    """numeric / numeric of finite values, at select_div_scale's result scale."""
    if y == 0:
        raise PgError("22012", "division by zero")
    if x == 0:
        w1, f1 = 0, 0
    else:
        w1, f1 = _weight(x)
    w2, f2 = _weight(y)
    qweight = w1 - w2
    if f1 <= f2:
        qweight -= 1
    rscale = 16 - qweight * 4
    rscale = max(rscale, _scale(x), _scale(y), 0)
    rscale = min(rscale, 1000)
    return _checked_numeric(_rounded_quotient(x, y, rscale))


def _ln_dweight(v: Decimal) -> int:
    """PostgreSQL's estimate of the decimal weight of ln(v), which sets the result scale of ln, log and power."""
    if v <= 0:
        return 0
    if Decimal("0.9") <= v <= Decimal("1.1"):
        x = v - 1
        return 0 if x == 0 else x.adjusted()
    w, first = _weight(v)
    digits, dweight = first, w * 4
    rest = v.scaleb(-4 * w, context=EXACT) - first
    if rest:
        digits = digits * 10000 + int(rest.scaleb(4, context=EXACT))
        dweight -= 4
    return int(math.log10(abs(math.log(digits) + dweight * 2.302585092994046)))


def _num_result(compute, rscale: int, magnitude: int = 0) -> str:
    rscale = min(max(rscale, 0), 1000)
    with localcontext() as ctx:
        ctx.prec = rscale + max(magnitude, 0) + 40
        ctx.Emax, ctx.Emin = EXACT.Emax, EXACT.Emin
        r = compute(ctx)
        return T.num_text(_checked_numeric(_quantized(r, rscale)))


def _num_args(*vals: Any) -> list[Decimal] | None:
    if any(v is None for v in vals):
        return None
    return [T.to_decimal(v) for v in vals]


def num_sqrt(a: Any) -> Any:
    args = _num_args(a)
    if args is None:
        return None
    x = args[0]
    if x.is_nan():
        return "NaN"
    if x < 0:  # -Infinity too
        raise PgError("2201F", "cannot take square root of a negative number")
    if not x.is_finite():
        return T.num_text(x)
    sweight = 2 * (_weight(x)[0] if x else 0) + 1
    return _num_result(lambda ctx: ctx.sqrt(x), max(16 - sweight, _scale(x)), x.adjusted() // 2)


def num_power(a: Any, b: Any) -> Any:
    args = _num_args(a, b)
    if args is None:
        return None
    x, y = args
    if x.is_nan():  # POSIX: NaN ^ 0 = 1 and 1 ^ NaN = 1; any other NaN gives NaN
        return "1" if y.is_finite() and y == 0 else "NaN"
    if y.is_nan():
        return "1" if x.is_finite() and x == 1 else "NaN"
    integral = y.is_finite() and y == y.to_integral_value()
    if x == 0 and y < 0:
        raise PgError("2201F", "zero raised to a negative power is undefined")
    if x < 0 and not integral and y.is_finite():
        raise PgError("2201F", "a negative number raised to a non-integer power yields a complex result")
    if not (x.is_finite() and y.is_finite()):
        return T.num_text(_power_of_infinity(x, y))
    if integral and abs(y) < 2**31:
        return _power_int(x, int(y))
    return _power_real(x, y)


def _power_of_infinity(x: Decimal, y: Decimal) -> Decimal:
    """POSIX pow(3) with an infinite base or exponent, as PostgreSQL's numeric_power follows it."""
    if x.is_finite() and x == 1:
        return Decimal(1)
    if y == 0:
        return Decimal(1)
    if not y.is_finite():
        if x.is_finite() and x == -1:
            return Decimal(1)
        abs_x_gt_one = not x.is_finite() or abs(x) > 1
        return _PINF if abs_x_gt_one == (y > 0) else Decimal(0)
    if x > 0:
        return _PINF if y > 0 else Decimal(0)
    if y < 0:
        return Decimal(0)
    odd = y == y.to_integral_value() and int(y) % 2 == 1  # -Infinity ^ y (num_power refused a fraction)
    return _NINF if odd else _PINF


def _leading(x: Decimal) -> tuple[float, int]:
    """(f, p) with abs(x) ~= f * 10^p from its first four base-10000 digits, as power_var_int estimates."""
    w, _ = _weight(x)
    groups = abs(x).scaleb(-4 * w, context=EXACT)  # first digit group before the point
    f = 0.0
    p = w * 4
    for i in range(4):
        digit = int(groups)
        f = f * 10000 + digit if i else float(digit)
        groups = (groups - digit).scaleb(4, context=EXACT)
        if i:
            p -= 4
        if not groups:
            break
    return f, p


def _power_int(x: Decimal, n: int) -> str:
    """x ^ n for an integer n, at PostgreSQL 15's power_var_int scale: at least 16 decimals, or the base's."""
    rscale = min(max(16, _scale(x)), 1000)
    if n == 0:
        return T.num_text(_quantized(Decimal(1), rscale))
    if x == 0:
        return T.num_text(_quantized(Decimal(0), rscale))
    f, p = _leading(x)
    weight = n * (math.log10(f) + p)  # about log10 of the result
    if weight > min(3 * 32767 * 4, _MAX_WEIGHT_DIGITS + 1):
        raise PgError("22003", "value overflows numeric format")
    if weight + 1 < -rscale:
        return T.num_text(_quantized(Decimal(0), rscale))
    digits = len(x.as_tuple().digits)
    if digits * abs(n) <= 20000:  # small enough to raise exactly, then round once
        power = EXACT.power(x, abs(n))
        r = _rounded_quotient(Decimal(1), power, rscale) if n < 0 else _quantized(power, rscale)
    else:
        prec = 1 + rscale + int(weight) + int(math.log(abs(n))) + 20
        ctx = Context(prec=max(prec, 20), Emax=EXACT.Emax, Emin=EXACT.Emin, rounding=ROUND_HALF_UP)
        r = _quantized(ctx.power(x, n), rscale)
    return T.num_text(_checked_numeric(r))


def _power_real(x: Decimal, y: Decimal) -> str:
    """x ^ y for a non-integer y (or one beyond int32), at power_var's result scale."""
    if x == 0:
        return "0." + "0" * 16
    with localcontext() as ctx:
        ctx.prec, ctx.Emax, ctx.Emin = 30, EXACT.Emax, EXACT.Emin
        val = float(ctx.ln(abs(x)) * y)
    if abs(val) > 1000 * 3.01:
        if val > 0:
            raise PgError("22003", "value overflows numeric format")
        return "0." + "0" * 1000
    val *= 0.434294481903252
    return _num_result(lambda ctx: ctx.power(x, y), max(16 - int(val), _scale(x), _scale(y)), int(val))


def _ln_check(x: Decimal) -> None:
    if x == 0:
        raise PgError("2201E", "cannot take logarithm of zero")
    if x < 0:
        raise PgError("2201E", "cannot take logarithm of a negative number")


def num_ln(a: Any) -> Any:
    args = _num_args(a)
    if args is None:
        return None
    x = args[0]
    if x.is_nan():
        return "NaN"
    _ln_check(x)
    if x.is_infinite():
        return "Infinity"
    return _num_result(lambda ctx: ctx.ln(x), max(16 - _ln_dweight(x), _scale(x)), 4)


def num_log(b: Any, a: Any) -> Any:
    args = _num_args(b, a)
    if args is None:
        return None
    base, x = args
    if base.is_nan() or x.is_nan():
        return "NaN"
    if base < 0 or x < 0:  # negative and zero inputs fail first, even beside an infinity
        _ln_check(min(base, x))
    _ln_check(base)
    _ln_check(x)
    if base.is_infinite():
        return "NaN" if x.is_infinite() else "0"  # log(Inf, x) reduces to x/Inf
    if x.is_infinite():
        return "Infinity"
    if base == 1:
        raise PgError("22012", "division by zero")
    rscale = max(16 - (_ln_dweight(x) - _ln_dweight(base)), _scale(base), _scale(x))
    return _num_result(lambda ctx: ctx.ln(x) / ctx.ln(base), rscale, 4)


def num_exp(a: Any) -> Any:
    args = _num_args(a)
    if args is None:
        return None
    x = args[0]
    if not x.is_finite():
        return "0" if x.is_infinite() and x < 0 else T.num_text(x)
    val = float(x) * 0.434294481903252
    if val > 1000:
        raise PgError("22003", "value overflows numeric format")
    val = max(val, -1000)
    return _num_result(lambda ctx: ctx.exp(x), max(16 - int(val), _scale(x)), int(val))


def _special_op(op: str, x: Decimal, y: Decimal) -> Decimal:
    """+ - * / % where an operand is NaN or ±Infinity (PostgreSQL 14+'s numeric infinities)."""
    if x.is_nan() or y.is_nan():
        return _NAN
    if op in "+-":
        if op == "-":
            y = -y
        if x.is_infinite() and y.is_infinite() and _sign(x) != _sign(y):
            return _NAN  # Infinity - Infinity
        return x if x.is_infinite() else y
    if op == "*":
        s = _sign(x) * _sign(y)
        return _NAN if s == 0 else (_PINF if s > 0 else _NINF)
    if x.is_infinite():
        if y == 0:
            raise PgError("22012", "division by zero")
        if op == "%" or y.is_infinite():
            return _NAN  # Infinity % y, Infinity / Infinity
        return _PINF if _sign(x) == _sign(y) else _NINF
    return Decimal(0) if op == "/" else x  # x / Infinity is 0; x % Infinity is x


def num_op(op: str, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    x, y = T.to_decimal(a), T.to_decimal(b)
    if not (x.is_finite() and y.is_finite()):
        return T.num_text(_special_op(op, x, y))
    if op == "+":
        r = EXACT.add(x, y)
    elif op == "-":
        r = EXACT.subtract(x, y)
    elif op == "*":
        r = EXACT.multiply(x, y)  # exact: scale is the sum of the operands' scales
    elif op == "/":
        r = div_numeric(x, y)
    elif op == "%":
        if y == 0:
            raise PgError("22012", "division by zero")
        r = EXACT.remainder(x, y)  # truncated, with the dividend's sign and the larger scale
    else:
        raise PgError("0A000", f"numeric operator {op} is not supported by dotdo")
    return T.num_text(_checked_numeric(r))


def num_div_trunc(a: Any, b: Any) -> Any:
    """div(numeric, numeric): the quotient truncated toward zero."""
    if a is None or b is None:
        return None
    x, y = T.to_decimal(a), T.to_decimal(b)
    if not (x.is_finite() and y.is_finite()):
        return T.num_text(_special_op("/", x, y).to_integral_value(rounding=ROUND_DOWN))
    if y == 0:
        raise PgError("22012", "division by zero")
    return T.num_text(_checked_numeric(EXACT.divide_int(x, y)))


def num_sign(a: Any) -> Any:
    if a is None:
        return None
    x = T.to_decimal(a)
    return "NaN" if x.is_nan() else str(_sign(x))


def num_neg(a: Any) -> Any:
    return None if a is None else T.num_text(-T.to_decimal(a))


def num_ceil(a: Any) -> Any:
    return None if a is None else T.num_text(T.to_decimal(a).to_integral_value(rounding="ROUND_CEILING", context=EXACT))


def num_floor(a: Any) -> Any:
    return None if a is None else T.num_text(T.to_decimal(a).to_integral_value(rounding="ROUND_FLOOR", context=EXACT))


def num_round(a: Any, n: int = 0) -> Any:
    if a is None or n is None:
        return None
    d = T.to_decimal(a)
    if not d.is_finite():
        return T.num_text(d)
    return T.num_text(_checked_numeric(_quantized(d, n)))


def table_is_visible(db: Any, oid: Any) -> Any:
    """pg_table_is_visible: whether the search path finds the relation by its bare name (the
    catalog's own relations always)."""
    from .describe import relname
    if oid is None:
        return None
    name = relname(db.catalog, oid, db.path)
    shown = relname(db.catalog, oid, ())  # with no path every user relation prints qualified
    return 1 if name != shown or "." not in str(shown) or shown == str(oid) else 0


def _current_schemas(session: Any, implicit: Any) -> Any:
    """current_schemas(bool): the search path's existing schemas, pg_catalog first when asked for
    the implicitly searched ones too (unless the path names it itself)."""
    from .arrays import _store
    if implicit is None:
        return None
    path = list(session.schema_path())
    if implicit:
        path = ["pg_catalog"] + path
    return _store(path)


def string_to_array(s: Any, delim: Any, null_text: Any = None) -> Any:
    from .arrays import _store
    if s is None:
        return None
    if s == "":
        return "[]"
    if delim is None:
        parts = list(s)
    elif delim == "":
        parts = [s]
    else:
        parts = s.split(delim)
    return _store([None if null_text is not None and p == null_text else p for p in parts])


def translate(s: Any, src: Any, dst: Any) -> Any:
    if s is None or src is None or dst is None:
        return None
    table: dict[str, str | None] = {}
    for i, c in enumerate(src):
        table.setdefault(c, dst[i] if i < len(dst) else None)  # a character beyond `dst` is deleted
    return "".join(c if c not in table else (table[c] or "") for c in s)


def make_date(y: Any, m: Any, d: Any) -> Any:
    if y is None or m is None or d is None:
        return None
    if y < 0:  # a year BC: -44 is astronomical year -43, which PostgreSQL's message prints
        year = y + 1
        if not _valid_day(year % 400 or 400, m, d):
            raise PgError("22008", f"date field value out of range: {year}-{m:02d}-{d:02d}")
        raise unsupported("dates before year 1 (BC)")
    try:
        if y == 0:
            raise ValueError
        return dt.date(y, m, d).isoformat()
    except (ValueError, OverflowError):
        raise PgError("22008", f"date field value out of range: {y}-{m:02d}-{d:02d}") from None


def _valid_day(year: int, m: int, d: int) -> bool:
    try:
        dt.date(year, m, d)  # the Gregorian calendar repeats every 400 years
    except (ValueError, OverflowError):
        return False
    return True


def width_bucket(x: Any, lo: Any, hi: Any, n: Any, kind: str = "numeric") -> Any:
    """width_bucket(operand, bound1, bound2, count): the float8 version (kind "float8", which integer
    arguments resolve to) divides in double precision, the numeric one exactly; both allow an
    infinite operand but not infinite bounds."""
    if x is None or lo is None or hi is None or n is None:
        return None
    if n <= 0:
        raise PgError("2201G", "count must be greater than zero")
    x, lo, hi = (T.to_decimal(v) for v in (x, lo, hi))
    if any(v.is_nan() for v in (x, lo, hi)):
        raise PgError("2201G", "operand, lower bound, and upper bound cannot be NaN")
    if lo.is_infinite() or hi.is_infinite():
        raise PgError("2201G", "lower and upper bounds must be finite")
    if lo == hi:
        raise PgError("2201G", "lower bound cannot equal upper bound")
    below, above = (x < lo, x >= hi) if lo < hi else (x > lo, x <= hi)
    if below:
        return 0
    if above:
        if n + 1 > 2**31 - 1:
            raise PgError("22003", "integer out of range")
        return n + 1
    if kind == "float8":
        return int(n * (float(x) - float(lo)) / (float(hi) - float(lo))) + 1
    return int((x - lo) * n / (hi - lo)) + 1


def _gcd(a: Any, b: Any, key: str) -> Any:
    if a is None or b is None:
        return None
    r = math.gcd(a, b)
    if key == "int8" and r >= 2**63:
        raise PgError("22003", "bigint out of range")
    return pg_int_range(key, r)


def _lcm(a: Any, b: Any, key: str) -> Any:
    if a is None or b is None:
        return None
    r = abs(a * b) // math.gcd(a, b) if a and b else 0
    if key == "int8" and r >= 2**63:
        raise PgError("22003", "bigint out of range")
    return pg_int_range(key, r)


@lru_cache(maxsize=256)
def _similar_regex(pattern: str, escape: str) -> re.Pattern:
    """SQL's SIMILAR TO pattern as a regular expression matched against the whole string."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if escape and c == escape:
            if i + 1 >= n:
                raise PgError("2201B", "invalid regular expression: invalid escape \\ sequence")
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if c == "[":  # a bracket expression is a regex's own, up to its closing bracket
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 1
            out.append(pattern[i:j + 1])
            i = j + 1
            continue
        out.append(".*" if c == "%" else "." if c == "_" else re.escape(c) if c in ".^$\\" else c)
        i += 1
    try:
        return re.compile("".join(out), re.S)
    except re.error as exc:
        raise PgError("2201B", f"invalid regular expression: {exc}") from None


def similar_to(s: Any, pattern: Any, escape: Any = "\\") -> Any:
    if s is None or pattern is None:
        return None
    if escape is not None and len(escape) > 1:
        raise PgError("22025", "invalid escape string", hint="Escape string must be empty or one character.")
    return int(_similar_regex(pattern, escape or "").fullmatch(s) is not None)


def overlay(s: Any, repl: Any, start: Any, count: Any = None) -> Any:
    if s is None or repl is None or start is None:
        return None
    if count is None:
        count = len(repl)
    if start < 1:
        raise PgError("22011", "negative substring length not allowed")
    return s[:start - 1] + repl + s[max(start - 1 + count, 0):]


def at_time_zone(v: Any, zone: Any, to_local: int) -> Any:
    """timestamptz AT TIME ZONE z (the wall time there, a timestamp) or timestamp AT TIME ZONE z
    (that wall time there, a timestamptz); z as PostgreSQL reads it (zones.zone)."""
    if v is None or zone is None:
        return None
    tz = zone_named(str(zone))
    if to_local:
        d = T._parse_ts(v, "timestamp with time zone")
        if d.tzinfo is None:
            d = d.replace(tzinfo=dt.timezone.utc)
        return T.fmt_timestamp(d.astimezone(tz).replace(tzinfo=None))
    d = T._parse_ts(v, "timestamp without time zone").replace(tzinfo=tz)
    return T.fmt_timestamptz(d)


_POSIX_WITH_DST = re.compile(r"(?:[A-Za-z]{3,}|<[^>]+>)[+-]?\d.*(?:[A-Za-z]{3,}|<[^>]+>)")


def zone_named(name: str) -> dt.tzinfo:
    """The zone `name` names for AT TIME ZONE, or PostgreSQL's error."""
    from .zones import zone
    tz = zone(name)
    if tz is not None:
        return tz
    if _POSIX_WITH_DST.match(name.strip()):
        raise unsupported(f'the POSIX time zone "{name}" with daylight-saving rules')
    raise PgError("22023", f'time zone "{name}" not recognized')


def pg_shift(x: Any, n: Any, direction: int, key: str) -> Any:
    if x is None or n is None:
        return None
    bits = 64 if key == "int8" else 32
    n &= bits - 1  # the shift count wraps at the width, as the machine does for PostgreSQL
    r = x << n if direction > 0 else x >> n
    width = {"int2": 16, "int4": 32, "int8": 64}[key]
    r &= (1 << width) - 1
    return r - (1 << width) if r >= 1 << (width - 1) else r


def num_trunc(a: Any, n: int = 0) -> Any:
    if a is None or n is None:
        return None
    d = T.to_decimal(a)
    if not d.is_finite():
        return T.num_text(d)
    return T.num_text(d.quantize(Decimal(1).scaleb(-n), rounding=ROUND_DOWN, context=EXACT))


def _jsonb_rank(v: Any) -> int:
    # PostgreSQL's jsonb order of kinds: null < string < number < boolean < array < object
    if v is None:
        return 0
    if isinstance(v, bool):
        return 3
    if isinstance(v, str):
        return 1
    if isinstance(v, (int, float, Decimal)):
        return 2
    return 4 if isinstance(v, list) else 5


def _jsonb_order(a: Any, b: Any) -> int:
    ra, rb = _jsonb_rank(a), _jsonb_rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra in (4, 5):
        if len(a) != len(b):  # more elements or pairs sort higher, before any content
            return -1 if len(a) < len(b) else 1
        pairs = zip(a.items(), b.items()) if ra == 5 else (((None, x), (None, y)) for x, y in zip(a, b))
        for (ka, va), (kb, vb) in pairs:
            if ka != kb:
                return -1 if ka < kb else 1
            c = _jsonb_order(va, vb)
            if c:
                return c
        return 0
    if ra == 2:
        x, y = Decimal(str(a)), Decimal(str(b))
        return (x > y) - (x < y)
    if ra == 0:
        return 0
    return (a > b) - (a < b)


def jsonb_cmp(a: Any, b: Any) -> Any:
    """jsonb's comparison (btree order): numbers by value, longer arrays and objects higher."""
    if a is None or b is None:
        return None
    x, y = _json_load(a), _json_load(T.coerce(T.ColType("jsonb"), b))
    lx, ly = isinstance(x, list), isinstance(y, list)
    if lx != ly and not isinstance(x, dict) and not isinstance(y, dict):
        # a top-level scalar is stored as a one-element array: it sorts by that length, then below
        n, m = (len(x), 1) if lx else (1, len(y))
        if n != m:
            return -1 if n < m else 1
        return 1 if lx else -1
    return _jsonb_order(x, y)


def _jsonb_collate(a: str, b: str) -> int:
    try:
        return jsonb_cmp(a, b)
    except Exception:  # a collation must not raise: text that is no JSON sorts as text
        return (a > b) - (a < b)


def _interval_collate(a: str, b: str) -> int:
    """Stored intervals ('months|days|micros') compare as PostgreSQL's do, by their span with
    30-day months: '1 mon' equals '30 days' (in =, ORDER BY, GROUP BY, DISTINCT and unique keys)."""
    from .datetime_ops import interval_cmp_key
    try:
        x, y = interval_cmp_key(a), interval_cmp_key(b)
    except (ValueError, TypeError):
        return (a > b) - (a < b)
    return (x > y) - (x < y)


def pgnum_collate(a: str, b: str) -> int:
    try:
        x, y = Decimal(a), Decimal(b)
    except Exception:
        return (a > b) - (a < b)
    if x.is_nan() or y.is_nan():  # NaN sorts above every number in PostgreSQL
        return (x.is_nan()) - (y.is_nan())
    return (x > y) - (x < y)


class NumSum:
    """sum() over numeric, exact; also a window function (step/inverse/value). NaN, Infinity and
    -Infinity are counted apart, as PostgreSQL's numeric accumulator does, so a frame can drop them."""

    def __init__(self) -> None:
        self.total = Decimal(0)
        self.n = 0
        self.specials: collections.Counter = collections.Counter()  # 'NaN' / 'Infinity' / '-Infinity' → rows
        self.scales: collections.Counter = collections.Counter()  # decimals → rows (a frame's sum has the largest)

    def _add(self, v: Any, sign: int) -> None:
        if v is None:
            return
        d = T.to_decimal(v)
        self.n += sign
        if d.is_finite():
            self.total = EXACT.add(self.total, d) if sign > 0 else EXACT.subtract(self.total, d)
            self.scales[_scale(d)] += sign
        else:
            self.specials[T.num_text(d)] += sign

    def step(self, v: Any) -> None:
        self._add(v, 1)

    def inverse(self, v: Any) -> None:
        self._add(v, -1)

    def _special(self) -> str | None:
        """The sum's value when a NaN or an infinity is among the rows."""
        nan, pinf, ninf = (self.specials[k] > 0 for k in ("NaN", "Infinity", "-Infinity"))
        if nan or (pinf and ninf):
            return "NaN"
        return "Infinity" if pinf else "-Infinity" if ninf else None

    def value(self) -> Any:
        if self.n == 0:
            return None
        return self._special() or T.num_text(_checked_numeric(self._total()))

    def _total(self) -> Decimal:
        """The sum at the largest scale among the rows still in the frame (PostgreSQL sums a frame
        again once a row of the largest scale leaves it)."""
        scale = max((k for k, c in self.scales.items() if c > 0), default=0)
        return _quantized(self.total, scale) if -self.total.as_tuple().exponent > scale else self.total

    def final(self) -> Any:
        return self.value()


class NumAvg(NumSum):
    def value(self) -> Any:
        if self.n == 0:
            return None
        return self._special() or T.num_text(div_numeric(self._total(), Decimal(self.n)))


class NumVariance:
    """var_samp/var_pop/stddev_samp/stddev_pop over integers and numeric, as PostgreSQL's
    numeric_stddev_internal: exact sums, then one division at select_div_scale's scale (and the
    square root rounded to that same scale)."""

    sample = True
    root = False

    def __init__(self) -> None:
        self.n = 0
        self.nonfinite = 0
        self.sx = Decimal(0)
        self.sxx = Decimal(0)
        self.scales: collections.Counter = collections.Counter()

    def _add(self, v: Any, sign: int) -> None:
        if v is None:
            return
        x = T.to_decimal(v)
        self.n += sign
        if not x.is_finite():
            self.nonfinite += sign
            return
        self.scales[max(-x.as_tuple().exponent, 0)] += sign
        with localcontext() as ctx:
            ctx.prec = 4000
            self.sx += sign * x
            self.sxx += sign * (x * x)

    def step(self, v: Any) -> None:
        self._add(v, 1)

    def inverse(self, v: Any) -> None:
        self._add(v, -1)

    def value(self) -> Any:
        n = self.n
        if n == 0 or (self.sample and n == 1):
            return None
        if self.nonfinite:
            return "NaN"  # PostgreSQL: NaN, and an infinite input too, gives NaN
        with localcontext() as ctx:
            ctx.prec = 4000
            num = n * self.sxx - self.sx * self.sx
            # PostgreSQL's numerator has twice the largest scale among the rows (those in the
            # frame, for a window); the division's scale depends on it
            scale = max((k for k, c in self.scales.items() if c > 0), default=0)
            num = num.quantize(Decimal(1).scaleb(-2 * scale))
            if num <= 0:
                return "0"  # PostgreSQL answers a plain zero (also for rounding below zero)
            den = Decimal(n * (n - 1) if self.sample else n * n)
        q = div_numeric(num, den)
        if self.root:
            scale = max(-q.as_tuple().exponent, 0)
            with localcontext() as ctx:
                ctx.prec = scale + abs(q.adjusted()) + 60
                q = ctx.sqrt(q).quantize(Decimal(1).scaleb(-scale), rounding="ROUND_HALF_UP")
        return T.num_text(q)

    def final(self) -> Any:
        return self.value()


class FloatVariance:
    """The same aggregates over float4/float8, as PostgreSQL's float8_accum (Youngs-Cramer); a
    frame that loses rows is summed again from its first row, as PostgreSQL (which has no inverse
    for these) does."""

    sample = True
    root = False

    def __init__(self) -> None:
        self.rows: collections.deque = collections.deque()
        self.state = (0.0, 0.0, 0.0)
        self.stale = False

    @staticmethod
    def _accum(state: tuple[float, float, float], x: float) -> tuple[float, float, float]:
        n0, sx0, sxx = state
        n, sx = n0 + 1.0, sx0 + x
        if n0 > 0.0:
            tmp = x * n - sx
            sxx += tmp * tmp / (n * n0)
            if math.isinf(sx) or math.isinf(sxx):
                if not math.isinf(sx0) and not math.isinf(x):
                    raise PgError("22003", "value out of range: overflow")
                sxx = math.nan
        elif math.isnan(x) or math.isinf(x):
            sxx = math.nan  # a lone Inf or NaN must not read as variance zero
        return n, sx, sxx

    def step(self, v: Any) -> None:
        if v is None:
            return
        self.rows.append(float(v))
        if not self.stale:
            self.state = self._accum(self.state, float(v))

    def inverse(self, v: Any) -> None:
        if v is not None:
            self.rows.popleft()
            self.stale = True

    def value(self) -> Any:
        if self.stale:
            state = (0.0, 0.0, 0.0)
            for x in self.rows:
                state = self._accum(state, x)
            self.state, self.stale = state, False
        n, _, sxx = self.state
        if n == 0.0 or (self.sample and n == 1.0):
            return None
        r = sxx / (n - 1.0 if self.sample else n)
        r = math.sqrt(r) if self.root else r
        return "NaN" if r != r else r  # SQLite would turn a NaN REAL into NULL

    def final(self) -> Any:
        return self.value()


def _variance_kinds():
    for base, prefix in ((NumVariance, "pg_num_"), (FloatVariance, "pg_float_")):
        for name, sample, root in (("var_samp", True, False), ("var_pop", False, False),
                                   ("stddev_samp", True, True), ("stddev_pop", False, True)):
            yield prefix + name, type(base.__name__ + "_" + name, (base,), {"sample": sample, "root": root})


class BoolAnd:
    def __init__(self) -> None:
        self.v: int | None = None

    def step(self, x: Any) -> None:
        if x is not None:
            self.v = int(bool(x)) if self.v is None else int(self.v and bool(x))

    def final(self) -> Any:
        return self.v


class BoolOr(BoolAnd):
    def step(self, x: Any) -> None:
        if x is not None:
            self.v = int(bool(x)) if self.v is None else int(self.v or bool(x))


class JsonAgg:
    """jsonb_agg (normal: one jsonb document) and json_agg, whose json values keep the text they
    were written with (json_agg of '{"a" :  1}'::json repeats that spacing); `src` is the type
    spec of the aggregated values. Also a window function (json_agg(x) OVER (...))."""

    def __init__(self, normal: bool) -> None:
        self.items: list = []
        self.normal = normal

    def step(self, src: str, v: Any) -> None:
        if not self.normal and v is not None and src == "json":
            self.items.append(_WrittenJson(v))
        else:
            self.items.append(_to_json_value(v, src))

    def inverse(self, *_: Any) -> None:
        self.items.pop(0)  # a window frame loses its rows first in, first out

    def value(self) -> Any:
        return self.final()

    def final(self) -> Any:
        if not self.items:
            return None
        if self.normal:
            return T.jsonb_normal(self.items)
        return "[" + ", ".join(x if isinstance(x, _WrittenJson) else T.json_text(x) for x in self.items) + "]"


class StringAgg:
    """string_agg(x, sep) of bytea, and of text under DISTINCT (SQLite's group_concat makes blobs
    text, and takes DISTINCT only without a separator): each value after the first is preceded by
    its own row's separator (NULL: none). Also a window function."""

    def __init__(self) -> None:
        self.rows: list[tuple[Any, Any]] = []  # (value, separator) of the rows with a value

    def step(self, v: Any, sep: Any) -> None:
        if v is not None:
            self.rows.append((v, sep))

    def inverse(self, v: Any, sep: Any) -> None:
        if v is not None:
            self.rows.pop(0)  # a window frame loses its rows first in, first out

    def value(self) -> Any:
        return self.final()

    def final(self) -> Any:
        if not self.rows:
            return None
        parts = [self.rows[0][0]]
        for v, sep in self.rows[1:]:
            parts += [sep, v] if sep is not None else [v]
        return (b"" if isinstance(parts[0], bytes) else "").join(parts)


class Distinct:
    """An aggregate that steps the one it wraps once per distinct tuple of arguments: SQLite takes
    DISTINCT only in an aggregate of one argument, and dotdo's helpers take the type spec too."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seen: set = set()

    def step(self, *args: Any) -> None:
        if args not in self.seen:
            self.seen.add(args)
            self.inner.step(*args)

    def final(self) -> Any:
        return self.inner.final()


class _WrittenJson(str):
    """A json value's own text, placed in an aggregate as it is."""


def _to_json_value(v: Any, src: str) -> Any:
    key = _spec(src).key if src else "text"
    if v is None:
        return None
    if key in ("json", "jsonb"):
        return json.loads(v, parse_float=Decimal)
    if key == "bool":
        return bool(v)
    if key == "numeric":
        return T.to_decimal(v)
    return v if not isinstance(v, bytes) else T.text_out("bytea", v)


def _json_load(text: Any) -> Any:
    try:
        return _json_parse(text)
    except (ValueError, TypeError):
        # a value that reached a JSON operator untyped ('a' ? 'b' resolves to jsonb ? text): the
        # input error PostgreSQL gives, with its detail
        T.json_parse(text, "json")
        raise PgError("22P02", "invalid input syntax for type json") from None


@lru_cache(maxsize=4096)
def _json_parse(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def _json_dump(obj: Any) -> str:
    return T.jsonb_normal(obj)


def _json_index(doc: Any, key: Any, scalar_is_array: bool = False) -> Any:
    if scalar_is_array and not isinstance(doc, (dict, list)):
        doc = [doc]  # jsonb keeps a bare scalar as a one-element array: '"s"'::jsonb -> 0 is "s"
    if isinstance(doc, dict) and isinstance(key, str):
        return doc.get(key, _MISSING)
    if isinstance(doc, list) and isinstance(key, int) and not isinstance(key, bool):
        try:
            return doc[key] if key >= -len(doc) else _MISSING
        except IndexError:
            return _MISSING
    return _MISSING


_MISSING = object()


def json_get(doc: Any, key: Any) -> Any:
    if doc is None or key is None:
        return None
    v = _json_index(_json_load(doc), key, scalar_is_array=True)
    return None if v is _MISSING else _json_dump(v)


def json_get_text(doc: Any, key: Any) -> Any:
    if doc is None or key is None:
        return None
    v = _json_index(_json_load(doc), key, scalar_is_array=True)
    return _json_text(v)


def _json_text(v: Any) -> Any:
    if v is _MISSING or v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (int, float)):
        return str(v)
    return _json_dump(v)


def _path(path: str) -> list[str]:
    p = path.strip()
    if not (p.startswith("{") and p.endswith("}")):
        raise PgError("22P02", f'malformed array literal: "{path}"')
    inner = p[1:-1]
    return [x.strip().strip('"') for x in inner.split(",")] if inner else []


def _walk(doc: Any, path: str) -> Any:
    v = _json_load(doc)
    for part in _path(path):
        if isinstance(v, list):
            try:
                v = _json_index(v, int(part))
            except ValueError:
                return _MISSING
        else:
            v = _json_index(v, part)
        if v is _MISSING:
            return v
    return v


def json_path(doc: Any, path: Any) -> Any:
    if doc is None or path is None:
        return None
    v = _walk(doc, path)
    return None if v is _MISSING else _json_dump(v)


def json_path_text(doc: Any, path: Any) -> Any:
    if doc is None or path is None:
        return None
    return _json_text(_walk(doc, path))


def _contains(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return all(k in a and _contains(a[k], v) for k, v in b.items())
    if isinstance(a, list) and isinstance(b, list):
        return all(any(_contains(x, y) for x in a) for y in b)
    if isinstance(a, list) and not isinstance(b, (dict, list)):
        return any(x == b and type(x) is type(b) for x in a)
    return a == b and type(a) is type(b)


def json_contains(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    return int(_contains(_json_load(a), _json_load(T.coerce(T.ColType("jsonb"), b))))


def json_has_key(a: Any, k: Any) -> Any:
    if a is None or k is None:
        return None
    doc = _json_load(a)
    if isinstance(doc, dict):
        return int(k in doc)
    if isinstance(doc, list):
        return int(k in doc)
    return int(isinstance(doc, str) and doc == k)  # a string scalar counts as its own key


def jsonb_build_object(*args: Any) -> Any:
    if len(args) % 2:
        raise PgError("22023", "argument list must have even number of elements",
                      hint="The arguments of jsonb_build_object() must consist of alternating keys and values.")
    out = {}
    for i in range(0, len(args), 2):
        if args[i] is None:
            raise PgError("22023", "argument 1: key must not be null")
        out[str(args[i])] = args[i + 1]
    return T.jsonb_normal(out)


def jsonb_typeof(a: Any) -> Any:
    if a is None:
        return None
    v = _json_load(a)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float, Decimal)):
        return "number"
    if isinstance(v, str):
        return "string"
    return "array" if isinstance(v, list) else "object"


def jsonb_array_length(a: Any) -> Any:
    if a is None:
        return None
    v = _json_load(a)
    if isinstance(v, dict):
        raise PgError("22023", "cannot get array length of a non-array")
    if not isinstance(v, list):
        raise PgError("22023", "cannot get array length of a scalar")
    return len(v)


def pg_regex(s: Any, pattern: Any, flags: str = "") -> Any:
    if s is None or pattern is None:
        return None
    from .regex import compile_pattern
    # the same ARE translation as the regexp_* functions: `.` matches a newline, `$` is the end, ...
    return int(compile_pattern(str(pattern), "i" if "i" in flags else "").search(s) is not None)


@lru_cache(maxsize=512)
def _like_regex(pattern: str, escape: str) -> re.Pattern:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if escape and c == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("".join(out), re.S | re.IGNORECASE)


def pg_ilike(s: Any, pattern: Any, escape: Any = "\\") -> Any:
    if s is None or pattern is None:
        return None
    s, pattern = str(s), str(pattern)
    return int(_like_regex(pattern, escape or "").fullmatch(s) is not None)


def lpad(s: Any, n: int, fill: str = " ") -> Any:
    if s is None or n is None:
        return None
    if n <= 0:  # s[:n] would count from the end
        return ""
    if n <= len(s):
        return s[:n]
    if not fill:
        return s
    pad = (fill * n)[: n - len(s)]
    return pad + s


def rpad(s: Any, n: int, fill: str = " ") -> Any:
    if s is None or n is None:
        return None
    if n <= 0:
        return ""
    if n <= len(s):
        return s[:n]
    if not fill:
        return s
    return s + (fill * n)[: n - len(s)]


def split_part(s: Any, delim: Any, n: Any) -> Any:
    if s is None or delim is None or n is None:
        return None
    if n == 0:
        raise PgError("22023", "field position must not be zero")
    parts = s.split(delim) if delim else [s]
    idx = n - 1 if n > 0 else len(parts) + n
    return parts[idx] if 0 <= idx < len(parts) else ""


def initcap(s: Any) -> Any:
    if s is None:
        return None
    # a word is a run of letters and digits, non-ASCII ones included ('élan' → 'Élan')
    return re.sub(r"[^\W_]+", lambda m: m.group(0)[0].upper() + m.group(0)[1:].lower(), s)


def _case_map(s: Any, up: bool) -> Any:
    if not isinstance(s, str):
        return s
    # PostgreSQL maps character by character: 'ß' has no one-character upper case and stays
    out = []
    for c in s:
        m = c.upper() if up else c.lower()
        out.append(m if len(m) == 1 else c)
    return "".join(out)


def pg_substr(s: Any, start: Any, count: Any = None) -> Any:
    """substr/substring(s FROM start FOR count): characters start .. start+count-1, positions
    before the first one counted but empty (SQLite counts a negative start from the end)."""
    if s is None or start is None:
        return None
    if count is None:
        return s[max(start, 1) - 1:] if not isinstance(s, bytes) else s[max(start, 1) - 1:]
    if count < 0:
        raise PgError("22011", "negative substring length not allowed")
    end = start + count
    return s[max(start, 1) - 1:max(end - 1, 0)]


def pg_substring_re(s: Any, pattern: Any) -> Any:
    """substring(s FROM pattern): the first parenthesised group's match, or the whole match."""
    if s is None or pattern is None:
        return None
    from .regex import compile_pattern
    m = compile_pattern(str(pattern), "").search(s)
    if m is None:
        return None
    return m.group(1) if m.re.groups else m.group(0)


def pg_chr(n: Any) -> Any:
    if n is None:
        return None
    if n == 0:
        raise PgError("54000", "null character not permitted")
    if n < 0 or n > 0x10FFFF or 0xD800 <= n <= 0xDFFF:
        raise PgError("54000", f"requested character too large for encoding: {n}")
    return chr(n)


def pg_to_hex(n: Any, bits: int) -> Any:
    if n is None:
        return None
    return format(n & ((1 << bits) - 1), "x")


# PostgreSQL 15's keywords other than the unreserved ones: quote_ident quotes them
_QUOTED_KEYWORDS = frozenset("""
all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create
current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc
distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral
leading limit localtime localtimestamp not null offset on only or order placing primary references returning
select session_user some symmetric table then to trailing true union unique user using variadic when where
window with authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull
join left like natural notnull outer overlaps right similar tablesample verbose between bigint bit boolean char
character coalesce dec decimal exists extract float greatest grouping inout int integer interval least national
nchar none normalize nullif numeric out overlay position precision real row setof smallint substring time
timestamp treat trim values varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces
xmlparse xmlpi xmlroot xmlserialize xmltable""".split())


def quote_ident(s: Any) -> Any:
    if s is None:
        return None
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", s) and s not in _QUOTED_KEYWORDS:
        return s
    return '"' + s.replace('"', '""') + '"'


def quote_literal(s: Any) -> Any:
    if s is None:
        return None
    s = str(s)
    body = "'" + s.replace("'", "''").replace("\\", "\\\\") + "'"
    return ("E" + body) if "\\" in s else body


_FORMAT_SPEC = re.compile(r"%(?:(\d+)\$)?(-)?(\d+|\*)?([sIL%])")


def pg_format(fmt: Any, *args: Any) -> Any:
    """format(): %s, %I, %L with positions (%2$s) and widths (%-5s); the arguments arrive as text."""
    if fmt is None:
        return None
    out, pos, nxt = [], 0, 0
    for m in _FORMAT_SPEC.finditer(fmt):
        out.append(fmt[pos:m.start()])
        pos = m.end()
        argno, minus, width, kind = m.groups()
        if kind == "%":
            out.append("%")
            continue
        if width == "*":
            raise PgError("0A000", "format() with a width taken from an argument is not supported by dotdo")
        if argno is not None:
            nxt = int(argno)
            if nxt == 0:
                raise PgError("22023", "format specifies argument 0, but arguments are numbered from 1")
            i = nxt - 1
        else:
            i = nxt
        if i >= len(args):
            raise PgError("22023", "too few arguments for format()")
        nxt = i + 1
        v = args[i]
        if kind == "s":
            text = "" if v is None else str(v)
        elif kind == "I":
            if v is None:
                raise PgError("22004", "null values cannot be formatted as an SQL identifier")
            text = quote_ident(str(v))
        else:
            text = "NULL" if v is None else quote_literal(v)
        if width:
            text = text.ljust(int(width)) if minus else text.rjust(int(width))
        out.append(text)
    rest = fmt[pos:]
    if "%" in rest:
        raise PgError("22023", "unterminated format() type specifier",
                      hint='For a single "%" use "%%".')
    out.append(rest)
    return "".join(out)


def _left(s: Any, n: Any) -> Any:
    if s is None or n is None:
        return None
    return s[:n] if n >= 0 else s[:max(0, len(s) + n)]


def _right(s: Any, n: Any) -> Any:
    if s is None or n is None:
        return None
    if n >= 0:
        return s[max(0, len(s) - n):] if n else ""
    return s[-n:]


def _md5(s: Any) -> Any:
    import hashlib
    if s is None:
        return None
    return hashlib.md5(s if isinstance(s, bytes) else str(s).encode()).hexdigest()


# -- bytea: encode / decode / get_byte / set_byte ---------------------------------------------

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_VALUE = {c: i for i, c in enumerate(_B64)}


def _encoding(name: str) -> str:
    key = name.lower()
    if key not in ("hex", "base64", "escape"):
        raise PgError("22023", f'unrecognized encoding: "{name}"')
    return key


def _b64_encode(data: bytes) -> str:
    # PostgreSQL breaks the text after every 76 characters, also after the last full line
    out, line = [], 0
    for i in range(0, len(data), 3):
        chunk = data[i:i + 3]
        buf = int.from_bytes(chunk + b"\0" * (3 - len(chunk)), "big")
        quad = "".join(_B64[(buf >> shift) & 63] for shift in (18, 12, 6, 0))
        if len(chunk) < 3:
            quad = quad[:len(chunk) + 1] + "=" * (3 - len(chunk))
        else:
            line += 4
        out.append(quad)
        if line >= 76:
            out.append("\n")
            line = 0
    return "".join(out)


def _b64_decode(text: str) -> bytes:
    """PostgreSQL's base64 reading: blanks skipped, '=' ends the data (what follows still counts,
    as in PostgreSQL), its three errors."""
    out = bytearray()
    buf = pos = end = 0
    for c in text:
        if c in " \t\n\r":
            continue
        if c == "=":
            if not end:
                if pos == 2:
                    end = 1
                elif pos == 3:
                    end = 2
                else:
                    raise PgError("22023", 'unexpected "=" while decoding base64 sequence')
            b = 0
        else:
            b = _B64_VALUE.get(c, -1)
            if b < 0:
                raise PgError("22023", f'invalid symbol "{c}" found while decoding base64 sequence')
        buf = (buf << 6) + b
        pos += 1
        if pos == 4:
            out.append((buf >> 16) & 255)
            if end == 0 or end > 1:
                out.append((buf >> 8) & 255)
            if end == 0 or end > 2:
                out.append(buf & 255)
            buf = pos = 0
    if pos:
        raise PgError("22023", "invalid base64 end sequence",
                      hint="Input data is missing padding, is truncated, or is otherwise corrupted.")
    return bytes(out)


def pg_encode(data: Any, name: Any) -> Any:
    if data is None or name is None:
        return None
    kind = _encoding(name)
    data = bytes(data)
    if kind == "hex":
        return data.hex()
    if kind == "base64":
        return _b64_encode(data)
    return "".join("\\\\" if b == 92 else f"\\{b:03o}" if b == 0 or b >= 128 else chr(b) for b in data)


def pg_decode(text: Any, name: Any) -> Any:
    if text is None or name is None:
        return None
    kind = _encoding(name)
    if kind == "hex":
        return T.bytea_in("\\x" + text)
    if kind == "base64":
        return _b64_decode(text)
    if text.startswith("\\x"):  # the escape format only: \x is no escape there
        raise PgError("22P02", "invalid input syntax for type bytea")
    return T.bytea_in(text)


def _byte_index(data: bytes, n: int) -> None:
    if not 0 <= n < len(data):
        raise PgError("2202E", f"index {n} out of valid range, 0..{len(data) - 1}")


def get_byte(data: Any, n: Any) -> Any:
    if data is None or n is None:
        return None
    _byte_index(data, n)
    return data[n]


def set_byte(data: Any, n: Any, v: Any) -> Any:
    if data is None or n is None or v is None:
        return None
    _byte_index(data, n)
    out = bytearray(data)
    out[n] = v & 255  # PostgreSQL keeps the low byte of the new value
    return bytes(out)


def factorial(n: Any) -> Any:
    if n is None:
        return None
    if n < 0:
        raise PgError("22003", "factorial of a negative number is undefined")
    if n > 32177:  # PostgreSQL refuses before computing: the result would pass numeric's limit
        raise PgError("22003", "value overflows numeric format")
    return T.num_text(Decimal(math.factorial(n)))


def register(conn, db: "Database") -> None:
    """Install the PostgreSQL layer's functions on one apsw connection of database `db`."""
    conn.execute("PRAGMA case_sensitive_like=ON")
    conn.create_collation("PGNUM", pgnum_collate)
    conn.create_collation("PGJSONB", _jsonb_collate)
    conn.create_collation("PGINTERVAL", _interval_collate)
    f = conn.create_scalar_function
    f("pg_in", pg_in, -1, deterministic=True)
    f("pg_encode", pg_encode, 2, deterministic=True)
    f("pg_factorial", factorial, 1, deterministic=True)
    f("pg_decode", pg_decode, 2, deterministic=True)
    f("pg_get_byte", get_byte, 2, deterministic=True)
    f("pg_set_byte", set_byte, 3, deterministic=True)
    f("pg_cast", pg_cast, 3, deterministic=True)
    f("pg_div", pg_div, 2, deterministic=True)
    f("pg_int_range", pg_int_range, 2, deterministic=True)
    f("pg_mod", pg_mod, 2, deterministic=True)
    f("pg_num", num_op, 3, deterministic=True)
    f("pg_num_neg", num_neg, 1, deterministic=True)
    f("pg_num_div", num_div_trunc, 2, deterministic=True)
    f("pg_num_sign", num_sign, 1, deterministic=True)
    f("pg_num_round", num_round, -1, deterministic=True)
    f("pg_num_ceil", num_ceil, 1, deterministic=True)
    f("pg_num_floor", num_floor, 1, deterministic=True)
    f("pg_json_get", json_get, 2, deterministic=True)
    f("pg_json_text", json_get_text, 2, deterministic=True)
    f("pg_json_path", json_path, 2, deterministic=True)
    f("pg_json_path_text", json_path_text, 2, deterministic=True)
    f("pg_json_contains", json_contains, 2, deterministic=True)
    f("pg_json_has_key", json_has_key, 2, deterministic=True)
    f("jsonb_build_object", jsonb_build_object, -1)
    f("json_build_object", jsonb_build_object, -1)
    f("jsonb_typeof", jsonb_typeof, 1, deterministic=True)
    f("json_typeof", jsonb_typeof, 1, deterministic=True)
    f("pg_record", T.record_text, -1, deterministic=True)  # of a json value's text: the same answer
    f("jsonb_array_length", jsonb_array_length, 1, deterministic=True)
    f("json_array_length", jsonb_array_length, 1, deterministic=True)  # SQLite's own answers 0 for a scalar
    f("pg_regex", pg_regex, -1, deterministic=True)
    f("lpad", lpad, -1, deterministic=True)
    f("rpad", rpad, -1, deterministic=True)
    f("split_part", split_part, 3, deterministic=True)
    f("initcap", initcap, 1, deterministic=True)
    f("pg_ilike", pg_ilike, -1, deterministic=True)
    f("upper", lambda s: _case_map(s, True), 1, deterministic=True)
    f("lower", lambda s: _case_map(s, False), 1, deterministic=True)
    f("pg_substr", pg_substr, -1, deterministic=True)
    f("pg_substring_re", pg_substring_re, 2, deterministic=True)
    f("pg_chr", pg_chr, 1, deterministic=True)
    f("pg_to_hex", pg_to_hex, 2, deterministic=True)
    f("quote_ident", quote_ident, 1, deterministic=True)
    f("quote_literal", quote_literal, 1, deterministic=True)
    f("quote_nullable", lambda s: "NULL" if s is None else quote_literal(s), 1, deterministic=True)
    f("pg_format", pg_format, -1, deterministic=True)
    f("pg_random", lambda: random.random(), 0)
    f("pg_num_trunc", num_trunc, -1, deterministic=True)
    f("pg_jsonb_cmp", jsonb_cmp, 2, deterministic=True)
    f("pg_shift", pg_shift, 4, deterministic=True)
    f("pg_similar", similar_to, -1, deterministic=True)
    f("pg_overlay", overlay, -1, deterministic=True)
    f("pg_at_time_zone", at_time_zone, 3, deterministic=True)
    f("pg_num_sqrt", num_sqrt, 1, deterministic=True)
    f("pg_num_power", num_power, 2, deterministic=True)
    f("pg_num_ln", num_ln, 1, deterministic=True)
    f("pg_num_log", num_log, 2, deterministic=True)
    f("pg_num_exp", num_exp, 1, deterministic=True)
    f("pg_string_to_array", string_to_array, -1, deterministic=True)
    f("pg_translate", translate, 3, deterministic=True)
    f("pg_ascii", lambda s: None if s is None else (ord(s[0]) if s else 0), 1, deterministic=True)
    f("pg_starts_with", lambda s, p: None if s is None or p is None else int(s.startswith(p)), 2, deterministic=True)
    f("make_date", make_date, 3, deterministic=True)
    f("width_bucket", width_bucket, -1, deterministic=True)
    f("pg_gcd", _gcd, 3, deterministic=True)
    f("pg_lcm", _lcm, 3, deterministic=True)
    f("left", _left, 2, deterministic=True)
    f("right", _right, 2, deterministic=True)
    f("repeat", lambda s, n: None if s is None or n is None else s * max(0, n), 2, deterministic=True)
    f("reverse", lambda s: None if s is None else s[::-1], 1, deterministic=True)
    f("md5", _md5, 1, deterministic=True)
    f("gen_random_uuid", lambda: str(uuid.uuid4()), 0)
    f("version", lambda: VERSION, 0)
    f("current_schema", lambda: next(iter(db.session().schema_path()), None), 0)
    f("current_schemas", lambda implicit: _current_schemas(db.session(), implicit), 1)
    f("current_database", lambda: db.name, 0)
    f("pg_backend_pid", lambda: db.session().pid, 0)
    f("pg_current_user", lambda: db.session().user, 0)
    f("current_setting", lambda name, missing_ok=False: db.session().setting(name, missing_ok), -1)
    f("set_config", lambda name, value, is_local: db.session().set_config(name, value, is_local), 3)
    f("pg_sleep", lambda seconds: _sleep(db, seconds), 1)
    f("pg_now", lambda: db.session().now(), 0)
    f("pg_clock", lambda: _after_now(db) and T.fmt_timestamptz(dt.datetime.now(dt.timezone.utc)), 0)
    f("pg_statement_time", lambda: db.session().statement_time(), 0)
    f("timeofday", lambda: _after_now(db) and _timeofday(), 0)
    f("pg_current_date", lambda: _wall_clock(db.session().now())[:10], 0)
    f("nextval", lambda name: db.sequences.nextval(conn, name), 1)
    f("currval", lambda name: db.sequences.currval(name), 1)
    f("lastval", lambda: db.sequences.lastval(), 0)
    f("setval", lambda name, v, called=True: db.sequences.setval(conn, name, v, called), -1)
    f("pg_raise", _raise, -1)
    f("pg_notify", lambda ch, payload: db.session().notify(ch or "", payload or ""), 2)
    f("pg_regtype", _regtype, 1, deterministic=True)
    f("to_regtype", _to_regtype, 1, deterministic=True)
    f("pg_table_is_visible", lambda oid: table_is_visible(db, oid), 1)
    f("pg_type_is_visible", lambda oid: 1, 1, deterministic=True)
    # operator classes and families are all pg_catalog's (see describe.py), always on the path
    f("pg_opclass_is_visible", lambda oid: 1, 1, deterministic=True)
    f("pg_opfamily_is_visible", lambda oid: 1, 1, deterministic=True)
    f("pg_lateral_row", lateral_row, -1, deterministic=True)
    f("pg_lateral_value", lateral_value, 2, deterministic=True)
    f("pg_out", lambda key, v: None if v is None else T.text_out(key, v), 2, deterministic=True)
    from . import arrays, cluster, datetime_ops, describe, floats, formatting, jsonfuncs, ordered_set, pgfuncs, regex, srf
    floats.register(conn)
    pgfuncs.register(conn)
    ordered_set.register(conn)
    jsonfuncs.register(conn)
    regex.register(conn)
    srf.register(conn)
    f("pg_to_char", formatting.to_char, 3, deterministic=True)
    f("pg_to_timestamp_text", formatting.to_timestamp_text, 3)  # reads the session's time zone
    describe.register(conn, db)
    cluster.register(conn, db)
    datetime_ops.register(conn)
    arrays.register(conn)
    conn.create_window_function("pg_num_sum", NumSum)
    conn.create_window_function("pg_num_avg", NumAvg)
    for name, cls in _variance_kinds():
        conn.create_window_function(name, cls)
    conn.create_aggregate_function("bool_and", lambda: (BoolAnd(), BoolAnd.step, BoolAnd.final))
    conn.create_aggregate_function("bool_or", lambda: (BoolOr(), BoolOr.step, BoolOr.final))
    conn.create_aggregate_function("every", lambda: (BoolAnd(), BoolAnd.step, BoolAnd.final))
    conn.create_window_function("pg_jsonb_agg", lambda: JsonAgg(True))
    conn.create_window_function("pg_json_agg", lambda: JsonAgg(False))
    conn.create_window_function("pg_string_agg", StringAgg)
    for name, aggregate in (("pg_jsonb_agg_distinct", lambda: JsonAgg(True)), ("pg_json_agg_distinct", lambda: JsonAgg(False)),
                            ("pg_string_agg_distinct", StringAgg)):
        conn.create_aggregate_function(name, (lambda make: lambda: (Distinct(make()), Distinct.step, Distinct.final))(aggregate))


def lateral_row(*values: Any) -> str:
    """One row of a LATERAL subquery as JSON text that lateral_value reads back exactly: Python's
    JSON keeps every float (-0.0, inf, nan too), and blobs travel as hex."""
    return json.dumps([{"x": bytes(v).hex()} if isinstance(v, (bytes, memoryview)) else v for v in values])


def lateral_value(row: Any, i: int) -> Any:
    if row is None:
        return None  # LEFT JOIN LATERAL: the subquery had no row for this one
    v = json.loads(row)[i]
    return bytes.fromhex(v["x"]) if isinstance(v, dict) else v


def _regtype(v: Any) -> Any:
    from .system import regtype_oid
    return None if v is None else regtype_oid(v)


def _to_regtype(v: Any) -> Any:
    try:
        return _regtype(v)
    except PgError:
        return None


def _after_now(db: "Database") -> bool:
    """Fix now() (taken at its first use) before reading the clock, so that in one statement
    clock_timestamp() and timeofday() are never earlier than now(), as in PostgreSQL."""
    db.session().now()
    return True


def _timeofday() -> str:
    """timeofday(): the wall clock as text in PostgreSQL's format ('Fri Mar 15 10:00:00.123456 2024 UTC')."""
    session = T.RUNNING.session
    zone = session.zone_full if session is not None else None
    d = dt.datetime.now(zone or dt.timezone(dt.timedelta(0), "UTC"))
    return d.strftime("%a %b %d %H:%M:%S.") + f"{d.microsecond:06d}" + d.strftime(" %Y ") + (d.tzname() or "")


def _sleep(db: "Database", seconds: Any) -> Any:
    """pg_sleep: parks the connection where the statement allows it (Plan.sleeps), else waits on the
    server's loop (see docs/postgres.md); statement_timeout cuts it short either way."""
    import time
    if seconds is None:
        return None
    wait = float(seconds)
    if not wait > 0:
        return ""
    session = db.session()
    if session.can_park and session.sleep_parks:
        return session.park_sleep(wait)
    deadline = session.statement_deadline
    now = time.monotonic()
    if deadline is not None and now + wait > deadline:
        time.sleep(max(0.0, deadline - now))
        raise PgError("57014", "canceling statement due to statement timeout")
    time.sleep(wait)
    return ""


def _raise(sqlstate: str, message: str, detail: str | None = None) -> None:
    raise PgError(sqlstate, message, detail=detail)

