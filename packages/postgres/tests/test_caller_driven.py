"""Embedded psycopg connections run their statements on the calling thread (protocol/caller.py);
what waits — a lock, pg_sleep, a notification — still finishes on the server's loop. These are
the behaviours that hand-over must keep."""
from __future__ import annotations

import gc
import threading
import time

import psycopg
import pytest

import dotdo_postgres


@pytest.fixture
def data(tmp_path):
    return str(tmp_path)


def test_a_transaction_begun_before_a_sleep_commits_after_it(data):
    # The block's lock is taken on the client's thread; after pg_sleep the rest of the simple query
    # (the second INSERT and COMMIT) runs on the server's loop, which must be able to end it.
    conn = dotdo_postgres.connect(data=data, autocommit=True)
    conn.execute("CREATE TABLE t (v int)")
    conn.execute("BEGIN; INSERT INTO t VALUES (1); SELECT pg_sleep(0.05); INSERT INTO t VALUES (2); COMMIT")
    conn.execute("INSERT INTO t VALUES (3)")
    other = dotdo_postgres.connect(data=data, autocommit=True)
    assert other.execute("SELECT v FROM t ORDER BY v").fetchall() == [(1,), (2,), (3,)]


def test_a_write_waiting_for_another_threads_transaction_proceeds_when_it_commits(data):
    first = dotdo_postgres.connect(data=data)
    first.execute("CREATE TABLE t (v int)")
    first.commit()
    first.execute("INSERT INTO t VALUES (1)")  # holds the writer until commit
    done = []

    def second():
        with dotdo_postgres.connect(data=data, autocommit=True) as conn:
            conn.execute("INSERT INTO t VALUES (2)")
            done.append(time.monotonic())

    th = threading.Thread(target=second)
    th.start()
    time.sleep(0.2)
    assert not done  # still waiting
    committed = time.monotonic()
    first.commit()
    th.join(5)
    assert done and done[0] >= committed
    assert sorted(first.execute("SELECT v FROM t").fetchall()) == [(1,), (2,)]


def test_a_connection_dropped_without_close_ends_its_transaction(data):
    conn = dotdo_postgres.connect(data=data, autocommit=True)
    conn.execute("CREATE TABLE t (v int)")
    dropped = dotdo_postgres.connect(data=data)
    dropped.execute("INSERT INTO t VALUES (1)")  # an open transaction holding the writer
    del dropped
    gc.collect()
    conn.execute("INSERT INTO t VALUES (2)")  # waits for the dropped session to end, then writes
    assert conn.execute("SELECT v FROM t").fetchall() == [(2,)]


def test_notify_from_one_embedded_connection_reaches_a_listening_one(data):
    listener = dotdo_postgres.connect(data=data, autocommit=True)
    listener.execute("LISTEN jobs")
    sender = dotdo_postgres.connect(data=data, autocommit=True)
    threading.Timer(0.1, lambda: sender.execute("NOTIFY jobs, 'one'")).start()
    got = [(n.channel, n.payload) for n in listener.notifies(timeout=5, stop_after=1)]
    assert got == [("jobs", "one")]


def test_cancel_from_another_thread_ends_a_sleep(data):
    conn = dotdo_postgres.connect(data=data, autocommit=True)
    threading.Timer(0.2, conn.cancel_safe).start()
    started = time.monotonic()
    with pytest.raises(psycopg.errors.QueryCanceled):
        conn.execute("SELECT pg_sleep(30)")
    assert time.monotonic() - started < 10
    assert conn.execute("SELECT 1").fetchone() == (1,)


def test_threads_each_with_their_own_connection_all_commit(data):
    setup = dotdo_postgres.connect(data=data, autocommit=True)
    setup.execute("CREATE TABLE t (thread int, n int)")
    errors = []

    def work(k: int) -> None:
        try:
            with dotdo_postgres.connect(data=data) as conn:
                for n in range(50):
                    conn.execute("INSERT INTO t VALUES (%s, %s)", (k, n))
                    if n % 5 == 4:
                        conn.commit()
                conn.commit()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert not errors
    assert setup.execute("SELECT thread, count(*) FROM t GROUP BY thread ORDER BY thread").fetchall() == [
        (k, 50) for k in range(4)]
