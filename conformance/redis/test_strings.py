"""String commands through redis-py: SET options, GETEX/GETDEL, MGET/MSET(NX), counters (INCRBYFLOAT's
long-double answers), APPEND/STRLEN, GETRANGE/SETRANGE, SETNX/SETEX/PSETEX, LCS."""
import time

import pytest
import redis

from .test_durability import client_code, run_process  # noqa: F401  (client_code is a fixture)

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def error_text(call):
    with pytest.raises(redis.ResponseError) as e:
        call()
    return str(e.value)


# -- SET options -------------------------------------------------------------------------------

@pytest.mark.parametrize("options, message", [
    (("EX", "10", "PX", "100"), "syntax error"),
    (("KEEPTTL", "EX", "10"), "syntax error"),
    (("NX", "XX"), "syntax error"),
    (("EX", "abc", "NX", "XX"), "syntax error"),
    (("EX",), "syntax error"),
    (("FOO",), "syntax error"),
    (("EX", "0"), "invalid expire time in 'set' command"),
    (("PX", "-5"), "invalid expire time in 'set' command"),
    (("EX", "9223372036854775807"), "invalid expire time in 'set' command"),
    (("PX", "9223372036854775807"), "invalid expire time in 'set' command"),
    (("EX", "abc"), "value is not an integer or out of range"),
])
def test_set_option_errors(r, options, message):
    r.set("k", "orig")
    assert error_text(lambda: r.execute_command("SET", "k", "v", *options)) == message
    assert r.get("k") == b"orig"


def test_set_same_expiry_option_twice_keeps_the_last(r):
    assert r.execute_command("SET", "k", "v", "EX", "10", "EX", "200") is True
    assert r.ttl("k") in (199, 200)


def test_set_keepttl_keeps_the_ttl(r):
    r.set("k", "v", ex=100)
    r.set("k", "w", keepttl=True)
    assert r.get("k") == b"w"
    assert r.ttl("k") > 90


@pytest.mark.parametrize("kwargs", [
    lambda: {"exat": int(time.time()) + 100}, lambda: {"pxat": int(time.time() * 1000) + 100000},
])
def test_set_absolute_expiry(r, kwargs):
    r.set("k", "v", **kwargs())
    assert 90 < r.ttl("k") <= 100


def test_set_get_on_wrong_type_changes_nothing(r):
    r.rpush("k", "a")
    assert error_text(lambda: r.set("k", "v", get=True)) == WRONGTYPE
    assert r.type("k") == b"list"


def test_set_nx_get_returns_old_value_without_writing(r):
    r.set("k", "old")
    assert r.set("k", "new", nx=True, get=True) == b"old"
    assert r.get("k") == b"old"


def test_set_overwrites_other_types(r):
    r.hset("k", "f", "v")
    assert r.set("k", "s") is True
    assert r.get("k") == b"s"


def test_get_on_wrong_type(r):
    r.rpush("k", "a")
    assert error_text(lambda: r.get("k")) == WRONGTYPE


# -- GETEX / GETDEL / GETSET ----------------------------------------------------------------------

def test_getex_sets_and_removes_ttl(r):
    r.set("k", "v")
    assert r.getex("k", ex=100) == b"v"
    assert r.ttl("k") in (99, 100)
    assert r.getex("k", persist=True) == b"v"
    assert r.ttl("k") == -1


def test_getex_without_options_is_get(r):
    r.set("k", "v", ex=100)
    assert r.getex("k") == b"v"
    assert r.ttl("k") > 90


def test_getex_past_exat_deletes_key(r):
    r.set("k", "v")
    assert r.getex("k", exat=1) == b"v"
    assert r.exists("k") == 0


@pytest.mark.parametrize("args, message", [
    (("EX", "0"), "invalid expire time in 'getex' command"),
    (("PX", "100", "EX", "10"), "syntax error"),
    (("PERSIST", "EX", "10"), "syntax error"),
    (("KEEPTTL",), "syntax error"),
    (("EX", "x"), "value is not an integer or out of range"),
])
def test_getex_errors(r, args, message):
    r.set("k", "v")
    assert error_text(lambda: r.execute_command("GETEX", "k", *args)) == message


def test_getex_missing_key_is_none_even_with_bad_ttl(r):
    assert r.execute_command("GETEX", "nokey", "EX", "0") is None


def test_getdel_returns_and_deletes(r):
    r.set("k", "v")
    assert r.getdel("k") == b"v"
    assert r.getdel("k") is None
    r.rpush("l", "a")
    assert error_text(lambda: r.getdel("l")) == WRONGTYPE


def test_getset_replaces_and_clears_ttl(r):
    r.set("k", "old", ex=100)
    assert r.getset("k", "new") == b"old"
    assert r.ttl("k") == -1
    assert r.getset("nokey", "v") is None


# -- MGET / MSET / MSETNX -------------------------------------------------------------------------

def test_mget_answers_none_for_missing_and_non_strings(r):
    r.mset({"a": "1", "b": "2"})
    r.rpush("l", "x")
    assert r.mget("a", "nokey", "l", "b") == [b"1", None, None, b"2"]


def test_mset_last_duplicate_wins(r):
    r.execute_command("MSET", "k", "1", "k", "2")
    assert r.get("k") == b"2"


@pytest.mark.parametrize("command", ["MSET", "MSETNX"])
def test_mset_odd_arguments(r, command):
    assert error_text(lambda: r.execute_command(command, "a", "1", "b")) == f"wrong number of arguments for '{command.lower()}' command"


def test_mset_overwrites_keys_of_any_type_clears_their_ttls_and_keeps_the_last_of_a_repeated_key(r):
    r.hset("ms:h", "f", "v")
    r.rpush("ms:l", "a")
    r.set("ms:ttl", "old", ex=100)
    pairs = [(f"ms:{i % 70}", f"v{i}") for i in range(150)] + [("ms:h", "H"), ("ms:l", "L"), ("ms:ttl", "T")]
    assert r.execute_command("MSET", *[x for pair in pairs for x in pair]) is True
    assert r.mget(["ms:0", "ms:69", "ms:h", "ms:l", "ms:ttl"]) == [b"v140", b"v139", b"H", b"L", b"T"]
    assert [r.type(k) for k in ("ms:h", "ms:l")] == [b"string", b"string"] and r.ttl("ms:ttl") == -1
    r.rpush("ms:l2", "x")
    assert r.lrange("ms:l2", 0, -1) == [b"x"]
    assert r.msetnx({"ms:n1": "1", "ms:n2": "2"}) is True
    assert r.mget(["ms:n1", "ms:n2"]) == [b"1", b"2"]


def test_msetnx_is_all_or_nothing(r):
    assert r.msetnx({"a": "1", "b": "2"}) is True
    assert r.msetnx({"b": "3", "c": "4"}) is False
    assert r.mget("a", "b", "c") == [b"1", b"2", None]


# -- counters -------------------------------------------------------------------------------------

@pytest.mark.parametrize("initial, call, expected", [
    (None, lambda r: r.incr("k"), 1),
    ("10", lambda r: r.incr("k"), 11),
    ("10", lambda r: r.decr("k"), 9),
    ("10", lambda r: r.incrby("k", -25), -15),
    ("-5", lambda r: r.decrby("k", 5), -10),
    (None, lambda r: r.decrby("k", 3), -3),
    ("9223372036854775806", lambda r: r.incr("k"), 9223372036854775807),
    ("-9223372036854775808", lambda r: r.incr("k"), -9223372036854775807),
    ("0", lambda r: r.decrby("k", 9223372036854775807), -9223372036854775807),
    ("-1", lambda r: r.incr("k"), 0),
])
def test_integer_counters(r, initial, call, expected):
    if initial is not None:
        r.set("k", initial)
    assert call(r) == expected
    assert r.get("k") == str(expected).encode()


@pytest.mark.parametrize("initial, args, message", [
    ("9223372036854775807", ("INCR", "k"), "increment or decrement would overflow"),
    ("-9223372036854775808", ("DECR", "k"), "increment or decrement would overflow"),
    ("1", ("INCRBY", "k", "9223372036854775807"), "increment or decrement would overflow"),
    ("0", ("DECRBY", "k", "-9223372036854775808"), "decrement would overflow"),
    ("abc", ("INCR", "k"), "value is not an integer or out of range"),
    ("1.5", ("INCR", "k"), "value is not an integer or out of range"),
    (" 1", ("INCR", "k"), "value is not an integer or out of range"),
    ("01", ("INCR", "k"), "value is not an integer or out of range"),
    ("-0", ("INCR", "k"), "value is not an integer or out of range"),
    ("+1", ("INCR", "k"), "value is not an integer or out of range"),
    ("", ("INCR", "k"), "value is not an integer or out of range"),
    ("1\n", ("INCR", "k"), "value is not an integer or out of range"),
    ("9223372036854775808", ("INCR", "k"), "value is not an integer or out of range"),
    ("1e3", ("INCRBY", "k", "5"), "value is not an integer or out of range"),
    ("1", ("INCRBY", "k", "1.0"), "value is not an integer or out of range"),
    ("1", ("INCRBY", "k", "9223372036854775808"), "value is not an integer or out of range"),
])
def test_integer_counter_errors(r, initial, args, message):
    r.set("k", initial)
    assert error_text(lambda: r.execute_command(*args)) == message
    assert r.get("k") == initial.encode()


def test_incr_keeps_ttl(r):
    r.set("k", "1", ex=100)
    r.incr("k")
    assert r.ttl("k") > 90


def test_incr_of_an_expired_key_starts_from_zero_without_a_ttl(r):
    r.set("k", "41", px=1)
    time.sleep(0.01)
    assert r.incr("k") == 1
    assert r.ttl("k") == -1


@pytest.mark.parametrize("change, expected", [
    (lambda r: r.set("k", "100"), 101),
    (lambda r: r.delete("k"), 1),
    (lambda r: r.append("k", "0"), 31),
    (lambda r: r.setrange("k", 0, "9"), 10),
    (lambda r: r.execute_command("INCRBYFLOAT", "k", "1"), 5),
    (lambda r: r.rename("k", "j") and r.set("j", "7") and r.rename("j", "k"), 8),
    (lambda r: r.eval("return redis.call('SET', KEYS[1], '-40')", 1, "k"), -39),
])
def test_a_counter_changed_by_any_other_command_increments_from_its_new_value(client, change, expected):
    counting, other = client(), client()
    assert [counting.incr("k") for _ in range(3)] == [1, 2, 3]
    change(other)
    assert counting.incr("k") == expected


def test_a_counter_changed_by_another_process_increments_from_its_new_value(r, client_code):
    assert [r.incr("k") for _ in range(3)] == [1, 2, 3]
    done = run_process(client_code + "r.set('k', '1000')\n")
    assert done.returncode == 0, done.stderr
    assert r.incr("k") == 1001


def test_a_counter_that_expired_restarts_at_the_increment(r):
    assert [r.incr("k") for _ in range(3)] == [1, 2, 3]
    r.pexpire("k", 1)
    time.sleep(0.01)
    assert r.incrby("k", 5) == 5
    assert r.ttl("k") == -1


def test_a_counter_in_a_rolled_back_transaction_keeps_its_value(client):
    r, other = client(), client()
    assert [r.incr("k") for _ in range(3)] == [1, 2, 3]
    with r.pipeline() as tx:
        tx.watch("k")
        tx.multi()
        tx.incr("k")
        other.set("k", "50")
        with pytest.raises(redis.WatchError):
            tx.execute()
    assert r.incr("k") == 51


def test_incr_on_wrong_type(r):
    r.rpush("k", "a")
    assert error_text(lambda: r.incr("k")) == WRONGTYPE


@pytest.mark.parametrize("initial, increment, expected", [
    (None, "10.5", b"10.5"),
    ("10.5", "0.1", b"10.6"),
    ("0.1", "0.2", b"0.3"),
    ("5.0e3", "2.0e2", b"5200"),
    ("3", "-3", b"0"),
    ("1", "-1.5", b"-0.5"),
    (None, "1e-20", b"0"),
    (None, "0x10", b"16"),
    ("1.1", "1e17", b"100000000000000001.1015625"),
    ("3.0000000000000004", "0", b"3.0000000000000004"),
    ("1e20", "1", b"100000000000000000000"),
    ("1e17", "1", b"100000000000000001"),
])
def test_incrbyfloat_answers_as_redis_long_double(r, initial, increment, expected):
    if initial is not None:
        r.set("k", initial)
    assert r.execute_command("INCRBYFLOAT", "k", increment) == float(expected)  # redis-py makes it a float
    assert r.get("k") == expected


@pytest.mark.parametrize("initial, increment, message", [
    ("1", "abc", "value is not a valid float"),
    ("abc", "1", "value is not a valid float"),
    ("1", "nan", "value is not a valid float"),
    ("1", "inf", "increment would produce NaN or Infinity"),
    ("1", "1e5000", "value is not a valid float"),
    ("1", " 1", "value is not a valid float"),
    ("1", "", "value is not a valid float"),
    ("\x00\x00", "1", "value is not a valid float"),  # a NUL ends no number: strtold must read every byte
    ("1", "1\x00", "value is not a valid float"),
    ("abc", "inf", "value is not a valid float"),  # the stored value is checked before the increment
])
def test_incrbyfloat_errors(r, initial, increment, message):
    r.set("k", initial)
    assert error_text(lambda: r.execute_command("INCRBYFLOAT", "k", increment)) == message
    assert r.get("k") == initial.encode()


def test_incrbyfloat_in_resp3(r3):
    assert r3.incrbyfloat("k", 1.5) == 1.5
    assert r3.incrbyfloat("k", 0.25) == 1.75
    assert r3.get("k") == "1.75"


# -- APPEND / STRLEN / ranges ------------------------------------------------------------------------

def test_append_creates_and_extends(r):
    assert r.append("k", "Hello") == 5
    assert r.append("k", " World") == 11
    assert r.get("k") == b"Hello World"
    assert r.strlen("k") == 11
    assert r.strlen("nokey") == 0


def test_append_keeps_ttl(r):
    r.set("k", "a", ex=100)
    r.append("k", "b")
    assert r.ttl("k") > 90


@pytest.mark.parametrize("start, end, expected", [
    (0, 3, b"This"), (-3, -1, b"ing"), (0, -1, b"This is a string"), (10, 100, b"string"),
    (5, 3, b""), (-1, -5, b""), (100, 200, b""), (-100, 3, b"This"), (-100, -90, b"T"),
])
def test_getrange_clamps_like_redis(r, start, end, expected):
    r.set("k", "This is a string")
    assert r.getrange("k", start, end) == expected
    assert r.substr("k", start, end) == expected


def test_getrange_of_missing_key_is_empty(r):
    assert r.getrange("nokey", 0, 10) == b""


@pytest.mark.parametrize("initial, offset, value, length, after", [
    ("Hello World", 6, "Redis", 11, b"Hello Redis"),
    ("Hello", 8, "!", 9, b"Hello\x00\x00\x00!"),
    (None, 3, "ab", 5, b"\x00\x00\x00ab"),
    ("abc", 1, "", 3, b"abc"),
])
def test_setrange(r, initial, offset, value, length, after):
    if initial is not None:
        r.set("k", initial)
    assert r.setrange("k", offset, value) == length
    assert r.get("k") == after


def test_setrange_with_empty_value_does_not_create_key(r):
    assert r.setrange("k", 5, "") == 0
    assert r.exists("k") == 0


@pytest.mark.parametrize("offset, message", [
    ("-1", "offset is out of range"),
    ("536870912", "string exceeds maximum allowed size (proto-max-bulk-len)"),
    ("x", "value is not an integer or out of range"),
])
def test_setrange_errors(r, offset, message):
    assert error_text(lambda: r.execute_command("SETRANGE", "k", offset, "a")) == message
    assert r.exists("k") == 0


# -- SETNX / SETEX / PSETEX -----------------------------------------------------------------------------

def test_setnx_only_when_absent(r):
    assert r.setnx("k", "1") is True
    assert r.setnx("k", "2") is False
    assert r.get("k") == b"1"


def test_setex_and_psetex_set_ttl(r):
    assert r.execute_command("SETEX", "a", 100, "v") is True
    assert r.psetex("b", 100000, "v") is True
    assert r.ttl("a") in (99, 100)
    assert 99000 < r.pttl("b") <= 100000


@pytest.mark.parametrize("args, message", [
    (("SETEX", "k", "0", "v"), "invalid expire time in 'setex' command"),
    (("SETEX", "k", "-1", "v"), "invalid expire time in 'setex' command"),
    (("PSETEX", "k", "0", "v"), "invalid expire time in 'psetex' command"),
    (("SETEX", "k", "9223372036854775", "v"), "invalid expire time in 'setex' command"),
    (("SETEX", "k", "abc", "v"), "value is not an integer or out of range"),
])
def test_setex_errors(r, args, message):
    assert error_text(lambda: r.execute_command(*args)) == message
    assert r.exists("k") == 0


# -- LCS --------------------------------------------------------------------------------------------------

@pytest.fixture
def lcs_pair(r):
    r.mset({"a": "ohmytext", "b": "mynewtext"})
    return r


def test_lcs_returns_the_common_subsequence(lcs_pair):
    assert lcs_pair.lcs("a", "b") == b"mytext"


def test_lcs_len(lcs_pair):
    assert lcs_pair.lcs("a", "b", len=True) == 6


def test_lcs_idx_lists_matches_from_the_end(lcs_pair):
    assert lcs_pair.lcs("a", "b", idx=True) == [b"matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len", 6]


def test_lcs_idx_minmatchlen_withmatchlen(lcs_pair):
    assert lcs_pair.lcs("a", "b", idx=True, minmatchlen=4, withmatchlen=True) == [b"matches", [[[4, 7], [5, 8], 4]], b"len", 6]


def test_lcs_idx_is_a_map_in_resp3(r3):
    r3.mset({"a": "ohmytext", "b": "mynewtext"})
    assert r3.lcs("a", "b", idx=True) == {"matches": [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], "len": 6}


@pytest.mark.parametrize("a, b, expected", [
    ("", "abc", b""), ("abc", "abc", b"abc"), ("abcd", "acbd", b"acd"), ("xyz", "abc", b""),
    ("GAC", "AGCAT", b"AC"),
])
def test_lcs_table(r, a, b, expected):
    r.mset({"a": a, "b": b})
    assert r.lcs("a", "b") == expected


def test_lcs_missing_keys_are_empty(r):
    r.set("a", "abc")
    assert r.lcs("a", "nokey") == b""


@pytest.mark.parametrize("args, message", [
    (("LCS", "a", "b", "LEN", "IDX"), "If you want both the length and indexes, please just use IDX."),
    (("LCS", "a", "b", "FOO"), "syntax error"),
    (("LCS", "a", "b", "MINMATCHLEN", "x"), "value is not an integer or out of range"),
    (("LCS", "a", "l"), "The specified keys must contain string values"),
])
def test_lcs_errors(r, args, message):
    r.mset({"a": "abc", "b": "abd"})
    r.rpush("l", "x")
    assert error_text(lambda: r.execute_command(*args)) == message


def test_lcs_of_long_strings(r):
    r.mset({"a": "ab" * 3000, "b": "ba" * 3000})
    assert r.lcs("a", "b", len=True) == 5999
    assert r.lcs("a", "b") == b"ba" * 2999 + b"b"


def test_lcs_refuses_a_table_beyond_proto_max_bulk_len(r):
    r.mset({"a": "x" * 12000, "b": "y" * 12000})
    assert error_text(lambda: r.lcs("a", "b")) == "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"


def test_mget_and_get_return_large_values_whole(r):
    big = b"x" * 100_000
    r.mset({"big:a": big, "big:b": b"small"})
    assert r.mget(["big:a", "big:b", "big:none"]) == [big, b"small", None]
    assert r.get("big:a") == big
    assert r.mget(["big:a"]) == [big]  # a second read, after the first has been served


def test_pipelined_sets_overwrite_keys_of_any_type_and_clear_their_ttl(r):
    r.hset("pset:h", "f", "v")
    r.rpush("pset:l", "a", "b")
    r.set("pset:ttl", "old", ex=100)
    p = r.pipeline(transaction=False)
    for key in ("pset:a", "pset:h", "pset:l", "pset:ttl", "pset:a"):
        p.set(key, key + "!")
    p.get("pset:h").type("pset:l").ttl("pset:ttl")
    assert p.execute() == [True] * 5 + [b"pset:h!", b"string", -1]
    assert r.mget(["pset:a", "pset:h", "pset:l", "pset:ttl"]) == [b"pset:a!", b"pset:h!", b"pset:l!", b"pset:ttl!"]
    r.rpush("pset:l2", "x")
    assert r.lrange("pset:l2", 0, -1) == [b"x"]  # nothing of the old list lingers under another key's name


def test_a_long_pipeline_of_sets_keeps_the_last_value_of_a_repeated_key_and_overwrites_other_types(r):
    r.rpush("lset:7", "a")
    r.hset("lset:70", "f", "v")
    p = r.pipeline(transaction=False)
    for i in range(130):  # more than one multi-row chunk, keys repeating across chunks
        p.set(f"lset:{i % 90}", f"v{i}")
    assert p.execute() == [True] * 130
    assert r.mget([f"lset:{i}" for i in (0, 7, 39, 40, 70, 89)]) == [b"v90", b"v97", b"v129", b"v40", b"v70", b"v89"]
    assert r.type("lset:7") == b"string" and r.type("lset:70") == b"string"


def test_pipelined_sets_break_a_watch_and_queue_inside_multi(r, client):
    other = client()
    r.set("pw:k", "0")
    with r.pipeline() as watcher:
        watcher.watch("pw:k")
        p = other.pipeline(transaction=False)
        p.set("pw:k", "1").set("pw:j", "1")
        p.execute()
        watcher.multi()
        watcher.set("pw:k", "2")
        with pytest.raises(redis.WatchError):
            watcher.execute()
    assert r.get("pw:k") == b"1"
    p = r.pipeline(transaction=True)
    p.set("pw:m", "a").set("pw:n", "b").get("pw:m")
    assert p.execute() == [True, True, b"a"]


def test_a_pipeline_of_nothing_but_sets_overwrites_other_types_and_clears_ttls(r):
    r.hset("oset:h", "f", "v")
    r.set("oset:ttl", "old", ex=100)
    p = r.pipeline(transaction=False)
    p.set("oset:h", "1").set(b"oset:ttl", b"2").set("oset:\u00e9", "\u00e9")
    assert p.execute() == [True] * 3
    assert r.type("oset:h") == b"string" and r.ttl("oset:ttl") == -1
    assert r.mget(["oset:h", "oset:ttl", "oset:\u00e9"]) == [b"1", b"2", "\u00e9".encode()]
    p = r.pipeline(transaction=False)
    p.set("oset:n", 7).set(b"oset:f", 1.5).set("oset:s", "s")
    assert p.execute() == [True] * 3
    assert r.mget(["oset:n", "oset:f", "oset:s"]) == [b"7", b"1.5", b"s"]


def test_a_pipeline_of_sets_on_a_decoding_client_answers_true_and_reads_back_text(rd):
    p = rd.pipeline(transaction=False)
    p.set("dset:a", "x").set("dset:b", "\u00fc")
    assert p.execute() == [True, True]
    assert rd.mget(["dset:a", "dset:b"]) == ["x", "\u00fc"]


# -- writes a batch holds back (SET, counters): every later command sees them -------------------------

def test_a_pipelined_set_between_other_commands_is_seen_by_every_later_command(r):
    r.hset("hs:h", "f", "v")
    r.rpush("hs:l", "a")
    r.set("hs:ttl", "old", ex=100)
    p = r.pipeline(transaction=False)
    p.set("hs:h", "1").type("hs:h").hget("hs:h", "f")
    p.set("hs:k", "a").set("hs:k", "b").append("hs:k", "c").get("hs:k")
    p.set("hs:l", "s").lpush("hs:l", "x").get("hs:l")
    p.set("hs:ttl", "new").ttl("hs:ttl")
    p.set("hs:n", "1").incr("hs:n").set("hs:n", "10").get("hs:n")
    p.set("hs:x", "old").set("hs:x", "new", get=True).set("hs:x", "newest", nx=True).get("hs:x")
    out = p.execute(raise_on_error=False)
    assert isinstance(out[2], redis.ResponseError) and "WRONGTYPE" in str(out[2])
    assert isinstance(out[8], redis.ResponseError) and "WRONGTYPE" in str(out[8])
    out[2] = out[8] = "WRONGTYPE"
    assert out == [True, b"string", "WRONGTYPE",
                   True, True, 2, b"bc",
                   True, "WRONGTYPE", b"s",
                   True, -1,
                   True, 2, True, b"10",
                   True, b"old", None, b"new"]
    assert r.mget(["hs:h", "hs:k", "hs:l", "hs:ttl", "hs:n", "hs:x"]) == [b"1", b"bc", b"s", b"new", b"10", b"new"]
    assert r.type("hs:l") == b"string" and r.ttl("hs:ttl") == -1


def test_pipelined_counters_add_up_and_an_overflow_leaves_the_counter_as_it_was(r):
    r.set("hc:c", "5")
    p = r.pipeline(transaction=False)
    p.incr("hc:c").incr("hc:c").incrby("hc:c", 10).decr("hc:c").decrby("hc:c", 2).get("hc:c")
    p.incrby("hc:c", 9223372036854775807).incr("hc:c").get("hc:c")
    p.set("hc:c", "100").incr("hc:c").incr("hc:other").incr("hc:c").hset("hc:c", "f", "v").incr("hc:c")
    out = p.execute(raise_on_error=False)
    assert isinstance(out[6], redis.ResponseError) and str(out[6]) == "increment or decrement would overflow"
    assert isinstance(out[13], redis.ResponseError) and "WRONGTYPE" in str(out[13])
    out[6], out[13] = "OVERFLOW", "WRONGTYPE"
    assert out == [6, 7, 17, 16, 14, b"14", "OVERFLOW", 15, b"15", True, 101, 1, 102, "WRONGTYPE", 103]
    assert r.get("hc:c") == b"103" and r.get("hc:other") == b"1"
    r.set("hc:max", "9223372036854775806")
    p = r.pipeline(transaction=False)
    p.incr("hc:max").incr("hc:max").decr("hc:max").get("hc:max")
    out = p.execute(raise_on_error=False)
    assert out[0] == 9223372036854775807 and isinstance(out[1], redis.ResponseError)
    assert out[2:] == [9223372036854775806, b"9223372036854775806"]


def test_counters_and_sets_held_in_a_pipeline_break_another_clients_watch(r, client):
    other = client()
    r.set("hw:c", "1")
    r.set("hw:s", "1")
    for key, queue in (("hw:c", lambda p: p.incr("hw:c").incr("hw:c")), ("hw:s", lambda p: p.get("hw:c").set("hw:s", "2"))):
        with r.pipeline() as watcher:
            watcher.watch(key)
            queue(other.pipeline(transaction=False)).execute()
            watcher.multi()
            watcher.get(key)
            with pytest.raises(redis.WatchError):
                watcher.execute()
    assert r.mget(["hw:c", "hw:s"]) == [b"3", b"2"]


def test_one_write_of_many_sets_and_counters_answers_each_in_order(wire):
    w = wire()
    replies = w.pipeline(("SET", "hb:k", "a"), ("SET", "hb:k", "b"), ("GET", "hb:k"),
                         ("INCR", "hb:n"), ("INCR", "hb:n"), ("INCRBY", "hb:n", "5"), ("GET", "hb:n"),
                         ("SET", "hb:n", "x"), ("INCR", "hb:n"), ("LPUSH", "hb:k", "v"), ("SET", "hb:k", "c", "XX"),
                         ("GET", "hb:k"))
    assert replies == [b"+OK\r\n", b"+OK\r\n", b"$1\r\nb\r\n",
                       b":1\r\n", b":2\r\n", b":7\r\n", b"$1\r\n7\r\n",
                       b"+OK\r\n", b"-ERR value is not an integer or out of range\r\n",
                       b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", b"+OK\r\n",
                       b"$1\r\nc\r\n"]
    assert wire().call("MGET", "hb:k", "hb:n") == b"*2\r\n$1\r\nc\r\n$1\r\nx\r\n"
