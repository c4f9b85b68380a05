"""$out and $merge: the pipeline's results written into a collection, in one transaction."""
from __future__ import annotations

from typing import Any

from ..collection import Collection
from ..common.compare import equal
from ..common.paths import MISSING, get_value
from ..errors import MongoError


def _target(spec: Any, db: str, stage: str) -> tuple[str, str]:
    if isinstance(spec, str):
        return db, spec
    if isinstance(spec, dict):
        key = "into" if stage == "$merge" else "coll"
        into = spec.get(key) if stage == "$out" or not isinstance(spec.get("into"), dict) else spec["into"]
        if isinstance(into, dict):
            return into.get("db", db), into.get("coll")
        return spec.get("db", db), into
    raise MongoError(16990, f"{stage} only supports a string or object argument")


def write(engine, db: str, stage: dict, results: list) -> None:
    name, spec = next(iter(stage.items()))
    if name == "$out":
        _out(engine, *_target(spec, db, name), results)
    else:
        _merge(engine, db, spec, results)


def _out(engine, db: str, coll_name: Any, results: list) -> None:
    """Replace the target's documents with the results; the target keeps its indexes."""
    if not isinstance(coll_name, str) or not isinstance(db, str):
        raise MongoError(16990, "$out only supports a string or object argument")
    dbs = engine.database(db, create=True)
    with dbs.shard.write() as tx:
        coll = engine.collection_for_write(tx, dbs, coll_name)
        dbs.docs.drop_collection(tx, coll_name)
        fresh = Collection(dbs, coll_name, coll.uuid, coll.options, coll.index_specs)
        for doc in results:
            fresh.insert(tx, doc)


def _merge(engine, db: str, spec: Any, results: list) -> None:
    if isinstance(spec, str):
        spec = {"into": spec}
    if not isinstance(spec, dict) or "into" not in spec:
        raise MongoError(40414, "BSON field '$merge.into' is missing but a required field")
    for k in spec:
        if k not in ("into", "on", "whenMatched", "whenNotMatched", "let"):
            raise MongoError(40415, f"BSON field '$merge.{k}' is an unknown field.")
    tdb, tname = _target(spec, db, "$merge")
    on = spec.get("on", "_id")
    on_fields = [on] if isinstance(on, str) else list(on)
    matched = spec.get("whenMatched", "merge")
    not_matched = spec.get("whenNotMatched", "insert")
    if isinstance(matched, list):
        raise MongoError(238, "$merge whenMatched pipelines are not supported by dotdo")
    if matched not in ("replace", "keepExisting", "merge", "fail"):
        raise MongoError(2, f"Enumeration value '{matched}' for field '$merge.whenMatched' is not a valid value.")
    if not_matched not in ("insert", "discard", "fail"):
        raise MongoError(2, f"Enumeration value '{not_matched}' for field '$merge.whenNotMatched' is not a valid "
                            "value.")
    dbs = engine.database(tdb, create=True)
    with dbs.shard.write() as tx:
        coll = engine.collection_for_write(tx, dbs, tname)
        if on_fields != ["_id"] and not any(
                ix.unique and sorted(f for f, _ in ix.fields) == sorted(on_fields) for ix in coll.indexes):
            raise MongoError(51183, "Cannot find index to verify that join fields will be unique")
        from ..query import matching

        for doc in results:
            key = {f: get_value(doc, f) for f in on_fields}
            if any(v is MISSING for v in key.values()):
                raise MongoError(51132, "$merge write error: 'on' field cannot be missing, null, undefined or an "
                                        "array")
            existing = next(iter(matching(coll, tx.conn, {f: {"$eq": v} for f, v in key.items()}, limit=1)), None)
            if existing is None:
                if not_matched == "insert":
                    coll.insert(tx, doc)
                elif not_matched == "fail":
                    raise MongoError(13113, "$merge could not find a matching document in the target collection "
                                            "for at least one document in the source collection")
                continue
            if matched == "fail":
                err = coll.dup_error("_id_", {"_id": 1}, {"_id": existing["_id"]})
                raise MongoError(11000, err.errmsg, **err.extra)
            if matched == "keepExisting":
                continue
            if matched == "replace":
                new = {"_id": existing["_id"], **{k: v for k, v in doc.items() if k != "_id"}}
            else:
                new = dict(existing)
                new.update((k, v) for k, v in doc.items() if k != "_id")
            if "_id" in doc and not equal(doc["_id"], existing["_id"]):
                raise MongoError(66, "$merge write error: cannot change _id of a matched document")
            # whenMatched "merge" is mongod's {$set: <the document's fields>}
            coll.replace(tx, existing, new, "replace" if matched == "replace" else "update",
                         named=[(k, False) for k in doc if k != "_id"])
