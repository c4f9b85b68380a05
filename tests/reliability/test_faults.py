"""Faults from outside: another process holding a shard's write lock, and a disk that fills up.

- Locked: a process that holds SQLite's write lock (BEGIN IMMEDIATE through apsw on the shard
  file) makes a Redis write wait; reads go on meanwhile; the write succeeds once the lock is
  released; over RESP, OP_MSG and for a pgwire write, other clients are served while the write
  waits (the wait is not on the server's event loop). Long tier: a lock held past the busy timeout
  (30 s) gives an error reply, not a hang (Redis and pgwire).
- Disk full (ENOSPC on a 2 MB tmpfs), Redis and Mongo: writes get an error reply (Mongo: OutOfDiskSpace), the server stays up, every
  acknowledged value stays readable and intact, the SQLite files pass integrity_check, and
  writes resume once space is freed."""
from __future__ import annotations

import glob
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import apsw
import pymongo
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from dotdo_redis import Redis

from .support import dotdo_serve, mongo_url

LOCKER = """
import sys, apsw
conn = apsw.Connection(sys.argv[1])
conn.execute("BEGIN IMMEDIATE")
conn.execute("CREATE TABLE IF NOT EXISTS locker_was_here (x)")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
print("released", flush=True)
"""


def shard_files(data: str) -> list[str]:
    return sorted(glob.glob(os.path.join(data, "ns", "*", "shard-*.db")))


class Locker:
    """Another process holding the write lock of one SQLite file until `release()`."""

    def __init__(self, path: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", LOCKER, path], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "locked"

    def release(self) -> None:
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "released"
        self.proc.wait(10)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def test_a_write_waits_for_another_process_holding_the_lock_then_succeeds(tmp_path):
    data = str(tmp_path / "data")
    r = Redis(data=data)
    r.set("before", "1")
    (shard,) = shard_files(data)
    locker = Locker(shard)
    try:
        done: dict = {}

        def write():
            started = time.monotonic()
            done["reply"] = r.set("during", "2")
            done["waited"] = time.monotonic() - started

        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(1.0)
        assert writer.is_alive(), "the write did not wait for the other process's lock"
        # WAL readers are not blocked by a writer in another process.
        reader = Redis(data=data)
        assert reader.get("before") == b"1"
        assert reader.get("during") is None
        locker.release()
        writer.join(10)
        assert done["reply"] is True and done["waited"] >= 1.0
        assert r.get("during") == b"2"
    finally:
        locker.kill()


def test_while_a_served_write_waits_for_another_processs_lock_other_clients_are_served(tmp_path):
    # The waiting write must not hold the server's event loop: reads of the same shard, other
    # connections' PINGs and a fresh connection are all answered while the lock is held.
    with dotdo_serve(str(tmp_path / "data")) as (proc, port):
        r = redis.Redis(port=port, socket_timeout=20)
        r.set("before", "1")
        (shard,) = shard_files(str(tmp_path / "data"))
        locker = Locker(shard)
        try:
            done: dict = {}

            def write():
                waiting = redis.Redis(port=port, socket_timeout=20)
                done["reply"] = waiting.set("during", "2")

            writer = threading.Thread(target=write)
            writer.start()
            time.sleep(0.5)
            assert writer.is_alive(), "the write did not wait for the other process's lock"
            other = redis.Redis(port=port, socket_timeout=2)  # would time out behind a stalled loop
            for _ in range(20):
                assert other.get("before") == b"1"
                assert other.ping() is True
            assert other.get("during") is None
            assert redis.Redis(port=port, socket_timeout=2).exists("before") == 1
            assert writer.is_alive()
            locker.release()
            writer.join(10)
            assert done["reply"] is True
            assert other.get("during") == b"2"
        finally:
            locker.kill()
        assert proc.poll() is None


def test_while_a_served_mongo_write_waits_for_another_processs_lock_other_clients_are_served(tmp_path):
    # The waiting insert must not hold the OP_MSG server's loop: finds on the same shard, other
    # connections' pings and a new client are all answered while the lock is held.
    data = str(tmp_path / "data")
    with dotdo_serve(data, "mongo") as (proc, port):
        client = pymongo.MongoClient(mongo_url(port), socketTimeoutMS=20_000)
        client.app.docs.insert_one({"_id": "before"})
        (shard,) = shard_files(data)  # the one database, app
        locker = Locker(shard)
        try:
            done: dict = {}

            def write():
                waiting = pymongo.MongoClient(mongo_url(port), socketTimeoutMS=20_000)
                done["id"] = waiting.app.docs.insert_one({"_id": "during"}).inserted_id

            writer = threading.Thread(target=write)
            writer.start()
            time.sleep(0.5)
            assert writer.is_alive(), "the write did not wait for the other process's lock"
            # Would time out behind a stalled loop.
            other = pymongo.MongoClient(mongo_url(port), socketTimeoutMS=2_000, serverSelectionTimeoutMS=2_000)
            for _ in range(20):
                assert other.app.docs.find_one({"_id": "before"}) == {"_id": "before"}
                assert other.admin.command("ping")["ok"] == 1.0
            assert other.app.docs.find_one({"_id": "during"}) is None
            fresh = pymongo.MongoClient(mongo_url(port), socketTimeoutMS=2_000, serverSelectionTimeoutMS=2_000)
            assert fresh.app.docs.count_documents({}) == 1
            assert writer.is_alive()
            locker.release()
            writer.join(10)
            assert done["id"] == "during"
            assert other.app.docs.find_one({"_id": "during"}) == {"_id": "during"}
        finally:
            locker.kill()
        assert proc.poll() is None

def pg_table(tmp_path, rows: list[int]) -> str:
    """A data directory whose postgres database has table t (x int) holding `rows`."""
    import dotdo_postgres
    data = str(tmp_path / "data")
    with dotdo_postgres.connect(data=data, autocommit=True) as setup:
        setup.execute("CREATE TABLE t (x int)")
        for x in rows:
            setup.execute("INSERT INTO t VALUES (%s)", (x,))
    return data


def test_while_a_pgwire_write_waits_for_another_processs_lock_other_connections_are_served(tmp_path):
    # psycopg → the embedded server: the INSERT waits for the lock without holding the server's
    # event loop, so other connections' queries, and a new connection, are answered meanwhile.
    import dotdo_postgres
    data = pg_table(tmp_path, [1])
    (shard,) = shard_files(data)
    locker = Locker(shard)
    try:
        done: dict = {}

        def write():
            with dotdo_postgres.connect(data=data, autocommit=True) as waiting:
                waiting.execute("INSERT INTO t VALUES (2)")
                done["inserted"] = True

        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.5)
        assert writer.is_alive(), "the write did not wait for the other process's lock"
        with dotdo_postgres.connect(data=data, autocommit=True) as other:
            for _ in range(20):
                assert other.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,)]
        assert writer.is_alive(), "the other connection was answered only after the write gave up"
        locker.release()
        writer.join(10)
        assert done.get("inserted") is True
        with dotdo_postgres.connect(data=data, autocommit=True) as after:
            assert after.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]
    finally:
        locker.kill()


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_lock_held_past_the_busy_timeout_raises_a_response_error_in_process(tmp_path):
    data = str(tmp_path / "data")
    r = Redis(data=data)
    r.set("before", "1")
    (shard,) = shard_files(data)
    locker = Locker(shard)
    try:
        started = time.monotonic()
        with pytest.raises(redis.ResponseError) as err:
            r.set("during", "2")
        print(f"lock held past the busy timeout, in-process: {time.monotonic() - started:.1f} s, then {err.value!r}")
    finally:
        locker.kill()
    assert r.set("after", "3") is True
    assert r.mget("before", "during", "after") == [b"1", None, b"3"]


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_lock_held_past_the_busy_timeout_gives_an_error_reply_over_resp(tmp_path):
    with dotdo_serve(str(tmp_path / "data")) as (proc, port):
        r = redis.Redis(port=port, socket_timeout=45, retry=Retry(NoBackoff(), 0))
        r.set("before", "1")
        (shard,) = shard_files(str(tmp_path / "data"))
        locker = Locker(shard)
        try:
            started = time.monotonic()
            with pytest.raises(redis.ResponseError) as err:
                r.set("during", "2")
            print(f"lock held past the busy timeout, over RESP: {time.monotonic() - started:.1f} s, then {err.value!r}")
        finally:
            locker.kill()
        assert proc.poll() is None
        r = redis.Redis(port=port, socket_timeout=10)
        assert r.set("after", "3") is True
        assert r.mget("before", "during", "after") == [b"1", None, b"3"]


def test_a_pgwire_copy_and_notify_wait_for_another_processs_lock_then_apply(tmp_path):
    import dotdo_postgres
    data = pg_table(tmp_path, [])
    listener = dotdo_postgres.connect(data=data, autocommit=True)
    listener.execute("LISTEN ch")
    (shard,) = shard_files(data)
    locker = Locker(shard)
    try:
        done: dict = {}

        def copy():
            with dotdo_postgres.connect(data=data, autocommit=True) as c:
                c.execute("NOTIFY ch, 'while locked'")  # answered at once; published once the lock goes
                with c.cursor().copy("COPY t (x) FROM STDIN") as cp:
                    for i in range(3):
                        cp.write_row((i,))
                done["copied"] = True

        writer = threading.Thread(target=copy)
        writer.start()
        time.sleep(0.5)
        assert writer.is_alive(), "the COPY did not wait for the other process's lock"
        locker.release()
        writer.join(10)
        assert done.get("copied") is True
        assert [n.payload for n in listener.notifies(timeout=5, stop_after=1)] == ["while locked"]
        assert listener.execute("SELECT x FROM t ORDER BY x").fetchall() == [(0,), (1,), (2,)]
    finally:
        locker.kill()
        listener.close()


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_lock_held_past_the_busy_timeout_gives_a_pgwire_error_not_a_hang(tmp_path):
    import psycopg
    import dotdo_postgres
    data = str(tmp_path / "data")
    conn = dotdo_postgres.connect(data=data, autocommit=True)
    conn.execute("CREATE TABLE t (x int)")
    (shard,) = shard_files(data)
    locker = Locker(shard)
    try:
        started = time.monotonic()
        with pytest.raises(psycopg.errors.SerializationFailure) as err:
            conn.execute("INSERT INTO t VALUES (1)")
        print(f"lock held past the busy timeout, over pgwire: {time.monotonic() - started:.1f} s, then {err.value!r}")
    finally:
        locker.kill()
    conn.execute("INSERT INTO t VALUES (2)")
    assert conn.execute("SELECT x FROM t").fetchall() == [(2,)]
    conn.close()


# -- disk full -----------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs; skipped where mounting is not permitted."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a size-limited tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill_until_error(r: redis.Redis, ballast: Path) -> tuple[dict[str, bytes], redis.RedisError]:
    """Take most of the space with a ballast file, then SET 32 KB values until the disk refuses one."""
    with open(ballast, "wb") as f:
        f.write(b"\0" * (1024 * 1024))
    acked: dict[str, bytes] = {}
    for i in range(200):
        value = os.urandom(32 * 1024)
        try:
            r.set(f"fill:{i}", value)
        except redis.RedisError as e:
            return acked, e
        acked[f"fill:{i}"] = value
    pytest.fail("the 2 MB disk never filled up")


def integrity_ok(data: str) -> None:
    for path in shard_files(data):
        conn = apsw.Connection(path, flags=apsw.SQLITE_OPEN_READONLY)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], path
        conn.close()


def test_disk_full_gives_an_error_reply_keeps_data_intact_and_writes_resume(small_disk):
    data = str(small_disk / "data")
    with dotdo_serve(data) as (proc, port):
        r = redis.Redis(port=port, socket_timeout=30)
        keep = {f"keep:{i}": os.urandom(100) for i in range(20)}
        r.mset(keep)
        acked, error = fill_until_error(r, small_disk / "ballast")
        print(f"disk full over RESP: {type(error).__name__}: {error}")
        assert isinstance(error, redis.ResponseError), f"not an error reply: {error!r}"
        assert proc.poll() is None, "the server died on ENOSPC"
        assert r.ping() is True
        expected = {**keep, **acked}
        assert r.mget(list(expected)) == list(expected.values())
        with pytest.raises(redis.ResponseError):
            r.set("still-full", os.urandom(64 * 1024))

        os.unlink(small_disk / "ballast")
        assert r.set("after", b"space returned") is True
        assert r.get("after") == b"space returned"
        assert r.mget(list(expected)) == list(expected.values())
    # A fresh server on the directory: everything acknowledged is there, the files are sound.
    integrity_ok(data)
    with dotdo_serve(data) as (proc, port):
        r = redis.Redis(port=port)
        assert r.mget(list(expected)) == list(expected.values())
        assert r.get("after") == b"space returned"


def test_disk_full_in_process_raises_a_response_error_and_keeps_data(small_disk):
    data = str(small_disk / "inproc")
    r = Redis(data=data)
    keep = {f"keep:{i}": os.urandom(100) for i in range(20)}
    r.mset(keep)
    acked, error = fill_until_error(r, small_disk / "ballast")
    print(f"disk full in-process: {type(error).__name__}: {error}")
    assert isinstance(error, redis.ResponseError), f"not an error reply: {error!r}"
    expected = {**keep, **acked}
    assert r.mget(list(expected)) == list(expected.values())
    os.unlink(small_disk / "ballast")
    assert r.set("after", "ok") is True
    assert r.mget(list(expected)) == list(expected.values())
    integrity_ok(data)


def test_disk_full_gives_postgres_an_error_keeps_rows_and_writes_resume(small_disk):
    psycopg = pytest.importorskip("psycopg")
    data = str(small_disk / "pg")
    with dotdo_serve(data, "postgres") as (proc, port):
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", sslmode="disable",
                             autocommit=True) as c:
            c.execute("CREATE TABLE blobs (id int PRIMARY KEY, b bytea NOT NULL)")
            with open(small_disk / "ballast", "wb") as f:
                f.write(b"\0" * (1024 * 1024))
            acked = {}
            for i in range(200):
                value = os.urandom(32 * 1024)
                try:
                    c.execute("INSERT INTO blobs VALUES (%s, %s)", (i, value))
                except psycopg.Error as e:
                    error = e
                    break
                acked[i] = value
            else:
                pytest.fail("the 2 MB disk never filled up")
            # As real PostgreSQL: SQLSTATE 53100, which psycopg raises as DiskFull.
            print(f"disk full over pgwire: {type(error).__name__} SQLSTATE {error.sqlstate}: {error}")
            assert isinstance(error, psycopg.errors.DiskFull) and error.sqlstate == "53100"
            assert proc.poll() is None
            assert dict(c.execute("SELECT id, b FROM blobs").fetchall()) == acked
            os.unlink(small_disk / "ballast")
            c.execute("INSERT INTO blobs VALUES (%s, %s)", (1000, b"space returned"))
            assert c.execute("SELECT count(*) FROM blobs").fetchone()[0] == len(acked) + 1
    integrity_ok(data)


def test_mongo_disk_full_answers_out_of_disk_space_keeps_data_and_writes_resume(small_disk):
    data = str(small_disk / "data")
    with dotdo_serve(data, "mongo") as (proc, port):
        client = pymongo.MongoClient(mongo_url(port), serverSelectionTimeoutMS=10_000)
        docs = client.app.docs
        keep = [{"_id": f"keep:{i}", "v": os.urandom(100)} for i in range(20)]
        docs.insert_many(keep)
        with open(small_disk / "ballast", "wb") as f:
            f.write(b"\0" * (1024 * 1024))
        acked = []
        for i in range(200):
            doc = {"_id": i, "v": os.urandom(32 * 1024)}
            try:
                docs.insert_one(doc)
            except pymongo.errors.PyMongoError as e:
                error = e
                break
            acked.append(doc)
        else:
            pytest.fail("the 2 MB disk never filled up")
        print(f"disk full over OP_MSG: {type(error).__name__}: {error}")
        # A command error on a live connection (not a dropped socket), with MongoDB's code for it.
        assert isinstance(error, pymongo.errors.OperationFailure), f"not an error reply: {error!r}"
        assert error.code == 14031 and error.details["codeName"] == "OutOfDiskSpace"
        assert proc.poll() is None, "the server died on ENOSPC"
        expected = {d["_id"]: d["v"] for d in keep + acked}
        assert {d["_id"]: d["v"] for d in docs.find()} == expected
        os.unlink(small_disk / "ballast")
        docs.insert_one({"_id": "after", "v": b"space returned"})
        assert docs.find_one({"_id": "after"})["v"] == b"space returned"
    integrity_ok(data)
    with dotdo_serve(data, "mongo") as (proc, port):
        client = pymongo.MongoClient(mongo_url(port))
        assert len(list(client.app.docs.find())) == len(expected) + 1
