"""Snapshot sessions (start_session(snapshot=True)): every read of the session sees the data as of
its first read, while other sessions see later writes."""
from __future__ import annotations

import pytest
from bson import Timestamp
from pymongo.errors import OperationFailure


@pytest.fixture(autouse=True)
def snapshots_supported(db, target):
    if target == "real" and "setName" not in db.client.admin.command("hello"):
        pytest.skip("this real server is a standalone mongod: snapshot reads need a replica set")


def test_a_snapshot_session_reads_as_of_its_first_read(client, coll):
    coll.insert_many([{"_id": i, "x": 1} for i in range(3)])
    with client.start_session(snapshot=True) as s:
        assert coll.find_one({"_id": 0}, session=s) == {"_id": 0, "x": 1}
        coll.update_many({}, {"$inc": {"x": 1}})
        coll.insert_one({"_id": 9, "x": 5})
        assert [d["x"] for d in coll.find({}, session=s).sort("_id", 1)] == [1, 1, 1]
        assert coll.distinct("x", session=s) == [1]
        assert coll.count_documents({}, session=s) == 3
        assert list(coll.aggregate([{"$group": {"_id": None, "t": {"$sum": "$x"}}}], session=s)) == [
            {"_id": None, "t": 3}]
    assert coll.count_documents({}) == 4
    assert coll.find_one({"_id": 0}) == {"_id": 0, "x": 2}


def test_a_snapshot_cursor_reads_later_batches_at_its_snapshot(client, coll):
    coll.insert_many([{"_id": i} for i in range(6)])
    with client.start_session(snapshot=True) as s:
        cursor = coll.find({}, session=s, batch_size=2).sort("_id", 1)
        first = [next(cursor)["_id"], next(cursor)["_id"]]
        coll.delete_many({"_id": {"$gte": 2}})
        coll.insert_one({"_id": 100})
        assert first + [d["_id"] for d in cursor] == [0, 1, 2, 3, 4, 5]


def test_two_snapshot_sessions_keep_their_own_times(client, coll):
    coll.insert_one({"_id": 1, "v": "a"})
    with client.start_session(snapshot=True) as early:
        assert coll.find_one({"_id": 1}, session=early)["v"] == "a"
        coll.update_one({"_id": 1}, {"$set": {"v": "b"}})
        with client.start_session(snapshot=True) as late:
            assert coll.find_one({"_id": 1}, session=late)["v"] == "b"
            coll.update_one({"_id": 1}, {"$set": {"v": "c"}})
            assert coll.find_one({"_id": 1}, session=late)["v"] == "b"
        assert coll.find_one({"_id": 1}, session=early)["v"] == "a"


def test_a_time_outside_the_snapshot_history_is_too_old(db):
    db.items.insert_one({"_id": 1})
    with pytest.raises(OperationFailure) as e:
        db.command("find", "items", readConcern={"level": "snapshot", "atClusterTime": Timestamp(1, 1)})
    assert e.value.code == 239


def test_a_database_changed_since_the_snapshot_time_is_too_old_to_read_at_it(client, db, other):
    other.c.insert_one({"_id": 1})
    db.c.insert_one({"_id": 1})
    with client.start_session(snapshot=True) as s:
        assert db.c.find_one({}, session=s) == {"_id": 1}
        other.c.insert_one({"_id": 2})
        with pytest.raises(OperationFailure) as e:
            other.c.find_one({}, session=s)
        assert e.value.code == 239


def test_a_database_unchanged_since_the_snapshot_time_is_read_at_it(client, db, other):
    other.c.insert_one({"_id": 1})
    db.c.insert_one({"_id": 1})
    with client.start_session(snapshot=True) as s:
        assert db.c.find_one({}, session=s) == {"_id": 1}
        assert other.c.find_one({}, session=s) == {"_id": 1}
        other.c.insert_one({"_id": 2})
        assert other.c.count_documents({}, session=s) == 1


@pytest.mark.parametrize("command", [{"count": "items"}, {"listIndexes": "items"}])
def test_commands_other_than_find_aggregate_and_distinct_refuse_snapshot_reads(db, command):
    db.items.insert_one({"_id": 1})
    with pytest.raises(OperationFailure) as e:
        db.command({**command, "readConcern": {"level": "snapshot"}})
    assert e.value.code == 72
