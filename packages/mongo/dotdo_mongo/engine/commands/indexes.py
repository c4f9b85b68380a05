"""createIndexes, listIndexes, dropIndexes: index entries are built and checked in one transaction."""
from __future__ import annotations

from typing import Any

from .. import clustered
from ..change_streams import emit_ddl
from ..collection import Collection
from ..engine import Ctx, command
from ..errors import MongoError
from ..indexing import IndexSpec, index_name
from ..text import is_text_key, normalize
from ...storage import decode

SUPPORTED = {"key", "name", "unique", "sparse", "partialFilterExpression", "v", "background", "ns",
             "expireAfterSeconds"}
TEXT_OPTIONS = {"weights", "default_language", "language_override", "textIndexVersion"}


def _validate(spec: Any) -> dict:
    if not isinstance(spec, dict):
        raise MongoError(14, "index specification must be an object")
    key = spec.get("key")
    if not isinstance(key, dict) or not key:
        raise MongoError(67, "Index keys cannot be empty.")
    for field, direction in key.items():
        if not field:
            raise MongoError(67, "Index key contains an illegal field name: field name starts with '$'.")
        if direction == "text":
            continue
        if isinstance(direction, str) or field.endswith("$**"):
            raise MongoError(238, f"{direction if isinstance(direction, str) else 'wildcard'} indexes are not "
                                  "supported by dotdo")
        if isinstance(direction, bool) or not isinstance(direction, (int, float)) or direction == 0:
            raise MongoError(67, f"Values in the index key pattern can't be 0: {field}" if direction == 0 else
                             f"Values in v:2 index key pattern cannot be of type {type(direction).__name__}. Only "
                             "numbers > 0, numbers < 0, and strings are allowed.")
    text = is_text_key(key)
    for opt in spec:
        if opt not in SUPPORTED and not (text and opt in TEXT_OPTIONS):
            if opt in ("collation", "hidden", "weights", "default_language", "2dsphereIndexVersion",
                       "wildcardProjection", "clustered", "storageEngine", "textIndexVersion", "language_override"):
                raise MongoError(238, f"index option '{opt}' is not supported by dotdo")
            raise MongoError(197, f"The field '{opt}' is not valid for an index specification. Specification: "
                                  f"{spec}")
    out = {"v": 2, "key": dict(key), "name": spec.get("name") or index_name(key)}
    if not isinstance(out["name"], str):
        raise MongoError(14, "The field 'name' must be a string")
    if text:
        if spec.get("unique") or "expireAfterSeconds" in spec:
            raise MongoError(67, "text indexes cannot be unique or TTL indexes")
        out.update(normalize(spec))
    if spec.get("unique"):
        out["unique"] = True
    if spec.get("sparse"):
        out["sparse"] = True
    if "expireAfterSeconds" in spec:
        ttl = spec["expireAfterSeconds"]
        if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl < 0 or ttl > 2**31 - 1:
            raise MongoError(67, "TTL index 'expireAfterSeconds' option must be within an acceptable range, try "
                                 "a lower number")
        if len(key) != 1:
            raise MongoError(67, "TTL indexes are single-field indexes, compound indexes do not support TTL.")
        if next(iter(key)) == "_id":
            raise MongoError(67, "The field 'expireAfterSeconds' is not valid for an _id index specification.")
        out["expireAfterSeconds"] = int(ttl)
    if spec.get("partialFilterExpression") is not None:
        if not isinstance(spec["partialFilterExpression"], dict):
            raise MongoError(14, "The field 'partialFilterExpression' must be an object")
        out["partialFilterExpression"] = spec["partialFilterExpression"]
    return out


def _public(spec: dict) -> dict:
    return {k: v for k, v in spec.items() if not k.startswith("_")}


def _same(a: dict, b: dict) -> bool:
    return _public(a) == _public(b)


@command("createIndexes")
def create_indexes(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    specs = ctx.body.get("indexes")
    if not isinstance(specs, list) or not specs:
        raise MongoError(2, "Must specify at least one index to create")
    if ctx.body.get("commitQuorum") not in (None, "votingMembers", 1, "majority"):
        raise MongoError(238, "commitQuorum is not supported by dotdo")
    wanted = [_validate(s) for s in specs]
    dbs = ctx.engine.database(ctx.db, create=True)
    with dbs.shard.write() as tx:
        created_coll = dbs.collection_row(tx.conn, name) is None
        coll = ctx.engine.collection_for_write(tx, dbs, name)
        before = len(coll.index_specs)
        existing = list(coll.index_specs)
        added = []
        for spec in wanted:
            if spec["key"] == {"_id": 1} and clustered.is_clustered(coll.options):
                raise MongoError(67, "cannot create the _id index on a clustered collection")
            same_name = next((e for e in existing if e["name"] == spec["name"]), None)
            same_key = next((e for e in existing if dict(e["key"]) == spec["key"] and e["name"] != spec["name"]
                             and _same({**e, "name": ""}, {**spec, "name": ""})), None)
            if same_name is not None:
                if _same(same_name, spec):
                    continue
                if dict(same_name["key"]) != spec["key"]:
                    raise MongoError(86, f"An existing index has the same name as the requested index. When index "
                                         f"names are not specified, they are auto generated and can cause conflicts. "
                                         f"Please refer to our documentation. Requested index: {spec}, existing "
                                         f"index: {_public(same_name)}")
                raise MongoError(85, f"An equivalent index already exists with the same name but different options. "
                                     f"Requested index: {spec}, existing index: {_public(same_name)}")
            if same_key is not None:
                raise MongoError(85, f"Index already exists with a different name: {same_key['name']}")
            other_text = next((e for e in existing if "_fts" in e["key"]), None)
            if "_fts" in spec["key"] and other_text is not None:
                raise MongoError(85, f"An equivalent index already exists with a different name and options. "
                                     f"Requested index: {spec}, existing index: {_public(other_text)}")
            if spec["name"] == "_id_" or spec["key"] == {"_id": 1}:
                continue
            existing.append(spec)
            added.append(spec)
        if added:
            coll = Collection(dbs, name, coll.uuid, coll.options, existing)
            for spec in added:
                if "_fts" in spec["key"]:
                    _build_text(tx, coll)
                    continue
                _build(tx, coll, next(ix for ix in coll.indexes if ix.name == spec["name"]))
            dbs.put_collection(tx, name, coll.uuid, coll.options, coll.index_specs)
            for spec in added:  # mongod logs one oplog entry, so one change event, per index
                emit_ddl(tx, name, "createIndexes", coll.uuid, {"indexes": [_public(spec)]})
    out = {"numIndexesBefore": before, "numIndexesAfter": before + len(added),
           "createdCollectionAutomatically": created_coll}
    if not added:
        out["note"] = "all indexes already exist"
    return out


def _build(tx, coll: Collection, ix: IndexSpec) -> None:
    for id_key, body in list(coll.docs.scan(tx.conn, coll.name)):
        doc = decode(body)
        coll._add_keys(tx, ix, doc, id_key, ix.keys(doc))


def _build_text(tx, coll: Collection) -> None:
    for id_key, body in list(coll.docs.scan(tx.conn, coll.name)):
        coll.text.add(tx, coll.name, id_key, decode(body))


@command("listIndexes")
def list_indexes(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    coll = ctx.engine.collection(ctx.db, name)
    if coll is None:
        raise MongoError(26, f"ns does not exist: {ctx.db}.{name}")
    if coll.view_on is not None:
        raise MongoError(166, f"Namespace {ctx.db}.{name} is a view, not a collection")
    size = (ctx.body.get("cursor") or {}).get("batchSize")
    shown = [_public(clustered.present_index(s, coll.options)) for s in coll.index_specs]
    return ctx.engine.cursors.first_batch(f"{ctx.db}.{name}", iter(shown),
                                          size if size is not None else 10**9)


@command("dropIndexes", "deleteIndexes")
def drop_indexes(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    which = ctx.body.get("index")
    dbs = ctx.engine.database(ctx.db)
    if dbs is None:
        raise MongoError(26, f"ns not found {ctx.db}.{name}")
    with dbs.shard.write() as tx:
        coll = ctx.engine.collection(ctx.db, name, tx.conn)
        if coll is None:
            raise MongoError(26, f"ns not found {ctx.db}.{name}")
        if coll.view_on is not None:
            raise MongoError(166, f"Namespace {ctx.db}.{name} is a view, not a collection")
        specs = list(coll.index_specs)
        before = len(specs)
        if which == "*":
            drop = [s for s in specs if s["name"] != "_id_"]
        else:
            names = which if isinstance(which, list) else [which]
            drop = []
            for w in names:
                if clustered.names_clustered_index(w, coll.options):
                    raise MongoError(5979800, "It is illegal to drop the clusteredIndex")
                if isinstance(w, dict):
                    match = [s for s in specs if dict(s["key"]) == dict(w)]
                    if not match:
                        raise MongoError(27, f"can't find index with key: {w}")
                elif isinstance(w, str):
                    match = [s for s in specs if s["name"] == w]
                    if not match:
                        raise MongoError(27, f"index not found with name [{w}]")
                else:
                    raise MongoError(14, "dropIndexes 'index' must be a string, object or array of strings")
                if match[0]["name"] == "_id_":
                    raise MongoError(72, "cannot drop _id index")
                drop.extend(match)
        for s in drop:
            if "_fts" in s["key"]:
                dbs.drop_text_rows(tx, name)
            coll.docs.drop_index(tx, name, s["name"])
        keep = [s for s in specs if all(s["name"] != d["name"] for d in drop)]
        dbs.put_collection(tx, name, coll.uuid, coll.options, keep)
        for s in drop:
            emit_ddl(tx, name, "dropIndexes", coll.uuid, {"indexes": [_public(s)]})
    return {"nIndexesWas": before}

