"""The processes test_multiprocess.py runs four at a time on one data directory. Each reports
through a multiprocessing queue: (worker, result)."""
from __future__ import annotations

import os
import traceback
from typing import Any, Callable


def _report(q: Any, w: int, fn: Callable[[], Any]) -> None:
    try:
        q.put((w, fn()))
    except BaseException:
        q.put((w, "error " + traceback.format_exc()))


def redis_counters(data: str, w: int, n: int, q: Any) -> None:
    def run():
        from dotdo_redis import Redis
        r = Redis(data=data)
        for i in range(n):
            r.incr("counter")
            r.incrby("counter2", 2)
            r.hincrby("hash", "field", 1)
            with r.pipeline(transaction=False) as p:
                p.rpush("log", f"{w}:{i}")
                p.sadd("members", f"{w}:{i}")
                p.execute()
        return os.getpid()
    _report(q, w, run)


def redis_watch(data: str, w: int, n: int, q: Any) -> None:
    """Read-modify-write under WATCH/MULTI/EXEC with optimistic retries; returns how many retries."""
    def run():
        import redis

        from dotdo_redis import Redis
        r = Redis(data=data)
        retries = 0
        for i in range(n):
            while True:
                with r.pipeline() as p:
                    try:
                        p.watch("balance")
                        value = int(p.get("balance") or 0)
                        p.multi()
                        p.set("balance", value + 1)
                        p.rpush("applied", f"{w}:{i}")
                        p.execute()
                        break
                    except redis.WatchError:
                        retries += 1
        return retries
    _report(q, w, run)


def redis_queue_worker(data: str, w: int, q: Any) -> None:
    """BLPOP jobs until a `stop`; returns the jobs this worker took."""
    def run():
        from dotdo_redis import Redis
        r = Redis(data=data)
        taken = []
        while True:
            got = r.blpop("jobs", timeout=30)
            if got is None:
                raise TimeoutError("no job and no stop within 30 s")
            job = got[1].decode()
            if job == "stop":
                return taken
            taken.append(job)
            r.rpush("done", job)
    _report(q, w, run)


def postgres_counters(data: str, w: int, n: int, q: Any) -> None:
    def run():
        from dotdo_postgres import connect
        with connect(data=data, autocommit=True) as conn:
            for i in range(n):
                conn.execute("UPDATE counters SET n = n + 1 WHERE id = 1")
                with conn.transaction():
                    conn.execute("UPDATE counters SET n = n + 1 WHERE id = 2")
                    conn.execute("INSERT INTO seen (w, i) VALUES (%s, %s)", (w, i))
        return os.getpid()
    _report(q, w, run)


def mongo_counters(data: str, w: int, n: int, q: Any) -> None:
    def run():
        from dotdo_mongo import MongoClient
        client = MongoClient(f"dotdo://{data}")
        db = client.mp
        for i in range(n):
            db.counters.update_one({"_id": "c"}, {"$inc": {"n": 1}}, upsert=True)
            db.seen.insert_one({"_id": f"{w}:{i}"})
        client.close()
        return os.getpid()
    _report(q, w, run)


def mongo_transfers(data: str, w: int, n: int, q: Any) -> None:
    """n transactions, each moving 1 from account w to account w+1 and writing a ledger entry;
    pymongo's with_transaction retries the ones that meet another process's transaction."""
    def run():
        from dotdo_mongo import MongoClient
        client = MongoClient(f"dotdo://{data}")
        db = client.mp

        def transfer(s, i):
            db.accounts.update_one({"_id": w}, {"$inc": {"balance": -1}}, session=s)
            db.accounts.update_one({"_id": (w + 1) % 4}, {"$inc": {"balance": 1}}, session=s)
            db.ledger.insert_one({"_id": f"{w}:{i}"}, session=s)

        with client.start_session() as s:
            for i in range(n):
                s.with_transaction(lambda s, i=i: transfer(s, i))
        client.close()
        return os.getpid()
    _report(q, w, run)
