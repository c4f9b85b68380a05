"""Everyday pymongo CRUD: inserts, finds with projection/sort/skip/limit, cursors, deletes,
find-and-modify, counts, distinct, BSON round trips."""
from __future__ import annotations

import datetime
import uuid

import pymongo
import pytest
from bson import Binary, Code, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from pymongo import ReturnDocument


def test_insert_one_assigns_object_id(coll):
    r = coll.insert_one({"a": 1})
    assert isinstance(r.inserted_id, ObjectId)
    assert coll.find_one({"_id": r.inserted_id}) == {"_id": r.inserted_id, "a": 1}


def test_insert_many_returns_ids_in_order(coll):
    r = coll.insert_many([{"_id": "x"}, {"_id": "y"}, {}])
    assert r.inserted_ids[:2] == ["x", "y"] and isinstance(r.inserted_ids[2], ObjectId)
    assert coll.count_documents({}) == 3


def test_find_one_missing_returns_none(coll):
    assert coll.find_one({"nope": 1}) is None


@pytest.mark.parametrize("value", [
    1, Int64(1 << 40), 1.5, Decimal128("1.10"), "text", True, None, [1, [2]], {"n": {"m": 1}},
    ObjectId("0123456789ab0123456789ab"), datetime.datetime(2024, 5, 6, 7, 8, 9, 123000),
    b"\x00\x01", Binary(b"\x02", 128), Regex("^a", "i"), Timestamp(5, 6), MinKey(), MaxKey(),
    Code("function(){}"), Binary(uuid.UUID(int=5).bytes, 4),
], ids=lambda v: type(v).__name__)
def test_bson_values_round_trip_exactly(coll, value):
    coll.insert_one({"_id": 1, "v": value})
    got = coll.find_one({"_id": 1})["v"]
    assert got == value and type(got) is type(value)


def test_field_order_is_preserved(coll):
    coll.insert_one({"_id": 1, "z": 1, "a": 2, "m": {"y": 1, "b": 2}})
    doc = coll.find_one()
    assert list(doc) == ["_id", "z", "a", "m"] and list(doc["m"]) == ["y", "b"]


def test_projection_inclusion_and_exclusion(coll):
    coll.insert_one({"_id": 1, "a": 1, "b": {"c": 2, "d": 3}, "e": 4})
    assert coll.find_one({}, {"a": 1}) == {"_id": 1, "a": 1}
    assert coll.find_one({}, {"a": 1, "_id": 0}) == {"a": 1}
    assert coll.find_one({}, {"b.c": 1}) == {"_id": 1, "b": {"c": 2}}
    assert coll.find_one({}, {"b": 0, "e": 0}) == {"_id": 1, "a": 1}
    assert coll.find_one({}, {"b.d": 0}) == {"_id": 1, "a": 1, "b": {"c": 2}, "e": 4}


def test_projection_slice_and_elem_match(coll):
    coll.insert_one({"_id": 1, "a": [1, 2, 3, 4], "o": [{"k": 1}, {"k": 2}]})
    assert coll.find_one({}, {"a": {"$slice": 2}})["a"] == [1, 2]
    assert coll.find_one({}, {"a": {"$slice": -1}})["a"] == [4]
    assert coll.find_one({}, {"a": {"$slice": [1, 2]}})["a"] == [2, 3]
    assert coll.find_one({}, {"o": {"$elemMatch": {"k": 2}}}) == {"_id": 1, "o": [{"k": 2}]}


def test_projection_positional(coll):
    coll.insert_one({"_id": 1, "a": [5, 6, 7]})
    assert coll.find_one({"a": {"$gt": 5}}, {"a.$": 1}) == {"_id": 1, "a": [6]}


def test_sort_skip_limit(coll):
    coll.insert_many([{"_id": i, "v": (i * 7) % 10} for i in range(10)])
    got = [d["_id"] for d in coll.find({}, sort=[("v", -1)], skip=2, limit=3)]
    assert got == [1, 8, 5]


def test_sort_mixed_types_uses_bson_order(coll):
    coll.insert_many([{"_id": 1, "v": "s"}, {"_id": 2, "v": 5}, {"_id": 3, "v": None}, {"_id": 4},
                      {"_id": 5, "v": {"a": 1}}, {"_id": 6, "v": True}, {"_id": 7, "v": [0, 9]}])
    got = [d["_id"] for d in coll.find({}, sort=[("v", 1), ("_id", 1)])]
    assert got == [3, 4, 7, 2, 1, 5, 6]


def test_sort_array_descending_uses_greatest_element(coll):
    coll.insert_many([{"_id": 1, "v": [1, 10]}, {"_id": 2, "v": 5}, {"_id": 3, "v": [7]}])
    assert [d["_id"] for d in coll.find({}, sort=[("v", -1)])] == [1, 3, 2]


def test_cursor_iterates_many_batches(coll):
    coll.insert_many([{"_id": i} for i in range(1000)])
    assert [d["_id"] for d in coll.find({}, batch_size=33, sort=[("_id", 1)])] == list(range(1000))


def test_cursor_close_kills_server_cursor(coll):
    coll.insert_many([{"_id": i} for i in range(50)])
    cur = coll.find({}, batch_size=5)
    next(cur)
    cid = cur.cursor_id
    assert cid
    cur.close()
    with pytest.raises(pymongo.errors.OperationFailure) as e:
        coll.database.command("getMore", Int64(cid), collection=coll.name)
    assert e.value.code == 43


def test_a_cursor_whose_collection_was_dropped_fails_rather_than_end_early(coll):
    coll.insert_many([{"_id": i} for i in range(300)])
    cur = coll.find({}, batch_size=10)
    next(cur)
    coll.drop()
    with pytest.raises(pymongo.errors.OperationFailure) as e:
        list(cur)
    assert e.value.code == 175  # QueryPlanKilled


def test_limit_with_batch_size(coll):
    coll.insert_many([{"_id": i} for i in range(20)])
    assert len(list(coll.find({}, limit=7, batch_size=3))) == 7


def test_delete_one_and_many(coll):
    coll.insert_many([{"_id": i, "k": i % 3} for i in range(9)])
    assert coll.delete_one({"k": 1}).deleted_count == 1
    assert coll.delete_many({"k": 1}).deleted_count == 2
    assert coll.delete_many({}).deleted_count == 6
    assert coll.count_documents({}) == 0


def test_find_one_and_update_returns_before_or_after(coll):
    coll.insert_one({"_id": 1, "n": 1})
    assert coll.find_one_and_update({"_id": 1}, {"$inc": {"n": 1}}) == {"_id": 1, "n": 1}
    after = coll.find_one_and_update({"_id": 1}, {"$inc": {"n": 1}}, return_document=ReturnDocument.AFTER)
    assert after == {"_id": 1, "n": 3}


def test_find_one_and_update_upsert(coll):
    doc = coll.find_one_and_update({"_id": 5}, {"$set": {"a": 1}}, upsert=True, return_document=ReturnDocument.AFTER)
    assert doc == {"_id": 5, "a": 1}


def test_find_one_and_delete_with_sort(coll):
    coll.insert_many([{"_id": i, "p": i} for i in range(3)])
    assert coll.find_one_and_delete({}, sort=[("p", -1)]) == {"_id": 2, "p": 2}
    assert coll.count_documents({}) == 2


def test_find_one_and_replace_projection(coll):
    coll.insert_one({"_id": 1, "a": 1})
    out = coll.find_one_and_replace({"_id": 1}, {"b": 2}, projection={"_id": 0},
                                    return_document=ReturnDocument.AFTER)
    assert out == {"b": 2}


def test_count_documents_with_skip_limit(coll):
    coll.insert_many([{"_id": i} for i in range(10)])
    assert coll.count_documents({"_id": {"$gte": 3}}) == 7
    assert coll.count_documents({}, skip=2, limit=5) == 5
    assert coll.estimated_document_count() == 10


def test_distinct_flattens_arrays(coll):
    coll.insert_many([{"t": ["a", "b"]}, {"t": "b"}, {"t": "c"}, {"x": 1}])
    assert sorted(coll.distinct("t")) == ["a", "b", "c"]
    assert coll.distinct("t", {"t": "c"}) == ["c"]


def test_bulk_write_mixed_operations(coll):
    r = coll.bulk_write([
        pymongo.InsertOne({"_id": 1, "n": 0}),
        pymongo.InsertOne({"_id": 2, "n": 0}),
        pymongo.UpdateOne({"_id": 1}, {"$inc": {"n": 1}}),
        pymongo.ReplaceOne({"_id": 2}, {"n": 9}),
        pymongo.UpdateOne({"_id": 3}, {"$set": {"n": 3}}, upsert=True),
        pymongo.DeleteOne({"_id": 2}),
    ])
    assert (r.inserted_count, r.matched_count, r.modified_count, r.upserted_count, r.deleted_count) == (2, 2, 2, 1, 1)
    assert list(coll.find(sort=[("_id", 1)])) == [{"_id": 1, "n": 1}, {"_id": 3, "n": 3}]


def test_unordered_bulk_continues_after_error(coll):
    with pytest.raises(pymongo.errors.BulkWriteError) as e:
        coll.insert_many([{"_id": 1}, {"_id": 1}, {"_id": 2}], ordered=False)
    assert e.value.details["nInserted"] == 2
    assert coll.count_documents({}) == 2


def test_ordered_bulk_stops_at_error(coll):
    with pytest.raises(pymongo.errors.BulkWriteError) as e:
        coll.insert_many([{"_id": 1}, {"_id": 1}, {"_id": 2}])
    assert e.value.details["nInserted"] == 1
    assert coll.count_documents({}) == 1


def test_unacknowledged_write_is_applied(coll):
    from pymongo.write_concern import WriteConcern

    w0 = coll.with_options(write_concern=WriteConcern(w=0))
    r = w0.insert_one({"_id": 1})
    assert not r.acknowledged
    assert coll.find_one({"_id": 1}) == {"_id": 1}


def test_collections_and_databases_listed(client, db):
    db.create_collection("one")
    db.two.insert_one({})
    assert sorted(db.list_collection_names()) == ["one", "two"]
    assert db.name in client.list_database_names()
    db.drop_collection("one")
    assert db.list_collection_names() == ["two"]


def test_a_database_whose_last_collection_was_dropped_is_not_listed(client, db):
    db.only.insert_one({})
    db.only.drop()
    assert db.name not in client.list_database_names()


def test_rename_collection(db):
    db.a.insert_one({"_id": 1})
    db.a.rename("b")
    assert db.list_collection_names() == ["b"] and db.b.find_one() == {"_id": 1}


def test_drop_database_removes_everything(client):
    d = client["conf_dropme"]
    d.c.insert_one({})
    client.drop_database("conf_dropme")
    assert "conf_dropme" not in client.list_database_names()


def test_sessions_are_accepted(client, coll):
    with client.start_session() as s:
        coll.insert_one({"_id": 1}, session=s)
        assert coll.find_one({"_id": 1}, session=s) == {"_id": 1}


def test_server_info_reports_a_version(client):
    info = client.server_info()
    assert info["ok"] == 1.0 and isinstance(info["version"], str)


def test_ping(client):
    assert client.admin.command("ping")["ok"] == 1.0


def test_view_reads_through_its_pipeline(db):
    db.people.insert_many([{"_id": 1, "age": 30}, {"_id": 2, "age": 17}, {"_id": 3, "age": 45}])
    db.create_collection("adults", viewOn="people", pipeline=[{"$match": {"age": {"$gte": 18}}}])
    assert [d["_id"] for d in db.adults.find(sort=[("age", -1)])] == [3, 1]
    assert db.adults.count_documents({"age": {"$lt": 40}}) == 1
    assert db.adults.estimated_document_count() == 2
    assert list(db.adults.aggregate([{"$group": {"_id": None, "n": {"$sum": 1}}}])) == [{"_id": None, "n": 2}]
    info = {c["name"]: c["type"] for c in db.list_collections()}
    assert info == {"people": "collection", "adults": "view"}


def test_writing_to_a_view_is_refused(db):
    db.base.insert_one({"_id": 1})
    db.create_collection("v", viewOn="base", pipeline=[])
    with pytest.raises(pymongo.errors.OperationFailure) as e:
        db.v.insert_one({"_id": 2})
    assert e.value.code == 166
    assert db.base.count_documents({}) == 1


def test_coll_stats_counts_documents_and_bytes(db):
    db.c.insert_many([{"_id": i, "s": "x" * 10} for i in range(5)])
    db.c.create_index("s")
    stats = db.command("collStats", "c")
    assert stats["count"] == 5 and stats["nindexes"] == 2
    assert stats["size"] == 5 * stats["avgObjSize"]


def test_open_cursor_does_not_hide_later_writes(coll):
    coll.insert_many([{"_id": i} for i in range(300)])
    cur = coll.find({}, batch_size=2)
    next(cur)
    coll.insert_one({"_id": "new"})
    assert coll.find_one({"_id": "new"}) == {"_id": "new"}
    assert len(list(cur)) >= 299


@pytest.mark.parametrize("direction", [1, -1])
def test_indexed_sort_over_many_equal_keys(coll, direction):
    coll.insert_many([{"_id": i, "k": i % 3} for i in range(600)])
    coll.create_index("k")
    got = [(d["k"], d["_id"]) for d in coll.find({"k": {"$gte": 0}}, batch_size=50).sort("k", direction)]
    assert len(got) == 600 and len({g[1] for g in got}) == 600
    keys = [g[0] for g in got]
    assert keys == sorted(keys, reverse=direction < 0)


def test_capped_collection_keeps_newest_in_insertion_order(db):
    db.create_collection("log", capped=True, size=100000, max=3)
    for i in [5, 1, 9, 3, 7]:
        db.log.insert_one({"_id": i})
    assert [d["_id"] for d in db.log.find()] == [9, 3, 7]
    assert [d["_id"] for d in db.log.find().sort("$natural", -1)] == [7, 3, 9]
    assert db.log.options() == {"capped": True, "size": 100096, "max": 3}
    assert db.command("collStats", "log")["capped"] is True


def test_capped_collection_trims_by_size(db):
    db.create_collection("log", capped=True, size=4096)
    for i in range(100):
        db.log.insert_one({"_id": i, "pad": "x" * 100})
    docs = [d["_id"] for d in db.log.find()]
    assert docs == list(range(100 - len(docs), 100)) and 20 < len(docs) < 40


def test_capped_requires_size(db):
    with pytest.raises(pymongo.errors.OperationFailure):
        db.command("create", "c", capped=True)
