"""SORT and SORT_RO through redis-py: numeric and ALPHA order, ASC/DESC, LIMIT, BY (patterns, hash
fields, nosort), GET, STORE, SORT_RO, error texts, COMMAND's view of them, and cluster mode — there the
real side is a private cluster-enabled redis-server owning every slot.

Redis 7.0.15 reads numeric weights with strtod without clearing errno first: once an element
overflows or underflows (ERANGE), every later numeric SORT on the server fails too, until some other
call resets errno (accepting a connection does). dotdo does not copy that; the cases that provoke
ERANGE each run on a connection of their own, so the real server answers them deterministically."""
import os
import shutil
import socket
import subprocess
import time

import pytest
import redis

import dotdo_redis

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_DOUBLE = "One or more scores can't be converted into double"
NOT_INTEGER = "value is not an integer or out of range"


def error_text(call):
    with pytest.raises(redis.ResponseError) as e:
        call()
    return str(e.value)


@pytest.fixture
def weights(rd):
    """A list to sort and the keys its BY/GET patterns reach."""
    rd.rpush("ids", "3", "1", "2")
    rd.mset({"w_1": "30", "w_2": "10", "w_3": "20", "name_1": "ann", "name_2": "bob"})
    rd.hset("user_1", mapping={"age": "40", "nick": "zed"})
    rd.hset("user_2", mapping={"age": "25", "nick": "amy"})
    rd.hset("user_3", mapping={"age": "33"})
    return rd


# -- numeric order (the default) ------------------------------------------------------------------

def test_numbers_sort_by_value_not_by_text(rd):
    rd.rpush("l", "10", "9", "-1.5", "2e1", "0", "100")
    assert rd.sort("l") == ["-1.5", "0", "9", "10", "2e1", "100"]
    assert rd.sort("l", desc=True) == ["100", "2e1", "10", "9", "0", "-1.5"]


def test_numbers_in_every_form_strtod_reads(rd):
    rd.rpush("l", " 5", "0x10", "inf", "-inf", ".5", "5.", "+3", "0x1p3", "infinity", "\t2", "", "-0x.8p1")
    assert rd.sort("l") == ["-inf", "-0x.8p1", "", ".5", "\t2", "+3", " 5", "5.", "0x1p3", "0x10", "inf", "infinity"]


def test_equal_numbers_are_ordered_by_their_bytes(rd):
    rd.rpush("l", "1.50", "1.5", "01.5", "1.5")
    assert rd.sort("l") == ["01.5", "1.5", "1.5", "1.50"]
    assert rd.sort("l", desc=True) == ["1.50", "1.5", "1.5", "01.5"]


def test_text_after_a_nul_byte_is_not_read_as_part_of_the_number(r):
    r.rpush("l", b"1\x00abc", b"0")
    assert r.sort("l") == [b"0", b"1\x00abc"]


@pytest.mark.parametrize("element", ["abc", "1 ", "  ", "1e", "nan", "1_0", "0x", "1e-310", "1e-400", "1e400"])
def test_an_element_strtod_refuses_fails_the_sort(client, element):
    c = client(decode_responses=True)  # a connection of its own: see the module's note on errno
    c.rpush("l", "1", element)
    assert error_text(lambda: c.sort("l")) == NOT_DOUBLE
    client().ping()  # leaves the real server's errno as a new connection sets it


@pytest.mark.parametrize("element", ["0x1p-1074", "0e-999", "2.2250738585072014e-308"])
def test_exact_tiny_numbers_are_accepted(client, element):
    c = client(decode_responses=True)
    c.rpush("l", element, "-1")
    assert c.sort("l") == ["-1", element]


# -- ALPHA ------------------------------------------------------------------------------------------

def test_alpha_is_byte_order(rd):
    rd.rpush("l", "b", "B", "a", "A", "_x", "1", "é", "Z", "10", "9")
    assert rd.sort("l", alpha=True) == ["1", "10", "9", "A", "B", "Z", "_x", "a", "b", "é"]
    assert rd.sort("l", alpha=True, desc=True) == ["é", "b", "a", "_x", "Z", "B", "A", "9", "10", "1"]


def test_alpha_compares_up_to_a_nul_byte_but_store_compares_every_byte(r):
    r.rpush("l", b"b", b"a\x00z", b"a\x00b", b"a")
    # strcoll sees three equal strings "a", which keep the order they were read in
    assert r.sort("l", alpha=True) == [b"a\x00z", b"a\x00b", b"a", b"b"]
    assert r.sort("l", alpha=True, store="out") == 4
    assert r.lrange("out", 0, -1) == [b"a", b"a\x00b", b"a\x00z", b"b"]


def test_the_last_of_asc_and_desc_wins(rd):
    rd.rpush("l", "b", "c", "a")
    assert rd.execute_command("SORT", "l", "ASC", "DESC", "ALPHA") == ["c", "b", "a"]
    assert rd.execute_command("SORT", "l", "DESC", "alpha", "asc") == ["a", "b", "c"]


# -- the types sorted -------------------------------------------------------------------------------

def test_sets_sort_like_lists(rd):
    rd.sadd("ints", 5, 3, 10, 1)
    rd.sadd("words", "pear", "apple", "fig")
    assert rd.sort("ints") == ["1", "3", "5", "10"]
    assert rd.sort("words", alpha=True) == ["apple", "fig", "pear"]
    assert error_text(lambda: rd.sort("words")) == NOT_DOUBLE


def test_sorted_sets_sort_their_members_not_their_scores(rd):
    rd.zadd("z", {"c": 1, "a": 2, "b": 3, "d": 0})
    assert rd.sort("z", alpha=True) == ["a", "b", "c", "d"]
    assert error_text(lambda: rd.sort("z")) == NOT_DOUBLE
    rd.zadd("n", {"30": 1, "4": 2, "100": 3})
    assert rd.sort("n") == ["4", "30", "100"]


def test_a_missing_key_sorts_to_nothing(rd):
    assert rd.sort("nokey") == []
    assert rd.execute_command("SORT_RO", "nokey", "ALPHA", "LIMIT", 0, 5, "GET", "#") == []


@pytest.mark.parametrize("make", [
    lambda c: c.set("k", "1"),
    lambda c: c.hset("k", "f", "1"),
    lambda c: c.xadd("k", {"f": "1"}),
])
def test_other_types_are_wrongtype(rd, make):
    make(rd)
    assert error_text(lambda: rd.sort("k")) == WRONGTYPE
    assert error_text(lambda: rd.execute_command("SORT_RO", "k")) == WRONGTYPE
    assert error_text(lambda: rd.sort("k", store="dest")) == WRONGTYPE


def test_duplicates_and_a_long_list(rd):
    values = [str((i * 7919) % 1000) for i in range(1200)]
    rd.rpush("l", *values)
    expected = sorted(values, key=lambda v: (int(v), v))
    assert rd.sort("l") == expected
    assert rd.sort("l", start=995, num=10, desc=True) == expected[::-1][995:1005]


# -- LIMIT ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("offset, count, expected", [
    (0, 2, ["1", "2"]), (1, 2, ["2", "3"]), (2, 100, ["3", "4"]), (-5, 2, ["1", "2"]),
    (4, 1, []), (9, 2, []), (1, 0, []), (1, -1, ["2", "3", "4"]), (3, -7, ["4"]),
    (9223372036854775807, 9223372036854775807, []), (-9223372036854775808, 9223372036854775807, ["1", "2", "3", "4"]),
])
def test_limit_is_clamped_as_redis_clamps_it(rd, offset, count, expected):
    rd.rpush("l", "3", "1", "4", "2")
    assert rd.sort("l", start=offset, num=count) == expected


def test_limit_errors(rd):
    rd.rpush("l", "1")
    assert error_text(lambda: rd.execute_command("SORT", "l", "LIMIT", "a", "1")) == NOT_INTEGER
    assert error_text(lambda: rd.execute_command("SORT", "l", "LIMIT", "0", "9223372036854775808")) == NOT_INTEGER
    assert error_text(lambda: rd.execute_command("SORT", "l", "LIMIT", "1")) == "syntax error"
    # the last LIMIT counts
    rd.rpush("l", "2", "3")
    assert rd.execute_command("SORT", "l", "LIMIT", 0, 1, "LIMIT", 2, 1) == ["3"]


# -- BY ---------------------------------------------------------------------------------------------

def test_by_weighs_each_element_by_another_key(weights):
    assert weights.sort("ids", by="w_*") == ["2", "3", "1"]
    assert weights.sort("ids", by="w_*", desc=True) == ["1", "3", "2"]
    assert weights.sort("ids", by="user_*->age") == ["2", "3", "1"]
    assert weights.sort("ids", by="user_*->nick", alpha=True) == ["3", "2", "1"]  # a missing field sorts first


def test_by_missing_weights_count_as_zero_and_ties_fall_back_to_the_element(rd):
    rd.rpush("l", "c", "a", "b", "d")
    rd.mset({"w_c": "1"})
    assert rd.sort("l", by="w_*") == ["a", "b", "d", "c"]
    assert rd.sort("l", by="w_*", desc=True) == ["c", "d", "b", "a"]


def test_by_alpha_with_equal_weights_keeps_the_order_read(rd):
    rd.rpush("l", "c", "a", "b", "d")
    assert rd.sort("l", by="nothing_*", alpha=True) == ["c", "a", "b", "d"]
    assert rd.sort("l", by="nothing_*", alpha=True, desc=True) == ["c", "a", "b", "d"]
    rd.mset({"w_c": "x", "w_a": "x"})
    assert rd.sort("l", by="w_*", alpha=True) == ["b", "d", "c", "a"]


def test_by_a_weight_that_is_not_a_number_fails(weights):
    weights.set("w_2", "ten")
    assert error_text(lambda: weights.sort("ids", by="w_*")) == NOT_DOUBLE
    assert weights.sort("ids", by="w_*", alpha=True) == ["3", "1", "2"]


def test_by_keys_of_another_type_weigh_nothing(weights):
    weights.delete("w_1")
    weights.rpush("w_1", "-100")  # a list, not a string: no weight (0)
    assert weights.sort("ids", by="w_*") == ["1", "2", "3"]
    assert weights.sort("ids", by="w_*->age") == ["1", "2", "3"]  # strings are no hashes


def test_by_nosort_keeps_a_lists_order(weights):
    assert weights.sort("ids", by="nosort") == ["3", "1", "2"]
    assert weights.sort("ids", by="nosort", desc=True) == ["2", "1", "3"]
    assert weights.sort("ids", by="nosort", desc=True, start=1, num=5) == ["1", "3"]
    assert weights.sort("ids", by="anything-without-a-star", start=1, num=1) == ["1"]


def test_by_nosort_keeps_a_sorted_sets_order(rd):
    rd.zadd("z", {"c": 1, "a": 2, "b": 3, "d": 0})
    assert rd.sort("z", by="nosort") == ["d", "c", "a", "b"]
    assert rd.sort("z", by="nosort", desc=True) == ["b", "a", "c", "d"]
    assert rd.sort("z", by="nosort", desc=True, start=1, num=2) == ["a", "c"]
    assert rd.sort("z", by="nosort", store="out") == 4
    assert rd.lrange("out", 0, -1) == ["d", "c", "a", "b"]


def test_by_nosort_on_an_intset_keeps_its_order_and_ignores_desc(rd):
    rd.sadd("s", 5, 3, 10, 1)
    assert rd.sort("s", by="nosort") == ["1", "3", "5", "10"]
    assert rd.sort("s", by="nosort", desc=True) == ["1", "3", "5", "10"]
    assert rd.sort("s", by="nosort", start=1, num=2) == ["3", "5"]


def test_by_nosort_on_a_set_is_sorted_by_bytes_when_stored_or_scripted(rd):
    rd.sadd("s", "c", "a", "b", "10")
    assert sorted(rd.sort("s", by="nosort")) == ["10", "a", "b", "c"]  # the set's own order: unspecified
    assert rd.sort("s", by="nosort", store="out") == 4
    assert rd.lrange("out", 0, -1) == ["10", "a", "b", "c"]
    assert rd.sort("s", by="nosort", desc=True, store="out") == 4
    assert rd.lrange("out", 0, -1) == ["c", "b", "a", "10"]
    assert rd.eval("return redis.call('SORT', KEYS[1], 'BY', 'nosort')", 1, "s") == ["10", "a", "b", "c"]
    assert rd.eval("return redis.call('SORT_RO', KEYS[1], 'BY', 'nosort', 'DESC', 'LIMIT', 0, 3)", 1, "s") == \
        ["c", "b", "a"]


def test_a_later_by_does_not_undo_nosort(weights):
    assert weights.execute_command("SORT", "ids", "BY", "nosort", "BY", "w_*") == ["3", "1", "2"]
    assert weights.execute_command("SORT", "ids", "BY", "w_*", "BY", "nosort") == ["3", "1", "2"]


# -- GET --------------------------------------------------------------------------------------------

def test_get_returns_other_keys_in_pattern_order(weights):
    assert weights.sort("ids", get=["#", "name_*", "user_*->nick"]) == \
        ["1", "ann", "zed", "2", "bob", "amy", "3", None, None]
    assert weights.sort("ids", by="w_*", get="name_*") == ["bob", None, "ann"]
    assert weights.sort("ids", get=["#", "name_*"], groups=True) == [("1", "ann"), ("2", "bob"), ("3", None)]


def test_get_patterns_that_find_nothing(weights):
    weights.rpush("name_3", "a list")
    weights.set("x3->", "arrow")
    assert weights.sort("ids", get="name_*", start=2, num=1) == [None]  # a list is no string
    assert weights.sort("ids", get="nostar") == [None, None, None]
    assert weights.sort("ids", get="name_*->f") == [None, None, None]  # strings are no hashes
    assert weights.sort("ids", get="x*->") == [None, None, "arrow"]  # nothing after -> : a plain key


def test_get_hash_fields_split_at_the_first_arrow_after_the_star(weights):
    weights.hset("h_3", mapping={"f": "z", "->g": "q"})
    weights.hset("h->3", "f", "odd")
    assert weights.sort("ids", start=2, num=1, get=["h_*->f", "h_*->->g", "h_*->f->g", "h->*->f"]) == \
        ["z", "q", None, "odd"]


def test_get_and_by_on_a_sorted_set(weights):
    weights.zadd("z", {"1": 3, "2": 2, "3": 1})
    assert weights.sort("z", by="nosort", get="user_*->age") == ["33", "25", "40"]
    assert weights.sort("z", by="w_*", get=["#", "name_*"]) == ["2", "bob", "3", None, "1", "ann"]


# -- STORE ------------------------------------------------------------------------------------------

def test_store_writes_a_list_and_answers_its_length(weights):
    assert weights.sort("ids", store="out") == 3
    assert weights.type("out") == "list"
    assert weights.lrange("out", 0, -1) == ["1", "2", "3"]
    assert weights.sort("ids", get=["#", "name_*"], store="out") == 6
    assert weights.lrange("out", 0, -1) == ["1", "ann", "2", "bob", "3", ""]  # missing: empty string


def test_store_replaces_any_key_and_its_ttl(weights):
    weights.hset("out", "f", "v")
    weights.expire("out", 1000)
    assert weights.sort("ids", desc=True, store="out") == 3
    assert weights.lrange("out", 0, -1) == ["3", "2", "1"]
    assert weights.ttl("out") == -1


def test_an_empty_result_deletes_the_destination(weights):
    weights.set("out", "old")
    assert weights.sort("ids", start=5, num=1, store="out") == 0
    assert weights.exists("out") == 0
    weights.set("out", "old")
    assert weights.sort("nokey", store="out") == 0
    assert weights.exists("out") == 0


def test_store_onto_the_sorted_key_and_the_last_store_wins(weights):
    assert weights.sort("ids", store="ids") == 3
    assert weights.lrange("ids", 0, -1) == ["1", "2", "3"]
    assert weights.execute_command("SORT", "ids", "DESC", "STORE", "a", "STORE", "b") == 3
    assert weights.exists("a") == 0
    assert weights.lrange("b", 0, -1) == ["3", "2", "1"]


def test_a_failing_sort_stores_nothing(weights):
    weights.set("out", "kept")
    weights.rpush("bad", "1", "x")
    assert error_text(lambda: weights.sort("bad", store="out")) == NOT_DOUBLE
    assert error_text(lambda: weights.execute_command("SORT", "ids", "STORE", "out", "BOGUS")) == "syntax error"
    assert weights.get("out") == "kept"


def test_sort_store_inside_multi(weights):
    pipe = weights.pipeline()
    pipe.sort("ids", by="w_*", store="out").lrange("out", 0, -1).sort("ids", by="w_*")
    assert pipe.execute() == [3, ["2", "3", "1"], ["2", "3", "1"]]


# -- SORT_RO ----------------------------------------------------------------------------------------

def test_sort_ro_answers_as_sort(weights):
    assert weights.execute_command("SORT_RO", "ids", "BY", "w_*", "GET", "#", "GET", "name_*", "DESC") == \
        ["1", "ann", "3", None, "2", "bob"]
    assert weights.execute_command("SORT_RO", "ids", "LIMIT", 0, 2, "ALPHA") == ["1", "2"]
    assert weights.sort_ro("ids", by="w_*", get="name_*") == ["bob", None, "ann"]  # redis-py sends SORT here


def test_sort_ro_has_no_store(weights):
    assert error_text(lambda: weights.execute_command("SORT_RO", "ids", "STORE", "out")) == "syntax error"
    assert weights.exists("out") == 0


def test_read_only_scripts_may_call_sort_ro_but_not_sort(weights):
    assert weights.eval_ro("return redis.call('SORT_RO', KEYS[1], 'DESC')", 1, "ids") == ["3", "2", "1"]
    assert error_text(lambda: weights.eval_ro("return redis.call('SORT', KEYS[1])", 1, "ids")).startswith(
        "Write commands are not allowed from read-only scripts.")
    assert weights.eval("return redis.call('SORT', KEYS[1], 'STORE', KEYS[2])", 2, "ids", "out") == 3
    assert weights.lrange("out", 0, -1) == ["1", "2", "3"]


# -- errors -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("options", [["FOO"], ["BY"], ["GET"], ["STORE"], ["ALPHA", "LIMIT", "1"], ["DESC", "NOSORT"]])
def test_syntax_errors(weights, options):
    assert error_text(lambda: weights.execute_command("SORT", "ids", *options)) == "syntax error"
    assert error_text(lambda: weights.execute_command("SORT_RO", "ids", *options)) == "syntax error"


def test_option_errors_come_before_the_type_check(rd):
    rd.set("str", "1")
    assert error_text(lambda: rd.execute_command("SORT", "str", "FOO")) == "syntax error"
    assert error_text(lambda: rd.execute_command("SORT", "str", "LIMIT", "x", "1")) == NOT_INTEGER


def test_arity(rd):
    assert error_text(lambda: rd.execute_command("SORT")) == "wrong number of arguments for 'sort' command"
    assert error_text(lambda: rd.execute_command("SORT_RO")) == "wrong number of arguments for 'sort_ro' command"


# -- the command table ------------------------------------------------------------------------------

def test_command_info_docs_and_list(r):
    info = r.execute_command("COMMAND", "INFO", "SORT", "SORT_RO")  # parsed by redis-py's callback
    sort, sort_ro = info["sort"], info["sort_ro"]
    assert (sort["arity"], sort["flags"], sort["first_key_pos"], sort["last_key_pos"]) == \
        (-2, ["write", "denyoom", "movablekeys"], 1, 1)
    assert (sort_ro["arity"], sort_ro["flags"]) == (-2, ["readonly", "movablekeys"])
    assert sort["acl_categories"] == ["@write", "@set", "@sortedset", "@list", "@slow", "@dangerous"]
    # key specs: the key sorted, the keys BY/GET reach, and (SORT only) the STORE destination
    assert [spec[b"flags"] for spec in sort["key_specifications"]] == [[b"RO", b"access"], [b"RO", b"access"], [b"OW", b"update"]]
    assert len(sort_ro["key_specifications"]) == 2
    docs = r.execute_command("COMMAND DOCS", "sort", "sort_ro")
    assert sorted(docs) == [b"sort", b"sort_ro"]
    assert sorted(r.command_list(pattern="sort*")) == [b"sort", b"sort_ro"]


def test_command_getkeys_finds_the_last_store(r):
    assert r.command_getkeys("SORT", "a", "LIMIT", "0", "1", "GET", "store", "STORE", "b", "STORE", "c") == ["a", "c"]
    assert r.command_getkeys("SORT", "a", "BY", "x*", "ALPHA") == ["a"]
    assert r.command_getkeys("SORT_RO", "a", "GET", "#") == ["a"]


def test_resp3_replies(client):
    c = client(protocol=3, decode_responses=True)
    c.rpush("l", "2", "1")
    c.set("v_1", "one")
    assert c.sort("l", get=["#", "v_*"]) == ["1", "one", "2", None]
    assert c.sort("l", store="out") == 2


@pytest.mark.parametrize("protocol, get_reply, store_reply", [
    (2, b"*4\r\n$1\r\n1\r\n$3\r\none\r\n$1\r\n2\r\n$-1\r\n", b":2\r\n"),
    (3, b"*4\r\n$1\r\n1\r\n$3\r\none\r\n$1\r\n2\r\n_\r\n", b":2\r\n"),
])
def test_reply_bytes_on_the_wire(wire, protocol, get_reply, store_reply):
    w = wire(protocol)
    w.call("RPUSH", "l", "2", "1")
    w.call("SET", "v_1", "one")
    assert w.call("SORT", "l", "GET", "#", "GET", "v_*") == get_reply
    assert w.call("SORT_RO", "nokey") == b"*0\r\n"
    assert w.call("SORT", "l", "STORE", "out") == store_reply
    assert w.call("SORT", "l", "BY") == b"-ERR syntax error\r\n"
    assert w.call("SORT", "v_1") == b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    w.call("RPUSH", "bad", "x")
    assert w.call("SORT", "bad") == b"-ERR One or more scores can't be converted into double\r\n"


# -- deliberate differences -----------------------------------------------------------------------

@pytest.mark.known_difference("Redis 7.0 does not clear errno before SORT's strtod, so after one element overflows or "
                              "underflows every numeric SORT fails until a connection is accepted; dotdo reads each "
                              "SORT's numbers afresh")
def test_an_erange_does_not_leak_into_the_next_sort(target, rd):
    rd.rpush("tiny", "1e-310")
    rd.rpush("fine", "2.5", "1")  # 2.5 goes through strtod (integers are read without it)
    pipe = rd.pipeline(transaction=False)  # one read on the server: nothing in between resets errno there
    pipe.sort("tiny").sort("fine")
    first, second = pipe.execute(raise_on_error=False)
    assert str(first) == NOT_DOUBLE
    if target == "real":
        assert str(second) == NOT_DOUBLE
    else:
        assert second == ["1", "2.5"]


@pytest.mark.known_difference("dotdo keeps no encoding history for sorted sets: Redis 7.0's SORT converts a small "
                              "sorted set to a skiplist for good, dotdo reports the listpack its size implies")
def test_sort_leaves_a_small_sorted_set_a_skiplist(target, rd):
    rd.zadd("z", {"a": 1})
    rd.execute_command("SORT_RO", "z", "ALPHA")
    assert rd.object("encoding", "z") == ("skiplist" if target == "real" else "listpack")


@pytest.mark.known_difference("with BY and a LIMIT short of the whole, Redis sorts with its partial quicksort, which "
                              "is not stable: elements of equal ALPHA weight come out in that algorithm's order; dotdo "
                              "keeps them in the order they were read, as Redis's full sort does")
def test_by_alpha_limit_with_equal_weights(target, rd):
    rd.rpush("l", *[f"e{i:02d}" for i in range(30)])
    rd.mset({f"w_e{i:02d}": "x" if i % 3 else "y" for i in range(30)})
    page = rd.sort("l", by="w_*", alpha=True, start=2, num=8)
    if target == "real":
        assert page == ["e22", "e23", "e08", "e25", "e26", "e01", "e28", "e29"]
    else:
        assert page == ["e04", "e05", "e07", "e08", "e10", "e11", "e13", "e14"]
    # without LIMIT, or with distinct weights, both agree
    assert rd.sort("l", by="w_*", alpha=True)[:3] == ["e01", "e02", "e04"]
    assert rd.sort("l", by="nosuchkey_*", alpha=True, start=3, num=2) == ["e03", "e04"]


# -- cluster mode -----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(target, tmp_path):
    """A client of a cluster-mode server owning every slot: a private cluster-enabled redis-server, or a
    dotdo tenant with several shards."""
    if target == "dotdo":
        c = dotdo_redis.Redis(data=str(tmp_path / "dotdo"), tenant="clustered", shards=4, decode_responses=True)
        yield c
        c.close()
        return
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("no redis-server binary for a private cluster-mode server")
    sock = str(tmp_path / "cluster.sock")
    proc = subprocess.Popen([binary, "--port", "0", "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                             "--cluster-port", str(_free_port()), "--cluster-config-file", str(tmp_path / "nodes.conf"),
                             "--unixsocket", sock, "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL)
    try:
        for _ in range(500):
            if os.path.exists(sock):
                break
            time.sleep(0.02)
        c = redis.Redis(unix_socket_path=sock, decode_responses=True)
        c.execute_command("CLUSTER", "ADDSLOTSRANGE", 0, 16383)
        for _ in range(500):  # the node takes a moment to call its state ok
            if c.execute_command("CLUSTER", "INFO").startswith("cluster_state:ok"):
                break
            time.sleep(0.02)
        yield c
        c.close()
    finally:
        proc.terminate()
        proc.wait(10)


def test_cluster_mode_refuses_by_and_get_patterns(cluster):
    cluster.rpush("l", "3", "1", "2")
    assert error_text(lambda: cluster.sort("l", by="w_*")) == "BY option of SORT denied in Cluster mode."
    assert error_text(lambda: cluster.sort("l", get="#")) == "GET option of SORT denied in Cluster mode."
    assert error_text(lambda: cluster.execute_command("SORT_RO", "l", "GET", "{l}*")) == \
        "GET option of SORT denied in Cluster mode."
    assert error_text(lambda: cluster.execute_command("SORT", "l", "BY", "nosort", "BY", "w_*")) == \
        "BY option of SORT denied in Cluster mode."
    assert error_text(lambda: cluster.execute_command("SORT", "l", "FOO", "GET", "x")) == "syntax error"
    assert error_text(lambda: cluster.execute_command("SORT", "l", "LIMIT", "0", "x", "BY", "w_*")) == NOT_INTEGER
    cluster.set("str", "1")
    assert error_text(lambda: cluster.sort("str", by="w_*")) == "BY option of SORT denied in Cluster mode."


def test_cluster_mode_sorts_without_patterns(cluster):
    cluster.rpush("l", "3", "1", "2")
    assert cluster.sort("l") == ["1", "2", "3"]
    assert cluster.sort("l", by="nosort", desc=True) == ["2", "1", "3"]
    assert cluster.execute_command("SORT_RO", "l", "ALPHA", "LIMIT", 1, 1) == ["2"]


def test_cluster_mode_store_must_share_the_slot(cluster):
    cluster.rpush("{l}src", "3", "1", "2")
    assert error_text(lambda: cluster.sort("{l}src", store="elsewhere")) == \
        "Keys in request don't hash to the same slot"
    assert cluster.exists("elsewhere") == 0
    assert cluster.sort("{l}src", store="{l}out") == 3
    assert cluster.lrange("{l}out", 0, -1) == ["1", "2", "3"]
