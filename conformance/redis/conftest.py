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
