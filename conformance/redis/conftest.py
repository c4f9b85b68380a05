"""Redis conformance fixtures: every test runs against the real Redis (db 15 in CI) and dotdo.

`r` is a genuine redis.Redis for the current target; `client(**kwargs)` makes further
clients on the same target and data (for WATCH from a second client, pub/sub, RESP3 ...)."""
from __future__ import annotations

import pytest
import redis

import dotdo_redis
from conformance import harness


@pytest.fixture
def client(target, tmp_path):
    made: list[redis.Redis] = []
    if target == "real":
        url = harness.real_url("redis")
        first = redis.Redis.from_url(url)
        first.flushdb()
        made.append(first)

        def make(**kwargs):
            c = redis.Redis.from_url(url, **kwargs)
            made.append(c)
            return c
    else:
        data = str(tmp_path / "dotdo")

        def make(**kwargs):
            c = dotdo_redis.Redis(data=data, **kwargs)
            made.append(c)
            return c

    yield make
    if target == "real":
        try:
            made[0].flushdb()
        except redis.RedisError:
            pass
    for c in made:
        c.close()


@pytest.fixture
def r(client):
    return client()


@pytest.fixture
def rd(client):
    """decode_responses=True"""
    return client(decode_responses=True)


@pytest.fixture
def r3(client):
    """RESP3, decode_responses=True"""
    return client(protocol=3, decode_responses=True)


@pytest.fixture
def private_real_redis(tmp_path):
    """A redis-server of our own (same binary as the machine's service) for cases that must touch the
    whole server (FLUSHALL); skipped only where no redis-server is installed."""
    import os
    import shutil
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("no redis-server binary for a private real server")
    sock = str(tmp_path / "private-redis.sock")
    proc = subprocess.Popen([binary, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.02)
    yield f"unix://{sock}"
    proc.terminate()
    proc.wait(10)
