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
