"""A cheap "has this shard changed?" check, for caches of what a reader connection read.

`PRAGMA data_version` answers it exactly but costs a statement (≈ 4 µs here, as much as the
point read a cache would save). In WAL mode every commit, from any connection in any process,
rewrites the WAL-index header at the start of the `-shm` file (SQLite's documented WAL-index
format, https://www.sqlite.org/walformat.html): reading its first 48 bytes with pread costs
≈ 0.5 µs. A cache labelled with the header it was filled under is valid while the header
is unchanged.

The mapping is only trusted while the caller keeps a connection to the shard open (SQLite
never deletes or truncates a `-shm` that another connection still uses): callers make a new
WalStamp whenever they open a new connection.

The `-shm` descriptor is opened once per file and kept until no Shard object of this process has
connections to the file open (`retain`/`release` count them: two Stores on one directory each have
one): closing a descriptor of a file drops every POSIX lock this process holds on it, SQLite's
included — its lock on the `-shm` that tells other processes the WAL index is in use, so one of them
could re-initialise the index under our readers.
"""
from __future__ import annotations

import os
import sys
import threading

HEADER_BYTES = 48

_fds: dict[str, int] = {}
_users: dict[str, int] = {}  # Shard objects with connections to the file open (retain − release)
_fds_lock = threading.Lock()


def _shm_fd(db_path: str) -> int:
    with _fds_lock:
        fd = _fds.get(db_path)
        if fd is None:
            fd = _fds[db_path] = os.open(db_path + "-shm", os.O_RDONLY)
        return fd


def retain(db_path: str) -> None:
    """A Shard object of the file opened connections to it (once, until its `release`)."""
    with _fds_lock:
        _users[db_path] = _users.get(db_path, 0) + 1


def release(db_path: str) -> None:
    """A Shard object closed its connections to the file. The last one closes the `-shm` descriptor:
    the close drops the process's locks on the file, so not while another still has connections."""
    with _fds_lock:
        left = _users.get(db_path, 0) - 1
        if left > 0:
            _users[db_path] = left
            return
        _users.pop(db_path, None)
        fd = _fds.pop(db_path, None)
    if fd is not None:
        os.close(fd)


# In the -shm file, after two copies of the WAL-index header: the checkpoint information, whose first
# field is nBackfill (frames already copied into the database). Both counts are in native byte order.
_MX_FRAME_AT = 16
_BACKFILL_AT = 96


def backlog(db_path: str) -> int | None:
    """Frames of the WAL not yet copied back into the database file (a checkpoint's work), or None
    where the -shm cannot be read. Only while this process has a connection to the file open."""
    try:
        data = os.pread(_shm_fd(db_path), _BACKFILL_AT + 4, 0)
    except OSError:
        return None
    if len(data) < _BACKFILL_AT + 4:
        return None
    mx_frame = int.from_bytes(data[_MX_FRAME_AT:_MX_FRAME_AT + 4], sys.byteorder)
    backfilled = int.from_bytes(data[_BACKFILL_AT:_BACKFILL_AT + 4], sys.byteorder)
    return max(0, mx_frame - backfilled)


class WalStamp:
    __slots__ = ("_fd", "_path")

    def __init__(self, db_path: str) -> None:
        # pread, not mmap: Python's mmap duplicates the descriptor and closes the duplicate with the
        # mapping, which drops this process's locks on the file just as closing our own would.
        self._fd: int | None = None
        self._path = db_path
        try:
            fd = _shm_fd(db_path)
            if os.fstat(fd).st_size >= HEADER_BYTES:
                self._fd = fd
        except OSError:
            pass

    @property
    def usable(self) -> bool:
        return self._fd is not None

    def read(self) -> bytes:
        """The current WAL-index header: different bytes mean some commit happened since."""
        fd = self._fd
        if _fds.get(self._path) != fd:
            # Released meanwhile — every Shard object of the file closed its connections (the
            # open-shard budget, say) — so the number may name another file by now: open it again.
            fd = self._fd = _shm_fd(self._path)
        return os.pread(fd, HEADER_BYTES, 0)  # type: ignore[arg-type]

    def close(self) -> None:
        self._fd = None  # the descriptor is the file's, closed by `release`
