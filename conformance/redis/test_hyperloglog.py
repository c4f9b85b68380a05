"""HyperLogLog through redis-py: PFADD/PFCOUNT/PFMERGE give Redis's own estimates (same hash, registers
and estimator), sparse and dense sketches are byte-identical to Redis's, and non-HLL strings are refused."""
import hashlib

import pytest
import redis

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value."


def error_text(call):
    with pytest.raises(redis.ResponseError) as e:
        call()
    return str(e.value)


def add_many(r, key, elements, chunk=1000):
    pipe = r.pipeline(transaction=False)
    for i in range(0, len(elements), chunk):
        pipe.pfadd(key, *elements[i:i + chunk])
    pipe.execute()


@pytest.mark.parametrize("n, expected", [(1, 1), (10, 10), (100, 99), (1000, 997), (5000, 5005), (30000, 29738)])
def test_pfcount_estimates_like_redis(r, n, expected):
    add_many(r, "h", [f"element:{i}" for i in range(n)])
    assert r.pfcount("h") == expected


def test_pfadd_reports_whether_a_register_changed(r):
    assert r.pfadd("h", "a", "b", "c") == 1
    assert r.pfadd("h", "a") == 0
    assert r.pfadd("h", "a", "d") == 1


def test_pfadd_without_elements_creates_the_key_once(r):
    assert r.pfadd("h") == 1
    assert r.exists("h") == 1
    assert r.pfadd("h") == 0
    assert r.pfcount("h") == 0


def test_pfcount_missing_key_is_zero(r):
    assert r.pfcount("nokey") == 0


def test_pfcount_of_several_keys_is_the_union(r):
    r.pfadd("a", *[f"x{i}" for i in range(300)])
    r.pfadd("b", *[f"x{i}" for i in range(200, 600)])
    assert r.pfcount("a", "b") == 598
    assert r.pfcount("a", "b", "nokey") == 598


def test_pfmerge_unions_into_destination(r):
    r.pfadd("a", *[f"x{i}" for i in range(300)])
    r.pfadd("b", *[f"x{i}" for i in range(200, 600)])
    r.pfadd("dest", "extra")
    assert r.pfmerge("dest", "a", "b") is True
    assert r.pfcount("dest") == 599


def test_pfmerge_of_missing_keys_creates_empty_sketch(r):
    assert r.pfmerge("dest", "nokey") is True
    assert r.exists("dest") == 1
    assert r.pfcount("dest") == 0


def test_dense_sketch_bytes_equal_redis(r):
    add_many(r, "h", [f"e{i}" for i in range(20000)])
    value = r.get("h")
    assert len(value) == 12304
    assert hashlib.sha1(value).hexdigest() == "80c8d28c0e5c72674ca1f6e63a5648f6b664ba0b"
    assert r.pfcount("h") == 19901
    cached = r.get("h")
    assert hashlib.sha1(cached).hexdigest() == "ffcb2f620f6f5388057b499b27d936438b668ab0"
    assert int.from_bytes(cached[8:16], "little") == 19901


# A sparse sketch as Redis 7.0 writes it for PFADD s a b c (GET on the real server).
SPARSE_ABC = b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ"


def test_small_sketch_is_sparse_byte_for_byte(r):
    assert r.pfadd("s", "a", "b", "c") == 1
    assert r.get("s") == SPARSE_ABC
    assert r.object("encoding", "s") == b"raw"
    assert r.pfcount("s") == 3
    assert r.get("s") == SPARSE_ABC[:8] + b"\x03" + b"\x00" * 7 + SPARSE_ABC[16:]


def test_sparse_sketches_merge_into_sparse_and_dense_into_dense(r):
    r.pfadd("a", "x", "y")
    r.pfadd("b", "y", "z")
    r.pfmerge("m", "a", "b")
    assert r.get("m")[4] == 1 and len(r.get("m")) < 100
    add_many(r, "big", [f"e{i}" for i in range(20000)])
    r.pfmerge("m2", "a", "big")
    assert r.get("m2")[4] == 0 and len(r.get("m2")) == 12304


def test_sketch_turns_dense_past_3000_bytes(r):
    add_many(r, "h", [f"e{i}" for i in range(1500)], chunk=100)
    sparse = r.get("h")
    assert sparse[4] == 1 and len(sparse) <= 3000
    add_many(r, "h", [f"f{i}" for i in range(1500)], chunk=100)
    assert r.get("h")[4] == 0


def test_sparse_sketch_from_redis_is_read(r):
    r.set("s", SPARSE_ABC)
    assert r.pfcount("s") == 3
    assert r.get("s")[8:16] == b"\x03" + b"\x00" * 7
    assert r.pfadd("s", "a", "b") == 0
    assert r.pfadd("s", "d") == 1
    assert r.pfcount("s") == 4


def test_corrupted_sparse_sketch_is_reported(r):
    r.set("s", SPARSE_ABC[:-2])
    assert error_text(lambda: r.pfcount("s")) == "INVALIDOBJ Corrupted HLL object detected"


def test_pfcount_caches_into_the_value_and_breaks_watch(client):
    first, second = client(), client()
    first.pfadd("h", "a", "b")
    with first.pipeline() as pipe:
        pipe.watch("h")
        second.pfcount("h")
        pipe.multi()
        pipe.set("other", "1")
        with pytest.raises(redis.WatchError):
            pipe.execute()


def test_sketch_is_a_string_and_keeps_ttl(r):
    r.pfadd("h", "a")
    r.expire("h", 100)
    r.pfadd("h", "b")
    assert r.type("h") == b"string"
    assert r.ttl("h") > 90
    assert r.object("encoding", "h") == b"raw"


@pytest.mark.parametrize("value", ["plain", "12345", "HYLL", "HYLL" + "\x00" * 20, "HYLL\x02" + "\x00" * 20])
def test_non_hll_strings_are_refused(r, value):
    r.set("s", value)
    for call in (lambda: r.pfadd("s", "a"), lambda: r.pfcount("s"), lambda: r.pfmerge("d", "s")):
        assert error_text(call) == NOT_HLL
    assert r.get("s") == value.encode()


def test_hll_commands_on_wrong_type(r):
    r.rpush("l", "a")
    assert error_text(lambda: r.pfadd("l", "a")) == WRONGTYPE
    assert error_text(lambda: r.pfcount("l")) == WRONGTYPE


def test_sketch_copied_with_get_and_set_keeps_counting(r):
    add_many(r, "h", [f"e{i}" for i in range(20000)])
    r.set("copy", r.get("h"))
    assert r.pfcount("copy") == r.pfcount("h") == 19901
    r.pfadd("copy", *[f"new{i}" for i in range(1000)])
    assert r.pfcount("copy") == 20901
