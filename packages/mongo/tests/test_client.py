"""The drop-in entry points return genuine pymongo clients bound to dotdo."""
from __future__ import annotations

import pymongo

from dotdo_mongo import AsyncMongoClient, MongoClient


def test_mongo_client_is_genuine_pymongo(tmp_path):
    c = MongoClient(data=str(tmp_path))
    assert isinstance(c, pymongo.MongoClient)
    c.t.c.insert_one({"_id": 1})
    c.close()
    again = MongoClient(f"dotdo://{tmp_path}")
    assert again.t.c.find_one() == {"_id": 1}
    again.close()


def test_mongodb_url_maps_to_default_data_dir_and_keeps_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DOTDO_DATA", str(tmp_path / "d"))
    c = MongoClient("mongodb://db.example:27017/appdb?appname=x")
    assert c.get_default_database().name == "appdb"
    c.appdb.c.insert_one({"_id": 2})
    assert (tmp_path / "d").is_dir()
    c.close()


def test_data_survives_a_new_client_on_the_same_dir(tmp_path):
    c = MongoClient(data=str(tmp_path))
    c.db.c.create_index("k", unique=True)
    c.db.c.insert_one({"k": 1})
    c.close()
    c = MongoClient(data=str(tmp_path))
    assert [ix["name"] for ix in c.db.c.list_indexes()] == ["_id_", "k_1"]
    c.close()


def test_memory_clients_are_private():
    a, b = MongoClient(data=":memory:"), MongoClient(data=":memory:")
    a.x.c.insert_one({})
    assert b.x.c.count_documents({}) == 0
    a.close()
    b.close()


def test_async_client(tmp_path):
    import asyncio

    async def go():
        c = AsyncMongoClient(data=str(tmp_path))
        await c.a.c.insert_one({"_id": 1})
        doc = await c.a.c.find_one()
        await c.close()
        return doc

    assert asyncio.run(go()) == {"_id": 1}


def test_demo_runs(tmp_path):
    from dotdo_mongo.demo import demo

    pairs = demo(str(tmp_path))
    assert any("DuplicateKeyError" in answer for _, answer in pairs)


def test_ttl_index_expires_old_documents(tmp_path):
    import datetime

    from dotdo_core.store import Store

    from dotdo_mongo.engine import ttl
    from dotdo_mongo.engine.engine import Engine

    c = MongoClient(data=str(tmp_path))
    coll = c.t.sessions
    coll.create_index("at", expireAfterSeconds=60)
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    coll.insert_many([{"_id": "old", "at": now - datetime.timedelta(hours=1)},
                      {"_id": "new", "at": now},
                      {"_id": "arr", "at": [now, now - datetime.timedelta(hours=2)]},
                      {"_id": "nodate", "at": "yesterday"}])
    # one monitor pass (the embedded server runs one every 60 s); a second engine on the same dir sees it all
    assert ttl.purge_expired(Engine(Store.shared(str(tmp_path)))) == 2
    assert sorted(d["_id"] for d in coll.find()) == ["new", "nodate"]
    assert coll.index_information()["at_1"]["expireAfterSeconds"] == 60
    c.close()


def test_atlas_style_uri_keeps_database_and_write_options(tmp_path, monkeypatch):
    monkeypatch.setenv("DOTDO_DATA", str(tmp_path))
    c = MongoClient("mongodb+srv://user:secret@cluster0.example.net/shop?retryWrites=true&w=majority&tls=true"
                    "&authSource=admin&replicaSet=rs0&appName=myapp")
    assert c.get_default_database().name == "shop"
    assert c.write_concern.document == {"w": "majority"}
    c.shop.items.insert_one({"_id": 1})
    assert c.shop.items.find_one() == {"_id": 1}
    c.close()
