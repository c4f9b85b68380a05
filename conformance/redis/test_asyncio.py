"""redis.asyncio's client, unchanged: `from dotdo_redis.asyncio import Redis` against the real one."""
from __future__ import annotations

import asyncio

import pytest
import redis
import redis.asyncio as aioredis

import dotdo_redis.asyncio
from conformance import harness


@pytest.fixture
def aclient(target, tmp_path):
    made = []

    def make(**kwargs):
        if target == "real":
            c = aioredis.Redis.from_url(harness.real_url("redis"), **kwargs)
        else:
            c = dotdo_redis.asyncio.Redis(data=str(tmp_path / "dotdo"), **kwargs)
        made.append(c)
        return c

    yield make
    # the clients are closed inside each test's own event loop


async def fresh(make, **kwargs):
    c = make(**kwargs)
    await c.flushdb()
    return c


async def test_set_get_round_trip(aclient):
    r = await fresh(aclient, decode_responses=True)
    assert await r.set("k", "v") is True
    assert await r.get("k") == "v"
    await r.aclose()


async def test_transaction_pipeline(aclient):
    r = await fresh(aclient)
    async with r.pipeline() as pipe:
        pipe.set("a", 1).incr("a").get("a")
        assert await pipe.execute() == [True, 2, b"2"]
    await r.aclose()


async def test_watch_aborts_when_another_client_writes(aclient):
    r = await fresh(aclient)
    other = aclient()
    await r.set("w", 1)
    async with r.pipeline() as pipe:
        await pipe.watch("w")
        await other.set("w", 2)
        pipe.multi()
        pipe.set("w", 3)
        with pytest.raises(redis.WatchError):
            await pipe.execute()
    assert await r.get("w") == b"2"
    await r.aclose()
    await other.aclose()


async def test_blpop_is_woken_by_a_push_from_another_task(aclient):
    r = await fresh(aclient)
    pusher = aclient()

    async def push_later():
        await asyncio.sleep(0.2)
        await pusher.rpush("queue", "job")

    task = asyncio.create_task(push_later())
    assert list(await r.blpop(["queue"], timeout=5)) == [b"queue", b"job"]
    await task
    await r.aclose()
    await pusher.aclose()


async def test_blpop_times_out_with_none(aclient):
    r = await fresh(aclient)
    assert await r.blpop(["empty"], timeout=0.2) is None
    await r.aclose()


async def test_error_reply_raises_response_error(aclient):
    r = await fresh(aclient)
    await r.set("s", "text")
    with pytest.raises(redis.ResponseError, match="^value is not an integer or out of range$"):
        await r.incr("s")
    await r.aclose()
