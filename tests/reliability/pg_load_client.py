"""The PostgreSQL load generator (a separate process): many concurrent psycopg AsyncConnections, each
with its own rows of `load_kv`, running a mixed read/write workload until a deadline (or, with
--agents, --ops small statements once). Connections the server refuses are counted, not retried.
Prints one JSON line.

    python pg_load_client.py CONNINFO --connections 200 --seconds 5 [--agents --ops 10]
    python pg_load_client.py CONNINFO --agents --tenant-users --first 2500 --connections 2500 --barrier --latencies

--tenant-users: agent n logs in (SCRAM) as user `agent-n`, a tenant of its own: database `postgres` is
its own database, where it creates its own table and checks afterwards it holds only its own rows.
--first/--barrier/--latencies: one client of a fleet (load_client.py, support.run_load_fleet).
--skip-schema: the caller created load_kv already (a fleet's clients would race to create it).
--concurrent K (with --tenant-users): K agents connected at a time, each connecting, working, checking
and disconnecting in turn, instead of all connected at once.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import time

import psycopg

try:  # run as a script, from this folder
    from load_client import add_fleet_args, fleet_fields, in_turn, tenant_password, tenant_user, wait_for_go
except ModuleNotFoundError:  # imported by the tests, as a module of their package (for SCHEMA)
    from .load_client import add_fleet_args, fleet_fields, in_turn, tenant_password, tenant_user, wait_for_go

CONNECT_BATCH = 50

# psycopg wakes every waiting AsyncConnection each 0.1 s (to notice Ctrl-C) and re-arms its reader:
# with thousands of connections waiting on a busy server, that timer churn made this client the
# bottleneck (four clients at 36% CPU each for 2,500 connections, the server at 26%). One wake-up a
# minute keeps the interrupt check and frees the client to measure the server.
psycopg.AsyncConnection.wait.__defaults__ = (60.0, None)
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


TENANT_SCHEMA = "CREATE TABLE IF NOT EXISTS agent_memory (k text PRIMARY KEY, v text, n int NOT NULL DEFAULT 0)"


async def tenant_agent(conn: psycopg.AsyncConnection, n: int, ops: int, res: Results) -> None:
    """An agent in a database of its own: the same table and row names in every tenant."""
    for j in range(ops):
        step = j % 5
        if step == 0:
            async def go():
                await conn.execute("INSERT INTO agent_memory (k, v) VALUES ('note', %s) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
                                   (f"agent-{n} thought {j}",))
        elif step == 1:
            async def go():
                await (await conn.execute("SELECT v FROM agent_memory WHERE k = 'note'")).fetchone()
        elif step == 2:
            async def go():
                await conn.execute("INSERT INTO agent_memory (k, n) VALUES ('steps', 1) ON CONFLICT (k) DO UPDATE SET n = agent_memory.n + 1")
        elif step == 3:
            async def go():
                await conn.execute("INSERT INTO agent_memory (k, v) VALUES (%s, %s)", (f"k{j}", str(j)))
        else:
            async def go():
                await (await conn.execute("SELECT k, v, n FROM agent_memory ORDER BY k")).fetchall()
        await timed(res, go)


async def tenant_sees_only_its_own(conn: psycopg.AsyncConnection, n: int, ops: int) -> bool:
    """Its database holds exactly its own rows: its last note, its step count, its memories."""
    rows = await (await conn.execute("SELECT k, v, n FROM agent_memory ORDER BY k")).fetchall()
    want: dict[str, tuple] = {}
    for j in range(ops):
        if j % 5 == 0:
            want["note"] = (f"agent-{n} thought {j}", 0)
        elif j % 5 == 2:
            want["steps"] = (None, want.get("steps", (None, 0))[1] + 1)
        elif j % 5 == 3:
            want[f"k{j}"] = (str(j), 0)
    return {k: (v, c) for k, v, c in rows} == want


async def tenants_in_turn(args: argparse.Namespace, res: Results, connect) -> dict:
    """--concurrent K: at most K agents connected at a time; each logs in, creates its table, runs its
    statements, checks its rows and disconnects, and the next agent takes its place."""
    served = wrong = 0

    async def lifetime(n: int) -> None:
        nonlocal served, wrong
        got = await connect(n)
        if got is None:
            return
        conn = got[1]
        served += 1
        try:
            await tenant_agent(conn, n, args.ops, res)
            if not await tenant_sees_only_its_own(conn, n, args.ops):
                wrong += 1
        except Exception as e:
            res.errors += 1
            wrong += 1
            if len(res.error_samples) < 5:
                res.error_samples.append(f"checking: {type(e).__name__}: {e}")
        finally:
            await conn.close()

    elapsed, wall_started, wall_ended = await in_turn(args, lifetime)
    return report(args, res, served, wrong, elapsed, wall_started, wall_ended)


async def main(args: argparse.Namespace) -> dict:
    res = Results()
    if not args.skip_schema and not args.tenant_users:
        async with await psycopg.AsyncConnection.connect(args.conninfo, autocommit=True) as setup:
            await setup.execute(SCHEMA)

    async def one(n: int):
        login = {"user": tenant_user(n), "password": tenant_password(n)} if args.tenant_users else {}
        try:
            conn = await psycopg.AsyncConnection.connect(args.conninfo, autocommit=True, connect_timeout=60, **login)
        except Exception as e:
            res.refused += 1
            if len(res.refused_samples) < 3:
                res.refused_samples.append(f"{type(e).__name__}: {str(e).strip()[:200]}")
            return None
        if args.tenant_users:
            try:
                await conn.execute(TENANT_SCHEMA)
            except Exception as e:
                res.errors += 1
                if len(res.error_samples) < 5:
                    res.error_samples.append(f"creating its table: {type(e).__name__}: {e}")
                await conn.close()
                return None
        return n, conn

    if args.concurrent:
        return await tenants_in_turn(args, res, one)
    conns = []
    for start in range(args.first, args.first + args.connections, CONNECT_BATCH):
        got = await asyncio.gather(*(one(n) for n in range(start, min(start + CONNECT_BATCH, args.first + args.connections))))
        conns.extend(c for c in got if c is not None)
    if args.barrier:
        await wait_for_go(len(conns))
    wall_started = time.time()
    started = time.monotonic()
    if args.tenant_users:
        await asyncio.gather(*(tenant_agent(c, n, args.ops, res) for n, c in conns))
    else:
        deadline = None if args.agents else started + args.seconds
        await asyncio.gather(*(mixed(c, n, deadline, args.ops, res) for n, c in conns))
    elapsed = time.monotonic() - started
    wall_ended = time.time()
    wrong = 0
    if args.tenant_users:
        async def check(n: int, c: psycopg.AsyncConnection) -> bool:
            try:
                return await tenant_sees_only_its_own(c, n, args.ops)
            except Exception as e:
                res.errors += 1
                if len(res.error_samples) < 5:
                    res.error_samples.append(f"checking: {type(e).__name__}: {e}")
                return False
        wrong = (await asyncio.gather(*(check(n, c) for n, c in conns))).count(False)
    await asyncio.gather(*(c.close() for _, c in conns), return_exceptions=True)
    return report(args, res, len(conns), wrong, elapsed, wall_started, wall_ended)


def report(args: argparse.Namespace, res: Results, connections: int, wrong: int, elapsed: float,
           wall_started: float, wall_ended: float) -> dict:
    lat = sorted(res.latencies)
    pick = lambda p: round(lat[min(len(lat) - 1, int(len(lat) * p))] * 1000, 3) if lat else None  # noqa: E731
    return {"connections": connections, "connect_errors": res.refused, "connect_samples": res.refused_samples,
            "ops": len(lat), "errors": res.errors, "error_samples": res.error_samples, "seconds": round(elapsed, 2),
            "ops_per_s": round(len(lat) / elapsed) if elapsed else None,
            "p50_ms": pick(0.5), "p99_ms": pick(0.99), "max_ms": pick(1.0), "wrong_agents": wrong,
            **fleet_fields(args, res, wall_started, wall_ended)}


def cli() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("conninfo")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--agents", action="store_true")
    parser.add_argument("--ops", type=int, default=10)
    parser.add_argument("--tenant-users", action="store_true", help="agent n logs in as user agent-n, a tenant of its own")
    parser.add_argument("--skip-schema", action="store_true", help="load_kv exists already")
    parser.add_argument("--concurrent", type=int, default=0,
                        help="with --tenant-users: at most this many agents connected at once, each in turn")
    add_fleet_args(parser)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(json.dumps(asyncio.run(main(args))), flush=True)


if __name__ == "__main__":
    cli()
