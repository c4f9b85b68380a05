"""Collection validators through pymongo: query-operator and $jsonSchema validators, levels,
actions and bypassDocumentValidation."""
from __future__ import annotations

import pytest
from pymongo.errors import OperationFailure, WriteError

SCHEMA = {"$jsonSchema": {
    "bsonType": "object", "required": ["name", "age"],
    "properties": {"name": {"bsonType": "string", "minLength": 1},
                   "age": {"bsonType": "int", "minimum": 0, "maximum": 150},
                   "tags": {"bsonType": "array", "items": {"bsonType": "string"}, "maxItems": 3},
                   "kind": {"enum": ["a", "b"]}}}}


@pytest.fixture
def people(db):
    db.create_collection("people", validator=SCHEMA)
    return db.people


@pytest.mark.parametrize("doc,ok", [
    ({"name": "ada", "age": 36}, True),
    ({"name": "ada"}, False),
    ({"name": "", "age": 1}, False),
    ({"name": "ada", "age": -1}, False),
    ({"name": "ada", "age": 36.5}, False),
    ({"name": "ada", "age": 3, "tags": ["x", "y"]}, True),
    ({"name": "ada", "age": 3, "tags": ["x", 1]}, False),
    ({"name": "ada", "age": 3, "tags": ["a", "b", "c", "d"]}, False),
    ({"name": "ada", "age": 3, "kind": "b"}, True),
    ({"name": "ada", "age": 3, "kind": "z"}, False),
])
def test_json_schema_validator(people, doc, ok):
    if ok:
        people.insert_one(doc)
        assert people.count_documents({}) == 1
    else:
        with pytest.raises(WriteError) as e:
            people.insert_one(doc)
        assert e.value.code == 121
        assert people.count_documents({}) == 0


def test_update_that_breaks_validation_is_refused(people):
    people.insert_one({"_id": 1, "name": "ada", "age": 36})
    with pytest.raises(WriteError) as e:
        people.update_one({"_id": 1}, {"$unset": {"age": ""}})
    assert e.value.code == 121
    assert people.find_one({"_id": 1})["age"] == 36


def test_query_operator_validator_and_bypass(db):
    db.create_collection("c", validator={"qty": {"$gte": 0}})
    with pytest.raises(WriteError):
        db.c.insert_one({"qty": -1})
    db.c.insert_one({"qty": -1}, bypass_document_validation=True)
    assert db.c.count_documents({}) == 1


def test_warn_action_allows_invalid_documents(db):
    db.create_collection("c", validator={"qty": {"$gte": 0}}, validationAction="warn")
    db.c.insert_one({"qty": -1})
    assert db.c.count_documents({}) == 1


def test_coll_mod_changes_the_validator(db):
    db.create_collection("c")
    db.c.insert_one({"qty": -1})
    db.command("collMod", "c", validator={"qty": {"$gte": 0}}, validationLevel="moderate")
    db.c.update_one({"qty": -1}, {"$set": {"note": 1}})  # moderate: an already-invalid document may change
    with pytest.raises(WriteError):
        db.c.insert_one({"qty": -5})
    opts = db.c.options()
    assert opts["validator"] == {"qty": {"$gte": 0}} and opts["validationLevel"] == "moderate"


def test_json_schema_query_operator(db):
    db.c.insert_many([{"_id": 1, "a": 1}, {"_id": 2, "a": "x"}, {"_id": 3}])
    got = [d["_id"] for d in db.c.find({"$jsonSchema": {"required": ["a"], "properties": {"a": {"bsonType": "int"}}}})]
    assert got == [1]


def test_unknown_schema_keyword_is_rejected(db):
    with pytest.raises(OperationFailure):
        db.create_collection("c", validator={"$jsonSchema": {"bogus": 1}})
