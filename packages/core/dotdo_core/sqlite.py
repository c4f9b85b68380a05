"""Opening SQLite connections the way every shard wants them.

apsw is the binding: it bundles a current SQLite (JSONB, `string_agg ... ORDER BY`,
virtual tables) and measured faster than the stdlib module here (docs/storage.md).
"""
from __future__ import annotations

import apsw

SYNC_LEVELS = {"off": "OFF", "normal": "NORMAL", "full": "FULL"}
BUSY_TIMEOUT_MS = 30_000

Connection = apsw.Connection
Error = apsw.Error
BusyError = apsw.BusyError
ConstraintError = apsw.ConstraintError


def connect(path: str, *, sync: str = "normal", readonly: bool = False) -> apsw.Connection:
    """A connection in WAL mode with a busy timeout, so other processes' writers queue rather than fail."""
    if sync not in SYNC_LEVELS:
        raise ValueError(f"sync must be one of {sorted(SYNC_LEVELS)}, not {sync!r}")
    flags = apsw.SQLITE_OPEN_READONLY if readonly else apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE
    flags |= apsw.SQLITE_OPEN_URI
    conn = apsw.Connection(path, flags=flags)
    conn.set_busy_timeout(BUSY_TIMEOUT_MS)
    if path != ":memory:":
        if not readonly:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={SYNC_LEVELS[sync]}")
    # Large caches and memory temp stores pay off for the point reads every engine does.
    conn.execute("PRAGMA cache_size=-16000")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn
