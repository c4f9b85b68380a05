"""corr, covar_pop, covar_samp and the regr_* aggregates over double precision, as PostgreSQL's
float8_regr_accum computes them (Youngs-Cramer sums), so the answers agree to the last bit.

Every one of them takes (Y, X), skips a row where either is NULL, and is also a window function;
a window frame that loses rows is summed again from its first row, as PostgreSQL (which has no
inverse transition for these) does."""
from __future__ import annotations

import collections
import math
from typing import Any, Callable

from .errors import PgError

State = tuple[float, float, float, float, float, float]  # N, Sx, Sxx, Sy, Syy, Sxy
_EMPTY: State = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def _overflowed(*values: float) -> bool:
    return any(math.isinf(v) for v in values)


def accumulate(state: State, y: float, x: float) -> State:
    """One row into the sums (PostgreSQL's float8_regr_accum)."""
    n0, sx0, sxx, sy0, syy, sxy = state
    n, sx, sy = n0 + 1.0, sx0 + x, sy0 + y
    if n0 > 0.0:
        tmp_x = x * n - sx
        tmp_y = y * n - sy
        scale = 1.0 / (n * n0)
        sxx += tmp_x * tmp_x * scale
        syy += tmp_y * tmp_y * scale
        sxy += tmp_x * tmp_y * scale
        # an infinite sum from finite inputs is an overflow; from an infinite input it is NaN
        if _overflowed(sx, sxx):
            if not _overflowed(sx0, x):
                raise PgError("22003", "value out of range: overflow")
            sxx = math.nan
        if _overflowed(sy, syy):
            if not _overflowed(sy0, y):
                raise PgError("22003", "value out of range: overflow")
            syy = math.nan
        if _overflowed(sxy) and not _overflowed(sx0, x, sy0, y):
            raise PgError("22003", "value out of range: overflow")
        if _overflowed(sxy):
            sxy = math.nan
    else:
        if math.isnan(x) or math.isinf(x):
            sxx = sxy = math.nan
        if math.isnan(y) or math.isinf(y):
            syy = sxy = math.nan
    return n, sx, sxx, sy, syy, sxy


def _corr(n, sx, sxx, sy, syy, sxy):
    if sxx == 0 or syy == 0:  # a horizontal or vertical line has no correlation
        return None
    return sxy / math.sqrt(sxx * syy)


def _r2(n, sx, sxx, sy, syy, sxy):
    if sxx == 0:
        return None
    if syy == 0:
        return 1.0
    return (sxy * sxy) / (sxx * syy)


def _slope(n, sx, sxx, sy, syy, sxy):
    return None if sxx == 0 else sxy / sxx


def _intercept(n, sx, sxx, sy, syy, sxy):
    return None if sxx == 0 else (sy - sx * sxy / sxx) / n


# name → (fewest rows for a value, the value from the sums)
FINALS: dict[str, tuple[int, Callable[..., Any]]] = {
    "corr": (1, _corr),
    "covar_pop": (1, lambda n, sx, sxx, sy, syy, sxy: sxy / n),
    "covar_samp": (2, lambda n, sx, sxx, sy, syy, sxy: sxy / (n - 1.0)),
    "regr_avgx": (1, lambda n, sx, sxx, sy, syy, sxy: sx / n),
    "regr_avgy": (1, lambda n, sx, sxx, sy, syy, sxy: sy / n),
    "regr_sxx": (1, lambda n, sx, sxx, sy, syy, sxy: sxx),
    "regr_syy": (1, lambda n, sx, sxx, sy, syy, sxy: syy),
    "regr_sxy": (1, lambda n, sx, sxx, sy, syy, sxy: sxy),
    "regr_r2": (1, _r2),
    "regr_slope": (1, _slope),
    "regr_intercept": (1, _intercept),
}


class Regression:
    """The window-capable SQLite aggregate behind one of FINALS (regr_count is COUNT in SQL)."""

    name = "corr"

    def __init__(self) -> None:
        self.rows: collections.deque = collections.deque()
        self.state: State = _EMPTY
        self.stale = False

    def step(self, y: Any, x: Any) -> None:
        if y is None or x is None:
            return
        pair = (float(y), float(x))
        self.rows.append(pair)
        if not self.stale:
            self.state = accumulate(self.state, *pair)

    def inverse(self, y: Any, x: Any) -> None:
        if y is not None and x is not None:
            self.rows.popleft()
            self.stale = True

    def value(self) -> Any:
        if self.stale:
            state = _EMPTY
            for pair in self.rows:
                state = accumulate(state, *pair)
            self.state, self.stale = state, False
        least, final = FINALS[self.name]
        if self.state[0] < least:
            return None
        r = final(*self.state)
        return "NaN" if r is not None and r != r else r  # SQLite would turn a NaN REAL into NULL

    def final(self) -> Any:
        return self.value()


def register(conn) -> None:
    for name in FINALS:
        conn.create_window_function("pg_" + name, type("Regression_" + name, (Regression,), {"name": name}))
