"""Indexes through pymongo: creation, listing, dropping, unique enforcement, sparse/partial."""
from __future__ import annotations

import pymongo
import pytest
from pymongo.errors import DuplicateKeyError, OperationFailure


def test_create_index_returns_name_and_lists_it(coll):
    assert coll.create_index("a") == "a_1"
    assert coll.create_index([("b", pymongo.DESCENDING), ("c", 1)]) == "b_-1_c_1"
    names = [ix["name"] for ix in coll.list_indexes()]
    assert names == ["_id_", "a_1", "b_-1_c_1"]
    info = coll.index_information()
    assert info["b_-1_c_1"]["key"] == [("b", -1), ("c", 1)]


def test_create_same_index_twice_is_a_no_op(coll):
    coll.create_index("a", unique=True)
    coll.create_index("a", unique=True)
    assert len(list(coll.list_indexes())) == 2


def test_same_name_different_options_conflicts(coll):
    coll.create_index("a")
    with pytest.raises(OperationFailure) as e:
        coll.create_index("a", unique=True)
    assert e.value.code in (85, 86)


def test_unique_index_rejects_duplicates(coll):
    coll.create_index("email", unique=True)
    coll.insert_one({"email": "a@x"})
    with pytest.raises(DuplicateKeyError) as e:
        coll.insert_one({"email": "a@x"})
    d = e.value.details
    assert d["code"] == 11000
    assert d["keyPattern"] == {"email": 1} and d["keyValue"] == {"email": "a@x"}
    assert "index: email_1 dup key: { email: \"a@x\" }" in d["errmsg"]
    assert coll.count_documents({}) == 1


def test_duplicate_id_message(coll):
    coll.insert_one({"_id": 1})
    with pytest.raises(DuplicateKeyError) as e:
        coll.insert_one({"_id": 1})
    assert e.value.details["errmsg"].endswith("index: _id_ dup key: { _id: 1 }")
    assert e.value.details["keyPattern"] == {"_id": 1}


def test_unique_index_on_update(coll):
    coll.create_index("u", unique=True)
    coll.insert_many([{"_id": 1, "u": 1}, {"_id": 2, "u": 2}])
    with pytest.raises(DuplicateKeyError):
        coll.update_one({"_id": 2}, {"$set": {"u": 1}})
    assert coll.find_one({"_id": 2}) == {"_id": 2, "u": 2}


def test_unique_index_treats_missing_as_null(coll):
    coll.create_index("u", unique=True)
    coll.insert_one({"_id": 1})
    with pytest.raises(DuplicateKeyError):
        coll.insert_one({"_id": 2})


def test_sparse_unique_allows_many_missing(coll):
    coll.create_index("u", unique=True, sparse=True)
    coll.insert_many([{"_id": 1}, {"_id": 2}])
    assert coll.count_documents({}) == 2


def test_partial_unique_only_applies_to_matching(coll):
    coll.create_index("u", unique=True, partialFilterExpression={"active": True})
    coll.insert_many([{"u": 1, "active": False}, {"u": 1, "active": False}, {"u": 1, "active": True}])
    with pytest.raises(DuplicateKeyError):
        coll.insert_one({"u": 1, "active": True})


def test_creating_unique_index_over_duplicates_fails(coll):
    coll.insert_many([{"u": 1}, {"u": 1}])
    with pytest.raises(DuplicateKeyError):
        coll.create_index("u", unique=True)
    assert [ix["name"] for ix in coll.list_indexes()] == ["_id_"]


def test_compound_unique(coll):
    coll.create_index([("a", 1), ("b", 1)], unique=True)
    coll.insert_many([{"a": 1, "b": 1}, {"a": 1, "b": 2}])
    with pytest.raises(DuplicateKeyError) as e:
        coll.insert_one({"a": 1, "b": 2})
    assert e.value.details["keyValue"] == {"a": 1, "b": 2}


def test_multikey_unique_checks_each_element(coll):
    coll.create_index("t", unique=True)
    coll.insert_one({"t": ["x", "y"]})
    with pytest.raises(DuplicateKeyError):
        coll.insert_one({"t": ["z", "y"]})


def test_drop_index_by_name_and_all(coll):
    coll.create_index("a")
    coll.create_index("b")
    coll.drop_index("a_1")
    assert [ix["name"] for ix in coll.list_indexes()] == ["_id_", "b_1"]
    coll.drop_indexes()
    assert [ix["name"] for ix in coll.list_indexes()] == ["_id_"]


def test_drop_missing_index_fails(coll):
    coll.insert_one({})
    with pytest.raises(OperationFailure) as e:
        coll.drop_index("nope_1")
    assert e.value.code == 27


def test_cannot_drop_id_index(coll):
    coll.insert_one({})
    with pytest.raises(OperationFailure) as e:
        coll.drop_index("_id_")
    assert e.value.code == 72


@pytest.mark.parametrize("flt,sort,expected", [
    ({"v": {"$gt": 5}}, [("v", 1)], [6, 7, 8, 9]),
    ({"v": {"$gte": 2, "$lt": 4}}, None, [2, 3]),
    ({"v": {"$in": [1, 8, 42]}}, [("v", -1)], [8, 1]),
    ({"v": 3}, None, [3]),
    ({}, [("v", -1)], ["s", 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, None]),
    ({"v": {"$lt": 100}}, [("v", -1)], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]),
    ({"v": None}, None, [None]),
    ({"v": {"$gt": "a"}}, None, ["s"]),
])
def test_indexed_queries_return_the_same_answers(coll, flt, sort, expected):
    docs = [{"_id": i, "v": i} for i in range(10)] + [{"_id": 10, "v": "s"}, {"_id": 11}]
    coll.insert_many(docs)
    coll.create_index("v")
    got = [d.get("v") for d in coll.find(flt, sort=sort)]
    assert (got if sort else sorted(got, key=repr)) == (expected if sort else sorted(expected, key=repr))


def test_hint_must_name_an_existing_index(coll):
    coll.insert_one({"a": 1})
    with pytest.raises(OperationFailure) as e:
        list(coll.find({"a": 1}).hint("a_1"))
    assert e.value.code == 2
    coll.create_index("a")
    assert len(list(coll.find({"a": 1}).hint("a_1"))) == 1


def test_explain_shows_index_scan_for_indexed_find(coll):
    coll.insert_many([{"_id": i, "k": i} for i in range(200)])
    coll.create_index("k")
    plan = coll.find({"k": 42}).explain()
    text = repr(plan["queryPlanner"]["winningPlan"])
    assert "IXSCAN" in text and "k_1" in text
    assert plan["executionStats"]["totalDocsExamined"] == 1


def test_explain_shows_collection_scan_without_index(coll):
    coll.insert_many([{"_id": i, "k": i} for i in range(50)])
    plan = coll.find({"k": 42}).explain()
    assert "COLLSCAN" in repr(plan["queryPlanner"]["winningPlan"])
    assert plan["executionStats"]["totalDocsExamined"] == 50


def test_sorted_limited_find_reads_only_what_it_returns(coll):
    coll.insert_many([{"_id": i, "k": i} for i in range(500)])
    coll.create_index("k")
    plan = coll.find({"k": {"$gt": 100}}).sort("k", 1).limit(10).explain()
    assert "SORT" not in repr(plan["queryPlanner"]["winningPlan"])
    assert plan["executionStats"]["totalDocsExamined"] == 10


def test_ttl_index_is_listed_with_its_expiry(coll):
    coll.create_index("at", expireAfterSeconds=3600)
    assert coll.index_information()["at_1"]["expireAfterSeconds"] == 3600


def test_ttl_index_must_be_single_field(coll):
    with pytest.raises(OperationFailure) as e:
        coll.create_index([("a", 1), ("b", 1)], expireAfterSeconds=10)
    assert e.value.code == 67


def test_indexed_reads_follow_updates_whichever_fields_they_touch(coll):
    coll.create_index("k")
    coll.create_index("sub.a")
    coll.create_index("tag", partialFilterExpression={"live": True})
    coll.insert_many([{"_id": i, "k": i, "sub": {"a": i, "b": 0}, "tag": "t", "live": False, "v": 0} for i in range(4)])
    coll.update_one({"_id": 0}, {"$inc": {"v": 1}})  # no indexed field
    coll.update_one({"_id": 1}, {"$set": {"k": 10}})  # the indexed field itself
    coll.update_one({"_id": 2}, {"$set": {"sub.b": 5}})  # beside an indexed nested field
    coll.update_one({"_id": 3}, {"$set": {"sub.a": -1, "live": True}})  # nested key, and partial membership
    assert [d["_id"] for d in coll.find({"k": {"$gte": 0}}).sort("k", 1)] == [0, 2, 3, 1]
    assert [d["_id"] for d in coll.find({"k": 1}).hint("k_1")] == []
    assert [d["_id"] for d in coll.find({"sub.a": {"$gte": -5}}).sort("sub.a", 1).hint("sub.a_1")] == [3, 0, 1, 2]
    assert [d["_id"] for d in coll.find({"sub.a": 3}).hint("sub.a_1")] == []
    assert [d["_id"] for d in coll.find({"tag": "t", "live": True}).hint("tag_1")] == [3]
    coll.update_one({"_id": 3}, {"$set": {"live": False}})  # leaves the partial index again
    assert list(coll.find({"tag": "t", "live": True}).hint("tag_1")) == []


def test_an_update_whose_second_index_key_cannot_be_made_changes_nothing(coll):
    coll.create_index("a")
    coll.create_index([("b", 1), ("c", 1)])
    coll.insert_one({"_id": 1, "a": 1, "b": [1, 2], "c": 1})
    with pytest.raises(pymongo.errors.WriteError) as e:
        coll.update_one({"_id": 1}, {"$set": {"a": 2, "c": [1, 2]}})
    assert e.value.code == 171  # cannot index parallel arrays
    assert coll.find_one({"_id": 1}) == {"_id": 1, "a": 1, "b": [1, 2], "c": 1}
    assert [d["_id"] for d in coll.find({"a": 1}).hint("a_1")] == [1]
    assert list(coll.find({"a": 2}).hint("a_1")) == []


def test_an_insert_whose_index_key_cannot_be_made_leaves_no_entry(coll):
    coll.create_index("a")
    coll.create_index([("b", 1), ("c", 1)])
    with pytest.raises(pymongo.errors.WriteError) as e:
        coll.insert_one({"_id": 2, "a": 5, "b": [1, 2], "c": [3, 4]})
    assert e.value.code == 171
    assert coll.count_documents({}) == 0
    assert list(coll.find({"a": 5}).hint("a_1")) == []
    coll.insert_one({"_id": 2, "a": 5, "b": 1, "c": 1})  # the _id is free: nothing of the failed insert remains
    assert [d["_id"] for d in coll.find({"a": 5}).hint("a_1")] == [2]


def test_min_and_max_bound_the_hinted_index(coll):
    coll.insert_many([{"_id": i, "a": i % 3, "b": i} for i in range(6)])
    coll.create_index([("a", 1), ("b", -1)])
    hint = [("a", 1), ("b", -1)]
    found = coll.find({}, {"_id": 1}, hint=hint, min={"a": 1, "b": 10}, max={"a": 2, "b": 5}).sort("_id", 1)
    assert [d["_id"] for d in found] == [1, 4]  # a: 1 (every b below 10), not a: 2 with b <= 5
    assert [d["_id"] for d in coll.find(hint="_id_", min={"_id": 4})] == [4, 5]
    assert [d["_id"] for d in coll.find(hint="_id_", max={"_id": 2})] == [0, 1]


@pytest.mark.parametrize("kw,code", [({"min": {"_id": 1}}, 51173),
                                     ({"min": {"b": 1}, "hint": "_id_"}, 51174),
                                     ({"min": {"_id": 3}, "max": {"_id": 3}, "hint": "_id_"}, 51175)])
def test_min_and_max_that_cannot_bound_the_index_are_refused(coll, kw, code):
    coll.insert_one({"_id": 1})
    with pytest.raises(OperationFailure) as e:  # a command: pymongo itself refuses min without hint
        coll.database.command("find", coll.name, **kw)
    assert e.value.code == code


def test_return_key_gives_the_key_of_the_index_read(coll):
    coll.insert_many([{"_id": 1, "a": 5, "tags": ["x", "y"]}, {"_id": 2, "a": 7, "tags": ["z"]}])
    coll.create_index("a")
    coll.create_index("tags")
    assert list(coll.find({"a": {"$gt": 6}}, return_key=True)) == [{"a": 7}]
    assert list(coll.find({"tags": "y"}, return_key=True)) == [{"tags": "y"}]  # the key it was found by
    assert list(coll.find({}, return_key=True, show_record_id=True).sort("_id", 1)) == [{"_id": 1}, {"_id": 2}]


def test_return_key_without_an_index_gives_empty_documents(coll):
    coll.insert_many([{"_id": 1, "b": 1}, {"_id": 2, "b": 2}])
    assert list(coll.find({"b": 2}, return_key=True)) == [{}]
