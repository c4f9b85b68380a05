"""maxTimeMS: a command's deadline, checked while it reads documents; past it the command fails
with MaxTimeMSExpired (50) and any write it made rolls back."""
from __future__ import annotations

import contextlib
import contextvars
import time
from typing import Any, Iterator

from .errors import MongoError

DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)


def check() -> None:
    d = DEADLINE.get()
    if d is not None and time.monotonic() > d:
        raise MongoError(50, "operation exceeded time limit")


@contextlib.contextmanager
def limit(max_time_ms: Any) -> Iterator[None]:
    if isinstance(max_time_ms, bool) or not isinstance(max_time_ms, (int, float)) or max_time_ms < 0:
        raise MongoError(2, f"{max_time_ms!r} is not a valid value for maxTimeMS: it must be a non-negative "
                            "integer")
    if max_time_ms == 0:  # 0 means no limit
        yield
        return
    token = DEADLINE.set(time.monotonic() + max_time_ms / 1000)
    try:
        yield
    finally:
        DEADLINE.reset(token)
