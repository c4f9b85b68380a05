"""The core against the physical limit: dotdo-core's shard vs raw SQLite (apsw and stdlib sqlite3).

    .venv/bin/python bench/shard.py [--seconds 0.5]

Workloads: a single-key write with its own commit, 100 writes per commit, point reads, and
single-key commits from two processes on one database at once. The core's overhead on a
single-key commit must stay ≤ 1.5× raw SQLite's (issue 2)."""
from __future__ import annotations

import argparse
import itertools
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

import apsw

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.harness import Table, ops_per_second  # noqa: E402
from dotdo_core import Store  # noqa: E402
from dotdo_core.primitives.kv import KeyValue  # noqa: E402

TABLE = "CREATE TABLE IF NOT EXISTS kv (key BLOB PRIMARY KEY, type TEXT NOT NULL, value BLOB, expires_ms INTEGER, ver INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID"
PUT = "INSERT OR REPLACE INTO kv(key, type, value, expires_ms, ver) VALUES (?, ?, ?, ?, ?)"
GET = "SELECT type, value, expires_ms FROM kv WHERE key = ? AND (expires_ms IS NULL OR expires_ms > ?)"
VALUE = b"x" * 32
KEYS = 10_000


def raw_workloads(conn):
    """The workloads straight on a connection (apsw's and sqlite3's `execute` take the same calls)."""
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(TABLE)
    counter = itertools.count()

    def write():
        i = next(counter) % KEYS
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(PUT, (b"k%d" % i, "string", VALUE, None, i))
        conn.execute("COMMIT")

    def batch():
        conn.execute("BEGIN IMMEDIATE")
        for _ in range(100):
            i = next(counter) % KEYS
            conn.execute(PUT, (b"k%d" % i, "string", VALUE, None, i))
        conn.execute("COMMIT")

    def read():
        i = next(counter) % KEYS
        conn.execute(GET, (b"k%d" % i, 0)).fetchone()

    return write, batch, read


def raw_apsw(path: str):
    conn = apsw.Connection(path)
    conn.set_busy_timeout(30_000)  # as the core sets: a second process's writer waits, never fails
    return raw_workloads(conn)


def raw_sqlite3(path: str):
    return raw_workloads(sqlite3.connect(path, isolation_level=None, timeout=30))


def core(path: str):
    store = Store(path)
    shard = store.namespace("bench").shards[0]
    kv = KeyValue(shard, "kv")
    counter = itertools.count()

    def write():
        i = next(counter) % KEYS
        with shard.write() as tx:
            kv.put(tx, b"k%d" % i, "string", VALUE)

    def batch():
        with shard.write() as tx:
            for _ in range(100):
                i = next(counter) % KEYS
                kv.put(tx, b"k%d" % i, "string", VALUE)

    def read():
        i = next(counter) % KEYS
        with shard.reader() as conn:
            kv.get(conn, b"k%d" % i, 0)

    return write, batch, read


CHILD = """
import sys, time, os
sys.path.insert(0, sys.argv[3])
from bench.shard import raw_apsw, core
write = {"raw apsw": lambda p: raw_apsw(p)[0], "dotdo core": lambda p: core(p)[0]}[sys.argv[1]](sys.argv[2])
n = int(sys.argv[4])
start = time.perf_counter()
for _ in range(n):
    write()
print(n / (time.perf_counter() - start))
"""


def two_processes(target: str, path: str, n: int) -> float:
    """Two processes each commit `n` single-key writes to one database at once: combined writes/s."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, target, path, root, str(n)], stdout=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        p.communicate()
    return 2 * n / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=0.5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="dotdo-bench-")
    table = Table("dotdo-core shard vs raw SQLite (WAL, synchronous=NORMAL)", baseline="raw apsw")
    makers = {"raw apsw": raw_apsw, "raw sqlite3": raw_sqlite3, "dotdo core": core}
    for name, make in makers.items():
        path = os.path.join(tmp, name.replace(" ", "-"))
        os.makedirs(path, exist_ok=True)
        write, batch, read = make(path if name == "dotdo core" else os.path.join(path, "db.sqlite"))
        table.add("single-key write + commit", name, ops_per_second(write, args.seconds))
        table.add("100 writes per commit", name, ops_per_second(batch, args.seconds, per_call=100))
        table.add("point read", name, ops_per_second(read, args.seconds))
    for name in ("raw apsw", "dotdo core"):
        path = os.path.join(tmp, "two-" + name.replace(" ", "-"))
        os.makedirs(path, exist_ok=True)
        db = path if name == "dotdo core" else os.path.join(path, "db.sqlite")
        (core if name == "dotdo core" else raw_apsw)(db)  # create the schema before the race
        table.add("single-key commits, 2 processes", name, two_processes(name, db, 3000))
    table.print()
    overhead = table.rows["single-key write + commit"]["raw apsw"] / table.rows["single-key write + commit"]["dotdo core"]
    print(f"core overhead on a single-key commit: {overhead:.2f}× raw SQLite (apsw) — goal ≤ 1.5×")
    overhead3 = table.rows["single-key write + commit"]["raw sqlite3"] / table.rows["single-key write + commit"]["dotdo core"]
    print(f"core vs stdlib sqlite3 on a single-key commit: {overhead3:.2f}× (below 1: the core is faster)")
    return 0 if overhead <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
