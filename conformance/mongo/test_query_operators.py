"""Query operators through pymongo's find(): each row is documents, a filter, and the `_id`s
MongoDB returns (sorted by _id)."""
from __future__ import annotations

import datetime
import re

import pytest
from bson import Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex

DOCS = [
    {"_id": 1, "a": 1, "s": "apple", "tags": ["red", "fruit"], "n": {"x": 1, "y": [1, 2]}},
    {"_id": 2, "a": 2.5, "s": "banana", "tags": ["yellow", "fruit"], "n": {"x": 2}},
    {"_id": 3, "a": Int64(3), "s": "Cherry", "tags": [], "n": None},
    {"_id": 4, "a": None, "s": "date", "tags": ["brown"], "items": [{"k": "p", "q": 1}, {"k": "q", "q": 5}]},
    {"_id": 5, "s": "elder", "tags": "single", "items": [{"k": "p", "q": 7}]},
    {"_id": 6, "a": "10", "s": "fig", "tags": [["nested"]], "d": datetime.datetime(2024, 1, 2)},
    {"_id": 7, "a": [1, 5, 9], "s": "grape", "d": datetime.datetime(2023, 6, 1)},
    {"_id": 8, "a": Decimal128("4.5"), "s": "honeydew", "b": True},
    {"_id": 9, "a": {"z": 1}, "s": "kiwi", "b": False, "o": ObjectId("0123456789ab0123456789ab")},
]

CASES = [
    # equality, with arrays matching by element or as a whole
    ({"a": 1}, [1, 7]),
    ({"a": 1.0}, [1, 7]),
    ({"a": Int64(3)}, [3]),
    ({"a": 3}, [3]),
    ({"a": [1, 5, 9]}, [7]),
    ({"a": [1, 5]}, []),
    ({"a": {"z": 1}}, [9]),
    ({"a": "10"}, [6]),
    ({"a": 10}, []),
    ({"tags": "fruit"}, [1, 2]),
    ({"tags": ["nested"]}, [6]),
    ({"tags": []}, [3]),
    ({"tags": "single"}, [5]),
    # null and missing
    ({"a": None}, [4, 5]),
    ({"n": None}, [3, 4, 5, 6, 7, 8, 9]),
    ({"a": {"$ne": None}}, [1, 2, 3, 6, 7, 8, 9]),
    ({"a": {"$exists": False}}, [5]),
    ({"a": {"$exists": True}}, [1, 2, 3, 4, 6, 7, 8, 9]),
    ({"n.x": {"$exists": True}}, [1, 2]),
    ({"items.q": {"$exists": True}}, [4, 5]),
    # comparisons are type-bracketed
    ({"a": {"$gt": 2}}, [2, 3, 7, 8]),
    ({"a": {"$gte": 2.5}}, [2, 3, 7, 8]),
    ({"a": {"$lt": 2}}, [1, 7]),
    ({"a": {"$lte": 1}}, [1, 7]),
    ({"a": {"$gt": 1, "$lt": 5}}, [2, 3, 7, 8]),
    ({"a": {"$gt": "1"}}, [6]),
    ({"a": {"$gte": None}}, [4, 5]),
    ({"a": {"$lt": None}}, []),
    ({"s": {"$gt": "d"}}, [4, 5, 6, 7, 8, 9]),
    ({"s": {"$lt": "b"}}, [1, 3]),
    ({"s": {"$lt": "a"}}, [3]),
    ({"d": {"$gt": datetime.datetime(2023, 12, 31)}}, [6]),
    ({"d": {"$lt": datetime.datetime(2030, 1, 1)}}, [6, 7]),
    ({"a": {"$gt": MinKey()}}, [1, 2, 3, 4, 6, 7, 8, 9]),
    ({"a": {"$lt": MaxKey()}}, [1, 2, 3, 4, 6, 7, 8, 9]),
    ({"a": {"$ne": 1}}, [2, 3, 4, 5, 6, 8, 9]),
    ({"a": {"$eq": 5}}, [7]),
    ({"b": {"$eq": True}}, [8]),
    ({"o": ObjectId("0123456789ab0123456789ab")}, [9]),
    # $in / $nin
    ({"a": {"$in": [1, "10"]}}, [1, 6, 7]),
    ({"a": {"$in": [None]}}, [4, 5]),
    ({"a": {"$in": []}}, []),
    ({"s": {"$in": [re.compile("^b"), "kiwi"]}}, [2, 9]),
    ({"a": {"$nin": [1, 2.5]}}, [3, 4, 5, 6, 8, 9]),
    ({"tags": {"$in": ["red", "brown"]}}, [1, 4]),
    # logical
    ({"$and": [{"a": {"$gt": 1}}, {"a": {"$lt": 4}}]}, [2, 3, 7]),
    ({"$or": [{"a": 1}, {"s": "kiwi"}]}, [1, 7, 9]),
    ({"$nor": [{"a": 1}, {"a": {"$exists": False}}]}, [2, 3, 4, 6, 8, 9]),
    ({"a": {"$not": {"$gt": 2}}}, [1, 4, 5, 6, 9]),
    ({"s": {"$not": re.compile("^[a-c]")}}, [3, 4, 5, 6, 7, 8, 9]),
    ({"$or": [{"_id": 1}], "s": "apple"}, [1]),
    # element
    ({"a": {"$type": "string"}}, [6]),
    ({"a": {"$type": "number"}}, [1, 2, 3, 7, 8]),
    ({"a": {"$type": "double"}}, [2]),
    ({"a": {"$type": "long"}}, [3]),
    ({"a": {"$type": "int"}}, [1, 7]),
    ({"a": {"$type": "decimal"}}, [8]),
    ({"a": {"$type": "null"}}, [4]),
    ({"a": {"$type": "object"}}, [9]),
    ({"a": {"$type": "array"}}, [7]),
    ({"a": {"$type": ["string", "null"]}}, [4, 6]),
    ({"a": {"$type": 2}}, [6]),
    ({"b": {"$type": "bool"}}, [8, 9]),
    ({"d": {"$type": "date"}}, [6, 7]),
    ({"o": {"$type": "objectId"}}, [9]),
    # evaluation
    ({"s": {"$regex": "^a"}}, [1]),
    ({"s": {"$regex": "^c", "$options": "i"}}, [3]),
    ({"s": re.compile("an")}, [2]),
    ({"s": Regex("E", "i")}, [1, 3, 4, 5, 7, 8]),
    ({"s": {"$regex": "e$"}}, [1, 4, 7]),
    ({"a": {"$mod": [2, 1]}}, [1, 3, 7]),
    ({"a": {"$mod": [5, 0]}}, [7]),
    ({"$expr": {"$gt": ["$_id", 7]}}, [8, 9]),
    ({"$expr": {"$eq": ["$s", "fig"]}}, [6]),
    ({"$expr": {"$and": [{"$gte": ["$_id", 2]}, {"$lte": ["$_id", 3]}]}}, [2, 3]),
    # array
    ({"tags": {"$size": 2}}, [1, 2]),
    ({"tags": {"$size": 0}}, [3]),
    ({"a": {"$size": 3}}, [7]),
    ({"tags": {"$all": ["fruit", "red"]}}, [1]),
    ({"tags": {"$all": ["fruit"]}}, [1, 2]),
    ({"a": {"$all": [1, 9]}}, [7]),
    ({"a": {"$all": []}}, []),
    ({"items": {"$elemMatch": {"k": "p", "q": {"$gt": 3}}}}, [5]),
    ({"items": {"$elemMatch": {"k": "q"}}}, [4]),
    ({"a": {"$elemMatch": {"$gt": 4, "$lt": 6}}}, [7]),
    ({"a": {"$elemMatch": {"$gt": 10}}}, []),
    ({"items.k": "p", "items.q": 5}, [4]),
    # dotted paths
    ({"n.x": 2}, [2]),
    ({"n.y": 2}, [1]),
    ({"n.y.1": 2}, [1]),
    ({"items.q": {"$gte": 5}}, [4, 5]),
    ({"items.0.k": "p"}, [4, 5]),
    ({"items.1.k": "p"}, []),
    ({"a.0": 1}, [7]),
    ({"a.z": 1}, [9]),
    ({"tags.0": "red"}, [1]),
]


@pytest.fixture
def fruit(coll):
    coll.insert_many(DOCS)
    return coll


@pytest.mark.parametrize("flt,ids", CASES, ids=[repr(c[0])[:60] for c in CASES])
def test_find_filter_matches_mongodb(fruit, flt, ids):
    assert [d["_id"] for d in fruit.find(flt, sort=[("_id", 1)])] == ids
