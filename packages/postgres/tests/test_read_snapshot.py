"""Reads on the embedded server keep one SQLite read transaction open between statements while
nothing commits (engine.database.Database.reader): they must still see every commit at once —
of this process or another — and an idle server must not hold back the WAL's checkpoints."""
from __future__ import annotations

import glob
import os
import subprocess
import sys
import time

import apsw

import dotdo_postgres

Q = "SELECT v FROM kv WHERE k = %s"


def setup(data: str):
    conn = dotdo_postgres.connect(data=data, autocommit=True)
    conn.execute("CREATE TABLE kv (k int PRIMARY KEY, v text)")
    conn.execute("INSERT INTO kv VALUES (1, 'a')")
    return conn


def test_a_read_sees_a_commit_of_another_process_at_once(tmp_path):
    data = str(tmp_path)
    conn = setup(data)
    cur = conn.cursor()
    for _ in range(10):
        assert cur.execute(Q, (1,), prepare=True).fetchone() == ("a",)
    for i in range(3):
        value = f"from child {i}"
        subprocess.run([sys.executable, "-c",
                        "import sys, dotdo_postgres\n"
                        "with dotdo_postgres.connect(data=sys.argv[1], autocommit=True) as c:\n"
                        "    c.execute('UPDATE kv SET v = %s WHERE k = 1', (sys.argv[2],))\n", data, value],
                       check=True, timeout=60)
        assert cur.execute(Q, (1,), prepare=True).fetchone() == (value,)
    conn.close()


def test_a_read_sees_a_commit_of_another_connection_at_once(tmp_path):
    data = str(tmp_path)
    conn = setup(data)
    other = dotdo_postgres.connect(data=data, autocommit=True)
    cur = conn.cursor()
    for i in range(20):
        other.execute("UPDATE kv SET v = %s WHERE k = 1", (str(i),))
        assert cur.execute(Q, (1,), prepare=True).fetchone() == (str(i),)
    conn.close()
    other.close()


def test_an_idle_server_does_not_hold_back_a_checkpoint(tmp_path):
    data = str(tmp_path)
    conn = setup(data)
    for _ in range(10):
        conn.execute(Q, (1,), prepare=True).fetchone()
    with dotdo_postgres.connect(data=data, autocommit=True) as w:
        w.execute("INSERT INTO kv SELECT g, 'x' FROM generate_series(2, 500) g")
    time.sleep(0.5)  # longer than READ_SNAPSHOT_IDLE: the reader has let its snapshot go
    shard = [p for p in glob.glob(os.path.join(data, "ns", "*", "shard-*.db"))]
    assert shard
    for path in shard:
        c = apsw.Connection(path)
        busy, _, _ = c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        c.close()
        assert busy == 0
        assert os.path.getsize(path + "-wal") == 0
    assert conn.execute(Q, (1,)).fetchone() == ("a",)
    conn.close()


def test_nextval_in_a_query_between_reads_commits_at_once(tmp_path):
    data = str(tmp_path)
    conn = setup(data)
    conn.execute("CREATE SEQUENCE s")
    other = dotdo_postgres.connect(data=data, autocommit=True)
    for i in range(1, 4):
        for _ in range(6):
            conn.execute(Q, (1,), prepare=True).fetchone()
        assert conn.execute("SELECT nextval('s')").fetchone() == (i,)
        other.execute("INSERT INTO kv VALUES (%s, 'w')", (10 + i,))  # the writer is free, not held by a reader
    assert other.execute("SELECT nextval('s')").fetchone() == (4,)  # the three advances were committed
    conn.close()
    other.close()
