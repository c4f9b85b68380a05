"""An update's change event describes it as mongod's oplog entry would: (old, new, named paths) → updateDescription."""
import pytest
from bson.int64 import Int64

from dotdo_mongo.engine.update_description import describe

CASES = [
    # top-level fields, the commonest shape
    ({"_id": 1, "v": 1}, {"_id": 1, "v": 2}, [("v", False)],
     {"updatedFields": {"v": 2}, "removedFields": [], "truncatedArrays": []}),
    ({"_id": 1}, {"_id": 1, "v": 1}, [("v", False)],
     {"updatedFields": {"v": 1}, "removedFields": [], "truncatedArrays": []}),
    ({"_id": 1, "v": 1, "w": 2}, {"_id": 1, "w": 2}, [("v", False)],
     {"updatedFields": {}, "removedFields": ["v"], "truncatedArrays": []}),
    ({"_id": 1, "v": 1}, {"_id": 1, "v": Int64(1)}, [("v", False)],  # same number, another BSON type: changed
     {"updatedFields": {"v": Int64(1)}, "removedFields": [], "truncatedArrays": []}),
    ({"_id": 1, "v": 1}, {"_id": 1, "v": 1}, [("v", False)],
     {"updatedFields": {}, "removedFields": [], "truncatedArrays": []}),
    ({"_id": 1, "s": {"a": 1, "b": 2}}, {"_id": 1, "s": {"a": 1, "b": 3}}, [("s", False)],  # named whole: reported whole
     {"updatedFields": {"s": {"a": 1, "b": 3}}, "removedFields": [], "truncatedArrays": []}),
    ({"_id": 1, "a": 1, "b": 1}, {"_id": 1, "a": 2, "b": 2}, [("b", False), ("a", False)],  # in the document's order
     {"updatedFields": {"a": 2, "b": 2}, "removedFields": [], "truncatedArrays": []}),
    ({"_id": 1}, {"_id": 1, "1": "x"}, [("1", False)],  # a numeric field name is ambiguous once dotted
     {"updatedFields": {"1": "x"}, "removedFields": [], "truncatedArrays": [], "disambiguatedPaths": {"1": ["1"]}}),
    # dotted paths are described below the named field
    ({"_id": 1, "s": {"a": 1, "b": 2}}, {"_id": 1, "s": {"a": 1, "b": 3}}, [("s.b", False)],
     {"updatedFields": {"s.b": 3}, "removedFields": [], "truncatedArrays": []}),
    # an append is described by its new elements
    ({"_id": 1, "l": [1, 2]}, {"_id": 1, "l": [1, 2, 3]}, [("l", True)],
     {"updatedFields": {"l.2": 3}, "removedFields": [], "truncatedArrays": []}),
]


@pytest.mark.parametrize("old,new,named,expected", CASES)
def test_an_operator_update_is_described_by_the_fields_it_changed(old, new, named, expected):
    got = describe(old, new, named)
    assert got == expected
    assert list(got["updatedFields"]) == list(expected["updatedFields"])
