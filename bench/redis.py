"""redis-py against real Redis, fakeredis and dotdo, in one run: ops/s and ratios.

    .venv/bin/python bench/redis.py [--seconds 0.5] [--redis-benchmark]

Targets: redis-py → a real redis-server started here on a unix socket (and the machine's
Redis on TCP if it answers); fakeredis; dotdo in-process (every acknowledged write committed
to SQLite); redis-py → `dotdo serve` over TCP. With --redis-benchmark, also redis-benchmark
against the real server and against `dotdo serve`.
Goals (issue 3): in-process reads ≥ 3× real (unix socket), single writes ≥ 1.3×, pipelines
≥ 1.2× real and ≥ 4× fakeredis; redis-benchmark against dotdo serve ≥ 0.5× real."""
from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# Run as a script, this file's folder heads sys.path and its name would shadow redis-py.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))

import redis  # noqa: E402

from bench.harness import Table, ops_per_second  # noqa: E402

VALUE = b"v" * 32
# The machine's Redis: a db no test suite uses (conformance runs on 15 and 14), flushed by the bench.
BENCH_DB = 8


def workloads(r) -> dict:
    c = itertools.count()
    for setup in (lambda: r.mset({f"read:{i}": VALUE for i in range(100)}), lambda: r.hset("read:h", "f", VALUE),
                  lambda: r.zadd("read:z", {f"m{i}": i for i in range(100)})):
        try:
            setup()
        except redis.ResponseError:
            pass  # that workload will report itself skipped
    keys100 = [f"read:{i}" for i in range(100)]

    def pipeline_100_sets():
        p = r.pipeline(transaction=False)
        base = next(c)
        for i in range(100):
            p.set(f"p:{(base * 100 + i) % 10000}", VALUE)
        p.execute()

    return {
        "SET": lambda: r.set(f"k:{next(c) % 10000}", VALUE),
        "GET": lambda: r.get(f"read:{next(c) % 100}"),
        "INCR": lambda: r.incr("counter"),
        "HSET": lambda: r.hset("h", f"f{next(c) % 1000}", VALUE),
        "HGET": lambda: r.hget("read:h", "f"),
        "LPUSH": lambda: r.lpush(f"l:{next(c) % 100}", VALUE),
        "ZADD": lambda: r.zadd("z", {f"m{next(c) % 10000}": 1.5}),
        "ZRANGE 0 9": lambda: r.zrange("read:z", 0, 9),
        "pipeline of 100 SETs": pipeline_100_sets,
        "MGET of 100 keys": lambda: r.mget(keys100),
    }


READS = {"GET", "HGET", "ZRANGE 0 9", "MGET of 100 keys"}
WRITES = {"SET", "INCR", "HSET", "LPUSH", "ZADD"}


def start_real_redis(tmp: str) -> tuple[subprocess.Popen, str] | None:
    if not shutil.which("redis-server"):
        return None
    sock = os.path.join(tmp, "redis.sock")
    proc = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no",
                             "--dir", tmp], stdout=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(sock):
            return proc, sock
        time.sleep(0.05)
    proc.kill()
    return None


def prepare(name: str, client) -> tuple[str, dict]:
    try:
        client.flushdb()
    except redis.ResponseError:
        pass  # a fresh data directory is empty anyway
    ops = {}
    for workload, op in workloads(client).items():
        try:
            op()
        except redis.ResponseError as e:  # a command dotdo does not have yet: say so, measure the rest
            print(f"  {name}: {workload} skipped ({e})", file=sys.stderr)
            continue
        ops[workload] = op
    return name, ops


def measure_interleaved(table: Table, targets: list[tuple[str, dict]], seconds: float, rounds: int = 5) -> None:
    """Every workload on every target, in `rounds` rounds over the whole list of workloads (the
    table shows each target's best slice; `Table.paired` pairs the slices of one round). A
    workload's slices are a round apart (some twenty seconds), not side by side: a slowdown of the
    machine lasting a few seconds then costs one slice of each target it catches, where with a
    workload's slices back to back it could catch all of them, and unevenly (seen here: every
    target ran 20–35% slow through one workload's slices)."""
    # Every workload some target could run, in workloads()'s order.
    names = list(dict.fromkeys(w for _, ops in targets for w in ops))
    for workload in names:  # rows in workloads()'s order, targets in the given order
        for name, ops in targets:
            if workload in ops:
                table.add(workload, name, 0.0)
    for _ in range(rounds):
        for workload in names:
            per_call = 100 if workload.startswith("pipeline") else 1
            for name, ops in targets:
                op = ops.get(workload)
                if op is None:
                    continue
                table.add_round(workload, name, ops_per_second(op, seconds / rounds, rounds=1, per_call=per_call))


class _NoServer(redis.Connection):
    """redis-py with a connection that sends nothing and answers OK at once: what redis-py itself
    costs per command, the ceiling for any server behind it."""

    def connect(self) -> None:
        pass

    def can_read(self, timeout: float = 0) -> bool:
        return False

    def pack_command(self, *args):
        return [args]

    def pack_commands(self, commands):
        return [tuple(c) for c in commands]

    def send_packed_command(self, command, check_health: bool = True) -> None:
        pass

    def read_response(self, *args, **kwargs):
        return b"OK"


def redis_benchmark(port: int | None, sock: str | None, n: int, db: int = 0, tests: str = "set,get,incr,lpush") -> dict[str, float]:
    args = ["redis-benchmark", "-q", "-n", str(n), "-t", tests, "--dbnum", str(db)]
    args += ["-s", sock] if sock else ["-h", "127.0.0.1", "-p", str(port)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=600).stdout
    rates = {}
    for line in out.replace("\r", "\n").splitlines():
        m = re.match(r"^(\w+): ([\d.]+) requests per second", line.strip())
        if m:
            rates[m.group(1)] = float(m.group(2))
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=0.5, help="per workload and target (in 5 interleaved slices x 3)")
    parser.add_argument("--redis-benchmark", action="store_true")
    parser.add_argument("-n", type=int, default=100_000, help="redis-benchmark requests per test")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="dotdo-bench-redis-")
    table = Table("redis-py: real Redis vs fakeredis vs dotdo", baseline="real (unix)")

    real = start_real_redis(tmp)
    try:
        targets = []
        if real:
            targets.append(prepare("real (unix)", redis.Redis(unix_socket_path=real[1])))
        try:
            tcp = redis.Redis(host="127.0.0.1", port=6379, db=BENCH_DB)
            tcp.ping()
            targets.append(prepare("real (tcp)", tcp))
        except redis.ConnectionError:
            print("  the machine's Redis on 127.0.0.1:6379 is not up: real (tcp) skipped", file=sys.stderr)
        try:
            import fakeredis

            targets.append(prepare("fakeredis", fakeredis.FakeRedis()))
        except ImportError:
            print("  fakeredis is not installed: skipped", file=sys.stderr)

        from dotdo_core import Runtime, Store
        from dotdo_redis import Redis
        from dotdo_redis.server import front

        targets.append(prepare("dotdo in-process", Redis(data=os.path.join(tmp, "inproc"))))
        runtime = Runtime(Store(os.path.join(tmp, "served"))).start()
        listener = runtime.listen(front, port=0)
        targets.append(prepare("dotdo serve (tcp)", redis.Redis(port=listener.port)))
        targets.append(prepare("redis-py alone (no server)",
                               redis.Redis(connection_pool=redis.ConnectionPool(connection_class=_NoServer))))
        measure_interleaved(table, targets, args.seconds * 3)
        table.print()

        # The verdicts take the median of the five rounds' paired ratios (Table.paired); the best
        # slices' ratio is shown beside it.
        verdicts = []
        if "real (unix)" in next(iter(table.rows.values()), {}):
            for w in table.rows:
                if "dotdo in-process" not in table.rows[w]:
                    continue
                goal = 3.0 if w in READS else 1.3 if w in WRITES else 1.2 if w.startswith("pipeline") else None
                if goal:
                    verdicts.append((w, table.paired(w, "dotdo in-process"), table.ratio(w, "dotdo in-process"), goal))
            if "pipeline of 100 SETs" in table.rows and "fakeredis" in table.rows["pipeline of 100 SETs"]:
                w = "pipeline of 100 SETs"
                verdicts.append((f"{w} vs fakeredis", table.paired(w, "dotdo in-process", "fakeredis"),
                                 table.ratio(w, "dotdo in-process", "fakeredis"), 4.0))
        for w, paired, best, goal in verdicts:
            print(f"  {'ok  ' if paired >= goal else 'MISS'} dotdo in-process {w}: {paired:.2f}× "
                  f"(median of paired rounds; best slices {best:.2f}×) (goal ≥ {goal}×)")
        ceiling = "redis-py alone (no server)"
        if "fakeredis" in table.rows.get("pipeline of 100 SETs", {}) and ceiling in table.rows["pipeline of 100 SETs"]:
            print(f"  note: redis-py alone (a connection that does nothing) pipelines at "
                  f"{table.paired('pipeline of 100 SETs', ceiling, 'fakeredis'):.2f}× fakeredis in this run: "
                  f"no server behind redis-py can show a higher ratio")

        if args.redis_benchmark and shutil.which("redis-benchmark"):
            # Same transport on both sides: TCP on loopback (the machine's Redis, db BENCH_DB), plus the
            # private unix-socket server for reference.
            rb = Table(f"redis-benchmark -q -n {args.n} (50 clients)", baseline="real (tcp)")
            # Each test on each server in turn, three rounds (as for redis-py above: the table shows
            # the best round, the verdict the median of the rounds' paired ratios).
            servers = [("real (tcp)", 6379, None, BENCH_DB), ("dotdo serve (tcp)", listener.port, None, 0)]
            if real:
                servers.append(("real (unix)", None, real[1], 0))
            for test in ("set", "get", "incr", "lpush"):
                for _ in range(3):
                    for name, port, sock, db in servers:
                        for label, rate in redis_benchmark(port, sock, args.n, db=db, tests=test).items():
                            rb.add_round(label, name, rate)
            cleanup = redis.Redis(host="127.0.0.1", port=6379, db=BENCH_DB)
            for pattern in ("key:*", "counter:*", "mylist"):  # what redis-benchmark wrote, nothing else
                for key in cleanup.scan_iter(match=pattern, count=1000):
                    cleanup.delete(key)
            rb.print()
            for test in rb.rows:
                if "dotdo serve (tcp)" in rb.rows[test] and "real (tcp)" in rb.rows[test]:
                    paired = rb.paired(test, "dotdo serve (tcp)")
                    print(f"  {'ok  ' if paired >= 0.5 else 'MISS'} redis-benchmark {test}, dotdo serve vs real (tcp): "
                          f"{paired:.2f}× (median of paired rounds; best runs {rb.ratio(test, 'dotdo serve (tcp)'):.2f}×) (goal ≥ 0.5×)")
        runtime.stop()
    finally:
        if real:
            real[0].terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
