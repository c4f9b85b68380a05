"""Errors pymongo users see: MongoDB's codes, code names and messages."""
from __future__ import annotations

import pytest
from pymongo.errors import OperationFailure, WriteError

CASES = [
    ({"$foo": 1}, 2, "unknown top level operator: $foo"),
    ({"a": {"$foo": 1}}, 2, "unknown operator: $foo"),
    ({"$and": []}, 2, "$and must be a nonempty array"),
    ({"a": {"$in": 1}}, 2, "$in needs an array"),
    ({"a": {"$size": -1}}, 2, None),
    ({"a": {"$type": "nosuch"}}, 2, "Unknown type name alias: nosuch"),
    ({"a": {"$mod": [0, 1]}}, 2, "divisor cannot be 0"),
    ({"a": {"$regex": "("}}, 51091, None),
    ({"a": {"$where": "x"}}, 2, None),
]


@pytest.mark.parametrize("flt,code,msg", CASES, ids=[repr(c[0]) for c in CASES])
def test_bad_filters_fail_with_mongodb_codes(coll, flt, code, msg):
    coll.insert_one({"a": 1})
    with pytest.raises(OperationFailure) as e:
        list(coll.find(flt))
    assert e.value.code == code
    if msg:
        assert msg in str(e.value)


@pytest.mark.parametrize("update,code", [
    ({"$set": {"a": 1}, "$inc": {"a": 1}}, 40),
    ({"$set": {"a.b": 1}, "$unset": {"a": 1}}, 40),
    ({"$foo": {"a": 1}}, 9),
    ({"$inc": {"a": "x"}}, 14),
    ({"$set": {"_id": 2}}, 66),
    ({"$push": {"s": 1}}, 2),
    ({"$inc": {"s": 1}}, 14),
    ({"$set": {"s.x": 1}}, 28),
    ({"$set": {"": 1}}, 56),
])
def test_bad_updates_fail_with_mongodb_codes(coll, update, code):
    coll.insert_one({"_id": 1, "s": "str"})
    with pytest.raises(WriteError) as e:
        coll.update_one({"_id": 1}, update)
    assert e.value.code == code
    assert coll.find_one({"_id": 1}) == {"_id": 1, "s": "str"}


def test_replacement_changing_id_is_immutable_field(coll):
    coll.insert_one({"_id": 1})
    with pytest.raises(WriteError) as e:
        coll.replace_one({"_id": 1}, {"_id": 2})
    assert e.value.code == 66 and "immutable" in str(e.value)


def test_unknown_command_is_command_not_found(db):
    with pytest.raises(OperationFailure) as e:
        db.command("noSuchThing")
    assert e.value.code == 59
    assert e.value.details["codeName"] == "CommandNotFound"
    assert "no such command: 'noSuchThing'" in e.value.details["errmsg"]


def test_create_existing_collection_is_namespace_exists(db):
    db.command("create", "c")
    with pytest.raises(OperationFailure) as e:
        db.command("create", "c")
    assert e.value.code == 48


def test_list_indexes_of_missing_collection_is_namespace_not_found(db):
    with pytest.raises(OperationFailure) as e:
        db.command("listIndexes", "missing")
    assert e.value.code == 26


def test_unknown_pipeline_stage(coll):
    coll.insert_one({})
    with pytest.raises(OperationFailure) as e:
        list(coll.aggregate([{"$bogus": {}}]))
    assert e.value.code == 40324


def test_unknown_expression_operator(coll):
    coll.insert_one({})
    with pytest.raises(OperationFailure) as e:
        list(coll.aggregate([{"$project": {"x": {"$bogus": 1}}}]))
    assert e.value.code == 168


def test_group_without_id(coll):
    coll.insert_one({})
    with pytest.raises(OperationFailure) as e:
        list(coll.aggregate([{"$group": {"n": {"$sum": 1}}}]))
    assert e.value.code == 15955


def test_mixed_projection_is_rejected(coll):
    coll.insert_one({"a": 1, "b": 1})
    with pytest.raises(OperationFailure) as e:
        coll.find_one({}, {"a": 1, "b": 0})
    assert e.value.code == 31254


def test_negative_skip_is_rejected(db):
    db.c.insert_one({})
    with pytest.raises(OperationFailure) as e:
        db.command("find", "c", skip=-1)
    assert e.value.code == 51024


def test_get_more_unknown_cursor(db):
    from bson import Int64

    with pytest.raises(OperationFailure) as e:
        db.command("getMore", Int64(12345), collection="c")
    assert e.value.code == 43


def test_max_time_ms_expires_long_queries(coll):
    from pymongo.errors import ExecutionTimeout

    coll.insert_many([{"_id": i, "s": "x" * 50} for i in range(20000)])
    with pytest.raises(ExecutionTimeout) as e:
        list(coll.find({"$expr": {"$eq": [{"$concat": ["$s", "$s", "$s"]}, "nope"]}}).max_time_ms(1))
    assert e.value.code == 50


def test_negative_max_time_ms_is_bad_value(db):
    db.c.insert_one({})
    with pytest.raises(OperationFailure) as e:
        db.command("find", "c", maxTimeMS=-1)
    assert e.value.code == 2


# Server-side JavaScript: dotdo has no JavaScript engine, and answers as a mongod started with
# --noscripting does (codes and texts from mongod's sources and its noscripting jstests).
NO_JAVASCRIPT = "Cannot run server-side javascript without the javascript engine enabled"
FUNCTION = {"$function": {"body": "function(a) { return a }", "args": ["$a"], "lang": "js"}}
ACCUMULATOR = {"$accumulator": {"init": "function() { return 0 }", "accumulate": "function(s) { return s }",
                                "accumulateArgs": [], "merge": "function(a, b) { return a }", "lang": "js"}}


def test_where_is_refused_while_parsing_even_on_an_empty_collection(coll):
    with pytest.raises(OperationFailure) as e:
        list(coll.find({"$where": "this.a == 1"}))
    assert (e.value.code, e.value.details["errmsg"]) == (6108304, "no globalScriptEngine in $where parsing")


@pytest.mark.parametrize("pipeline", [[{"$project": {"x": FUNCTION}}], [{"$group": {"_id": None, "x": ACCUMULATOR}}]],
                         ids=["$function", "$accumulator"])
def test_javascript_expressions_fail_once_a_document_reaches_them(coll, pipeline):
    assert list(coll.aggregate(pipeline)) == []  # parsed; nothing evaluated yet
    coll.insert_one({"a": 1})
    with pytest.raises(OperationFailure) as e:
        list(coll.aggregate(pipeline))
    assert (e.value.code, e.value.details["errmsg"]) == (31264, NO_JAVASCRIPT)
    assert coll.count_documents({}) == 1


def test_map_reduce_needs_the_javascript_engine(coll):
    coll.insert_one({"x": 1})
    with pytest.raises(OperationFailure) as e:
        coll.database.command("mapReduce", coll.name, map="function() { emit(this.x, 1) }",
                              reduce="function(k, v) { return 1 }", out={"inline": 1})
    assert (e.value.code, e.value.details["errmsg"]) == (31264, NO_JAVASCRIPT)
