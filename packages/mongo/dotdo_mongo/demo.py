"""`dotdo demo mongo`: a few calls through the genuine pymongo and what they answered."""
from __future__ import annotations


def demo(data_dir: str) -> list[tuple[str, str]]:
    from . import MongoClient

    client = MongoClient(data=data_dir)
    try:
        db = client["demo"]
        db.drop_collection("people")
        people = db["people"]
        out: list[tuple[str, str]] = []
        r = people.insert_many([{"name": "ada", "age": 36}, {"name": "alan", "age": 41}, {"name": "grace", "age": 45}])
        out.append(("people.insert_many([...3 docs])", f"{len(r.inserted_ids)} inserted"))
        out.append(("people.create_index('name', unique=True)", people.create_index("name", unique=True)))
        doc = people.find_one({"age": {"$gt": 40}}, {"_id": 0}, sort=[("age", 1)])
        out.append(("people.find_one({'age': {'$gt': 40}}, sort=age)", repr(doc)))
        r = people.update_one({"name": "ada"}, {"$inc": {"age": 1}})
        out.append(("people.update_one({'name': 'ada'}, {'$inc': {'age': 1}})", f"modified {r.modified_count}"))
        agg = list(people.aggregate([{"$group": {"_id": None, "avg": {"$avg": "$age"}}}]))
        out.append(("people.aggregate([{'$group': avg age}])", repr(agg[0]["avg"])))
        try:
            people.insert_one({"name": "ada"})
        except Exception as e:  # pymongo's DuplicateKeyError
            out.append(("people.insert_one({'name': 'ada'})", f"{type(e).__name__}: {e.details['errmsg']}"))
        return out
    finally:
        client.close()
