"""The server's per-query budgets (`dotdo serve --max-query-time / --max-query-rows`): read from the
environment so that `dotdo serve` and the embedded/in-process clients a process starts share them.
What a "row" is depends on the engine; each engine documents how it counts (docs/security.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass

TIME_ENV = "DOTDO_MAX_QUERY_TIME"
ROWS_ENV = "DOTDO_MAX_QUERY_ROWS"


@dataclass(frozen=True)
class QueryLimits:
    seconds: float | None  # one statement/command's run time
    rows: int | None       # rows (documents) one statement/command may examine or produce


def query_limits() -> QueryLimits | None:
    """The budgets set in the environment, or None when there are none (the default, as the real
    services): engines then check a single None per statement."""
    seconds = _positive(TIME_ENV, float)
    rows = _positive(ROWS_ENV, int)
    if seconds is None and rows is None:
        return None
    return QueryLimits(seconds, rows)


def _positive(name: str, kind: type) -> float | int | None:
    raw = os.environ.get(name)
    if not raw:
        return None
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name} must be a positive {'integer' if kind is int else 'number'}, not {raw!r}") from None
    return value if value > 0 else None
