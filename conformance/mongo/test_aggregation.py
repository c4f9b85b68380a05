"""Aggregation through pymongo's aggregate(): each row is a pipeline over the same documents
and the documents MongoDB returns."""
from __future__ import annotations

import datetime

import pytest

SALES = [
    {"_id": 1, "item": "abc", "price": 10, "qty": 2, "tags": ["a", "b"], "d": datetime.datetime(2024, 3, 1, 8)},
    {"_id": 2, "item": "jkl", "price": 20, "qty": 1, "tags": ["b"], "d": datetime.datetime(2024, 3, 2, 9)},
    {"_id": 3, "item": "xyz", "price": 5, "qty": 10, "tags": [], "d": datetime.datetime(2024, 4, 3, 10)},
    {"_id": 4, "item": "xyz", "price": 5, "qty": 20, "d": datetime.datetime(2024, 4, 4, 11)},
    {"_id": 5, "item": "abc", "price": 10, "qty": 10, "tags": ["c"], "d": datetime.datetime(2025, 1, 5, 12)},
]

CASES = [
    ([{"$match": {"item": "xyz"}}, {"$project": {"_id": 1}}], [{"_id": 3}, {"_id": 4}]),
    ([{"$group": {"_id": "$item", "n": {"$sum": 1}}}, {"$sort": {"_id": 1}}],
     [{"_id": "abc", "n": 2}, {"_id": "jkl", "n": 1}, {"_id": "xyz", "n": 2}]),
    ([{"$group": {"_id": "$item", "total": {"$sum": {"$multiply": ["$price", "$qty"]}}}}, {"$sort": {"total": -1}}],
     [{"_id": "xyz", "total": 150}, {"_id": "abc", "total": 120}, {"_id": "jkl", "total": 20}]),
    ([{"$group": {"_id": None, "avg": {"$avg": "$qty"}, "min": {"$min": "$qty"}, "max": {"$max": "$qty"}}}],
     [{"_id": None, "avg": 8.6, "min": 1, "max": 20}]),
    ([{"$sort": {"_id": 1}}, {"$group": {"_id": "$item", "first": {"$first": "$_id"}, "last": {"$last": "$_id"}}},
      {"$sort": {"_id": 1}}],
     [{"_id": "abc", "first": 1, "last": 5}, {"_id": "jkl", "first": 2, "last": 2}, {"_id": "xyz", "first": 3, "last": 4}]),
    ([{"$sort": {"_id": 1}}, {"$group": {"_id": "$item", "ids": {"$push": "$_id"}}}, {"$sort": {"_id": 1}}],
     [{"_id": "abc", "ids": [1, 5]}, {"_id": "jkl", "ids": [2]}, {"_id": "xyz", "ids": [3, 4]}]),
    ([{"$group": {"_id": None, "prices": {"$addToSet": "$price"}}}, {"$project": {"_id": 0, "n": {"$size": "$prices"}}}],
     [{"n": 3}]),
    ([{"$group": {"_id": "$price", "c": {"$count": {}}}}, {"$sort": {"_id": 1}}],
     [{"_id": 5, "c": 2}, {"_id": 10, "c": 2}, {"_id": 20, "c": 1}]),
    ([{"$sort": {"qty": -1, "_id": 1}}, {"$limit": 2}, {"$project": {"qty": 1, "_id": 0}}], [{"qty": 20}, {"qty": 10}]),
    ([{"$sort": {"_id": 1}}, {"$skip": 3}, {"$project": {"_id": 1}}], [{"_id": 4}, {"_id": 5}]),
    ([{"$match": {"_id": 1}}, {"$unwind": "$tags"}, {"$project": {"tags": 1}}],
     [{"_id": 1, "tags": "a"}, {"_id": 1, "tags": "b"}]),
    ([{"$unwind": "$tags"}, {"$count": "n"}], [{"n": 4}]),
    ([{"$match": {"_id": {"$in": [3, 4]}}}, {"$unwind": {"path": "$tags", "preserveNullAndEmptyArrays": True}},
      {"$project": {"tags": 1}}], [{"_id": 3}, {"_id": 4}]),
    ([{"$match": {"_id": 1}}, {"$unwind": {"path": "$tags", "includeArrayIndex": "i"}}, {"$project": {"i": 1}}],
     [{"_id": 1, "i": 0}, {"_id": 1, "i": 1}]),
    ([{"$match": {"price": {"$gt": 5}}}, {"$count": "expensive"}], [{"expensive": 3}]),
    ([{"$match": {"item": "nothing"}}, {"$count": "n"}], []),
    ([{"$match": {"_id": 2}}, {"$addFields": {"total": {"$multiply": ["$price", "$qty"]}}}, {"$project": {"total": 1}}],
     [{"_id": 2, "total": 20}]),
    ([{"$match": {"_id": 2}}, {"$set": {"x.y": 1}}, {"$project": {"x": 1}}], [{"_id": 2, "x": {"y": 1}}]),
    ([{"$match": {"_id": 2}}, {"$unset": ["tags", "d", "price"]}], [{"_id": 2, "item": "jkl", "qty": 1}]),
    ([{"$match": {"_id": 2}}, {"$replaceRoot": {"newRoot": {"i": "$item"}}}], [{"i": "jkl"}]),
    ([{"$match": {"_id": 2}}, {"$replaceWith": {"q": "$qty"}}], [{"q": 1}]),
    ([{"$sortByCount": "$item"}, {"$sort": {"count": -1, "_id": 1}}],
     [{"_id": "abc", "count": 2}, {"_id": "xyz", "count": 2}, {"_id": "jkl", "count": 1}]),
    ([{"$facet": {"n": [{"$count": "c"}], "top": [{"$sort": {"qty": -1}}, {"$limit": 1}, {"$project": {"_id": 1}}]}}],
     [{"n": [{"c": 5}], "top": [{"_id": 4}]}]),
    ([{"$match": {"_id": 1}}, {"$project": {"_id": 0, "up": {"$toUpper": "$item"}, "cat": {"$concat": ["$item", "-", "x"]}}}],
     [{"up": "ABC", "cat": "abc-x"}]),
    ([{"$match": {"_id": 1}}, {"$project": {"_id": 0, "y": {"$year": "$d"}, "m": {"$month": "$d"}, "h": {"$hour": "$d"}}}],
     [{"y": 2024, "m": 3, "h": 8}]),
    ([{"$match": {"_id": 3}}, {"$project": {"_id": 0, "c": {"$cond": [{"$gte": ["$qty", 10]}, "many", "few"]}}}],
     [{"c": "many"}]),
    ([{"$match": {"_id": 4}}, {"$project": {"_id": 0, "t": {"$ifNull": ["$tags", "none"]}}}], [{"t": "none"}]),
    ([{"$match": {"_id": 1}}, {"$project": {"_id": 0, "s": {"$switch": {"branches": [
        {"case": {"$lt": ["$price", 10]}, "then": "low"}, {"case": {"$lt": ["$price", 20]}, "then": "mid"}],
        "default": "high"}}}}], [{"s": "mid"}]),
    ([{"$match": {"_id": 1}}, {"$project": {"_id": 0, "n": {"$size": "$tags"}, "f": {"$arrayElemAt": ["$tags", -1]},
                                           "has": {"$in": ["a", "$tags"]}}}], [{"n": 2, "f": "b", "has": True}]),
    ([{"$match": {"_id": 1}}, {"$project": {"_id": 0, "t": {"$filter": {"input": "$tags", "as": "t",
                                                                           "cond": {"$ne": ["$$t", "a"]}}}}}],
     [{"t": ["b"]}]),
    ([{"$match": {"_id": 1}}, {"$project": {"_id": 0, "t": {"$map": {"input": "$tags", "in": {"$concat": ["$$this", "!"]}}}}}],
     [{"t": ["a!", "b!"]}]),
    ([{"$match": {"_id": 2}}, {"$project": {"_id": 0, "s": {"$toString": "$price"}, "i": {"$toInt": "7"},
                                           "d": {"$divide": ["$price", 8]}, "m": {"$mod": ["$price", 7]}}}],
     [{"s": "20", "i": 7, "d": 2.5, "m": 6}]),
    ([{"$match": {"_id": 2}}, {"$project": {"_id": 0, "a": {"$subtract": ["$price", 25]}, "b": {"$abs": -3},
                                           "c": {"$add": [1, 2, 3]}}}], [{"a": -5, "b": 3, "c": 6}]),
    ([{"$match": {"_id": 5}}, {"$project": {"_id": 0, "e": {"$eq": ["$price", 10]}, "g": {"$gt": ["$qty", 100]},
                                           "and": {"$and": [True, "$price"]}, "or": {"$or": [False, 0]},
                                           "not": {"$not": [False]}}}],
     [{"e": True, "g": False, "and": True, "or": False, "not": True}]),
    ([{"$match": {"_id": 5}}, {"$project": {"_id": 0, "item": 1, "price": 1}}], [{"item": "abc", "price": 10}]),
    ([{"$match": {"_id": 5}}, {"$project": {"qty": 0, "tags": 0, "d": 0, "price": 0}}], [{"_id": 5, "item": "abc"}]),
    ([{"$bucket": {"groupBy": "$qty", "boundaries": [0, 5, 15, 100]}}],
     [{"_id": 0, "count": 2}, {"_id": 5, "count": 2}, {"_id": 15, "count": 1}]),
    ([{"$group": {"_id": {"y": {"$year": "$d"}}, "n": {"$sum": "$qty"}}}, {"$sort": {"_id.y": 1}}],
     [{"_id": {"y": 2024}, "n": 33}, {"_id": {"y": 2025}, "n": 10}]),
    ([{"$match": {"$expr": {"$gt": [{"$multiply": ["$price", "$qty"]}, 60]}}}, {"$project": {"_id": 1}}],
     [{"_id": 4}, {"_id": 5}]),
]


@pytest.fixture
def sales(coll):
    coll.insert_many(SALES)
    return coll


@pytest.mark.parametrize("pipeline,expected", CASES, ids=[repr(c[0])[:70] for c in CASES])
def test_aggregate_pipeline(sales, pipeline, expected):
    out = list(sales.aggregate(pipeline))
    if not any("$sort" in s for s in pipeline) and len(out) > 1 and "_id" in out[0]:
        out.sort(key=lambda d: repr(d["_id"]))
        expected = sorted(expected, key=lambda d: repr(d["_id"]))
    assert out == expected


def test_lookup_joins_by_equality(db):
    db.orders.insert_many([{"_id": 1, "sku": "a"}, {"_id": 2, "sku": "b"}, {"_id": 3, "sku": "z"}])
    db.stock.insert_many([{"_id": 10, "sku": "a", "n": 5}, {"_id": 11, "sku": "b", "n": 0}, {"_id": 12, "sku": "a", "n": 1}])
    out = list(db.orders.aggregate([
        {"$lookup": {"from": "stock", "localField": "sku", "foreignField": "sku", "as": "inv"}},
        {"$project": {"n": {"$size": "$inv"}}}, {"$sort": {"_id": 1}}]))
    assert out == [{"_id": 1, "n": 2}, {"_id": 2, "n": 1}, {"_id": 3, "n": 0}]


def test_lookup_with_pipeline_and_let(db):
    db.orders.insert_many([{"_id": 1, "sku": "a", "need": 3}])
    db.stock.insert_many([{"_id": 10, "sku": "a", "n": 5}, {"_id": 12, "sku": "a", "n": 1}])
    out = list(db.orders.aggregate([{"$lookup": {
        "from": "stock", "let": {"s": "$sku", "need": "$need"},
        "pipeline": [{"$match": {"$expr": {"$and": [{"$eq": ["$sku", "$$s"]}, {"$gte": ["$n", "$$need"]}]}}},
                     {"$project": {"_id": 1}}],
        "as": "ok"}}]))
    assert out[0]["ok"] == [{"_id": 10}]


def test_out_replaces_target_collection(db):
    db.src.insert_many([{"_id": i, "v": i} for i in range(5)])
    db.dst.insert_one({"_id": "old"})
    assert list(db.src.aggregate([{"$match": {"v": {"$gte": 3}}}, {"$out": "dst"}])) == []
    assert list(db.dst.find(sort=[("_id", 1)])) == [{"_id": 3, "v": 3}, {"_id": 4, "v": 4}]


def test_aggregate_cursor_spans_batches(coll):
    coll.insert_many([{"_id": i} for i in range(250)])
    cursor = coll.aggregate([{"$sort": {"_id": -1}}], batchSize=7)
    assert [d["_id"] for d in cursor] == list(range(249, -1, -1))


def test_merge_upserts_into_target(db):
    db.src.insert_many([{"_id": 1, "v": 10}, {"_id": 2, "v": 20}])
    db.dst.insert_many([{"_id": 1, "v": 0, "keep": True}])
    list(db.src.aggregate([{"$merge": {"into": "dst"}}]))
    assert list(db.dst.find(sort=[("_id", 1)])) == [{"_id": 1, "v": 10, "keep": True}, {"_id": 2, "v": 20}]


def test_merge_when_matched_fail_raises_duplicate_key(db):
    db.src.insert_one({"_id": 1})
    db.dst.insert_one({"_id": 1})
    import pymongo

    with pytest.raises(pymongo.errors.OperationFailure) as e:
        list(db.src.aggregate([{"$merge": {"into": "dst", "whenMatched": "fail"}}]))
    assert e.value.code == 11000


def test_union_with_appends_other_collection(db):
    db.a.insert_one({"_id": 1})
    db.b.insert_many([{"_id": 2}, {"_id": 3}])
    out = list(db.a.aggregate([{"$unionWith": {"coll": "b", "pipeline": [{"$match": {"_id": 3}}]}}]))
    assert out == [{"_id": 1}, {"_id": 3}]


def test_documents_stage_on_database(db):
    out = list(db.aggregate([{"$documents": [{"x": 1}, {"x": 2}]}, {"$match": {"x": 2}}]))
    assert out == [{"x": 2}]
