"""Our runner for MongoDB's unified test format (CRUD subset), driving the genuine pymongo.

Written from the format's specification (github.com/mongodb/specifications,
source/unified-test-format): entities, initialData, operations with expectResult/expectError,
expectEvents (command monitoring) and outcome. Operations the CRUD files use are mapped onto
pymongo's public API; anything the runner does not implement raises NotApplicable."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pymongo
from bson import Binary, Decimal128, Int64, ObjectId, Timestamp, json_util
from bson.json_util import JSONOptions
from pymongo import (DeleteMany, DeleteOne, InsertOne, ReplaceOne, ReturnDocument, UpdateMany, UpdateOne,
                     monitoring)
from pymongo.client_session import ClientSession, TransactionOptions
from pymongo.errors import BulkWriteError, OperationFailure, PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

VERSION = (7, 0, 0)
# dotdo answers hello as the primary of a one-member replica set (what pymongo needs for
# transactions and retryable writes), and pymongo discovers it as one: tests for a standalone
# server ("single" only: no snapshot reads, no $readPreference sent, no change streams) do not apply.
TOPOLOGIES = {"replicaset"}
VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "mongodb"
# The spec suites whose unified tests we run (conformance/vectors/mongodb/<suite>/unified).
SUITES = ("crud", "transactions", "change_streams", "collection_management", "index_management", "sessions",
          "retryable_writes", "retryable_reads", "command_monitoring", "run_command", "versioned-api",
          "transactions-convenient-api", "gridfs", "causal_consistency", "read_write_concern")
_JSON = JSONOptions(document_class=dict)


class NotApplicable(Exception):
    """The test needs something a standalone server of our version, or this runner, does not have."""


def load(path: Path) -> dict:
    return json_util.loads(path.read_text(), json_options=_JSON)


def _version(s: str) -> tuple:
    parts = [int(x) for x in s.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def requirements_met(reqs: list | None) -> str | None:
    """None when some alternative fits a standalone 7.0 server, else why not."""
    if not reqs:
        return None
    reasons = []
    for r in reqs:
        why = None
        if "minServerVersion" in r and _version(r["minServerVersion"]) > VERSION:
            why = f"needs server >= {r['minServerVersion']}"
        elif "maxServerVersion" in r and _version(r["maxServerVersion"]) < VERSION:
            why = f"needs server <= {r['maxServerVersion']}"
        elif "topologies" in r and not TOPOLOGIES & set(r["topologies"]):
            why = f"needs topology {r['topologies']}"
        elif r.get("serverless") == "require":
            why = "needs serverless"
        elif r.get("auth") is True or r.get("csfle") is True:
            why = "needs auth/csfle"
        elif "serverParameters" in r:
            why = "needs serverParameters"
        if why is None:
            return None
        reasons.append(why)
    return "; ".join(reasons)


class Listener(monitoring.CommandListener):
    def __init__(self, observe: list[str], ignore: list[str]) -> None:
        self.observe = set(observe)
        self.ignore = set(ignore) | {"configureFailPoint"}
        self.events: list[tuple[str, Any]] = []

    def started(self, event):
        if "commandStartedEvent" in self.observe and event.command_name not in self.ignore:
            self.events.append(("commandStartedEvent", event))

    def succeeded(self, event):
        if "commandSucceededEvent" in self.observe and event.command_name not in self.ignore:
            self.events.append(("commandSucceededEvent", event))

    def failed(self, event):
        if "commandFailedEvent" in self.observe and event.command_name not in self.ignore:
            self.events.append(("commandFailedEvent", event))


# -- matching (spec: "Evaluating Matches") ---------------------------------------------

_TYPES = {
    "double": (float,), "string": (str,), "object": (dict,), "array": (list,), "objectId": (ObjectId,),
    "bool": (bool,), "date": (__import__("datetime").datetime,), "null": (type(None),), "int": (int,),
    "long": (Int64, int), "decimal": (Decimal128,), "binData": (bytes, Binary), "timestamp": (Timestamp,),
}


class Mismatch(AssertionError):
    pass


def match(expected: Any, actual: Any, entities: dict, root: bool = True, path: str = "") -> None:
    if isinstance(expected, dict) and len(expected) == 1 and next(iter(expected)).startswith("$$"):
        op, arg = next(iter(expected.items()))
        if op == "$$exists":
            return  # handled by the parent for keys; at value level presence is given
        if op == "$$type":
            names = arg if isinstance(arg, list) else [arg]
            types = tuple(t for n in names for t in _TYPES.get(n, ()))
            if isinstance(actual, bool) and bool not in types:
                raise Mismatch(f"{path}: expected type {names}, got bool")
            if not isinstance(actual, types):
                raise Mismatch(f"{path}: expected type {names}, got {type(actual).__name__}")
            if "int" in names and "long" not in names and isinstance(actual, Int64):
                raise Mismatch(f"{path}: expected int, got long")
            return
        if op == "$$unsetOrMatches":
            if actual is _UNSET:
                return
            return match(arg, actual, entities, root, path)
        if op == "$$sessionLsid":
            return match(entities[f"{arg} lsid"], actual, entities, root, path)
        if op == "$$matchesEntity":
            return match(entities[arg], actual, entities, root, path)
        if op == "$$lte":
            if not actual <= arg:
                raise Mismatch(f"{path}: {actual!r} > {arg!r}")
            return
        if op == "$$matchAsDocument":
            return match(arg, json_util.loads(actual) if isinstance(actual, str) else actual, entities, True, path)
        if op == "$$matchesHexBytes":
            if not isinstance(actual, (bytes, bytearray)) or bytes(actual) != bytes.fromhex(arg):
                raise Mismatch(f"{path}: expected bytes {arg}, got {actual!r}")
            return
        if op == "$$matchAsRoot":
            return match(arg, actual, entities, True, path)
        raise NotApplicable(f"match operator {op}")
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            raise Mismatch(f"{path}: expected a document, got {actual!r}")
        for k, v in expected.items():
            if isinstance(v, dict) and list(v) == ["$$exists"]:
                if (k in actual) != v["$$exists"]:
                    raise Mismatch(f"{path}.{k}: $$exists {v['$$exists']} but actual is {actual!r}")
                continue
            if isinstance(v, dict) and list(v) == ["$$unsetOrMatches"] and k not in actual:
                continue
            if k not in actual:
                raise Mismatch(f"{path}.{k}: missing in {actual!r}")
            match(v, actual[k], entities, False, f"{path}.{k}")
        if not root:
            extra = set(actual) - set(expected)
            if extra:
                raise Mismatch(f"{path}: unexpected fields {sorted(extra)} in {actual!r}")
        return
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            raise Mismatch(f"{path}: expected {expected!r}, got {actual!r}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            match(e, a, entities, isinstance(e, dict) and root, f"{path}[{i}]")
        return
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        if isinstance(actual, bool) or not isinstance(actual, (int, float, Decimal128)) or expected != actual:
            raise Mismatch(f"{path}: expected {expected!r}, got {actual!r}")
        return
    if type(expected) is not type(actual) and not (isinstance(actual, type(expected))):
        raise Mismatch(f"{path}: expected {expected!r} ({type(expected).__name__}), got {actual!r}")
    if expected != actual:
        raise Mismatch(f"{path}: expected {expected!r}, got {actual!r}")


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


_UNSET = _Unset()


# -- operations -------------------------------------------------------------------------

_RENAME = {"batchSize": "batch_size", "arrayFilters": "array_filters", "maxTimeMS": "maxTimeMS",
           "allowDiskUse": "allowDiskUse", "returnDocument": "return_document"}


_CURSOR_NAMES = {"allowDiskUse": "allow_disk_use", "maxTimeMS": "max_time_ms", "showRecordId": "show_record_id",
                 "returnKey": "return_key", "noCursorTimeout": "no_cursor_timeout",
                 "allowPartialResults": "allow_partial_results", "maxAwaitTimeMS": "max_await_time_ms"}


def _kw(args: dict, drop: tuple = (), cursor: bool = False, bypass: bool = True) -> dict:
    out = {}
    for k, v in args.items():
        if k in drop:
            continue
        if k == "returnDocument":
            v = ReturnDocument.AFTER if v == "After" else ReturnDocument.BEFORE
        if k == "bypassDocumentValidation" and bypass:
            k = "bypass_document_validation"
        if cursor and k in _CURSOR_NAMES:
            k = _CURSOR_NAMES[k]
        out[_RENAME.get(k, k) if cursor or k != "batchSize" else k] = v
    return out


def _update_result(r) -> dict:
    if not r.acknowledged:
        return {"acknowledged": False}
    out = {"matchedCount": r.matched_count, "modifiedCount": r.modified_count,
           "upsertedCount": 0 if r.upserted_id is None else 1}
    if r.upserted_id is not None:
        out["upsertedId"] = r.upserted_id
    return out


def _bulk_result(r) -> dict:
    if not r.acknowledged:
        return {"acknowledged": False}
    return {"deletedCount": r.deleted_count, "insertedCount": r.inserted_count, "matchedCount": r.matched_count,
            "modifiedCount": r.modified_count, "upsertedCount": r.upserted_count,
            "upsertedIds": {str(k): v for k, v in r.upserted_ids.items()}, "insertedIds": _UNSET}


def _request(req: dict):
    (name, a), = req.items()
    a = dict(a)
    if name == "insertOne":
        return InsertOne(a["document"])
    kw = {}
    for k in ("upsert", "collation", "hint", "sort"):
        if k in a:
            kw[k] = a[k] if k != "sort" else a[k]
    if "arrayFilters" in a:
        kw["array_filters"] = a["arrayFilters"]
    if name == "updateOne":
        return UpdateOne(a["filter"], a["update"], **kw)
    if name == "updateMany":
        return UpdateMany(a["filter"], a["update"], **kw)
    if name == "replaceOne":
        return ReplaceOne(a["filter"], a["replacement"], **kw)
    if name == "deleteOne":
        return DeleteOne(a["filter"], **kw)
    if name == "deleteMany":
        return DeleteMany(a["filter"], **kw)
    raise NotApplicable(f"bulk request {name}")


def run_collection_op(coll, name: str, args: dict) -> Any:
    a = dict(args)
    if name == "aggregate":
        return list(coll.aggregate(a.pop("pipeline"), **_kw(a, bypass=False)))
    if name == "find":
        return list(coll.find(a.pop("filter", {}), **_kw(a, cursor=True)))
    if name == "findOne":
        return coll.find_one(a.pop("filter", {}), **_kw(a, cursor=True))
    if name == "countDocuments":
        return coll.count_documents(a.pop("filter"), **_kw(a))
    if name == "estimatedDocumentCount":
        return coll.estimated_document_count(**_kw(a))
    if name == "distinct":
        return coll.distinct(a.pop("fieldName"), a.pop("filter", None), **_kw(a))
    if name == "insertOne":
        return {"insertedId": coll.insert_one(a.pop("document"), **_kw(a)).inserted_id}
    if name == "insertMany":
        r = coll.insert_many(a.pop("documents"), **_kw(a))
        return {"insertedIds": {str(i): v for i, v in enumerate(r.inserted_ids)}}
    if name in ("updateOne", "updateMany"):
        fn = coll.update_one if name == "updateOne" else coll.update_many
        return _update_result(fn(a.pop("filter"), a.pop("update"), **_kw(a)))
    if name == "replaceOne":
        return _update_result(coll.replace_one(a.pop("filter"), a.pop("replacement"), **_kw(a)))
    if name in ("deleteOne", "deleteMany"):
        fn = coll.delete_one if name == "deleteOne" else coll.delete_many
        r = fn(a.pop("filter"), **_kw(a))
        return {"deletedCount": r.deleted_count} if r.acknowledged else {"acknowledged": False}
    if name == "findOneAndUpdate":
        return coll.find_one_and_update(a.pop("filter"), a.pop("update"), **_kw(a, bypass=False))
    if name == "findOneAndReplace":
        return coll.find_one_and_replace(a.pop("filter"), a.pop("replacement"), **_kw(a, bypass=False))
    if name == "findOneAndDelete":
        return coll.find_one_and_delete(a.pop("filter"), **_kw(a))
    if name == "bulkWrite":
        reqs = [_request(r) for r in a.pop("requests")]
        return _bulk_result(coll.bulk_write(reqs, **_kw(a)))
    if name == "createIndex":
        keys = list(a.pop("keys").items())
        return coll.create_index(keys, **_kw(a))
    if name == "dropIndex":
        return coll.drop_index(a.pop("name"), **_kw(a))
    if name == "dropIndexes":
        return coll.drop_indexes(**_kw(a))
    if name == "listIndexes":
        return list(coll.list_indexes(**_kw(a, cursor=True)))
    if name == "listIndexNames":
        return [ix["name"] for ix in coll.list_indexes(**_kw(a, cursor=True))]
    if name == "rename":
        return coll.rename(a.pop("to"), **a)
    if name == "createFindCursor":
        return coll.find(a.pop("filter", {}), **_kw(a, cursor=True))
    if name == "createChangeStream":
        return coll.watch(a.pop("pipeline", None), **_watch_kw(a))
    if name in ("count", "mapReduce"):
        raise NotApplicable(f"pymongo 4 has no {name} helper")
    raise NotApplicable(f"operation {name}")


_WATCH = {"fullDocument": "full_document", "fullDocumentBeforeChange": "full_document_before_change",
          "resumeAfter": "resume_after", "startAfter": "start_after", "startAtOperationTime": "start_at_operation_time",
          "batchSize": "batch_size", "maxAwaitTimeMS": "max_await_time_ms", "collation": "collation",
          "comment": "comment", "showExpandedEvents": "show_expanded_events", "session": "session"}


def _watch_kw(args: dict) -> dict:
    out = {}
    for k, v in args.items():
        if k not in _WATCH:
            raise NotApplicable(f"change stream option {k}")
        out[_WATCH[k]] = v
    return out


def run_client_op(client, name: str, args: dict) -> Any:
    a = dict(args)
    if name in ("listDatabases", "listDatabaseObjects"):
        return list(client.list_databases(**_kw(a)))
    if name == "listDatabaseNames":
        return client.list_database_names(**_kw(a))
    if name == "createChangeStream":
        return client.watch(a.pop("pipeline", None), **_watch_kw(a))
    raise NotApplicable(f"operation {name} on a client")


def iterate_once(cursor) -> Any:
    """The next document if the server has one now (one getMore at most), else None."""
    if hasattr(cursor, "try_next"):
        return cursor.try_next()
    return next(cursor, None)


def iterate_until_document(cursor, seconds: float = 1.0) -> Any:
    """The next document, waiting for one (a change stream waits on the server in getMores)."""
    import time

    if not hasattr(cursor, "try_next"):
        return next(cursor)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        doc = cursor.try_next()
        if doc is not None:
            return doc
        if not cursor.alive:
            raise StopIteration
    raise Mismatch(f"no document within {seconds} s")


def run_cursor_op(cursor, name: str, args: dict) -> Any:
    if name == "iterateUntilDocumentOrError":
        return iterate_until_document(cursor)
    if name == "iterateOnce":
        return iterate_once(cursor)
    if name == "close":
        return cursor.close()
    raise NotApplicable(f"operation {name} on a cursor")


def run_bucket_op(bucket, name: str, args: dict) -> Any:
    a = dict(args)
    if name == "upload":
        kw = {"chunk_size_bytes": a.pop("chunkSizeBytes")} if "chunkSizeBytes" in a else {}
        if "metadata" in a:
            kw["metadata"] = a.pop("metadata")
        a.pop("disableMD5", None)  # pymongo 4 never computes md5
        if "contentType" in a:
            raise NotApplicable("GridFS contentType (deprecated, unsupported by pymongo 4)")
        return bucket.upload_from_stream(a.pop("filename"), a.pop("source"), session=a.pop("session", None), **kw)
    if name == "download":
        return bucket.open_download_stream(a.pop("id"), session=a.pop("session", None)).read()
    if name == "downloadByName":
        return bucket.open_download_stream_by_name(a.pop("filename"), revision=a.pop("revision", -1),
                                                   session=a.pop("session", None)).read()
    if name == "delete":
        return bucket.delete(a.pop("id"), session=a.pop("session", None))
    if name == "deleteByName":
        return bucket.delete_by_name(a.pop("filename"), session=a.pop("session", None))
    if name == "rename":
        return bucket.rename(a.pop("id"), a.pop("newFilename"), session=a.pop("session", None))
    if name == "renameByName":
        return bucket.rename_by_name(a.pop("filename"), a.pop("newFilename"), session=a.pop("session", None))
    if name == "drop":
        return bucket.drop(session=a.pop("session", None))
    raise NotApplicable(f"GridFS operation {name}")


def _hex_bytes(value: Any) -> Any:
    """Arguments with {$$hexBytes: "..."} as the bytes they stand for."""
    if isinstance(value, dict):
        if list(value) == ["$$hexBytes"]:
            return bytes.fromhex(value["$$hexBytes"])
        return {k: _hex_bytes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hex_bytes(v) for v in value]
    return value


def _write_concern(spec: dict) -> WriteConcern:
    names = {"journal": "j", "wtimeoutMS": "wtimeout"}
    return WriteConcern(**{names.get(k, k): v for k, v in spec.items()})


def _collection_options(opts: dict) -> dict:
    out = {}
    for k, v in (opts or {}).items():
        if k == "writeConcern":
            out["write_concern"] = _write_concern(v)
        elif k == "readConcern":
            out["read_concern"] = ReadConcern(v.get("level"))
        elif k == "readPreference":
            from pymongo.read_preferences import read_pref_mode_from_name, make_read_preference

            if v.get("mode") == "secondary":  # server selection would wait for a member that never comes
                raise NotApplicable("needs a secondary member (dotdo is a one-member replica set)")

            out["read_preference"] = make_read_preference(read_pref_mode_from_name(v["mode"]), v.get("tagSets"),
                                                          v.get("maxStalenessSeconds", -1))
        else:
            raise NotApplicable(f"collection option {k}")
    return out


def _transaction_options(opts: dict) -> dict:
    out = {}
    for k, v in opts.items():
        if k == "readConcern":
            out["read_concern"] = ReadConcern(v.get("level"))
        elif k == "writeConcern":
            out["write_concern"] = _write_concern(v)
        elif k == "readPreference":
            if v.get("mode") == "secondary":  # server selection would wait for a member that never comes
                raise NotApplicable("needs a secondary member (dotdo is a one-member replica set)")
            out.update(_collection_options({k: v}))
        elif k == "maxCommitTimeMS":
            out["max_commit_time_ms"] = v
        else:
            raise NotApplicable(f"transaction option {k}")
    return out


_URI_OPTIONS = {"appName": "appname", "retryReads": "retryReads", "retryWrites": "retryWrites", "w": "w",
                "readConcernLevel": "readConcernLevel", "heartbeatFrequencyMS": "heartbeatFrequencyMS"}


def _client_options(entity: dict) -> dict:
    """pymongo options for a client entity (useMultipleMongoses means nothing with one server)."""
    out = {}
    for k, v in (entity.get("uriOptions") or {}).items():
        if k not in _URI_OPTIONS:
            raise NotApplicable(f"client uriOption {k}")
        out[_URI_OPTIONS[k]] = v
    if "serverApi" in entity:
        from pymongo.server_api import ServerApi

        api = entity["serverApi"]
        out["server_api"] = ServerApi(api["version"], strict=api.get("strict"),
                                      deprecation_errors=api.get("deprecationErrors"))
    for k in entity:
        if k not in ("id", "uriOptions", "serverApi", "observeEvents", "ignoreCommandMonitoringEvents",
                     "useMultipleMongoses", "observeSensitiveCommands"):
            raise NotApplicable(f"client entity option {k}")
    return out


def _start_session(client, opts: dict):
    kw = {}
    for k, v in opts.items():
        if k == "causalConsistency":
            kw["causal_consistency"] = v
        elif k == "defaultTransactionOptions":
            kw["default_transaction_options"] = TransactionOptions(**_transaction_options(v))
        elif k == "snapshot":
            kw["snapshot"] = v
        else:
            raise NotApplicable(f"session option {k}")
    return client.start_session(**kw)


class UnifiedTest:
    def __init__(self, spec: dict, test: dict, make_client) -> None:
        self.spec = spec
        self.test = test
        self.make_client = make_client
        self.entities: dict[str, Any] = {}
        self.listeners: dict[str, Listener] = {}
        self.clients: list = []
        self.sessions: list = []
        self.failpoints: list[tuple[Any, str]] = []  # (client, fail point) to turn off afterwards
        self.setup = None
        self.in_callback = 0  # inside a withTransaction callback

    def run(self) -> None:
        if "skipReason" in self.test:
            raise NotApplicable(self.test["skipReason"])
        for reqs in (self.spec.get("runOnRequirements"), self.test.get("runOnRequirements")):
            why = requirements_met(reqs)
            if why:
                raise NotApplicable(why)
        try:
            self._kill_all_sessions()
            self._entities()
            self._initial_data()
            for ln in self.listeners.values():
                ln.events.clear()
            for op in self.test["operations"]:
                self._operation(op)
            self._events()
            self._outcome()
        finally:
            for client, name in self.failpoints:
                client.admin.command({"configureFailPoint": name, "mode": "off"})
            for sess in self.sessions:
                sess.end_session()
            for c in self.clients:
                c.close()

    def _entities(self) -> None:
        self._create_entities(self.spec.get("createEntities", []))

    def _create_entities(self, entities: list) -> None:
        for ent in entities:
            (kind, e), = ent.items()
            if e["id"] in self.entities:
                raise Mismatch(f"entity {e['id']} already exists")
            if kind == "client":
                ln = Listener(e.get("observeEvents", []), e.get("ignoreCommandMonitoringEvents", []))
                client = self.make_client(event_listeners=[ln], **_client_options(e))
                self.clients.append(client)
                self.listeners[e["id"]] = ln
                self.entities[e["id"]] = client
            elif kind == "bucket":
                import gridfs

                opts = dict(e.get("bucketOptions") or {})
                kw = {"bucket_name": opts.pop("bucketName")} if "bucketName" in opts else {}
                if "chunkSizeBytes" in opts:
                    kw["chunk_size_bytes"] = opts.pop("chunkSizeBytes")
                kw.update(_collection_options(opts))
                self.entities[e["id"]] = gridfs.GridFSBucket(self.entities[e["database"]], **kw)
            elif kind == "database":
                client = self.entities[e["client"]]
                self.entities[e["id"]] = client.get_database(e["databaseName"],
                                                             **_collection_options(e.get("databaseOptions")))
            elif kind == "collection":
                db = self.entities[e["database"]]
                self.entities[e["id"]] = db.get_collection(e["collectionName"],
                                                           **_collection_options(e.get("collectionOptions")))
            elif kind == "session":
                session = _start_session(self.entities[e["client"]], e.get("sessionOptions") or {})
                self.entities[e["id"]] = session
                self.entities[f"{e['id']} lsid"] = _plain(session.session_id)  # still known after endSession
                self.sessions.append(session)
            else:
                raise NotApplicable(f"entity {kind}")

    def _setup_client(self):
        """A client without listeners for the runner's own commands."""
        if self.setup is None:
            self.setup = self.make_client()
            self.clients.append(self.setup)
        return self.setup

    def _kill_all_sessions(self) -> None:
        """Transactions a previous test left open end before this one (the format asks for it)."""
        try:
            self._setup_client().admin.command({"killAllSessions": []})
        except OperationFailure as e:
            if e.code != 11601:  # Interrupted: the runner's own session was killed, as expected
                raise

    def _initial_data(self) -> None:
        if not self.spec.get("initialData"):
            return
        setup = self._setup_client()
        for data in self.spec["initialData"]:
            db = setup[data["databaseName"]]
            db.drop_collection(data["collectionName"])
            db.create_collection(data["collectionName"], **(data.get("createOptions") or {}))
            if data["documents"]:
                db[data["collectionName"]].insert_many(data["documents"])

    def _operation(self, op: dict) -> None:
        name, target, args = op["name"], op["object"], dict(op.get("arguments", {}))
        if target == "testRunner":
            return self._runner_op(name, args)
        if "session" in args:
            args["session"] = self.entities[args["session"]]
        args = _hex_bytes(args)
        for key in ("id", "resumeAfter", "startAfter"):  # arguments that name a saved entity's value
            if isinstance(args.get(key), str) and args[key] in self.entities:
                args[key] = self.entities[args[key]]
        obj = self.entities[target]
        expect_error = op.get("expectError")
        try:
            result = self._dispatch(obj, name, args)
        except NotApplicable:
            raise
        except (PyMongoError, TypeError, ValueError, StopIteration) as e:
            if expect_error is None:
                if op.get("ignoreResultAndError") and not self.in_callback:
                    return
                raise
            self._check_error(expect_error, e)
            if self.in_callback:
                raise  # withTransaction decides what the callback's error means (retry or abort)
            return
        if expect_error is not None:
            raise Mismatch(f"{name}: expected an error {expect_error}, got result {result!r}")
        if "expectResult" in op:
            match(op["expectResult"], result, self.entities, True, name)
        if "saveResultAsEntity" in op:
            self.entities[op["saveResultAsEntity"]] = result

    def _dispatch(self, obj: Any, name: str, args: dict) -> Any:
        import gridfs
        from pymongo.change_stream import ChangeStream
        from pymongo.collection import Collection
        from pymongo.command_cursor import CommandCursor
        from pymongo.cursor import Cursor
        from pymongo.database import Database

        if isinstance(obj, Collection):
            return run_collection_op(obj, name, args)
        if isinstance(obj, Database):
            return self._database_op(obj, name, args)
        if isinstance(obj, ClientSession):
            return self._session_op(obj, name, args)
        if isinstance(obj, pymongo.MongoClient):
            return run_client_op(obj, name, args)
        if isinstance(obj, (ChangeStream, CommandCursor, Cursor)):
            return run_cursor_op(obj, name, args)
        if isinstance(obj, gridfs.GridFSBucket):
            return run_bucket_op(obj, name, args)
        raise NotApplicable(f"operation {name} on {type(obj).__name__}")

    def _session_op(self, session, name: str, args: dict) -> Any:
        if name == "startTransaction":
            return session.start_transaction(**_transaction_options(args))
        if name == "commitTransaction":
            return session.commit_transaction()
        if name == "abortTransaction":
            return session.abort_transaction()
        if name == "endSession":
            return session.end_session()
        if name == "withTransaction":
            callback = args.pop("callback")

            def run(_session):
                self.in_callback += 1
                try:
                    for op in callback:
                        self._operation(op)
                finally:
                    self.in_callback -= 1

            return session.with_transaction(run, **_transaction_options(args))
        raise NotApplicable(f"session operation {name}")

    def _runner_op(self, name: str, args: dict) -> None:
        if name == "assertSessionTransactionState":
            from pymongo.client_session_shared import _TxnState

            code = self.entities[args["session"]]._transaction.state
            state = next(k.lower() for k, v in vars(_TxnState).items() if v == code and not k.startswith("_"))
            want = args["state"]
            if state != want and not (want == "committed" and state == "committed_empty"):
                raise Mismatch(f"session transaction state {state}, expected {want}")
            return
        if name in ("failPoint", "targetedFailPoint"):  # one server: a targeted fail point is a fail point
            client = self.entities[args["client"]] if "client" in args else \
                self.entities[args["session"]].client
            point = args["failPoint"]
            client.admin.command(point)
            self.failpoints.append((client, point["configureFailPoint"]))
            return
        if name == "createEntities":
            return self._create_entities(args["entities"])
        if name in ("assertSessionDirty", "assertSessionNotDirty"):
            dirty = self.entities[args["session"]]._server_session.dirty
            if dirty != (name == "assertSessionDirty"):
                raise Mismatch(f"{name}: the session's dirty flag is {dirty}")
            return
        if name in ("assertSameLsidOnLastTwoCommands", "assertDifferentLsidOnLastTwoCommands"):
            started = [ev for kind, ev in self.listeners[args["client"]].events if kind == "commandStartedEvent"]
            first, second = (_plain(ev.command["lsid"]) for ev in started[-2:])
            if (first == second) != (name == "assertSameLsidOnLastTwoCommands"):
                raise Mismatch(f"{name}: {first} vs {second}")
            return
        if name in ("assertSessionPinned", "assertSessionUnpinned"):
            pinned = self.entities[args["session"]]._pinned_address is not None
            if pinned != (name == "assertSessionPinned"):
                raise Mismatch(f"{name}: pinned is {pinned}")
            return
        if name in ("assertCollectionExists", "assertCollectionNotExists", "assertIndexExists",
                    "assertIndexNotExists"):
            check = self._setup_client()
            db = check[args["databaseName"]]
            if "Index" in name:
                names = [ix["name"] for ix in db[args["collectionName"]].list_indexes()]
                present = args["indexName"] in names
            else:
                present = args["collectionName"] in db.list_collection_names()
            if present != ("Not" not in name):
                raise Mismatch(f"{name} failed for {args}")
            return
        raise NotApplicable(f"testRunner operation {name}")

    def _database_op(self, db, name: str, args: dict) -> Any:
        a = dict(args)
        if name == "runCommand":
            a.pop("commandName", None)
            if "readPreference" in a:
                a["read_preference"] = _collection_options({"readPreference": a.pop("readPreference")})[
                    "read_preference"]
            return db.command(a.pop("command"), **a)
        if name == "aggregate":
            return list(db.aggregate(a.pop("pipeline"), **_kw(a)))
        if name == "dropCollection":
            return db.drop_collection(a.pop("collection"), **a)
        if name == "createCollection":
            return db.create_collection(a.pop("collection"), check_exists=False, **a)
        if name == "modifyCollection":
            return db.command("collMod", a.pop("collection"), **a)
        if name in ("listCollections", "listCollectionObjects"):
            return list(db.list_collections(filter=a.pop("filter", None), **_kw(a, cursor=True)))
        if name == "listCollectionNames":
            return db.list_collection_names(filter=a.pop("filter", None), **_kw(a, cursor=True))
        if name == "createChangeStream":
            return db.watch(a.pop("pipeline", None), **_watch_kw(a))
        if name in ("runCursorCommand", "createCommandCursor"):
            a.pop("commandName", None)
            kw = {}
            for k, key in (("maxTimeMS", "max_await_time_ms"), ("comment", "comment"),
                           ("session", "session"), ("cursorType", None), ("timeoutMode", None)):
                if k in a:
                    if key is None:
                        raise NotApplicable(f"runCursorCommand option {k}")
                    kw[key] = a.pop(k)
            cursor = db.cursor_command(a.pop("command"), **kw)
            if "batchSize" in a:  # the getMores' batch size
                cursor.batch_size(a.pop("batchSize"))
            return list(cursor) if name == "runCursorCommand" else cursor
        raise NotApplicable(f"database operation {name}")

    def _check_error(self, exp: dict, e: Exception) -> None:
        server = isinstance(e, OperationFailure)
        if exp.get("isClientError") is True and server:
            raise Mismatch(f"expected a client error, got server error {e}")
        if exp.get("isClientError") is False and not server:
            raise Mismatch(f"expected a server error, got {e!r}")
        if "errorContains" in exp and exp["errorContains"].lower() not in str(e).lower():
            raise Mismatch(f"error {e} does not contain {exp['errorContains']!r}")
        if "errorCode" in exp:
            code = getattr(e, "code", None)
            if code != exp["errorCode"]:
                raise Mismatch(f"expected error code {exp['errorCode']}, got {code} ({e})")
        if "errorCodeName" in exp:
            name = (getattr(e, "details", None) or {}).get("codeName")
            if name != exp["errorCodeName"]:
                raise Mismatch(f"expected codeName {exp['errorCodeName']}, got {name}")
        if "expectResult" in exp:
            if not isinstance(e, BulkWriteError):
                raise Mismatch(f"expected a bulk write error with a partial result, got {e!r}")
            from pymongo.results import BulkWriteResult

            match(exp["expectResult"], _bulk_result(BulkWriteResult(e.details, True)), self.entities)
        for label in exp.get("errorLabelsContain", []):
            if not getattr(e, "has_error_label", lambda _: False)(label):
                raise Mismatch(f"error {e!r} lacks the label {label}")
        for label in exp.get("errorLabelsOmit", []):
            if getattr(e, "has_error_label", lambda _: False)(label):
                raise Mismatch(f"error {e!r} has the label {label}")
        if "errorResponse" in exp:
            match(exp["errorResponse"], getattr(e, "details", None) or {}, self.entities)
        if "writeErrors" in exp or "writeConcernErrors" in exp:
            raise NotApplicable("writeErrors expectations (client bulk write)")

    def _events(self) -> None:
        for spec in self.test.get("expectEvents", []):
            if spec.get("eventType", "command") != "command":
                raise NotApplicable(f"{spec['eventType']} events")
            actual = self.listeners[spec["client"]].events
            expected = spec["events"]
            if spec.get("ignoreExtraEvents"):
                actual = actual[:len(expected)]
            if len(actual) != len(expected):
                raise Mismatch(f"expected {len(expected)} events {[list(e.values())[0].get('commandName') for e in expected]}, "
                               f"got {[(k, ev.command_name) for k, ev in actual]}")
            for (kind, ev), exp in zip(actual, expected):
                (ekind, body), = exp.items()
                if ekind != kind:
                    raise Mismatch(f"expected {ekind}, got {kind} {ev.command_name}")
                if "commandName" in body and body["commandName"] != ev.command_name:
                    raise Mismatch(f"expected command {body['commandName']}, got {ev.command_name}")
                if "databaseName" in body and body["databaseName"] != ev.database_name:
                    raise Mismatch(f"expected database {body['databaseName']}, got {ev.database_name}")
                if "command" in body:
                    match(body["command"], _plain(ev.command), self.entities, True, ev.command_name)
                if "reply" in body:
                    match(body["reply"], _plain(ev.reply), self.entities, True, ev.command_name)
                if "hasServerConnectionId" in body and body["hasServerConnectionId"] != (
                        ev.server_connection_id is not None):
                    raise Mismatch(f"{ev.command_name}: serverConnectionId is {ev.server_connection_id}")
                if "hasServiceId" in body and body["hasServiceId"] != (ev.service_id is not None):
                    raise Mismatch(f"{ev.command_name}: serviceId is {ev.service_id}")

    def _outcome(self) -> None:
        if not self.test.get("outcome"):
            return
        check = self._setup_client()
        for data in self.test["outcome"]:
            coll = check[data["databaseName"]][data["collectionName"]]
            actual = list(coll.find({}, sort=[("_id", 1)]))
            expected = data["documents"]
            if len(actual) != len(expected):
                raise Mismatch(f"outcome: expected {expected!r}, got {actual!r}")
            for e, a in zip(expected, actual):
                match(e, a, self.entities, False, "outcome")


def _plain(doc: Any) -> Any:
    """SON and RawBSON from the monitoring events as plain dicts."""
    if isinstance(doc, dict) or hasattr(doc, "items"):
        return {k: _plain(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_plain(x) for x in doc]
    return doc


def all_tests(suite: str = "crud") -> list[tuple[str, str, dict, dict]]:
    """Every test of one spec suite's unified vectors (crud, transactions)."""
    out = []
    for path in sorted((VECTORS / suite / "unified").glob("*.json")):
        spec = load(path)
        for test in spec["tests"]:
            out.append((path.name, test["description"], spec, test))
    return out


def case_id(file: str, description: str) -> str:
    return f"{file[:-5]}::{re.sub(r'[^A-Za-z0-9_.$-]+', '_', description)}"


def _known_failures() -> dict[str, str]:
    known = {}
    for line in (Path(__file__).parent / "known_failures.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, why = line.partition("  # ")
            known[key.strip()] = why.strip() or "known failure"
    return known


KNOWN = _known_failures()


def run_case(file: str, description: str, spec: dict, test: dict, make_client) -> None:
    """One spec test as a pytest case: skipped when it does not apply, xfailed when listed in
    known_failures.txt (and failed when a listed test starts passing)."""
    import pytest

    key = case_id(file, description)
    try:
        UnifiedTest(spec, test, make_client).run()
    except NotApplicable as e:
        pytest.skip(f"not applicable: {e}")
    except Exception as e:
        if key in KNOWN:
            pytest.xfail(f"{KNOWN[key]} ({type(e).__name__})")
        raise
    if key in KNOWN:
        pytest.fail(f"listed in known_failures.txt but passes now: remove it ({KNOWN[key]})")


def client_factory(tmp_path_factory, name: str):
    """make_client(**pymongo options) for a suite: genuine pymongo clients on one data directory."""
    from dotdo_mongo import MongoClient

    data = str(tmp_path_factory.mktemp(name))

    def make(**kw):
        # Not a direct connection: pymongo discovers the one-member replica set as it would a real one.
        kw.setdefault("directConnection", False)
        return MongoClient(data=data, **kw)

    return make


__all__ = ["SUITES", "UnifiedTest", "NotApplicable", "Mismatch", "all_tests", "case_id", "client_factory", "run_case",
           "json"]
