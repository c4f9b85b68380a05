"""What the reliability suites share: starting `dotdo serve` as a real subprocess, reading a
process's memory and open files from /proc, latency percentiles, and the real Redis on this machine."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Iterator

import pytest
import redis

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The real Redis these suites may write to: db 9 is theirs; only keys under REAL_PREFIX are touched.
REAL_REDIS_URL = os.environ.get("DOTDO_RELIABILITY_REDIS_URL", "redis://127.0.0.1:6379/9")
REAL_PREFIX = "dotdo-reliability:"


@contextlib.contextmanager
def dotdo_serve(data: str, protocol: str = "redis", *extra: str) -> Iterator[tuple[subprocess.Popen, int]]:
    """`dotdo serve PROTOCOL` on `data` in its own process; yields (process, port). Its first stdout
    line says where it listens. The process is killed (SIGKILL) on exit if it is still running."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "dotdo_core.cli", "serve", protocol, "--data", data, "--port", f"{protocol}=0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, text=True)
    try:
        line = proc.stdout.readline()
        if "listening on" not in line:
            proc.kill()
            raise RuntimeError(f"dotdo serve did not start: {line!r} {proc.stderr.read()!r}")
        port = int(line.rsplit(":", 1)[1].split()[0])
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()


def proc_status(pid: int, field: str) -> int:
    """A numeric field of /proc/PID/status in kB (VmRSS, VmHWM) or units (Threads)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def rss_mb(pid: int | str = "self") -> float:
    return proc_status(pid, "VmRSS") / 1024  # type: ignore[arg-type]


def open_files(pid: int | str = "self") -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))]


def real_redis() -> redis.Redis:
    """The real Redis (db 9 here), or skip when it does not answer."""
    client = redis.Redis.from_url(REAL_REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as e:
        pytest.skip(f"real Redis at {REAL_REDIS_URL} not reachable: {e}")
    return client


def clear_real(client: redis.Redis) -> None:
    for key in client.scan_iter(match=REAL_PREFIX + "*", count=1000):
        client.delete(key)


def wait_gone(pid: int, timeout: float = 10.0) -> None:
    """Until a process that is not our child has disappeared."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.005)
    raise TimeoutError(f"process {pid} still alive")


LOAD_CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "load_client.py")


PG_LOAD_CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pg_load_client.py")
MONGO_LOAD_CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mongo_load_client.py")


def mongo_url(port: int) -> str:
    return f"mongodb://127.0.0.1:{port}/?directConnection=true"
REAL_POSTGRES_URL = os.environ.get("DOTDO_RELIABILITY_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def run_load_client(url: str, *args: str, timeout: float = 600, script: str = LOAD_CLIENT) -> dict:
    """A load client (load_client.py, or pg_load_client.py) in its own process; its JSON results."""
    import json
    done = subprocess.run([sys.executable, script, url, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


class RssSampler:
    """Samples a process's VmRSS every `every` seconds on a thread; `.peak_mb`, `.samples_mb`."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        import threading
        self.pid = pid
        self.every = every
        self.samples_mb: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples_mb.append(rss_mb(self.pid))
            except (FileNotFoundError, ProcessLookupError):
                return
            self._stop.wait(self.every)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return max(self.samples_mb, default=0.0)


def record(name: str, line: str) -> None:
    """Print a figure and append it to $DOTDO_RELIABILITY_FIGURES (if set), for docs/reliability.md."""
    print(f"{name}: {line}")
    path = os.environ.get("DOTDO_RELIABILITY_FIGURES")
    if path:
        with open(path, "a") as f:
            f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {name}: {line}\n")


@contextlib.contextmanager
def real_postgres_database() -> Iterator[str]:
    """A fresh database on the real PostgreSQL (dropped afterwards), or skip when it does not answer."""
    import uuid

    import psycopg
    name = f"dotdo_reliability_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(REAL_POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as e:
        pytest.skip(f"real PostgreSQL at {REAL_POSTGRES_URL} not reachable: {e}")
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield REAL_POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def max_connections(conninfo: str) -> int:
    import psycopg
    with psycopg.connect(conninfo, autocommit=True) as c:
        return int(c.execute("SHOW max_connections").fetchone()[0])


FUZZ_CHUNK = 20_000


def fuzz_long_tier(strategy, check_one, check_now=None, every: int = 1000, variants: int = 0,
                   derive=None) -> int:
    """The long tier of a fuzz suite: `check_one(input)` for DOTDO_FUZZ_EXAMPLES inputs (default 1M)
    drawn from the hypothesis `strategy`, `check_now()` after every `every` of them. Returns the count.

    The inputs come in runs of FUZZ_CHUNK examples, each run its own hypothesis engine with its own
    seed: one engine asked for a million examples keeps every choice it made (1 GB of memory by
    800k) and slows as that grows, to a standstill past 850k here.

    With `variants`, each drawn input is also sent as that many `derive(input, rng)` variants (e.g.
    `byte_variant`), counted as inputs: drawing a structured input costs hypothesis ≈ 2.5 ms here,
    more than the server's answer, and a variant costs next to nothing. The rng is seeded by the
    input itself, so a failing variant reproduces when hypothesis replays its input."""
    import random

    from hypothesis import HealthCheck, given, seed, settings
    total = int(os.environ.get("DOTDO_FUZZ_EXAMPLES", "1000000"))
    base = int(os.environ.get("DOTDO_FUZZ_SEED", "0"))
    tried = 0
    next_check, next_report = every, 50_000

    def one(value) -> None:
        nonlocal tried, next_check, next_report
        check_one(value)
        tried += 1
        if variants:
            rng = random.Random(repr(value).encode() + str(base).encode())
            for _ in range(variants):
                check_one(derive(value, rng))
                tried += 1
        if check_now is not None and tried >= next_check:
            check_now()
            next_check += every
        if tried >= next_report:  # the long tier runs for an hour or more: say how far it got
            print(f"fuzz long tier: {tried} inputs so far, server healthy", flush=True)
            next_report += 50_000

    chunk = 0
    while tried < total:
        run = given(value=strategy)(one)
        examples = max(1, min(FUZZ_CHUNK, (total - tried) // (1 + variants)))
        run = settings(max_examples=examples, deadline=None, database=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])(run)
        before = tried
        seed(base + chunk)(run)()
        chunk += 1
        if tried == before:  # the strategy has nothing new to give
            break
    return tried


def byte_variant(data: bytes, rng) -> bytes:
    """A protocol-agnostic variant of a fuzz input: one to three byte flips, cuts, insertions or
    repeated slices."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        if not out:
            out += rng.randbytes(rng.randint(1, 8))
            continue
        at = rng.randrange(len(out))
        kind = rng.randrange(4)
        if kind == 0:
            out[at] = rng.randrange(256)
        elif kind == 1:
            del out[at:]
        elif kind == 2:
            out[at:at] = rng.randbytes(rng.randint(1, 8))
        else:
            out[at:at] = out[at:at + rng.randint(1, 16)]
    return bytes(out)


GENERIC_MUTATIONS = ("flip", "truncate", "insert")


def mutate_bytes(draw, data: bytearray, kind: str) -> None:
    """Apply one protocol-agnostic fuzz mutation in place: flip a byte, truncate, or insert garbage."""
    from hypothesis import strategies as st
    at = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        data[at] = draw(st.integers(0, 255))
    elif kind == "truncate":
        del data[at:]
    else:
        data[at:at] = draw(st.binary(min_size=1, max_size=8))


def run_load_fleet(url: str, processes: int, agents: int, *args: str, script: str = LOAD_CLIENT,
                   timeout: float = 3600) -> dict:
    """`agents` agents split over `processes` load clients (load_client.py's fleet options), so no one
    client process is the wall. All connect first; the operations start together once every client
    has connected, so that many connections are open at once. Returns the clients' results merged:
    sums, the wall-clock window of the operations, percentiles over every latency, and `connect_s`:
    from the start to every client's connections made (with the clients' start-up)."""
    import json
    import tempfile
    per = -(-agents // processes)
    started = time.monotonic()
    clients = []
    for k in range(processes):
        first, count = k * per, min(per, agents - k * per)
        if count <= 0:
            break
        err = tempfile.TemporaryFile(mode="w+")
        proc = subprocess.Popen([sys.executable, script, url, *args, "--first", str(first), "--connections", str(count),
                                 "--barrier", "--latencies"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True, cwd=REPO)
        clients.append((proc, err))
    try:
        for proc, err in clients:  # each says how many connected, then waits
            line = proc.stdout.readline()
            if not line:
                proc.wait(timeout)
                err.seek(0)
                raise AssertionError(f"a load client failed before connecting: {err.read()[-3000:]}")
        connect_s = time.monotonic() - started
        for proc, _ in clients:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc, err in clients:
            out, _ = proc.communicate(timeout=timeout)
            err.seek(0)
            assert proc.returncode == 0, err.read()[-3000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for proc, err in clients:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            err.close()
    return {**merge_fleet(results), "connect_s": round(connect_s, 1)}


def merge_fleet(results: list[dict]) -> dict:
    lat = sorted(x for r in results for x in r.pop("latencies_ms"))
    window = max(r["wall_ended"] for r in results) - min(r["wall_started"] for r in results)
    merged: dict = {"clients": len(results)}
    for key in ("connections", "connect_errors", "ops", "errors", "wrong_agents"):
        merged[key] = sum(r.get(key, 0) for r in results)
    for key in ("connect_samples", "error_samples"):
        merged[key] = [s for r in results for s in r.get(key, [])][:5]
    pick = lambda p: round(percentile(lat, p), 3) if lat else None  # noqa: E731
    merged.update({"seconds": round(window, 2), "ops_per_s": round(len(lat) / window) if window > 0 else None,
                   "p50_ms": pick(0.5), "p99_ms": pick(0.99), "max_ms": pick(1.0)})
    return merged


class OpenFilesSampler(RssSampler):
    """RssSampler that also counts the process's open descriptors (every `files_every` samples:
    listing /proc/PID/fd costs more with 10,000+ of them); `.peak_files`."""

    def __init__(self, pid: int, every: float = 0.25, files_every: int = 4) -> None:
        super().__init__(pid, every)
        self.files_every = files_every
        self.files: list[int] = []

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            try:
                self.samples_mb.append(rss_mb(self.pid))
                if tick % self.files_every == 0:
                    self.files.append(open_files(self.pid))
            except (FileNotFoundError, ProcessLookupError):
                return
            tick += 1
            self._stop.wait(self.every)

    @property
    def peak_files(self) -> int:
        return max(self.files, default=0)
