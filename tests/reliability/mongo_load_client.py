"""The MongoDB load generator (a separate process): one pymongo AsyncMongoClient whose pool holds
--connections sockets, with as many concurrent tasks, each with its own documents, running a mixed
read/write workload until a deadline. With --agents each task is an agent with a database of its
own (a namespace on the server: tenants over the wire) doing --ops small operations once.
Prints one JSON line.

    python mongo_load_client.py URL --connections 200 --seconds 5 [--agents --ops 5]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import time

from pymongo import AsyncMongoClient

from load_client import Results, raise_file_limit, summary, timed  # this script runs from this folder

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


async def agent(client: AsyncMongoClient, n: int, ops: int, res: Results) -> None:
    db = client[f"agent-{n}"]
    for j in range(ops):
        step = j % 5
        if step == 0:
            async def go():
                await db.notes.insert_one({"_id": j, "thought": f"step {j}"})
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


async def main(args: argparse.Namespace) -> dict:
    res = Results()
    # maxConnecting: pymongo opens 2 sockets at a time by default, which starves thousands of agents.
    client = AsyncMongoClient(args.url, maxPoolSize=args.connections, minPoolSize=0, maxConnecting=64,
                              waitQueueTimeoutMS=900_000, serverSelectionTimeoutMS=30_000, socketTimeoutMS=900_000)
    await client.admin.command("ping")
    started = time.monotonic()
    if args.agents:
        await asyncio.gather(*(agent(client, n, args.ops, res) for n in range(args.connections)))
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
    args = parser.parse_args()
    raise_file_limit()
    print(json.dumps(asyncio.run(main(args))), flush=True)


if __name__ == "__main__":
    cli()
