"""Key, string, bit and HyperLogLog commands beyond what the conformance suite can reach: cluster
mode (several shards), SCAN cursors shared between clients, binary keys through SWAPDB, the RESP
encoding of their replies, and the exact algorithms (glob, long double, HLL estimator)."""
import socket
from fractions import Fraction

import pytest
import redis

from dotdo_core import Runtime, Store
from dotdo_redis import Redis
from dotdo_redis.engine.commands import longdouble
from dotdo_redis.engine.commands.glob import glob_match
from dotdo_redis.engine.commands.hyperloglog import estimate, murmur64a, register_and_rank
from dotdo_redis.server import front


@pytest.fixture
def cluster(tmp_path):
    r = Redis(data=str(tmp_path), tenant="clustered", shards=4)
    yield r
    r.close()


@pytest.fixture
def r(tmp_path):
    c = Redis(data=str(tmp_path))
    yield c
    c.close()


# -- cluster mode --------------------------------------------------------------------------------

def test_keys_scan_dbsize_see_every_shard(cluster):
    names = {f"k{i}".encode() for i in range(300)}
    for name in names:
        cluster.set(name, 1)
    assert set(cluster.keys("*")) == names
    assert set(cluster.scan_iter(count=7)) == names
    assert cluster.dbsize() == 300
    assert cluster.randomkey() in names
    assert cluster.flushdb() is True
    assert cluster.dbsize() == 0


@pytest.mark.parametrize("args, message", [
    (("MOVE", "k", "1"), "MOVE is not allowed in cluster mode"),
    (("SWAPDB", "0", "1"), "SWAPDB is not allowed in cluster mode"),
    (("COPY", "{k}a", "{k}b", "DB", "1"), "Copying to another database is not allowed in cluster mode"),
    (("RENAME", "a", "b"), "Keys in request don't hash to the same slot"),
    (("COPY", "a", "b"), "Keys in request don't hash to the same slot"),
    (("BITOP", "AND", "a", "b"), "Keys in request don't hash to the same slot"),
    (("PFMERGE", "a", "b"), "Keys in request don't hash to the same slot"),
    (("LCS", "a", "b"), "Keys in request don't hash to the same slot"),
])
def test_cluster_refusals(cluster, args, message):
    cluster.set("k", "v")
    cluster.set("a", "v")
    with pytest.raises(redis.ResponseError) as e:
        cluster.execute_command(*args)
    assert str(e.value).removeprefix("CROSSSLOT ") == message  # redis-py 5 keeps the code word


def test_cluster_rename_within_a_slot(cluster):
    cluster.set("{u}a", "v", ex=100)
    assert cluster.rename("{u}a", "{u}b") is True
    assert cluster.get("{u}b") == b"v"
    assert cluster.ttl("{u}b") > 90


# -- SCAN cursors -----------------------------------------------------------------------------------

def test_scan_cursor_resumes_from_another_client(tmp_path):
    first, second = Redis(data=str(tmp_path)), Redis(data=str(tmp_path))
    first.mset({f"k{i}": 1 for i in range(50)})
    cursor, batch = first.scan(0, count=10)
    seen = set(batch)
    while cursor:
        cursor, batch = second.scan(cursor, count=10)
        seen.update(batch)
    assert len(seen) == 50


def test_scan_same_position_gives_same_cursor(r):
    r.mset({f"k{i}": 1 for i in range(30)})
    assert r.scan(0, count=10)[0] == r.scan(0, count=10)[0] != 0


# -- databases ---------------------------------------------------------------------------------------

def test_swapdb_moves_binary_keys_and_companions_intact(tmp_path):
    zero = Redis(data=str(tmp_path), db=0)
    three = Redis(data=str(tmp_path), db=3)
    zero.set(b"\x00\xff bin\x80", b"v")
    zero.hset("h", mapping={"a": "1"})
    three.rpush("l", "x")
    assert zero.swapdb(0, 3) is True
    assert three.get(b"\x00\xff bin\x80") == b"v"
    assert three.hgetall("h") == {b"a": b"1"}
    assert zero.lrange("l", 0, -1) == [b"x"]
    assert zero.keys("*") == [b"l"]
    assert sorted(three.keys("*")) == [b"\x00\xff bin\x80", b"h"]


def test_move_and_copy_db_keep_companion_rows(tmp_path):
    zero = Redis(data=str(tmp_path), db=0)
    five = Redis(data=str(tmp_path), db=5)
    zero.zadd("z", {"a": 1, "b": 2})
    assert zero.copy("z", "z", destination_db=5) is True
    assert zero.move("z", 6) is True
    six = Redis(data=str(tmp_path), db=6)
    assert five.zrange("z", 0, -1, withscores=True) == six.zrange("z", 0, -1, withscores=True) == [(b"a", 1.0), (b"b", 2.0)]
    assert zero.exists("z") == 0


def test_flushall_leaves_other_tenants(tmp_path):
    a = Redis(data=str(tmp_path))
    b = Redis(data=str(tmp_path), tenant="other")
    a.set("k", 1)
    b.set("k", 2)
    a.flushall()
    assert a.get("k") is None and b.get("k") == b"2"


# -- over the wire ---------------------------------------------------------------------------------------

@pytest.fixture
def port(tmp_path):
    runtime = Runtime(Store(tmp_path)).start()
    yield runtime.listen(front, port=0).port
    runtime.stop()


def test_wire_replies_keep_redis_types(port):
    c = redis.Redis(port=port, protocol=3)
    c.mset({"a": "ohmytext", "b": "mynewtext"})
    assert c.lcs("a", "b", idx=True) == {b"matches": [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len": 6}
    assert c.type("a") == b"string"
    assert c.incrbyfloat("f", "0.1") == 0.1
    assert c.pfadd("h", "x") == 1 and c.pfcount("h") == 1
    c2 = redis.Redis(port=port)
    cursor, keys = c2.scan(0)
    assert cursor == 0 and sorted(keys) == [b"a", b"b", b"f", b"h"]
    assert c2.object("encoding", "a") == b"embstr"


def test_wire_incrbyfloat_is_a_bulk_string_in_resp3(port):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"HELLO 3\r\n")
        s.settimeout(2)
        s.recv(65536)
        s.sendall(b"INCRBYFLOAT k 1.5\r\nTYPE k\r\n")
        data = b""
        while data.count(b"\r\n") < 3:
            data += s.recv(65536)
    assert data == b"$3\r\n1.5\r\n+string\r\n"


# -- algorithms -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, text, expected", [
    (b"a*b*c", b"aXbYc", True), (b"a*b*c", b"aXbY", False), (b"[\xc0-\xff]", b"\xd0", True),
    (b"[a-]", b"-", False), (b"[a-]", b"]", True), (b"\\", b"\\", True), (b"*\\", b"x\\", True),
    (b"[^]a]", b"b", False), (b"[^]a]", b"Xa]", True),
    (b"*" * 50 + b"x", b"a" * 60, False),
])
def test_glob_corner_cases(pattern, text, expected):
    assert glob_match(pattern, text) is expected


def test_long_double_rounding_matches_x87():
    # 2**64 + 1 is not representable in a 64-bit significand; ties go to even.
    assert longdouble.round_ext(Fraction(2**64 + 1)) == 2**64
    assert longdouble.round_ext(Fraction(2**64 + 3)) == 2**64 + 4
    assert longdouble.format_human(longdouble.add(longdouble.parse(b"0.1"), longdouble.parse(b"0.2"))) == b"0.3"
    assert longdouble.parse(b"1e-5000") is None and longdouble.parse(b"1e5000") is None
    assert longdouble.parse(b"1\x00junk") is None  # Redis 7.0 requires strtold to read every byte


def test_murmur_and_register_choice_are_stable():
    assert murmur64a(b"") == murmur64a(b"")
    index, rank = register_and_rank(b"a")
    assert 0 <= index < 16384 and 1 <= rank <= 51
    assert estimate([0] * 16384) == 0
