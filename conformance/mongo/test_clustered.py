"""Clustered collections (create option clusteredIndex): what they list, allow and refuse."""
from __future__ import annotations

import datetime

import pytest
from pymongo.errors import DuplicateKeyError, OperationFailure

CLUSTERED = {"key": {"_id": 1}, "unique": True}


def _code(fn) -> int:
    with pytest.raises(OperationFailure) as e:
        fn()
    return e.value.code


def test_a_clustered_collection_lists_its_clustered_index_with_defaults_filled_in(db):
    db.create_collection("c", clusteredIndex=CLUSTERED)
    info = db.command("listCollections", filter={"name": "c"})["cursor"]["firstBatch"][0]
    assert info["options"]["clusteredIndex"] == {"v": 2, "key": {"_id": 1}, "name": "_id_", "unique": True}
    assert "idIndex" not in info
    assert list(db.c.list_indexes()) == [{"v": 2, "key": {"_id": 1}, "name": "_id_", "unique": True,
                                          "clustered": True}]


def test_a_named_clustered_index_is_listed_and_hinted_by_its_name(db):
    db.create_collection("c", clusteredIndex={**CLUSTERED, "name": "by id"})
    db.c.insert_many([{"_id": i, "x": i} for i in range(5)])
    [index] = db.c.list_indexes()
    assert index["name"] == "by id" and index["clustered"] is True
    assert [d["_id"] for d in db.c.find({"_id": {"$gte": 3}}).hint("by id")] == [3, 4]
    assert _code(lambda: list(db.c.find().hint("_id_"))) == 2


def test_documents_of_a_clustered_collection_behave_as_in_any_collection(db):
    db.create_collection("c", clusteredIndex=CLUSTERED)
    db.c.insert_many([{"_id": 3, "x": "c"}, {"_id": 1, "x": "a"}, {"_id": 2, "x": "b"}])
    with pytest.raises(DuplicateKeyError):
        db.c.insert_one({"_id": 2})
    db.c.update_one({"_id": 1}, {"$set": {"x": "A"}})
    db.c.create_index("x")
    assert list(db.c.find({}, {"_id": 1, "x": 1}).sort("_id", 1)) == [
        {"_id": 1, "x": "A"}, {"_id": 2, "x": "b"}, {"_id": 3, "x": "c"}]
    assert db.c.find_one({"x": "b"}) == {"_id": 2, "x": "b"}
    assert [ix["name"] for ix in db.c.list_indexes()] == ["_id_", "x_1"]


def test_the_clustered_index_cannot_be_dropped_by_name_or_key_but_others_can(db):
    db.create_collection("c", clusteredIndex={**CLUSTERED, "name": "cix"})
    db.c.create_index("x")
    assert _code(lambda: db.c.drop_index("cix")) == 5979800
    assert _code(lambda: db.command("dropIndexes", "c", index={"_id": 1})) == 5979800
    assert _code(lambda: db.command("dropIndexes", "c", index=["cix"])) == 5979800
    db.command("dropIndexes", "c", index="*")
    assert [ix["name"] for ix in db.c.list_indexes()] == ["cix"]


def test_the_id_index_cannot_be_created_on_a_clustered_collection(db):
    db.create_collection("c", clusteredIndex=CLUSTERED)
    with pytest.raises(OperationFailure) as e:
        db.c.create_index([("_id", 1)])
    assert e.value.code == 67
    assert "cannot create the _id index on a clustered collection" in str(e.value)


@pytest.mark.parametrize(("options", "code"), [
    ({"clusteredIndex": {"key": {"_id": 1}}}, 40414),                                # unique is required
    ({"clusteredIndex": {"unique": True}}, 40414),                                   # key is required
    ({"clusteredIndex": {"key": {"_id": 1}, "unique": False}}, 5979700),
    ({"clusteredIndex": {"key": {"a": 1}, "unique": True}}, 197),
    ({"clusteredIndex": {"key": {"_id": 1}, "unique": True, "extra": 1}}, 40415),
    ({"clusteredIndex": {"key": {"_id": 1}, "unique": True, "v": 1}}, 5979704),
    ({"clusteredIndex": True}, 5979703),                                              # the buckets' legacy form
    ({"clusteredIndex": "yes"}, 5979702),
    ({"clusteredIndex": {"key": {"_id": 1}, "unique": True}, "viewOn": "other"}, 6026500),
    ({"clusteredIndex": {"key": {"_id": 1}, "unique": True}, "expireAfterSeconds": -10}, 72),
    ({"expireAfterSeconds": 10}, 72),                                                 # only with clusteredIndex
])
def test_invalid_clustered_options_are_refused_with_mongods_codes(db, options, code):
    assert _code(lambda: db.command("create", "c", **options)) == code
    assert "c" not in db.list_collection_names()


def test_clustered_index_false_makes_an_ordinary_collection(db):
    db.command("create", "c", clusteredIndex=False)
    info = db.command("listCollections", filter={"name": "c"})["cursor"]["firstBatch"][0]
    assert "clusteredIndex" not in info["options"] and info["idIndex"]["name"] == "_id_"


def test_a_clustered_ttl_is_listed_among_the_collection_options(db):
    db.create_collection("c", clusteredIndex=CLUSTERED, expireAfterSeconds=3600)
    options = db.c.options()
    assert options["expireAfterSeconds"] == 3600
    assert options["clusteredIndex"]["key"] == {"_id": 1}


def test_a_clustered_ttl_deletes_documents_whose_id_date_has_expired(target, db, dotdo_dir):
    if target == "real":
        pytest.skip("the TTL monitor of a real server runs every 60 s")
    from dotdo_core.store import Store

    from dotdo_mongo.engine import ttl
    from dotdo_mongo.engine.engine import Engine

    db.create_collection("c", clusteredIndex=CLUSTERED, expireAfterSeconds=60)
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    old = [now - datetime.timedelta(hours=h) for h in (1, 2, 3)]
    db.c.insert_many([{"_id": d} for d in old] + [{"_id": now}, {"_id": "not a date"}, {"_id": 5}])
    assert ttl.purge_expired(Engine(Store.shared(dotdo_dir))) == 3
    assert sorted(map(repr, (d["_id"] for d in db.c.find()))) == sorted(map(repr, [now, "not a date", 5]))
