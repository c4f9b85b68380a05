"""The processes test_crash.py kills: each writes through a genuine client and logs every
acknowledgement, one line per reply, with a write(2) straight to an O_APPEND file — once the
call returns the line is in the kernel, so a SIGKILL right after cannot lose it.

Workloads are deterministic per (round, seed) and number every operation with `i`, so the
checker knows that at most one operation — the one after the last acknowledged — was in flight
when the process died, and may or may not have committed."""
from __future__ import annotations

import os
import random
import sys
import traceback
from typing import Callable

Ack = Callable[[str], None]

MULTI_KEYS = 5


class AckLog:
    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def __call__(self, line: str) -> None:
        os.write(self.fd, (line + "\n").encode())


def _guarded(fn: Callable[[AckLog], None], ack_path: str) -> None:
    """Run a writer; an unexpected exception is logged as an `error` line, so the harness can
    tell a writer that failed by itself from one it killed."""
    ack = AckLog(ack_path)
    try:
        fn(ack)
    except BaseException:
        ack("error " + traceback.format_exc().replace("\n", " | "))
        os._exit(3)


# -- Redis -------------------------------------------------------------------------------

def redis_workload(r, rnd: int, seed: int, ack: Ack, stop: Callable[[], bool] = lambda: False) -> None:
    """SET, INCR, XADD and MULTI/EXEC transactions of several keys, forever (until killed or `stop`)."""
    rng = random.Random(seed)
    i = 0
    while not stop():
        i += 1
        op = rng.random()
        if op < 0.3:
            r.set(f"s:{rnd}:{i}", f"v{i}")
            ack(f"set {i}")
        elif op < 0.5:
            ack(f"incr {i} {r.incr('counter')}")
        elif op < 0.65:
            entry = r.xadd(f"x:{rnd}", {"i": i})
            ack(f"xadd {i} {entry.decode()}")
        else:
            # Every key of the transaction gets the same value: after a crash all are equal or all absent.
            width = MULTI_KEYS if op < 0.9 else 200
            with r.pipeline(transaction=True) as p:
                p.mset({f"t:{rnd}:{i}:{k}": i for k in range(1, width + 1)})
                p.incr(f"tcount:{rnd}")
                p.execute()
            ack(f"multi {i} {width}")


def redis_inprocess(data: str, ack_path: str, rnd: int, seed: int) -> None:
    def run(ack: AckLog) -> None:
        from dotdo_redis import Redis
        r = Redis(data=data)
        r.ping()
        ack("ready")
        redis_workload(r, rnd, seed, ack)
    _guarded(run, ack_path)


def dotdo_serve(protocol: str, data: str, out_path: str) -> None:
    """`dotdo serve PROTOCOL --port PROTOCOL=0` with its stdout (the 'listening on' line) in out_path."""
    fd = os.open(out_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(fd, 1)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    from dotdo_core import cli
    cli.main(["serve", protocol, "--data", data, "--port", f"{protocol}=0"])


# -- PostgreSQL ------------------------------------------------------------------------------

POSTGRES_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS acct (id int PRIMARY KEY, bal int NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ledger (rnd int NOT NULL, i int NOT NULL, amount int NOT NULL, PRIMARY KEY (rnd, i))",
    "CREATE TABLE IF NOT EXISTS parts (rnd int NOT NULL, i int NOT NULL, part int NOT NULL, v text NOT NULL, PRIMARY KEY (rnd, i, part))",
    "CREATE TABLE IF NOT EXISTS singles (rnd int NOT NULL, i int NOT NULL, v text, PRIMARY KEY (rnd, i))",
    "INSERT INTO acct VALUES (1, 0), (2, 0) ON CONFLICT (id) DO NOTHING",
]


def postgres_writer(data: str, ack_path: str, rnd: int, seed: int) -> None:
    def run(ack: AckLog) -> None:
        from dotdo_postgres import connect
        rng = random.Random(seed)
        with connect(data=data, autocommit=True) as conn:
            conn.execute("SELECT 1")
            ack("ready")
            i = 0
            while True:
                i += 1
                op = rng.random()
                if op < 0.4:
                    # A transfer: money moves between two rows and is written down in a third.
                    with conn.transaction():
                        conn.execute("INSERT INTO ledger (rnd, i, amount) VALUES (%s, %s, 1)", (rnd, i))
                        conn.execute("UPDATE acct SET bal = bal - 1 WHERE id = 1")
                        conn.execute("UPDATE acct SET bal = bal + 1 WHERE id = 2")
                    ack(f"transfer {i}")
                elif op < 0.7:
                    with conn.transaction():
                        with conn.cursor() as cur:
                            cur.executemany("INSERT INTO parts (rnd, i, part, v) VALUES (%s, %s, %s, %s)",
                                            [(rnd, i, k, f"v{i}") for k in range(1, MULTI_KEYS + 1)])
                    ack(f"parts {i}")
                else:
                    conn.execute("INSERT INTO singles (rnd, i, v) VALUES (%s, %s, %s)", (rnd, i, f"v{i}"))
                    ack(f"single {i}")
    _guarded(run, ack_path)


# -- MongoDB -----------------------------------------------------------------------------

MONGO_FIELDS = ("a", "b", "c", "d", "e")


def mongo_writer(data: str, ack_path: str, rnd: int, seed: int) -> None:
    def run(ack: AckLog) -> None:
        from pymongo import ReturnDocument

        from dotdo_mongo import MongoClient
        rng = random.Random(seed)
        client = MongoClient(f"dotdo://{data}")
        coll = client.crash.docs
        client.crash.command("ping")
        ack("ready")
        i = 0
        while True:
            i += 1
            op = rng.random()
            if op < 0.4:
                coll.insert_one({"_id": f"{rnd}:{i}", "rnd": rnd, "i": i})
                ack(f"insert {i}")
            elif op < 0.55:
                # A multi-document transaction: its documents are all stored or none is.
                with client.start_session() as s:
                    with s.start_transaction():
                        for k in range(1, MULTI_KEYS + 1):
                            client.crash.tx.insert_one({"_id": f"{rnd}:{i}:{k}", "rnd": rnd, "i": i}, session=s)
                ack(f"txn {i}")
            elif op < 0.7:
                # One document's update is atomic in MongoDB: all five fields move together.
                doc = client.crash.state.find_one_and_update(
                    {"_id": "multi"}, {"$set": {f: i for f in MONGO_FIELDS}, "$inc": {"n": 1}},
                    upsert=True, return_document=ReturnDocument.AFTER)
                ack(f"update {i} {doc['n']}")
            else:
                coll.insert_many([{"_id": f"{rnd}:{i}:{k}", "rnd": rnd, "i": i} for k in range(1, MULTI_KEYS + 1)])
                ack(f"many {i}")
    _guarded(run, ack_path)
