"""Lists through redis-py: pushes, pops, ranges, edits, LPOS, moves, LMPOP, and blocking pops
woken by another client (a thread) and by another process."""
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import redis

from conformance import harness

from .conftest import connection_of

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def error_text(call):
    with pytest.raises(redis.ResponseError) as e:
        call()
    return str(e.value)


@pytest.fixture
def abc(rd):
    rd.rpush("l", "a", "b", "c", "d", "e")
    return rd


def test_lpush_prepends_in_argument_order(rd):
    assert rd.lpush("l", "a", "b", "c") == 3
    assert rd.lrange("l", 0, -1) == ["c", "b", "a"]


def test_rpush_appends(rd):
    assert rd.rpush("l", "a", "b") == 2
    assert rd.rpush("l", "c") == 3
    assert rd.lrange("l", 0, -1) == ["a", "b", "c"]


def test_lpushx_rpushx_only_touch_existing_lists(rd):
    assert rd.lpushx("l", "a") == 0
    assert rd.rpushx("l", "a") == 0
    assert rd.exists("l") == 0
    rd.rpush("l", "m")
    assert rd.lpushx("l", "a", "b") == 3
    assert rd.rpushx("l", "z") == 4
    assert rd.lrange("l", 0, -1) == ["b", "a", "m", "z"]


@pytest.mark.parametrize("command, count, expected, left", [
    ("lpop", None, "a", ["b", "c", "d", "e"]),
    ("rpop", None, "e", ["a", "b", "c", "d"]),
    ("lpop", 2, ["a", "b"], ["c", "d", "e"]),
    ("rpop", 2, ["e", "d"], ["a", "b", "c"]),
    ("lpop", 0, [], ["a", "b", "c", "d", "e"]),
    ("lpop", 10, ["a", "b", "c", "d", "e"], []),
    ("rpop", 10, ["e", "d", "c", "b", "a"], []),
])
def test_pops(abc, command, count, expected, left):
    assert getattr(abc, command)("l", count) == expected
    assert abc.lrange("l", 0, -1) == left
    assert abc.exists("l") == (1 if left else 0)


@pytest.mark.parametrize("count", [None, 0, 2])
def test_pop_of_missing_key_is_none(r, count):
    assert r.lpop("nokey", count) is None
    assert r.rpop("nokey", count) is None


@pytest.mark.parametrize("count", ["-1", "x"])
def test_pop_count_must_be_positive(abc, count):
    assert error_text(lambda: abc.execute_command("LPOP", "l", count)) == "value is out of range, must be positive"


def test_pop_with_too_many_arguments(abc):
    assert error_text(lambda: abc.execute_command("LPOP", "l", "1", "2")) == "wrong number of arguments for 'lpop' command"


@pytest.mark.parametrize("start, stop, expected", [
    (0, -1, ["a", "b", "c", "d", "e"]),
    (1, 2, ["b", "c"]),
    (-2, -1, ["d", "e"]),
    (-100, 1, ["a", "b"]),
    (3, 100, ["d", "e"]),
    (3, 1, []),
    (5, 10, []),
    (-1, -2, []),
])
def test_lrange(abc, start, stop, expected):
    assert abc.lrange("l", start, stop) == expected


@pytest.mark.parametrize("index, expected", [(0, "a"), (4, "e"), (-1, "e"), (-5, "a"), (5, None), (-6, None)])
def test_lindex(abc, index, expected):
    assert abc.lindex("l", index) == expected


def test_llen_and_missing_key_reads(r):
    assert r.llen("nokey") == 0
    assert r.lrange("nokey", 0, -1) == []
    assert r.lindex("nokey", 0) is None
    r.rpush("l", "a", "b")
    assert r.llen("l") == 2


@pytest.mark.parametrize("index, expected", [
    (0, ["X", "b", "c", "d", "e"]),
    (-1, ["a", "b", "c", "d", "X"]),
    (2, ["a", "b", "X", "d", "e"]),
])
def test_lset(abc, index, expected):
    assert abc.lset("l", index, "X") is True
    assert abc.lrange("l", 0, -1) == expected


@pytest.mark.parametrize("key, index, message", [
    ("l", 5, "index out of range"),
    ("l", -6, "index out of range"),
    ("nokey", 0, "no such key"),
])
def test_lset_errors(abc, key, index, message):
    assert error_text(lambda: abc.lset(key, index, "X")) == message


@pytest.mark.parametrize("where, pivot, expected_len, expected", [
    ("BEFORE", "a", 6, ["X", "a", "b", "c", "d", "e"]),
    ("AFTER", "a", 6, ["a", "X", "b", "c", "d", "e"]),
    ("BEFORE", "d", 6, ["a", "b", "c", "X", "d", "e"]),
    ("AFTER", "e", 6, ["a", "b", "c", "d", "e", "X"]),
    ("AFTER", "c", 6, ["a", "b", "c", "X", "d", "e"]),
    ("BEFORE", "zz", -1, ["a", "b", "c", "d", "e"]),
])
def test_linsert(abc, where, pivot, expected_len, expected):
    assert abc.linsert("l", where, pivot, "X") == expected_len
    assert abc.lrange("l", 0, -1) == expected
    assert abc.llen("l") == len(expected)
    assert [abc.lindex("l", i) for i in range(len(expected))] == expected


def test_linsert_uses_first_pivot_and_missing_key_is_zero(rd):
    rd.rpush("l", "a", "p", "b", "p")
    assert rd.linsert("l", "AFTER", "p", "X") == 5
    assert rd.lrange("l", 0, -1) == ["a", "p", "X", "b", "p"]
    assert rd.linsert("nokey", "BEFORE", "a", "X") == 0


def test_linsert_bad_position_is_syntax_error(abc):
    assert error_text(lambda: abc.execute_command("LINSERT", "l", "MIDDLE", "a", "X")) == "syntax error"


@pytest.mark.parametrize("count, removed, expected", [
    (0, 3, ["b", "c"]),
    (2, 2, ["b", "c", "a"]),
    (-2, 2, ["a", "b", "c"]),
    (-1, 1, ["a", "b", "a", "c"]),
    (1, 1, ["b", "a", "c", "a"]),
    (-2**63, 3, ["b", "c"]),  # the most negative count: every match, from the tail
])
def test_lrem(rd, count, removed, expected):
    rd.rpush("l", "a", "b", "a", "c", "a")
    assert rd.lrem("l", count, "a") == removed
    assert rd.lrange("l", 0, -1) == expected
    assert rd.lindex("l", -1) == expected[-1]
    assert rd.rpush("l", "z") == len(expected) + 1


def test_lrem_last_elements_deletes_key(rd):
    rd.rpush("l", "a", "a")
    assert rd.lrem("l", 0, "a") == 2
    assert rd.exists("l") == 0


@pytest.mark.parametrize("start, stop, expected", [
    (1, 3, ["b", "c", "d"]),
    (0, -2, ["a", "b", "c", "d"]),
    (-2, 100, ["d", "e"]),
    (3, 1, []),
])
def test_ltrim(abc, start, stop, expected):
    assert abc.ltrim("l", start, stop) is True
    assert abc.lrange("l", 0, -1) == expected
    assert abc.exists("l") == (1 if expected else 0)
    if expected:
        assert abc.lindex("l", 0) == expected[0]


@pytest.mark.parametrize("kwargs, expected", [
    ({}, 0),
    ({"rank": 2}, 3),
    ({"rank": -1}, 6),
    ({"rank": -2}, 3),
    ({"count": 0}, [0, 3, 6]),
    ({"count": 2}, [0, 3]),
    ({"rank": 2, "count": 5}, [3, 6]),
    ({"rank": -1, "count": 2}, [6, 3]),
    ({"maxlen": 3, "count": 0}, [0]),
    ({"maxlen": 4, "count": 0}, [0, 3]),
    ({"rank": -1, "maxlen": 2, "count": 0}, [6]),
    ({"rank": 4}, None),
])
def test_lpos(rd, kwargs, expected):
    rd.rpush("l", "a", "b", "c", "a", "b", "c", "a")
    assert rd.lpos("l", "a", **kwargs) == expected


def test_lpos_missing(rd):
    rd.rpush("l", "a")
    assert rd.lpos("l", "zz") is None
    assert rd.lpos("nokey", "a") is None
    assert rd.lpos("nokey", "a", count=0) == []


@pytest.mark.parametrize("args, message", [
    (("RANK", "0"), "RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"),
    (("RANK", "x"), "value is not an integer or out of range"),
    (("COUNT", "-1"), "COUNT can't be negative"),
    (("MAXLEN", "-1"), "MAXLEN can't be negative"),
    (("FOO", "1"), "syntax error"),
    (("RANK",), "syntax error"),
])
def test_lpos_errors(abc, args, message):
    assert error_text(lambda: abc.execute_command("LPOS", "l", "a", *args)) == message


@pytest.mark.parametrize("src_side, dst_side, value, src_after, dst_after", [
    ("LEFT", "LEFT", "a", ["b", "c"], ["a", "x"]),
    ("LEFT", "RIGHT", "a", ["b", "c"], ["x", "a"]),
    ("RIGHT", "LEFT", "c", ["a", "b"], ["c", "x"]),
    ("RIGHT", "RIGHT", "c", ["a", "b"], ["x", "c"]),
])
def test_lmove(rd, src_side, dst_side, value, src_after, dst_after):
    rd.rpush("src", "a", "b", "c")
    rd.rpush("dst", "x")
    assert rd.lmove("src", "dst", src_side, dst_side) == value
    assert rd.lrange("src", 0, -1) == src_after
    assert rd.lrange("dst", 0, -1) == dst_after


def test_lmove_rotates_same_list(rd):
    rd.rpush("l", "a", "b", "c")
    assert rd.lmove("l", "l", "LEFT", "RIGHT") == "a"
    assert rd.lrange("l", 0, -1) == ["b", "c", "a"]


def test_lmove_of_a_one_element_list_onto_itself_keeps_the_key_and_its_ttl(rd):
    rd.rpush("l", "only")
    rd.expire("l", 1000)
    assert rd.lmove("l", "l", "RIGHT", "LEFT") == "only"
    assert rd.rpoplpush("l", "l") == "only"
    assert rd.lrange("l", 0, -1) == ["only"]
    assert 0 < rd.ttl("l") <= 1000


def test_rpoplpush_moves_last_to_front_and_empties_source(rd):
    rd.rpush("src", "only")
    assert rd.rpoplpush("src", "dst") == "only"
    assert rd.exists("src") == 0
    assert rd.lrange("dst", 0, -1) == ["only"]
    assert rd.rpoplpush("src", "dst") is None


def test_lmove_to_wrong_type_changes_nothing(r):
    r.rpush("src", "a")
    r.set("dst", "str")
    assert error_text(lambda: r.lmove("src", "dst")) == WRONGTYPE
    assert r.lrange("src", 0, -1) == [b"a"]


def test_lmove_bad_direction(r):
    r.rpush("src", "a")
    assert error_text(lambda: r.execute_command("LMOVE", "src", "dst", "UP", "LEFT")) == "syntax error"


@pytest.mark.parametrize("args, expected", [
    ((["l1", "l2"], "LEFT"), ["l1", ["a"]]),
    ((["nokey", "l2"], "RIGHT"), ["l2", ["z"]]),
    ((["nokey", "l2"], "LEFT", 2), ["l2", ["x", "y"]]),
    ((["l1"], "LEFT", 10), ["l1", ["a", "b"]]),
    ((["nokey"], "LEFT"), None),
])
def test_lmpop(rd, args, expected):
    rd.rpush("l1", "a", "b")
    rd.rpush("l2", "x", "y", "z")
    keys, direction, *count = args
    kwargs = {"count": count[0]} if count else {}
    assert rd.lmpop(len(keys), *keys, direction=direction, **kwargs) == expected


@pytest.mark.parametrize("args, message", [
    (("0", "l", "LEFT"), "numkeys should be greater than 0"),
    (("x", "l", "LEFT"), "numkeys should be greater than 0"),
    (("1", "l", "MIDDLE"), "syntax error"),
    (("1", "l", "LEFT", "COUNT", "0"), "count should be greater than 0"),
    (("1", "l", "LEFT", "COUNT", "-1"), "count should be greater than 0"),
    (("2", "l", "LEFT"), "syntax error"),
    (("1", "l", "LEFT", "FOO"), "syntax error"),
    (("1", "l", "LEFT", "COUNT", "1", "COUNT", "2"), "syntax error"),
])
def test_lmpop_errors(abc, args, message):
    assert error_text(lambda: abc.execute_command("LMPOP", *args)) == message


@pytest.mark.parametrize("args, message", [
    (("-1", "1", "l", "x", "LEFT"), "syntax error"),
    (("x", "0", "l", "LEFT"), "numkeys should be greater than 0"),
    (("-1", "1", "l", "LEFT", "COUNT", "0"), "count should be greater than 0"),
    (("-1", "1", "l", "LEFT"), "timeout is negative"),
])
def test_blmpop_reports_argument_errors_before_a_bad_timeout(abc, args, message):
    assert error_text(lambda: abc.execute_command("BLMPOP", *args)) == message


@pytest.mark.parametrize("args, message", [
    (("LRANGE", "l", "a", "1"), "value is not an integer or out of range"),
    (("LINDEX", "l", "x"), "value is not an integer or out of range"),
    (("LTRIM", "l", "x", "1"), "value is not an integer or out of range"),
    (("LREM", "l", "x", "a"), "value is not an integer or out of range"),
    (("LSET", "l", "x", "v"), "value is not an integer or out of range"),
])
def test_integer_argument_errors(abc, args, message):
    assert error_text(lambda: abc.execute_command(*args)) == message


@pytest.mark.parametrize("args", [
    ("LPUSH", "s", "a"), ("RPUSH", "s", "a"), ("LPUSHX", "s", "a"), ("LPOP", "s"), ("RPOP", "s", "2"),
    ("LLEN", "s"), ("LRANGE", "s", "0", "-1"), ("LINDEX", "s", "0"), ("LSET", "s", "0", "x"),
    ("LINSERT", "s", "BEFORE", "a", "b"), ("LREM", "s", "0", "a"), ("LTRIM", "s", "0", "1"),
    ("LPOS", "s", "a"), ("LMPOP", "1", "s", "LEFT"), ("BLPOP", "s", "0.01"), ("RPOPLPUSH", "s", "d"),
])
def test_list_commands_on_a_string_are_wrongtype(r, args):
    r.set("s", "str")
    assert error_text(lambda: r.execute_command(*args)) == WRONGTYPE
    assert r.get("s") == b"str"


@pytest.mark.parametrize("args", [
    ("LPUSH", "l"), ("LPOP",), ("LRANGE", "l", "0"), ("LINSERT", "l", "BEFORE", "a"), ("LMOVE", "a", "b", "LEFT"),
    ("BLPOP", "l"), ("BLMOVE", "a", "b", "LEFT", "LEFT"), ("LMPOP", "1", "l"), ("BLMPOP", "0", "1", "l"),
])
def test_list_wrong_number_of_arguments(r, args):
    assert error_text(lambda: r.execute_command(*args)) == f"wrong number of arguments for '{args[0].lower()}' command"


# -- blocking ---------------------------------------------------------------------------------

def test_blpop_returns_at_once_when_data_is_there(rd):
    rd.rpush("l2", "x", "y")
    assert rd.blpop(["l1", "l2"], timeout=1) == ("l2", "x")
    assert rd.brpop(["l1", "l2"], timeout=1) == ("l2", "y")
    assert rd.exists("l2") == 0


def test_blpop_times_out_with_none(r):
    start = time.monotonic()
    assert r.blpop(["nokey"], timeout=0.2) is None
    assert time.monotonic() - start >= 0.15


def test_blmove_and_brpoplpush_time_out_with_none(r):
    assert r.blmove("nokey", "dst", 0.1, "LEFT", "RIGHT") is None
    assert r.brpoplpush("nokey", "dst", 0.1) is None
    assert r.exists("dst") == 0


def test_blmpop_times_out_with_none(r):
    assert r.blmpop(0.1, 2, "a", "b", direction="LEFT") is None


@pytest.mark.parametrize("args, message", [
    (("BLPOP", "l", "-1"), "timeout is negative"),
    (("BLPOP", "l", "x"), "timeout is not a float or out of range"),
    (("BLPOP", "l", "inf"), "timeout is negative"),
    (("BRPOP", "l", "-0.5"), "timeout is negative"),
    (("BLMOVE", "a", "b", "LEFT", "LEFT", "-1"), "timeout is negative"),
    (("BRPOPLPUSH", "a", "b", "-1"), "timeout is negative"),
    (("BLMPOP", "-1", "1", "l", "LEFT"), "timeout is negative"),
    (("BLMPOP", "0.1", "0", "l", "LEFT"), "numkeys should be greater than 0"),
])
def test_blocking_timeout_errors(r, args, message):
    assert error_text(lambda: r.execute_command(*args)) == message


def test_blpop_in_multi_does_not_block(r):
    pipe = r.pipeline(transaction=True)
    pipe.blpop(["nokey"], timeout=0)
    pipe.rpush("other", "x")
    assert pipe.execute() == [None, 1]


def test_blpop_in_plain_pipeline_blocks_until_pushed(client):
    waiter, pusher = client(), client()
    t = _push_later(pusher, 0.2, "RPUSH", "q", "late")
    pipe = waiter.pipeline(transaction=False)
    pipe.rpush("other", "x").blpop("q", timeout=5).llen("other")
    start = time.monotonic()
    assert pipe.execute() == [1, (b"q", b"late"), 1]
    assert time.monotonic() - start >= 0.15
    t.join()


def _push_later(c, delay, *args):
    def run():
        time.sleep(delay)
        c.execute_command(*args)

    t = threading.Thread(target=run)
    t.start()
    return t


@pytest.mark.parametrize("command, args, push, expected", [
    ("BLPOP", ("q", 5), ("RPUSH", "q", "hello"), ["q", "hello"]),
    ("BRPOP", ("a", "q", 5), ("RPUSH", "q", "x", "y"), ["q", "y"]),
    ("BLMOVE", ("q", "dst", "LEFT", "RIGHT", 5), ("RPUSH", "q", "moved"), "moved"),
    ("BRPOPLPUSH", ("q", "dst", 5), ("LPUSH", "q", "moved"), "moved"),
    ("BLMPOP", (5, 2, "a", "q", "LEFT", "COUNT", 2), ("RPUSH", "q", "1", "2", "3"), ["q", ["1", "2"]]),
])
def test_blocking_pop_woken_by_push_from_another_client(client, command, args, push, expected):
    waiter, pusher = client(decode_responses=True), client(decode_responses=True)
    start = time.monotonic()
    t = _push_later(pusher, 0.2, *push)
    got = waiter.execute_command(command, *args)
    elapsed = time.monotonic() - start
    t.join()
    assert (list(got) if isinstance(got, (tuple, list)) else got) == expected
    assert 0.15 <= elapsed < 4


def test_blpop_forever_is_woken(client):
    waiter, pusher = client(), client()
    t = _push_later(pusher, 0.2, "LPUSH", "q", "v")
    assert waiter.blpop("q", timeout=0) == (b"q", b"v")
    t.join()


def test_only_one_of_two_blocked_clients_gets_a_single_element(client):
    a, b, pusher = client(), client(), client()
    results = []
    threads = [threading.Thread(target=lambda c=c: results.append(c.blpop("q", timeout=1))) for c in (a, b)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    pusher.rpush("q", "one")
    for t in threads:
        t.join()
    assert sorted(results, key=lambda x: x is None) == [(b"q", b"one"), None]


def _subprocess_pusher(target, r, delay, key, value):
    if target == "real":
        url = harness.real_url("redis")
        make = f"redis.Redis.from_url({url!r})"
    else:
        data = r.connection_pool.engine.store.path
        make = f"dotdo_redis.Redis(data={str(data)!r})"
    code = textwrap.dedent(f"""
        import time, redis, dotdo_redis
        c = {make}
        time.sleep({delay})
        c.rpush({key!r}, {value!r})
    """)
    return subprocess.Popen([sys.executable, "-c", code], env=dict(os.environ))


@pytest.mark.parametrize("command, args, expected", [
    ("BLPOP", ("q", 10), [b"q", b"from-process"]),
    ("BLMOVE", ("q", "dst", "RIGHT", "LEFT", 10), b"from-process"),
])
def test_blocking_pop_woken_by_push_from_another_process(target, r, command, args, expected):
    proc = _subprocess_pusher(target, r, 0.2, "q", "from-process")
    try:
        got = r.execute_command(command, *args)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == 0
    assert (list(got) if isinstance(got, (tuple, list)) else got) == expected


def test_blpop_resp3_shapes(r3):
    r3.rpush("q", "a")
    assert r3.blpop("q", timeout=1) == ["q", "a"]
    assert r3.blpop("q", timeout=0.05) is None
    r3.rpush("q", "a", "b")
    assert r3.lmpop(1, "q", direction="RIGHT", count=5) == ["q", ["b", "a"]]
    assert r3.lpop("q", 2) is None


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
    (("LPOP", "nokey"), None),
    (("LPOP", "nokey", "2"), None),
    (("LPOP", "l", "0"), []),
    (("RPOP", "l", "1"), ["b"]),
    (("BLPOP", "nokey", "0.01"), None),
    (("BLPOP", "l", "0.01"), ["l", "a"]),
    (("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0.01"), None),
    (("LPOS", "l", "a", "COUNT", "0"), [0]),
    (("LPOS", "l", "x"), None),
    (("LMPOP", "1", "l", "LEFT"), ["l", ["a"]]),
    (("LMPOP", "1", "nokey", "LEFT"), None),
    (("BLMPOP", "0.01", "1", "nokey", "LEFT"), None),
    (("LSET", "l", "0", "z"), "OK"),
    (("LTRIM", "l", "0", "0"), "OK"),
    (("LRANGE", "nokey", "0", "-1"), []),
    (("LINSERT", "l", "AFTER", "a", "x"), 3),
])
def test_reply_shapes(client, protocol, command, expected):
    c = client(protocol=protocol, decode_responses=True)
    c.rpush("l", "a", "b")
    assert raw(c, *command) == expected


@pytest.mark.parametrize("timeout", ["0.0001", "0.001", "1e-3"])
def test_sub_millisecond_timeouts_round_up_instead_of_blocking_forever(r, timeout):
    start = time.monotonic()
    assert r.execute_command("BLPOP", "nokey", timeout) is None
    assert time.monotonic() - start < 2


def test_blocking_pops_in_scripts(r):
    # Redis 7.0 marks BLPOP/BRPOP/BLMOVE/BRPOPLPUSH/BZPOPMIN/BZPOPMAX noscript; BLMPOP answers at once.
    with pytest.raises(redis.ResponseError) as e:
        r.eval("return redis.call('BLPOP', KEYS[1], 0)", 1, "nokey")
    assert str(e.value).startswith("This Redis command is not allowed from script")
    assert r.eval("return redis.call('BLMPOP', 0, 1, KEYS[1], 'LEFT')", 1, "nokey") is None
    r.rpush("q", "v")
    assert r.eval("return redis.call('BLMPOP', 0, 1, KEYS[1], 'LEFT')", 1, "q") == [b"q", [b"v"]]


def test_blocked_clients_are_served_in_the_order_they_blocked(client):
    pusher = client()
    got: dict[int, tuple] = {}

    def wait(i: int) -> None:
        got[i] = client().blpop("fifo", timeout=5)

    threads = []
    for i in range(4):
        t = threading.Thread(target=wait, args=(i,))
        t.start()
        threads.append(t)
        time.sleep(0.5)  # each blocks before the next (0.1 s was too short on a loaded, slow machine)
    for j in range(4):
        pusher.rpush("fifo", f"item{j}")
        time.sleep(0.05)
    for t in threads:
        t.join()
    assert [got[i] for i in range(4)] == [(b"fifo", f"item{j}".encode()) for j in range(4)]


@pytest.mark.parametrize("timeout, in_timeout_table", [(5, 1), (0, 0)])
def test_a_client_waiting_in_blpop_shows_as_blocked_in_info_and_client_list(client, timeout, in_timeout_table):
    waiter, watcher = client(), client()
    before = watcher.info("clients")
    ids = []

    def wait():
        ids.append(waiter.client_id())  # the id of the connection this thread blocks on
        waiter.blpop("q", timeout=timeout)

    t = threading.Thread(target=wait)
    t.start()
    try:
        assert harness.until(lambda: watcher.info("clients")["blocked_clients"] == before["blocked_clients"] + 1)
        waiter_id = ids[0]
        now = watcher.info("clients")
        assert now["clients_in_timeout_table"] == before["clients_in_timeout_table"] + in_timeout_table
        assert {c["id"]: c["flags"] for c in watcher.client_list()}[str(waiter_id)] == "b"
    finally:
        watcher.rpush("q", "x")
        t.join(5)
    assert harness.until(lambda: watcher.info("clients")["blocked_clients"] == before["blocked_clients"])
    assert {c["id"]: c["flags"] for c in watcher.client_list()}[str(waiter_id)] == "N"


# -- many pushes to one list in one pipeline (dotdo writes them out together) ---------------------

def test_pushes_in_one_pipeline_are_seen_by_every_later_command_in_it(r):
    pipe = r.pipeline(transaction=False)
    for i in range(6):
        pipe.rpush("q", f"r{i}")
    pipe.lpush("q", "l0", "l1").llen("q").lrange("q", 0, -1).lindex("q", -1)
    pipe.rpush("q", "after").rpushx("q", "x").lpop("q").rpop("q", 2).llen("q")
    assert pipe.execute() == [
        1, 2, 3, 4, 5, 6, 8, 8, [b"l1", b"l0", b"r0", b"r1", b"r2", b"r3", b"r4", b"r5"], b"r5",
        9, 10, b"l1", [b"x", b"after"], 7,
    ]
    assert r.lrange("q", 0, -1) == [b"l0", b"r0", b"r1", b"r2", b"r3", b"r4", b"r5"]


def test_a_list_pushed_to_and_then_overwritten_in_one_pipeline_is_the_new_value(r):
    pipe = r.pipeline(transaction=False)
    for i in range(5):
        pipe.rpush("q", i)
    pipe.set("q", "s").type("q").rpush("q", "late").get("q")
    replies = pipe.execute(raise_on_error=False)
    assert replies[:7] == [1, 2, 3, 4, 5, True, b"string"]
    assert isinstance(replies[7], redis.ResponseError) and str(replies[7]).startswith("WRONGTYPE")
    assert replies[8] == b"s"
    assert r.exists("q") == 1 and r.get("q") == b"s"


def test_pushes_then_a_script_and_a_blocking_pop_in_one_pipeline(r):
    pipe = r.pipeline(transaction=False)
    for v in "abcde":
        pipe.rpush("q", v)
    pipe.eval("return redis.call('LRANGE', KEYS[1], 0, -1)", 1, "q")
    pipe.blpop("q", timeout=1).llen("q")
    assert pipe.execute() == [1, 2, 3, 4, 5, [b"a", b"b", b"c", b"d", b"e"], (b"q", b"a"), 4]


def test_pushes_in_a_pipeline_break_another_clients_watch(client):
    a, b = client(), client()
    a.rpush("q", "0")
    with a.pipeline() as tx:
        tx.watch("q")
        pushes = b.pipeline(transaction=False)
        for i in range(5):
            pushes.rpush("q", i)
        pushes.execute()
        tx.multi()
        tx.llen("q")
        with pytest.raises(redis.WatchError):
            tx.execute()
    assert a.llen("q") == 6


def test_pushes_and_reads_in_one_packet_answer_in_order_on_the_wire(wire):
    w = wire()
    pushes = [("RPUSH", "q", str(i)) for i in range(6)]
    replies = w.pipeline(*pushes, ("LRANGE", "q", "0", "-1"), ("LPUSH", "q", "a"), ("LPUSH", "q", "b"),
                         ("LPUSH", "q", "c"), ("LLEN", "q"), ("LPOP", "q"), ("TYPE", "q"))
    assert replies == [b":%d\r\n" % (i + 1) for i in range(6)] + [
        b"*6\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n",
        b":7\r\n", b":8\r\n", b":9\r\n", b":9\r\n", b"$1\r\nc\r\n", b"+list\r\n",
    ]
    assert w.call("LRANGE", "q", "0", "1") == b"*2\r\n$1\r\nb\r\n$1\r\na\r\n"


def test_forty_pushes_at_both_ends_in_one_pipeline_keep_their_order(r):
    pipe = r.pipeline(transaction=False)
    for i in range(40):
        (pipe.rpush if i % 3 else pipe.lpush)("q", i)
    pipe.lrange("q", 0, -1)
    replies = pipe.execute()
    assert replies[:40] == list(range(1, 41))
    lefts = [str(i).encode() for i in range(40) if i % 3 == 0]
    rights = [str(i).encode() for i in range(40) if i % 3]
    assert replies[40] == lefts[::-1] + rights
    assert r.lrange("q", 0, -1) == replies[40]


def test_multi_value_pushes_at_both_ends_in_one_pipeline_keep_redis_order(r):
    r.rpush("mq", "m")  # written in an earlier batch: the pipeline's first push already takes the held path
    pipe = r.pipeline(transaction=False)
    pipe.lpush("mq", "a", "b").rpush("mq", "c", "d", "e").lpushx("mq", "f").rpushx("mq", "g", "h").lpush("mq", "i")
    pipe.lrange("mq", 0, -1).lpushx("mq-none", "x").lpush("mq", "j")
    assert pipe.execute() == [3, 6, 7, 9, 10, [b"i", b"f", b"b", b"a", b"m", b"c", b"d", b"e", b"g", b"h"], 0, 11]
    assert r.lrange("mq", 0, -1) == [b"j", b"i", b"f", b"b", b"a", b"m", b"c", b"d", b"e", b"g", b"h"]
    assert r.exists("mq-none") == 0


def test_pushes_held_in_one_packet_are_all_stored_on_the_wire(wire):
    w = wire()
    assert w.call("RPUSH", "wq", "m") == b":1\r\n"
    assert w.pipeline(("LPUSH", "wq", "a", "b"), ("RPUSH", "wq", "c"), ("LPUSH", "wq", "d")) == [b":3\r\n", b":4\r\n", b":5\r\n"]
    assert wire().call("LRANGE", "wq", "0", "-1") == b"*5\r\n$1\r\nd\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nm\r\n$1\r\nc\r\n"
    assert w.pipeline(("LPUSH", "wq", "e")) == [b":6\r\n"]  # a lone push, after the held ones were written
    assert w.call("LINDEX", "wq", "0") == b"$1\r\ne\r\n" and w.call("LLEN", "wq") == b":6\r\n"
