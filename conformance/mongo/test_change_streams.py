"""Change streams through pymongo's watch(): events for inserts, updates, replaces, deletes and
drops; resuming after a token; database-wide streams."""
from __future__ import annotations

import pytest
from pymongo.errors import OperationFailure

@pytest.fixture(autouse=True)
def streams_supported(db, target):
    """dotdo presents itself as a one-member replica set, which serves change streams; a real server
    that is a standalone mongod refuses them, and the cases then check only that refusal."""
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


def test_dropping_the_database_ends_a_collection_stream_with_drop_and_invalidate(items):
    with items.watch(max_await_time_ms=200) as stream:
        items.insert_one({"_id": 1})
        items.database.client.drop_database(items.database.name)
        assert [stream.next()["operationType"] for _ in range(3)] == ["insert", "drop", "invalidate"]
        assert not stream.alive


def test_dropping_the_database_reports_each_collection_then_the_database(db):
    db.a.insert_one({"_id": 1})
    db.b.insert_one({"_id": 1})
    with db.watch(max_await_time_ms=200) as stream:
        db.client.drop_database(db.name)
        events = [stream.next() for _ in range(4)]
        assert not stream.alive
    assert [(e["operationType"], e.get("ns")) for e in events] == [
        ("drop", {"db": db.name, "coll": "a"}), ("drop", {"db": db.name, "coll": "b"}),
        ("dropDatabase", {"db": db.name}), ("invalidate", None)]


def test_a_stream_on_a_missing_collection_goes_on_after_the_database_is_dropped(db):
    db.other.insert_one({"_id": 1})
    with db.missing.watch(max_await_time_ms=200) as stream:
        db.client.drop_database(db.name)
        assert stream.try_next() is None and stream.alive
        db.missing.insert_one({"_id": 2})
        assert stream.next()["fullDocument"] == {"_id": 2}


@pytest.fixture
def imaged(db):
    db.create_collection("imaged", changeStreamPreAndPostImages={"enabled": True})
    return db["imaged"]


def test_pre_and_post_images_of_each_kind_of_write(imaged):
    imaged.insert_one({"_id": 1, "n": 1})
    with imaged.watch(full_document="required", full_document_before_change="required",
                      max_await_time_ms=200) as stream:
        imaged.update_one({"_id": 1}, {"$inc": {"n": 1}})
        imaged.replace_one({"_id": 1}, {"m": 1})
        imaged.delete_one({"_id": 1})
        update, replace, delete = (stream.next() for _ in range(3))
    assert (update["fullDocumentBeforeChange"], update["fullDocument"]) == ({"_id": 1, "n": 1}, {"_id": 1, "n": 2})
    assert (replace["fullDocumentBeforeChange"], replace["fullDocument"]) == ({"_id": 1, "n": 2}, {"_id": 1, "m": 1})
    assert delete["fullDocumentBeforeChange"] == {"_id": 1, "m": 1} and "fullDocument" not in delete


def test_images_exist_only_for_writes_made_while_the_option_was_on(imaged):
    imaged.insert_many([{"_id": 1}, {"_id": 2}])
    with imaged.watch(full_document="whenAvailable", full_document_before_change="whenAvailable",
                      max_await_time_ms=200) as stream:
        imaged.update_one({"_id": 1}, {"$set": {"a": 1}})
        imaged.database.command("collMod", "imaged", changeStreamPreAndPostImages={"enabled": False})
        imaged.update_one({"_id": 2}, {"$set": {"a": 1}})
        first, second = stream.next(), stream.next()
    assert first["fullDocumentBeforeChange"] == {"_id": 1} and first["fullDocument"] == {"_id": 1, "a": 1}
    assert second["fullDocumentBeforeChange"] is None and second["fullDocument"] is None


def test_a_required_pre_image_that_is_missing_fails_the_stream(items):
    items.insert_one({"_id": 1})
    with items.watch(full_document_before_change="required", max_await_time_ms=200) as stream:
        items.delete_one({"_id": 1})
        with pytest.raises(OperationFailure) as e:
            stream.next()
    assert e.value.code == 47
    assert e.value.details["codeName"] == "NoMatchingDocument"
    assert "require a pre-image for all update, delete and replace events" in str(e.value)


def test_the_option_is_listed_while_enabled(imaged):
    def listed():
        return next(imaged.database.list_collections(filter={"name": "imaged"}))["options"]

    assert listed()["changeStreamPreAndPostImages"] == {"enabled": True}
    imaged.database.command("collMod", "imaged", changeStreamPreAndPostImages={"enabled": False})
    assert "changeStreamPreAndPostImages" not in listed()


@pytest.mark.parametrize("value,code", [({}, 40414), ({"enabled": True, "x": 1}, 40415), ({"enabled": 1}, 14),
                                        (True, 14)])
def test_a_malformed_option_is_refused(items, value, code):
    with pytest.raises(OperationFailure) as e:
        items.database.command("collMod", "items", changeStreamPreAndPostImages=value)
    assert e.value.code == code


def test_an_unknown_image_mode_is_refused(items):
    with pytest.raises(OperationFailure) as e:
        items.watch(full_document_before_change="sometimes")
    assert e.value.code == 2


def test_expanded_events_report_catalog_changes(db):
    with db.watch(show_expanded_events=True, max_await_time_ms=200) as stream:
        db.create_collection("made")
        db.made.create_index("k", name="k_1")
        db.command("collMod", "made", validator={"k": {"$exists": True}})
        db.made.drop_index("k_1")
        db.create_collection("seen", viewOn="made", pipeline=[])
        events = [stream.next() for _ in range(5)]
    assert [e["operationType"] for e in events] == ["create", "createIndexes", "modify", "dropIndexes", "create"]
    uuid = next(db.list_collections(filter={"name": "made"}))["info"]["uuid"]
    assert all(e["collectionUUID"] == uuid for e in events[:4]) and "collectionUUID" not in events[4]
    assert events[0]["operationDescription"]["idIndex"]["key"] == {"_id": 1}
    assert events[1]["operationDescription"] == {"indexes": [{"v": 2, "key": {"k": 1}, "name": "k_1"}]}
    assert events[2]["operationDescription"] == {"validator": {"k": {"$exists": True}}}
    assert events[2]["stateBeforeChange"]["collectionOptions"]["uuid"] == uuid
    assert events[3]["operationDescription"]["indexes"][0]["name"] == "k_1"
    assert events[4]["operationDescription"] == {"viewOn": "made", "pipeline": []}


def test_catalog_changes_stay_hidden_without_expanded_events(items):
    with items.watch(max_await_time_ms=200) as stream:
        items.create_index("k")
        items.insert_one({"_id": 1})
        event = stream.next()
    assert event["operationType"] == "insert" and "collectionUUID" not in event


def test_rename_reports_the_new_name_and_invalidates_the_collection_stream(items):
    items.database.create_collection("target")
    with items.watch(show_expanded_events=True, max_await_time_ms=200) as stream:
        items.rename("target", dropTarget=True)
        rename, invalidate = stream.next(), stream.next()
        assert not stream.alive
    to = {"db": items.database.name, "coll": "target"}
    assert (rename["operationType"], rename["ns"]["coll"], rename["to"]) == ("rename", "items", to)
    assert rename["operationDescription"]["to"] == to and "dropTarget" in rename["operationDescription"]
    assert invalidate["operationType"] == "invalidate"


def _next_update_description(coll, update, **watch):
    with coll.watch(max_await_time_ms=200, **watch) as stream:
        coll.update_one({"_id": 1}, update)
        return stream.next()["updateDescription"]


def test_an_operator_update_is_described_by_the_paths_it_named(items):
    items.insert_one({"_id": 1, "arr": [1, 2, 3], "o": {"x": 1, "y": 1}})
    assert _next_update_description(items, {"$set": {"arr": [1]}})["updatedFields"] == {"arr": [1]}
    assert _next_update_description(items, {"$set": {"o": {"x": 1, "y": 2}}})["updatedFields"] == {
        "o": {"x": 1, "y": 2}}
    assert _next_update_description(items, {"$set": {"o.y": 3}})["updatedFields"] == {"o.y": 3}
    assert _next_update_description(items, {"$push": {"arr": 4}})["updatedFields"] == {"arr.1": 4}
    assert _next_update_description(items, {"$push": {"arr": {"$each": [0], "$position": 0}}})[
        "updatedFields"] == {"arr": [0, 1, 4]}


def test_a_pipeline_update_reports_a_shortened_array_as_truncated(items):
    items.insert_one({"_id": 1, "a": 1, "array": ["foo", {"a": "bar"}, 1, 2, 3]})
    desc = _next_update_description(items, [{"$set": {"array": ["foo", {"a": "bar"}]}}])
    assert desc["updatedFields"] == {} and desc["truncatedArrays"] == [{"field": "array", "newSize": 2}]


def test_ambiguous_paths_are_spelled_out_for_expanded_streams(items):
    items.insert_one({"_id": 1, "a": [{"1": 1}]})
    desc = _next_update_description(items, {"$set": {"a.0.1": 2}}, show_expanded_events=True)
    assert desc["updatedFields"] == {"a.0.1": 2}
    assert desc["disambiguatedPaths"] == {"a.0.1": ["a", 0, "1"]}
    assert "disambiguatedPaths" not in _next_update_description(items, {"$set": {"a.0.1": 3}})


def test_a_view_takes_no_pre_and_post_images(db):
    db.create_collection("base")
    with pytest.raises(OperationFailure) as e:
        db.create_collection("v", viewOn="base", changeStreamPreAndPostImages={"enabled": True})
    assert (e.value.code, str(e.value).split(",")[0]) == (72, "option not supported on a view: "
                                                              "changeStreamPreAndPostImages")
    db.create_collection("v", viewOn="base")
    with pytest.raises(OperationFailure) as e:
        db.command("collMod", "v", changeStreamPreAndPostImages={"enabled": True})
    assert e.value.code == 72
