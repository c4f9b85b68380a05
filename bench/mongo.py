"""pymongo against dotdo (embedded, persistent) vs mongomock, one run (mongita is left out: it accepts only
string/ObjectId `_id`s and lacks drop/aggregate, so it cannot run the same workload).

    python bench/mongo.py [--docs 10000] [--seconds 2] [--tcp] [--curve 10000,100000,1000000]
    python bench/mongo.py --docs 100000 --ab 7     # in-process vs TCP client, alternating, CPU time

Each workload runs for at most --seconds per engine (or its op count), on a collection of
--docs documents with an index on `k`; prints ops/s and dotdo's ratio to each peer.
Absolute numbers on shared machines are noise; the ratios are the figures that count."""
from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time


def engines(tmp: str, tcp_tmp: str | None) -> dict:
    out = {}
    from dotdo_mongo import MongoClient

    out["dotdo"] = MongoClient(data=tmp)  # in-process: pymongo's pool talks to the engine directly
    if tcp_tmp is not None:
        import pymongo

        from dotdo_mongo.client import embedded_port

        # The same engine through the embedded OP_MSG server on 127.0.0.1, as AsyncMongoClient and
        # other processes reach it: the cost of the TCP transport, measured side by side.
        out["dotdo-tcp"] = pymongo.MongoClient("127.0.0.1", embedded_port(tcp_tmp), directConnection=True)
    try:
        import mongomock

        out["mongomock"] = mongomock.MongoClient()
    except ImportError:
        pass
    return out


def timed(fn, n: int, seconds: float) -> float:
    """ops/s of fn(i) for up to n calls or `seconds`."""
    start = time.perf_counter()
    done = 0
    for i in range(n):
        fn(i)
        done += 1
        if time.perf_counter() - start > seconds:  # checked every call: one mongomock scan of 100k docs takes seconds
            break
    return done / (time.perf_counter() - start)


def _drop(coll) -> None:
    try:
        coll.drop()
    except Exception:  # mongita has no Collection.drop
        coll.delete_many({})


def _measure(out: dict, name: str, fn, n: int, seconds: float) -> None:
    try:
        out[name] = timed(fn, n, seconds)
    except Exception as e:  # a peer that lacks the feature gets "n/a", not a crash
        out[name] = None
        print(f"  {name}: {type(e).__name__}: {str(e)[:80]}")


def workloads(coll, docs: int, seconds: float) -> dict[str, float | None]:
    rng = random.Random(7)
    out: dict[str, float | None] = {}
    _drop(coll)
    counter = iter(range(10**9))
    out["insert_one"] = timed(lambda i: coll.insert_one({"_id": -1 - next(counter), "k": -1, "v": "x"}), 20000, seconds)
    _drop(coll)
    batches = iter(range(10**6))

    def insert_batch(i):
        b = next(batches)
        coll.insert_many([{"_id": b * 1000 + j, "k": b * 1000 + j, "v": j % 100} for j in range(1000)])

    out["insert_many(1000) docs/s"] = timed(insert_batch, docs // 1000, seconds * 5) * 1000
    loaded = coll.count_documents({})
    if loaded < docs:  # a slow peer stopped early: fill up so every engine answers on `docs` documents
        coll.insert_many([{"_id": i, "k": i, "v": i % 100} for i in range(loaded, docs)])
    coll.create_index("k")
    ids = [rng.randrange(docs) for _ in range(50000)]
    _measure(out, "find_one by _id", lambda i: coll.find_one({"_id": ids[i]}), 50000, seconds)
    _measure(out, "find_one indexed k", lambda i: coll.find_one({"k": ids[i]}), 50000, seconds)
    _measure(out, "update_one $inc", lambda i: coll.update_one({"_id": ids[i]}, {"$inc": {"v": 1}}), 50000, seconds)
    _measure(out, "$gt+sort+limit 10", lambda i: list(coll.find({"k": {"$gt": ids[i]}}).sort("k", 1).limit(10)),
             50000, seconds)
    _measure(out, "$group aggregate", lambda i: list(coll.aggregate([{"$group": {"_id": "$v", "n": {"$sum": 1}}}])),
             1000, seconds)
    return out


def curve(sizes: list[int], seconds: float) -> None:
    """dotdo's indexed point-query rate as the collection grows: it should stay flat."""
    from dotdo_mongo import MongoClient

    tmp = tempfile.mkdtemp(prefix="dotdo-bench-mongo-curve-")
    try:
        coll = MongoClient(data=tmp)["bench"]["curve"]
        coll.create_index("k")
        have = 0
        print(f"\n{'documents':>12}{'find_one _id/s':>18}{'find_one k/s':>16}{'$gt+sort+limit/s':>20}")
        for size in sizes:
            while have < size:
                n = min(10000, size - have)
                coll.insert_many([{"_id": have + j, "k": have + j, "v": j % 100} for j in range(n)])
                have += n
            rng = random.Random(size)
            ids = [rng.randrange(size) for _ in range(50000)]
            a = timed(lambda i: coll.find_one({"_id": ids[i]}), 50000, seconds)
            b = timed(lambda i: coll.find_one({"k": ids[i]}), 50000, seconds)
            c = timed(lambda i: list(coll.find({"k": {"$gt": ids[i]}}).sort("k", 1).limit(10)), 50000, seconds)
            print(f"{size:>12,}{a:>18,.0f}{b:>16,.0f}{c:>20,.0f}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def transport_ab(docs: int, rounds: int, per_round: int = 300) -> None:
    """In-process MongoClient against pymongo over the embedded TCP server, alternating rounds of each
    point operation in one process; rates from the process's CPU time (all its threads), which a loaded
    machine distorts far less than wall time. Best round of each."""
    import pymongo

    from dotdo_mongo import MongoClient
    from dotdo_mongo.client import embedded_port

    dirs = [tempfile.mkdtemp(prefix="dotdo-bench-mongo-ab-") for _ in range(2)]
    try:
        clients = {"in-process": MongoClient(data=dirs[0]),
                   "tcp": pymongo.MongoClient("127.0.0.1", embedded_port(dirs[1]), directConnection=True)}
        colls = {name: c["bench"]["ab"] for name, c in clients.items()}
        for coll in colls.values():
            for start in range(0, docs, 10000):
                coll.insert_many([{"_id": i, "k": i, "v": i % 100} for i in range(start, min(docs, start + 10000))])
            coll.create_index("k")
        rng = random.Random(7)
        ids = [rng.randrange(docs) for _ in range(rounds * per_round)]
        fresh = iter(range(10**9))
        ops = {
            "insert_one": lambda c, i: c.insert_one({"_id": -1 - next(fresh), "k": -1, "v": "x"}),
            "find_one by _id": lambda c, i: c.find_one({"_id": ids[i]}),
            "find_one indexed k": lambda c, i: c.find_one({"k": ids[i]}),
            "update_one $inc": lambda c, i: c.update_one({"_id": ids[i]}, {"$inc": {"v": 1}}),
        }
        best = {(op, name): 0.0 for op in ops for name in clients}
        for r in range(rounds):
            order = list(clients) if r % 2 == 0 else list(clients)[::-1]
            for op, fn in ops.items():
                for name in order:
                    coll = colls[name]
                    start = time.process_time()
                    for i in range(r * per_round, (r + 1) * per_round):
                        fn(coll, i)
                    best[(op, name)] = max(best[(op, name)], per_round / (time.process_time() - start))
        print(f"\n{docs} documents, best of {rounds} alternating rounds of {per_round}, ops per CPU second\n")
        print(f"{'operation':22}{'in-process':>14}{'tcp':>10}{'ratio':>9}")
        for op in ops:
            a, b = best[(op, "in-process")], best[(op, "tcp")]
            print(f"{op:22}{a:>14,.0f}{b:>10,.0f}{a / b:>8.2f}x")
    finally:
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--curve", default="", help="comma-separated sizes for dotdo's latency curve")
    ap.add_argument("--tcp", action="store_true", help="also measure dotdo through its embedded TCP server")
    ap.add_argument("--ab", type=int, default=0, metavar="ROUNDS",
                    help="instead: in-process vs TCP client, alternating rounds, by CPU time")
    args = ap.parse_args()
    if args.ab:
        transport_ab(args.docs, args.ab)
        return
    if args.curve:
        curve([int(x) for x in args.curve.split(",")], args.seconds)
        return
    tmp = tempfile.mkdtemp(prefix="dotdo-bench-mongo-")
    tcp_tmp = tempfile.mkdtemp(prefix="dotdo-bench-mongo-tcp-") if args.tcp else None
    try:
        results = {}
        for name, client in engines(tmp, tcp_tmp).items():
            results[name] = workloads(client["bench"]["items"], args.docs, args.seconds)
            print(f"{name}: done", flush=True)
        names = list(results)
        peers = [n for n in names if n != "dotdo"]
        header = f"{'workload':28}" + "".join(f"{n + ' ops/s':>18}" for n in names) + "".join(
            f"{'dotdo/' + p:>18}" for p in peers)
        print(f"\n{args.docs} documents, pymongo {__import__('pymongo').version}\n")
        print(header)
        for w in results["dotdo"]:
            row = f"{w:28}" + "".join(f"{results[n][w]:>18,.0f}" if results[n].get(w) else f"{'n/a':>18}"
                                      for n in names)
            row += "".join(f"{results['dotdo'][w] / results[p][w]:>17.1f}x" if results[p].get(w) and
                           results["dotdo"].get(w) else f"{'n/a':>18}" for p in peers)
            print(row)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if tcp_tmp is not None:
            shutil.rmtree(tcp_tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
