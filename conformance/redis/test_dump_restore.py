"""DUMP and RESTORE through redis-py: values of every type move between keys, TTLs and options
behave as in Redis, and payloads Redis wrote (its compact encodings) restore."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import redis

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "redis" / "dump-7.0.15.json").read_text())["keys"]


def _value(r, key):
    kind = r.type(key)
    read = {b"string": r.get, b"list": lambda k: r.lrange(k, 0, -1), b"set": r.smembers, b"hash": r.hgetall,
            b"zset": lambda k: r.zrange(k, 0, -1, withscores=True)}[kind]
    return kind, read(key)


def _error(fn) -> str:
    with pytest.raises(redis.ResponseError) as e:
        fn()
    return str(e.value)


@pytest.mark.parametrize("fill", [
    lambda r: r.set("k", "hello"),
    lambda r: r.set("k", "12345"),
    lambda r: r.set("k", "-17"),
    lambda r: r.set("k", "ab" * 500),
    lambda r: r.set("k", b"\x00\xff binary"),
    lambda r: r.rpush("k", "a", "b", "1", "22", "x" * 9000),
    lambda r: r.rpush("k", *[f"e{i}" for i in range(300)]),
    lambda r: r.sadd("k", 1, 2, 3, -70000, 2**40),
    lambda r: r.sadd("k", "a", "b", "c"),
    lambda r: r.hset("k", mapping={"f": "v", "n": "1", "": "empty field"}),
    lambda r: r.hset("k", mapping={f"f{i}": f"v{i}" for i in range(200)}),
    lambda r: r.zadd("k", {"a": 1.5, "b": 2, "c": -3, "d": 1e300, "e": 0.1}),
    lambda r: r.zadd("k", {"lo": float("-inf"), "hi": float("inf")}),
    lambda r: r.pfadd("k", "a", "b", "c"),
], ids=["string", "int", "negative", "long", "binary", "list", "long-list", "intset", "set", "hash", "big-hash",
        "zset", "zset-infinities", "hyperloglog"])
def test_a_dumped_value_restores_to_an_equal_key(r, fill):
    fill(r)
    payload = r.dump("k")
    assert r.restore("copy", 0, payload) == b"OK"
    assert _value(r, "copy") == _value(r, "k")
    assert r.ttl("copy") == -1


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_a_payload_redis_wrote_restores(r, name):
    vector = VECTORS[name]
    assert r.restore("k", 0, bytes.fromhex(vector["payload"])) == b"OK"
    kind, value = _value(r, "k")
    assert kind.decode() == vector["type"]
    expected = vector["value"]
    if vector["type"] == "string":
        assert value.decode("latin-1") == expected
    elif vector["type"] == "list":
        assert [v.decode("latin-1") for v in value] == expected
    elif vector["type"] == "set":
        assert sorted(v.decode("latin-1") for v in value) == expected
    elif vector["type"] == "hash":
        assert {f.decode(): v.decode() for f, v in value.items()} == expected
    else:
        assert [[m.decode(), repr(s)] for m, s in value] == expected


def test_dump_of_a_missing_key_is_nil(r):
    assert r.dump("nokey") is None


def test_restore_sets_a_relative_or_absolute_ttl(r):
    r.set("k", "v")
    payload = r.dump("k")
    r.restore("rel", 5000, payload)
    assert 0 < r.pttl("rel") <= 5000
    r.restore("abs", int(time.time() * 1000) + 60_000, payload, absttl=True)
    assert 50_000 < r.pttl("abs") <= 60_000


def test_restoring_an_already_expired_absolute_ttl_answers_ok_and_stores_nothing(r):
    r.set("k", "v")
    payload = r.dump("k")
    assert r.restore("gone", 1000, payload, absttl=True) == b"OK"
    assert r.exists("gone") == 0
    r.set("there", "old")
    assert r.restore("there", 1000, payload, replace=True, absttl=True) == b"OK"
    assert r.exists("there") == 0  # REPLACE deleted the old value first


def test_restore_onto_an_existing_key_needs_replace(r):
    r.set("k", "v")
    r.rpush("other", "x")
    payload = r.dump("k")
    assert _error(lambda: r.restore("other", 0, payload)) == "BUSYKEY Target key name already exists."
    assert r.restore("other", 0, payload, replace=True) == b"OK"
    assert _value(r, "other") == (b"string", b"v")


@pytest.mark.parametrize("args, message", [
    (("k2", -1, "PAYLOAD"), "Invalid TTL value, must be >= 0"),
    (("k2", "x", "PAYLOAD"), "value is not an integer or out of range"),
    (("k2", 0, "PAYLOAD", "BAD"), "syntax error"),
    (("k2", 0, "PAYLOAD", "IDLETIME", -1), "Invalid IDLETIME value, must be >= 0"),
    (("k2", 0, "PAYLOAD", "FREQ", 300), "Invalid FREQ value, must be >= 0 and <= 255"),
    (("k2", 0, "PAYLOAD", "IDLETIME", "x"), "value is not an integer or out of range"),
    (("k2", 0, "PAYLOAD", "IDLETIME"), "syntax error"),
    (("k2", 0, "DAMAGED"), "DUMP payload version or checksum are wrong"),
    (("k2", 0, "SHORT"), "DUMP payload version or checksum are wrong"),
])
def test_restore_argument_errors(r, args, message):
    r.set("k", "v")
    payload = r.dump("k")
    swap = {"PAYLOAD": payload, "DAMAGED": payload[:-1] + bytes([payload[-1] ^ 1]), "SHORT": payload[:5]}
    assert _error(lambda: r.execute_command("RESTORE", *[swap.get(a, a) for a in args])) == message
    assert r.exists("k2") == 0
