"""A command's budgets: maxTimeMS and the server's `--max-query-time` / `--max-query-rows`, checked
as the command reads documents. Past the time budget the command fails with MaxTimeMSExpired (50),
past the row budget with ExceededMemoryLimit (146); any write it made rolls back. Each command
(each getMore too) has its own budget."""
from __future__ import annotations

import contextlib
import contextvars
import sys
import time
from typing import Any, Iterator

from dotdo_core.query_limits import QueryLimits

from .errors import MongoError


class Budget:
    """What one command may still spend: a deadline and a count of documents."""

    __slots__ = ("deadline", "rows_left", "max_rows")

    def __init__(self, deadline: float | None, max_rows: int | None) -> None:
        self.deadline = deadline
        self.max_rows = max_rows
        self.rows_left = sys.maxsize if max_rows is None else max_rows

    def take(self, n: int) -> None:
        self.rows_left -= n
        if self.rows_left < 0:
            raise MongoError(146, f"query exceeded the server's max-query-rows of {self.max_rows} documents "
                                  "(documents examined plus documents produced by aggregation stages)")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise MongoError(50, "operation exceeded time limit")


BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("budget", default=None)


def check() -> None:
    """One document read or produced (the only cost without a budget: this lookup)."""
    b = BUDGET.get()
    if b is not None:
        b.take(1)


def charge(n: int) -> None:
    """`n` documents examined at once (a $lookup comparing one input with every foreign document)."""
    b = BUDGET.get()
    if b is not None:
        b.take(n)


def counted(docs: Iterator[dict]) -> Iterator[dict]:
    for d in docs:
        check()
        yield d


@contextlib.contextmanager
def limit(max_time_ms: Any, server: QueryLimits | None) -> Iterator[None]:
    """The budget of one command: the client's maxTimeMS (None: not given) and the server's limits,
    the smaller time winning."""
    seconds = None
    if max_time_ms is not None:
        if isinstance(max_time_ms, bool) or not isinstance(max_time_ms, (int, float)) or max_time_ms < 0:
            raise MongoError(2, f"{max_time_ms!r} is not a valid value for maxTimeMS: it must be a non-negative "
                                "integer")
        if max_time_ms:  # 0 means no limit
            seconds = max_time_ms / 1000
    max_rows = None
    if server is not None:
        max_rows = server.rows
        if server.seconds is not None:
            seconds = server.seconds if seconds is None else min(seconds, server.seconds)
    if seconds is None and max_rows is None:
        yield
        return
    token = BUDGET.set(Budget(None if seconds is None else time.monotonic() + seconds, max_rows))
    try:
        yield
    finally:
        BUDGET.reset(token)
