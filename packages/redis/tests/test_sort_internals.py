"""SORT's pieces that the conformance cases cannot reach cheaply: strtod's ERANGE rule on numerals
far outside a double's range (answered without building huge numbers) and the key finder."""
import pytest

from dotdo_redis.engine.commands.sort import sort_keys, sort_score


@pytest.mark.parametrize("value, expected", [
    (b"1e-99999999999999999999999", None),  # underflows to 0: ERANGE
    (b"0x1p-99999999", None),
    (b"0x0p-99999999", 0.0),  # exactly zero: no ERANGE
    (b"-0e-5000", -0.0),
    (b"4.9406564584124654e-324", None),  # the smallest subnormal, but the numeral is not exact
    (b"0x1p-1074", 5e-324),  # exact subnormal
    (b"0x1.8p-1074", None),
    (b"0." + b"0" * 5000 + b"1", None),
    (b"1" + b"0" * 400 + b"e-400", 1.0),
    (b"1e400", None),
    (b"\x00", 0.0),
    (b" \x00", None),
])
def test_sort_score(value, expected):
    assert sort_score(value) == expected


@pytest.mark.parametrize("argv, keys", [
    ([b"sort", b"a"], [b"a"]),
    ([b"sort", b"a", b"STORE", b"b", b"store", b"c"], [b"a", b"c"]),
    ([b"sort", b"a", b"GET", b"store", b"BY", b"store"], [b"a"]),
    ([b"sort", b"a", b"LIMIT", b"store", b"x", b"STORE"], [b"a"]),
    ([b"sort", b"a", b"STORE", b"store", b"x"], [b"a", b"x"]),  # Redis reads the destination again as an option
])
def test_sort_keys(argv, keys):
    assert sort_keys(argv) == keys
