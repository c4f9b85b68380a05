"""Sets through redis-py: membership, random picks, moves, algebra and its STORE forms,
SINTERCARD, SSCAN, RESP3 set replies and error texts."""
import pytest
import redis

from .conftest import connection_of

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def error_text(call):
    with pytest.raises(redis.ResponseError) as e:
        call()
    return str(e.value)


@pytest.fixture
def sets(rd):
    rd.sadd("s1", "a", "b", "c", "d")
    rd.sadd("s2", "c", "d", "e")
    rd.sadd("s3", "a", "c", "e")
    return rd


def test_sadd_counts_new_members_only(rd):
    assert rd.sadd("s", "a", "b", "a") == 2
    assert rd.sadd("s", "b", "c") == 1
    assert rd.smembers("s") == {"a", "b", "c"}


def test_srem_counts_and_deletes_empty_set(rd):
    rd.sadd("s", "a", "b")
    assert rd.srem("s", "a", "zz") == 1
    assert rd.srem("s", "b") == 1
    assert rd.exists("s") == 0
    assert rd.srem("nokey", "a") == 0


def test_sismember_and_smismember(rd):
    rd.sadd("s", "a", "b")
    assert rd.sismember("s", "a") == 1
    assert rd.sismember("s", "z") == 0
    assert rd.sismember("nokey", "a") == 0
    assert rd.smismember("s", ["a", "z", "b"]) == [1, 0, 1]
    assert rd.smismember("nokey", ["a", "b"]) == [0, 0]


def test_scard(rd):
    rd.sadd("s", *[str(i) for i in range(50)])
    assert rd.scard("s") == 50
    assert rd.scard("nokey") == 0


def test_smembers_of_missing_key_is_empty(r):
    assert r.smembers("nokey") == set()


def test_binary_members(r):
    r.sadd("s", b"\x00", b"\xff\xfe")
    assert r.smembers("s") == {b"\x00", b"\xff\xfe"}
    assert r.sismember("s", b"\x00") == 1


def test_spop_without_count_removes_one(rd):
    rd.sadd("s", "a", "b", "c")
    got = rd.spop("s")
    assert got in {"a", "b", "c"}
    assert rd.scard("s") == 2
    assert rd.sismember("s", got) == 0
    assert rd.spop("nokey") is None


@pytest.mark.parametrize("count, popped, left", [(0, 0, 3), (2, 2, 1), (3, 3, 0), (10, 3, 0)])
def test_spop_with_count(rd, count, popped, left):
    rd.sadd("s", "a", "b", "c")
    got = rd.spop("s", count)
    assert len(got) == popped and len(set(got)) == popped
    assert set(got) <= {"a", "b", "c"}
    assert rd.scard("s") == left
    assert rd.exists("s") == (1 if left else 0)


def test_spop_with_count_on_missing_key_is_empty(r):
    assert r.spop("nokey", 3) == []


@pytest.mark.parametrize("args, message", [
    (("-1",), "value is out of range, must be positive"),
    (("x",), "value is out of range, must be positive"),
    (("1", "2"), "syntax error"),
])
def test_spop_errors(r, args, message):
    r.sadd("s", "a")
    assert error_text(lambda: r.execute_command("SPOP", "s", *args)) == message
    assert r.scard("s") == 1


@pytest.mark.parametrize("count, length, distinct", [(2, 2, True), (5, 3, True), (0, 0, True), (-7, 7, False)])
def test_srandmember_counts(rd, count, length, distinct):
    rd.sadd("s", "a", "b", "c")
    got = rd.srandmember("s", count)
    assert len(got) == length
    assert set(got) <= {"a", "b", "c"}
    if distinct:
        assert len(set(got)) == length
    assert rd.scard("s") == 3


def test_srandmember_without_count(rd):
    rd.sadd("s", "a", "b")
    assert rd.srandmember("s") in {"a", "b"}
    assert rd.srandmember("nokey") is None
    assert rd.srandmember("nokey", 5) == []


@pytest.mark.parametrize("args, message", [
    (("x",), "value is not an integer or out of range"),
    (("-9223372036854775808",), "value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
    (("1", "2"), "syntax error"),
])
def test_srandmember_errors(r, args, message):
    r.sadd("s", "a")
    assert error_text(lambda: r.execute_command("SRANDMEMBER", "s", *args)) == message


def test_smove(sets):
    assert sets.smove("s1", "s2", "a") is True
    assert sets.sismember("s1", "a") == 0
    assert sets.sismember("s2", "a") == 1
    assert sets.smove("s1", "s2", "zz") is False
    assert sets.smove("nokey", "s2", "a") is False


def test_smove_last_member_deletes_source_and_creates_destination(rd):
    rd.sadd("src", "x")
    assert rd.smove("src", "new", "x") is True
    assert rd.exists("src") == 0
    assert rd.smembers("new") == {"x"}


def test_smove_to_same_set_reports_membership(rd):
    rd.sadd("s", "a")
    assert rd.smove("s", "s", "a") is True
    assert rd.smove("s", "s", "b") is False
    assert rd.smembers("s") == {"a"}


def test_smove_to_wrong_type_changes_nothing(r):
    r.sadd("s", "a")
    r.set("str", "x")
    assert error_text(lambda: r.smove("s", "str", "a")) == WRONGTYPE
    assert r.smembers("s") == {b"a"}


@pytest.mark.parametrize("command, keys, expected", [
    ("sinter", ["s1", "s2"], {"c", "d"}),
    ("sinter", ["s1", "s2", "s3"], {"c"}),
    ("sinter", ["s1", "nokey"], set()),
    ("sinter", ["s1"], {"a", "b", "c", "d"}),
    ("sunion", ["s1", "s2"], {"a", "b", "c", "d", "e"}),
    ("sunion", ["nokey", "s3"], {"a", "c", "e"}),
    ("sdiff", ["s1", "s2"], {"a", "b"}),
    ("sdiff", ["s1", "s2", "s3"], {"b"}),
    ("sdiff", ["nokey", "s1"], set()),
    ("sdiff", ["s1", "nokey"], {"a", "b", "c", "d"}),
])
def test_set_algebra(sets, command, keys, expected):
    assert getattr(sets, command)(keys) == expected


@pytest.mark.parametrize("command, keys, expected", [
    ("sinterstore", ["s1", "s2"], {"c", "d"}),
    ("sunionstore", ["s2", "s3"], {"a", "c", "d", "e"}),
    ("sdiffstore", ["s1", "s3"], {"b", "d"}),
])
def test_set_algebra_store_replaces_destination(sets, command, keys, expected):
    sets.set("dest", "was a string")
    sets.expire("dest", 100)
    assert getattr(sets, command)("dest", keys) == len(expected)
    assert sets.smembers("dest") == expected
    assert sets.ttl("dest") == -1


def test_store_with_empty_result_deletes_destination(sets):
    sets.sadd("dest", "old")
    assert sets.sinterstore("dest", ["s1", "nokey"]) == 0
    assert sets.exists("dest") == 0


def test_store_into_one_of_its_sources(sets):
    assert sets.sunionstore("s1", ["s1", "s2"]) == 5
    assert sets.smembers("s1") == {"a", "b", "c", "d", "e"}


@pytest.mark.parametrize("command", ["sinter", "sunion", "sdiff"])
def test_set_algebra_with_wrong_type_anywhere(sets, command):
    sets.set("str", "x")
    assert error_text(lambda: getattr(sets, command)(["s1", "nokey", "str"])) == WRONGTYPE


@pytest.mark.parametrize("keys, limit, expected", [
    (["s1", "s2"], 0, 2),
    (["s1", "s2"], 1, 1),
    (["s1", "s2", "s3"], 0, 1),
    (["s1", "nokey"], 0, 0),
    (["s1"], 3, 3),
])
def test_sintercard(sets, keys, limit, expected):
    assert sets.sintercard(len(keys), keys, limit=limit) == expected


@pytest.mark.parametrize("args, message", [
    (("0", "s1"), "numkeys should be greater than 0"),
    (("x", "s1"), "numkeys should be greater than 0"),
    (("3", "s1", "s2"), "Number of keys can't be greater than number of args"),
    (("2", "s1", "s2", "LIMIT", "-1"), "LIMIT can't be negative"),
    (("2", "s1", "s2", "LIMIT", "x"), "LIMIT can't be negative"),
    (("2", "s1", "s2", "FOO"), "syntax error"),
])
def test_sintercard_errors(sets, args, message):
    assert error_text(lambda: sets.execute_command("SINTERCARD", *args)) == message


@pytest.mark.parametrize("args", [
    ("SADD", "str", "a"), ("SREM", "str", "a"), ("SMEMBERS", "str"), ("SISMEMBER", "str", "a"),
    ("SMISMEMBER", "str", "a"), ("SCARD", "str"), ("SPOP", "str"), ("SRANDMEMBER", "str"),
    ("SINTERSTORE", "d", "str"), ("SINTERCARD", "1", "str"), ("SSCAN", "str", "0"),
])
def test_set_commands_on_a_string_are_wrongtype(r, args):
    r.set("str", "x")
    assert error_text(lambda: r.execute_command(*args)) == WRONGTYPE
    assert r.get("str") == b"x"


@pytest.mark.parametrize("args", [
    ("SADD", "s"), ("SREM", "s"), ("SMISMEMBER", "s"), ("SINTER",), ("SINTERSTORE", "d"),
    ("SMOVE", "a", "b"), ("SINTERCARD", "1"), ("SSCAN", "s"),
])
def test_set_wrong_number_of_arguments(r, args):
    assert error_text(lambda: r.execute_command(*args)) == f"wrong number of arguments for '{args[0].lower()}' command"


def test_sscan_covers_every_member(rd):
    members = {f"member:{i}" for i in range(200)}
    rd.sadd("s", *members)
    assert set(rd.sscan_iter("s", count=20)) == members


def test_sscan_with_count_one_pages_until_cursor_zero(rd):
    members = {f"m{i}" for i in range(30)}
    rd.sadd("s", *members)
    seen, cursor, calls = set(), 0, 0
    while True:
        cursor, page = rd.sscan("s", cursor, count=1)
        seen.update(page)
        calls += 1
        if cursor == 0:
            break
    assert seen == members
    assert calls > 1


def test_sscan_integer_set_comes_back_whole(rd):
    rd.sadd("s", *range(100))
    cursor, page = rd.sscan("s", 0, count=5)
    assert cursor == 0
    assert sorted(map(int, page)) == list(range(100))


def test_sscan_match(rd):
    rd.sadd("s", "apple", "apricot", "banana", "avocado")
    assert set(rd.sscan_iter("s", match="ap*")) == {"apple", "apricot"}
    assert set(rd.sscan_iter("s", match="*an*")) == {"banana"}
    assert set(rd.sscan_iter("s", match="a[pv]*")) == {"apple", "apricot", "avocado"}


def test_sscan_members_present_throughout_are_returned_despite_changes(rd):
    stable = {f"keep{i}" for i in range(100)}
    rd.sadd("s", *stable)
    rd.sadd("s", *[f"drop{i}" for i in range(100)])
    seen, cursor, n = set(), 0, 0
    while True:
        cursor, page = rd.sscan("s", cursor, count=10)
        seen.update(page)
        rd.srem("s", f"drop{n}", f"drop{n + 50}")
        rd.sadd("s", f"new{n}")
        n += 1
        if cursor == 0:
            break
    assert stable <= seen


@pytest.mark.parametrize("args, message", [
    (("x",), "invalid cursor"),
    (("18446744073709551616",), "invalid cursor"),
    (("0", "COUNT", "0"), "syntax error"),
    (("0", "COUNT", "x"), "value is not an integer or out of range"),
    (("0", "MATCH"), "syntax error"),
])
def test_sscan_errors(r, args, message):
    r.sadd("s", "a")
    assert error_text(lambda: r.execute_command("SSCAN", "s", *args)) == message


def test_sscan_missing_key(r):
    assert r.sscan("nokey", 0) == (0, [])


def test_resp3_set_replies(r3):
    r3.sadd("a", "x", "y")
    r3.sadd("b", "y", "z")
    assert r3.smembers("a") == {"x", "y"}
    assert r3.sinter(["a", "b"]) == {"y"}
    assert r3.sunion(["a", "b"]) == {"x", "y", "z"}
    assert r3.sdiff(["a", "b"]) == {"x"}
    assert sorted(r3.srandmember("a", 2)) == ["x", "y"]
    assert sorted(r3.spop("a", 5)) == ["x", "y"]
    assert r3.spop("a", 5) == []


def test_sadd_in_pipeline_then_read(r):
    pipe = r.pipeline(transaction=False)
    pipe.sadd("s", "a", "b").sadd("s", "b", "c").scard("s").srem("s", "a", "b", "c").exists("s")
    assert pipe.execute() == [2, 1, 3, 3, 0]


# -- reply shapes, RESP2 and RESP3, as the connection parses them (before redis-py's callbacks) --

def raw(c, *args):
    conn = connection_of(c)
    try:
        conn.send_command(*args)
        return conn.read_response()
    finally:
        c.connection_pool.release(conn)


@pytest.mark.parametrize("protocol", [2, 3])
@pytest.mark.parametrize("command, expected", [
    (("SMEMBERS", "s"), ["a"]),
    (("SMEMBERS", "nokey"), []),
    (("SPOP", "s", "1"), ["a"]),
    (("SPOP", "s"), "a"),
    (("SPOP", "nokey"), None),
    (("SPOP", "nokey", "2"), []),
    (("SRANDMEMBER", "s", "-2"), ["a", "a"]),
    (("SRANDMEMBER", "nokey"), None),
    (("SINTER", "s", "t"), ["a"]),
    (("SUNION", "s"), ["a"]),
    (("SDIFF", "s", "t"), []),
    (("SMISMEMBER", "s", "a", "b"), [1, 0]),
    (("SISMEMBER", "s", "a"), 1),
    (("SSCAN", "s", "0"), ["0", ["a"]]),
    (("SINTERCARD", "2", "s", "t"), 1),
    (("SMOVE", "s", "t", "a"), 1),
])
def test_reply_shapes(client, protocol, command, expected):
    c = client(protocol=protocol, decode_responses=True)
    c.sadd("s", "a")
    c.sadd("t", "a")
    assert raw(c, *command) == expected


def test_integer_set_lists_members_in_numeric_order(r):
    r.sadd("s", 30, -5, 7, 100, 0)
    conn = connection_of(r)
    try:
        conn.send_command("SMEMBERS", "s")
        assert conn.read_response() == [b"-5", b"0", b"7", b"30", b"100"]
    finally:
        r.connection_pool.release(conn)
    assert r.srandmember("s", 10) == [b"-5", b"0", b"7", b"30", b"100"]
