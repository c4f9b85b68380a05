"""Unit tests of the parsing/formatting helpers behind the hash, list, set and zset commands."""
import math
import random

import pytest
from dotdo_redis.engine.commands.collection_helpers import (
    d2string,
    pick_random,
    scan_cursor,
    scan_page,
    strtod,
    timeout_arg,
)
from dotdo_redis.engine.commands.hashes import decode_order, encode_order
from dotdo_redis.engine.errors import RedisError


@pytest.mark.parametrize("text, expected", [
    (b"1", 1.0), (b"-2.5", -2.5), (b".5", 0.5), (b"5.", 5.0), (b"1e3", 1000.0), (b"0x10", 16.0),
    (b"0x1p-1", 0.5), (b"inf", math.inf), (b"-Infinity", -math.inf), (b"+1", 1.0),
    (b"", None), (b" 1", None), (b"1 ", None), (b"nan", None), (b"1_0", None), (b"1e400", None), (b"abc", None),
])
def test_strtod_accepts_what_redis_accepts(text, expected):
    assert strtod(text) == expected


def test_strtod_range_mode_takes_empty_and_overflow():
    assert strtod(b"", allow_empty=True) == 0.0
    assert strtod(b"1e400", allow_overflow=True) == math.inf


@pytest.mark.parametrize("value, text", [
    (1.0, b"1"), (-0.0, b"-0"), (1.1, b"1.1000000000000001"), (2.5, b"2.5"), (math.inf, b"inf"),
    (-math.inf, b"-inf"), (1e20, b"1e+20"), (4503599627370495.0, b"4503599627370495"),
])
def test_d2string_matches_redis_7_0(value, text):
    assert d2string(value) == text


@pytest.mark.parametrize("text, seconds", [
    (b"0", None), (b"1", 1.0), (b"0.5", 0.5), (b"0.0001", 0.001), (b"0.001", 0.001), (b"-0.0001", None),
    (b"9223372036854775", 9223372036854775.0),
])
def test_timeout_arg(text, seconds):
    assert timeout_arg(text) == seconds


@pytest.mark.parametrize("text, message", [
    (b"-1", "ERR timeout is negative"), (b"inf", "ERR timeout is negative"), (b"1e100", "ERR timeout is negative"),
    (b"x", "ERR timeout is not a float or out of range"), (b"nan", "ERR timeout is not a float or out of range"),
])
def test_timeout_arg_errors(text, message):
    with pytest.raises(RedisError) as e:
        timeout_arg(text)
    assert e.value.message == message


@pytest.mark.parametrize("text, value", [(b"0", 0), (b"18446744073709551615", 2**64 - 1), (b"-1", 2**64 - 1), (b"+7", 7)])
def test_scan_cursor(text, value):
    assert scan_cursor(text) == value


@pytest.mark.parametrize("text", [b"x", b" 1", b"18446744073709551616", b""])
def test_scan_cursor_errors(text):
    with pytest.raises(RedisError):
        scan_cursor(text)


def test_scan_page_returns_every_stable_element_despite_changes():
    rng = random.Random(7)
    items = {f"k{i}".encode(): i for i in range(500)}
    stable = set(list(items)[:250])
    seen, cursor = set(), 0
    while True:
        cursor, page = scan_page(list(items.items()), cursor, 17, whole=False)
        seen.update(k for k, _ in page)
        for k in rng.sample(sorted(set(items) - stable), 5) if len(items) > 260 else []:
            del items[k]
        items[f"new{rng.random()}".encode()] = 0
        if cursor == 0:
            break
    assert stable <= seen


def test_pick_random_rules():
    rng = random.Random(1)
    items = ["a", "b", "c"]
    assert pick_random(items, 5, rng) == items
    assert pick_random(items, 0, rng) == []
    two = pick_random(items, 2, rng)
    assert len(set(two)) == 2 and set(two) <= set(items)
    many = pick_random(items, -10, rng)
    assert len(many) == 10 and set(many) <= set(items)


def test_hash_order_blob_round_trips():
    fields = [b"", b"a", b"\x00\xff", b"x" * 64]
    assert decode_order(encode_order(fields)) == fields
    assert encode_order(None) is None and decode_order(None) is None
