"""Data outlives the process that wrote it: for the real target the server keeps it, for dotdo the
SQLite files do — including when the writing process is killed with SIGKILL mid-stream."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conformance import harness


@pytest.fixture
def client_code(target, tmp_path):
    """Python source that builds a client `r` on the same target and data as the `r` fixture."""
    if target == "real":
        return f"import redis\nr = redis.Redis.from_url({harness.real_url('redis')!r})\n"
    return f"import dotdo_redis\nr = dotdo_redis.Redis(data={str(tmp_path / 'dotdo')!r})\n"


def run_process(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_value_and_ttl_written_by_another_process_persist(r, client_code):
    done = run_process(client_code + "r.set('durable:k', 'v', ex=100)\nr.hset('durable:h', mapping={'a': '1'})\n")
    assert done.returncode == 0, done.stderr
    assert r.get("durable:k") == b"v"
    assert 95 <= r.ttl("durable:k") <= 100
    assert r.hget("durable:h", "a") == b"1"


def test_acknowledged_writes_survive_sigkill_of_the_writer(r, client_code):
    writer = client_code + textwrap.dedent("""
        import sys
        i = 0
        while True:
            r.set(f"ack:{i}", i)
            print(i, flush=True)
            i += 1
    """)
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    acked = []
    deadline = time.monotonic() + 30  # interpreter start-up is slow on a loaded machine
    while time.monotonic() < deadline and len(acked) < 300:
        line = proc.stdout.readline()
        if not line:
            break
        acked.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(acked) > 20
    values = r.mget([f"ack:{i}" for i in acked])
    assert [int(v) for v in values] == acked


def test_two_processes_incrementing_one_counter_lose_no_update(r, client_code):
    procs = [subprocess.Popen([sys.executable, "-c", client_code + "for _ in range(200): r.incr('shared:n')\n"])
             for _ in range(2)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    assert r.get("shared:n") == b"400"
