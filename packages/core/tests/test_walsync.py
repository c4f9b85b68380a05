"""A sync="normal" shard's commits reach the disk within about walsync.INTERVAL_S, and a shard whose
writes paused has its WAL copied back into the database in the background."""
import os
import threading
import time

import pytest

from dotdo_core import sqlite, walstamp, walsync
from dotdo_core.shard import Shard


@pytest.fixture
def synced_paths(monkeypatch):
    """The files the background thread fdatasyncs, by path."""
    seen: list[str] = []
    real = getattr(os, "fdatasync", os.fsync)

    def recording(fd):
        seen.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real(fd)

    monkeypatch.setattr(os, "fdatasync", recording, raising=False)
    return seen


def _until(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _shard(tmp_path, name="s.db", **kw):
    shard = Shard(str(tmp_path / name), **kw)
    shard.ensure_schema("t", "CREATE TABLE IF NOT EXISTS t(x BLOB)")
    return shard


def _write(shard, rows=1, size=100):
    with shard.write() as tx:
        for _ in range(rows):
            tx.execute("INSERT INTO t VALUES (?)", (os.urandom(size),))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to name a descriptor's file")
def test_a_commit_on_a_normal_shard_has_its_wal_synced_soon_after(tmp_path, synced_paths):
    shard = _shard(tmp_path)
    try:
        synced_paths.clear()
        _write(shard)
        assert _until(lambda: str(tmp_path / "s.db-wal") in synced_paths)
        assert not shard._wal_sync_due  # the next commit schedules the next sync
        before = len(synced_paths)
        _write(shard)
        assert _until(lambda: len(synced_paths) > before)
    finally:
        shard.close()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to name a descriptor's file")
@pytest.mark.parametrize("sync", ["full", "off"])
def test_shards_that_sqlite_syncs_itself_or_never_are_left_alone(tmp_path, synced_paths, sync):
    shard = _shard(tmp_path, sync=sync)
    try:
        for _ in range(5):
            _write(shard)
        time.sleep(walsync.INTERVAL_S * 4)
        assert str(tmp_path / "s.db-wal") not in synced_paths
    finally:
        shard.close()


def test_many_commits_within_one_interval_share_one_sync(tmp_path, synced_paths):
    shard = _shard(tmp_path)
    try:
        synced_paths.clear()
        start = time.monotonic()
        while time.monotonic() - start < walsync.INTERVAL_S * 3:
            _write(shard)
        time.sleep(walsync.INTERVAL_S * 3)
        wal_syncs = synced_paths.count(str(tmp_path / "s.db-wal"))
        assert 1 <= wal_syncs <= 6  # about one per interval, not one per commit (hundreds here)
    finally:
        shard.close()


def test_a_paused_shard_with_a_long_wal_is_checkpointed_in_the_background(tmp_path):
    shard = _shard(tmp_path)
    try:
        _write(shard, rows=800, size=8000)  # ≈ 1,600 pages: above the idle threshold, below SQLite's own
        waiting = walstamp.backlog(shard.path)
        assert waiting is not None and waiting >= walsync.IDLE_CHECKPOINT_FRAMES
        assert _until(lambda: walstamp.backlog(shard.path) == 0)
        with shard.reader() as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 800
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        shard.close()


def test_a_short_wal_is_left_to_sqlites_own_checkpoint(tmp_path):
    shard = _shard(tmp_path)
    try:
        _write(shard, rows=10)
        waiting = walstamp.backlog(shard.path)
        time.sleep(walsync.INTERVAL_S * 4)
        assert walstamp.backlog(shard.path) == waiting
    finally:
        shard.close()


def test_the_idle_checkpoint_never_waits_for_a_writer(tmp_path):
    shard = _shard(tmp_path)
    try:
        _write(shard, rows=800, size=8000)
        holding, release = threading.Event(), threading.Event()

        def writer():
            with shard.write():
                holding.set()
                release.wait(5)

        t = threading.Thread(target=writer)
        t.start()
        holding.wait(5)
        try:
            started = time.monotonic()
            assert shard.checkpoint_when_idle(1) is False
            assert time.monotonic() - started < 1
            assert walstamp.backlog(shard.path) >= walsync.IDLE_CHECKPOINT_FRAMES
        finally:
            release.set()
            t.join()
        assert shard.checkpoint_when_idle(1) is True
        assert walstamp.backlog(shard.path) == 0
    finally:
        shard.close()


def _wal_bytes(shard) -> int:
    try:
        return os.path.getsize(shard.path + "-wal")
    except FileNotFoundError:
        return 0


@pytest.fixture
def short_rest(monkeypatch):
    monkeypatch.setattr(walsync, "TRUNCATE_IDLE_S", 0.3)


def test_a_shard_idle_for_a_while_has_its_wal_file_cut_to_nothing(tmp_path, short_rest):
    shard = _shard(tmp_path)
    try:
        with shard.write() as tx:
            epoch = shard.write_epoch()
        _write(shard, rows=200, size=8000)  # ≈ 400 pages: a 1.6 MB file
        with shard.write():
            assert shard.write_epoch() == epoch
        assert _wal_bytes(shard) >= walsync.TRUNCATE_MIN_BYTES
        assert _until(lambda: _wal_bytes(shard) == 0)
        with shard.reader() as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 200
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with shard.write():  # the shard's own cut is not another connection's commit
            assert shard.write_epoch() == epoch
        _write(shard)
    finally:
        shard.close()
    reopened = Shard(shard.path)
    try:
        with reopened.reader() as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 201
    finally:
        reopened.close()


def test_a_shard_that_keeps_writing_keeps_its_wal_file(tmp_path, short_rest):
    shard = _shard(tmp_path)
    try:
        _write(shard, rows=200, size=8000)
        smallest = _wal_bytes(shard)
        deadline = time.monotonic() + walsync.TRUNCATE_IDLE_S * 4
        while time.monotonic() < deadline:
            _write(shard)
            time.sleep(walsync.TRUNCATE_IDLE_S / 6)
            smallest = min(smallest, _wal_bytes(shard))
        assert smallest >= walsync.TRUNCATE_MIN_BYTES
    finally:
        shard.close()


def test_a_small_wal_file_is_left_as_it_is(tmp_path, short_rest):
    shard = _shard(tmp_path)
    try:
        _write(shard, rows=3)
        size = _wal_bytes(shard)
        assert 0 < size < walsync.TRUNCATE_MIN_BYTES
        time.sleep(walsync.TRUNCATE_IDLE_S + walsync.INTERVAL_S * 4)
        assert _wal_bytes(shard) == size
    finally:
        shard.close()


def test_the_wal_is_not_cut_under_a_reader_and_the_cut_never_waits_for_one(tmp_path):
    shard = _shard(tmp_path)
    try:
        _write(shard, rows=200, size=8000)
        other = sqlite.connect(shard.path)  # a reader elsewhere, in the middle of a read transaction
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM t").fetchone()
        try:
            size = _wal_bytes(shard)
            started = time.monotonic()
            assert shard.truncate_wal_when_idle(0) is False
            assert time.monotonic() - started < 1
            assert _wal_bytes(shard) == size
        finally:
            other.execute("COMMIT")
            other.close()
        assert shard.truncate_wal_when_idle(0) is True
        assert _wal_bytes(shard) == 0
        with shard.reader() as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 200
    finally:
        shard.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_forked_child_syncs_its_own_commits(tmp_path):
    parent = _shard(tmp_path, "parent.db")
    _write(parent)  # the parent's thread exists and the parent's sync may be due at the fork
    pid = os.fork()
    if pid == 0:  # the child: only os._exit, whatever happens
        code = 1
        try:
            child = _shard(tmp_path, "child.db")
            _write(child)
            code = 0 if _until(lambda: not child._wal_sync_due) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    parent.close()
    assert os.waitstatus_to_exitcode(status) == 0

