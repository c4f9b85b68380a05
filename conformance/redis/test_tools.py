"""The Redis command-line tools work against dotdo serve as they do against Redis: redis-cli's output
is the same byte for byte, and redis-benchmark completes its tests without errors."""
from __future__ import annotations

import shutil
import subprocess
from urllib.parse import urlparse

import pytest

from conformance import harness
from dotdo_core import Runtime, Store
from dotdo_redis.server import front

pytestmark = pytest.mark.skipif(not shutil.which("redis-cli"), reason="redis-tools (redis-cli, redis-benchmark) not installed")


@pytest.fixture
def server(target, tmp_path):
    """(host, port, db) for the target, with the db empty."""
    if target == "real":
        url = urlparse(harness.real_url("redis"))
        host, port, db = url.hostname or "127.0.0.1", url.port or 6379, int((url.path or "/0").strip("/") or 0)
        subprocess.run(["redis-cli", "-h", host, "-p", str(port), "-n", str(db), "FLUSHDB"], check=True, capture_output=True)
        yield host, port, db
        subprocess.run(["redis-cli", "-h", host, "-p", str(port), "-n", str(db), "FLUSHDB"], capture_output=True)
        return
    runtime = Runtime(Store(tmp_path / "served")).start()
    listener = runtime.listen(front, port=0)
    yield "127.0.0.1", listener.port, 0
    runtime.stop()


def cli(server, *args: str, stdin: str | None = None) -> str:
    host, port, db = server
    done = subprocess.run(["redis-cli", "-h", host, "-p", str(port), "-n", str(db), *args], input=stdin,
                          capture_output=True, text=True, timeout=30)
    return done.stdout + done.stderr


# redis-cli's output when piped (not a terminal): raw values, one per line, errors as "ERR ...".
@pytest.mark.parametrize("commands, expected", [
    ([["SET", "k", "v"], ["GET", "k"]], ["OK", "v"]),
    ([["INCR", "n"], ["INCRBY", "n", "10"]], ["1", "11"]),
    ([["RPUSH", "l", "a", "b", "c"], ["LRANGE", "l", "0", "-1"]], ["3", "a\nb\nc"]),
    ([["HSET", "h", "f", "1"], ["HGET", "h", "f"]], ["1", "1"]),
    ([["GET", "missing"]], [""]),
    ([["SET", "s", "x"], ["INCR", "s"]], ["OK", "ERR value is not an integer or out of range"]),
    ([["NOSUCH", "a"]], ["ERR unknown command 'NOSUCH', with args beginning with: 'a' "]),
    ([["ZADD", "z", "1.5", "m"], ["ZSCORE", "z", "m"]], ["1", "1.5"]),
    ([["SET", "t", "v", "EX", "100"], ["TTL", "t"]], ["OK", "100"]),
])
def test_redis_cli_prints_the_same(server, commands, expected):
    assert [cli(server, *c).rstrip("\n") for c in commands] == expected


def test_redis_cli_pipe_mode_reads_commands_from_stdin(server):
    out = cli(server, stdin="SET a 1\nINCR a\nGET a\n")
    assert out.split() == ["OK", "2", "2"]


def test_redis_cli_scan_lists_keys(server):
    for i in range(5):
        cli(server, "SET", f"scan:{i}", "x")
    assert sorted(cli(server, "--scan", "--pattern", "scan:*").split()) == [f"scan:{i}" for i in range(5)]


def test_redis_benchmark_runs_without_errors(server):
    host, port, db = server
    done = subprocess.run(["redis-benchmark", "-h", host, "-p", str(port), "--dbnum", str(db), "-q", "-n", "2000",
                           "-c", "10", "-t", "set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange,mset"],
                          capture_output=True, text=True, timeout=300)
    lines = [l.strip() for l in done.stdout.replace("\r", "\n").splitlines() if "requests per second" in l]
    assert done.returncode == 0
    assert len(lines) >= 14, done.stdout + done.stderr
    assert "ERR" not in done.stdout and "Error" not in done.stderr
