"""Generic key commands through redis-py: DEL/EXISTS/TYPE, RENAME, expiry, KEYS/SCAN, COPY/MOVE/SWAPDB,
FLUSHDB, OBJECT.

Cases that touch a second database run on the real server only when DOTDO_REAL_REDIS_SPARE_DB names a
database the suite may clobber (CI sets 14); FLUSHALL's real side runs on a private redis-server
the test starts (it wipes the whole server)."""
import os
import time

import pytest
import redis

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def error_text(call):
    with pytest.raises(redis.ResponseError) as e:
        call()
    return str(e.value)


def current_db(c) -> int:
    return int(c.connection_pool.connection_kwargs.get("db") or 0)


@pytest.fixture
def spare(target, client):
    """(db number, a client selected on it) for a second database."""
    if target == "real":
        value = os.environ.get("DOTDO_REAL_REDIS_SPARE_DB")
        if value is None:
            pytest.skip("set DOTDO_REAL_REDIS_SPARE_DB to a database the suite may clobber")
        db = int(value)
    else:
        db = 1
    other = client(single_connection_client=True)
    other.execute_command("SELECT", db)
    other.flushdb()
    yield db, other
    other.flushdb()


def make_one_of_each(r):
    r.set("string", "v")
    r.rpush("list", "a")
    r.sadd("set", "a")
    r.zadd("zset", {"a": 1})
    r.hset("hash", "f", "v")
    r.xadd("stream", {"f": "v"})


# -- DEL / EXISTS / TYPE / TOUCH --------------------------------------------------------------

@pytest.mark.parametrize("keys, expected", [
    (["a"], 1), (["a", "b"], 2), (["a", "nokey"], 1), (["nokey"], 0), (["a", "a"], 1),
])
def test_del_counts_keys_that_existed(r, keys, expected):
    r.mset({"a": 1, "b": 2})
    assert r.delete(*keys) == expected
    for key in keys:
        assert r.exists(key) == 0


def test_exists_counts_repeated_keys_each_time(r):
    r.set("a", 1)
    assert r.exists("a", "a", "nokey", "a") == 3


def test_unlink_removes_like_del(r):
    r.set("a", 1)
    r.rpush("l", 1, 2)
    assert r.unlink("a", "l", "nokey") == 2
    assert r.exists("a", "l") == 0


def test_del_removes_collections_entirely(r):
    r.rpush("k", "a", "b")
    r.delete("k")
    r.sadd("k", "x")
    assert r.smembers("k") == {b"x"}


@pytest.mark.parametrize("key, expected", [
    ("string", "string"), ("list", "list"), ("set", "set"), ("zset", "zset"), ("hash", "hash"),
    ("stream", "stream"), ("nokey", "none"),
])
def test_type_names_each_kind(rd, key, expected):
    make_one_of_each(rd)
    assert rd.type(key) == expected


def test_touch_counts_existing_keys(r):
    r.mset({"a": 1, "b": 2})
    assert r.touch("a", "b", "c", "a") == 3


# -- KEYS and glob patterns ---------------------------------------------------------------------

GLOB_KEYS = ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h[llo", "a-b", "a]b", "abc", "x\\y", "Hello"]


@pytest.mark.parametrize("pattern, expected", [
    ("*", GLOB_KEYS),
    ("h?llo", ["hello", "hallo", "hxllo", "h*llo", "h[llo"]),
    ("h*llo", ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h[llo"]),
    ("h[ae]llo", ["hello", "hallo"]),
    ("h[^e]llo", ["hallo", "hxllo", "h*llo", "h[llo"]),
    ("h[a-e]llo", ["hello", "hallo"]),
    ("h[e-a]llo", ["hello", "hallo"]),
    ("h\\*llo", ["h*llo"]),
    ("h[\\[]llo", ["h[llo"]),
    ("a[-]b", ["a-b"]),
    ("a]b", ["a]b"]),
    ("x\\\\y", ["x\\y"]),
    ("[Hh]ello", ["hello", "Hello"]),
    ("***llo", ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h[llo", "Hello"]),
    ("a?c", ["abc"]),
    ("abc?", []),
    ("a*", ["a-b", "a]b", "abc"]),
    ("hello*", ["hello"]),
    ("nomatch*", []),
    ("h[", []),
    ("[a", []),
])
def test_keys_glob_patterns(rd, pattern, expected):
    rd.mset({k: "1" for k in GLOB_KEYS})
    assert sorted(rd.keys(pattern)) == sorted(expected)


def test_keys_skips_expired_keys(r):
    r.set("live", 1)
    r.set("gone", 1, px=1)
    time.sleep(0.01)
    assert r.keys("*") == [b"live"]


def test_keys_handles_binary_keys(r):
    r.set(b"\x00\xff\x80", 1)
    r.set(b"\xff", 2)
    assert sorted(r.keys("*")) == sorted([b"\x00\xff\x80", b"\xff"])
    assert r.keys(b"\x00?\x80") == [b"\x00\xff\x80"]


# -- RENAME / RENAMENX ---------------------------------------------------------------------------

def test_rename_moves_value_and_ttl(r):
    r.set("a", "v", ex=100)
    assert r.rename("a", "b") is True
    assert r.get("b") == b"v"
    assert r.exists("a") == 0
    assert 95 <= r.ttl("b") <= 100


def test_rename_overwrites_destination_of_another_type(r):
    r.rpush("src", "x", "y")
    r.set("dst", "old")
    r.rename("src", "dst")
    assert r.type("dst") == b"list"
    assert r.lrange("dst", 0, -1) == [b"x", b"y"]


def test_rename_drops_destination_ttl(r):
    r.set("src", "1")
    r.set("dst", "2", ex=100)
    r.rename("src", "dst")
    assert r.ttl("dst") == -1


def test_rename_missing_key_is_no_such_key(r):
    assert error_text(lambda: r.rename("nokey", "x")) == "no such key"


def test_rename_to_itself_is_ok_when_key_exists(r):
    r.set("a", 1)
    assert r.rename("a", "a") is True
    assert r.get("a") == b"1"


@pytest.mark.parametrize("dst_exists, expected", [(False, True), (True, False)])
def test_renamenx_only_when_destination_absent(r, dst_exists, expected):
    r.set("src", "new")
    if dst_exists:
        r.set("dst", "old")
    assert r.renamenx("src", "dst") is expected
    assert r.get("dst") == (b"old" if dst_exists else b"new")


def test_renamenx_to_itself_answers_zero(r):
    r.set("a", 1)
    assert r.renamenx("a", "a") is False


def test_rename_of_hash_keeps_fields(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    r.rename("h", "h2")
    assert r.hgetall("h2") == {b"a": b"1", b"b": b"2"}
    assert r.hgetall("h") == {}


# -- expiry ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("initial_ttl, option, seconds, applied", [
    (None, "nx", 100, True), (50, "nx", 100, False),
    (None, "xx", 100, False), (50, "xx", 100, True),
    (None, "gt", 100, False), (50, "gt", 100, True), (50, "gt", 10, False),
    (None, "lt", 100, True), (50, "lt", 10, True), (50, "lt", 100, False),
])
def test_expire_conditions(r, initial_ttl, option, seconds, applied):
    r.set("k", "v")
    if initial_ttl:
        r.expire("k", initial_ttl)
    assert r.expire("k", seconds, **{option: True}) is applied
    expected = seconds if applied else (initial_ttl or -1)
    assert r.ttl("k") in (expected, expected - 1)


@pytest.mark.parametrize("call", [
    lambda r: r.expire("k", -1),
    lambda r: r.pexpire("k", 0),
    lambda r: r.expireat("k", 1),
    lambda r: r.pexpireat("k", int(time.time() * 1000) - 1000),
])
def test_expire_in_the_past_deletes_the_key(r, call):
    r.set("k", "v")
    assert call(r) is True
    assert r.exists("k") == 0


@pytest.mark.parametrize("command", ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
def test_expire_on_missing_key_answers_zero(r, command):
    assert r.execute_command(command, "nokey", 100) == 0


@pytest.mark.parametrize("args, message", [
    (("EXPIRE", "k", "10", "NX", "XX"), "NX and XX, GT or LT options at the same time are not compatible"),
    (("EXPIRE", "k", "10", "NX", "GT"), "NX and XX, GT or LT options at the same time are not compatible"),
    (("EXPIRE", "k", "10", "GT", "LT"), "GT and LT options at the same time are not compatible"),
    (("EXPIRE", "k", "10", "FOO"), "Unsupported option FOO"),
    (("EXPIRE", "k", "abc"), "value is not an integer or out of range"),
    (("EXPIRE", "k", "9223372036854775807"), "invalid expire time in 'expire' command"),
    (("PEXPIRE", "k", "9223372036854775807"), "invalid expire time in 'pexpire' command"),
    (("EXPIREAT", "k", "9223372036854775807"), "invalid expire time in 'expireat' command"),
    (("EXPIRE", "k"), "wrong number of arguments for 'expire' command"),
])
def test_expire_errors(r, args, message):
    r.set("k", "v")
    assert error_text(lambda: r.execute_command(*args)) == message
    assert r.ttl("k") == -1


def test_ttl_and_pttl_for_missing_and_persistent_keys(r):
    r.set("k", "v")
    assert (r.ttl("nokey"), r.pttl("nokey")) == (-2, -2)
    assert (r.ttl("k"), r.pttl("k")) == (-1, -1)


def test_pttl_counts_down_in_milliseconds(r):
    r.set("k", "v", px=5000)
    assert 4000 < r.pttl("k") <= 5000
    assert r.ttl("k") == 5


def test_expiretime_reports_absolute_unix_time(r):
    r.set("k", "v")
    r.pexpireat("k", 99999999999500)
    assert r.expiretime("k") == 100000000000
    assert r.execute_command("PEXPIRETIME", "k") == 99999999999500
    r.set("p", "v")
    assert r.expiretime("p") == -1
    assert r.expiretime("nokey") == -2


def test_persist_removes_the_ttl_once(r):
    r.set("k", "v", ex=100)
    assert r.persist("k") is True
    assert r.persist("k") is False
    assert r.persist("nokey") is False
    assert r.ttl("k") == -1


def test_key_expires_after_its_ttl(r):
    r.set("k", "v", px=30)
    r.rpush("l", "a")
    r.pexpire("l", 30)
    time.sleep(0.06)
    assert r.get("k") is None
    assert r.exists("l") == 0
    assert r.lrange("l", 0, -1) == []


def test_overwriting_with_set_clears_ttl_but_collections_writes_keep_it(r):
    r.set("k", "v", ex=100)
    r.set("k", "w")
    assert r.ttl("k") == -1
    r.rpush("l", "a")
    r.expire("l", 100)
    r.rpush("l", "b")
    assert r.ttl("l") > 0


# -- SCAN ---------------------------------------------------------------------------------------------

def test_scan_iter_visits_every_key_once_present(r):
    keys = {f"key:{i}".encode() for i in range(250)}
    r.mset({k: 1 for k in keys})
    seen = set(r.scan_iter(count=17))
    assert seen == keys


def test_scan_sees_keys_present_throughout_while_others_change(r):
    stable = {f"stable:{i}".encode() for i in range(100)}
    r.mset({k: 1 for k in stable})
    seen = set()
    cursor = 0
    step = 0
    while True:
        cursor, batch = r.scan(cursor, count=10)
        seen.update(batch)
        r.set(f"churn:{step}", 1)
        r.delete(f"churn:{step - 3}")
        step += 1
        if cursor == 0:
            break
    assert stable <= seen


@pytest.mark.parametrize("match, expected", [
    ("user:*", {b"user:1", b"user:2"}),
    ("*:1", {b"user:1", b"item:1"}),
    ("nothing*", set()),
])
def test_scan_match_filters(r, match, expected):
    r.mset({"user:1": 1, "user:2": 1, "item:1": 1, "other": 1})
    assert set(r.scan_iter(match=match)) == expected


@pytest.mark.parametrize("type_name, expected", [
    ("string", {b"string"}), ("list", {b"list"}), ("hash", {b"hash"}), ("zset", {b"zset"}),
    ("set", {b"set"}), ("stream", {b"stream"}), ("nosuchtype", set()),
])
def test_scan_type_filters(r, type_name, expected):
    make_one_of_each(r)
    assert set(r.scan_iter(_type=type_name)) == expected


def test_scan_on_empty_db_returns_cursor_zero(r):
    assert r.scan(0) == (0, [])


@pytest.mark.parametrize("cursor", ["-1", "18446744073709551615", "9223372036854775808"])
def test_scan_from_a_cursor_beyond_63_bits_on_empty_db_ends(r, cursor):
    assert r.execute_command("SCAN", cursor) == (0, [])


def test_scan_with_large_count_returns_all_at_once(r):
    r.mset({f"k{i}": 1 for i in range(20)})
    cursor, keys = r.scan(0, count=1000)
    assert cursor == 0
    assert len(keys) == 20


@pytest.mark.parametrize("args, message", [
    (("SCAN", "abc"), "invalid cursor"),
    (("SCAN", "0", "COUNT", "0"), "syntax error"),
    (("SCAN", "0", "COUNT", "x"), "value is not an integer or out of range"),
    (("SCAN", "0", "MATCH"), "syntax error"),
    (("SCAN", "0", "FOO", "bar"), "syntax error"),
])
def test_scan_errors(r, args, message):
    assert error_text(lambda: r.execute_command(*args)) == message


# -- RANDOMKEY / DBSIZE / FLUSHDB ------------------------------------------------------------------------

def test_randomkey_on_empty_db_is_none(r):
    assert r.randomkey() is None


def test_randomkey_returns_an_existing_key(r):
    r.mset({"a": 1, "b": 2, "c": 3})
    for _ in range(10):
        assert r.randomkey() in (b"a", b"b", b"c")


def test_dbsize_counts_keys_and_drops_expired_ones_once_touched(r):
    r.mset({"a": 1, "b": 2})
    r.set("c", 1, px=1)
    time.sleep(0.01)
    assert r.get("c") is None  # Redis counts an expired key until it is reclaimed
    assert r.dbsize() == 2


@pytest.mark.parametrize("args", [(), ("ASYNC",), ("SYNC",), ("async",)])
def test_flushdb_modes_empty_the_db(r, args):
    r.mset({"a": 1, "b": 2})
    r.rpush("l", 1)
    assert r.execute_command("FLUSHDB", *args) is True
    assert r.dbsize() == 0


@pytest.mark.parametrize("args", [("FLUSHDB", "LATER"), ("FLUSHDB", "ASYNC", "SYNC"), ("FLUSHALL", "FOO")])
def test_flush_bad_mode_is_syntax_error(r, args):
    r.set("a", 1)
    assert error_text(lambda: r.execute_command(*args)) == "syntax error"
    assert r.exists("a") == 1


# -- COPY ----------------------------------------------------------------------------------------------

def test_copy_duplicates_value_and_ttl(r):
    r.set("src", "v", ex=100)
    assert r.copy("src", "dst") is True
    assert r.get("dst") == b"v"
    assert 95 <= r.ttl("dst") <= 100


def test_copy_refuses_existing_destination_unless_replace(r):
    r.set("src", "new")
    r.set("dst", "old")
    assert r.copy("src", "dst") is False
    assert r.get("dst") == b"old"
    assert r.copy("src", "dst", replace=True) is True
    assert r.get("dst") == b"new"


def test_copy_of_collection_is_independent(r):
    r.zadd("z", {"a": 1, "b": 2})
    r.copy("z", "z2")
    r.zadd("z2", {"c": 3})
    assert r.zrange("z", 0, -1, withscores=True) == [(b"a", 1.0), (b"b", 2.0)]
    assert r.zcard("z2") == 3


def test_copy_missing_source_answers_zero(r):
    assert r.copy("nokey", "dst") is False


@pytest.mark.parametrize("args, message", [
    (("COPY", "a", "a"), "source and destination objects are the same"),
    (("COPY", "a", "b", "DB", "99"), "DB index is out of range"),
    (("COPY", "a", "b", "DB", "x"), "value is not an integer or out of range"),
    (("COPY", "a", "b", "FOO"), "syntax error"),
    (("COPY", "a", "b", "DB"), "syntax error"),
])
def test_copy_errors(r, args, message):
    r.set("a", 1)
    assert error_text(lambda: r.execute_command(*args)) == message


def test_copy_to_another_db(r, spare):
    db, other = spare
    r.set("src", "v")
    assert r.copy("src", "dst", destination_db=db) is True
    assert other.get("dst") == b"v"
    assert r.get("src") == b"v"
    assert r.exists("dst") == 0


def test_copy_same_name_to_another_db_is_allowed(r, spare):
    db, other = spare
    r.hset("h", "f", "v")
    assert r.copy("h", "h", destination_db=db) is True
    assert other.hgetall("h") == {b"f": b"v"}


# -- MOVE / SWAPDB ----------------------------------------------------------------------------------------

def test_move_transfers_key_with_ttl(r, spare):
    db, other = spare
    r.set("k", "v", ex=100)
    assert r.move("k", db) is True
    assert r.exists("k") == 0
    assert other.get("k") == b"v"
    assert other.ttl("k") > 90


def test_move_refuses_when_target_has_the_key(r, spare):
    db, other = spare
    r.set("k", "mine")
    other.set("k", "theirs")
    assert r.move("k", db) is False
    assert r.get("k") == b"mine"


def test_move_missing_key_answers_zero(r, spare):
    db, _ = spare
    assert r.move("nokey", db) is False


@pytest.mark.parametrize("arg, message", [
    ("99", "DB index is out of range"), ("-1", "DB index is out of range"),
    ("abc", "value is not an integer or out of range"),
])
def test_move_errors(r, arg, message):
    r.set("k", "v")
    assert error_text(lambda: r.execute_command("MOVE", "k", arg)) == message


def test_move_to_same_db_is_an_error(r):
    r.set("k", "v")
    assert error_text(lambda: r.move("k", current_db(r))) == "source and destination objects are the same"


def test_swapdb_exchanges_contents(r, spare):
    db, other = spare
    r.set("mine", "1")
    other.rpush("theirs", "x")
    assert r.swapdb(current_db(r), db) is True
    assert r.lrange("theirs", 0, -1) == [b"x"]
    assert r.exists("mine") == 0
    assert other.get("mine") == b"1"


@pytest.mark.parametrize("a, b, message", [
    ("x", "1", "invalid first DB index"), ("1", "y", "invalid second DB index"),
    ("1", "99", "DB index is out of range"), ("-1", "0", "DB index is out of range"),
])
def test_swapdb_errors(r, a, b, message):
    assert error_text(lambda: r.execute_command("SWAPDB", a, b)) == message


def test_swapdb_with_itself_is_ok(r):
    r.set("k", 1)
    assert r.swapdb(current_db(r), current_db(r)) is True
    assert r.get("k") == b"1"


def test_flushall_empties_every_db(r, spare, target, request):
    if target == "real":  # FLUSHALL wipes the whole server: never the shared one
        url = request.getfixturevalue("private_real_redis")
        r, other = redis.Redis.from_url(url + "?db=0"), redis.Redis.from_url(url + "?db=1")
    else:
        _, other = spare
    r.set("a", 1)
    other.set("b", 1)
    assert r.flushall() is True
    assert r.dbsize() == 0
    assert other.dbsize() == 0


# -- OBJECT ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("setup, expected", [
    (lambda r: r.set("k", "12345"), "int"),
    (lambda r: r.set("k", "-7"), "int"),
    (lambda r: r.set("k", "0123"), "embstr"),
    (lambda r: r.set("k", "hello"), "embstr"),
    (lambda r: r.set("k", "x" * 44), "embstr"),
    (lambda r: r.set("k", "x" * 45), "raw"),
    (lambda r: r.set("k", "99999999999999999999"), "embstr"),
    (lambda r: (r.set("k", "foo"), r.append("k", "bar")), "raw"),
    (lambda r: r.append("k", "123"), "int"),
    (lambda r: (r.set("k", "foo"), r.append("k", "bar"), r.expire("k", 100)), "raw"),
    (lambda r: (r.set("k", "foo", ex=100), r.append("k", "bar"), r.persist("k")), "raw"),
    (lambda r: (r.set("k", "foo"), r.append("k", "bar"), r.getex("k", ex=100)), "raw"),
    (lambda r: (r.set("k", "foo"), r.append("k", "bar"), r.set("k", "foo")), "embstr"),
    (lambda r: (r.set("k", "1"), r.append("k", "2"), r.incr("k")), "int"),
    (lambda r: (r.set("src", "foo"), r.append("src", "bar"), r.rename("src", "k")), "raw"),
    (lambda r: (r.set("src", "foo"), r.append("src", "bar"), r.copy("src", "k")), "raw"),
    (lambda r: (r.set("k", "x"), r.append("k", "y"), r.copy("k", "c"), r.set("c", "z")), "raw"),
    (lambda r: r.setrange("k", 0, "12"), "raw"),
    (lambda r: (r.set("k", "1"), r.incr("k")), "int"),
    (lambda r: r.incrbyfloat("k", 3), "embstr"),
    (lambda r: r.setbit("k", 3, 1), "raw"),
    (lambda r: r.rpush("k", "a"), "quicklist"),
    (lambda r: r.sadd("k", 1, 2, 3), "intset"),
    (lambda r: r.sadd("k", 1, "a"), "hashtable"),
    (lambda r: r.sadd("k", *range(512)), "intset"),
    (lambda r: r.sadd("k", *range(513)), "hashtable"),
    (lambda r: r.hset("k", "f", "v"), "listpack"),
    (lambda r: r.hset("k", "f", "v" * 65), "hashtable"),
    (lambda r: r.hset("k", mapping={str(i): i for i in range(512)}), "listpack"),
    (lambda r: r.hset("k", mapping={str(i): i for i in range(513)}), "hashtable"),
    (lambda r: r.zadd("k", {"a": 1}), "listpack"),
    (lambda r: r.zadd("k", {"a" * 65: 1}), "skiplist"),
    (lambda r: r.zadd("k", {str(i): i for i in range(128)}), "listpack"),
    (lambda r: r.zadd("k", {str(i): i for i in range(129)}), "skiplist"),
    (lambda r: r.xadd("k", {"f": "v"}), "stream"),
])
def test_object_encoding(rd, setup, expected):
    setup(rd)
    assert rd.object("encoding", "k") == expected


def test_object_encoding_of_missing_key_is_none(r):
    assert r.object("encoding", "nokey") is None


@pytest.mark.parametrize("value, expected", [("5", 2147483647), ("9999", 2147483647), ("10000", 1), ("-1", 1), ("abc", 1)])
def test_object_refcount_shows_shared_small_integers(r, value, expected):
    r.set("k", value)
    assert r.object("refcount", "k") == expected


def test_object_freq_needs_lfu_policy(r):
    r.set("k", "v")
    assert error_text(lambda: r.object("freq", "k")).startswith("An LFU maxmemory policy is not selected")


def test_object_idletime_of_fresh_key_is_zero(r):
    r.set("k", "v")
    assert r.object("idletime", "k") == 0


def test_object_help_lists_subcommands(r):
    lines = r.execute_command("OBJECT", "HELP")
    assert lines[0] == b"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert b"ENCODING <key>" in lines and b"REFCOUNT <key>" in lines


@pytest.mark.parametrize("args, message", [
    (("OBJECT", "FOO", "k"), "unknown subcommand 'FOO'. Try OBJECT HELP."),
    (("OBJECT", "ENCODING", "k", "extra"), "wrong number of arguments for 'object|encoding' command"),
    (("OBJECT", "ENCODING"), "wrong number of arguments for 'object|encoding' command"),
    (("OBJECT", "HELP", "x"), "wrong number of arguments for 'object|help' command"),
    (("OBJECT",), "wrong number of arguments for 'object' command"),
])
def test_object_errors(r, args, message):
    r.set("k", "v")
    assert error_text(lambda: r.execute_command(*args)) == message


# -- WATCH sees key-level changes ---------------------------------------------------------------------

@pytest.mark.parametrize("change, aborts", [
    (lambda o: o.expire("w", 100), True),
    (lambda o: o.persist("w"), True),
    (lambda o: o.rename("w", "w2"), True),
    (lambda o: o.copy("src", "w", replace=True), True),
    (lambda o: o.append("w", "x"), True),
    (lambda o: o.setrange("w", 0, "z"), True),
    (lambda o: o.incrbyfloat("n", 1), False),
    (lambda o: o.get("w"), False),
    (lambda o: o.touch("w"), False),
    (lambda o: o.object("encoding", "w"), False),
    (lambda o: o.expire("nokey", 100), False),
])
def test_watch_is_broken_only_by_changes_to_the_key(client, change, aborts):
    first, other = client(), client()
    first.set("w", "v", ex=1000)
    first.set("src", "s")
    with first.pipeline() as pipe:
        pipe.watch("w")
        change(other)
        pipe.multi()
        pipe.set("done", "1")
        if aborts:
            with pytest.raises(redis.WatchError):
                pipe.execute()
        else:
            assert pipe.execute() == [True]


def test_watched_key_that_expires_aborts_exec(client):
    first = client()
    first.set("w", "v", px=30)
    with first.pipeline() as pipe:
        pipe.watch("w")
        time.sleep(0.06)
        pipe.multi()
        pipe.set("done", "1")
        with pytest.raises(redis.WatchError):
            pipe.execute()


def test_key_commands_inside_multi(r):
    r.set("a", "1", ex=100)
    pipe = r.pipeline()
    pipe.rename("a", "b").ttl("b").expire("b", 10).exists("a", "b").type("b").delete("b").exists("b")
    result = pipe.execute()
    assert result[0] is True and 95 <= result[1] <= 100
    assert result[2:] == [True, 1, b"string", 1, 0]


def test_error_inside_multi_does_not_stop_the_rest(r):
    r.set("k", "v")
    pipe = r.pipeline()
    pipe.rename("nokey", "x").set("after", "1")
    result = pipe.execute(raise_on_error=False)
    assert str(result[0]) == "no such key"
    assert result[1] is True
