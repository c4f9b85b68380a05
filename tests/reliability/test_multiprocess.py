"""Four processes on one data directory, each through the genuine client: counters sum exactly, no
update is lost under WATCH/MULTI optimistic retries, a BLPOP work queue hands each job to exactly one
of four worker processes; Postgres and Mongo counters from four processes sum exactly too.

Fast tier: a few hundred operations per process. Long tier (--long): ten times as many."""
from __future__ import annotations

import pytest

from dotdo_redis import Redis

from . import mp_workers
from .support import record

PROCESSES = 4
FAST_OPS = 200
LONG_OPS = 2000


def run_all(ctx, target, args_for) -> dict[int, object]:
    q = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args_for(w), q)) for w in range(PROCESSES)]
    for p in procs:
        p.start()
    results = dict(q.get(timeout=600) for _ in procs)
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    for w, res in results.items():
        assert not (isinstance(res, str) and res.startswith("error ")), res
    assert len({*(p.pid for p in procs)}) == PROCESSES
    return results


def counters_sum_exactly(ctx, tmp_path, n: int) -> None:
    data = str(tmp_path / "data")
    run_all(ctx, mp_workers.redis_counters, lambda w: (data, w, n))
    r = Redis(data=data)
    total = PROCESSES * n
    assert int(r.get("counter")) == total
    assert int(r.get("counter2")) == 2 * total
    assert int(r.hget("hash", "field")) == total
    assert r.llen("log") == total
    assert r.scard("members") == total


def watch_loses_no_update(ctx, tmp_path, n: int) -> None:
    data = str(tmp_path / "data")
    retries = run_all(ctx, mp_workers.redis_watch, lambda w: (data, w, n))
    r = Redis(data=data)
    total = PROCESSES * n
    assert int(r.get("balance")) == total, "an update was lost under WATCH/MULTI"
    applied = [x.decode() for x in r.lrange("applied", 0, -1)]
    assert sorted(applied) == sorted(f"{w}:{i}" for w in range(PROCESSES) for i in range(n))
    record("multiprocess WATCH", f"{PROCESSES} processes x {n} read-modify-writes, {sum(retries.values())} optimistic retries, none lost")


def queue_delivers_each_job_once(ctx, tmp_path, jobs: int) -> None:
    data = str(tmp_path / "data")
    r = Redis(data=data)
    q = ctx.Queue()
    procs = [ctx.Process(target=mp_workers.redis_queue_worker, args=(data, w, q)) for w in range(PROCESSES)]
    for p in procs:
        p.start()
    # The workers are blocked (or about to block) in BLPOP while the jobs arrive in batches.
    for start in range(0, jobs, 50):
        r.rpush("jobs", *[f"job-{i}" for i in range(start, min(jobs, start + 50))])
    r.rpush("jobs", *["stop"] * PROCESSES)
    results = dict(q.get(timeout=300) for _ in procs)
    for p in procs:
        p.join(30)
    taken = []
    for w, got in results.items():
        assert not isinstance(got, str), got
        taken.extend(got)
    assert len(taken) == jobs and set(taken) == {f"job-{i}" for i in range(jobs)}, "a job was lost or delivered twice"
    assert r.llen("done") == jobs and r.llen("jobs") == 0
    record("multiprocess BLPOP", f"{jobs} jobs over {PROCESSES} processes, split {[len(results[w]) for w in sorted(results)]}, each once")


def test_incr_from_four_processes_sums_exactly(forkserver, tmp_path):
    counters_sum_exactly(forkserver, tmp_path, FAST_OPS)


def test_watch_multi_retries_lose_no_update_across_four_processes(forkserver, tmp_path):
    watch_loses_no_update(forkserver, tmp_path, FAST_OPS // 2)


def test_blpop_queue_delivers_each_job_exactly_once_across_four_processes(forkserver, tmp_path):
    queue_delivers_each_job_once(forkserver, tmp_path, 1000)


def test_postgres_counters_from_four_processes_sum_exactly(forkserver, tmp_path):
    from dotdo_postgres import connect
    data = str(tmp_path / "data")
    with connect(data=data, autocommit=True) as conn:
        conn.execute("CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)")
        conn.execute("CREATE TABLE seen (w int, i int, PRIMARY KEY (w, i))")
        conn.execute("INSERT INTO counters VALUES (1, 0), (2, 0)")
    run_all(forkserver, mp_workers.postgres_counters, lambda w: (data, w, FAST_OPS))
    with connect(data=data, autocommit=True) as conn:
        total = PROCESSES * FAST_OPS
        assert conn.execute("SELECT id, n FROM counters ORDER BY id").fetchall() == [(1, total), (2, total)]
        assert conn.execute("SELECT count(*) FROM seen").fetchone()[0] == total


def test_mongo_counters_from_four_processes_sum_exactly(forkserver, tmp_path):
    from dotdo_mongo import MongoClient
    data = str(tmp_path / "data")
    run_all(forkserver, mp_workers.mongo_counters, lambda w: (data, w, FAST_OPS))
    client = MongoClient(f"dotdo://{data}")
    total = PROCESSES * FAST_OPS
    assert client.mp.counters.find_one({"_id": "c"})["n"] == total
    assert client.mp.seen.count_documents({}) == total
    client.close()


def test_mongo_transactions_from_four_processes_keep_the_total_and_apply_once(forkserver, tmp_path):
    from dotdo_mongo import MongoClient
    data = str(tmp_path / "data")
    client = MongoClient(f"dotdo://{data}")
    client.mp.accounts.insert_many([{"_id": a, "balance": 1000} for a in range(PROCESSES)])
    n = FAST_OPS // 4
    run_all(forkserver, mp_workers.mongo_transfers, lambda w: (data, w, n))
    balances = [d["balance"] for d in client.mp.accounts.find().sort("_id", 1)]
    assert balances == [1000] * PROCESSES  # each account sent n and received n: nothing lost or doubled
    assert client.mp.ledger.count_documents({}) == PROCESSES * n
    client.close()


@pytest.mark.slow
@pytest.mark.timeout(0)
def test_multiprocess_long_tier(forkserver, tmp_path):
    counters_sum_exactly(forkserver, tmp_path / "counters", LONG_OPS)
    watch_loses_no_update(forkserver, tmp_path / "watch", LONG_OPS // 2)
    queue_delivers_each_job_once(forkserver, tmp_path / "queue", 10 * 1000)
