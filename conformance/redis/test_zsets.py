"""Sorted sets through redis-py: ZADD flags, ranges by rank/score/lex, ranks, pops (blocking
too), random members, union/intersection/difference, ZSCAN, RESP3 shapes and error texts."""
import math
import os
import subprocess
import sys
import threading
import time

import pytest
import redis

from conformance import harness

from .conftest import connection_of

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NAN = "resulting score is not a number (NaN)"


def raw(client, *args):
    """The reply as the connection parsed it, before redis-py's per-command callbacks."""
    conn = connection_of(client)
    try:
        conn.send_command(*args)
        return conn.read_response()
    finally:
        client.connection_pool.release(conn)


def error_text(call):
    with pytest.raises(redis.ResponseError) as e:
        call()
    return str(e.value)


@pytest.fixture
def r2(client):
    """RESP2 explicitly: redis-py 8 speaks RESP3 by default."""
    return client(protocol=2)


@pytest.fixture
def rd2(client):
    return client(protocol=2, decode_responses=True)


@pytest.fixture
def z(rd):
    rd.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
    return rd


@pytest.fixture
def lex(rd):
    rd.zadd("lex", {m: 0 for m in "abcdefg"})
    return rd


# -- ZADD -------------------------------------------------------------------------------------------

def test_zadd_counts_added_and_updates_scores(rd):
    assert rd.zadd("z", {"a": 1, "b": 2}) == 2
    assert rd.zadd("z", {"a": 10, "c": 3}) == 1
    assert rd.zrange("z", 0, -1, withscores=True) == [("b", 2.0), ("c", 3.0), ("a", 10.0)]


@pytest.mark.parametrize("kwargs, mapping, reply, after", [
    ({"nx": True}, {"a": 10, "x": 7}, 1, {"a": 1, "b": 2, "x": 7}),
    ({"xx": True}, {"a": 10, "x": 7}, 0, {"a": 10, "b": 2}),
    ({"xx": True, "ch": True}, {"a": 10, "b": 2, "x": 7}, 1, {"a": 10, "b": 2}),
    ({"ch": True}, {"a": 5, "b": 2, "x": 7}, 2, {"a": 5, "b": 2, "x": 7}),
    ({"gt": True}, {"a": 5, "b": 0, "x": 7}, 1, {"a": 5, "b": 2, "x": 7}),
    ({"lt": True}, {"a": 5, "b": 0, "x": 7}, 1, {"a": 1, "b": 0, "x": 7}),
    ({"gt": True, "ch": True}, {"a": 5, "b": 0}, 1, {"a": 5, "b": 2}),
    ({"xx": True, "gt": True, "ch": True}, {"a": 5, "b": 0, "x": 9}, 1, {"a": 5, "b": 2}),
])
def test_zadd_flags(rd, kwargs, mapping, reply, after):
    rd.zadd("z", {"a": 1, "b": 2})
    assert rd.zadd("z", mapping, **kwargs) == reply
    assert dict(rd.zrange("z", 0, -1, withscores=True)) == after


@pytest.mark.parametrize("kwargs, start, incr, reply", [
    ({}, 1, 2, 3.0),
    ({}, None, 2, 2.0),
    ({"nx": True}, 1, 2, None),
    ({"xx": True}, None, 2, None),
    ({"gt": True}, 1, -1, None),
    ({"gt": True}, 1, 1, 2.0),
    ({"lt": True}, 1, -1, 0.0),
    ({}, 1, float("inf"), float("inf")),
])
def test_zadd_incr(rd, kwargs, start, incr, reply):
    rd.zadd("other", {"x": 1})
    if start is not None:
        rd.zadd("z", {"m": start})
    assert rd.zadd("z", {"m": incr}, incr=True, **kwargs) == reply


def test_zadd_duplicate_member_in_one_call(rd):
    assert rd.execute_command("ZADD", "z", "1", "a", "2", "a") == 1
    assert rd.zscore("z", "a") == 2.0
    assert rd.execute_command("ZADD", "z", "CH", "5", "b", "6", "b") == 2
    assert rd.zscore("z", "b") == 6.0


def test_zadd_xx_on_missing_key_creates_nothing(r):
    assert r.zadd("z", {"a": 1}, xx=True) == 0
    assert r.exists("z") == 0


@pytest.mark.parametrize("args, message", [
    (("NX", "XX", "1", "a"), "XX and NX options at the same time are not compatible"),
    (("GT", "LT", "1", "a"), "GT, LT, and/or NX options at the same time are not compatible"),
    (("GT", "NX", "1", "a"), "GT, LT, and/or NX options at the same time are not compatible"),
    (("INCR", "1", "a", "2", "b"), "INCR option supports a single increment-element pair"),
    (("1", "a", "2"), "syntax error"),
    (("NX", "1"), "syntax error"),
    (("nan", "a"), "value is not a valid float"),
    (("x", "a"), "value is not a valid float"),
    ((" 1", "a"), "value is not a valid float"),
    (("1e400", "a"), "value is not a valid float"),
    (("1", "a", "y", "b"), "value is not a valid float"),
])
def test_zadd_errors_change_nothing(rd, args, message):
    rd.zadd("z", {"keep": 1})
    assert error_text(lambda: rd.execute_command("ZADD", "z", *args)) == message
    assert rd.zrange("z", 0, -1, withscores=True) == [("keep", 1.0)]


@pytest.mark.parametrize("score, expected", [
    ("0x10", 16.0), ("-inf", -math.inf), ("+inf", math.inf), ("1e3", 1000.0), (".5", 0.5), ("-0.25", -0.25),
])
def test_zadd_score_syntax(rd, score, expected):
    rd.execute_command("ZADD", "z", score, "m")
    assert rd.zscore("z", "m") == expected


def test_incr_to_nan_is_refused(rd):
    rd.zadd("z", {"m": math.inf})
    assert error_text(lambda: rd.execute_command("ZADD", "z", "INCR", "-inf", "m")) == NAN
    assert error_text(lambda: rd.zincrby("z", -math.inf, "m")) == NAN
    assert rd.zscore("z", "m") == math.inf


def test_zincrby(rd):
    assert rd.zincrby("z", 2.5, "m") == 2.5
    assert rd.zincrby("z", -1, "m") == 1.5
    assert error_text(lambda: rd.execute_command("ZINCRBY", "z", "x", "m")) == "value is not a valid float"


# -- reads --------------------------------------------------------------------------------------------

def test_zrem_zcard_and_empty_key_deletion(z):
    assert z.zrem("z", "a", "zz", "a") == 1
    assert z.zcard("z") == 4
    assert z.zrem("z", "b", "c", "d", "e") == 4
    assert z.exists("z") == 0
    assert z.zcard("z") == 0
    assert z.zrem("z", "a") == 0


def test_zscore_and_zmscore(z):
    assert z.zscore("z", "c") == 3.0
    assert z.zscore("z", "zz") is None
    assert z.zscore("nokey", "a") is None
    assert z.zmscore("z", ["a", "zz", "e"]) == [1.0, None, 5.0]
    assert z.zmscore("nokey", ["a"]) == [None]


def test_zscore_raw_reply_is_a_bulk_string_in_resp2(r2):
    r2.zadd("z", {"m": 2.5, "i": 3, "n": float("-inf")})
    assert raw(r2, "ZSCORE", "z", "m") == b"2.5"
    assert raw(r2, "ZSCORE", "z", "i") == b"3"
    assert raw(r2, "ZSCORE", "z", "n") == b"-inf"


@pytest.mark.parametrize("score, text", [(1.1, b"1.1000000000000001"), (1e20, b"1e+20"), (1e-06, b"9.9999999999999995e-07"),
                                         (-0.5, b"-0.5"), (3.0, b"3")])
def test_zscore_raw_reply_digits_are_redis_7_0s(r2, score, text):
    r2.zadd("z", {"m": score})
    assert raw(r2, "ZSCORE", "z", "m") == text


def test_zscore_parses_to_the_same_float(r2):
    r2.zadd("z", {"m": 1.1})
    assert r2.zscore("z", "m") == 1.1


@pytest.mark.parametrize("member, rank, revrank", [("a", 0, 4), ("c", 2, 2), ("e", 4, 0), ("zz", None, None)])
def test_zrank_zrevrank(z, member, rank, revrank):
    assert z.zrank("z", member) == rank
    assert z.zrevrank("z", member) == revrank


def test_ties_order_by_member_bytes(rd):
    rd.zadd("z", {"b": 1, "a": 1, "c": 0, "B": 1})
    assert rd.zrange("z", 0, -1) == ["c", "B", "a", "b"]
    assert rd.zrank("z", "a") == 2
    assert rd.zrevrange("z", 0, -1) == ["b", "a", "B", "c"]


def test_zrank_with_withscore_is_arity_error_in_7_0(z):
    assert error_text(lambda: z.execute_command("ZRANK", "z", "a", "WITHSCORE")) == "wrong number of arguments for 'zrank' command"


@pytest.mark.parametrize("lo, hi, expected", [
    ("-inf", "+inf", 5), ("2", "4", 3), ("(2", "4", 2), ("(2", "(4", 1), ("4", "2", 0), ("(1", "(1", 0),
    ("(", "3", 3), ("1e400", "+inf", 0),
])
def test_zcount(z, lo, hi, expected):
    assert z.zcount("z", lo, hi) == expected


@pytest.mark.parametrize("lo, hi, expected", [
    ("-", "+", 7), ("[b", "[d", 3), ("(b", "[d", 2), ("(b", "(d", 1), ("[d", "[b", 0), ("+", "-", 0), ("[", "(b", 1),
])
def test_zlexcount(lex, lo, hi, expected):
    assert lex.zlexcount("lex", lo, hi) == expected


# -- ZRANGE family ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("start, stop, expected", [
    (0, -1, ["a", "b", "c", "d", "e"]), (1, 2, ["b", "c"]), (-2, -1, ["d", "e"]), (-100, 0, ["a"]),
    (3, 100, ["d", "e"]), (3, 1, []), (5, 6, []),
])
def test_zrange_by_rank(z, start, stop, expected):
    assert z.zrange("z", start, stop) == expected


@pytest.mark.parametrize("kwargs, expected", [
    ({"desc": True}, ["e", "d", "c", "b", "a"]),
    ({"withscores": True}, [("a", 1.0), ("b", 2.0), ("c", 3.0), ("d", 4.0), ("e", 5.0)]),
])
def test_zrange_rank_options(z, kwargs, expected):
    assert z.zrange("z", 0, -1, **kwargs) == expected


@pytest.mark.parametrize("args, expected", [
    (("(1", "4", "BYSCORE"), ["b", "c", "d"]),
    (("-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"), ["b", "c"]),
    (("-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"), ["b", "c", "d", "e"]),
    (("-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"), []),
    (("4", "(1", "BYSCORE", "REV"), ["d", "c", "b"]),
    (("+inf", "-inf", "BYSCORE", "REV", "LIMIT", "0", "2"), ["e", "d"]),
    (("(1", "4", "BYSCORE", "REV"), []),
    (("2", "1", "REV"), []),
    (("1", "2", "REV"), ["d", "c"]),
    (("0", "0", "REV"), ["e"]),
    (("2", "3", "BYSCORE", "WITHSCORES"), [["b", 2.0], ["c", 3.0]]),
])
def test_zrange_generic_form(z, args, expected):
    assert z.execute_command("ZRANGE", "z", *args) == expected


@pytest.mark.parametrize("args, expected", [
    (("[b", "[d", "BYLEX"), ["b", "c", "d"]),
    (("(b", "+", "BYLEX", "LIMIT", "1", "2"), ["d", "e"]),
    (("+", "[e", "BYLEX", "REV"), ["g", "f", "e"]),
    (("[c", "-", "BYLEX", "REV", "LIMIT", "0", "2"), ["c", "b"]),
    (("-", "+", "BYLEX"), list("abcdefg")),
])
def test_zrange_bylex(lex, args, expected):
    assert lex.execute_command("ZRANGE", "lex", *args) == expected


@pytest.mark.parametrize("args, message", [
    (("0", "-1", "LIMIT", "0", "1"), "syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"),
    (("-", "+", "BYLEX", "WITHSCORES"), "syntax error, WITHSCORES not supported in combination with BYLEX"),
    (("0", "1", "BYSCORE", "BYLEX"), "syntax error"),
    (("0", "-1", "REV", "REV"), "syntax error"),
    (("0", "-1", "FOO"), "syntax error"),
    (("-inf", "+inf", "BYSCORE", "LIMIT", "0"), "syntax error"),
    (("a", "1", "BYSCORE"), "min or max is not a float"),
    (("nan", "1", "BYSCORE"), "min or max is not a float"),
    (("a", "+", "BYLEX"), "min or max not valid string range item"),
    (("x", "1"), "value is not an integer or out of range"),
    (("0", "1", "BYSCORE", "LIMIT", "x", "1"), "value is not an integer or out of range"),
])
def test_zrange_errors(z, args, message):
    assert error_text(lambda: z.execute_command("ZRANGE", "z", *args)) == message


@pytest.mark.parametrize("command, args, expected", [
    ("ZRANGEBYSCORE", ("2", "4"), ["b", "c", "d"]),
    ("ZRANGEBYSCORE", ("(2", "+inf", "LIMIT", "0", "2"), ["c", "d"]),
    ("ZRANGEBYSCORE", (" 1", "2"), ["a", "b"]),
    ("ZRANGEBYSCORE", ("0x1", "0x2"), ["a", "b"]),
    ("ZREVRANGEBYSCORE", ("4", "2"), ["d", "c", "b"]),
    ("ZREVRANGEBYSCORE", ("+inf", "(3", "WITHSCORES"), [["e", 5.0], ["d", 4.0]]),
    ("ZREVRANGEBYSCORE", ("+inf", "-inf", "WITHSCORES", "LIMIT", "1", "1"), [["d", 4.0]]),
    ("ZREVRANGE", ("0", "1"), ["e", "d"]),
    ("ZREVRANGE", ("-1", "-1", "WITHSCORES"), [["a", 1.0]]),
])
def test_legacy_range_commands(z, command, args, expected):
    assert z.execute_command(command, "z", *args) == expected


@pytest.mark.parametrize("command, args, expected", [
    ("ZRANGEBYLEX", ("[b", "(e"), ["b", "c", "d"]),
    ("ZRANGEBYLEX", ("-", "+", "LIMIT", "2", "2"), ["c", "d"]),
    ("ZREVRANGEBYLEX", ("+", "-", "LIMIT", "0", "3"), ["g", "f", "e"]),
    ("ZREVRANGEBYLEX", ("(d", "[b"), ["c", "b"]),
])
def test_lex_range_commands(lex, command, args, expected):
    assert lex.execute_command(command, "lex", *args) == expected


@pytest.mark.parametrize("command, args, message", [
    ("ZRANGEBYSCORE", ("1", "3", "REV"), "syntax error"),
    ("ZRANGEBYSCORE", ("a", "3"), "min or max is not a float"),
    ("ZRANGEBYLEX", ("a", "b"), "min or max not valid string range item"),
    ("ZRANGEBYLEX", ("[a", "+", "WITHSCORES"), "syntax error, WITHSCORES not supported in combination with BYLEX"),
    ("ZREVRANGE", ("0", "1", "LIMIT", "0", "1"), "syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"),
])
def test_legacy_range_errors(z, command, args, message):
    assert error_text(lambda: z.execute_command(command, "z", *args)) == message


def test_zrange_withscores_resp3_is_pairs_of_member_and_double(r3):
    r3.zadd("z", {"a": 1.5, "b": 2})
    assert r3.zrange("z", 0, -1, withscores=True) == [["a", 1.5], ["b", 2.0]]
    assert r3.zscore("z", "a") == 1.5
    assert r3.zmscore("z", ["a", "x"]) == [1.5, None]


def test_zrange_missing_key(r):
    assert r.zrange("nokey", 0, -1) == []
    assert r.zrangebyscore("nokey", "-inf", "+inf") == []


@pytest.mark.parametrize("args, reply, stored", [
    (("0", "1"), 2, [("a", 1.0), ("b", 2.0)]),
    (("(2", "+inf", "BYSCORE", "LIMIT", "0", "2"), 2, [("c", 3.0), ("d", 4.0)]),
    (("+inf", "4", "BYSCORE", "REV"), 2, [("d", 4.0), ("e", 5.0)]),
    (("5", "6"), 0, []),
])
def test_zrangestore(z, args, reply, stored):
    z.set("dst", "old")
    assert z.execute_command("ZRANGESTORE", "dst", "z", *args) == reply
    assert z.zrange("dst", 0, -1, withscores=True) == stored
    assert z.exists("dst") == (1 if stored else 0)


def test_zrangestore_rejects_withscores(z):
    assert error_text(lambda: z.execute_command("ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES")) == "syntax error"


# -- removing ranges ---------------------------------------------------------------------------------

@pytest.mark.parametrize("command, args, removed, left", [
    ("ZREMRANGEBYRANK", ("0", "1"), 2, ["c", "d", "e"]),
    ("ZREMRANGEBYRANK", ("-1", "-1"), 1, ["a", "b", "c", "d"]),
    ("ZREMRANGEBYRANK", ("3", "1"), 0, ["a", "b", "c", "d", "e"]),
    ("ZREMRANGEBYSCORE", ("(1", "3"), 2, ["a", "d", "e"]),
    ("ZREMRANGEBYSCORE", ("-inf", "+inf"), 5, []),
    ("ZREMRANGEBYLEX", ("[a", "[b"), 2, ["c", "d", "e"]),
])
def test_zremrange(z, command, args, removed, left):
    assert z.execute_command(command, "z", *args) == removed
    assert z.zrange("z", 0, -1) == left
    assert z.exists("z") == (1 if left else 0)


def test_zremrangebylex(lex):
    assert lex.zremrangebylex("lex", "(b", "[e") == 3
    assert lex.zrange("lex", 0, -1) == ["a", "b", "f", "g"]


@pytest.mark.parametrize("command, args, message", [
    ("ZREMRANGEBYRANK", ("x", "1"), "value is not an integer or out of range"),
    ("ZREMRANGEBYSCORE", ("a", "1"), "min or max is not a float"),
    ("ZREMRANGEBYLEX", ("a", "b"), "min or max not valid string range item"),
])
def test_zremrange_errors(z, command, args, message):
    assert error_text(lambda: z.execute_command(command, "z", *args)) == message
    assert z.zcard("z") == 5


# -- pops -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command, count, expected, left", [
    ("zpopmin", None, [("a", 1.0)], 4),
    ("zpopmax", None, [("e", 5.0)], 4),
    ("zpopmin", 2, [("a", 1.0), ("b", 2.0)], 3),
    ("zpopmax", 2, [("e", 5.0), ("d", 4.0)], 3),
    ("zpopmin", 10, [("a", 1.0), ("b", 2.0), ("c", 3.0), ("d", 4.0), ("e", 5.0)], 0),
    ("zpopmin", 0, [], 5),
])
def test_zpop(z, command, count, expected, left):
    assert getattr(z, command)("z", count) == expected
    assert z.zcard("z") == left
    assert z.exists("z") == (1 if left else 0)


def test_zpop_missing_key_is_empty(r):
    assert r.zpopmin("nokey") == []
    assert r.zpopmax("nokey", 3) == []


@pytest.mark.parametrize("args, message", [
    (("-1",), "value is out of range, must be positive"),
    (("x",), "value is out of range, must be positive"),
    (("1", "2"), "syntax error"),
])
def test_zpop_errors(z, args, message):
    assert error_text(lambda: z.execute_command("ZPOPMIN", "z", *args)) == message


def test_zpop_resp3_shapes(r3):
    r3.zadd("z", {"a": 1, "b": 2, "c": 3})
    assert r3.execute_command("ZPOPMIN", "z") == ["a", 1.0]
    assert r3.execute_command("ZPOPMAX", "z", "1") == [["c", 3.0]]
    assert r3.bzpopmin("z", timeout=1) == ["z", "b", 2.0]


def test_zpop_raw_resp2_is_flat(z):
    assert z.execute_command("ZPOPMIN", "z", "2") == [("a", 1.0), ("b", 2.0)]


@pytest.mark.parametrize("args, expected", [
    ((["z"], True, None), ["z", [["a", b"1"]]]),
    ((["nokey", "z"], False, 2), ["z", [["e", b"5"], ["d", b"4"]]]),
    ((["nokey"], True, None), None),
])
def test_zmpop(z, args, expected):
    keys, is_min, count = args
    kwargs = {"min": True} if is_min else {"max": True}
    if count:
        kwargs["count"] = count
    assert z.zmpop(len(keys), keys, **kwargs) == expected


@pytest.mark.parametrize("args, message", [
    (("0", "z", "MIN"), "numkeys should be greater than 0"),
    (("1", "z", "FOO"), "syntax error"),
    (("1", "z", "MIN", "COUNT", "0"), "count should be greater than 0"),
    (("2", "z", "MIN"), "syntax error"),
])
def test_zmpop_errors(z, args, message):
    assert error_text(lambda: z.execute_command("ZMPOP", *args)) == message


@pytest.mark.parametrize("args, message", [
    (("-1", "1", "z", "x", "MIN"), "syntax error"),
    (("x", "0", "z", "MIN"), "numkeys should be greater than 0"),
    (("x", "1", "z", "MIN", "COUNT", "x"), "count should be greater than 0"),
    (("x", "1", "z", "MIN"), "timeout is not a float or out of range"),
])
def test_bzmpop_reports_argument_errors_before_a_bad_timeout(z, args, message):
    assert error_text(lambda: z.execute_command("BZMPOP", *args)) == message


def test_zmpop_resp3_scores_are_doubles(r3):
    r3.zadd("z", {"a": 1.5})
    assert r3.zmpop(1, ["z"], min=True) == ["z", [["a", 1.5]]]


def test_bzpop_returns_at_once_or_times_out(z):
    assert z.bzpopmin(["nokey", "z"], timeout=1) == ("z", "a", 1.0)
    assert z.bzpopmax("z", timeout=1) == ("z", "e", 5.0)
    assert z.bzpopmin("nokey", timeout=0.1) is None
    assert z.bzmpop(0.1, 1, ["nokey"], min=True) is None


@pytest.mark.parametrize("args, message", [
    (("BZPOPMIN", "z", "x"), "timeout is not a float or out of range"),
    (("BZPOPMAX", "z", "-1"), "timeout is negative"),
    (("BZMPOP", "-1", "1", "z", "MIN"), "timeout is negative"),
])
def test_bzpop_errors(r, args, message):
    assert error_text(lambda: r.execute_command(*args)) == message


@pytest.mark.parametrize("command, args, expected", [
    ("BZPOPMIN", ("q", "5"), ["q", "m", 7.0]),
    ("BZPOPMAX", ("x", "q", "5"), ["q", "m", 7.0]),
    ("BZMPOP", ("5", "1", "q", "MAX"), ["q", [["m", b"7"]]]),
])
def test_bzpop_woken_by_zadd_from_another_client(client, command, args, expected):
    waiter, adder = client(decode_responses=True), client()

    def add():
        time.sleep(0.2)
        adder.zadd("q", {"m": 7})

    t = threading.Thread(target=add)
    start = time.monotonic()
    t.start()
    got = waiter.execute_command(command, *args)
    t.join()
    assert time.monotonic() - start >= 0.15
    assert [list(x) if isinstance(x, (list, tuple)) else x for x in got] == expected


# -- random ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("count, length, distinct", [(2, 2, True), (10, 5, True), (0, 0, True), (-8, 8, False)])
def test_zrandmember_counts(z, count, length, distinct):
    got = z.zrandmember("z", count)
    assert len(got) == length
    assert set(got) <= set("abcde")
    if distinct:
        assert len(set(got)) == length


def test_zrandmember_withscores_pairs_members_with_scores(z):
    flat = z.zrandmember("z", -6, withscores=True)
    assert len(flat) == 12
    scores = {"a": "1", "b": "2", "c": "3", "d": "4", "e": "5"}
    for m, s in zip(flat[::2], flat[1::2]):
        assert float(scores[m]) == float(s)


def test_zrandmember_without_count_and_missing_key(z):
    assert z.zrandmember("z") in set("abcde")
    assert z.zrandmember("nokey") is None
    assert z.zrandmember("nokey", 3) == []


def test_zrandmember_withscores_resp3(r3):
    r3.zadd("z", {"a": 1, "b": 2})
    assert sorted(r3.zrandmember("z", 2, withscores=True)) == [["a", 1.0], ["b", 2.0]]


@pytest.mark.parametrize("args, message", [
    (("x",), "value is not an integer or out of range"),
    (("2", "foo"), "syntax error"),
    (("1", "withscores", "x"), "syntax error"),
    (("-9223372036854775808",), "value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
    (("-4611686018427387904", "withscores"), "value is out of range"),
])
def test_zrandmember_errors(z, args, message):
    assert error_text(lambda: z.execute_command("ZRANDMEMBER", "z", *args)) == message


# -- algebra -----------------------------------------------------------------------------------------------

@pytest.fixture
def two(rd):
    rd.zadd("z1", {"a": 1, "b": 2, "c": 3})
    rd.zadd("z2", {"b": 20, "c": 30, "d": 40})
    rd.sadd("plain", "a", "d")
    return rd


@pytest.mark.parametrize("args, expected", [
    (("ZUNION", "2", "z1", "z2"), ["a", "1", "b", "22", "c", "33", "d", "40"]),
    (("ZUNION", "2", "z1", "z2", "AGGREGATE", "MIN"), ["a", "1", "b", "2", "c", "3", "d", "40"]),
    (("ZUNION", "2", "z1", "z2", "AGGREGATE", "max"), ["a", "1", "b", "20", "c", "30", "d", "40"]),
    (("ZUNION", "2", "z1", "z2", "WEIGHTS", "2", "0.5"), ["a", "2", "b", "14", "d", "20", "c", "21"]),
    (("ZUNION", "2", "z1", "plain"), ["d", "1", "a", "2", "b", "2", "c", "3"]),
    (("ZUNION", "2", "z1", "z2", "AGGREGATE", "MAX", "WEIGHTS", "1", "-1"), ["d", "-40", "a", "1", "b", "2", "c", "3"]),
    (("ZINTER", "2", "z1", "z2"), ["b", "22", "c", "33"]),
    (("ZINTER", "2", "z1", "z2", "AGGREGATE", "MAX"), ["b", "20", "c", "30"]),
    (("ZINTER", "2", "z1", "z2", "WEIGHTS", "10", "1", "AGGREGATE", "MIN"), ["b", "20", "c", "30"]),
    (("ZINTER", "2", "z1", "nokey"), []),
    (("ZINTER", "2", "z2", "plain"), ["d", "41"]),
    (("ZDIFF", "2", "z1", "z2"), ["a", "1"]),
    (("ZDIFF", "3", "z2", "z1", "plain"), []),
    (("ZDIFF", "2", "nokey", "z1"), []),
])
def test_zunion_zinter_zdiff(two, rd2, args, expected):
    assert raw(rd2, *args, "WITHSCORES") == expected
    assert raw(two, *args) == expected[::2]


@pytest.mark.parametrize("command, keys, kwargs, reply, stored", [
    ("zunionstore", ["z1", "z2"], {}, 4, [("a", 1.0), ("b", 22.0), ("c", 33.0), ("d", 40.0)]),
    ("zinterstore", ["z1", "z2"], {"aggregate": "MIN"}, 2, [("b", 2.0), ("c", 3.0)]),
    ("zinterstore", ["z1", "nokey"], {}, 0, []),
])
def test_algebra_store(two, command, keys, kwargs, reply, stored):
    two.set("dst", "old")
    assert getattr(two, command)("dst", keys, **kwargs) == reply
    assert two.zrange("dst", 0, -1, withscores=True) == stored
    assert two.exists("dst") == (1 if stored else 0)


def test_zdiffstore(two):
    assert two.zdiffstore("dst", ["z2", "z1"]) == 1
    assert two.zrange("dst", 0, -1, withscores=True) == [("d", 40.0)]


def test_infinite_weights_and_sums(rd):
    rd.zadd("p", {"a": math.inf, "b": 1})
    rd.zadd("n", {"a": -math.inf, "b": 0})
    assert rd.zunion(["p", "n"], withscores=True) == [("a", 0.0), ("b", 1.0)]
    assert rd.zunion({"p": 0, "n": 1}, withscores=True) == [("a", -math.inf), ("b", 0.0)]
    assert rd.zunion({"p": math.inf}, withscores=True) == [("a", math.inf), ("b", math.inf)]


@pytest.mark.parametrize("args, message", [
    (("ZUNIONSTORE", "d", "0", "z1"), "at least 1 input key is needed for 'zunionstore' command"),
    (("ZINTER", "0", "z1"), "at least 1 input key is needed for 'zinter' command"),
    (("ZUNION", "x", "z1"), "value is not an integer or out of range"),
    (("ZUNION", "3", "z1", "z2"), "syntax error"),
    (("ZUNION", "2", "z1", "z2", "WEIGHTS", "1"), "syntax error"),
    (("ZUNION", "2", "z1", "z2", "WEIGHTS", "1", "x"), "weight value is not a float"),
    (("ZUNION", "1", "z1", "WEIGHTS", "nan"), "weight value is not a float"),
    (("ZUNION", "2", "z1", "z2", "AGGREGATE", "AVG"), "syntax error"),
    (("ZUNIONSTORE", "d", "2", "z1", "z2", "WITHSCORES"), "syntax error"),
    (("ZDIFF", "2", "z1", "z2", "WEIGHTS", "1", "2"), "syntax error"),
    (("ZDIFFSTORE", "d", "2", "z1", "z2", "AGGREGATE", "SUM"), "syntax error"),
    (("ZINTERCARD", "0", "z1"), "at least 1 input key is needed for 'zintercard' command"),
    (("ZINTERCARD", "3", "z1", "z2"), "syntax error"),
    (("ZINTERCARD", "2", "z1", "z2", "LIMIT", "-1"), "LIMIT can't be negative"),
    (("ZINTERCARD", "2", "z1", "z2", "FOO"), "syntax error"),
])
def test_algebra_errors(two, args, message):
    assert error_text(lambda: two.execute_command(*args)) == message


def test_algebra_with_wrong_type_source(two):
    two.set("str", "x")
    assert error_text(lambda: two.zunion(["z1", "str"])) == WRONGTYPE
    assert error_text(lambda: two.zinterstore("dst", ["z1", "str"])) == WRONGTYPE
    assert two.exists("dst") == 0


@pytest.mark.parametrize("keys, limit, expected", [
    (["z1", "z2"], 0, 2), (["z1", "z2"], 1, 1), (["z1", "nokey"], 0, 0), (["z1", "plain"], 0, 1),
])
def test_zintercard(two, keys, limit, expected):
    assert two.zintercard(len(keys), keys, limit=limit) == expected


def test_zunion_withscores_resp3(r3):
    r3.zadd("a", {"x": 1})
    r3.zadd("b", {"x": 2, "y": 0.5})
    assert r3.zunion(["a", "b"], withscores=True) == [["y", 0.5], ["x", 3.0]]


# -- type errors and arity ------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("ZADD", "str", "1", "a"), ("ZINCRBY", "str", "1", "a"), ("ZREM", "str", "a"), ("ZCARD", "str"),
    ("ZSCORE", "str", "a"), ("ZMSCORE", "str", "a"), ("ZRANK", "str", "a"), ("ZCOUNT", "str", "0", "1"),
    ("ZRANGE", "str", "0", "-1"), ("ZRANGEBYLEX", "str", "-", "+"), ("ZREMRANGEBYRANK", "str", "0", "1"),
    ("ZPOPMIN", "str"), ("BZPOPMIN", "str", "0.01"), ("ZMPOP", "1", "str", "MIN"), ("ZRANDMEMBER", "str"),
    ("ZSCAN", "str", "0"), ("ZRANGESTORE", "d", "str", "0", "-1"), ("ZLEXCOUNT", "str", "-", "+"),
])
def test_zset_commands_on_a_string_are_wrongtype(r, args):
    r.set("str", "x")
    assert error_text(lambda: r.execute_command(*args)) == WRONGTYPE
    assert r.get("str") == b"x"


@pytest.mark.parametrize("args", [
    ("ZADD", "z", "1"), ("ZRANGE", "z", "0"), ("ZRANK", "z"), ("ZPOPMIN",), ("ZUNION", "1"),
    ("ZUNIONSTORE", "d", "1"), ("ZMPOP", "1", "z"), ("BZMPOP", "0", "1", "z"), ("ZINCRBY", "z", "1"),
    ("ZRANGESTORE", "d", "z", "0"),
])
def test_zset_wrong_number_of_arguments(r, args):
    assert error_text(lambda: r.execute_command(*args)) == f"wrong number of arguments for '{args[0].lower()}' command"


# -- ZSCAN ---------------------------------------------------------------------------------------------------

def test_zscan_small_set_is_one_page_with_scores(rd):
    rd.zadd("z", {"a": 1, "b": 2.5})
    assert rd.zscan("z", 0) == (0, [("a", 1.0), ("b", 2.5)])


def test_zscan_raw_scores_use_17_digits(rd):
    rd.zadd("z", {"x": 1.1, "y": 3})
    assert raw(rd, "ZSCAN", "z", "0") == ["0", ["x", "1.1000000000000001", "y", "3"]]


def test_zscan_iter_covers_large_set(rd):
    data = {f"member-{i}": float(i) for i in range(300)}
    rd.zadd("z", data)
    assert dict(rd.zscan_iter("z", count=40)) == data


def test_zscan_match(rd):
    rd.zadd("z", {"one": 1, "two": 2, "three": 3})
    assert dict(rd.zscan_iter("z", match="t*")) == {"two": 2.0, "three": 3.0}


@pytest.mark.parametrize("args, message", [
    (("x",), "invalid cursor"),
    (("0", "COUNT", "0"), "syntax error"),
    (("0", "FOO", "1"), "syntax error"),
])
def test_zscan_errors(z, args, message):
    assert error_text(lambda: z.execute_command("ZSCAN", "z", *args)) == message


def test_zadd_and_zrange_in_transaction(r):
    pipe = r.pipeline()
    pipe.zadd("z", {"a": 1}).zincrby("z", 2, "a").zrange("z", 0, -1, withscores=True).zpopmin("z").exists("z")
    assert pipe.execute() == [1, 3.0, [(b"a", 3.0)], [(b"a", 3.0)], 0]


# -- reply shapes, RESP2 and RESP3, as the connection parses them (before redis-py's callbacks) --

SAME = object()


@pytest.mark.parametrize("protocol", [2, 3])
@pytest.mark.parametrize("command, resp2, resp3", [
    (("ZRANGE", "z", "0", "-1", "WITHSCORES"), ["a", "1.5"], [["a", 1.5]]),
    (("ZRANGE", "z", "0", "-1"), ["a"], SAME),
    (("ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"), ["a", "1.5"], [["a", 1.5]]),
    (("ZREVRANGE", "z", "0", "-1", "WITHSCORES"), ["a", "1.5"], [["a", 1.5]]),
    (("ZSCORE", "z", "a"), "1.5", 1.5),
    (("ZSCORE", "z", "x"), None, SAME),
    (("ZMSCORE", "z", "a", "x"), ["1.5", None], [1.5, None]),
    (("ZINCRBY", "z", "1", "a"), "2.5", 2.5),
    (("ZADD", "z", "INCR", "1", "a"), "2.5", 2.5),
    (("ZADD", "z", "NX", "INCR", "1", "a"), None, SAME),
    (("ZPOPMIN", "z"), ["a", "1.5"], ["a", 1.5]),
    (("ZPOPMIN", "z", "1"), ["a", "1.5"], [["a", 1.5]]),
    (("ZPOPMAX", "nokey"), [], SAME),
    (("ZMPOP", "1", "z", "MIN"), ["z", [["a", "1.5"]]], ["z", [["a", 1.5]]]),
    (("ZMPOP", "1", "nokey", "MIN"), None, SAME),
    (("BZPOPMIN", "z", "1"), ["z", "a", "1.5"], ["z", "a", 1.5]),
    (("BZPOPMIN", "nokey", "0.01"), None, SAME),
    (("BZMPOP", "0.01", "1", "nokey", "MAX"), None, SAME),
    (("ZRANDMEMBER", "z", "1", "WITHSCORES"), ["a", "1.5"], [["a", 1.5]]),
    (("ZRANDMEMBER", "z", "-2"), ["a", "a"], SAME),
    (("ZUNION", "1", "z", "WITHSCORES"), ["a", "1.5"], [["a", 1.5]]),
    (("ZDIFF", "1", "z", "WITHSCORES"), ["a", "1.5"], [["a", 1.5]]),
    (("ZRANK", "z", "a"), 0, SAME),
    (("ZRANK", "z", "x"), None, SAME),
    (("ZSCAN", "z", "0"), ["0", ["a", "1.5"]], SAME),
    (("ZUNIONSTORE", "d", "1", "z"), 1, SAME),
])
def test_reply_shapes(client, protocol, command, resp2, resp3):
    c = client(protocol=protocol, decode_responses=True)
    c.zadd("z", {"a": 1.5})
    expected = resp2 if protocol == 2 or resp3 is SAME else resp3
    assert raw(c, *command) == expected


def test_zrandmember_count_over_size_lists_all_from_the_top(rd):
    rd.zadd("z", {"e": 5, "a": 1, "b": 1, "z": 9, "q": 0})
    assert rd.zrandmember("z", 10) == ["z", "e", "b", "a", "q"]


@pytest.mark.parametrize("command, args, expected", [
    ("ZRANGEBYLEX", ("[a", "[c"), ["c", "a"]),
    ("ZRANGEBYLEX", ("-", "[c"), ["c", "a"]),
    ("ZRANGEBYLEX", ("[b", "+"), ["c", "a", "d", "b"]),
    ("ZRANGEBYLEX", ("(c", "+"), []),
    ("ZREVRANGEBYLEX", ("[c", "-"), ["b", "d", "a", "c"]),
    ("ZREVRANGEBYLEX", ("+", "[d"), []),
    ("ZLEXCOUNT", ("-", "+"), 4),
    ("ZLEXCOUNT", ("[b", "[z"), 4),
])
def test_lex_ranges_over_mixed_scores_follow_redis_walk(rd, command, args, expected):
    # Lex ranges assume equal scores; with mixed scores Redis walks (score, member) order
    # from the first element inside the near end until one falls outside the far end.
    rd.zadd("z", {"c": 1, "a": 2, "d": 3, "b": 4})
    assert rd.execute_command(command, "z", *args) == expected


@pytest.mark.parametrize("args, message", [
    (("ZUNION", "2", "str", "nokey", "WEIGHTS", "1"), WRONGTYPE),
    (("ZUNIONSTORE", "d", "2", "nokey", "str", "WEIGHTS", "x", "y"), WRONGTYPE),
    (("ZINTERCARD", "2", "str", "nokey", "LIMIT", "x"), WRONGTYPE),
    (("ZINTERCARD", "2", "nokey", "nokey2", "LIMIT", "x"), "LIMIT can't be negative"),
    (("ZSCAN", "str", "0", "COUNT", "0"), WRONGTYPE),
    (("ZSCAN", "str", "x"), "invalid cursor"),
])
def test_error_precedence(r, args, message):
    # Redis reads the input keys before the options, and a SCAN cursor before the key.
    r.set("str", "x")
    assert error_text(lambda: r.execute_command(*args)) == message


@pytest.mark.parametrize("args", [
    ("ZSCAN", "nokey", "0", "COUNT", "0"), ("HSCAN", "nokey", "0", "FOO"), ("SSCAN", "nokey", "0", "MATCH"),
])
def test_scan_of_missing_key_answers_before_reading_options(r2, args):
    assert raw(r2, *args) == [b"0", []]


@pytest.mark.parametrize("args, message", [
    (("LPOS", "nokey", "a", "COUNT", "x"), "COUNT can't be negative"),
    (("LPOS", "nokey", "a", "MAXLEN", "x"), "MAXLEN can't be negative"),
    (("HSCAN", "str", "0", "COUNT", "0"), WRONGTYPE),
    (("SSCAN", "str", "x"), "invalid cursor"),
])
def test_error_precedence_other_families(r, args, message):
    r.set("str", "x")
    assert error_text(lambda: r.execute_command(*args)) == message


# -- a range read again and again (dotdo keeps small results until anything commits) ---------------

def test_a_repeated_range_read_sees_every_write_of_any_client_between_reads(r, client):
    other = client()
    r.zadd("lb", {"a": 1, "b": 2, "c": 3})
    assert r.zrange("lb", 0, 1) == [b"a", b"b"]
    assert r.zrange("lb", 0, 1) == [b"a", b"b"]
    other.zadd("lb", {"z": 0})
    assert r.zrange("lb", 0, 1) == [b"z", b"a"]
    other.zincrby("lb", 10, "z")
    assert r.zrange("lb", 0, 1, withscores=True) == [(b"a", 1.0), (b"b", 2.0)]
    assert r.zrevrange("lb", 0, 0) == [b"z"]
    reply = r.zrange("lb", 0, 1)
    reply.append(b"x")  # a reply is the caller's: changing it changes no later reply
    assert r.zrange("lb", 0, 1) == [b"a", b"b"]
    other.zrem("lb", "a")
    other.set("unrelated", "1")
    assert r.zrange("lb", 0, 1) == [b"b", b"c"]
    assert r.zrangebyscore("lb", 2, 3) == [b"b", b"c"]
    other.delete("lb")
    assert r.zrange("lb", 0, 1) == [] and r.zrangebyscore("lb", 2, 3) == []


def test_a_repeated_range_read_sees_a_write_of_another_process(target, r):
    r.zadd("lb", {"a": 1, "b": 2})
    assert r.zrange("lb", 0, 0) == [b"a"]
    if target == "real":
        make = f"redis.Redis.from_url({harness.real_url('redis')!r})"
    else:
        make = f"dotdo_redis.Redis(data={str(r.connection_pool.engine.store.path)!r})"
    code = f"import redis, dotdo_redis\nc = {make}\nc.zadd('lb', {{'first': 0}})\n"
    subprocess.run([sys.executable, "-c", code], env=dict(os.environ), check=True, timeout=60)
    assert r.zrange("lb", 0, 0) == [b"first"]
