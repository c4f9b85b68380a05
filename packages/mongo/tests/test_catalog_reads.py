"""Reads remember a collection's catalog row between commits; they must still see every change to it
at once — made through this process, or by another process on the same data directory."""
import subprocess
import sys

from dotdo_mongo import MongoClient


def indexed_find(coll):
    return [d["_id"] for d in coll.find({"k": 1}).hint("k_1")]


def test_an_index_created_here_is_used_by_the_next_read(tmp_path):
    coll = MongoClient(data=str(tmp_path)).db.items
    coll.insert_many([{"_id": i, "k": i % 2} for i in range(4)])
    assert sorted(d["_id"] for d in coll.find({"k": 1})) == [1, 3]  # the catalog row is remembered here
    coll.create_index("k")
    assert indexed_find(coll) == [1, 3]


def test_an_index_created_by_another_process_is_used_by_the_next_read(tmp_path):
    coll = MongoClient(data=str(tmp_path)).db.items
    coll.insert_many([{"_id": i, "k": i % 2} for i in range(4)])
    assert sorted(d["_id"] for d in coll.find({"k": 1})) == [1, 3]
    subprocess.run([sys.executable, "-c", "import sys; from dotdo_mongo import MongoClient; "
                    "MongoClient(data=sys.argv[1]).db.items.create_index('k')", str(tmp_path)], check=True)
    assert indexed_find(coll) == [1, 3]
    subprocess.run([sys.executable, "-c", "import sys; from dotdo_mongo import MongoClient; "
                    "MongoClient(data=sys.argv[1]).db.items.drop()", str(tmp_path)], check=True)
    assert list(coll.find({"k": 1})) == []


# Writes remember the catalog row across their transactions too (while no other connection has
# committed): they must see the same changes.

def _other_process(tmp_path, code: str) -> None:
    subprocess.run([sys.executable, "-c", "import sys; from dotdo_mongo import MongoClient; "
                    "coll = MongoClient(data=sys.argv[1]).db.items; " + code, str(tmp_path)], check=True)


def test_a_unique_index_created_by_another_process_is_enforced_by_the_next_write(tmp_path):
    import pymongo
    import pytest

    coll = MongoClient(data=str(tmp_path)).db.items
    coll.insert_one({"_id": 1, "k": 1})
    coll.update_one({"_id": 1}, {"$set": {"v": 1}})  # the catalog row is remembered by the writer here
    _other_process(tmp_path, "coll.create_index('k', unique=True)")
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        coll.insert_one({"_id": 2, "k": 1})
    coll.insert_one({"_id": 3, "k": 3})
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        coll.update_one({"_id": 3}, {"$set": {"k": 1}})
    assert sorted((d["_id"], d["k"]) for d in coll.find()) == [(1, 1), (3, 3)]


def test_a_collection_dropped_by_another_process_is_created_afresh_by_the_next_write(tmp_path):
    client = MongoClient(data=str(tmp_path))
    coll = client.db.items
    coll.create_index("k")
    coll.insert_one({"_id": 1, "k": 1})
    _other_process(tmp_path, "coll.drop()")
    coll.insert_one({"_id": 2, "k": 2})
    assert [d["_id"] for d in coll.find()] == [2]
    assert [ix["name"] for ix in coll.list_indexes()] == ["_id_"]
    assert "items" in client.db.list_collection_names()


def test_a_unique_index_created_here_is_enforced_by_the_next_write(tmp_path):
    import pymongo
    import pytest

    coll = MongoClient(data=str(tmp_path)).db.items
    coll.insert_one({"_id": 1, "k": 1})
    coll.create_index("k", unique=True)
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        coll.insert_one({"_id": 2, "k": 1})


def test_a_collection_created_in_a_transaction_is_seen_by_the_next_write(tmp_path):
    client = MongoClient(data=str(tmp_path))
    client.db.items.insert_one({"_id": 0})  # the database exists, and its writer remembers rows
    client.db.other.insert_one({"_id": 0})
    client.db.other.drop()
    with client.start_session() as s, s.start_transaction():
        client.db.other.insert_one({"_id": 1}, session=s)
    client.db.other.insert_one({"_id": 2})
    assert [d["_id"] for d in client.db.other.find()] == [1, 2]
