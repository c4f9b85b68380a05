"""Opening SQLite connections the way every shard wants them.

apsw is the binding: it bundles a current SQLite (JSONB, `string_agg ... ORDER BY`,
virtual tables) and measured faster than the stdlib module here (docs/storage.md).
"""
from __future__ import annotations

import os
import time

import apsw

SYNC_LEVELS = {"off": "OFF", "normal": "NORMAL", "full": "FULL"}
BUSY_TIMEOUT_MS = 30_000
# Pages of WAL after which a commit copies the WAL back into the database (SQLite's default: 1,000).
# That checkpoint runs inside the commit that crosses the line and fsyncs both files. Measured here in
# alternating runs (60,000 Redis SETs, 15,000 Mongo insert_ones): 8,192 pages made both ~9% cheaper
# on average — the fsyncs come 8× less often and a page rewritten many times is copied once — while a
# background checkpoint thread gained nothing over it. A busy shard's WAL grows to ~32 MB.
WAL_AUTOCHECKPOINT_PAGES = 8192

# SQLite 3.5x (the one apsw bundles) re-prepares a statement on every execution — about 3 µs here,
# several times the statement itself, and more when the CPU caches are cold — when a bound parameter
# is a LIMIT/OFFSET, or feeds an index constraint of a query with ORDER BY or GROUP BY: the planner
# looks at the bound value, so each new binding expires the plan. Hot statements of that shape write
# such a parameter as `+?` and a LIMIT as `?+0`: the same value and the same plan, hidden from the
# planner (measured: an index-equality seek with ORDER BY 5.0 µs → 1.7 µs; docs/storage.md).

Connection = apsw.Connection
Error = apsw.Error
BusyError = apsw.BusyError
FullError = apsw.FullError
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
        # synchronous first: switching a new file to WAL then syncs as the shard will, not as FULL.
        conn.execute(f"PRAGMA synchronous={SYNC_LEVELS[sync]}")
        if not readonly:
            _switch_to_wal(conn)
            conn.wal_autocheckpoint(WAL_AUTOCHECKPOINT_PAGES)
    # Large caches and memory temp stores pay off for the point reads every engine does.
    conn.execute("PRAGMA cache_size=-16000")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn


def _switch_to_wal(conn: apsw.Connection) -> None:
    """PRAGMA journal_mode=WAL, waiting up to the busy timeout as a write would. Switching a new file
    takes an exclusive lock, and while another process switches the same file SQLite answers BUSY at
    once instead of calling the busy handler: measured here, six processes opening one new shard
    together failed so in 19 rounds of 60."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.001
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except apsw.BusyError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.05)


def checkpoint_passive(conn: apsw.Connection) -> tuple[int, int]:
    """(frames in the WAL, frames copied) after copying what no reader still needs into the database
    file, without waiting for or blocking other connections (SQLite's PASSIVE checkpoint)."""
    return conn.wal_checkpoint(mode=apsw.SQLITE_CHECKPOINT_PASSIVE)


def checkpoint_truncate(conn: apsw.Connection) -> bool:
    """Copy the whole WAL into the database file and cut the WAL file to zero bytes, unless that
    would wait — for a connection still reading from the WAL, or another writer, in any process.
    Whether it did. SQLite's TRUNCATE checkpoint, with the busy handler off for the call."""
    conn.set_busy_timeout(0)
    try:
        conn.wal_checkpoint(mode=apsw.SQLITE_CHECKPOINT_TRUNCATE)
        return True
    except apsw.BusyError:
        return False
    finally:
        conn.set_busy_timeout(BUSY_TIMEOUT_MS)


def close_keeping_wal(conn: apsw.Connection) -> None:
    """Close without the checkpoint SQLite runs when the last connection to a file closes: that
    checkpoint (fsyncs, deleting the WAL) cost 1-2 ms per shard here, against 0.08 ms without, and an
    idle shard closed by the open-shard budget loses nothing by it — the WAL is part of the database
    and the next open reads it."""
    conn.config(apsw.SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1)
    conn.close()


# In WAL mode every connection holds a shared POSIX lock on this byte of the database's -shm file
# for as long as it is open (SQLite's UNIX_SHM_DMS, "dead man switch"), whatever it is doing.
_SHM_DMS_BYTE = 128


def processes_with_open(path: str) -> set[int] | None:
    """The other processes that have SQLite database `path` open, read from the kernel's lock table
    (/proc/locks) without opening the file (closing a descriptor of it would drop this process's own
    SQLite locks on it). None where that cannot be known (no /proc/locks: not Linux)."""
    holders = processes_holding_wal_index(path)
    return None if holders is None else holders - {os.getpid()}


def processes_holding_wal_index(path: str) -> set[int] | None:
    """Every process, this one included, whose SQLite connections hold database `path`'s WAL index
    in use (the lock on its `-shm`); None where that cannot be known (no /proc/locks)."""
    try:
        st = os.stat(path + "-shm")
    except FileNotFoundError:
        return set()  # no connection has it open in WAL mode
    try:
        with open("/proc/locks") as f:
            table = f.read()
    except OSError:
        return None
    file_id = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    return _lock_holders(table, file_id, _SHM_DMS_BYTE)


def _lock_holders(table: str, file_id: str, byte: int) -> set[int]:
    """PIDs holding (not waiting for) a POSIX lock on `byte` of the file `file_id` in /proc/locks text
    ("1: POSIX  ADVISORY  READ 4242 fe:00:2146392 128 128"; a waiter's line has "->")."""
    pids = set()
    for line in table.splitlines():
        fields = line.split()
        if len(fields) < 8 or "->" in fields or fields[1] != "POSIX" or fields[5] != file_id:
            continue
        start, end = int(fields[6]), fields[7]
        if start <= byte and (end == "EOF" or byte <= int(end)) and fields[4].isdigit():
            pids.add(int(fields[4]))
    return pids
