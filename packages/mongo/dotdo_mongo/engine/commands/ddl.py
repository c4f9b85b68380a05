"""Collections: create, drop, list, rename."""
from __future__ import annotations

import uuid as uuidlib

from bson import Binary

from .. import capped, clustered
from ..change_streams import IMAGE_OPTION, emit_create, emit_ddl, image_option
from ..validation import check_options
from ..common.filter import compile_filter
from ..engine import Ctx, check_collection_name, command
from ..errors import MongoError

CREATE_OPTIONS = {"create", "$db", "lsid", "$readPreference", "writeConcern", "comment", "$clusterTime",
                  "apiVersion", "apiStrict", "apiDeprecationErrors", "txnNumber", "autocommit", "startTransaction",
                  "readConcern"}
VIEW_OPTIONS = {"viewOn", "pipeline"}
VALIDATION_OPTIONS = {"validator", "validationLevel", "validationAction"}
CAPPED_OPTIONS = {"capped", "size", "max"}
CLUSTERED_OPTIONS = {"clusteredIndex", "expireAfterSeconds"}
KNOWN_CREATE = CREATE_OPTIONS | VIEW_OPTIONS | VALIDATION_OPTIONS | CAPPED_OPTIONS | CLUSTERED_OPTIONS | {IMAGE_OPTION}
UNSUPPORTED_CREATE = {"timeseries", "encryptedFields", "collation", "storageEngine", "indexOptionDefaults"}


@command("create")
def create(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    for opt in ctx.body:
        if opt in UNSUPPORTED_CREATE:
            raise MongoError(238, f"create option '{opt}' is not supported by dotdo")
        if opt not in KNOWN_CREATE:
            raise MongoError(40415, f"BSON field 'create.{opt}' is an unknown field.")
    cluster = clustered.parse_create(ctx.body)
    options: dict = {}
    images = image_option("create", ctx.body[IMAGE_OPTION]) if IMAGE_OPTION in ctx.body else None
    if "viewOn" in ctx.body:
        view_on, pipeline = ctx.body["viewOn"], ctx.body.get("pipeline", [])
        if not isinstance(view_on, str) or not view_on:
            raise MongoError(14, "BSON field 'create.viewOn' is the wrong type, expected type 'string'")
        if not isinstance(pipeline, list):
            raise MongoError(14, "BSON field 'create.pipeline' is the wrong type, expected type 'array'")
        from ..stages import compile_pipeline

        compile_pipeline(pipeline, None)  # a bad pipeline fails at create, as in MongoDB
        if images:
            raise MongoError(72, f"option not supported on a view: {IMAGE_OPTION}")
        options = {"viewOn": view_on, "pipeline": pipeline}
    elif "pipeline" in ctx.body:
        raise MongoError(9, "'pipeline' requires 'viewOn' to also be specified")
    else:
        options = {k: ctx.body[k] for k in ("validator", "validationLevel", "validationAction") if k in ctx.body}
        check_options(options)
        if ctx.body.get("capped"):
            options.update(capped.check_options(ctx.body))
        elif "size" in ctx.body or "max" in ctx.body:
            raise MongoError(72, "the 'size' and 'max' fields are only allowed when 'capped' is true")
        if images:
            options[IMAGE_OPTION] = images
        options.update(cluster)
    dbs = ctx.engine.database(ctx.db, create=True)
    with dbs.shard.write() as tx:
        if dbs.collection_row(tx.conn, name) is not None:
            raise MongoError(48, f"Collection {ctx.db}.{name} already exists.")
        indexes = [] if "viewOn" in options else [{"v": 2, "key": {"_id": 1}, "name": "_id_"}]
        uuid = uuidlib.uuid4().bytes
        dbs.put_collection(tx, name, uuid, options, indexes)
        emit_create(tx, name, uuid, options, indexes)
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
        emit_ddl(tx, name, "drop", None if "viewOn" in row[1] else row[0])
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
            if "viewOn" in options:
                entry = {"name": name, "type": "view", "options": options, "info": {"readOnly": True}}
            else:
                entry = {"name": name, "type": "collection", "options": options,
                         "info": {"readOnly": False, "uuid": Binary(uuid, 4)}}
                if not clustered.is_clustered(options):  # a clustered collection has no separate _id index
                    entry["idIndex"] = {"v": 2, "key": {"_id": 1}, "name": "_id_"}
            if flt(entry):
                out.append({"name": name, "type": entry["type"]} if ctx.body.get("nameOnly") else entry)
    batch = (ctx.body.get("cursor") or {}).get("batchSize")
    return ctx.engine.cursors.first_batch(ns, iter(out), batch if batch is not None else 10**9)


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
        description: dict = {"to": {"db": ddb, "coll": dname}}
        target = dbs.collection_row(tx.conn, dname)
        if target is not None:
            if not ctx.body.get("dropTarget"):
                raise MongoError(48, "target namespace exists")
            dbs.delete_collection(tx, dname)
            description["dropTarget"] = Binary(target[0], 4)
        dbs.put_collection(tx, dname, row[0], row[1], row[2])
        dbs.catalog_written(tx)
        tx.execute("DELETE FROM _mongo_collections WHERE name = ?", (sname,))
        dbs.rename_collection_rows(tx, sname, dname)
        emit_ddl(tx, sname, "rename", row[0], description, to=dname)
    return {}


@command("collMod")
def coll_mod(ctx: Ctx) -> dict:
    """Changing a collection's validation settings and changeStreamPreAndPostImages (the other
    collMod options answer 238)."""
    name = ctx.collection_name()
    changes = {k: v for k, v in ctx.body.items() if k not in ("collMod",) and k not in CREATE_OPTIONS}
    asked = dict(changes)  # the modify event's operationDescription, as mongod logs the command
    for k in changes:
        if k not in VALIDATION_OPTIONS and k != IMAGE_OPTION:
            raise MongoError(238, f"collMod option '{k}' is not supported by dotdo")
    if IMAGE_OPTION in changes:
        changes[IMAGE_OPTION] = image_option("collMod", changes[IMAGE_OPTION])
    dbs = ctx.engine.database(ctx.db)
    if dbs is None:
        raise MongoError(26, f"ns does not exist: {ctx.db}.{name}")
    with dbs.shard.write() as tx:
        row = dbs.collection_row(tx.conn, name)
        if row is None:
            raise MongoError(26, f"ns does not exist: {ctx.db}.{name}")
        uuid, options, indexes = row
        view = "viewOn" in options
        if view and changes:
            raise MongoError(72, f"option not supported on a view: {next(iter(changes))}")
        state = {"collectionOptions": options if view else {"uuid": Binary(uuid, 4), **options}}
        options = {**options, **changes}
        if options.get("validator") == {}:
            options.pop("validator")
        if IMAGE_OPTION in options and options[IMAGE_OPTION] is None:
            options.pop(IMAGE_OPTION)
        check_options(options)
        dbs.put_collection(tx, name, uuid, options, indexes)
        emit_ddl(tx, name, "modify", None if view else uuid, asked, state)
    return {}
