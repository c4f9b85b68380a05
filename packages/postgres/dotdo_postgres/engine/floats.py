"""double precision and real arithmetic with PostgreSQL's special values and range errors.

A float is stored as a SQLite REAL, except NaN: SQLite turns a NaN REAL into NULL, so NaN is
stored as the text 'NaN' (which SQLite sorts above every number, where PostgreSQL sorts NaN, and
which equals itself, as NaN does in PostgreSQL). SQLite's own operators would read that text as 0
and turn Infinity - Infinity into NULL, so float arithmetic, negation, abs, the math functions
and sum/avg over floats run here, as PostgreSQL's float.c defines them: NaN and ±Infinity flow
through, a finite operation that overflows or underflows raises 22003."""
from __future__ import annotations

import collections
import math
import struct
from typing import Any

from .errors import PgError

NAN = float("nan")


def as_float(v: Any) -> float | None:
    """A stored float (REAL, 'NaN' text, an integer or a numeric's text operand) as a Python float."""
    if v is None or isinstance(v, float):
        return v
    return float(v)  # int, 'NaN', a numeric's text ('1.5', 'Infinity')


def stored(x: float) -> float | str:
    """A float result in its storage form (NaN as text)."""
    return "NaN" if x != x else x


def overflow() -> PgError:
    return PgError("22003", "value out of range: overflow")


def underflow() -> PgError:
    return PgError("22003", "value out of range: underflow")


def to_real(x: float) -> float:
    """x rounded to single precision (as C's (float) cast: beyond real's range it is infinite)."""
    try:
        return struct.unpack("f", struct.pack("f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def _checked(r: float, a: float, b: float, op: str) -> float:
    """PostgreSQL's float8_pl/mi/mul/div checks: an infinite result of finite inputs overflows, a
    zero product or quotient of non-zero (finite divisor) inputs underflows."""
    if math.isinf(r):
        if op == "/" and not math.isinf(a):
            raise overflow()
        if op != "/" and not math.isinf(a) and not math.isinf(b):
            raise overflow()
    elif r == 0.0:
        if op == "*" and a != 0.0 and b != 0.0:
            raise underflow()
        if op == "/" and a != 0.0 and not math.isinf(b):
            raise underflow()
    return r


def float_op(op: str, a: Any, b: Any, key: str) -> Any:
    """a op b for + - * / in double precision (key float8) or single precision (float4)."""
    x, y = as_float(a), as_float(b)
    if x is None or y is None:
        return None
    if op == "+":
        r = x + y
    elif op == "-":
        r = x - y
    elif op == "*":
        r = x * y
    else:
        if y == 0.0:
            if x != x:
                return "NaN"  # NaN / 0 is NaN, not an error
            raise PgError("22012", "division by zero")
        r = x / y
    if key == "float4":
        r = to_real(r)  # single precision: computing in double then rounding once gives the same value
    return stored(_checked(r, x, y, op))


def float_neg(a: Any) -> Any:
    x = as_float(a)
    return None if x is None else stored(-x)


def float_abs(a: Any) -> Any:
    x = as_float(a)
    return None if x is None else stored(abs(x))


def _integral(f):
    """round (rint: halves to even), trunc, ceil, floor: NaN and the infinities are their own."""
    def call(a: Any) -> Any:
        x = as_float(a)
        if x is None:
            return None
        return stored(x) if x != x or math.isinf(x) else float(f(x))
    return call


def float_sign(a: Any) -> Any:
    x = as_float(a)
    if x is None:
        return None
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0  # NaN compares neither way: 0


def _result(r: float, inf_ok: bool, zero_ok: bool) -> float | str:
    """PostgreSQL's check_float8_val: an unexpected infinity overflows, an unexpected zero underflows."""
    if math.isinf(r) and not inf_ok:
        raise overflow()
    if r == 0.0 and not zero_ok:
        raise underflow()
    return stored(r)


def fsqrt(a: Any) -> Any:
    x = as_float(a)
    if x is None:
        return None
    if x < 0:
        raise PgError("2201F", "cannot take square root of a negative number")
    return _result(math.sqrt(x), math.isinf(x), x == 0)


def fcbrt(a: Any) -> Any:
    x = as_float(a)
    if x is None:
        return None
    return _result(math.cbrt(x), math.isinf(x), x == 0)


def fexp(a: Any) -> Any:
    x = as_float(a)
    if x is None:
        return None
    if x != x:
        return "NaN"
    if math.isinf(x):
        return x if x > 0 else 0.0
    try:
        r = math.exp(x)
    except OverflowError:
        raise overflow() from None
    return _result(r, False, False)


def fln(a: Any, base10: bool = False) -> Any:
    x = as_float(a)
    if x is None:
        return None
    if x == 0.0:
        raise PgError("2201E", "cannot take logarithm of zero")
    if x < 0:
        raise PgError("2201E", "cannot take logarithm of a negative number")
    if x != x:
        return "NaN"
    return _result(math.log10(x) if base10 else math.log(x), math.isinf(x), x == 1)


def fpower(a: Any, b: Any) -> Any:
    x, y = as_float(a), as_float(b)
    if x is None or y is None:
        return None
    # POSIX: NaN ^ 0 = 1 and 1 ^ NaN = 1; any other NaN input gives NaN
    if x != x:
        return 1.0 if y == 0.0 else "NaN"
    if y != y:
        return 1.0 if x == 1.0 else "NaN"
    if x == 0 and y < 0:
        raise PgError("2201F", "zero raised to a negative power is undefined")
    if x < 0 and not math.isinf(y) and math.floor(y) != y:
        raise PgError("2201F", "a negative number raised to a non-integer power yields a complex result")
    if math.isinf(y):
        ax = abs(x)
        if ax == 1.0:
            return 1.0
        return (math.inf if ax > 1.0 else 0.0) if y > 0 else (0.0 if ax > 1.0 else math.inf)
    if math.isinf(x):
        if y == 0.0:
            return 1.0
        if x > 0:
            return x if y > 0 else 0.0
        odd = math.floor(y / 2) != y / 2
        return (x if odd else -x) if y > 0 else (-0.0 if odd else 0.0)
    try:
        r = math.pow(x, y)
    except OverflowError:
        raise overflow() from None
    if math.isinf(r):
        raise overflow()
    if r == 0.0 and x != 0.0:
        raise underflow()
    return r


def _trig(f, bounded: bool = False, inf_ok: bool = False):
    """sin/cos/tan/cot (an infinite input is out of range) and asin/acos (beyond [-1, 1] is)."""
    def call(a: Any) -> Any:
        x = as_float(a)
        if x is None:
            return None
        if x != x:
            return "NaN"
        if math.isinf(x) or (bounded and not -1.0 <= x <= 1.0):
            raise PgError("22003", "input is out of range")
        return _result(f(x), inf_ok, True)
    return call


def _cot(x: float) -> float:
    t = math.tan(x)
    return math.inf if t == 0.0 else 1.0 / t


def fatan(a: Any) -> Any:
    x = as_float(a)
    return None if x is None else stored(math.atan(x))


def fatan2(a: Any, b: Any) -> Any:
    y, x = as_float(a), as_float(b)
    if x is None or y is None:
        return None
    return stored(math.atan2(y, x))


_RADIANS_PER_DEGREE = 0.0174532925199432957692


def fdegrees(a: Any) -> Any:
    return float_op("/", a, _RADIANS_PER_DEGREE, "float8")


def fradians(a: Any) -> Any:
    return float_op("*", a, _RADIANS_PER_DEGREE, "float8")


class FloatSum:
    """sum() over float8 or float4 (accumulated in its own precision, as float8pl/float4pl): NaN and
    Infinity flow through, a finite sum that overflows raises. As a window function, a frame that
    loses rows is summed again from its first row, as PostgreSQL (which has no inverse for it) does."""

    def __init__(self, key: str = "float8") -> None:
        self.key = key
        self.rows: collections.deque = collections.deque()
        self.total = 0.0
        self.stale = False

    def _add(self, total: float, x: float) -> float:
        r = total + x
        if self.key == "float4":
            r = to_real(r)
        if math.isinf(r) and not math.isinf(total) and not math.isinf(x):
            raise overflow()
        return r

    def step(self, v: Any) -> None:
        if v is not None:
            x = as_float(v)
            self.rows.append(x)
            if not self.stale:
                self.total = self._add(self.total, x)

    def inverse(self, v: Any) -> None:
        if v is not None:
            self.rows.popleft()
            self.stale = True

    def _sum(self) -> float:
        if self.stale:
            total = 0.0
            for x in self.rows:
                total = self._add(total, x)
            self.total, self.stale = total, False
        return self.total

    def value(self) -> Any:
        return None if not self.rows else stored(self._sum())

    def final(self) -> Any:
        return self.value()


class FloatAvg(FloatSum):
    """avg() over floats: float8_accum's running sum (in double precision) divided by the count."""

    def __init__(self) -> None:
        super().__init__("float8")

    def value(self) -> Any:
        return None if not self.rows else stored(self._sum() / len(self.rows))


def register(conn) -> None:
    f = conn.create_scalar_function
    f("pg_fop", float_op, 4, deterministic=True)
    f("pg_fneg", float_neg, 1, deterministic=True)
    f("pg_fabs", float_abs, 1, deterministic=True)
    f("pg_fsign", float_sign, 1, deterministic=True)
    f("pg_round_float", _integral(round), 1, deterministic=True)
    f("pg_trunc_float", _integral(math.trunc), 1, deterministic=True)
    f("pg_ceil_float", _integral(math.ceil), 1, deterministic=True)
    f("pg_floor_float", _integral(math.floor), 1, deterministic=True)
    f("pg_sqrt", fsqrt, 1, deterministic=True)
    f("pg_cbrt", fcbrt, 1, deterministic=True)
    f("pg_exp", fexp, 1, deterministic=True)
    f("pg_ln", fln, 1, deterministic=True)
    f("pg_log", lambda x: fln(x, True), 1, deterministic=True)
    f("pg_power", fpower, 2, deterministic=True)
    for name, call in (("sin", _trig(math.sin)), ("cos", _trig(math.cos)), ("tan", _trig(math.tan, inf_ok=True)),
                       ("cot", _trig(_cot, inf_ok=True)), ("asin", _trig(math.asin, bounded=True)),
                       ("acos", _trig(math.acos, bounded=True)), ("atan", fatan), ("degrees", fdegrees),
                       ("radians", fradians)):
        f(name, call, 1, deterministic=True)
    f("atan2", fatan2, 2, deterministic=True)
    conn.create_window_function("pg_float8_sum", FloatSum)
    conn.create_window_function("pg_float4_sum", lambda: FloatSum("float4"))
    conn.create_window_function("pg_float_avg", FloatAvg)
