"""Syncing the WAL of `sync="normal"` shards to disk in the background, about every 0.1 s.

With synchronous=NORMAL SQLite never syncs at a commit: a commit is in the operating system's
cache when it returns (so it survives the process being killed) and reaches the disk at the next
checkpoint, which first fsyncs the whole WAL — up to 32 MB of it (sqlite.WAL_AUTOCHECKPOINT_PAGES),
inside the commit that crosses the line. Here a thread fdatasyncs each WAL that took commits since
its last sync, at most INTERVAL_S after the first of them, as MongoDB's journal (every 100 ms) and
Redis's `appendfsync everysec` do. Two things follow:

- a commit reaches the disk within about INTERVAL_S (plus the sync's own time), not only at the
  next checkpoint;
- the checkpoint's fsync of the WAL finds little left to write. Measured here (100k-document
  collection, random `$inc` updates): the commits that checkpoint went from ≈ 45 ms to ≈ 20 ms, with
  no measurable cost to the committing thread between them (the sync runs without the GIL).

The same thread checkpoints a shard whose commits paused with a long WAL waiting (IDLE_CHECKPOINT_FRAMES),
and cuts the WAL file of a shard that took no commit for TRUNCATE_IDLE_S to nothing.

Only the WAL is synced, and through a descriptor opened for the sync and closed at once: SQLite
holds no POSIX locks on the WAL (its WAL locks live in the -shm file), so that close releases
nothing of SQLite's; and a WAL that does not exist is never created (no O_CREAT). Frames are made
durable early, never changed: what recovery would replay is the same.
"""
from __future__ import annotations

import heapq
import os
import threading
import time
import weakref
from typing import Protocol

INTERVAL_S = 0.1
# A shard whose commits stopped (none for INTERVAL_S after its last sync) with at least this many
# frames of WAL not yet copied into the database is checkpointed here, so that the next burst of
# writes does not pay for the last one's copy: 1,024 frames (4 MB) and up, where that copy takes
# several milliseconds; less is left to the commit that crosses sqlite.WAL_AUTOCHECKPOINT_PAGES.
IDLE_CHECKPOINT_FRAMES = 1024
# A shard with no commit for TRUNCATE_IDLE_S has its WAL emptied into the database and the file cut to
# nothing (when it holds at least TRUNCATE_MIN_BYTES). A WAL file otherwise keeps its high-water size
# for good — up to ~32 MB a shard (sqlite.WAL_AUTOCHECKPOINT_PAGES), on disk for every tenant that was
# ever busy, and read whole by the recovery of each later open once the shard's connections closed
# (measured here: reopening a shard with a 33.7 MB WAL took 9.3 ms, 0.56 ms once it was truncated).
# Long enough that pauses between bursts keep their WAL: commits into a file that has to grow again
# cost ≈ 20% more than commits reusing its space (docs/storage.md) — a benchmark's read-only phases
# of ten seconds and more must not make its next writes pay that.
TRUNCATE_IDLE_S = 60.0
TRUNCATE_MIN_BYTES = 256 * 1024


class _Syncable(Protocol):
    path: str
    _wal_sync_due: bool

    def checkpoint_when_idle(self, min_frames: int) -> bool: ...

    def truncate_wal_when_idle(self, min_bytes: int) -> bool: ...


_lock = threading.Lock()
_wake = threading.Condition(_lock)
_due: dict[int, weakref.ref] = {}  # id(shard) → the shard, for shards with commits since their WAL's last sync
# id(shard) → (the shard, when its WAL is truncated), for shards synced with no commit since; and
# those times in a heap of (time, id), whose entries no longer in _resting are skipped
_resting: dict[int, tuple[weakref.ref, float]] = {}
_rest_times: list[tuple[float, int]] = []
_thread: threading.Thread | None = None


def schedule(shard: _Syncable) -> None:
    """`shard` committed: sync its WAL within INTERVAL_S. Called once per sync period (the caller
    sets `shard._wal_sync_due` and skips the call while it is set)."""
    global _thread
    with _lock:
        key = id(shard)
        _due[key] = weakref.ref(shard)
        _resting.pop(key, None)
        if _thread is None:
            _thread = threading.Thread(target=_run, name="dotdo-walsync", daemon=True)
            _thread.start()
        _wake.notify()


def _run() -> None:
    quiet: dict[int, weakref.ref] = {}  # shards synced last round: if no commit came since, they are idle
    while True:
        with _lock:
            while not _due and not quiet:
                wait = _until_next_truncation()
                if wait is not None and wait <= 0:
                    break
                _wake.wait(wait)
        if _due or quiet:
            quiet = _sync_round(quiet)
        _truncate_rested()


def _sync_round(quiet: dict[int, weakref.ref]) -> dict[int, weakref.ref]:
    """Sync the WALs of the shards due, checkpoint those of `quiet` that stayed idle; returns the
    shards synced (next round's `quiet`)."""
    # Gather the commits of the next INTERVAL_S into the same sync.
    time.sleep(INTERVAL_S)
    with _lock:
        due = dict(_due)
        _due.clear()
        paths = []
        for ref in due.values():
            shard = ref()
            if shard is not None:
                # Before the sync: a commit from here on schedules the next one; a commit that
                # returned before this point is in the WAL the sync below writes out.
                shard._wal_sync_due = False
                paths.append(shard.path + "-wal")
    for path in paths:
        sync_file(path)
    for key, ref in quiet.items():
        shard = ref()
        if key not in due and shard is not None:
            shard.checkpoint_when_idle(IDLE_CHECKPOINT_FRAMES)
    rest_until = time.monotonic() + TRUNCATE_IDLE_S
    with _lock:
        for key, ref in due.items():
            if key not in _due:  # no commit since the sync began (a commit takes the shard out again)
                _resting[key] = (ref, rest_until)
                heapq.heappush(_rest_times, (rest_until, key))
    return due


def _until_next_truncation() -> float | None:
    """Seconds until the next resting shard's WAL is due for truncation (None: no shard rests). Under _lock."""
    while _rest_times:
        when, key = _rest_times[0]
        entry = _resting.get(key)
        if entry is not None and entry[1] == when:
            return when - time.monotonic()
        heapq.heappop(_rest_times)  # the shard committed (or rests until later) since
    return None


def _truncate_rested() -> None:
    now = time.monotonic()
    refs = []
    with _lock:
        while _rest_times and _rest_times[0][0] <= now:
            when, key = heapq.heappop(_rest_times)
            entry = _resting.get(key)
            if entry is not None and entry[1] == when:
                del _resting[key]
                refs.append(entry[0])
    for ref in refs:
        shard = ref()
        if shard is not None:
            shard.truncate_wal_when_idle(TRUNCATE_MIN_BYTES)


def _datasync(fd: int) -> None:
    # os.fdatasync where the platform has it (not macOS); looked up at call time, so tests can watch it.
    getattr(os, "fdatasync", os.fsync)(fd)


def sync_file(path: str) -> bool:
    """fdatasync `path` if it exists; whether it did."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False  # no WAL (yet, or any more): nothing to sync
    try:
        _datasync(fd)
        return True
    except OSError:
        return False  # a file system without fdatasync on read-only descriptors: SQLite's own syncs remain
    finally:
        os.close(fd)


def _after_fork_in_child() -> None:
    """The syncing thread does not exist in a forked child: start afresh there (each shard whose
    sync was due schedules again at its next commit; that sync covers the frames before it)."""
    global _lock, _wake, _thread
    for ref in _due.values():
        shard = ref()
        if shard is not None:
            shard._wal_sync_due = False
    _due.clear()
    _resting.clear()
    _rest_times.clear()
    _lock = threading.Lock()
    _wake = threading.Condition(_lock)
    _thread = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
