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


def test_reads_after_another_process_writes_see_the_new_values(r, client_code):
    # The same keys read just before (dotdo keeps recently read rows in memory) must not answer stale.
    r.mset({"seen:a": "1", "seen:b": "1"})
    r.hset("seen:h", "f", "1")
    assert r.get("seen:a") == b"1" and r.mget(["seen:a", "seen:b"]) == [b"1", b"1"]
    done = run_process(client_code + "r.set('seen:a', '2'); r.delete('seen:b'); r.set('seen:h', 'now a string')\n")
    assert done.returncode == 0, done.stderr
    assert r.get("seen:a") == b"2"
    assert r.mget(["seen:a", "seen:b", "seen:h"]) == [b"2", None, b"now a string"]
    assert r.type("seen:h") == b"string"
    assert r.exists("seen:b") == 0


def test_reads_from_other_threads_and_clients_see_each_write(r, client):
    import threading

    other = client()
    errors = []

    def reader():
        try:
            for i in range(200):
                seen = other.get("thread:n")
                assert seen is None or int(seen) <= 199
        except AssertionError as e:  # pragma: no cover - reported below
            errors.append(e)

    t = threading.Thread(target=reader)
    t.start()
    for i in range(200):
        r.set("thread:n", i)
        assert other.get("thread:n") == str(i).encode()
        assert r.mget(["thread:n"]) == [str(i).encode()]
    t.join()
    assert not errors


def test_a_key_read_before_it_expires_reads_as_missing_after(r):
    r.set("soon:k", "v", px=150)
    assert r.get("soon:k") == b"v" and r.mget(["soon:k"]) == [b"v"]
    time.sleep(0.3)
    assert r.get("soon:k") is None
    assert r.mget(["soon:k", "soon:other"]) == [None, None]
    assert r.exists("soon:k") == 0
