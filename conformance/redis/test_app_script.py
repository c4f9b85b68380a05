"""A small application written for redis-py, run unchanged on both targets: the only difference is
where its client comes from. It uses what real applications use together — caching with TTLs,
counters, pipelines, optimistic transactions, a job queue drained by a worker thread with blocking
pops, pub/sub notifications, a Lua rate limiter, a leaderboard and an event stream with a group."""
from __future__ import annotations

import threading
import time

import redis

RATE_LIMIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then return 0 end
return 1
"""


def application(r: redis.Redis, new_client) -> dict:
    out: dict = {}

    # cache-aside with a TTL
    if r.get("cache:user:1") is None:
        r.set("cache:user:1", '{"name": "ann"}', ex=60)
    out["cached"] = r.get("cache:user:1")
    out["ttl_ok"] = 0 < r.ttl("cache:user:1") <= 60

    # counters in a pipeline
    pipe = r.pipeline(transaction=False)
    for page in ("home", "home", "about"):
        pipe.hincrby("views", page, 1)
    pipe.execute()
    out["views"] = r.hgetall("views")

    # optimistic transaction with retry
    r.set("balance", 100)

    def withdraw(p: redis.client.Pipeline) -> None:
        balance = int(p.get("balance"))
        p.multi()
        p.set("balance", balance - 30)

    r.transaction(withdraw, "balance")
    out["balance"] = int(r.get("balance"))

    # a job queue drained by a worker thread blocked in BRPOP
    done: list = []
    worker_client = new_client()

    def worker() -> None:
        while True:
            item = worker_client.brpop(["jobs"], timeout=5)
            if item is None or item[1] == b"stop":
                return
            done.append(item[1])

    t = threading.Thread(target=worker)
    t.start()
    time.sleep(0.1)
    r.lpush("jobs", "a", "b", "c")
    r.lpush("jobs", "stop")
    t.join(10)
    out["jobs_done"] = done

    # pub/sub notification between two clients
    listener = new_client().pubsub()
    listener.subscribe("events")
    assert listener.get_message(timeout=2)["type"] == "subscribe"
    out["receivers"] = r.publish("events", "deployed")
    msg = listener.get_message(timeout=2)
    out["message"] = (msg["channel"], msg["data"])
    listener.close()

    # a Lua rate limiter: 3 calls allowed per window
    limiter = r.register_script(RATE_LIMIT)
    out["allowed"] = [limiter(keys=["rate:ann"], args=[3, 10000]) for _ in range(5)]

    # a leaderboard
    r.zadd("board", {"ann": 30, "bob": 50, "cy": 40})
    r.zincrby("board", 25, "ann")
    out["top"] = r.zrevrange("board", 0, 1, withscores=True)

    # an event stream with a consumer group
    for kind in ("signup", "login"):
        r.xadd("audit", {"kind": kind})
    r.xgroup_create("audit", "auditors", id="0")
    batch = r.xreadgroup("auditors", "w1", {"audit": ">"}, count=10)
    out["audited"] = [fields[b"kind"] for _, fields in batch[0][1]]
    out["acked"] = r.xack("audit", "auditors", *[entry_id for entry_id, _ in batch[0][1]])
    return out


EXPECTED = {
    "cached": b'{"name": "ann"}',
    "ttl_ok": True,
    "views": {b"home": b"2", b"about": b"1"},
    "balance": 70,
    "jobs_done": [b"a", b"b", b"c"],
    "receivers": 1,
    "message": (b"events", b"deployed"),
    "allowed": [1, 1, 1, 0, 0],
    "top": [(b"ann", 55.0), (b"bob", 50.0)],
    "audited": [b"signup", b"login"],
    "acked": 2,
}


def test_application_runs_unchanged(r, client):
    assert application(r, client) == EXPECTED
