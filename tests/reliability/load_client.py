"""The load generator test_load.py and test_agent_scale.py run as a separate process: many concurrent
connections of the genuine asyncio redis-py client against one server, loopback only, bounded in
time or in operations. Prints one JSON line of results.

    python load_client.py URL --connections 200 --seconds 5 --prefix p: [--agents --ops 10]

mixed:  every connection loops until the deadline over a mixed read/write workload on its own keys
        and a few shared ones (GET/SET/INCR/HSET/HGET/LPUSH+LTRIM/MGET).
agents: every connection is an agent with its own key prefix doing --ops small reads and writes, once.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
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


async def agent(client: aioredis.Redis, n: int, prefix: str, ops: int, res: Results) -> None:
    own = f"{prefix}agent-{n}:"
    for j in range(ops):
        step = j % 5
        if step == 0:
            await timed(res, client.set(f"{own}note", f"thought {j}"))
        elif step == 1:
            await timed(res, client.get(f"{own}note"))
        elif step == 2:
            await timed(res, client.incr(f"{own}steps"))
        elif step == 3:
            await timed(res, client.hset(f"{own}memory", f"k{j}", j))
        else:
            await timed(res, client.hgetall(f"{own}memory"))


async def open_all(url: str, count: int, res: Results) -> list[aioredis.Redis]:
    clients: list[aioredis.Redis] = []

    async def one() -> aioredis.Redis | None:
        client = aioredis.Redis.from_url(url, single_connection_client=True, socket_timeout=30,
                                         socket_connect_timeout=30, retry=Retry(NoBackoff(), 0))
        try:
            await client.ping()
            return client
        except Exception as e:
            res.error(e, connecting=True)
            await client.aclose()
            return None

    for start in range(0, count, CONNECT_BATCH):
        batch = await asyncio.gather(*(one() for _ in range(min(CONNECT_BATCH, count - start))))
        clients.extend(c for c in batch if c is not None)
    return clients


async def main(args: argparse.Namespace) -> dict:
    res = Results()
    clients = await open_all(args.url, args.connections, res)
    started = time.monotonic()
    if args.agents:
        await asyncio.gather(*(agent(c, n, args.prefix, args.ops, res) for n, c in enumerate(clients)))
    else:
        deadline = started + args.seconds
        await asyncio.gather(*(mixed(c, n, args.prefix, deadline, res) for n, c in enumerate(clients)))
    elapsed = time.monotonic() - started
    await asyncio.gather(*(c.aclose() for c in clients), return_exceptions=True)
    return {"connections": len(clients), "connect_errors": res.connect_errors, "connect_samples": res.connect_samples,
            **summary(res, elapsed)}


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
    args = parser.parse_args()
    raise_file_limit()
    print(json.dumps(asyncio.run(main(args))), flush=True)


if __name__ == "__main__":
    cli()
