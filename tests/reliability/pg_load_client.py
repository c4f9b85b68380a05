"""The PostgreSQL load generator (a separate process): many concurrent psycopg AsyncConnections, each
with its own rows of `load_kv`, running a mixed read/write workload until a deadline (or, with
--agents, --ops small statements once). Connections the server refuses are counted, not retried.
Prints one JSON line.

    python pg_load_client.py CONNINFO --connections 200 --seconds 5 [--agents --ops 10]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import time

import psycopg

CONNECT_BATCH = 50
ROWS_PER_CONNECTION = 20

SCHEMA = "CREATE TABLE IF NOT EXISTS load_kv (id int PRIMARY KEY, v text NOT NULL, n int NOT NULL DEFAULT 0)"


class Results:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.error_samples: list[str] = []
        self.refused = 0
        self.refused_samples: list[str] = []


async def timed(res: Results, fn) -> None:
    started = time.perf_counter()
    try:
        await fn()
    except Exception as e:  # counted and reported; the other connections go on
        res.errors += 1
        if len(res.error_samples) < 5:
            res.error_samples.append(f"{type(e).__name__}: {e}")
        return
    res.latencies.append(time.perf_counter() - started)


async def mixed(conn: psycopg.AsyncConnection, n: int, deadline: float | None, ops: int, res: Results) -> None:
    rng = random.Random(n)
    base = n * ROWS_PER_CONNECTION
    done = 0
    while (deadline is not None and time.monotonic() < deadline) or (deadline is None and done < ops):
        done += 1
        row = base + rng.randrange(ROWS_PER_CONNECTION)
        op = rng.random()
        if op < 0.35:
            async def go():
                await (await conn.execute("SELECT v, n FROM load_kv WHERE id = %s", (row,))).fetchone()
        elif op < 0.6:
            async def go():
                await conn.execute("INSERT INTO load_kv (id, v) VALUES (%s, %s) ON CONFLICT (id) DO UPDATE SET v = excluded.v",
                                   (row, f"value {rng.random()}"))
        elif op < 0.85:
            async def go():
                await conn.execute("UPDATE load_kv SET n = n + 1 WHERE id = %s", (row,))
        else:
            async def go():
                async with conn.transaction():
                    await conn.execute("UPDATE load_kv SET n = n - 1 WHERE id = %s", (base,))
                    await conn.execute("UPDATE load_kv SET n = n + 1 WHERE id = %s", (base + 1,))
        await timed(res, go)


async def main(args: argparse.Namespace) -> dict:
    res = Results()
    async with await psycopg.AsyncConnection.connect(args.conninfo, autocommit=True) as setup:
        await setup.execute(SCHEMA)

    async def one():
        try:
            return await psycopg.AsyncConnection.connect(args.conninfo, autocommit=True, connect_timeout=30)
        except Exception as e:
            res.refused += 1
            if len(res.refused_samples) < 3:
                res.refused_samples.append(f"{type(e).__name__}: {str(e).strip()[:200]}")
            return None

    conns = []
    for start in range(0, args.connections, CONNECT_BATCH):
        got = await asyncio.gather(*(one() for _ in range(min(CONNECT_BATCH, args.connections - start))))
        conns.extend(c for c in got if c is not None)
    started = time.monotonic()
    deadline = None if args.agents else started + args.seconds
    await asyncio.gather(*(mixed(c, n, deadline, args.ops, res) for n, c in enumerate(conns)))
    elapsed = time.monotonic() - started
    await asyncio.gather(*(c.close() for c in conns), return_exceptions=True)
    lat = sorted(res.latencies)
    pick = lambda p: round(lat[min(len(lat) - 1, int(len(lat) * p))] * 1000, 3) if lat else None  # noqa: E731
    return {"connections": len(conns), "connect_errors": res.refused, "connect_samples": res.refused_samples,
            "ops": len(lat), "errors": res.errors, "error_samples": res.error_samples, "seconds": round(elapsed, 2),
            "ops_per_s": round(len(lat) / elapsed) if elapsed else None,
            "p50_ms": pick(0.5), "p99_ms": pick(0.99), "max_ms": pick(1.0)}


def cli() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("conninfo")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--agents", action="store_true")
    parser.add_argument("--ops", type=int, default=10)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(json.dumps(asyncio.run(main(args))), flush=True)


if __name__ == "__main__":
    cli()
