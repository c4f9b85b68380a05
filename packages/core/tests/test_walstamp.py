"""The -shm descriptor walstamp reads WAL-index headers through stays open while any Shard object
of this process has connections to the file."""
import os

import pytest

from dotdo_core import walstamp
from dotdo_core.shard import Shard


def _shard(tmp_path):
    shard = Shard(str(tmp_path / "s.db"))
    shard.ensure_schema("t", "CREATE TABLE IF NOT EXISTS t(x BLOB)")
    return shard


def _write(shard):
    with shard.write() as tx:
        tx.execute("INSERT INTO t VALUES (?)", (os.urandom(100),))


@pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="reads the kernel's lock table")
def test_closing_one_of_two_shard_objects_of_a_file_keeps_the_others_sqlite_locks(tmp_path):
    """Closing any descriptor of a file drops every POSIX lock the process holds on it: the -shm
    descriptor walstamp reads through must stay open while another Shard object of the same file
    (a second Store on the directory) still has SQLite connections, or other processes would see
    the WAL index as unused and could rebuild it under them."""
    from dotdo_core import sqlite

    path = str(tmp_path / "s.db")
    first, second = _shard(tmp_path), _shard(tmp_path)
    try:
        _write(first)
        _write(second)
        assert walstamp.WalStamp(path).usable  # the shared -shm descriptor is open
        first.close()
        assert os.getpid() in sqlite.processes_holding_wal_index(path)
        _write(second)
    finally:
        second.close()
