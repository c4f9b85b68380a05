"""Change streams through pymongo's watch(): events for inserts, updates, replaces, deletes and
drops; resuming after a token; database-wide streams."""
from __future__ import annotations

import pytest
from pymongo.errors import OperationFailure

pytestmark = pytest.mark.known_difference(
    "dotdo serves change streams while presenting itself as a standalone server; a standalone mongod refuses "
    "$changeStream (40573: only supported on replica sets)")


@pytest.fixture(autouse=True)
def streams_supported(db, target):
    if target == "real" and "setName" not in db.client.admin.command("hello"):
        with pytest.raises(OperationFailure) as e:
            db.x.watch()
        assert e.value.code == 40573
        pytest.skip("this real server is a standalone mongod: it refuses change streams (checked above)")


@pytest.fixture
def items(db):
    db.create_collection("items")
    return db["items"]


def test_watch_reports_each_kind_of_write(items):
    with items.watch(max_await_time_ms=200) as stream:
        items.insert_one({"_id": 1, "a": 1})
        items.update_one({"_id": 1}, {"$set": {"a": 2}, "$unset": {"zz": 1}})
        items.update_one({"_id": 1}, {"$unset": {"a": 1}})
        items.replace_one({"_id": 1}, {"b": 1})
        items.delete_one({"_id": 1})
        events = [stream.next() for _ in range(5)]
    assert [e["operationType"] for e in events] == ["insert", "update", "update", "replace", "delete"]
    assert events[0]["fullDocument"] == {"_id": 1, "a": 1}
    assert events[1]["updateDescription"]["updatedFields"] == {"a": 2}
    assert events[2]["updateDescription"]["removedFields"] == ["a"]
    assert events[3]["fullDocument"] == {"_id": 1, "b": 1}
    assert all(e["documentKey"] == {"_id": 1} for e in events)
    assert all(e["ns"] == {"db": items.database.name, "coll": "items"} for e in events)


def test_full_document_update_lookup(items):
    with items.watch(full_document="updateLookup", max_await_time_ms=200) as stream:
        items.insert_one({"_id": 1, "n": 1})
        items.update_one({"_id": 1}, {"$inc": {"n": 1}})
        stream.next()
        assert stream.next()["fullDocument"] == {"_id": 1, "n": 2}


def test_resume_after_token_replays_later_events(items):
    with items.watch(max_await_time_ms=200) as stream:
        items.insert_one({"_id": 1})
        items.insert_one({"_id": 2})
        first = stream.next()
    with items.watch(resume_after=first["_id"], max_await_time_ms=200) as again:
        assert again.next()["documentKey"] == {"_id": 2}


def test_no_events_means_try_next_is_none(items):
    with items.watch(max_await_time_ms=50) as stream:
        assert stream.try_next() is None


def test_stream_filters_with_match(items):
    with items.watch([{"$match": {"operationType": "delete"}}], max_await_time_ms=200) as stream:
        items.insert_one({"_id": 1})
        items.delete_one({"_id": 1})
        assert stream.next()["operationType"] == "delete"


def test_database_stream_sees_every_collection(db):
    with db.watch(max_await_time_ms=200) as stream:
        db.a.insert_one({"_id": 1})
        db.b.insert_one({"_id": 2})
        assert [stream.next()["ns"]["coll"] for _ in range(2)] == ["a", "b"]


def test_drop_invalidates_collection_stream(items):
    with items.watch(max_await_time_ms=200) as stream:
        items.drop()
        assert stream.next()["operationType"] == "drop"
        assert stream.next()["operationType"] == "invalidate"
        assert not stream.alive
