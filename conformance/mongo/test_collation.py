"""Collation basics through pymongo: locale with strength 1–3."""
from __future__ import annotations

import pytest
from pymongo.collation import Collation
from pymongo.errors import OperationFailure

WORDS = [{"_id": i, "w": w} for i, w in enumerate(["b", "A", "a", "B", "é", "e", "E"])]


@pytest.fixture
def words(coll):
    coll.insert_many(WORDS)
    return coll


@pytest.mark.parametrize("strength,value,expected", [
    (2, "a", [1, 2]),
    (2, "E", [5, 6]),
    (1, "e", [4, 5, 6]),
    (3, "a", [2]),
])
def test_find_with_collation_strength(words, strength, value, expected):
    got = [d["_id"] for d in words.find({"w": value}, collation=Collation("en_US", strength=strength))]
    assert sorted(got) == expected


def test_sort_with_collation_orders_letters_before_case(words):
    got = [d["w"] for d in words.find({"w": {"$in": ["a", "A", "b", "B"]}}).sort("w", 1).collation(Collation("en_US"))]
    assert got == ["a", "A", "b", "B"]


def test_simple_collation_is_binary_order(words):
    got = [d["w"] for d in words.find({"w": {"$in": ["a", "A", "b", "B"]}}).sort("w", 1).collation(Collation("simple"))]
    assert got == ["A", "B", "a", "b"]


def test_update_many_with_collation(words):
    r = words.update_many({"w": "b"}, {"$set": {"hit": True}}, collation=Collation("en_US", strength=2))
    assert r.matched_count == 2


def test_count_and_distinct_with_collation(words):
    assert words.count_documents({"w": "B"}, collation=Collation("en_US", strength=2)) == 2
    assert len(words.distinct("w", collation=Collation("en_US", strength=1))) == 3


def test_group_with_collation(words):
    out = list(words.aggregate([{"$group": {"_id": "$w", "n": {"$sum": 1}}}], collation=Collation("en_US", strength=1)))
    assert sorted(d["n"] for d in out) == [2, 2, 3]


def test_unsupported_collation_option_is_named(words):
    with pytest.raises(OperationFailure) as e:
        list(words.find({}, collation=Collation("en_US", numericOrdering=True)))
    assert "numericOrdering" in str(e.value)
