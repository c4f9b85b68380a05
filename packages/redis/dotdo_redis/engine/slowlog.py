"""Redis's slow log: the commands whose execution took at least `slowlog-log-slower-than`
microseconds (negative: none; 0: every one), newest first, at most `slowlog-max-len` of them.
One per engine, as Redis keeps one per server; SLOWLOG (commands/slowlog.py) reads it.

What is timed is what Redis times: a command's own execution — not reading, parsing or queueing
it (MULTI), not a reply's write, not the commit a group commit shares with other clients. EXEC is
not logged, the commands it ran are; a script's calls are logged before the script itself, as
made by Redis's script client (address "?:0", no name). A blocking command is
logged when it is served, with the time of the attempt that served it. A pipeline's run of
`SET key value` is written by one statement (Engine._plain_sets): each of those SETs is logged
with an equal share of that statement's time, as no SET of the run has a time of its own."""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from typing import Any

from .redact import redacted

MAX_ARGC = 32  # arguments kept of a logged command; the last kept says how many more there were
MAX_STRING = 128  # bytes kept of a long argument


class _ScriptClient:
    addr = "?:0"
    name = None


SCRIPT_CLIENT = _ScriptClient()  # who a script's calls are logged as


class SlowLog:
    def __init__(self) -> None:
        self.slower_than_us = 10_000  # the configuration's defaults
        self.max_len = 128
        self.entries: deque[list[Any]] = deque()  # newest first
        self._next_id = 0
        self._lock = threading.Lock()

    def wants(self, duration_us: int) -> bool:
        return 0 <= self.slower_than_us <= duration_us

    def add(self, session: Any, argv: list[bytes], duration_us: int) -> None:
        """Log a command that took `duration_us` (the caller checked `wants`)."""
        entry = [0, int(time.time()), duration_us, entry_args(argv), session.addr.encode(), session.name or b""]
        with self._lock:
            entry[0] = self._next_id
            self._next_id += 1
            self.entries.appendleft(entry)
            while len(self.entries) > self.max_len:
                self.entries.pop()

    def note(self, session: Any, argv: list[bytes], started_ns: int) -> None:
        """Log the command started at perf_counter_ns() `started_ns` if it was slow enough."""
        if self.slower_than_us >= 0:
            duration_us = (time.perf_counter_ns() - started_ns) // 1000
            if duration_us >= self.slower_than_us:
                self.add(session, argv, duration_us)

    def newest(self, count: int | None) -> list[list[Any]]:
        """The `count` newest entries (all for None), newest first."""
        with self._lock:
            return list(self.entries) if count is None else list(itertools.islice(self.entries, count))

    def reset(self) -> None:
        with self._lock:
            self.entries.clear()


def entry_args(argv: list[bytes]) -> list[bytes]:
    """The arguments a log entry keeps: secrets redacted, at most MAX_ARGC of them, each at most
    MAX_STRING bytes, with Redis's notes of what was left out."""
    argv = redacted(argv)
    n = len(argv)
    keep = min(n, MAX_ARGC)
    out = []
    for j in range(keep):
        if keep != n and j == keep - 1:
            out.append(b"... (%d more arguments)" % (n - keep + 1))
        elif len(argv[j]) > MAX_STRING:
            out.append(argv[j][:MAX_STRING] + b"... (%d more bytes)" % (len(argv[j]) - MAX_STRING))
        else:
            out.append(argv[j])
    return out
