"""Pushes to a list this process wrote last skip reading its key row (lists.py): what they count
from must still be what is stored, whatever else changed the list in between — another process
(here: a second store on the same directory, with its own connections), a rolled-back batch,
SWAPDB, expiry, a key of another type."""
import time

import pytest
import redis

from dotdo_core import Store
from dotdo_redis import Redis
from dotdo_redis.engine import Engine


@pytest.fixture
def r(tmp_path):
    c = Redis(data=str(tmp_path))
    yield c
    c.close()


@pytest.fixture
def other(tmp_path):
    """Another writer on the same data directory, sharing nothing in memory with `r`."""
    store = Store(str(tmp_path))
    engine = Engine(store, "redis", 1)
    session = engine.session()

    def run(*argv):
        reply = engine.execute(session, [a if isinstance(a, bytes) else str(a).encode() for a in argv])
        if isinstance(reply, Exception):
            raise reply
        return reply

    yield run
    engine.close()
    store.close()


def test_a_push_after_another_process_pushed_counts_its_elements(r, other):
    assert r.rpush("l", "a", "b") == 2
    assert r.rpush("l", "c") == 3  # remembered from here on
    assert other("RPUSH", "l", "x") == 4
    assert r.rpush("l", "d") == 5
    assert other("LPUSH", "l", "y") == 6
    assert r.lpush("l", "e") == 7
    assert r.lrange("l", 0, -1) == [b"e", b"y", b"a", b"b", b"c", b"x", b"d"]


def test_a_push_after_another_process_popped_or_trimmed(r, other):
    r.rpush("l", "a", "b", "c")
    r.rpush("l", "d")
    other("LPOP", "l", 2)
    other("RPOP", "l")
    assert r.rpush("l", "e") == 2
    other("LTRIM", "l", 1, 1)
    assert r.lpush("l", "f") == 2
    assert r.lrange("l", 0, -1) == [b"f", b"e"]


def test_a_push_after_another_process_replaced_the_key(r, other):
    r.rpush("l", "a")
    r.rpush("l", "b")
    other("DEL", "l")
    assert r.rpush("l", "c") == 1
    other("DEL", "l")
    other("RPUSH", "l", "x", "y", "z")
    assert r.rpush("l", "d") == 4
    assert r.lrange("l", 0, -1) == [b"x", b"y", b"z", b"d"]
    other("SET", "l", "now a string")
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        r.rpush("l", "e")
    assert r.get("l") == b"now a string"


def test_a_push_after_a_rolled_back_batch_counts_what_was_kept(r):
    r.rpush("l", "a")
    r.rpush("l", "b")
    engine = r.connection_pool.engine
    session = engine.session()
    batch = engine.batch()
    assert engine.execute_in(batch, session, [b"RPUSH", b"l", b"lost", b"lost"]) == 4
    batch.close(RuntimeError("rolled back"))
    assert r.rpush("l", "c") == 3
    assert r.lrange("l", 0, -1) == [b"a", b"b", b"c"]


def test_a_push_after_swapdb_goes_to_the_list_now_in_that_db(r):
    r.rpush("l", "zero")
    r.rpush("l", "zero")
    one = Redis(data=r.connection_pool.engine.store.path, db=1)
    one.rpush("l", "one")
    one.rpush("l", "one")
    r.swapdb(0, 1)
    assert r.rpush("l", "x") == 3
    assert one.rpush("l", "y") == 3
    assert r.lrange("l", 0, -1) == [b"one", b"one", b"x"]
    assert one.lrange("l", 0, -1) == [b"zero", b"zero", b"y"]
    one.close()


def test_a_push_after_the_list_expired_starts_a_new_list(r):
    r.rpush("l", "a")
    r.rpush("l", "b")
    r.pexpire("l", 50)
    time.sleep(0.1)
    assert r.rpush("l", "c") == 1
    assert r.lrange("l", 0, -1) == [b"c"]
    assert r.ttl("l") == -1


def test_a_push_still_breaks_a_watch(r):
    r.rpush("l", "a")
    r.rpush("l", "b")
    with r.pipeline() as p:
        p.watch("l")
        r.rpush("l", "c")
        p.multi()
        p.llen("l")
        with pytest.raises(redis.WatchError):
            p.execute()
