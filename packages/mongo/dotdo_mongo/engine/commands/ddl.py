"""Collections: create, drop, list, rename."""
from __future__ import annotations

import uuid as uuidlib

from bson import Binary

from ..common.filter import compile_filter
from ..engine import Ctx, check_collection_name, command
from ..errors import MongoError

CREATE_OPTIONS = {"create", "$db", "lsid", "$readPreference", "writeConcern", "comment", "$clusterTime",
                  "apiVersion", "apiStrict", "apiDeprecationErrors"}
UNSUPPORTED_CREATE = {"capped", "size", "max", "validator", "validationLevel", "validationAction", "viewOn",
                      "pipeline", "timeseries", "clusteredIndex", "changeStreamPreAndPostImages",
                      "encryptedFields", "expireAfterSeconds", "collation", "storageEngine", "indexOptionDefaults"}


@command("create")
def create(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    for opt in ctx.body:
        if opt in UNSUPPORTED_CREATE:
            if opt == "capped" and not ctx.body[opt]:
                continue
            raise MongoError(238, f"create option '{opt}' is not supported by dotdo")
        if opt not in CREATE_OPTIONS:
            raise MongoError(40415, f"BSON field 'create.{opt}' is an unknown field.")
    dbs = ctx.engine.database(ctx.db, create=True)
    with dbs.shard.write() as tx:
        if dbs.collection_row(tx.conn, name) is not None:
            raise MongoError(48, f"Collection {ctx.db}.{name} already exists.")
        dbs.put_collection(tx, name, uuidlib.uuid4().bytes, {}, [{"v": 2, "key": {"_id": 1}, "name": "_id_"}])
    return {}


@command("drop")
def drop(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    dbs = ctx.engine.database(ctx.db)
    if dbs is None:
        return {}  # since MongoDB 7.0 dropping a missing collection succeeds
    with dbs.shard.write() as tx:
        row = dbs.collection_row(tx.conn, name)
        if row is None:
            return {}
        dbs.delete_collection(tx, name)
    return {"nIndexesWas": len(row[2]), "ns": f"{ctx.db}.{name}"}


@command("listCollections")
def list_collections(ctx: Ctx) -> dict:
    dbs = ctx.engine.database(ctx.db)
    ns = f"{ctx.db}.$cmd.listCollections"
    flt = compile_filter(ctx.body.get("filter"))
    out = []
    if dbs is not None:
        with dbs.shard.reader() as conn:
            rows = list(dbs.collection_rows(conn))
        for name, uuid, options, _ in rows:
            entry = {"name": name, "type": "collection", "options": options,
                     "info": {"readOnly": False, "uuid": Binary(uuid, 4)},
                     "idIndex": {"v": 2, "key": {"_id": 1}, "name": "_id_"}}
            if flt(entry):
                out.append({"name": name, "type": "collection"} if ctx.body.get("nameOnly") else entry)
    batch = (ctx.body.get("cursor") or {}).get("batchSize")
    return ctx.engine.cursors.first_batch(ns, iter(out), batch if batch is not None else 10**9, owner=ctx.connection)


@command("renameCollection")
def rename_collection(ctx: Ctx) -> dict:
    if ctx.db != "admin":
        raise MongoError(13, "renameCollection may only be run against the admin database.")
    src, dst = ctx.arg, ctx.body.get("to")
    if not isinstance(src, str) or not isinstance(dst, str) or "." not in src or "." not in dst:
        raise MongoError(73, f"Invalid target namespace: {dst}")
    sdb, sname = src.split(".", 1)
    ddb, dname = dst.split(".", 1)
    check_collection_name(dname)
    if sdb != ddb:
        raise MongoError(238, "renameCollection across databases is not supported by dotdo")
    dbs = ctx.engine.database(sdb)
    if dbs is None:
        raise MongoError(26, "Source collection " + src + " does not exist")
    with dbs.shard.write() as tx:
        row = dbs.collection_row(tx.conn, sname)
        if row is None:
            raise MongoError(26, f"Source collection {src} does not exist")
        if src == dst:
            raise MongoError(20, "Can't rename a collection to itself")
        if dbs.collection_row(tx.conn, dname) is not None:
            if not ctx.body.get("dropTarget"):
                raise MongoError(48, "target namespace exists")
            dbs.delete_collection(tx, dname)
        dbs.put_collection(tx, dname, row[0], row[1], row[2])
        tx.execute("DELETE FROM _mongo_collections WHERE name = ?", (sname,))
        dbs.rename_collection_rows(tx, sname, dname)
    return {}
