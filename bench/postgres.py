"""psycopg → real PostgreSQL (unix socket) vs psycopg → dotdo embedded, side by side.

    .venv/bin/python bench/postgres.py [--seconds 1.0] [--real postgresql://postgres@/postgres?host=/var/run/postgresql]

Ops: SELECT 1, insert one row (autocommit), select by primary key, update by primary key, a 3-table
join with GROUP BY (one customer's orders and their items), and a 10k-row bulk load by executemany
(one transaction) and by COPY FROM STDIN.
Both sides commit durably per statement: PostgreSQL's default fsync'd WAL, dotdo's SQLite WAL
(synchronous=NORMAL, which survives kill -9; `--sync full` for power-loss durability per commit).
Absolute numbers on shared machines are noise: read the ratios."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid

import psycopg

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "packages", "postgres"))
sys.path.insert(0, os.path.join(ROOT, "packages", "core"))

ROWS = 1000
CUSTOMERS = 200


def setup(conn: psycopg.Connection) -> None:
    conn.execute("DROP TABLE IF EXISTS bench_items")
    conn.execute("CREATE TABLE bench_items (id serial PRIMARY KEY, name text NOT NULL, qty int NOT NULL)")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO bench_items (name, qty) VALUES (%s, %s)", [(f"item{i}", i) for i in range(ROWS)])
    conn.execute("DROP TABLE IF EXISTS bench_orders")
    conn.execute("DROP TABLE IF EXISTS bench_customers")
    conn.execute("CREATE TABLE bench_customers (id int PRIMARY KEY, region text NOT NULL)")
    conn.execute("CREATE TABLE bench_orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES bench_customers,"
                 " item_id int NOT NULL REFERENCES bench_items, amount int NOT NULL)")
    conn.execute("CREATE INDEX bench_orders_customer ON bench_orders (customer_id)")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO bench_customers VALUES (%s, %s)", [(i, f"region{i % 5}") for i in range(CUSTOMERS)])
        cur.executemany("INSERT INTO bench_orders VALUES (%s, %s, %s, %s)",
                        [(i, i % CUSTOMERS, i % ROWS + 1, i % 7 + 1) for i in range(CUSTOMERS * 10)])


def ops(conn: psycopg.Connection):
    counter = iter(range(10**9))
    return {
        "SELECT 1": lambda: conn.execute("SELECT 1").fetchone(),
        "insert one row (autocommit)": lambda: conn.execute(
            "INSERT INTO bench_items (name, qty) VALUES (%s, %s)", ("new", next(counter))),
        "select by pk": lambda: conn.execute(
            "SELECT id, name, qty FROM bench_items WHERE id = %s", (next(counter) % ROWS + 1,)).fetchone(),
        "update by pk": lambda: conn.execute(
            "UPDATE bench_items SET qty = qty + 1 WHERE id = %s", (next(counter) % ROWS + 1,)),
        # one customer's 10 orders, their items, totals per region
        "3-table join with GROUP BY": lambda: conn.execute(
            "SELECT c.region, count(*), sum(o.amount * i.qty) FROM bench_orders o"
            " JOIN bench_customers c ON c.id = o.customer_id JOIN bench_items i ON i.id = o.item_id"
            " WHERE o.customer_id = %s GROUP BY c.region ORDER BY c.region", (next(counter) % CUSTOMERS,)).fetchall(),
    }


def rate(fn, seconds: float) -> float:
    for _ in range(50):  # warm up: statement preparation, caches
        fn()
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            fn()
        n += 50
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


BULK = 10_000


def bulk(conn: psycopg.Connection) -> dict[str, float]:
    """Rows per second for a 10k-row load, by executemany (one transaction) and by COPY."""
    rows = [(f"bulk{i}", i) for i in range(BULK)]
    out = {}
    conn.execute("DROP TABLE IF EXISTS bench_bulk")
    conn.execute("CREATE TABLE bench_bulk (id serial PRIMARY KEY, name text NOT NULL, qty int NOT NULL)")
    start = time.perf_counter()
    with conn.transaction():
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO bench_bulk (name, qty) VALUES (%s, %s)", rows)
    out["bulk insert 10k rows: executemany (rows/s)"] = BULK / (time.perf_counter() - start)
    start = time.perf_counter()
    with conn.cursor().copy("COPY bench_bulk (name, qty) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(r)
    out["bulk insert 10k rows: COPY (rows/s)"] = BULK / (time.perf_counter() - start)
    return out


ROUNDS = 3


def run(conns: dict[str, psycopg.Connection], seconds: float) -> dict[str, dict[str, float]]:
    """Each op in ROUNDS rounds, the targets taking turns within a round, and each target's best
    round: the machine is shared, and a load spike during one target's only turn would decide its
    ratio. The bulk loads run once per target, in turn."""
    fns = {}
    for target, conn in conns.items():
        setup(conn)
        fns[target] = ops(conn)
    results: dict[str, dict[str, float]] = {t: {} for t in conns}
    for op in next(iter(fns.values())):
        for _ in range(ROUNDS):
            for target in conns:
                r = rate(fns[target][op], seconds / ROUNDS)
                results[target][op] = max(results[target].get(op, 0.0), r)
    for target, conn in conns.items():
        results[target].update(bulk(conn))
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--real", default=os.environ.get("DOTDO_BENCH_POSTGRES_URL",
                                                     "postgresql://postgres@/postgres?host=/var/run/postgresql"))
    args = ap.parse_args()

    import dotdo_postgres
    conns: dict[str, psycopg.Connection] = {}
    base = name = None
    try:
        base = psycopg.connect(args.real, autocommit=True)
        name = f"dotdo_bench_{uuid.uuid4().hex[:8]}"
        base.execute(f'CREATE DATABASE "{name}"')
        conns["real PostgreSQL"] = psycopg.connect(args.real.replace("/postgres?", f"/{name}?"), autocommit=True)
    except psycopg.OperationalError as e:
        print(f"real PostgreSQL unavailable ({e}); showing dotdo only")
    for sync in ("normal", "full"):
        data = tempfile.mkdtemp(prefix="dotdo-bench-pg-")
        conns[f"dotdo sync={sync}"] = dotdo_postgres.connect(data=data, autocommit=True, sync=sync)
    try:
        results = run(conns, args.seconds)
    finally:
        for conn in conns.values():
            conn.close()
        if base is not None:
            if name is not None:
                base.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            base.close()

    names = list(next(iter(results.values())).keys())
    real = results.get("real PostgreSQL")
    header = f"{'op':44}" + "".join(f"{k:>22}" for k in results)
    if real:
        header += "".join(f"{'  ratio ' + k.split()[-1]:>20}" for k in results if k != "real PostgreSQL")
    print(header)
    for op in names:
        line = f"{op:44}" + "".join(f"{results[k][op]:>16,.0f} ops/s" for k in results)
        if real:
            line += "".join(f"{results[k][op] / real[op]:>19.2f}x" for k in results if k != "real PostgreSQL")
        print(line)
    import gc  # the embedded servers' databases hold the translation-cache counters
    dbs = [o for o in gc.get_objects() if type(o).__name__ == "Database" and hasattr(o, "cache_hits")]
    hits = sum(d.cache_hits for d in dbs)
    misses = sum(d.cache_misses for d in dbs)
    if hits + misses:
        print(f"translation cache: {hits:,} hits, {misses:,} misses ({hits / (hits + misses):.2%} hit rate)")


if __name__ == "__main__":
    main()
