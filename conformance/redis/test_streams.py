"""Streams (Redis 7.0): XADD and trimming, ranges, XREAD (incl. BLOCK across clients and processes),
consumer groups, pending entries, claiming, XINFO — in redis-py's idiom, against real Redis and dotdo."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
import redis

from conformance import harness

from .conftest import connection_of


def raw(r, *args):
    """Send a command as typed; the reply as the protocol parser gives it (no redis-py callback), or the error text."""
    conn = connection_of(r)
    try:
        conn.send_command(*args)
        return conn.read_response()
    except redis.ResponseError as e:
        return f"ERR: {e}"
    finally:
        r.connection_pool.release(conn)


@pytest.fixture
def r2(client):
    """RESP2 explicitly (redis-py 8 speaks RESP3 by default)."""
    return client(protocol=2)


def fill(r, n, key="s", start=1):
    for i in range(start, start + n):
        r.xadd(key, {"n": i}, id=f"{i}-0")


# -- XADD -------------------------------------------------------------------------------

def test_xadd_returns_the_id_it_assigned_and_xrange_returns_fields_in_order(r):
    assert r.xadd("s", {"a": 1, "b": "two"}, id="5-1") == b"5-1"
    assert r.xrange("s") == [(b"5-1", {b"a": b"1", b"b": b"two"})]
    assert raw(r, "XRANGE", "s", "-", "+") == [[b"5-1", [b"a", b"1", b"b", b"two"]]]


def test_xadd_auto_id_uses_the_clock_and_increments_within_a_millisecond(r):
    before = int(time.time() * 1000)
    first = r.xadd("s", {"a": 1})
    second = r.xadd("s", {"a": 2})
    ms, seq = (int(x) for x in first.split(b"-"))
    assert before - 5 <= ms <= int(time.time() * 1000) + 5
    ms2, seq2 = (int(x) for x in second.split(b"-"))
    assert (ms2, seq2) > (ms, seq)


@pytest.mark.parametrize("ids, expected", [
    (["1-1", "1-*"], [b"1-1", b"1-2"]),
    (["5-*", "5-*", "6-*"], [b"5-0", b"5-1", b"6-0"]),
    (["0-*"], [b"0-1"]),
    (["7", "8"], [b"7-0", b"8-0"]),
    (["18446744073709551615-18446744073709551614", "18446744073709551615-*"],
     [b"18446744073709551615-18446744073709551614", b"18446744073709551615-18446744073709551615"]),
])
def test_xadd_explicit_and_partial_ids(r, ids, expected):
    assert [raw(r, "XADD", "s", i, "f", "v") for i in ids] == expected


@pytest.mark.parametrize("setup, args, error", [
    ([], ["XADD", "s", "0-0", "a", "1"], "The ID specified in XADD must be greater than 0-0"),
    (["2-0"], ["XADD", "s", "1-5", "a", "1"], "The ID specified in XADD is equal or smaller than the target stream top item"),
    (["2-0"], ["XADD", "s", "2-0", "a", "1"], "The ID specified in XADD is equal or smaller than the target stream top item"),
    (["2-0"], ["XADD", "s", "1-*", "a", "1"], "The ID specified in XADD is equal or smaller than the target stream top item"),
    (["5-18446744073709551615"], ["XADD", "s", "5-*", "a", "1"], "Elements are too large to be stored"),
    (["5-18446744073709551615"], ["XADD", "s", "MAXLEN", "0", "5-*", "a", "1"], "Elements are too large to be stored"),
    (["18446744073709551615-18446744073709551615"], ["XADD", "s", "*", "a", "1"],
     "The stream has exhausted the last possible ID, unable to add more items"),
    ([], ["XADD", "s", "abc", "a", "1"], "Invalid stream ID specified as stream command argument"),
    ([], ["XADD", "s", "1-x", "a", "1"], "Invalid stream ID specified as stream command argument"),
    ([], ["XADD", "s", "*", "a", "1", "b"], "wrong number of arguments for 'xadd' command"),
    ([], ["XADD", "s", "MAXLEN", "-1", "*", "a", "1"], "The MAXLEN argument must be >= 0."),
    ([], ["XADD", "s", "MAXLEN", "1", "LIMIT", "1", "*", "a", "1"], "syntax error, LIMIT cannot be used without the special ~ option"),
    ([], ["XADD", "s", "MAXLEN", "~", "1", "LIMIT", "-1", "*", "a", "1"], "The LIMIT argument must be >= 0."),
    ([], ["XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "a", "1"],
     "syntax error, MAXLEN and MINID options at the same time are not compatible"),
    ([], ["XADD", "s", "LIMIT", "1", "*", "a", "1"], "syntax error, LIMIT cannot be used without specifying a trimming strategy"),
    ([], ["XADD", "s", "MAXLEN", "x", "*", "a", "1"], "value is not an integer or out of range"),
])
def test_xadd_errors(r, setup, args, error):
    for i in setup:
        r.xadd("s", {"f": "v"}, id=i)
    assert raw(r, *args) == f"ERR: {error}"
    assert r.xlen("s") == len(setup)


def test_xadd_nomkstream_on_missing_key_returns_nil_and_creates_nothing(r):
    assert r.xadd("s", {"a": 1}, nomkstream=True) is None
    assert r.exists("s") == 0
    r.xadd("s", {"a": 1}, id="1-0")
    assert r.xadd("s", {"a": 2}, id="2-0", nomkstream=True) == b"2-0"


def test_xadd_against_a_string_is_wrongtype(r):
    r.set("str", "x")
    with pytest.raises(redis.ResponseError, match="^WRONGTYPE"):
        r.xadd("str", {"a": 1})


@pytest.mark.parametrize("n, kwargs, length", [
    (10, {"maxlen": 3, "approximate": False}, 3),
    (10, {"maxlen": 0, "approximate": False}, 0),
    (150, {"maxlen": 10, "approximate": True}, 50),
    (250, {"maxlen": 120, "approximate": True}, 150),
    (10, {"minid": "6-0", "approximate": False}, 5),
    (250, {"minid": "150-0", "approximate": True}, 150),
])
def test_xadd_trims_exactly_or_by_whole_nodes(r, n, kwargs, length):
    fill(r, n - 1)
    r.xadd("s", {"n": n}, id=f"{n}-0", **kwargs)
    assert r.xlen("s") == length
    assert r.xrange("s", count=1)[0][0] == f"{n - length + 1}-0".encode() if length else r.xrange("s") == []


# -- XTRIM ------------------------------------------------------------------------------

@pytest.mark.parametrize("args, removed, first", [
    (["MAXLEN", "5"], 245, b"246-0"),
    (["MAXLEN", "=", "5"], 245, b"246-0"),
    (["MAXLEN", "~", "5"], 200, b"201-0"),
    (["MAXLEN", "~", "5", "LIMIT", "100"], 100, b"101-0"),
    (["MAXLEN", "~", "5", "LIMIT", "99"], 0, b"1-0"),
    (["MINID", "120"], 119, b"120-0"),
    (["MINID", "~", "120"], 100, b"101-0"),
    (["MAXLEN", "300"], 0, b"1-0"),
])
def test_xtrim_strategies(r, args, removed, first):
    fill(r, 250)
    assert raw(r, "XTRIM", "s", *args) == removed
    assert r.xrange("s", count=1)[0][0] == first
    assert r.xlen("s") == 250 - removed


@pytest.mark.parametrize("args, error", [
    (["FOO", "1"], "syntax error"),
    (["LIMIT", "10"], "syntax error, LIMIT cannot be used without specifying a trimming strategy"),
    (["MAXLEN", "1", "LIMIT", "10"], "syntax error, LIMIT cannot be used without the special ~ option"),
    (["MINID", "bad"], "Invalid stream ID specified as stream command argument"),
    (["MAXLEN", "5", "extra"], "syntax error"),
])
def test_xtrim_errors(r, args, error):
    fill(r, 3)
    assert raw(r, "XTRIM", "s", *args) == f"ERR: {error}"
    assert r.xlen("s") == 3


def test_xtrim_of_missing_key_is_zero(r):
    assert r.xtrim("missing", maxlen=0, approximate=False) == 0


# -- XRANGE / XREVRANGE / XLEN / XDEL ------------------------------------------------------

@pytest.mark.parametrize("start, end, count, expected", [
    ("-", "+", None, [b"1-0", b"2-0", b"3-0", b"4-0", b"5-0"]),
    ("2", "4", None, [b"2-0", b"3-0", b"4-0"]),
    ("(2-0", "+", None, [b"3-0", b"4-0", b"5-0"]),
    ("-", "(4-0", None, [b"1-0", b"2-0", b"3-0"]),
    ("(1-0", "(5-0", 2, [b"2-0", b"3-0"]),
    ("3", "3", None, [b"3-0"]),
    ("4", "2", None, []),
    ("00002", "+", 1, [b"2-0"]),
    ("0-18446744073709551615", "2", None, [b"1-0", b"2-0"]),
])
def test_xrange_bounds(r, start, end, count, expected):
    fill(r, 5)
    assert [i for i, _ in r.xrange("s", start, end, count=count)] == expected


def test_xrevrange_walks_backwards_with_count(r):
    fill(r, 5)
    assert [i for i, _ in r.xrevrange("s", "+", "-", count=2)] == [b"5-0", b"4-0"]
    assert [i for i, _ in r.xrevrange("s", "(5-0", "(2-0")] == [b"4-0", b"3-0"]
    # An exclusive end with no sequence only excludes ms-18446744073709551615.
    assert [i for i, _ in r.xrevrange("s", "(5", "(2")] == [b"5-0", b"4-0", b"3-0"]


def test_xrange_count_zero_or_negative_is_a_null_reply(r):
    fill(r, 2)
    assert raw(r, "XRANGE", "s", "-", "+", "COUNT", "0") is None
    assert raw(r, "XRANGE", "s", "-", "+", "COUNT", "-3") is None
    assert raw(r, "XRANGE", "missing", "-", "+", "COUNT", "0") == []


@pytest.mark.parametrize("args, error", [
    (["(", "+"], "Invalid stream ID specified as stream command argument"),
    (["(-", "+"], "Invalid stream ID specified as stream command argument"),
    (["1-*", "+"], "Invalid stream ID specified as stream command argument"),
    (["18446744073709551616", "+"], "Invalid stream ID specified as stream command argument"),
    (["(18446744073709551615-18446744073709551615", "+"], "invalid start ID for the interval"),
    (["-", "(0-0"], "invalid end ID for the interval"),
    (["-", "+", "COUNT"], "syntax error"),
    (["-", "+", "LIMIT", "1"], "syntax error"),
    (["-", "+", "COUNT", "x"], "value is not an integer or out of range"),
])
def test_xrange_errors(r, args, error):
    fill(r, 1)
    assert raw(r, "XRANGE", "s", *args) == f"ERR: {error}"


def test_xlen_and_xdel(r):
    fill(r, 4)
    assert r.xlen("s") == 4
    assert r.xdel("s", "2-0", "3-0", "9-0") == 2
    assert r.xdel("s", "2-0") == 0
    assert r.xlen("s") == 2
    assert [i for i, _ in r.xrange("s")] == [b"1-0", b"4-0"]
    assert r.xlen("missing") == 0
    assert r.xdel("missing", "1-0") == 0


def test_xdel_with_a_bad_id_deletes_nothing(r):
    fill(r, 2)
    assert raw(r, "XDEL", "s", "1-0", "bad") == "ERR: Invalid stream ID specified as stream command argument"
    assert r.xlen("s") == 2


def test_emptied_stream_still_exists(r):
    fill(r, 2)
    r.xdel("s", "1-0", "2-0")
    assert r.exists("s") == 1
    assert r.type("s") == b"stream"
    assert r.xlen("s") == 0
    with pytest.raises(redis.ResponseError, match="equal or smaller"):
        r.xadd("s", {"a": 1}, id="1-0")


@pytest.mark.parametrize("command", [
    ["XLEN", "str"], ["XRANGE", "str", "-", "+"], ["XREVRANGE", "str", "+", "-"], ["XDEL", "str", "1-0"],
    ["XTRIM", "str", "MAXLEN", "0"], ["XREAD", "STREAMS", "str", "0"], ["XINFO", "STREAM", "str"],
    ["XGROUP", "CREATE", "str", "g", "0"], ["XACK", "str", "g", "1-0"], ["XPENDING", "str", "g"],
    ["XCLAIM", "str", "g", "c", "0", "1-0"], ["XAUTOCLAIM", "str", "g", "c", "0", "0"], ["XSETID", "str", "1-0"],
])
def test_stream_commands_on_a_string_are_wrongtype(r, command):
    r.set("str", "x")
    assert raw(r, *command) == "ERR: WRONGTYPE Operation against a key holding the wrong kind of value"


# -- XREAD ------------------------------------------------------------------------------

def test_xread_returns_entries_after_the_given_ids_for_several_streams(r):
    fill(r, 3, "a")
    fill(r, 2, "b")
    assert r.xread({"a": "1-0", "b": "0", "missing": "0"}) == [
        [b"a", [(b"2-0", {b"n": b"2"}), (b"3-0", {b"n": b"3"})]],
        [b"b", [(b"1-0", {b"n": b"1"}), (b"2-0", {b"n": b"2"})]],
    ]
    assert r.xread({"a": "0"}, count=1) == [[b"a", [(b"1-0", {b"n": b"1"})]]]
    assert r.xread({"a": "3-0"}) == []


def test_xread_resp2_reply_is_an_array_of_key_entries_pairs(r2):
    r2.xadd("s", {"a": "1"}, id="1-0")
    assert raw(r2, "XREAD", "STREAMS", "s", "0") == [[b"s", [[b"1-0", [b"a", b"1"]]]]]
    assert raw(r2, "XREAD", "STREAMS", "s", "1") is None


def test_xread_resp3_reply_is_a_map(r3):
    r3.xadd("s", {"a": "1"}, id="1-0")
    assert raw(r3, "XREAD", "STREAMS", "s", "0") == {"s": [["1-0", ["a", "1"]]]}
    assert raw(r3, "XREAD", "STREAMS", "s", "1") is None


def test_xread_dollar_without_block_returns_nothing(r):
    fill(r, 2)
    assert raw(r, "XREAD", "STREAMS", "s", "$") is None


@pytest.mark.parametrize("args, error", [
    (["COUNT", "1", "STREAMS", "s"], "Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."),
    (["STREAMS", "s", "bad"], "Invalid stream ID specified as stream command argument"),
    (["FOO", "STREAMS", "s", "0"], "syntax error"),
    (["COUNT", "1"], "wrong number of arguments for 'xread' command"),
    (["COUNT", "1", "BLOCK"], "syntax error"),
    (["GROUP", "g", "c", "STREAMS", "s", "0"], "The GROUP option is only supported by XREADGROUP. You called XREAD instead."),
    (["NOACK", "STREAMS", "s", "0"], "The NOACK option is only supported by XREADGROUP. You called XREAD instead."),
    (["STREAMS", "s", ">"], "The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."),
    (["BLOCK", "-1", "STREAMS", "s", "0"], "timeout is negative"),
    (["BLOCK", "abc", "STREAMS", "s", "0"], "timeout is not an integer or out of range"),
    (["COUNT", "x", "STREAMS", "s", "0"], "value is not an integer or out of range"),
])
def test_xread_errors(r, args, error):
    fill(r, 1)
    assert raw(r, "XREAD", *args) == f"ERR: {error}"


def test_xread_block_times_out_with_nil(r):
    fill(r, 1)
    started = time.monotonic()
    assert raw(r, "XREAD", "BLOCK", "150", "STREAMS", "s", "$") is None
    assert time.monotonic() - started >= 0.1


def test_xread_block_is_woken_by_xadd_from_another_client(client):
    reader, writer = client(), client()
    writer.xadd("s", {"old": 1}, id="1-0")

    def add_later():
        time.sleep(0.4)
        writer.xadd("s", {"new": 1}, id="2-0")

    t = threading.Thread(target=add_later)
    t.start()
    got = reader.xread({"s": "$"}, block=5000)
    t.join()
    assert got == [[b"s", [(b"2-0", {b"new": b"1"})]]]


def test_xread_block_on_a_missing_stream_is_woken_when_it_is_created(client):
    reader, writer = client(), client()
    t = threading.Timer(0.4, lambda: writer.xadd("later", {"a": 1}, id="3-0"))
    t.start()
    got = reader.xread({"later": "$"}, block=5000)
    t.join()
    assert got == [[b"later", [(b"3-0", {b"a": b"1"})]]]


def _writer_code(target, tmp_path):
    if target == "real":
        return f"import redis; w = redis.Redis.from_url({harness.real_url('redis')!r})"
    return f"import dotdo_redis; w = dotdo_redis.Redis(data={str(tmp_path / 'dotdo')!r})"


def test_xread_block_is_woken_by_xadd_from_another_process(client, target, tmp_path):
    reader = client()
    reader.xadd("s", {"old": 1}, id="1-0")
    code = _writer_code(target, tmp_path) + "\nimport time; time.sleep(0.4); w.xadd('s', {'proc': 1}, id='5-0')"
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        got = reader.xread({"s": "$"}, block=20000)
    finally:
        proc.wait(timeout=30)
    assert got == [[b"s", [(b"5-0", {b"proc": b"1"})]]]


def test_xread_block_inside_multi_does_not_block(r):
    fill(r, 1)
    pipe = r.pipeline(transaction=True)
    pipe.xread({"s": "$"}, block=0)
    assert pipe.execute() == [[]]


# -- XGROUP -------------------------------------------------------------------------------

NEED_KEY = ("The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use "
            "the MKSTREAM option to create an empty stream automatically.")


@pytest.mark.parametrize("args, expected", [
    (["CREATE", "s", "g", "$"], b"OK"),
    (["CREATE", "s", "g", "0"], b"OK"),
    (["CREATE", "s", "g", "1-0", "ENTRIESREAD", "1"], b"OK"),
    (["CREATE", "missing", "g", "$"], f"ERR: {NEED_KEY}"),
    (["CREATE", "missing", "g", "$", "MKSTREAM"], b"OK"),
    (["CREATE", "s", "g", "bad"], "ERR: Invalid stream ID specified as stream command argument"),
    (["CREATE", "s", "g", "0", "FOO"], "ERR: unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP."),
    (["CREATE", "s", "g", "0", "ENTRIESREAD", "-5"], "ERR: value for ENTRIESREAD must be positive or -1"),
    (["CREATE", "s"], "ERR: wrong number of arguments for 'xgroup|create' command"),
    (["DESTROY", "s"], "ERR: wrong number of arguments for 'xgroup|destroy' command"),
    (["NOPE"], "ERR: unknown subcommand 'NOPE'. Try XGROUP HELP."),
    (["SETID", "s", "nog", "0"], "ERR: NOGROUP No such consumer group 'nog' for key name 's'"),
    (["CREATECONSUMER", "s", "nog", "c"], "ERR: NOGROUP No such consumer group 'nog' for key name 's'"),
    (["DELCONSUMER", "missing", "g", "c"], f"ERR: {NEED_KEY}"),
    (["DESTROY", "s", "nog"], 0),
])
def test_xgroup_subcommands_and_errors(r, args, expected):
    fill(r, 2)
    assert raw(r, "XGROUP", *args) == expected


def test_xgroup_create_twice_is_busygroup(r):
    r.xgroup_create("s", "g", id="$", mkstream=True)
    with pytest.raises(redis.ResponseError) as e:
        r.xgroup_create("s", "g", id="$")
    assert str(e.value) == "BUSYGROUP Consumer Group name already exists"


def test_xgroup_consumers_create_delete_and_destroy(r):
    fill(r, 3)
    r.xgroup_create("s", "g", id="0")
    assert r.xgroup_createconsumer("s", "g", "alice") == 1
    assert r.xgroup_createconsumer("s", "g", "alice") == 0
    r.xreadgroup("g", "bob", {"s": ">"}, count=2)
    assert r.xgroup_delconsumer("s", "g", "bob") == 2
    assert r.xgroup_delconsumer("s", "g", "bob") == 0
    assert r.xpending("s", "g")["pending"] == 0
    assert r.xgroup_destroy("s", "g") == 1
    assert r.xgroup_destroy("s", "g") == 0
    assert r.xinfo_groups("s") == []


def test_xgroup_setid_rewinds_delivery_and_sets_entries_read(r):
    fill(r, 3)
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "c", {"s": ">"})
    assert r.xgroup_setid("s", "g", id="1-0", entries_read=1) is True
    got = r.xreadgroup("g", "c", {"s": ">"})
    assert [i for i, _ in got[0][1]] == [b"2-0", b"3-0"]
    info = r.xinfo_groups("s")[0]
    assert (info["last-delivered-id"], info["entries-read"], info["lag"]) == (b"3-0", 3, 0)


def test_xgroup_help_lists_subcommands(r):
    lines = raw(r, "XGROUP", "HELP")
    assert lines[0] == b"XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert b"CREATECONSUMER <key> <groupname> <consumer>" in lines


# -- XREADGROUP / XACK / XPENDING ----------------------------------------------------------

def test_xreadgroup_delivers_new_entries_once_per_group(r):
    fill(r, 3)
    r.xgroup_create("s", "g", id="0")
    assert r.xreadgroup("g", "alice", {"s": ">"}, count=2) == [[b"s", [(b"1-0", {b"n": b"1"}), (b"2-0", {b"n": b"2"})]]]
    assert r.xreadgroup("g", "bob", {"s": ">"}) == [[b"s", [(b"3-0", {b"n": b"3"})]]]
    assert r.xreadgroup("g", "bob", {"s": ">"}) == []


def test_xreadgroup_explicit_id_rereads_the_consumers_pending_entries(r2):
    r = r2
    fill(r, 3)
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "alice", {"s": ">"}, count=2)
    r.xreadgroup("g", "bob", {"s": ">"})
    r.xdel("s", "2-0")
    assert raw(r, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0") == [
        [b"s", [[b"1-0", [b"n", b"1"]], [b"2-0", None]]]
    ]
    assert raw(r, "XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", "1-0") == [[b"s", [[b"2-0", None]]]]
    assert raw(r, "XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "3-0") == [[b"s", []]]
    rows = r.xpending_range("s", "g", "-", "+", 10)
    assert [(x["message_id"], x["consumer"], x["times_delivered"]) for x in rows] == [
        (b"1-0", b"alice", 2), (b"2-0", b"alice", 1), (b"3-0", b"bob", 1)]


def test_xreadgroup_noack_does_not_add_to_the_pel(r):
    fill(r, 2)
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "c", {"s": ">"}, noack=True)
    assert r.xpending("s", "g")["pending"] == 0
    assert r.xinfo_groups("s")[0]["last-delivered-id"] == b"2-0"


def test_xreadgroup_consumer_is_created_only_when_served(r):
    fill(r, 1)
    r.xgroup_create("s", "g", id="$")
    assert r.xreadgroup("g", "idle", {"s": ">"}) == []
    assert r.xinfo_consumers("s", "g") == []
    r.xadd("s", {"n": 2}, id="2-0")
    r.xreadgroup("g", "idle", {"s": ">"})
    assert [c["name"] for c in r.xinfo_consumers("s", "g")] == [b"idle"]


def test_xreadgroup_resp3_reply_is_a_map(r3):
    r3.xadd("s", {"a": "1"}, id="1-0")
    r3.xgroup_create("s", "g", id="0")
    assert raw(r3, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">") == {"s": [["1-0", ["a", "1"]]]}


@pytest.mark.parametrize("args, error", [
    (["GROUP", "nog", "c", "STREAMS", "s", ">"], "NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option"),
    (["GROUP", "g", "c", "STREAMS", "missing", ">"], "NOGROUP No such key 'missing' or consumer group 'g' in XREADGROUP with GROUP option"),
    (["GROUP", "g", "c", "STREAMS", "s", "$"],
     "The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by "
     "specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."),
    (["GROUP", "g", "c", "STREAMS", "s", ">", "x"],
     "Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."),
    (["COUNT", "1", "BLOCK", "1", "STREAMS", "s", ">"], "Missing GROUP option for XREADGROUP"),
    (["GROUP", "g", "c", "STREAMS", "s", "bad"], "Invalid stream ID specified as stream command argument"),
])
def test_xreadgroup_errors(r, args, error):
    fill(r, 1)
    r.xgroup_create("s", "g", id="0")
    assert raw(r, "XREADGROUP", *args) == f"ERR: {error}"


def test_xreadgroup_block_is_woken_by_xadd_from_another_client(client):
    reader, writer = client(), client()
    writer.xgroup_create("s", "g", id="$", mkstream=True)
    t = threading.Timer(0.4, lambda: writer.xadd("s", {"job": 1}, id="1-0"))
    t.start()
    got = reader.xreadgroup("g", "worker", {"s": ">"}, block=5000)
    t.join()
    assert got == [[b"s", [(b"1-0", {b"job": b"1"})]]]
    assert writer.xpending("s", "g")["consumers"] == [{"name": b"worker", "pending": 1}]


def test_xreadgroup_block_is_woken_by_xadd_from_another_process(client, target, tmp_path):
    reader = client()
    reader.xgroup_create("s", "g", id="$", mkstream=True)
    code = _writer_code(target, tmp_path) + "\nimport time; time.sleep(0.4); w.xadd('s', {'proc': 1}, id='7-0')"
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        got = reader.xreadgroup("g", "worker", {"s": ">"}, block=20000)
    finally:
        proc.wait(timeout=30)
    assert got == [[b"s", [(b"7-0", {b"proc": b"1"})]]]


def test_two_blocked_group_readers_each_get_one_entry(client):
    a, b, writer = client(), client(), client()
    writer.xgroup_create("s", "g", id="$", mkstream=True)
    results = {}

    def read(name, c):
        results[name] = c.xreadgroup("g", name, {"s": ">"}, count=1, block=5000)

    threads = [threading.Thread(target=read, args=(n, c)) for n, c in (("a", a), ("b", b))]
    for t in threads:
        t.start()
    time.sleep(0.3)
    writer.xadd("s", {"n": 1}, id="1-0")
    writer.xadd("s", {"n": 2}, id="2-0")
    for t in threads:
        t.join(10)
    ids = sorted(results[n][0][1][0][0] for n in ("a", "b"))
    assert ids == [b"1-0", b"2-0"]


def test_xack_removes_from_the_pel_and_counts_only_pending_ids(r):
    fill(r, 3)
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "c", {"s": ">"})
    assert r.xack("s", "g", "1-0", "3-0", "9-0") == 2
    assert r.xack("s", "g", "1-0") == 0
    assert r.xack("s", "nog", "2-0") == 0
    assert r.xack("missing", "g", "2-0") == 0
    assert raw(r, "XACK", "s", "g", "2-0", "bad") == "ERR: Invalid stream ID specified as stream command argument"
    assert r.xpending("s", "g")["pending"] == 1


def test_xpending_summary(r):
    fill(r, 3)
    r.xgroup_create("s", "g", id="0")
    assert raw(r, "XPENDING", "s", "g") == [0, None, None, None]
    r.xreadgroup("g", "bob", {"s": ">"}, count=1)
    r.xreadgroup("g", "alice", {"s": ">"})
    assert raw(r, "XPENDING", "s", "g") == [3, b"1-0", b"3-0", [[b"alice", b"2"], [b"bob", b"1"]]]


def test_xpending_extended_form_filters_by_range_consumer_and_idle(r):
    fill(r, 4)
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "alice", {"s": ">"}, count=3)
    r.xreadgroup("g", "bob", {"s": ">"})
    rows = raw(r, "XPENDING", "s", "g", "-", "+", "10")
    assert [(row[0], row[1], row[3]) for row in rows] == [
        (b"1-0", b"alice", 1), (b"2-0", b"alice", 1), (b"3-0", b"alice", 1), (b"4-0", b"bob", 1)]
    assert all(0 <= row[2] < 5000 for row in rows)
    assert [row[0] for row in raw(r, "XPENDING", "s", "g", "(1-0", "3", "10")] == [b"2-0", b"3-0"]
    assert [row[0] for row in raw(r, "XPENDING", "s", "g", "-", "+", "2")] == [b"1-0", b"2-0"]
    assert [row[0] for row in raw(r, "XPENDING", "s", "g", "-", "+", "10", "bob")] == [b"4-0"]
    assert raw(r, "XPENDING", "s", "g", "-", "+", "10", "nobody") == []
    assert raw(r, "XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10") == []
    assert len(raw(r, "XPENDING", "s", "g", "IDLE", "0", "-", "+", "10")) == 4
    assert raw(r, "XPENDING", "s", "g", "-", "+", "-5") == []


@pytest.mark.parametrize("args, error", [
    (["s", "nog"], "NOGROUP No such key 's' or consumer group 'nog'"),
    (["missing", "g"], "NOGROUP No such key 'missing' or consumer group 'g'"),
    (["s", "g", "-"], "syntax error"),
    (["s", "g", "IDLE", "10", "-", "+"], "syntax error"),
    (["s", "g", "IDLE", "x", "-", "+", "10"], "value is not an integer or out of range"),
    (["s", "g", "-", "+", "x"], "value is not an integer or out of range"),
    (["s", "nog", "-", "+", "x"], "value is not an integer or out of range"),
    (["s", "g", "bad", "+", "10"], "Invalid stream ID specified as stream command argument"),
])
def test_xpending_errors(r, args, error):
    fill(r, 1)
    r.xgroup_create("s", "g", id="0")
    assert raw(r, "XPENDING", *args) == f"ERR: {error}"


# -- XCLAIM / XAUTOCLAIM -------------------------------------------------------------------

@pytest.fixture
def delivered(r):
    """Stream s with 1-0..4-0, group g; alice has read all four; 2-0 has since been deleted."""
    fill(r, 4)
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "alice", {"s": ">"})
    r.xdel("s", "2-0")
    return r


def test_xclaim_moves_entries_and_drops_deleted_ones_from_the_pel(delivered):
    r = delivered
    assert raw(r, "XCLAIM", "s", "g", "bob", "0", "1-0", "2-0", "3-0") == [
        [b"1-0", [b"n", b"1"]], [b"3-0", [b"n", b"3"]]]
    rows = {x["message_id"]: (x["consumer"], x["times_delivered"]) for x in r.xpending_range("s", "g", "-", "+", 10)}
    assert rows == {b"1-0": (b"bob", 2), b"3-0": (b"bob", 2), b"4-0": (b"alice", 1)}


def test_xclaim_min_idle_time_skips_recently_delivered_entries(delivered):
    assert delivered.xclaim("s", "g", "bob", 100000, ["1-0"]) == []
    assert [c["name"] for c in delivered.xinfo_consumers("s", "g")] == [b"alice"]


def test_xclaim_justid_retrycount_idle_and_force(delivered):
    r = delivered
    assert r.xclaim("s", "g", "bob", 0, ["1-0"], justid=True) == [b"1-0"]
    assert r.xclaim("s", "g", "bob", 0, ["3-0"], idle=5000, retrycount=7, justid=True) == [b"3-0"]
    r.xack("s", "g", "4-0")
    assert r.xclaim("s", "g", "carol", 0, ["4-0"], justid=True) == []
    assert r.xclaim("s", "g", "carol", 0, ["4-0"], force=True, justid=True) == [b"4-0"]
    rows = {x["message_id"]: x for x in r.xpending_range("s", "g", "-", "+", 10)}
    assert rows[b"1-0"]["times_delivered"] == 1
    assert (rows[b"3-0"]["times_delivered"], rows[b"3-0"]["time_since_delivered"] >= 5000) == (7, True)
    assert (rows[b"4-0"]["consumer"], rows[b"4-0"]["times_delivered"]) == (b"carol", 1)


def test_xclaim_lastid_advances_the_group(delivered):
    raw(delivered, "XCLAIM", "s", "g", "bob", "0", "1-0", "LASTID", "9-0", "JUSTID")
    assert delivered.xinfo_groups("s")[0]["last-delivered-id"] == b"9-0"


@pytest.mark.parametrize("args, error", [
    (["s", "nog", "c", "0", "1-0"], "NOGROUP No such key 's' or consumer group 'nog'"),
    (["missing", "g", "c", "0", "1-0"], "NOGROUP No such key 'missing' or consumer group 'g'"),
    (["s", "g", "c", "x", "1-0"], "Invalid min-idle-time argument for XCLAIM"),
    (["s", "g", "c", "0", "1-0", "bad"], "Unrecognized XCLAIM option 'bad'"),
    (["s", "g", "c", "0", "1-0", "IDLE", "x"], "Invalid IDLE option argument for XCLAIM"),
    (["s", "g", "c", "0", "1-0", "TIME", "x"], "Invalid TIME option argument for XCLAIM"),
    (["s", "g", "c", "0", "1-0", "RETRYCOUNT", "x"], "Invalid RETRYCOUNT option argument for XCLAIM"),
    (["s", "g", "c", "0", "1-0", "LASTID", "x"], "Invalid stream ID specified as stream command argument"),
])
def test_xclaim_errors_change_nothing(delivered, args, error):
    assert raw(delivered, "XCLAIM", *args) == f"ERR: {error}"
    assert {x["consumer"] for x in delivered.xpending_range("s", "g", "-", "+", 10)} == {b"alice"}


def test_xautoclaim_pages_through_the_pel_and_reports_deleted_ids(delivered):
    r = delivered
    assert raw(r, "XAUTOCLAIM", "s", "g", "bob", "0", "0", "COUNT", "2") == [
        b"3-0", [[b"1-0", [b"n", b"1"]]], [b"2-0"]]
    assert raw(r, "XAUTOCLAIM", "s", "g", "bob", "0", "3-0", "COUNT", "2", "JUSTID") == [b"0-0", [b"3-0", b"4-0"], []]
    assert raw(r, "XAUTOCLAIM", "s", "g", "carol", "0", "(3-0") == [b"0-0", [[b"4-0", [b"n", b"4"]]], []]
    assert raw(r, "XAUTOCLAIM", "s", "g", "dave", "100000", "0") == [b"0-0", [], []]
    rows = {x["message_id"]: (x["consumer"], x["times_delivered"]) for x in r.xpending_range("s", "g", "-", "+", 10)}
    assert rows == {b"1-0": (b"bob", 2), b"3-0": (b"bob", 1), b"4-0": (b"carol", 2)}


def test_xautoclaim_with_redis_py_helper(delivered):
    assert delivered.xautoclaim("s", "g", "bob", 0, "0-0", count=10, justid=True) == [b"1-0", b"3-0", b"4-0"]
    assert {x["consumer"] for x in delivered.xpending_range("s", "g", "-", "+", 10)} == {b"bob"}


@pytest.mark.parametrize("args, error", [
    (["s", "g", "c", "0", "0", "COUNT", "0"], "COUNT must be > 0"),
    (["s", "g", "c", "0", "0", "COUNT", "x"], "COUNT must be > 0"),
    (["s", "g", "c", "0", "0", "COUNT", "576460752303423488"], "COUNT must be > 0"),
    (["s", "g", "c", "x", "0"], "Invalid min-idle-time argument for XAUTOCLAIM"),
    (["s", "g", "c", "0", "bad"], "Invalid stream ID specified as stream command argument"),
    (["s", "g", "c", "0", "0", "FOO"], "syntax error"),
    (["s", "nog", "c", "0", "0"], "NOGROUP No such key 's' or consumer group 'nog'"),
])
def test_xautoclaim_errors(delivered, args, error):
    assert raw(delivered, "XAUTOCLAIM", *args) == f"ERR: {error}"


# -- XINFO -------------------------------------------------------------------------------

def test_xinfo_stream_fields(r2):
    r = r2
    fill(r, 3)
    r.xdel("s", "2-0")
    r.xgroup_create("s", "g", id="0")
    assert raw(r, "XINFO", "STREAM", "s") == [
        b"length", 2, b"radix-tree-keys", 1, b"radix-tree-nodes", 2, b"last-generated-id", b"3-0",
        b"max-deleted-entry-id", b"2-0", b"entries-added", 3, b"recorded-first-entry-id", b"1-0", b"groups", 1,
        b"first-entry", [b"1-0", [b"n", b"1"]], b"last-entry", [b"3-0", [b"n", b"3"]]]


def test_xinfo_stream_of_empty_stream(r):
    r.xgroup_create("s", "g", id="$", mkstream=True)
    info = r.xinfo_stream("s")
    assert (info["length"], info["radix-tree-keys"], info["radix-tree-nodes"], info["first-entry"], info["last-entry"]) == (
        0, 0, 1, None, None)


@pytest.mark.parametrize("n, keys, nodes", [(1, 1, 2), (100, 1, 2), (101, 2, 6), (250, 3, 8), (1000, 10, 26)])
def test_xinfo_stream_radix_tree_figures_follow_node_size(r, n, keys, nodes):
    pipe = r.pipeline(transaction=False)
    for i in range(1, n + 1):
        pipe.xadd("s", {"n": i}, id=f"{i}-0")
    pipe.execute()
    info = r.xinfo_stream("s")
    assert (info["radix-tree-keys"], info["radix-tree-nodes"]) == (keys, nodes)


def test_xinfo_stream_full(r2):
    r = r2
    fill(r, 3)
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "alice", {"s": ">"}, count=2)
    full = raw(r, "XINFO", "STREAM", "s", "FULL", "COUNT", "1")
    d = dict(zip(full[::2], full[1::2]))
    assert d[b"entries"] == [[b"1-0", [b"n", b"1"]]]
    (group,) = d[b"groups"]
    g = dict(zip(group[::2], group[1::2]))
    assert (g[b"name"], g[b"last-delivered-id"], g[b"entries-read"], g[b"lag"], g[b"pel-count"]) == (b"g", b"2-0", 2, 1, 2)
    assert [p[:2] + p[3:] for p in g[b"pending"]] == [[b"1-0", b"alice", 1]]
    (consumer,) = g[b"consumers"]
    c = dict(zip(consumer[::2], consumer[1::2]))
    assert (c[b"name"], c[b"pel-count"], [[p[0], p[2]] for p in c[b"pending"]]) == (b"alice", 2, [[b"1-0", 1]])
    assert abs(c[b"seen-time"] - int(time.time() * 1000)) < 5000
    assert list(d)[:7] == [b"length", b"radix-tree-keys", b"radix-tree-nodes", b"last-generated-id",
                           b"max-deleted-entry-id", b"entries-added", b"recorded-first-entry-id"]


def test_xinfo_stream_full_in_resp3_is_nested_maps(r3):
    r3.xadd("s", {"a": "1"}, id="1-0")
    r3.xgroup_create("s", "g", id="0")
    r3.xreadgroup("g", "c", {"s": ">"})
    full = raw(r3, "XINFO", "STREAM", "s", "FULL")
    assert full["entries"] == [["1-0", ["a", "1"]]]
    assert full["groups"][0]["consumers"][0]["name"] == "c"
    assert full["groups"][0]["pending"][0][:2] == ["1-0", "c"]


def test_xinfo_groups_and_consumers(r2):
    r = r2
    fill(r, 3)
    r.xgroup_create("s", "g", id="0")
    r.xgroup_create("s", "late", id="$")
    r.xreadgroup("g", "alice", {"s": ">"}, count=1)
    r.xgroup_createconsumer("s", "g", "zed")
    assert raw(r, "XINFO", "GROUPS", "s") == [
        [b"name", b"g", b"consumers", 2, b"pending", 1, b"last-delivered-id", b"1-0", b"entries-read", 1, b"lag", 2],
        [b"name", b"late", b"consumers", 0, b"pending", 0, b"last-delivered-id", b"3-0", b"entries-read", None, b"lag", 0],
    ]
    consumers = r.xinfo_consumers("s", "g")
    assert [(c["name"], c["pending"]) for c in consumers] == [(b"alice", 1), (b"zed", 0)]
    assert all(0 <= c["idle"] < 5000 for c in consumers)


def test_xinfo_groups_lag_is_unknown_after_a_deletion_ahead_of_the_group(r):
    fill(r, 4)
    r.xgroup_create("s", "g", id="0")
    r.xdel("s", "3-0")
    assert r.xinfo_groups("s")[0]["lag"] is None
    r.xreadgroup("g", "c", {"s": ">"})
    assert (r.xinfo_groups("s")[0]["entries-read"], r.xinfo_groups("s")[0]["lag"]) == (4, 0)


@pytest.mark.parametrize("args, error", [
    ([], "wrong number of arguments for 'xinfo' command"),
    (["NOPE", "s"], "unknown subcommand 'NOPE'. Try XINFO HELP."),
    (["STREAM"], "wrong number of arguments for 'xinfo|stream' command"),
    (["CONSUMERS", "s"], "wrong number of arguments for 'xinfo|consumers' command"),
    (["STREAM", "missing"], "no such key"),
    (["GROUPS", "missing"], "no such key"),
    (["CONSUMERS", "s", "nog"], "NOGROUP No such consumer group 'nog' for key name 's'"),
    (["STREAM", "s", "FULL", "COUNT"], "unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP."),
    (["STREAM", "s", "FOO"], "unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP."),
    (["STREAM", "s", "FULL", "COUNT", "x"], "value is not an integer or out of range"),
])
def test_xinfo_errors(r, args, error):
    fill(r, 1)
    assert raw(r, "XINFO", *args) == f"ERR: {error}"


# -- XSETID -------------------------------------------------------------------------------

def test_xsetid_moves_the_last_id_and_counters(r):
    fill(r, 2)
    assert raw(r, "XSETID", "s", "10-0", "ENTRIESADDED", "5", "MAXDELETEDID", "3-0") == b"OK"
    info = r.xinfo_stream("s")
    assert (info["last-generated-id"], info["entries-added"], info["max-deleted-entry-id"]) == (b"10-0", 5, b"3-0")
    assert r.xadd("s", {"a": 1}, id="10-*") == b"10-1"


@pytest.mark.parametrize("args, error", [
    (["missing", "1-0"], "no such key"),
    (["s", "1-0"], "The ID specified in XSETID is smaller than the target stream top item"),
    (["s", "9-0", "ENTRIESADDED", "1"], "The entries_added specified in XSETID is smaller than the target stream length"),
    (["s", "9-0", "ENTRIESADDED", "-1"], "entries_added must be positive"),
    (["s", "9-0", "MAXDELETEDID", "10-0"], "The ID specified in XSETID is smaller than the provided max_deleted_entry_id"),
    (["s", "9-0", "FOO"], "syntax error"),
    (["s", "bad"], "Invalid stream ID specified as stream command argument"),
])
def test_xsetid_errors(r, args, error):
    fill(r, 2)
    assert raw(r, "XSETID", *args) == f"ERR: {error}"
    assert r.xinfo_stream("s")["last-generated-id"] == b"2-0"


def test_xsetid_on_an_empty_stream_may_go_backwards(r):
    fill(r, 1)
    r.xdel("s", "1-0")
    assert raw(r, "XSETID", "s", "0-5") == b"OK"
    assert r.xadd("s", {"a": 1}, id="0-*") == b"0-6"


# -- transactions and WATCH ------------------------------------------------------------------

def test_xadd_breaks_a_watch_but_xreadgroup_does_not(client):
    first, second = client(), client()
    fill(first, 2)
    first.xgroup_create("s", "g", id="0")
    for change, aborted in ((lambda: second.xreadgroup("g", "c", {"s": ">"}), False), (lambda: second.xadd("s", {"n": 9}), True)):
        with first.pipeline() as pipe:
            pipe.watch("s")
            change()
            pipe.multi()
            pipe.xlen("s")
            if aborted:
                with pytest.raises(redis.WatchError):
                    pipe.execute()
            else:
                assert pipe.execute() == [2]


def test_stream_commands_in_a_transaction(r):
    pipe = r.pipeline(transaction=True)
    pipe.xadd("s", {"a": 1}, id="1-0").xadd("s", {"a": 2}, id="2-0").xlen("s").xrange("s", count=1)
    assert pipe.execute() == [b"1-0", b"2-0", 2, [(b"1-0", {b"a": b"1"})]]


# -- blocked clients whose stream or group goes away -------------------------------------------

@pytest.mark.parametrize("change, error", [
    (lambda w: w.xgroup_destroy("s", "g"), "NOGROUP the consumer group this client was blocked on no longer exists"),
    (lambda w: w.delete("s"), "UNBLOCKED the stream key no longer exists"),
])
def test_blocked_xreadgroup_ends_when_its_group_or_stream_goes(client, change, error):
    reader, writer = client(), client()
    writer.xgroup_create("s", "g", id="$", mkstream=True)
    t = threading.Timer(0.4, lambda: change(writer))
    t.start()
    started = time.monotonic()
    with pytest.raises(redis.ResponseError) as e:
        reader.xreadgroup("g", "c", {"s": ">"}, block=5000)
    t.join()
    assert str(e.value) == error
    assert time.monotonic() - started < 4


def test_blocked_xread_keeps_waiting_when_its_key_becomes_another_type(client):
    reader, writer = client(), client()
    writer.xadd("s", {"a": 1}, id="1-0")
    t = threading.Timer(0.4, lambda: (writer.delete("s"), writer.set("s", "x")))
    t.start()
    started = time.monotonic()
    assert reader.xread({"s": "$"}, block=1200) == []
    t.join()
    assert time.monotonic() - started >= 1.1


def test_blocking_xread_in_a_plain_pipeline_waits(r):
    r.xadd("s", {"a": 1}, id="1-0")
    pipe = r.pipeline(transaction=False)
    pipe.xlen("s").xread({"s": "$"}, block=300)
    started = time.monotonic()
    assert pipe.execute() == [1, []]
    assert time.monotonic() - started >= 0.25


# -- scripts -----------------------------------------------------------------------------

@pytest.mark.parametrize("script, error", [
    ("return redis.call('XREAD','BLOCK','0','STREAMS','s','$')", "XREAD command is not allowed with BLOCK option from scripts"),
    ("return redis.call('xreadgroup','GROUP','g','c','BLOCK','0','STREAMS','s','>')",
     "xreadgroup command is not allowed with BLOCK option from scripts"),
])
def test_block_option_is_refused_inside_scripts(r, script, error):
    fill(r, 1)
    r.xgroup_create("s", "g", id="0")
    with pytest.raises(redis.ResponseError) as e:
        r.eval(script, 0)
    assert str(e.value).startswith(error + " script: ")
    assert r.xpending("s", "g")["pending"] == 0


def test_scripts_read_and_consume_streams(r2):
    fill(r2, 2)
    r2.xgroup_create("s", "g", id="0")
    assert r2.eval("return redis.call('XREAD','COUNT','1','STREAMS','s','0')", 0) == [[b"s", [[b"1-0", [b"n", b"1"]]]]]
    assert r2.eval("return redis.call('XREADGROUP','GROUP','g','c','STREAMS','s','>')", 0) == [
        [b"s", [[b"1-0", [b"n", b"1"]], [b"2-0", [b"n", b"2"]]]]]
    with pytest.raises(redis.ResponseError) as e:
        r2.eval_ro("return redis.call('XREADGROUP','GROUP','g','c','STREAMS','s','>')", 0)
    assert str(e.value).startswith("Write commands are not allowed from read-only scripts.")
    assert r2.xpending("s", "g")["pending"] == 2


# -- keyspace operations carry the whole stream ------------------------------------------------

def test_rename_and_copy_carry_entries_groups_and_pending_entries(r):
    pipe = r.pipeline(transaction=False)
    for i in range(1, 151):
        pipe.xadd("s", {"n": i}, id=f"{i}-0")
    pipe.execute()
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "c", {"s": ">"}, count=3)
    r.xdel("s", "2-0")
    assert r.rename("s", "t") is True
    assert r.copy("t", "u") is True
    for key in ("t", "u"):
        info = r.xinfo_stream(key)
        assert (info["length"], info["radix-tree-keys"], info["max-deleted-entry-id"]) == (149, 2, b"2-0")
        assert r.xpending(key, "g")["pending"] == 3
        assert r.xreadgroup("g", "c", {key: ">"}, count=1) == [[key.encode(), [(b"4-0", {b"n": b"4"})]]]
    r.xtrim("u", maxlen=10, approximate=True)
    assert (r.xlen("t"), r.xlen("u")) == (149, 50)


def test_xreadgroup_naming_a_stream_twice_delivers_each_entry_once(r2):
    fill(r2, 2)
    r2.xgroup_create("s", "g", id="0")
    assert raw(r2, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "s", ">", ">") == [
        [b"s", [[b"1-0", [b"n", b"1"]], [b"2-0", [b"n", b"2"]]]]]
    assert r2.xpending("s", "g")["pending"] == 2


def test_stream_ttl_survives_xadd(r):
    fill(r, 1)
    r.expire("s", 100)
    r.xadd("s", {"n": 2}, id="2-0")
    assert 0 < r.ttl("s") <= 100


@pytest.mark.parametrize("op, aborted", [
    (lambda c: c.xdel("s", "1-0"), True),
    (lambda c: c.xdel("s", "9-0"), False),
    (lambda c: c.xtrim("s", maxlen=1, approximate=False), True),
    (lambda c: c.xack("s", "g", "1-0"), False),
    (lambda c: c.xgroup_createconsumer("s", "g", "z"), False),
])
def test_watch_sees_stream_changes_as_redis_does(client, op, aborted):
    first, second = client(), client()
    fill(first, 2)
    first.xgroup_create("s", "g", id="0")
    with first.pipeline() as pipe:
        pipe.watch("s")
        op(second)
        pipe.multi()
        pipe.xlen("s")
        if aborted:
            with pytest.raises(redis.WatchError):
                pipe.execute()
        else:
            pipe.execute()
