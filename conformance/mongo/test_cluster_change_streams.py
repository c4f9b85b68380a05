"""Cluster-wide change streams through pymongo's MongoClient.watch(): every database's changes in
one stream, resumable, never invalidated by drops."""
from __future__ import annotations

import uuid

import pytest
from pymongo.errors import OperationFailure


@pytest.fixture(autouse=True)
def streams_supported(db, target):
    if target == "real" and "setName" not in db.client.admin.command("hello"):
        pytest.skip("this real server is a standalone mongod: it refuses change streams")


def _watch(client, names, **kw):
    """A client-wide stream showing only these databases' events (other tests share the server)."""
    return client.watch([{"$match": {"ns.db": {"$in": list(names)}}}], max_await_time_ms=300, **kw)


def _take(stream, n):
    out = []
    while len(out) < n:
        ev = stream.try_next()
        if ev is not None:
            out.append(ev)
    return out


def test_client_watch_reports_every_databases_changes_in_the_order_they_happened(client, db, other):
    db.create_collection("a")
    other.create_collection("b")
    with _watch(client, [db.name, other.name]) as stream:
        db.a.insert_one({"_id": 1})
        other.b.insert_one({"_id": 2})
        db.a.update_one({"_id": 1}, {"$set": {"x": 1}})
        other.b.delete_one({"_id": 2})
        events = _take(stream, 4)
    assert [(e["operationType"], e["ns"]) for e in events] == [
        ("insert", {"db": db.name, "coll": "a"}), ("insert", {"db": other.name, "coll": "b"}),
        ("update", {"db": db.name, "coll": "a"}), ("delete", {"db": other.name, "coll": "b"})]
    assert events[2]["updateDescription"]["updatedFields"] == {"x": 1}


def test_client_watch_sees_a_database_created_after_it_opened(client, db):
    name = "conf_" + uuid.uuid4().hex[:12]
    try:
        with _watch(client, [name]) as stream:
            client[name].fresh.insert_one({"_id": "first"})
            events = _take(stream, 1)
        assert events[0]["ns"] == {"db": name, "coll": "fresh"}
        assert events[0]["fullDocument"] == {"_id": "first"}
    finally:
        client.drop_database(name)


def test_client_watch_resumes_after_a_token_in_every_database(client, db, other):
    db.create_collection("a")
    other.create_collection("b")
    with _watch(client, [db.name, other.name]) as stream:
        db.a.insert_one({"_id": 1})
        other.b.insert_one({"_id": 1})
        db.a.insert_one({"_id": 2})
        other.b.insert_one({"_id": 2})
        first, second = _take(stream, 2)
    with _watch(client, [db.name, other.name], resume_after=second["_id"]) as again:
        rest = _take(again, 2)
    assert [(e["ns"]["db"], e["documentKey"]["_id"]) for e in rest] == [(db.name, 2), (other.name, 2)]
    with _watch(client, [db.name, other.name], start_after=first["_id"]) as again:
        assert _take(again, 1)[0]["ns"]["db"] == other.name


def test_drops_do_not_invalidate_a_client_stream(client, db, other):
    db.create_collection("a")
    with _watch(client, [db.name, other.name]) as stream:
        db.a.drop()
        client.drop_database(db.name)
        other.b.insert_one({"_id": 1})
        events = _take(stream, 3)
        assert stream.alive
    assert [e["operationType"] for e in events] == ["drop", "dropDatabase", "insert"]
    assert events[1]["ns"] == {"db": db.name}


def test_client_watch_from_an_operation_time(client, db, other):
    other.create_collection("b")
    other.b.insert_one({"_id": "before"})
    with _watch(client, [other.name]) as stream:
        other.b.insert_one({"_id": "at"})
        at = _take(stream, 1)[0]["clusterTime"]
    with _watch(client, [other.name], start_at_operation_time=at) as again:
        assert _take(again, 1)[0]["documentKey"] == {"_id": "at"}


def test_only_admin_opens_a_cluster_wide_stream_and_admin_only_that(client, db):
    with pytest.raises(OperationFailure) as e:
        db.aggregate([{"$changeStream": {"allChangesForCluster": True}}])
    assert e.value.code == 72 and "may only be opened on the 'admin' database" in str(e.value)
    with pytest.raises(OperationFailure) as e:
        client.admin.watch()
    assert e.value.code == 73
    assert "$changeStream may not be opened on the internal admin database" in str(e.value)


def test_a_database_streams_token_does_not_resume_a_client_stream(client, db):
    db.create_collection("a")
    with db.watch(max_await_time_ms=100) as stream:
        db.a.insert_one({"_id": 1})
        token = _take(stream, 1)[0]["_id"]
    with pytest.raises(OperationFailure) as e:
        client.watch(resume_after=token)
    assert e.value.code == 260
