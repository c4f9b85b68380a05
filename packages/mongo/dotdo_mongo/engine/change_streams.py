"""Change streams: every committed write appends a change record to its shard's change sequence
(core's `tx.emit`, committed with the write); a `$changeStream` cursor reads the records after its
resume token and turns them into MongoDB change events. A getMore with no new events waits for
a commit (up to maxTimeMS, 1 s by default) without blocking the server's loop.

Resume tokens are `{_data: <8 hex digits of the database's incarnation><16 of its change sequence>}`:
a database dropped and created again numbers its changes from 1 again, so a token names the
incarnation (the store's namespace id, never reused) and one of another incarnation is refused with
ChangeStreamHistoryLost (286), as mongod refuses a resume point no longer in its oplog — the dropped
incarnation's records went with its files. Tokens of 16 digits (before the incarnation was added)
are read as positions in the current one. Database-wide streams read
every collection's channel of that database. Cluster-wide streams (`watch()` on a client) merge
every database's sequence (cluster_stream.py).

Pre- and post-images (collection option changeStreamPreAndPostImages): a write to such a collection
puts the document as it was before the write into its change record ("b"), and an update also its
result ("d"), so both commit with the write, are as durable as it and are read by every process.
mongod keeps pre-images in config.system.preimages and rebuilds an update's post-image from the
pre-image; what a stream sees is the same: an image exists exactly for the writes made while the
option was on."""
from __future__ import annotations

import asyncio
import datetime
import time
from typing import Any

import bson
from bson import Binary, Int64, Timestamp

from dotdo_core import sqlite

from .common import render
from .common.bsontypes import type_name
from .errors import MongoError

DEFAULT_AWAIT_MS = 1000
STREAM_OPTIONS = {"fullDocument", "resumeAfter", "startAfter", "startAtOperationTime", "allChangesForCluster",
                  "fullDocumentBeforeChange", "showExpandedEvents"}
FULL_DOCUMENT_MODES = ("default", "updateLookup", "whenAvailable", "required")
BEFORE_CHANGE_MODES = ("off", "whenAvailable", "required")
IMAGE_OPTION = "changeStreamPreAndPostImages"
# Events only streams opened with showExpandedEvents see (mongod 6.0+); drop and rename are for all.
EXPANDED_ONLY = {"create", "createIndexes", "dropIndexes", "modify"}
CATALOG_EVENTS = EXPANDED_ONLY | {"drop", "rename", "dropDatabase"}
INTERNAL_DATABASES = {"admin", "config", "local"}  # no stream of their own; a cluster-wide one skips them
DROPPED_DB_POLL_S = 0.05  # how often a stream whose database was dropped looks for it to come back


# -- the collection option ----------------------------------------------------------------------

def image_option(command: str, value: Any) -> dict | None:
    """`changeStreamPreAndPostImages` of a create or collMod command, checked as mongod's IDL does;
    returns what the collection's options keep: {enabled: true}, or None when off (listCollections
    then shows no such option, as mongod's does)."""
    field = f"{command}.{IMAGE_OPTION}"
    if not isinstance(value, dict):
        raise MongoError(14, f"BSON field '{field}' is the wrong type '{type_name(value)}', expected type 'object'")
    for k in value:
        if k != "enabled":
            raise MongoError(40415, f"BSON field '{field}.{k}' is an unknown field.")
    if "enabled" not in value:
        raise MongoError(40414, f"BSON field '{field}.enabled' is missing but a required field")
    if not isinstance(value["enabled"], bool):
        raise MongoError(14, f"BSON field '{field}.enabled' is the wrong type '{type_name(value['enabled'])}', "
                             "expected type 'bool'")
    return {"enabled": True} if value["enabled"] else None


def images_enabled(options: dict) -> bool:
    return bool(options.get(IMAGE_OPTION))


# -- writer side --------------------------------------------------------------------------------

def emit(tx, coll: str, op: str, doc_id: Any, doc: dict | None = None, desc: dict | None = None,
         before: dict | None = None, uuid: Binary | None = None) -> None:
    """Append the change record of one document write (in the write's transaction): `doc` is the
    document after it (an insert's, a replacement's, or an update's post-image), `before` the
    pre-image, `uuid` the collection's (collectionUUID of expanded events)."""
    payload: dict = {"op": op, "k": doc_id}
    if doc is not None:
        payload["d"] = doc
    if desc is not None:
        payload["u"] = desc
    if before is not None:
        payload["b"] = before
    if uuid is not None:
        payload["c"] = uuid
    _record(tx, coll, payload)


def emit_ddl(tx, coll: str, op: str, uuid: bytes | None, description: dict | None = None,
             state: dict | None = None, to: str | None = None) -> None:
    """Append the change record of a catalog change (create, createIndexes, dropIndexes, modify, rename,
    drop) of collection or view `coll`: `description` is the event's operationDescription, `state` its
    stateBeforeChange, `to` a rename's new name."""
    payload: dict = {"op": op}
    if uuid is not None:
        payload["c"] = Binary(uuid, 4)
    if description is not None:
        payload["o"] = description
    if state is not None:
        payload["s"] = state
    if to is not None:
        payload["n"] = to
    _record(tx, coll, payload)


def _record(tx, coll: str, payload: dict) -> None:
    micros = time.time_ns() // 1000
    payload["t"] = micros // 1000  # wallTime, and clusterTime's seconds
    payload["h"] = micros % 1000  # the microseconds: cluster-wide streams order databases' changes by time
    tx.emit(coll, bson.encode({"v": payload}))


def emit_create(tx, coll: str, uuid: bytes, options: dict, indexes: list[dict]) -> None:
    """The create event of a collection (created by `create` or implicitly) or view: its operationDescription
    is what mongod's oplog entry holds, a view's definition or a collection's options and _id index."""
    if "viewOn" in options:
        emit_ddl(tx, coll, "create", None, {"viewOn": options["viewOn"], "pipeline": options.get("pipeline", [])})
    else:
        emit_ddl(tx, coll, "create", uuid, {**options, "idIndex": indexes[0]})


# -- reader side --------------------------------------------------------------------------------

def recorded_micros(payload: dict) -> int:
    """When a change was recorded, in microseconds since the epoch (records written before the
    microseconds were kept have their millisecond)."""
    return payload["t"] * 1000 + payload.get("h", 0)


def cluster_time(payload: dict) -> Timestamp:
    """An event's clusterTime: its second, and as increment its microsecond within it (plus one), so
    the events of every database order by it — and startAtOperationTime finds the event again."""
    micros = recorded_micros(payload)
    return Timestamp(micros // 1_000_000, micros % 1_000_000 + 1)


def micros_of(ts: Any) -> int:
    """The microsecond a startAtOperationTime names; an increment past a second's microseconds (not
    one of ours) names the second."""
    if not isinstance(ts, Timestamp):
        return 0
    return ts.time * 1_000_000 + (ts.inc - 1 if 0 < ts.inc <= 1_000_000 else 0)


def token(incarnation: int, seq: int) -> dict:
    return {"_data": f"{incarnation:08x}{seq:016x}"}


def _parse_token(t: Any) -> tuple[int | None, int]:
    """(incarnation, seq) of a resume token; incarnation None for a token of 16 digits."""
    try:
        data = t["_data"]
        if isinstance(data, str) and len(data) in (16, 24):
            seq = int(data[-16:], 16)
            return (int(data[:8], 16) if len(data) == 24 else None), seq
    except (TypeError, KeyError, ValueError):
        pass
    raise MongoError(260, "invalid resume token: it was not produced by this server")


from .stages import BUILDERS  # noqa: E402  (the stage registry; stages do not import this module)


class ChangeStream:
    """The server-side state of a change stream cursor."""

    def __init__(self, engine, db: str, coll: str | None, options: dict, pipeline: list, *,
                 cluster: bool = False) -> None:
        """cluster: one database's part of a cluster-wide stream (cluster_stream.py), which positions
        it, runs the pipeline and builds the tokens; such a part is never invalidated."""
        from .stages import Env, compile_pipeline

        check_stream_options(options)
        if db in INTERNAL_DATABASES and not cluster:
            raise MongoError(73, f"$changeStream may not be opened on the internal {db} database")
        self.cluster = cluster
        self.full_document = _mode(options, "fullDocument", "default", FULL_DOCUMENT_MODES)
        self.before_change = _mode(options, "fullDocumentBeforeChange", "off", BEFORE_CHANGE_MODES)
        self.expanded = _flag(options, "showExpandedEvents")
        self.engine = engine
        self.db = db
        self.coll = coll
        self.channels = [coll] if coll is not None else None  # a database's stream reads every channel
        self.dbs = engine.database(db, create=True)
        self.feed = self.dbs.shard.changes
        resume = options.get("resumeAfter") or options.get("startAfter")
        if resume is not None:
            incarnation, self.after = _parse_token(resume)
            oldest = self._oldest()
            if (incarnation is not None and incarnation != self.dbs.ns.id) or (
                    oldest is not None and self.after < oldest - 1):
                raise MongoError(286, "Resume of change stream was not possible, as the resume point may no longer "
                                      "be in the oplog.")
        elif options.get("startAtOperationTime") is not None:
            self.after = self._seq_at_or_after_time(options["startAtOperationTime"]) - 1
        else:
            self.after = self.feed.last_seq()
        self.run = compile_pipeline(pipeline, Env(engine, db))
        self.invalidated = False
        # The records not yet read when the database was dropped (its files go with it); None while
        # the database this stream reads is the one it opened on.
        self.leftover: list | None = None

    def _oldest(self) -> int | None:
        with self.dbs.shard.reader() as conn:
            row = conn.execute("SELECT min(seq) FROM _changes").fetchone()
        return row[0]

    def _seq_at_or_after_time(self, ts: Any) -> int:
        """The first change recorded at or after cluster time `ts` (an event's clusterTime names its
        microsecond; an operationTime, whose increment counts operations, names about its second)."""
        micros = micros_of(ts)
        with self.dbs.shard.reader() as conn:
            # at_ms is the feed's own clock reading, taken beside the record's: allow it a millisecond
            for seq, payload in conn.execute("SELECT seq, payload FROM _changes WHERE at_ms >= ? ORDER BY seq",
                                             (micros // 1000 - 1,)):
                if payload is None or recorded_micros(bson.decode(payload)["v"]) >= micros:
                    return seq
        return self.feed.last_seq() + 1

    @property
    def resume_token(self) -> dict:
        return token(self.dbs.ns.id, self.after)

    def ready(self, limit: int) -> list[dict]:
        """Events committed after the cursor's position (advancing it), through the user's stages."""
        if self.invalidated:
            return []
        records = self._records(limit)
        events = []
        for seq, channel, payload in records:
            if payload is not None:
                # an event that fails (a required image missing) fails every getMore, as in mongod
                events.extend(self._events(seq, channel, bson.decode(payload)["v"]))
            self.after = seq
            if self.invalidated:
                break
        if not events:
            return []
        out = list(self.run(iter(events)))
        _check_tokens_kept(events, out)
        return out

    def _records(self, limit: int) -> list:
        if self.leftover is not None:
            if self.leftover:
                out, self.leftover = self.leftover[:limit], self.leftover[limit:]
                return out
            if not self._rebind():
                return []
        return self.feed.read(self.after, self.channels, limit=limit)

    def before_drop(self, dbs) -> None:
        """The engine lets go of database `dbs` (dropped, by any process)."""
        if self.dbs is dbs and self.leftover is None:
            try:
                self.database_dropped()
            except sqlite.Error:  # its files' connections were closed: nothing left to read
                self.leftover = []

    def database_dropped(self) -> None:
        """The database is about to go, its change records with it (the caller holds the engine's
        gate, so no getMore runs in between): keep what this stream has not read yet."""
        # Through a connection already open: the files may be deleted (another process dropped the
        # database), and a new connection would make an empty one in their place.
        self.leftover = self.feed.read(self.after, self.channels, limit=2**62, already_open=True)

    def _rebind(self) -> bool:
        """A stream the drop did not invalidate (it watches a collection that did not exist) goes on
        with the database of the same name once something creates it again, from its first record."""
        dbs = self.engine.database(self.db)
        if dbs is None:
            return False
        self.dbs, self.feed, self.after, self.leftover = dbs, dbs.shard.changes, 0, None
        return True

    def _events(self, seq: int, coll: str, p: dict) -> list[dict]:
        op = p["op"]
        if op in EXPANDED_ONLY and not self.expanded:
            return []
        wall = datetime.datetime.fromtimestamp(p["t"] / 1000, datetime.timezone.utc)
        ev: dict = {"_id": token(self.dbs.ns.id, seq), "operationType": op,
                    "clusterTime": cluster_time(p), "wallTime": wall}
        if self.expanded and "c" in p:
            ev["collectionUUID"] = p["c"]
        ev["ns"] = {"db": self.db, "coll": coll} if op != "dropDatabase" else {"db": self.db}
        if op in CATALOG_EVENTS:
            return self._catalog_events(ev, p)
        ev["documentKey"] = {"_id": p["k"]}
        if op in ("insert", "replace"):
            ev["fullDocument"] = p.get("d")
        elif op == "update":
            if self.full_document == "updateLookup" and self.leftover is not None:
                ev["fullDocument"] = None  # the database, and the document, are gone
            elif self.full_document == "updateLookup":
                current = self.engine.collection(self.db, coll)
                with self.dbs.shard.reader() as conn:
                    ev["fullDocument"] = current.get(conn, p["k"]) if current is not None else None
            elif self.full_document != "default":
                ev["fullDocument"] = _image(p, "d", self.full_document, ev, "post")
            ev["updateDescription"] = self._update_description(p)
        if self.before_change != "off" and op in ("update", "replace", "delete"):
            ev["fullDocumentBeforeChange"] = _image(p, "b", self.before_change, ev, "pre")
        return [ev]

    def _update_description(self, p: dict) -> dict:
        """disambiguatedPaths (recorded only when a path needs it) is for expanded streams, always there."""
        desc = p.get("u", {"updatedFields": {}, "removedFields": [], "truncatedArrays": []})
        if self.expanded:
            desc.setdefault("disambiguatedPaths", {})
        else:
            desc.pop("disambiguatedPaths", None)
        return desc

    def _catalog_events(self, ev: dict, p: dict) -> list[dict]:
        """A catalog change's event; a drop or rename of the watched collection also invalidates the
        stream (a database's stream goes on), and dropping the database invalidates its stream."""
        if "n" in p:
            ev["to"] = {"db": self.db, "coll": p["n"]}
        if self.expanded:
            if "o" in p:
                ev["operationDescription"] = p["o"]
            if "s" in p:
                ev["stateBeforeChange"] = p["s"]
        op = ev["operationType"]
        if self.cluster or op not in ("drop", "rename", "dropDatabase") or (
                self.coll is None and op != "dropDatabase"):
            return [ev]
        self.invalidated = True
        return [ev, {"_id": ev["_id"], "operationType": "invalidate", "clusterTime": ev["clusterTime"],
                     "wallTime": ev["wallTime"]}]

    async def wait(self, max_ms: float) -> None:
        if self.leftover is None:
            await self.feed.wait_async(self.after, max_ms / 1000)
            return
        deadline = time.monotonic() + max_ms / 1000
        while not self.leftover and self.engine.database(self.db) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(min(left, DROPPED_DB_POLL_S))


def check_stream_options(options: dict) -> None:
    for k in options:
        if k not in STREAM_OPTIONS:
            raise MongoError(40415, f"BSON field '$changeStream.{k}' is an unknown field.")
    if "resumeAfter" in options and "startAfter" in options:
        raise MongoError(50865, "Do not specify both 'resumeAfter' and 'startAfter' in a $changeStream stage")


def _mode(options: dict, name: str, default: str, modes: tuple[str, ...]) -> str:
    value = options.get(name, default)
    if not isinstance(value, str):
        raise MongoError(14, f"BSON field '$changeStream.{name}' is the wrong type '{type_name(value)}', expected "
                             "type 'string'")
    if value not in modes:
        raise MongoError(2, f"Enumeration value '{value}' for field '$changeStream.{name}' is not a valid value.")
    return value


def _flag(options: dict, name: str) -> bool:
    value = options.get(name, False)
    if not isinstance(value, bool):
        raise MongoError(14, f"BSON field '$changeStream.{name}' is the wrong type '{type_name(value)}', expected "
                             "type 'bool'")
    return value


# What a required image covers, as mongod's message says it.
_REQUIRED_FOR = {"pre": "update, delete and replace events", "post": "update events"}


def _image(p: dict, key: str, mode: str, ev: dict, kind: str) -> dict | None:
    """The pre- ("b") or post-image ("d") recorded with a change: null when the collection did not
    record images at the time ('whenAvailable'), mongod's NoMatchingDocument when it is 'required'.
    An update records its post-image only with its pre-image."""
    image = p.get(key) if "b" in p else None
    if image is None and mode == "required":
        shown = {"operationType": ev["operationType"], "ns": ev["ns"], "clusterTime": ev["clusterTime"]}
        raise MongoError(47, f"Change stream was configured to require a {kind}-image for all {_REQUIRED_FOR[kind]}, "
                             f"but the {kind}-image was not found for event: {render.pipeline_document(shown)}")
    return image


# Stages the aggregate command knows outside the stage builders (first-stage and output stages).
KNOWN_ELSEWHERE = {"$out", "$merge", "$listLocalSessions", "$changeStream", "$documents"}
RESUME_TOKEN_MODIFIED = (
    "Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. "
    "Modifying the _id field of an event makes it impossible to resume the stream from that point. Only "
    "transformations that retain the unmodified _id field are allowed.")


def _check_tokens_kept(events: list, out: list) -> None:
    """The user's stages must leave each event's _id (its resume token) as it was (mongod: 280)."""
    tokens = {ev["_id"]["_data"] for ev in events}
    for doc in out:
        key = doc.get("_id") if isinstance(doc, dict) else None
        if not isinstance(key, dict) or list(key) != ["_data"] or key["_data"] not in tokens:
            raise MongoError(280, f"{RESUME_TOKEN_MODIFIED} Event: {doc}", errorLabels=["NonResumableChangeStreamError"])


def open_stream(ctx, coll: str | None, pipeline: list, batch_size: int | None) -> dict:
    spec = pipeline[0]["$changeStream"]
    if not isinstance(spec, dict):
        raise MongoError(14, "the $changeStream stage must be an object")
    for stage in pipeline[1:]:
        name = next(iter(stage)) if isinstance(stage, dict) and stage else ""
        if name not in ("$match", "$project", "$addFields", "$set", "$unset", "$replaceRoot", "$replaceWith",
                        "$redact"):
            if name not in BUILDERS and name not in KNOWN_ELSEWHERE:
                raise MongoError(40324, f"Unrecognized pipeline stage name: '{name}'")
            raise MongoError(2, f"{name} is not permitted in a $changeStream pipeline")
    if spec.get("allChangesForCluster"):
        if ctx.db != "admin" or coll is not None:
            raise MongoError(72, "A $changeStream with 'allChangesForCluster:true' may only be opened on the "
                                 f"'admin' database, and with no collection name; found {ctx.db}."
                                 f"{coll if coll is not None else '$cmd.aggregate'}")
        from .cluster_stream import ClusterStream

        stream: Any = ClusterStream(ctx.engine, spec, pipeline[1:])
    else:
        stream = ChangeStream(ctx.engine, ctx.db, coll, spec, pipeline[1:])
    ns = f"{ctx.db}.{coll if coll is not None else '$cmd.aggregate'}"
    first = stream.ready(batch_size if batch_size is not None else 101) if batch_size != 0 else []
    cid = ctx.engine.cursors.register_stream(ns, stream)
    return {"cursor": {"firstBatch": first, "postBatchResumeToken": stream.resume_token, "id": Int64(cid),
                       "ns": ns}, "ok": 1.0}


async def get_more(engine, cid: int, ns: str, stream: ChangeStream, batch_size: int | None,
                   max_ms: float | None) -> dict:
    limit = batch_size or 1000
    events = stream.ready(limit)
    if not events and not stream.invalidated:
        await stream.wait(max_ms if max_ms is not None else DEFAULT_AWAIT_MS)
        events = stream.ready(limit)
    out_id = cid
    if stream.invalidated:
        engine.cursors.kill(cid)
        out_id = 0
    return {"cursor": {"nextBatch": events, "postBatchResumeToken": stream.resume_token, "id": Int64(out_id),
                       "ns": ns}, "ok": 1.0}


__all__ = ["emit", "emit_ddl", "emit_create", "ChangeStream", "open_stream", "get_more"]
