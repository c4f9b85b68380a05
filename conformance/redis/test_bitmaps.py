"""Bit commands through redis-py: SETBIT/GETBIT, BITCOUNT and BITPOS with BYTE/BIT ranges, BITOP,
BITFIELD / BITFIELD_RO with every overflow mode."""
import pytest
import redis

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def error_text(call):
    with pytest.raises(redis.ResponseError) as e:
        call()
    return str(e.value)


# -- SETBIT / GETBIT -------------------------------------------------------------------------------

def test_setbit_returns_previous_bit_and_grows_string(r):
    assert r.setbit("k", 7, 1) == 0
    assert r.setbit("k", 7, 1) == 1
    assert r.get("k") == b"\x01"
    assert r.setbit("k", 17, 1) == 0
    assert r.get("k") == b"\x01\x00\x40"


def test_setbit_zero_on_missing_key_still_creates_it(r):
    assert r.setbit("k", 10, 0) == 0
    assert r.get("k") == b"\x00\x00"


def test_setbit_on_existing_string_is_msb_first(r):
    r.set("k", "a")  # 0x61 = 01100001
    assert [r.getbit("k", i) for i in range(8)] == [0, 1, 1, 0, 0, 0, 0, 1]
    r.setbit("k", 6, 1)
    assert r.get("k") == b"c"


def test_getbit_beyond_end_and_missing_key_is_zero(r):
    r.set("k", "a")
    assert r.getbit("k", 1000) == 0
    assert r.getbit("nokey", 0) == 0


@pytest.mark.parametrize("args, message", [
    (("SETBIT", "k", "-1", "1"), "bit offset is not an integer or out of range"),
    (("SETBIT", "k", "4294967296", "1"), "bit offset is not an integer or out of range"),
    (("SETBIT", "k", "x", "1"), "bit offset is not an integer or out of range"),
    (("SETBIT", "k", "0", "2"), "bit is not an integer or out of range"),
    (("SETBIT", "k", "0", "x"), "bit is not an integer or out of range"),
    (("GETBIT", "k", "-1"), "bit offset is not an integer or out of range"),
])
def test_setbit_getbit_errors(r, args, message):
    assert error_text(lambda: r.execute_command(*args)) == message
    assert r.exists("k") == 0


def test_bit_commands_on_wrong_type(r):
    r.rpush("l", "a")
    for call in (lambda: r.setbit("l", 0, 1), lambda: r.getbit("l", 0), lambda: r.bitcount("l"),
                 lambda: r.bitpos("l", 1), lambda: r.bitop("and", "d", "l")):
        assert error_text(call) == WRONGTYPE


# -- BITCOUNT ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    ((), 26), ((0, 0), 4), ((1, 1), 6), ((-2, -1), 7), ((5, 30, "BIT"), 17), ((-5, -1, "BIT"), 2),
    ((0, -1, "BYTE"), 26), ((3, 1), 0), ((-1, -3), 0), ((100, 200), 0), ((-100, 100), 26), ((0, 0, "bit"), 0),
])
def test_bitcount_ranges(r, args, expected):
    r.set("k", "foobar")
    assert r.execute_command("BITCOUNT", "k", *args) == expected


def test_bitcount_missing_key_is_zero_whatever_the_arguments(r):
    assert r.execute_command("BITCOUNT", "nokey", "a", "b") == 0


@pytest.mark.parametrize("args, message", [
    (("0",), "syntax error"), (("0", "1", "2"), "syntax error"), (("0", "1", "BITS"), "syntax error"),
    (("a", "1"), "value is not an integer or out of range"),
])
def test_bitcount_errors(r, args, message):
    r.set("k", "foobar")
    assert error_text(lambda: r.execute_command("BITCOUNT", "k", *args)) == message


# -- BITPOS ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, args, expected", [
    (b"\xff\xf0\x00", (0,), 12),
    (b"\x00\xff\xf0", (1, 0), 8),
    (b"\x00\xff\xf0", (1, 2, -1, "BYTE"), 16),
    (b"\x00\xff\xf0", (1, 7, 15, "BIT"), 8),
    (b"\xff\xf0\x00", (0, 3, 10, "BIT"), -1),
    (b"\xff\xf0\x00", (0, 0, 12, "BIT"), 12),
    (b"\xff\xff", (0,), 16),
    (b"\xff\xff", (0, 0), 16),
    (b"\xff\xff", (0, 0, -1), -1),
    (b"\xff\xff", (0, 5, -1, "BIT"), -1),
    (b"\x00\x00", (1,), -1),
    (b"\x00\x00", (1, 1, 0), -1),
    (b"", (0,), -1),
    (b"", (1,), -1),
    (b"\x10", (1, -1), 3),
    (b"\x01\x80", (1, 8, 8, "BIT"), 8),
])
def test_bitpos(r, value, args, expected):
    r.set("k", value)
    assert r.execute_command("BITPOS", "k", *args) == expected


@pytest.mark.parametrize("bit, expected", [(0, 0), (1, -1)])
def test_bitpos_missing_key_is_all_zero_bits(r, bit, expected):
    assert r.bitpos("nokey", bit) == expected


@pytest.mark.parametrize("args, message", [
    (("2",), "The bit argument must be 1 or 0."),
    (("1", "0", "1", "2", "3"), "syntax error"),
    (("1", "0", "1", "bits"), "syntax error"),
    (("1", "a"), "value is not an integer or out of range"),
])
def test_bitpos_errors(r, args, message):
    r.set("k", "foobar")
    assert error_text(lambda: r.execute_command("BITPOS", "k", *args)) == message


# -- BITOP -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("op, keys, expected", [
    ("AND", ["a", "b"], b"\x01\x00"),
    ("OR", ["a", "b"], b"\xf3\x0f"),
    ("XOR", ["a", "b"], b"\xf2\x0f"),
    ("NOT", ["a"], b"\xfc"),
    ("NOT", ["b"], b"\x0e\xf0"),
    ("XOR", ["a", "nokey"], b"\x03"),
    ("AND", ["a", "nokey"], b"\x00"),
    ("OR", ["b"], b"\xf1\x0f"),
])
def test_bitop(r, op, keys, expected):
    r.set("a", b"\x03")
    r.set("b", b"\xf1\x0f")
    assert r.bitop(op, "dest", *keys) == len(expected)
    assert r.get("dest") == expected


def test_bitop_of_only_missing_keys_deletes_destination(r):
    r.set("dest", "x")
    assert r.bitop("or", "dest", "nokey1", "nokey2") == 0
    assert r.exists("dest") == 0


def test_bitop_clears_destination_ttl(r):
    r.set("a", "x")
    r.set("dest", "y", ex=100)
    r.bitop("not", "dest", "a")
    assert r.ttl("dest") == -1


@pytest.mark.parametrize("args, message", [
    (("FOO", "d", "a"), "syntax error"),
    (("NOT", "d", "a", "b"), "BITOP NOT must be called with a single source key."),
])
def test_bitop_errors(r, args, message):
    r.mset({"a": "1", "b": "2"})
    assert error_text(lambda: r.execute_command("BITOP", *args)) == message


# -- BITFIELD ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("ops, expected", [
    (("SET", "i8", "0", "100", "INCRBY", "i8", "0", "100", "GET", "i8", "0"), [0, -56, -56]),
    (("SET", "i8", "0", "100", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "100", "INCRBY", "i8", "0", "-300"), [0, 127, -128]),
    (("SET", "i8", "0", "-100", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "-100", "GET", "i8", "0"), [0, None, -100]),
    (("SET", "u8", "0", "-1", "OVERFLOW", "SAT", "SET", "u8", "8", "-1", "GET", "u8", "0", "GET", "u8", "8"), [0, 0, 255, 255]),
    (("SET", "u8", "#3", "200", "GET", "u8", "#3", "GET", "u8", "24"), [0, 200, 200]),
    (("INCRBY", "u2", "100", "1", "INCRBY", "u2", "100", "1", "INCRBY", "u2", "100", "1", "INCRBY", "u2", "100", "1"), [1, 2, 3, 0]),
    (("OVERFLOW", "SAT", "INCRBY", "u2", "100", "5", "INCRBY", "u2", "100", "-9"), [3, 0]),
    (("SET", "i64", "0", "-1", "INCRBY", "i64", "0", "-9223372036854775807", "INCRBY", "i64", "0", "-1"), [0, -9223372036854775808, 9223372036854775807]),
    (("OVERFLOW", "SAT", "SET", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1"), [0, 9223372036854775807]),
    (("SET", "u63", "0", "9223372036854775807", "INCRBY", "u63", "0", "1", "GET", "u63", "0"), [0, 0, 0]),
    (("SET", "i5", "3", "-17", "GET", "i5", "3", "GET", "u3", "5", "GET", "i1", "1"), [0, 15, 7, 0]),
    (("GET", "u8", "0", "GET", "i16", "100"), [0, 0]),
])
def test_bitfield_operations(r, ops, expected):
    assert r.execute_command("BITFIELD", "k", *ops) == expected


def test_bitfield_writes_bits_msb_first(r):
    r.execute_command("BITFIELD", "k", "SET", "u4", "4", "15", "SET", "u8", "12", "255")
    assert r.get("k") == b"\x0f\x0f\xf0"


def test_bitfield_builder_from_redis_py(r):
    bf = r.bitfield("k")
    bf.set("u8", 0, 255).incrby("u8", 0, 10).overflow("FAIL").incrby("u8", "#1", 300).get("u16", 0)
    assert bf.execute() == [0, 9, None, 2304]


def test_bitfield_without_ops_on_missing_key_creates_nothing(r):
    assert r.execute_command("BITFIELD", "k") == []
    assert r.execute_command("BITFIELD", "k", "GET", "u8", "0") == [0]
    assert r.exists("k") == 0


def test_bitfield_ro_reads(r):
    r.set("k", b"\x80\x01")
    assert r.bitfield_ro("k", "i8", 0, items=[("u16", 0)]) == [-128, 32769]


@pytest.mark.parametrize("command, ops, message", [
    ("BITFIELD", ("OVERFLOW", "FOO"), "Invalid OVERFLOW type specified"),
    ("BITFIELD", ("GET", "u8"), "syntax error"),
    ("BITFIELD", ("FOO", "u8", "0"), "syntax error"),
    ("BITFIELD", ("GET", "u64", "0"), "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."),
    ("BITFIELD", ("GET", "i65", "0"), "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."),
    ("BITFIELD", ("GET", "x8", "0"), "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."),
    ("BITFIELD", ("GET", "u0", "0"), "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."),
    ("BITFIELD", ("GET", "u8", "-1"), "bit offset is not an integer or out of range"),
    ("BITFIELD", ("GET", "u8", "#-1"), "bit offset is not an integer or out of range"),
    ("BITFIELD", ("GET", "u8", "#536870912"), "bit offset is not an integer or out of range"),
    ("BITFIELD", ("INCRBY", "u8", "0", "x"), "value is not an integer or out of range"),
    ("BITFIELD_RO", ("SET", "u8", "0", "1"), "BITFIELD_RO only supports the GET subcommand"),
    ("BITFIELD_RO", ("GET", "u8", "0"), WRONGTYPE),
    ("BITFIELD", ("SET", "u8", "0", "1"), WRONGTYPE),
])
def test_bitfield_errors(r, command, ops, message):
    r.rpush("k", "a")
    assert error_text(lambda: r.execute_command(command, "k", *ops)) == message
    assert r.type("k") == b"list"
