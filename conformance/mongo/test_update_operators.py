"""Update operators through pymongo's update_one(): each row is a stored document, an update,
and the document MongoDB stores afterwards."""
from __future__ import annotations

import pytest
from bson import Int64

CASES = [
    ({"_id": 1, "a": 1}, {"$set": {"a": 2}}, {"_id": 1, "a": 2}),
    ({"_id": 1, "a": 1}, {"$set": {"b.c": 2}}, {"_id": 1, "a": 1, "b": {"c": 2}}),
    ({"_id": 1, "a": [1, 2]}, {"$set": {"a.1": 5}}, {"_id": 1, "a": [1, 5]}),
    ({"_id": 1, "a": [1]}, {"$set": {"a.3": 5}}, {"_id": 1, "a": [1, None, None, 5]}),
    ({"_id": 1, "a": {"b": 1, "c": 2}}, {"$set": {"a.b": 9}}, {"_id": 1, "a": {"b": 9, "c": 2}}),
    ({"_id": 1, "a": 1, "b": 2}, {"$unset": {"a": ""}}, {"_id": 1, "b": 2}),
    ({"_id": 1, "a": {"b": 1}}, {"$unset": {"a.b": 1}}, {"_id": 1, "a": {}}),
    ({"_id": 1, "a": [1, 2, 3]}, {"$unset": {"a.1": 1}}, {"_id": 1, "a": [1, None, 3]}),
    ({"_id": 1, "a": 1}, {"$unset": {"zz": 1}}, {"_id": 1, "a": 1}),
    ({"_id": 1, "a": 1}, {"$inc": {"a": 2}}, {"_id": 1, "a": 3}),
    ({"_id": 1, "a": 1}, {"$inc": {"a": 0.5}}, {"_id": 1, "a": 1.5}),
    ({"_id": 1}, {"$inc": {"a": 5}}, {"_id": 1, "a": 5}),
    ({"_id": 1, "a": 2147483647}, {"$inc": {"a": 1}}, {"_id": 1, "a": Int64(2147483648)}),
    ({"_id": 1, "a": Int64(1)}, {"$inc": {"a": 1}}, {"_id": 1, "a": Int64(2)}),
    ({"_id": 1, "a": {"b": 1}}, {"$inc": {"a.b": -3}}, {"_id": 1, "a": {"b": -2}}),
    ({"_id": 1, "a": 3}, {"$mul": {"a": 4}}, {"_id": 1, "a": 12}),
    ({"_id": 1, "a": 3}, {"$mul": {"a": 0.5}}, {"_id": 1, "a": 1.5}),
    ({"_id": 1}, {"$mul": {"a": 4}}, {"_id": 1, "a": 0}),
    ({"_id": 1, "a": 5}, {"$min": {"a": 3}}, {"_id": 1, "a": 3}),
    ({"_id": 1, "a": 5}, {"$min": {"a": 8}}, {"_id": 1, "a": 5}),
    ({"_id": 1, "a": 5}, {"$max": {"a": 8}}, {"_id": 1, "a": 8}),
    ({"_id": 1}, {"$max": {"a": 8}}, {"_id": 1, "a": 8}),
    ({"_id": 1, "a": 5}, {"$min": {"a": None}}, {"_id": 1, "a": None}),
    ({"_id": 1, "a": 1, "b": 2}, {"$rename": {"a": "c"}}, {"_id": 1, "b": 2, "c": 1}),
    ({"_id": 1, "a": {"x": 1}}, {"$rename": {"a.x": "y"}}, {"_id": 1, "a": {}, "y": 1}),
    ({"_id": 1, "b": 2}, {"$rename": {"a": "c"}}, {"_id": 1, "b": 2}),
    ({"_id": 1, "a": []}, {"$push": {"a": 1}}, {"_id": 1, "a": [1]}),
    ({"_id": 1}, {"$push": {"a": 1}}, {"_id": 1, "a": [1]}),
    ({"_id": 1, "a": [1]}, {"$push": {"a": [2, 3]}}, {"_id": 1, "a": [1, [2, 3]]}),
    ({"_id": 1, "a": [1]}, {"$push": {"a": {"$each": [2, 3]}}}, {"_id": 1, "a": [1, 2, 3]}),
    ({"_id": 1, "a": [1, 2]}, {"$push": {"a": {"$each": [0], "$position": 0}}}, {"_id": 1, "a": [0, 1, 2]}),
    ({"_id": 1, "a": [1, 2, 3]}, {"$push": {"a": {"$each": [4], "$slice": -2}}}, {"_id": 1, "a": [3, 4]}),
    ({"_id": 1, "a": [1, 2, 3]}, {"$push": {"a": {"$each": [4], "$slice": 2}}}, {"_id": 1, "a": [1, 2]}),
    ({"_id": 1, "a": [3, 1]}, {"$push": {"a": {"$each": [2], "$sort": 1}}}, {"_id": 1, "a": [1, 2, 3]}),
    ({"_id": 1, "a": [3, 1]}, {"$push": {"a": {"$each": [2], "$sort": -1}}}, {"_id": 1, "a": [3, 2, 1]}),
    ({"_id": 1, "a": [{"s": 2}, {"s": 1}]}, {"$push": {"a": {"$each": [{"s": 3}], "$sort": {"s": 1}, "$slice": 2}}},
     {"_id": 1, "a": [{"s": 1}, {"s": 2}]}),
    ({"_id": 1, "a": [1, 2]}, {"$addToSet": {"a": 2}}, {"_id": 1, "a": [1, 2]}),
    ({"_id": 1, "a": [1, 2]}, {"$addToSet": {"a": 3}}, {"_id": 1, "a": [1, 2, 3]}),
    ({"_id": 1, "a": [1]}, {"$addToSet": {"a": {"$each": [1, 2, 2, 3]}}}, {"_id": 1, "a": [1, 2, 3]}),
    ({"_id": 1}, {"$addToSet": {"a": "x"}}, {"_id": 1, "a": ["x"]}),
    ({"_id": 1, "a": [1, 2, 3]}, {"$pop": {"a": 1}}, {"_id": 1, "a": [1, 2]}),
    ({"_id": 1, "a": [1, 2, 3]}, {"$pop": {"a": -1}}, {"_id": 1, "a": [2, 3]}),
    ({"_id": 1, "a": [1, 2, 3, 2]}, {"$pull": {"a": 2}}, {"_id": 1, "a": [1, 3]}),
    ({"_id": 1, "a": [1, 5, 8]}, {"$pull": {"a": {"$gte": 5}}}, {"_id": 1, "a": [1]}),
    ({"_id": 1, "a": [{"k": 1}, {"k": 2}]}, {"$pull": {"a": {"k": 2}}}, {"_id": 1, "a": [{"k": 1}]}),
    ({"_id": 1, "a": [1, 2, 3, 1]}, {"$pullAll": {"a": [1, 3]}}, {"_id": 1, "a": [2]}),
    ({"_id": 1, "a": [1, 2, 3]}, {"$set": {"a.$[]": 0}}, {"_id": 1, "a": [0, 0, 0]}),
    ({"_id": 1, "a": [{"b": 1}, {"b": 2}]}, {"$inc": {"a.$[].b": 10}}, {"_id": 1, "a": [{"b": 11}, {"b": 12}]}),
    ({"_id": 1, "a": 1}, {"$setOnInsert": {"b": 1}}, {"_id": 1, "a": 1}),
    ({"_id": 1, "a": 1}, {"$set": {"a": 1}, "$inc": {"b": 1}}, {"_id": 1, "a": 1, "b": 1}),
    ({"_id": 1, "a": 1, "b": 2}, {"$set": {"c": 3}, "$unset": {"a": 1}}, {"_id": 1, "b": 2, "c": 3}),
]


@pytest.mark.parametrize("doc,update,expected", CASES, ids=[repr(c[1])[:60] for c in CASES])
def test_update_operator_result(coll, doc, update, expected):
    coll.insert_one(doc)
    coll.update_one({"_id": doc["_id"]}, update)
    stored = coll.find_one({"_id": doc["_id"]})
    assert stored == expected
    assert list(stored) == list(expected)  # field order is MongoDB's too


def test_positional_operator_updates_first_matched_element(coll):
    coll.insert_one({"_id": 1, "grades": [80, 85, 90]})
    coll.update_one({"_id": 1, "grades": 85}, {"$set": {"grades.$": 82}})
    assert coll.find_one({"_id": 1})["grades"] == [80, 82, 90]


def test_positional_operator_on_embedded_documents(coll):
    coll.insert_one({"_id": 1, "items": [{"k": "a", "n": 1}, {"k": "b", "n": 1}]})
    coll.update_one({"items.k": "b"}, {"$inc": {"items.$.n": 5}})
    assert coll.find_one({"_id": 1})["items"] == [{"k": "a", "n": 1}, {"k": "b", "n": 6}]


def test_array_filters_update_matching_elements(coll):
    coll.insert_one({"_id": 1, "g": [95, 102, 90, 150]})
    coll.update_one({"_id": 1}, {"$set": {"g.$[x]": 100}}, array_filters=[{"x": {"$gte": 100}}])
    assert coll.find_one({"_id": 1})["g"] == [95, 100, 90, 100]


def test_upsert_seeds_document_from_equality_query(coll):
    r = coll.update_one({"name": "x", "n": {"$gt": 1}}, {"$set": {"v": 1}, "$setOnInsert": {"created": True}},
                        upsert=True)
    assert r.upserted_id is not None and r.matched_count == 0
    doc = coll.find_one({"_id": r.upserted_id}, {"_id": 0})
    assert doc == {"name": "x", "v": 1, "created": True}


def test_upsert_uses_query_id(coll):
    r = coll.update_one({"_id": 7}, {"$inc": {"n": 1}}, upsert=True)
    assert r.upserted_id == 7
    assert coll.find_one({"_id": 7}) == {"_id": 7, "n": 1}


def test_replace_one_keeps_id_and_replaces_fields(coll):
    coll.insert_one({"_id": 1, "a": 1, "b": 2})
    r = coll.replace_one({"_id": 1}, {"c": 3})
    assert (r.matched_count, r.modified_count) == (1, 1)
    assert coll.find_one({"_id": 1}) == {"_id": 1, "c": 3}


def test_update_many_counts_matched_and_modified(coll):
    coll.insert_many([{"_id": i, "a": i % 2} for i in range(6)])
    r = coll.update_many({"a": 1}, {"$set": {"a": 1}})
    assert (r.matched_count, r.modified_count) == (3, 0)
    r = coll.update_many({}, {"$set": {"a": 1}})
    assert (r.matched_count, r.modified_count) == (6, 3)


def test_update_by_id_that_changes_nothing_is_not_counted_as_modified(coll):
    coll.insert_one({"_id": 1, "a": 1.0, "b": Int64(2)})
    r = coll.update_one({"_id": 1}, {"$set": {"a": 1.0, "b": Int64(2)}})
    assert (r.matched_count, r.modified_count) == (1, 0)
    r = coll.update_one({"_id": 1.0}, {"$set": {"a": 1}})  # 1 and 1.0 are different BSON: a change
    assert (r.matched_count, r.modified_count) == (1, 1)
    assert coll.find_one({"_id": 1}) == {"_id": 1, "a": 1, "b": 2}


def test_no_op_update_of_a_document_with_a_symbol_is_not_counted_as_modified(coll):
    from bson import encode
    from bson.raw_bson import RawBSONDocument

    # {_id: 1, s: Symbol("x"), n: 1}, written as raw BSON: pymongo decodes a Symbol to str.
    body = encode({"_id": 1})[:-1] + b"\x0es\x00\x02\x00\x00\x00x\x00" + encode({"n": 1})[4:]
    body = len(body).to_bytes(4, "little") + body[4:]
    coll.insert_one(RawBSONDocument(body))
    r = coll.update_one({"_id": 1}, {"$set": {"n": 1}})
    assert (r.matched_count, r.modified_count) == (1, 0)


def test_update_by_id_misses_an_id_of_another_type(coll):
    coll.insert_one({"_id": "1", "n": 0})
    r = coll.update_one({"_id": 1}, {"$inc": {"n": 1}})
    assert (r.matched_count, r.modified_count) == (0, 0)
    assert coll.find_one({"_id": 1}) is None and coll.find_one({"_id": "1"}) == {"_id": "1", "n": 0}


def test_pipeline_update_computes_from_fields(coll):
    coll.insert_one({"_id": 1, "a": 2, "b": 3})
    coll.update_one({"_id": 1}, [{"$set": {"c": {"$add": ["$a", "$b"]}}}, {"$unset": "a"}])
    assert coll.find_one({"_id": 1}) == {"_id": 1, "b": 3, "c": 5}


def test_current_date_sets_a_date(coll):
    import datetime

    coll.insert_one({"_id": 1})
    coll.update_one({"_id": 1}, {"$currentDate": {"at": True}})
    assert isinstance(coll.find_one({"_id": 1})["at"], datetime.datetime)
