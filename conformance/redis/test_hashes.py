"""Hashes through redis-py: HSET/HGET family, counters, random fields, HSCAN, RESP3 shapes, errors."""
import time

import pytest
import redis

from .conftest import connection_of

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def error_text(call):
    with pytest.raises(redis.ResponseError) as e:
        call()
    return str(e.value)


def test_hset_counts_only_new_fields(rd):
    assert rd.hset("h", mapping={"a": "1", "b": "2"}) == 2
    assert rd.hset("h", mapping={"b": "3", "c": "4"}) == 1
    assert rd.hgetall("h") == {"a": "1", "b": "3", "c": "4"}


def test_hset_same_field_twice_in_one_call_keeps_last_value(rd):
    assert rd.execute_command("HSET", "h", "f", "1", "f", "2") == 1
    assert rd.hget("h", "f") == "2"


def test_hget_missing_field_and_missing_key_are_none(rd):
    rd.hset("h", "a", "1")
    assert rd.hget("h", "zz") is None
    assert rd.hget("nokey", "a") is None


def test_hmget_returns_none_for_each_missing_field(rd):
    rd.hset("h", mapping={"a": "1", "c": "3"})
    assert rd.hmget("h", ["a", "b", "c"]) == ["1", None, "3"]
    assert rd.hmget("nokey", ["a", "b"]) == [None, None]


def test_hmset_answers_ok(r):
    assert r.execute_command("HMSET", "h", "a", "1", "b", "2") is True
    assert r.hlen("h") == 2


def test_hsetnx_only_sets_absent_field(rd):
    assert rd.hsetnx("h", "a", "1") == 1
    assert rd.hsetnx("h", "a", "2") == 0
    assert rd.hget("h", "a") == "1"


def test_hdel_counts_removed_and_deletes_empty_hash(rd):
    rd.hset("h", mapping={"a": "1", "b": "2"})
    assert rd.hdel("h", "a", "zz", "a") == 1
    assert rd.exists("h") == 1
    assert rd.hdel("h", "b") == 1
    assert rd.exists("h") == 0
    assert rd.hdel("h", "b") == 0


def test_hlen_hstrlen_hexists(rd):
    rd.hset("h", mapping={"a": "hello", "b": ""})
    assert rd.hlen("h") == 2
    assert rd.hstrlen("h", "a") == 5
    assert rd.hstrlen("h", "b") == 0
    assert rd.hstrlen("h", "zz") == 0
    assert rd.hexists("h", "a") is True
    assert rd.hexists("h", "zz") is False
    assert rd.hlen("nokey") == 0


def test_hkeys_hvals_hgetall_agree(rd):
    data = {f"f{i}": f"v{i}" for i in range(10)}
    rd.hset("h", mapping=data)
    keys, vals = rd.hkeys("h"), rd.hvals("h")
    assert sorted(keys) == sorted(data)
    assert sorted(vals) == sorted(data.values())
    assert rd.hgetall("h") == data


def test_hgetall_of_missing_key_is_empty_dict(r):
    assert r.hgetall("nokey") == {}
    assert r.hkeys("nokey") == []
    assert r.hvals("nokey") == []


def test_binary_fields_and_values_round_trip(r):
    r.hset("h", b"\x00\xff", b"\x01\x02\x00")
    assert r.hget("h", b"\x00\xff") == b"\x01\x02\x00"
    assert r.hgetall("h") == {b"\x00\xff": b"\x01\x02\x00"}


@pytest.mark.parametrize("start, incr, expected", [
    (None, 5, 5),
    ("10", -3, 7),
    ("-5", 5, 0),
    ("9223372036854775806", 1, 9223372036854775807),
])
def test_hincrby(rd, start, incr, expected):
    if start is not None:
        rd.hset("h", "n", start)
    assert rd.hincrby("h", "n", incr) == expected
    assert rd.hget("h", "n") == str(expected)


@pytest.mark.parametrize("start, incr, message", [
    ("abc", "1", "hash value is not an integer"),
    ("1.5", "1", "hash value is not an integer"),
    ("9223372036854775807", "1", "increment or decrement would overflow"),
    ("-9223372036854775808", "-1", "increment or decrement would overflow"),
    ("1", "x", "value is not an integer or out of range"),
    ("1", "1.0", "value is not an integer or out of range"),
])
def test_hincrby_errors_leave_value_unchanged(rd, start, incr, message):
    rd.hset("h", "n", start)
    assert error_text(lambda: rd.execute_command("HINCRBY", "h", "n", incr)) == message
    assert rd.hget("h", "n") == start


@pytest.mark.parametrize("start, incr, expected", [
    (None, "10.5", "10.5"),
    ("10.50", "0.1", "10.6"),
    ("1", "0.1", "1.1"),
    ("5.0e3", "2.0e2", "5200"),
    ("0.1", "0.2", "0.3"),
    ("3", "-3", "0"),
    ("17179869184", "1.5", "17179869185.5"),
])
def test_hincrbyfloat_prints_like_redis(rd, start, incr, expected):
    if start is not None:
        rd.hset("h", "f", start)
    assert rd.execute_command("HINCRBYFLOAT", "h", "f", incr) == float(expected)
    assert rd.hget("h", "f") == expected


@pytest.mark.parametrize("start, incr, message", [
    ("abc", "1", "hash value is not a float"),
    ("1", "abc", "value is not a valid float"),
    ("1", "nan", "value is not a valid float"),
    ("1", "inf", "value is NaN or Infinity"),
    ("\x001", "1", "hash value is not a float"),
    ("1", "1\x00", "value is not a valid float"),
])
def test_hincrbyfloat_errors(rd, start, incr, message):
    rd.hset("h", "f", start)
    assert error_text(lambda: rd.execute_command("HINCRBYFLOAT", "h", "f", incr)) == message
    assert rd.hget("h", "f") == start


def test_hincrbyfloat_returns_float_via_redis_py(r):
    assert r.hincrbyfloat("h", "f", 1.5) == 1.5
    assert r.hincrbyfloat("h", "f", 1.5) == 3.0


@pytest.mark.parametrize("args", [
    ("HSET", "h", "a"),
    ("HSET", "h", "a", "1", "b"),
    ("HMSET", "h", "a"),
    ("HGET", "h"),
    ("HSETNX", "h", "a"),
    ("HDEL", "h"),
    ("HLEN",),
    ("HGETALL", "h", "x"),
    ("HRANDFIELD",),
    ("HSCAN", "h"),
])
def test_wrong_number_of_arguments(r, args):
    assert error_text(lambda: r.execute_command(*args)) == f"wrong number of arguments for '{args[0].lower()}' command"


@pytest.mark.parametrize("args", [
    ("HSET", "s", "a", "1"),
    ("HGET", "s", "a"),
    ("HMGET", "s", "a"),
    ("HGETALL", "s"),
    ("HDEL", "s", "a"),
    ("HINCRBY", "s", "a", "1"),
    ("HINCRBYFLOAT", "s", "a", "1"),
    ("HLEN", "s"),
    ("HKEYS", "s"),
    ("HRANDFIELD", "s"),
    ("HSCAN", "s", "0"),
    ("HEXISTS", "s", "a"),
])
def test_hash_commands_on_a_string_are_wrongtype(r, args):
    r.set("s", "x")
    assert error_text(lambda: r.execute_command(*args)) == WRONGTYPE
    assert r.get("s") == b"x"


def test_hrandfield_without_count_returns_a_field(rd):
    rd.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    for _ in range(10):
        assert rd.hrandfield("h") in {"a", "b", "c"}
    assert rd.hrandfield("nokey") is None


@pytest.mark.parametrize("count, expected_len, distinct", [
    (2, 2, True),
    (3, 3, True),
    (10, 3, True),
    (0, 0, True),
    (-5, 5, False),
])
def test_hrandfield_counts(rd, count, expected_len, distinct):
    rd.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    fields = rd.hrandfield("h", count)
    assert len(fields) == expected_len
    assert set(fields) <= {"a", "b", "c"}
    if distinct:
        assert len(set(fields)) == len(fields)


def test_hrandfield_withvalues_pairs_fields_with_their_values_resp2(rd):
    data = {"a": "1", "b": "2", "c": "3"}
    rd.hset("h", mapping=data)
    flat = rd.hrandfield("h", -6, withvalues=True)
    assert len(flat) == 12
    for f, v in zip(flat[::2], flat[1::2]):
        assert data[f] == v


def test_hrandfield_withvalues_resp3_is_list_of_pairs(r3):
    data = {"a": "1", "b": "2"}
    r3.hset("h", mapping=data)
    pairs = r3.hrandfield("h", 2, withvalues=True)
    assert sorted(map(tuple, pairs)) == [("a", "1"), ("b", "2")]


def test_hrandfield_missing_key_with_count_is_empty(r):
    assert r.hrandfield("nokey", 3) == []
    assert r.hrandfield("nokey", 3, withvalues=True) == []


@pytest.mark.parametrize("args, message", [
    (("x",), "value is not an integer or out of range"),
    (("2", "foo"), "syntax error"),
    (("2", "withvalues", "x"), "syntax error"),
    (("-9223372036854775808",), "value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
    (("-4611686018427387904", "withvalues"), "value is out of range"),
])
def test_hrandfield_errors(r, args, message):
    r.hset("h", "a", "1")
    assert error_text(lambda: r.execute_command("HRANDFIELD", "h", *args)) == message


def test_hgetall_resp3_is_a_map(r3):
    r3.hset("h", mapping={"a": "1", "b": "2"})
    assert r3.hgetall("h") == {"a": "1", "b": "2"}
    assert r3.hgetall("nokey") == {}


def test_hscan_small_hash_returns_everything_at_once(rd):
    data = {f"f{i}": str(i) for i in range(20)}
    rd.hset("h", mapping=data)
    cursor, found = rd.hscan("h", 0)
    assert cursor == 0
    assert found == data


def test_hscan_match_filters_fields(rd):
    rd.hset("h", mapping={"foo1": "a", "foo2": "b", "bar": "c"})
    cursor, found = rd.hscan("h", 0, match="foo*")
    assert cursor == 0
    assert found == {"foo1": "a", "foo2": "b"}


def test_hscan_iter_covers_large_hash(rd):
    data = {f"field:{i}": "x" * 70 for i in range(300)}
    rd.hset("h", mapping=data)
    seen = dict(rd.hscan_iter("h", count=50))
    assert seen == data


@pytest.mark.parametrize("args, message", [
    (("x",), "invalid cursor"),
    (("0", "count", "0"), "syntax error"),
    (("0", "count", "x"), "value is not an integer or out of range"),
    (("0", "foo"), "syntax error"),
    (("0", "match"), "syntax error"),
])
def test_hscan_errors(r, args, message):
    r.hset("h", "a", "1")
    assert error_text(lambda: r.execute_command("HSCAN", "h", *args)) == message


def test_hscan_missing_key(r):
    assert r.hscan("nokey", 0) == (0, {})


def test_hash_write_in_watch_aborts_other_transaction(client):
    first, second = client(), client()
    first.hset("h", "a", "1")
    with first.pipeline() as pipe:
        pipe.watch("h")
        second.hincrby("h", "a", 1)
        pipe.multi()
        pipe.hset("h", "a", "100")
        with pytest.raises(redis.WatchError):
            pipe.execute()
    assert first.hget("h", "a") == b"2"


# -- reply shapes, RESP2 and RESP3, as the connection parses them (before redis-py's callbacks) --

def raw(c, *args):
    conn = connection_of(c)
    try:
        conn.send_command(*args)
        return conn.read_response()
    finally:
        c.connection_pool.release(conn)


SAME = object()
HASH = [("HSET", "h", "a", "1")]


@pytest.mark.parametrize("protocol", [2, 3])
@pytest.mark.parametrize("command, resp2, resp3", [
    (("HGETALL", "h"), ["a", "1"], {"a": "1"}),
    (("HGETALL", "nokey"), [], {}),
    (("HRANDFIELD", "h", "1", "WITHVALUES"), ["a", "1"], [["a", "1"]]),
    (("HRANDFIELD", "h", "-2"), ["a", "a"], SAME),
    (("HRANDFIELD", "h"), "a", SAME),
    (("HRANDFIELD", "nokey"), None, SAME),
    (("HINCRBYFLOAT", "h", "a", "0.5"), "1.5", SAME),
    (("HINCRBY", "h", "a", "2"), 3, SAME),
    (("HMGET", "h", "a", "x"), ["1", None], SAME),
    (("HSCAN", "h", "0"), ["0", ["a", "1"]], SAME),
    (("HEXISTS", "h", "a"), 1, SAME),
    (("HMSET", "h", "b", "2"), "OK", SAME),
    (("HKEYS", "h"), ["a"], SAME),
    (("HGET", "h", "x"), None, SAME),
])
def test_reply_shapes(client, protocol, command, resp2, resp3):
    c = client(protocol=protocol, decode_responses=True)
    c.execute_command(*HASH[0])
    expected = resp2 if protocol == 2 or resp3 is SAME else resp3
    assert raw(c, *command) == expected


def test_small_hash_lists_fields_in_insertion_order(rd):
    rd.hset("h", mapping={"zebra": "1", "apple": "2", "mango": "3"})
    rd.hset("h", "banana", "4")
    rd.hset("h", "apple", "updated")
    rd.hdel("h", "mango")
    rd.hset("h", "mango", "5")
    assert rd.hkeys("h") == ["zebra", "apple", "banana", "mango"]
    assert rd.hvals("h") == ["1", "updated", "4", "5"]
    assert list(rd.hgetall("h")) == ["zebra", "apple", "banana", "mango"]
    assert rd.hrandfield("h", 10) == ["zebra", "apple", "banana", "mango"]
    assert list(rd.hscan("h", 0)[1]) == ["zebra", "apple", "banana", "mango"]


def test_big_hash_still_holds_every_field(rd):
    data = {f"f{i:03d}": str(i) for i in range(200)}
    rd.hset("h", mapping=data)
    assert rd.hgetall("h") == data
    assert rd.hlen("h") == 200
    assert rd.hdel("h", *list(data)[:150]) == 150
    assert rd.hgetall("h") == dict(list(data.items())[150:])


@pytest.mark.parametrize("fill, refill, read, expected", [
    (("HSET", "k", "a", "1", "b", "2"), ("HSET", "k", "c", "3"), ("HGETALL", "k"), {b"c": b"3"}),
    (("RPUSH", "k", "a", "b"), ("RPUSH", "k", "c"), ("LRANGE", "k", "0", "-1"), [b"c"]),
    (("SADD", "k", "a", "b"), ("SADD", "k", "c"), ("SMEMBERS", "k"), {b"c"}),
    (("ZADD", "k", "1", "a", "2", "b"), ("ZADD", "k", "3", "c"), ("ZRANGE", "k", "0", "-1"), [b"c"]),
])
def test_collection_recreated_after_expiry_starts_empty(r, fill, refill, read, expected):
    r.execute_command(*fill)
    r.pexpire("k", 5)
    time.sleep(0.03)
    r.execute_command(*refill)
    got = r.execute_command(*read)
    assert (set(got) if isinstance(expected, set) else got) == expected
    assert r.ttl("k") == -1
