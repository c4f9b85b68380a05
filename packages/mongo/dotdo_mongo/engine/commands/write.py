"""insert, update, delete and findAndModify: each batch commits once, before the reply."""
from __future__ import annotations

import contextlib
from typing import Any

from ..collection import Collection, with_id
from ..common.projection import Projection
from ..common.update import (Updater, apply_replacement, is_operator_update, positional_finder, upsert_seed)
from ..engine import Ctx, command
from ..errors import MongoError
from ..common.collation import ACTIVE
from ..query import by_id, id_seekable, matching

WRITE_OPTIONS = {"ordered", "writeConcern", "bypassDocumentValidation", "comment", "let", "lsid", "$db",
                 "txnNumber", "autocommit", "startTransaction", "readConcern",
                 "$readPreference", "$clusterTime", "maxTimeMS", "apiVersion", "apiStrict", "apiDeprecationErrors"}


def _check_fields(ctx: Ctx, allowed: set[str]) -> None:
    for k in ctx.body:
        if k != ctx.name and k not in allowed and k not in WRITE_OPTIONS:
            raise MongoError(40415, f"BSON field '{ctx.name}.{k}' is an unknown field.")


def _collation(spec: Any):
    """The statement's collation, active while the statement runs (nothing to set up when it has
    none and none is active: the common case, on every statement's path)."""
    if spec is None and ACTIVE.get() is None:
        return contextlib.nullcontext()
    from ..common.collation import use

    return use(spec)


@command("insert")
def insert(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    _check_fields(ctx, {"documents"})
    docs = ctx.body.get("documents")
    if not isinstance(docs, list):
        raise MongoError(14, "BSON field 'insert.documents' is missing or is not an array")
    if not docs:
        raise MongoError(2, "Write batch sizes must be between 1 and 100000. Got 0 operations.")
    for i, doc in enumerate(docs):
        if not isinstance(doc, dict):
            raise MongoError(14, f"BSON field 'insert.documents.{i}' is the wrong type, expected type 'object'")
    ordered = ctx.body.get("ordered", True)
    dbs = ctx.engine.database(ctx.db, create=True)
    errors: list[dict] = []
    n = 0
    if len(docs) == 1:
        try:
            # Joined to a retryable write's transaction, or a transaction of its own. A failure rolls
            # back whatever the insert wrote: a savepoint, unless it cannot have written anything yet.
            with dbs.shard.write(join=True) as tx:
                coll = ctx.engine.collection(ctx.db, name, tx.conn)
                if coll is not None and coll.view_on is None and coll.fails_before_writing:
                    coll.insert(tx, docs[0])
                else:
                    with dbs.shard.write():
                        ctx.engine.collection_for_write(tx, dbs, name).insert(tx, docs[0])
            n = 1
        except MongoError as e:
            errors.append(e.write_error(0))
        return _write_reply(n, errors)
    with dbs.shard.write(join=True) as tx:
        coll = ctx.engine.collection_for_write(tx, dbs, name)
        for i, doc in enumerate(docs):
            try:
                with dbs.shard.write():
                    coll.insert(tx, doc)
                n += 1
            except MongoError as e:
                errors.append(e.write_error(i))
                if ordered:
                    break
    return _write_reply(n, errors)


def _write_reply(n: int, errors: list[dict], **extra: Any) -> dict:
    out: dict = {"n": n, **extra}
    if errors:
        out["writeErrors"] = errors
    return out


def _pipeline_update(pipeline: list, variables: dict | None):
    from ..stages import Env, compile_pipeline

    run = compile_pipeline(pipeline, Env(variables=dict(variables or {})), for_update=True)

    def apply(doc: dict, *, inserting: bool = False, position=None) -> dict:
        out = list(run(iter([doc])))
        new = out[0]
        if "_id" in doc and new.get("_id", doc["_id"]) != doc["_id"]:
            raise MongoError(66, "Performing an update on the path '_id' would modify the immutable field '_id'")
        if "_id" in doc and "_id" not in new:
            new = {"_id": doc["_id"], **new}
        return new

    return apply


def updater_for(u: Any, array_filters: Any, variables: dict | None = None):
    """(apply(doc, inserting=, position=), is_replacement, named paths) for an update document or
    pipeline: the paths an operator update names describe its change events (None otherwise)."""
    if isinstance(u, list):
        if array_filters:
            raise MongoError(72, "arrayFilters may not be specified for pipeline-style updates")
        return _pipeline_update(u, variables), False, None
    if not isinstance(u, dict):
        raise MongoError(14, "Update argument must be either an object or an array")
    if is_operator_update(u):
        up = Updater(u, array_filters)
        return up.apply, False, up.named_paths()
    if array_filters:
        raise MongoError(9, "Cannot use array filters with a replacement-style update")
    return (lambda doc, inserting=False, position=None: apply_replacement(doc, u)), True, None


UPDATE_FIELDS = ("q", "u", "upsert", "multi", "arrayFilters", "hint", "collation", "c", "upsertSupplied")
DELETE_FIELDS = ("q", "limit", "hint", "collation")


def check_statements(kind: str, specs: list, fields: tuple) -> None:
    """Statement shapes are parsed before any runs: a bad field fails the whole command, as in MongoDB."""
    for spec in specs:
        if not isinstance(spec, dict):
            raise MongoError(14, f"BSON field '{kind}' is the wrong type, expected type 'object'")
        for k in spec:
            if k not in fields:
                raise MongoError(40415, f"BSON field '{kind}.{k}' is an unknown field.")


def let_variables(let: Any) -> dict:
    """`let` values are expressions evaluated once, before the command runs."""
    if let is None:
        return {}
    if not isinstance(let, dict):
        raise MongoError(14, "BSON field 'let' is the wrong type, expected type 'object'")
    from ..common.expr import compile_expr

    out: dict = {}
    for k, v in let.items():
        out[k] = compile_expr(v)(None, dict(out))
    return out


def update_one_spec(ctx: Ctx, tx, coll: Collection, spec: dict, variables: dict | None) -> tuple[int, int, Any]:
    """(matched, modified, upserted _id or None) for one statement of an update command."""
    with _collation(spec.get("collation")):
        return _update_statement(tx, coll, spec, variables)


def _update_statement(tx, coll: Collection, spec: dict, variables: dict | None) -> tuple[int, int, Any]:
    q = spec.get("q", {})
    if not isinstance(q, dict):
        raise MongoError(14, "BSON field 'update.updates.q' is the wrong type, expected type 'object'")
    multi = bool(spec.get("multi"))
    if spec.get("c") is not None:
        variables = {**(variables or {}), **let_variables(spec["c"])}
    apply, replacement, named = updater_for(spec.get("u"), spec.get("arrayFilters"), variables)
    if replacement and multi:
        raise MongoError(9, "multi update is not supported for replacement-style update")
    position = positional_finder(q)
    targets: list[tuple[dict, bytes | None]]
    if id_seekable(coll, q, spec.get("sort"), 0, spec.get("hint")):
        hit = by_id(coll, tx.conn, q["_id"])
        targets = [] if hit is None else [hit]
    else:
        found = matching(coll, tx.conn, q, sort=spec.get("sort"), limit=0 if multi else 1, hint=spec.get("hint"),
                         variables=variables)
        targets = [(d, None) for d in found]
    modified = 0
    for old, old_body in targets:
        new = apply(old, position=position)
        if coll.store_changed(tx, old, new, "replace" if replacement else "update", old_body, named):
            modified += 1
    if targets or not spec.get("upsert"):
        return len(targets), modified, None
    seed = upsert_seed(q)
    if replacement:
        doc = apply_replacement(None, spec["u"])
        if "_id" not in doc and "_id" in seed:
            doc = {"_id": seed["_id"], **doc}
    else:
        doc = apply(seed, inserting=True, position=position)
    doc = with_id(doc)
    coll.insert(tx, doc)
    return 0, 0, doc["_id"]


@command("update")
def update(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    _check_fields(ctx, {"updates"})
    specs = ctx.body.get("updates")
    if not isinstance(specs, list) or not specs:
        raise MongoError(2, "Write batch sizes must be between 1 and 100000. Got 0 operations.")
    check_statements("update.updates", specs, UPDATE_FIELDS)
    ordered = ctx.body.get("ordered", True)
    variables = let_variables(ctx.body.get("let"))
    dbs = ctx.engine.database(ctx.db, create=True)
    errors: list[dict] = []
    n = modified = 0
    upserted = []
    with dbs.shard.write(join=True) as tx:
        coll = ctx.engine.collection_for_write(tx, dbs, name)
        # Each statement is a savepoint, so a failed one leaves nothing behind, unless it is the only
        # one and cannot fail after its first write (then nothing is behind it either).
        alone = (len(specs) == 1 and isinstance(specs[0], dict) and not specs[0].get("multi")
                 and coll.fails_before_writing)
        for i, spec in enumerate(specs):
            try:
                with contextlib.nullcontext() if alone else dbs.shard.write():
                    if not isinstance(spec, dict):
                        raise MongoError(14, "update statement must be an object")
                    matched, mod, up_id = update_one_spec(ctx, tx, coll, spec, variables)
                if up_id is not None:
                    upserted.append({"index": i, "_id": up_id})
                    n += 1
                n += matched
                modified += mod
            except MongoError as e:
                errors.append(e.write_error(i))
                if ordered:
                    break
    out = _write_reply(n, errors, nModified=modified)
    if upserted:
        out["upserted"] = upserted
    return out


@command("delete")
def delete(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    _check_fields(ctx, {"deletes"})
    specs = ctx.body.get("deletes")
    if not isinstance(specs, list) or not specs:
        raise MongoError(2, "Write batch sizes must be between 1 and 100000. Got 0 operations.")
    check_statements("delete.deletes", specs, DELETE_FIELDS)
    ordered = ctx.body.get("ordered", True)
    variables = let_variables(ctx.body.get("let"))
    dbs = ctx.engine.database(ctx.db)
    if dbs is None:
        return {"n": 0}
    errors: list[dict] = []
    n = 0
    with dbs.shard.write(join=True) as tx:
        coll = ctx.engine.collection(ctx.db, name, tx.conn)
        if coll is not None and coll.view_on is not None:
            raise MongoError(166, f"Namespace {ctx.db}.{name} is a view, not a collection")
        for i, spec in enumerate(specs):
            try:
                if not isinstance(spec, dict) or "q" not in spec or "limit" not in spec:
                    raise MongoError(40414, "BSON field 'delete.deletes.q' is missing but a required field")
                limit = spec["limit"]
                if limit not in (0, 1):
                    raise MongoError(9, f"The limit field in delete objects must be 0 or 1. Got {limit}")
                if coll is None:
                    if spec.get("hint") not in (None, "_id_", {"_id": 1}):
                        raise MongoError(2, "hint provided does not correspond to an existing index")
                    continue
                with _collation(spec.get("collation")):
                    docs = list(matching(coll, tx.conn, spec["q"], limit=int(limit), hint=spec.get("hint"),
                                         variables=variables))
                for d in docs:
                    coll.remove(tx, d)
                n += len(docs)
            except MongoError as e:
                errors.append(e.write_error(i))
                if ordered:
                    break
    return _write_reply(n, errors)


@command("findAndModify", "findandmodify")
def find_and_modify(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    b = ctx.body
    _check_fields(ctx, {"query", "sort", "remove", "update", "new", "fields", "upsert", "arrayFilters", "hint",
                        "collation", "let"})
    remove = bool(b.get("remove"))
    if remove and ("update" in b and b["update"] is not None):
        raise MongoError(9, "Cannot specify both an update and remove=true")
    if not remove and b.get("update") is None:
        raise MongoError(9, "Either an update or remove=true must be specified")
    if remove and (b.get("new") or b.get("upsert")):
        raise MongoError(9, "Cannot specify both new=true and remove=true; 'remove' always returns the deleted "
                            "document" if b.get("new") else "Cannot specify both upsert=true and remove=true")
    q = b.get("query") or {}
    variables = let_variables(b.get("let"))
    proj = Projection(b.get("fields"), q)
    dbs = ctx.engine.database(ctx.db, create=True)
    with dbs.shard.write() as tx:
        coll = ctx.engine.collection_for_write(tx, dbs, name)
        found = list(matching(coll, tx.conn, q, sort=b.get("sort"), limit=1, hint=b.get("hint"),
                              variables=variables))
        old = found[0] if found else None
        if remove:
            if old is not None:
                coll.remove(tx, old)
            return {"lastErrorObject": {"n": 1 if old else 0}, "value": proj.apply(old) if old else None}
        apply, replacement, named = updater_for(b["update"], b.get("arrayFilters"), variables)
        if old is not None:
            new = apply(old, position=positional_finder(q))
            coll.store_changed(tx, old, new, "replace" if replacement else "update", named=named)
            value = new if b.get("new") else old
            return {"lastErrorObject": {"n": 1, "updatedExisting": True}, "value": proj.apply(value)}
        if not b.get("upsert"):
            return {"lastErrorObject": {"n": 0, "updatedExisting": False}, "value": None}
        seed = upsert_seed(q)
        if replacement:
            doc = apply_replacement(None, b["update"])
            if "_id" not in doc and "_id" in seed:
                doc = {"_id": seed["_id"], **doc}
        else:
            doc = apply(seed, inserting=True)
        doc = with_id(doc)
        coll.insert(tx, doc)
        return {"lastErrorObject": {"n": 1, "updatedExisting": False, "upserted": doc["_id"]},
                "value": proj.apply(doc) if b.get("new") else None}

