"""The reply of a blocking command that found nothing yet."""
from __future__ import annotations

from typing import Any

from .replies import NULL_ARRAY


class Blocked:
    """A blocking command found nothing yet. `timeout` is seconds (None or 0: forever)."""

    __slots__ = ("shard_index", "timeout", "timeout_reply")

    def __init__(self, shard_index: int, timeout: float | None, timeout_reply: Any = NULL_ARRAY) -> None:
        self.shard_index = shard_index
        self.timeout = timeout or None
        self.timeout_reply = timeout_reply
