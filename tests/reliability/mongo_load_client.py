"""The MongoDB load generator (a separate process): one pymongo AsyncMongoClient whose pool holds
--connections sockets, with as many concurrent tasks, each with its own documents, running a mixed
read/write workload until a deadline. With --agents each task is an agent with a database of its
own (a namespace on the server: tenants over the wire) doing --ops small operations once.
Prints one JSON line.

    python mongo_load_client.py URL --connections 200 --seconds 5 [--agents --ops 5]
    python mongo_load_client.py URL --agents --tenant-users --concurrent 250 --first 2500 --connections 2500

--tenant-users: agent n is a client of its own logged in (SCRAM-SHA-256) as user `agent-n`, a tenant
of its own, using database `memory` (the same name in every tenant); at most --concurrent agents are
connected at a time, each connecting, working, checking it sees only its own documents and databases,
and disconnecting in turn. --first/--barrier/--latencies: one client of a fleet (load_client.py).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import time

from pymongo import AsyncMongoClient

from load_client import (Results, add_fleet_args, fleet_fields, in_turn, raise_file_limit, summary,  # run from this
                         tenant_password, tenant_user, timed)  # folder

DOCS_PER_TASK = 20
COUNTERS = 8


async def mixed(client: AsyncMongoClient, n: int, deadline: float, res: Results) -> None:
    rng = random.Random(n)
    coll = client["load"]["docs"]
    counters = client["load"]["counters"]
    base = n * DOCS_PER_TASK
    while time.monotonic() < deadline:
        doc = base + rng.randrange(DOCS_PER_TASK)
        op = rng.random()
        if op < 0.4:
            async def go():
                await coll.find_one({"_id": doc})
        elif op < 0.7:
            async def go():
                await coll.update_one({"_id": doc}, {"$set": {"v": f"value {rng.random()}"}}, upsert=True)
        elif op < 0.9:
            async def go():
                await counters.update_one({"_id": rng.randrange(COUNTERS)}, {"$inc": {"n": 1}}, upsert=True)
                res.incrs += 1
        else:
            async def go():
                await coll.find({"_id": {"$gte": base, "$lt": base + DOCS_PER_TASK}}).to_list(None)
        await timed(res, go())


async def agent(db, n: int, ops: int, res: Results) -> None:
    for j in range(ops):
        step = j % 5
        if step == 0:
            async def go():
                await db.notes.insert_one({"_id": j, "thought": f"agent-{n} step {j}"})
        elif step == 1:
            async def go():
                assert await db.notes.find_one({"_id": 0}) is not None
        elif step == 2:
            async def go():
                await db.state.update_one({"_id": "steps"}, {"$inc": {"n": 1}}, upsert=True)
        elif step == 3:
            async def go():
                await db.memory.update_one({"_id": "m"}, {"$set": {f"k{j}": j}}, upsert=True)
        else:
            async def go():
                await db.memory.find_one({"_id": "m"})
        await timed(res, go())


async def sees_only_its_own(client: AsyncMongoClient, db, n: int, ops: int) -> bool:
    """Its notes are exactly its own, its step count is its own, and it sees no other database."""
    notes = await db.notes.find().sort("_id").to_list(None)
    if notes != [{"_id": j, "thought": f"agent-{n} step {j}"} for j in range(0, ops, 5)]:
        return False
    steps = await db.state.find_one({"_id": "steps"})
    if (steps or {}).get("n", 0) != sum(1 for j in range(ops) if j % 5 == 2):
        return False
    return await client.list_database_names() == [db.name]


async def tenants_in_turn(args: argparse.Namespace, res: Results) -> dict:
    served = wrong = 0

    async def lifetime(n: int) -> None:
        nonlocal served, wrong
        client = AsyncMongoClient(args.url, username=tenant_user(n), password=tenant_password(n),
                                  authMechanism="SCRAM-SHA-256", maxPoolSize=1, serverSelectionTimeoutMS=120_000,
                                  socketTimeoutMS=900_000, connectTimeoutMS=120_000)
        try:
            db = client["memory"]
            await db.notes.find_one({"_id": -1})  # logs in
            served += 1
        except Exception as e:
            res.error(e, connecting=True)
            await client.close()
            return
        try:
            await agent(db, n, args.ops, res)
            if not await sees_only_its_own(client, db, n, args.ops):
                wrong += 1
        except Exception as e:
            res.error(e)
            wrong += 1
        finally:
            await client.close()

    elapsed, wall_started, wall_ended = await in_turn(args, lifetime)
    return {"connections": served, "connect_errors": res.connect_errors, "connect_samples": res.connect_samples,
            **summary(res, elapsed), "wrong_agents": wrong, **fleet_fields(args, res, wall_started, wall_ended)}


async def main(args: argparse.Namespace) -> dict:
    res = Results()
    if args.tenant_users:
        return await tenants_in_turn(args, res)
    # maxConnecting: pymongo opens 2 sockets at a time by default, which starves thousands of agents.
    client = AsyncMongoClient(args.url, maxPoolSize=args.connections, minPoolSize=0, maxConnecting=64,
                              waitQueueTimeoutMS=900_000, serverSelectionTimeoutMS=30_000, socketTimeoutMS=900_000)
    await client.admin.command("ping")
    started = time.monotonic()
    if args.agents:
        await asyncio.gather(*(agent(client[f"agent-{n}"], n, args.ops, res) for n in range(args.connections)))
    else:
        deadline = started + args.seconds
        await asyncio.gather(*(mixed(client, n, deadline, res) for n in range(args.connections)))
    elapsed = time.monotonic() - started
    counter_sum = 0
    if not args.agents:
        async for c in client["load"]["counters"].find():
            counter_sum += c["n"]
    wrong = 0
    if args.agents:  # every agent sees its own writes, and only its own databases' documents
        for n in range(0, args.connections, max(1, args.connections // 200)):
            db = client[f"agent-{n}"]
            if await db.notes.count_documents({}) != len(range(0, args.ops, 5)):
                wrong += 1
    await client.close()
    return {"connections": args.connections, **summary(res, elapsed), "counter_sum": counter_sum, "wrong_agents": wrong}


def cli() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--agents", action="store_true")
    parser.add_argument("--ops", type=int, default=5)
    parser.add_argument("--tenant-users", action="store_true", help="agent n logs in as user agent-n, a tenant of its own")
    parser.add_argument("--concurrent", type=int, default=250, help="with --tenant-users: agents connected at a time")
    add_fleet_args(parser)
    args = parser.parse_args()
    raise_file_limit()
    print(json.dumps(asyncio.run(main(args))), flush=True)


if __name__ == "__main__":
    cli()
