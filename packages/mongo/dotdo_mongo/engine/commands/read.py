"""find, getMore, killCursors, count, distinct."""
from __future__ import annotations

import uuid as uuidlib
from typing import Any

from bson import Int64

from ..common.compare import equal
from ..common.filter import compile_filter
from ..common.paths import MISSING, get_value
from ..common.projection import Projection
from ..engine import Ctx, command
from ..errors import MongoError
from ..common.sorting import parse_sort
from ..index_bounds import bounds_filter
from ..return_key import key_of
from ..query import check_int, matching
from ..text import SCORE_KEY
from .write import let_variables

FIND_FIELDS = {"filter", "sort", "projection", "hint", "skip", "limit", "batchSize", "singleBatch", "comment",
               "maxTimeMS", "readConcern", "collation", "allowDiskUse", "let", "noCursorTimeout",
               "allowPartialResults", "max", "min", "returnKey", "showRecordId", "tailable", "awaitData",
               "oplogReplay", "lsid", "$db", "$readPreference", "$clusterTime", "apiVersion", "apiStrict",
               "apiDeprecationErrors", "readOnce", "txnNumber", "autocommit", "startTransaction"}
REFUSED_WHEN_SET = ("tailable", "awaitData", "oplogReplay")


def batch_size(v: Any, name: str = "batchSize") -> int | None:
    if v is None:
        return None
    return check_int(name, v)


@command("find")
def find(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    b = ctx.body
    for k in b:
        if k != "find" and k not in FIND_FIELDS:
            raise MongoError(40415, f"BSON field 'FindCommandRequest.{k}' is an unknown field.")
    for k in REFUSED_WHEN_SET:
        if b.get(k):
            raise MongoError(238, f"find option '{k}' is not supported by dotdo")
    if b.get("showRecordId") and not b.get("returnKey"):  # returnKey's output has no record id to show
        raise MongoError(238, "find option 'showRecordId' is not supported by dotdo: documents have no record ids")
    flt = b.get("filter")
    if flt is not None and not isinstance(flt, dict):
        raise MongoError(14, "BSON field 'FindCommandRequest.filter' is the wrong type, expected type 'object'")
    skip = check_int("skip", b.get("skip"))
    limit = check_int("limit", b.get("limit"))
    size = batch_size(b.get("batchSize"))
    proj = Projection(b.get("projection"), flt)
    ns = f"{ctx.db}.{name}"
    coll = ctx.engine.collection(ctx.db, name)
    if coll is None:
        if b.get("hint") not in (None, {"$natural": 1}, {"$natural": -1}):
            raise MongoError(2, "error processing query: ns=" + ns + " planner returned error :: caused by :: "
                                "hint provided does not correspond to an existing index")
        _parse_filter(flt)
        return ctx.engine.cursors.first_batch(ns, iter(()), size)
    hint = b.get("hint")
    if isinstance(hint, dict) and "$natural" in hint:
        hint = None
    scores: dict = {}
    within = bounds_filter(coll, hint, b.get("min"), b.get("max"))
    shape = _returned_key(coll, flt, b.get("sort"), hint) if b.get("returnKey") else None
    with coll.db.shard.reader() as conn:
        docs = matching(coll, conn, flt, sort=b.get("sort"), skip=skip, limit=limit, hint=hint,
                        variables=let_variables(b.get("let")), scores=scores, within=within)
        # The first batch is read here; the rest streams on later getMores, in chunks (see
        # Collection.candidates), so a big collection is never held in memory.
        if shape is not None:
            results = map(shape, docs)
        else:
            results = (proj.apply(d, {SCORE_KEY: scores}) for d in docs) if proj else docs
        if limit and size is not None and size > limit:
            size = limit
        return ctx.engine.cursors.first_batch(ns, results, size, bool(b.get("singleBatch")),
                                              no_timeout=bool(b.get("noCursorTimeout")),
                                              guard=_collection_kept(ctx.engine, ctx.db, name, coll.uuid))


def _collection_kept(engine, db: str, name: str, uuid: bytes):
    """A find cursor streams from its collection: once that is dropped (or dropped and made again),
    its next getMore fails as mongod's does, rather than end early as if the results were complete."""
    def guard() -> None:
        now = engine.collection(db, name)
        if now is None or now.uuid != uuid:
            raise MongoError(175, f"Executor error during getMore :: caused by :: collection dropped. UUID "
                                  f"{uuidlib.UUID(bytes=uuid)}")
    return guard


def _returned_key(coll, flt: dict | None, sort: Any, hint: Any):
    """returnKey's output for each result (engine/return_key.py)."""
    if coll.view_on is not None:  # mongod runs a view's find as an aggregate, which has no returnKey
        raise MongoError(168, "Option returnKey not supported in aggregation.")
    if flt and "$text" in flt:
        raise MongoError(238, "find option 'returnKey' with a $text query is not supported by dotdo")
    spec = parse_sort(sort)
    return key_of(coll, coll.plan(flt, spec, hint), flt, spec, hint)


@command("getMore")
def get_more(ctx: Ctx) -> dict:
    cid = ctx.arg
    if not isinstance(cid, int) or isinstance(cid, bool):
        raise MongoError(14, "BSON field 'getMore.getMore' is the wrong type, expected type 'long'")
    coll = ctx.body.get("collection")
    if not isinstance(coll, str):
        raise MongoError(14, "BSON field 'getMore.collection' is the wrong type, expected type 'string'")
    size = batch_size(ctx.body.get("batchSize"))
    ns = f"{ctx.db}.{coll}"
    stream = ctx.engine.cursors.stream(int(cid), ns)
    if stream is not None:  # answered asynchronously: it may wait for the next commit
        from .. import change_streams

        return change_streams.get_more(ctx.engine, int(cid), ns, stream, size, ctx.body.get("maxTimeMS"))
    return ctx.engine.cursors.get_more(int(cid), ns, size if size else 10**9)


@command("killCursors")
def kill_cursors(ctx: Ctx) -> dict:
    ids = ctx.body.get("cursors")
    if not isinstance(ids, list):
        raise MongoError(14, "BSON field 'killCursors.cursors' is missing or is not an array")
    killed, missing = [], []
    for cid in ids:
        (killed if ctx.engine.cursors.kill(int(cid)) else missing).append(Int64(cid))
    return {"cursorsKilled": killed, "cursorsNotFound": missing, "cursorsAlive": [], "cursorsUnknown": []}


@command("count")
def count(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    b = ctx.body
    skip = check_int("skip", b.get("skip"))
    raw_limit = b.get("limit")
    if raw_limit is not None and (isinstance(raw_limit, bool) or not isinstance(raw_limit, (int, float))):
        raise MongoError(14, "BSON field 'count.limit' is the wrong type, expected a number")
    limit = abs(int(raw_limit or 0))
    coll = ctx.engine.collection(ctx.db, name)
    if coll is None:
        return {"n": 0}
    q = b.get("query")
    with coll.db.shard.reader() as conn:
        if not q and not skip and not limit and b.get("hint") is None:
            n = coll.count(conn)
        else:
            n = sum(1 for _ in matching(coll, conn, q, skip=skip, limit=limit, hint=b.get("hint")))
    return {"n": n}


@command("distinct")
def distinct(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    b = ctx.body
    key = b.get("key")
    if not isinstance(key, str):
        raise MongoError(14, "BSON field 'distinct.key' is missing or is not a string")
    coll = ctx.engine.collection(ctx.db, name)
    if coll is None:
        return {"values": []}
    out: list = []
    with coll.db.shard.reader() as conn:
        for d in matching(coll, conn, b.get("query"), hint=b.get("hint")):
            v = get_value(d, key)
            if v is MISSING:
                continue
            for x in (v if isinstance(v, list) else [v]):
                if not any(equal(x, y) for y in out):
                    out.append(x)
    from ..common.sorting import sort_docs

    out = [d["v"] for d in sort_docs([{"v": x} for x in out], [("v", 1)])]
    return {"values": out}


def _parse_filter(flt: dict | None) -> None:
    """A filter's parse errors where there is no collection to read: mongod parses before it looks.
    ($text stays unanswered here: it needs a text index, which a missing collection cannot have.)"""
    try:
        compile_filter(flt)
    except MongoError as e:
        if e.code != 238:
            raise
