"""Crash consistency: a real process writes through the genuine client and logs each acknowledgement;
we SIGKILL it at a random moment, start a fresh `dotdo serve` on the same directory (a new process:
SQLite recovers the WAL there) and check, through the genuine client over the wire:

- every acknowledged write is present with its value;
- nothing unacknowledged is present except the one operation that was in flight;
- no transaction is half-applied (a MULTI/EXEC or SQL transaction: all of it or none of it);
- the server starts cleanly on the directory after every kill.

Processes are forked from a multiprocessing forkserver that has already imported the drop-ins, so
a kill costs milliseconds of start-up rather than a second of imports.

Fast tier: 20 kills per drop-in. Long tier (--long): DOTDO_CRASH_KILLS per drop-in (default 1000)."""
from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import pymongo
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from . import crash_writers as writers

FAST_KILLS = 20
MAX_DELAY = 0.25  # a kill lands uniformly within this many seconds of the writer's first write


def long_kills() -> int:
    return int(os.environ.get("DOTDO_CRASH_KILLS", "1000"))


def wait_for_line(path: Path, needle: str, proc, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_text().splitlines():
                if needle in line:
                    return line
                if line.startswith("error "):
                    raise AssertionError(f"writer failed by itself: {line}")
        if not proc.is_alive():
            raise AssertionError(f"process exited ({proc.exitcode}) before {needle!r}: {path.read_text() if path.exists() else ''}")
        time.sleep(0.005)
    raise TimeoutError(f"no {needle!r} in {path} after {timeout}s")


@contextlib.contextmanager
def served(ctx, protocol: str, data: str, out: Path) -> Iterator[int]:
    """A fresh `dotdo serve PROTOCOL` process on `data` (this is the reopen after a crash); yields its port."""
    proc = ctx.Process(target=writers.dotdo_serve, args=(protocol, data, str(out)))
    proc.start()
    try:
        line = wait_for_line(out, "listening on", proc)
        yield int(line.rsplit(":", 1)[1].split()[0])
    finally:
        proc.kill()
        proc.join()


def parse(lines: list[str]) -> dict[int, list[str]]:
    """{op number: [kind, *details]} from ack lines `kind i details...`."""
    acks = {}
    for line in lines:
        kind, *rest = line.split()
        if kind in ("ready",):
            continue
        assert kind != "error", line
        acks[int(rest[0])] = [kind, *rest[1:]]
    return acks


class Tally:
    """What must hold across kills: counters only move forward, by what was acknowledged."""

    def __init__(self) -> None:
        self.counter = 0
        self.kills = 0
        self.acked = 0


def kill_rounds(ctx, tmp: Path, kills: int, target: Callable, verify: Callable[[int, int, dict[int, list[str]]], None],
                protocol: str, data: str) -> None:
    rng = random.Random(os.environ.get("DOTDO_CRASH_SEED", "6"))
    for rnd in range(kills):
        ack_path = tmp / f"acks-{rnd}"
        proc = ctx.Process(target=target, args=(data, str(ack_path), rnd, rng.randrange(1 << 30)))
        proc.start()
        wait_for_line(ack_path, "ready", proc)
        time.sleep(rng.uniform(0, MAX_DELAY))
        proc.kill()
        proc.join()
        lines = ack_path.read_text().splitlines()
        assert proc.exitcode == -9, f"writer ended by itself ({proc.exitcode}): {lines[-3:]}"
        with served(ctx, protocol, data, tmp / f"serve-{rnd}") as port:
            verify(port, rnd, parse(lines))


def in_flight_only(present: set[int], acked: set[int], last: int, what: str) -> None:
    """Present but unacknowledged writes can only be the one operation in flight at the kill."""
    assert acked <= present, f"acknowledged {what} lost: {sorted(acked - present)[:10]}"
    assert present - acked <= {last + 1}, f"unacknowledged {what} present: {sorted(present - acked)[:10]} (last ack {last})"


# -- Redis ---------------------------------------------------------------------------------

def verify_redis(tally: Tally) -> Callable:
    def verify(port: int, rnd: int, acks: dict[int, list[str]]) -> None:
        r = redis.Redis(port=port, socket_timeout=10)
        last = max(acks, default=0)
        n = last + 1
        kinds = {i: a[0] for i, a in acks.items()}

        values = r.mget([f"s:{rnd}:{i}" for i in range(1, n + 1)])
        present = {i for i, v in enumerate(values, 1) if v is not None}
        for i in present:
            assert values[i - 1] == f"v{i}".encode()
        in_flight_only(present, {i for i, k in kinds.items() if k == "set"}, last, "SETs")

        counter = int(r.get("counter") or 0)
        incrs = [int(a[1]) for a in acks.values() if a[0] == "incr"]
        low = max(incrs, default=tally.counter)
        assert low <= counter <= low + 1, f"INCR counter {counter}, last acknowledged {low}"
        tally.counter = counter

        ids = {e[0].decode(): int(e[1][b"i"]) for e in r.xrange(f"x:{rnd}")}
        acked_ids = {a[1]: i for i, a in acks.items() if a[0] == "xadd"}
        for entry_id, i in acked_ids.items():
            assert ids.get(entry_id) == i, f"acknowledged XADD {entry_id} lost"
        in_flight_only(set(ids.values()), set(acked_ids.values()), last, "XADDs")

        committed = set()
        firsts = r.mget([f"t:{rnd}:{i}:1" for i in range(1, n + 1)])
        candidates = [i for i, v in enumerate(firsts, 1) if v is not None or i == n]
        with r.pipeline(transaction=False) as p:
            for i in candidates:
                p.mget([f"t:{rnd}:{i}:{k}" for k in range(1, 201)])
            groups = p.execute()
        for i, vals in zip(candidates, groups):
            width = 200 if vals[-1] is not None else writers.MULTI_KEYS
            head, tail = vals[:width], vals[width:]
            assert all(v is None for v in tail)
            if any(v is not None for v in head):
                assert all(v == str(i).encode() for v in head), f"MULTI {i} half-applied: {head[:10]}"
                committed.add(i)
        multis = {i for i, k in kinds.items() if k == "multi"}
        in_flight_only(committed, multis, last, "MULTI/EXEC transactions")
        assert int(r.get(f"tcount:{rnd}") or 0) == len(committed), "MULTI's INCR and its MSET committed apart"
        assert r.ping()
        r.close()
        tally.kills += 1
        tally.acked += len(acks)
    return verify


def run_redis_inprocess(ctx, tmp: Path, kills: int) -> Tally:
    tally = Tally()
    kill_rounds(ctx, tmp, kills, writers.redis_inprocess, verify_redis(tally), "redis", str(tmp / "data"))
    return tally


def run_redis_served(ctx, tmp: Path, kills: int) -> Tally:
    """The killed process is `dotdo serve redis`; the genuine client here writes to it over TCP."""
    tally = Tally()
    verify = verify_redis(tally)
    data = str(tmp / "data")
    rng = random.Random(os.environ.get("DOTDO_CRASH_SEED", "6"))
    for rnd in range(kills):
        out = tmp / f"server-{rnd}"
        server = ctx.Process(target=writers.dotdo_serve, args=("redis", data, str(out)))
        server.start()
        port = int(wait_for_line(out, "listening on", server).rsplit(":", 1)[1].split()[0])
        acks: list[str] = []
        # No retries: a command re-sent after the kill must fail, not reach the next server.
        r = redis.Redis(port=port, socket_timeout=10, retry=Retry(NoBackoff(), 0))
        r.ping()
        killer = threading.Timer(rng.uniform(0, MAX_DELAY), server.kill)
        killer.start()
        with pytest.raises(redis.ConnectionError):
            writers.redis_workload(r, rnd, rng.randrange(1 << 30), acks.append)
        killer.join()
        server.join()
        r.close()
        assert server.exitcode == -9
        with served(ctx, "redis", data, tmp / f"serve-{rnd}") as vport:
            verify(vport, rnd, parse(acks))
    return tally


# -- PostgreSQL -------------------------------------------------------------------------------

def postgres_ready(ctx, tmp: Path) -> str:
    psycopg = pytest.importorskip("psycopg")
    data = str(tmp / "data")
    with served(ctx, "postgres", data, tmp / "serve-setup") as port:
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", sslmode="disable", autocommit=True) as c:
            for sql in writers.POSTGRES_SCHEMA:
                c.execute(sql)
    return data


def verify_postgres(tally: Tally) -> Callable:
    import psycopg

    def verify(port: int, rnd: int, acks: dict[int, list[str]]) -> None:
        last = max(acks, default=0)
        by_kind = lambda kind: {i for i, a in acks.items() if a[0] == kind}  # noqa: E731
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", sslmode="disable", autocommit=True) as c:
            bal = dict(c.execute("SELECT id, bal FROM acct").fetchall())
            ledger = c.execute("SELECT count(*) FROM ledger").fetchone()[0]
            assert bal[1] + bal[2] == 0 and bal[2] == ledger, f"transfer half-applied: balances {bal}, ledger rows {ledger}"
            transfers = {i for (i,) in c.execute("SELECT i FROM ledger WHERE rnd = %s", (rnd,))}
            in_flight_only(transfers, by_kind("transfer"), last, "transfers")
            parts = c.execute("SELECT i, count(*), min(v), max(v) FROM parts WHERE rnd = %s GROUP BY i", (rnd,)).fetchall()
            for i, count, lo, hi in parts:
                assert count == writers.MULTI_KEYS and lo == hi == f"v{i}", f"transaction {i} half-applied: {count} rows"
            in_flight_only({p[0] for p in parts}, by_kind("parts"), last, "multi-row transactions")
            singles = {i for (i,) in c.execute("SELECT i FROM singles WHERE rnd = %s", (rnd,))}
            in_flight_only(singles, by_kind("single"), last, "single INSERTs")
        tally.kills += 1
        tally.acked += len(acks)
    return verify


def run_postgres(ctx, tmp: Path, kills: int) -> Tally:
    tally = Tally()
    data = postgres_ready(ctx, tmp)
    kill_rounds(ctx, tmp, kills, writers.postgres_writer, verify_postgres(tally), "postgres", data)
    return tally


# -- MongoDB -----------------------------------------------------------------------------------

def verify_mongo(tally: Tally) -> Callable:
    def verify(port: int, rnd: int, acks: dict[int, list[str]]) -> None:
        last = max(acks, default=0)
        client = pymongo.MongoClient("127.0.0.1", port, directConnection=True, serverSelectionTimeoutMS=10000)
        try:
            docs = [d["_id"] for d in client.crash.docs.find({"rnd": rnd}, {"_id": 1})]
            singles = {int(d.split(":")[1]) for d in docs if d.count(":") == 1}
            many: dict[int, set[int]] = {}
            for d in docs:
                if d.count(":") == 2:
                    _, i, k = d.split(":")
                    many.setdefault(int(i), set()).add(int(k))
            in_flight_only(singles, {i for i, a in acks.items() if a[0] == "insert"}, last, "insert_one documents")
            acked_many = {i for i, a in acks.items() if a[0] == "many"}
            for i, ks in many.items():
                want = set(range(1, writers.MULTI_KEYS + 1))
                # insert_many is ordered: an interrupted batch can only have stored a prefix.
                assert ks == want or (i == last + 1 and ks == set(range(1, len(ks) + 1))), f"insert_many {i} stored {sorted(ks)}"
            in_flight_only(set(many), acked_many, last, "insert_many batches")
            txns: dict[int, set[int]] = {}
            for d in client.crash.tx.find({"rnd": rnd}, {"_id": 1}):
                _, i, k = d["_id"].split(":")
                txns.setdefault(int(i), set()).add(int(k))
            for i, ks in txns.items():
                assert ks == set(range(1, writers.MULTI_KEYS + 1)), f"transaction {i} half-applied: {sorted(ks)}"
            in_flight_only(set(txns), {i for i, a in acks.items() if a[0] == "txn"}, last, "transactions")
            state = client.crash.state.find_one({"_id": "multi"}) or {"n": 0}
            values = {state.get(f) for f in writers.MONGO_FIELDS}
            assert len(values) == 1, f"one document's update half-applied: {state}"
            ns = [int(a[1]) for a in acks.values() if a[0] == "update"]
            low = max(ns, default=tally.counter)
            assert low <= state["n"] <= low + 1, f"$inc counter {state['n']}, last acknowledged {low}"
            tally.counter = state["n"]
        finally:
            client.close()
        tally.kills += 1
        tally.acked += len(acks)
    return verify


def run_mongo(ctx, tmp: Path, kills: int) -> Tally:
    tally = Tally()
    kill_rounds(ctx, tmp, kills, writers.mongo_writer, verify_mongo(tally), "mongo", str(tmp / "data"))
    return tally


# -- the tests -----------------------------------------------------------------------------------

DROP_INS = {
    "redis-in-process": run_redis_inprocess,
    "redis-dotdo-serve": run_redis_served,
    "postgres": run_postgres,
    "mongo": run_mongo,
}


@pytest.mark.parametrize("drop_in", list(DROP_INS))
def test_no_acknowledged_write_lost_and_no_transaction_half_applied_across_kills(forkserver, tmp_path, drop_in):
    tally = DROP_INS[drop_in](forkserver, tmp_path, FAST_KILLS)
    assert tally.kills == FAST_KILLS
    print(f"{drop_in}: {tally.kills} kills survived, {tally.acked} acknowledged writes checked")


@pytest.mark.slow
@pytest.mark.timeout(0)
@pytest.mark.parametrize("drop_in", list(DROP_INS))
def test_crash_long_tier(forkserver, tmp_path, drop_in):
    kills = long_kills()
    started = time.monotonic()
    tally = DROP_INS[drop_in](forkserver, tmp_path, kills)
    assert tally.kills == kills
    print(f"{drop_in}: {tally.kills} kills survived, {tally.acked} acknowledged writes checked, "
          f"{time.monotonic() - started:.0f} s")
