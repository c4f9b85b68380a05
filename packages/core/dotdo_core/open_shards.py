"""The process-wide budget of shards whose SQLite connections are open.

A file shard holds a writer connection and one reader per thread that read it (about 3 + 2 × readers
file descriptors, and a few hundred KB of SQLite memory), so a process serving thousands of tenants
would run out of descriptors: 10,000 tenants needed ~70,000 where the limit here is 20,000. Shards
beyond the budget that are idle — no write transaction, no read in progress, nobody waiting on their
change feed — have their connections closed, least recently used first; the next use reopens them.
Closing loses nothing: every acknowledged write is already committed to the file.
"""
from __future__ import annotations

import itertools
import os
import resource
import threading
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .shard import Shard

# Descriptors one open shard costs with a reader in two threads (writer db+wal, shared shm, 2 × reader db+wal).
FDS_PER_SHARD = 7
MAX_DEFAULT_BUDGET = 1000
MIN_BUDGET = 8
# Evict down to this fraction of the budget, so the sort over open shards runs once per many opens.
EVICT_TO = 0.9

clock = itertools.count(1).__next__  # recency stamps; next() on a count is atomic under the GIL


def default_budget() -> int:
    """$DOTDO_MAX_OPEN_SHARDS, else what the open-file limit allows (at most 1,000)."""
    configured = os.environ.get("DOTDO_MAX_OPEN_SHARDS")
    if configured:
        return max(MIN_BUDGET, int(configured))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_DEFAULT_BUDGET
    # Half the descriptors for shards; the rest stay for sockets, logs and the application.
    return max(MIN_BUDGET, min(MAX_DEFAULT_BUDGET, soft // 2 // FDS_PER_SHARD))


class OpenShards:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Weak: a shard of a store nobody uses any more is closed by its own collection, not kept by us.
        self._open: "weakref.WeakSet[Shard]" = weakref.WeakSet()
        self._budget: int | None = None
        self.evictions = 0

    @property
    def budget(self) -> int:
        if self._budget is None:
            self._budget = default_budget()
        return self._budget

    def set_budget(self, n: int | None) -> None:
        """Change the budget (None: back to the default); applies from the next open."""
        self._budget = None if n is None else max(1, n)

    def count(self) -> int:
        return len(self._open)

    def opened(self, shard: "Shard") -> None:
        """`shard` just opened a connection; close idle others if that goes past the budget."""
        with self._lock:
            self._open.add(shard)
            budget = self.budget
            if len(self._open) <= budget:
                return
            keep = max(1, int(budget * EVICT_TO))
            # Oldest first. A shard that is in use is skipped: it is open for a reason, and the next
            # open tries again.
            for victim in sorted(self._open, key=_recency):
                if len(self._open) <= keep:
                    break
                if victim is not shard and victim._close_if_idle():
                    self._open.discard(victim)
                    self.evictions += 1

    def closed(self, shard: "Shard") -> None:
        with self._lock:
            self._open.discard(shard)


def _recency(shard: "Shard") -> int:
    return shard._used


POOL = OpenShards()
