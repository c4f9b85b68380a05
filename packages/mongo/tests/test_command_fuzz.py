"""Commands with arguments of the wrong shapes get an error reply, never a crash, and never
change stored data."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from dotdo_core.store import Store

from dotdo_mongo.engine import commands  # noqa: F401
from dotdo_mongo.engine.engine import Engine

VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False), st.sampled_from(
        ["a", "$a", "$gt", "$in", "$set", "$inc", "$$ROOT", "", "a.b", "$[x]", "$"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["a", "$gt", "$in", "$set", "$inc", "$each", "b.c",
                                                             "$match", "$group", "_id", "$sum", "$eq", "q", "u"]),
                                            inner, max_size=3)),
    max_leaves=8)

ENGINE = Engine(Store(":memory:"))
ENGINE.run({"insert": "c", "$db": "f", "documents": [{"_id": 1, "a": [1, {"b": 2}], "s": "x"}]})


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["find", "insert", "update", "delete", "aggregate", "count", "distinct", "findAndModify",
                        "createIndexes"]),
       st.dictionaries(st.sampled_from(["filter", "sort", "projection", "documents", "updates", "deletes",
                                        "pipeline", "query", "update", "key", "indexes", "limit", "skip",
                                        "batchSize", "cursor", "hint", "remove", "new", "upsert"]),
                       VALUES, max_size=4))
def test_any_arguments_get_a_reply(name, args):
    body = {name: "scratch", "$db": "f", **args}
    reply = ENGINE.run(body)
    assert reply["ok"] in (0.0, 1.0)
    if reply["ok"] == 0.0:
        assert isinstance(reply["code"], int) and isinstance(reply["errmsg"], str)
    kept = ENGINE.run({"find": "c", "$db": "f", "filter": {}})["cursor"]["firstBatch"]
    assert kept == [{"_id": 1, "a": [1, {"b": 2}], "s": "x"}]
