"""The load generator test_load.py and test_agent_scale.py run as a separate process: many concurrent
connections of the genuine asyncio redis-py client against one server, loopback only, bounded in
time or in operations. Prints one JSON line of results.

    python load_client.py URL --connections 200 --seconds 5 --prefix p: [--agents --ops 10]
    python load_client.py URL --agents --tenant-users --first 2500 --connections 2500 --barrier --latencies

mixed:   every connection loops until the deadline over a mixed read/write workload on its own keys
         and a few shared ones (GET/SET/INCR/HSET/HGET/LPUSH+LTRIM/MGET).
agents:  every connection is an agent with its own key prefix doing --ops small reads and writes, once,
         then checks it reads back exactly its own writes.
--tenant-users: agent n logs in as user `agent-n` (password `tenant_password(n)`), a tenant of its
         own on a served data directory: its keys carry no prefix, so every tenant writes the same key
         names and only the server's isolation keeps them apart; it also checks DBSIZE.

Several clients form one fleet (support.run_load_fleet): --first numbers this client's agents from
there, --barrier says when all are connected and waits for a line on stdin before the operations,
--latencies adds every latency so the fleet's percentiles are computed over all of them.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import time

import redis.asyncio as aioredis
from redis.backoff import NoBackoff
from redis.retry import Retry

CONNECT_BATCH = 50  # concurrent connects at once: the listen backlog is finite on both servers


class Results:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.error_samples: list[str] = []
        self.connect_errors = 0
        self.connect_samples: list[str] = []
        self.incrs = 0  # acknowledged INCRs of the shared counters: their sum must match afterwards

    def error(self, e: BaseException, connecting: bool = False) -> None:
        if connecting:
            self.connect_errors += 1
            samples = self.connect_samples
        else:
            self.errors += 1
            samples = self.error_samples
        if len(samples) < 5:
            samples.append(f"{type(e).__name__}: {e}")


async def timed(res: Results, coro) -> object:
    started = time.perf_counter()
    try:
        out = await coro
    except Exception as e:  # every failure is a result to report, not a reason to stop the others
        res.error(e)
        return None
    res.latencies.append(time.perf_counter() - started)
    return out


async def mixed(client: aioredis.Redis, n: int, prefix: str, deadline: float, res: Results) -> None:
    rng = random.Random(n)
    own = f"{prefix}{n}:"
    while time.monotonic() < deadline:
        k = rng.randrange(50)
        op = rng.random()
        if op < 0.35:
            await timed(res, client.get(f"{own}s{k}"))
        elif op < 0.6:
            await timed(res, client.set(f"{own}s{k}", f"value-{k}-{rng.random()}"))
        elif op < 0.7:
            if await timed(res, client.incr(f"{prefix}shared:counter:{k % 8}")) is not None:
                res.incrs += 1
        elif op < 0.8:
            await timed(res, client.hset(f"{own}h", f"f{k}", k))
        elif op < 0.87:
            await timed(res, client.hget(f"{own}h", f"f{k}"))
        elif op < 0.94:
            pipe = client.pipeline(transaction=False)
            pipe.lpush(f"{own}l", k)
            pipe.ltrim(f"{own}l", 0, 99)
            await timed(res, pipe.execute())
        else:
            await timed(res, client.mget([f"{own}s{j}" for j in range(k, k + 10)]))


def tenant_user(n: int) -> str:
    return f"agent-{n}"


def tenant_password(n: int) -> str:
    return f"secret of agent {n}"


def agent_writes(ops: int) -> tuple[int | None, int, int]:
    """What an agent doing `ops` steps leaves: the step of its last note, its INCR count, its key count."""
    notes = [j for j in range(ops) if j % 5 == 0]
    incrs = sum(1 for j in range(ops) if j % 5 == 2)
    keys = (1 if notes else 0) + (1 if incrs else 0) + (1 if any(j % 5 == 3 for j in range(ops)) else 0)
    return (notes[-1] if notes else None), incrs, keys


async def agent(client: aioredis.Redis, n: int, own: str, ops: int, res: Results) -> None:
    for j in range(ops):
        step = j % 5
        if step == 0:
            await timed(res, client.set(f"{own}note", f"agent-{n} thought {j}"))
        elif step == 1:
            await timed(res, client.get(f"{own}note"))
        elif step == 2:
            await timed(res, client.incr(f"{own}steps"))
        elif step == 3:
            await timed(res, client.hset(f"{own}memory", f"k{j}", j))
        else:
            await timed(res, client.hgetall(f"{own}memory"))


async def agent_sees_only_its_own(client: aioredis.Redis, n: int, own: str, ops: int, tenant: bool) -> bool:
    """Whether the agent reads back exactly its own writes: its last note, its own INCR count and (a
    tenant, whose keys are unprefixed) a key count of its own keys only."""
    last_note, incrs, keys = agent_writes(ops)
    note = await client.get(f"{own}note")
    if note != (None if last_note is None else f"agent-{n} thought {last_note}".encode()):
        return False
    if int(await client.get(f"{own}steps") or 0) != incrs:
        return False
    return not tenant or await client.dbsize() == keys


async def open_all(url: str, numbers: range, res: Results, tenant_users: bool = False) -> list[tuple[int, aioredis.Redis]]:
    """One connection per agent number, pinged (and logged in as the agent's user with tenant_users)."""
    clients: list[tuple[int, aioredis.Redis]] = []

    async def one(n: int) -> tuple[int, aioredis.Redis] | None:
        login = {"username": tenant_user(n), "password": tenant_password(n)} if tenant_users else {}
        client = aioredis.Redis.from_url(url, single_connection_client=True, socket_timeout=120,
                                         socket_connect_timeout=60, retry=Retry(NoBackoff(), 0), **login)
        try:
            await client.ping()
            return n, client
        except Exception as e:
            res.error(e, connecting=True)
            await client.aclose()
            return None

    for start in range(numbers.start, numbers.stop, CONNECT_BATCH):
        batch = await asyncio.gather(*(one(n) for n in range(start, min(start + CONNECT_BATCH, numbers.stop))))
        clients.extend(c for c in batch if c is not None)
    return clients


async def wait_for_go(connected: int) -> None:
    """Say how many connected, then wait for the fleet's go (a line on stdin)."""
    print(json.dumps({"connected": connected}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


def fleet_fields(args: argparse.Namespace, res: Results, wall_started: float, wall_ended: float) -> dict:
    """What support.run_load_fleet merges: the wall-clock window of the operations, and the latencies."""
    out = {"wall_started": wall_started, "wall_ended": wall_ended}
    if args.latencies:
        out["latencies_ms"] = [round(x * 1000, 3) for x in res.latencies]
    return out


async def in_turn(args: argparse.Namespace, lifetime) -> tuple[float, float, float]:
    """Run `lifetime(n)` (an agent's whole life: connect, work, check, disconnect) for this client's
    agents, at most --concurrent at a time, after the fleet's go. Returns (elapsed, wall start, wall end)."""
    limit = asyncio.Semaphore(args.concurrent)

    async def one(n: int) -> None:
        async with limit:
            await lifetime(n)

    if args.barrier:
        await wait_for_go(0)
    wall_started = time.time()
    started = time.monotonic()
    await asyncio.gather(*(one(n) for n in range(args.first, args.first + args.connections)))
    return time.monotonic() - started, wall_started, time.time()


def add_fleet_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--first", type=int, default=0, help="number of this client's first agent")
    parser.add_argument("--barrier", action="store_true", help="after connecting, wait for a line on stdin")
    parser.add_argument("--latencies", action="store_true", help="print every latency too")


async def main(args: argparse.Namespace) -> dict:
    res = Results()
    numbers = range(args.first, args.first + args.connections)
    clients = await open_all(args.url, numbers, res, args.tenant_users)
    if args.barrier:
        await wait_for_go(len(clients))
    wall_started = time.time()
    started = time.monotonic()
    # A tenant's keys need no prefix: its namespace is its own.
    own = (lambda n: "") if args.tenant_users else (lambda n: f"{args.prefix}agent-{n}:")
    if args.agents:
        await asyncio.gather(*(agent(c, n, own(n), args.ops, res) for n, c in clients))
    else:
        deadline = started + args.seconds
        await asyncio.gather(*(mixed(c, n, args.prefix, deadline, res) for n, c in clients))
    elapsed = time.monotonic() - started
    wall_ended = time.time()
    wrong = 0
    if args.agents:
        async def check(n: int, c: aioredis.Redis) -> bool:
            try:
                return await agent_sees_only_its_own(c, n, own(n), args.ops, args.tenant_users)
            except Exception as e:
                res.error(e)
                return False
        seen = await asyncio.gather(*(check(n, c) for n, c in clients))
        wrong = seen.count(False)
    await asyncio.gather(*(c.aclose() for _, c in clients), return_exceptions=True)
    return {"connections": len(clients), "connect_errors": res.connect_errors, "connect_samples": res.connect_samples,
            **summary(res, elapsed), "wrong_agents": wrong, **fleet_fields(args, res, wall_started, wall_ended)}


def summary(res: Results, elapsed: float) -> dict:
    """Operation count, errors, throughput and latency percentiles of a run (shared by the load clients)."""
    lat = sorted(res.latencies)
    pick = lambda p: round(lat[min(len(lat) - 1, int(len(lat) * p))] * 1000, 3) if lat else None  # noqa: E731
    return {"ops": len(lat), "incrs": res.incrs, "errors": res.errors, "error_samples": res.error_samples,
            "seconds": round(elapsed, 2), "ops_per_s": round(len(lat) / elapsed) if elapsed else None,
            "p50_ms": pick(0.5), "p99_ms": pick(0.99), "max_ms": pick(1.0)}


def raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def cli() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--prefix", default="load:")
    parser.add_argument("--agents", action="store_true")
    parser.add_argument("--ops", type=int, default=10)
    parser.add_argument("--tenant-users", action="store_true", help="agent n logs in as user agent-n, a tenant of its own")
    add_fleet_args(parser)
    args = parser.parse_args()
    raise_file_limit()
    print(json.dumps(asyncio.run(main(args))), flush=True)


if __name__ == "__main__":
    cli()
