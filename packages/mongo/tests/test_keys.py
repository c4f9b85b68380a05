"""The order-preserving key encoding agrees with MongoDB's comparison order."""
from __future__ import annotations

import datetime
import functools

from bson import Decimal128, Int64, MaxKey, MinKey, ObjectId
from hypothesis import given, strategies as st

from dotdo_mongo.engine.common.compare import compare
from dotdo_mongo.engine.common.keys import encode

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1).map(Int64), st.integers(-(2**31), 2**31 - 1),
    st.floats(allow_nan=False), st.text(max_size=8),
    st.datetimes(min_value=datetime.datetime(1900, 1, 1)).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)),
    st.binary(min_size=12, max_size=12).map(ObjectId),
)


@given(SCALARS, SCALARS)
def test_bytes_order_is_bson_order(a, b):
    ka, kb = encode(a), encode(b)
    c = compare(a, b)
    assert ((ka > kb) - (ka < kb)) == c


def test_numbers_of_different_types_share_keys():
    assert encode(1) == encode(1.0) == encode(Int64(1)) == encode(Decimal128("1"))


def test_type_classes_are_ordered():
    values = [MaxKey(), ObjectId(), "s", 5, None, MinKey(), True, datetime.datetime(2020, 1, 1), {"a": 1}, [1]]
    by_key = sorted(values, key=encode)
    by_cmp = sorted(values, key=functools.cmp_to_key(compare))
    assert [type(v) for v in by_key] == [type(v) for v in by_cmp]


def test_large_int64_neighbours_stay_ordered():
    a, b = Int64(2**62 + 1), Int64(2**62 + 2)
    assert encode(a) < encode(b)
