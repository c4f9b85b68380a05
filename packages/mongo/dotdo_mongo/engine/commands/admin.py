"""Handshake, server facts, sessions and database-level commands."""
from __future__ import annotations

import datetime
import os
import platform
import time

from bson import Int64

from dotdo_core.auth import has_users
from dotdo_core.scram import MECHANISM

from ..engine import Ctx, command
from ..errors import MongoError

MAX_WIRE_VERSION = 21  # MongoDB 7.0
VERSION = "7.0.0"
STARTED = time.time()
LOGICAL_SESSION_TIMEOUT_MINUTES = 30
SET_NAME = "dotdo"


@command("hello", "isMaster")
def hello(ctx: Ctx) -> dict:
    reply = {
        "isWritablePrimary" if ctx.name == "hello" else "ismaster": True,
        "maxBsonObjectSize": 16 * 1024 * 1024,
        "maxMessageSizeBytes": 48_000_000,
        "maxWriteBatchSize": 100_000,
        "localTime": datetime.datetime.now(datetime.timezone.utc),
        "logicalSessionTimeoutMinutes": LOGICAL_SESSION_TIMEOUT_MINUTES,
        "connectionId": getattr(ctx.connection, "id", 0),
        "minWireVersion": 0,
        "maxWireVersion": MAX_WIRE_VERSION,
        "readOnly": False,
    }
    # A one-member replica set (its own primary): what pymongo needs to send retryable-write
    # txnNumbers and to run transactions. `me` is the address this client reached.
    me = _address(ctx.connection)
    if me is not None:
        reply.update({"setName": SET_NAME, "setVersion": 1, "hosts": [me], "primary": me, "me": me,
                      "secondary": False})
    _remember_app_name(ctx)
    if ctx.body.get("helloOk"):
        reply["helloOk"] = True
    if ctx.body.get("compression"):
        pass  # no compressor is offered back: the client then sends uncompressed messages
    if "saslSupportedMechs" in ctx.body and has_users(ctx.engine.store):
        # The same answer for every name: whether a user exists is not revealed before it authenticates.
        reply["saslSupportedMechs"] = [MECHANISM]
    return reply


def _remember_app_name(ctx: Ctx) -> None:
    """The handshake's client.application.name, which failCommand's appName matches."""
    client = ctx.body.get("client")
    app = client.get("application") if isinstance(client, dict) else None
    name = app.get("name") if isinstance(app, dict) else None
    if isinstance(name, str) and ctx.connection is not None:
        ctx.connection.app_name = name


@command("configureFailPoint")
def configure_fail_point(ctx: Ctx) -> dict:
    if ctx.db != "admin":
        raise MongoError(13, "configureFailPoint may only be run against the admin database.")
    return ctx.engine.failpoints.configure(ctx.body)


def _address(connection) -> str | None:
    transport = getattr(connection, "transport", None)
    sock = transport.get_extra_info("sockname") if transport is not None else None
    if not isinstance(sock, tuple) or len(sock) < 2:
        return None  # a unix socket: no replica-set identity to advertise
    host = sock[0]
    return f"[{host}]:{sock[1]}" if ":" in host else f"{host}:{sock[1]}"


@command("ping")
def ping(ctx: Ctx) -> dict:
    return {}


@command("buildInfo")
def build_info(ctx: Ctx) -> dict:
    return {
        "version": VERSION,
        "gitVersion": "dotdo",
        "versionArray": [int(x) for x in VERSION.split(".")] + [0],
        "bits": 64,
        "debug": False,
        "maxBsonObjectSize": 16 * 1024 * 1024,
        "storageEngines": ["dotdo-sqlite"],
        "modules": [],
        "javascriptEngine": "none",
        "sysInfo": "deprecated",
        "allocator": "system",
        "openssl": {"running": "disabled"},
        "buildEnvironment": {"target_os": platform.system().lower(), "target_arch": platform.machine()},
    }


@command("serverStatus")
def server_status(ctx: Ctx) -> dict:
    return {
        "host": platform.node(),
        "version": VERSION,
        "process": "dotdo",
        "pid": Int64(os.getpid()),
        "uptime": float(int(time.time() - STARTED)),
        "uptimeMillis": Int64(int((time.time() - STARTED) * 1000)),
        "localTime": datetime.datetime.now(datetime.timezone.utc),
        "storageEngine": {"name": "dotdo-sqlite", "supportsCommittedReads": True, "persistent": not ctx.engine.store.memory},
    }


@command("hostInfo")
def host_info(ctx: Ctx) -> dict:
    return {"system": {"hostname": platform.node(), "cpuArch": platform.machine(), "numCores": os.cpu_count()},
            "os": {"type": platform.system(), "name": platform.platform()}}


@command("connectionStatus")
def connection_status(ctx: Ctx) -> dict:
    return {"authInfo": {"authenticatedUsers": [], "authenticatedUserRoles": []}}


@command("getCmdLineOpts")
def cmd_line_opts(ctx: Ctx) -> dict:
    return {"argv": ["dotdo", "serve", "mongo"], "parsed": {"storage": {"dbPath": ctx.engine.store.path}}}


@command("whatsmyuri")
def whatsmyuri(ctx: Ctx) -> dict:
    return {"you": "127.0.0.1:0"}


@command("getLog")
def get_log(ctx: Ctx) -> dict:
    if ctx.arg == "*":
        return {"names": ["startupWarnings"]}
    return {"totalLinesWritten": 0, "log": []}


@command("endSessions", "killSessions")
def end_sessions(ctx: Ctx) -> dict:
    if not isinstance(ctx.arg, list):
        raise MongoError(14, f"BSON field '{ctx.name}.{ctx.name}' is the wrong type, expected type 'array'")
    ctx.engine.sessions.end(ctx.arg)
    ctx.engine.transactions.end_sessions(
        [bytes(s["id"]) for s in ctx.arg if isinstance(s, dict) and s.get("id") is not None])
    return {}


@command("killAllSessions")
def kill_all_sessions(ctx: Ctx) -> dict:
    """An empty pattern list kills every session: their transactions abort. (Patterns name users;
    sessions here belong to no authenticated user, so a non-empty list matches none.)"""
    if not isinstance(ctx.arg, list):
        raise MongoError(14, "BSON field 'killAllSessions.killAllSessions' is the wrong type, expected type 'array'")
    if not ctx.arg:
        transactions = ctx.engine.transactions
        transactions.end_sessions(list(transactions.by_session))
        ctx.engine.sessions.end([{"id": sid} for sid, _ in list(ctx.engine.sessions.listing_ids())])
    return {}


@command("refreshSessions")
def refresh_sessions(ctx: Ctx) -> dict:
    if not isinstance(ctx.arg, list):
        raise MongoError(14, "BSON field 'refreshSessions.refreshSessions' is the wrong type, expected type 'array'")
    for lsid in ctx.arg:
        ctx.engine.sessions.touch(lsid)
    return {}


@command("startSession")
def start_session(ctx: Ctx) -> dict:
    import uuid

    from bson import Binary

    return {"id": {"id": Binary(uuid.uuid4().bytes, 4)}, "timeoutMinutes": LOGICAL_SESSION_TIMEOUT_MINUTES}


@command("listDatabases")
def list_databases(ctx: Ctx) -> dict:
    if ctx.db != "admin":
        raise MongoError(13, "listDatabases may only be run against the admin database.")
    dbs = []
    total = 0
    flt = ctx.body.get("filter")
    for name in sorted(ctx.engine.database_names()):
        dbs_ = ctx.engine.database(name)
        if dbs_ is None:
            continue
        with dbs_.shard.reader() as conn:
            if not dbs_.has_collections(conn):
                continue  # as on mongod, a database exists while it has a collection or view
        size = sum(s.size_bytes() for s in dbs_.ns.shards)
        total += size
        entry = {"name": name, "sizeOnDisk": Int64(size), "empty": size == 0}
        if flt:
            from ..common.filter import compile_filter

            if not compile_filter(flt)(entry):
                continue
        dbs.append(entry)
    if ctx.body.get("nameOnly"):
        return {"databases": [{"name": d["name"]} for d in dbs]}
    return {"databases": dbs, "totalSize": Int64(total), "totalSizeMb": Int64(total >> 20)}


@command("dropDatabase")
def drop_database(ctx: Ctx) -> dict:
    from ...storage import ns_name
    from ..change_streams import emit_ddl

    dbs = ctx.engine.database(ctx.db)
    if dbs is not None:
        # As mongod: a drop event for each collection, then the database's; every stream on the
        # database is handed what it has not read, since the records go with the database's files.
        with dbs.shard.write() as tx:
            for name, uuid, options, _ in list(dbs.collection_rows(tx.conn)):
                emit_ddl(tx, name, "drop", None if "viewOn" in options else uuid)
            emit_ddl(tx, "", "dropDatabase", None)
        for stream in ctx.engine.cursors.streams():
            stream.before_drop(dbs)
    ctx.engine.forget_database(ctx.db)
    ctx.engine.store.drop_namespace(ns_name(ctx.db, ctx.engine.tenant))
    return {"dropped": ctx.db}


@command("getParameter")
def get_parameter(ctx: Ctx) -> dict:
    params = {"featureCompatibilityVersion": {"version": "7.0"}, "authenticationMechanisms": [],
              "cursorTimeoutMillis": Int64(600_000), "maxBSONDepth": 100}
    if ctx.arg == "*" or ctx.body.get("allParameters"):
        return dict(params)
    out = {k: v for k, v in params.items() if k in ctx.body}
    if not out:
        raise MongoError(72, "no option found to get")
    return out


@command("dbStats")
def db_stats(ctx: Ctx) -> dict:
    dbs = ctx.engine.database(ctx.db)
    if dbs is None:
        return {"db": ctx.db, "collections": 0, "views": 0, "objects": 0, "dataSize": 0.0, "storageSize": 0.0,
                "indexes": 0}
    with dbs.shard.reader() as conn:
        rows = list(dbs.collection_rows(conn))
        objects = sum(dbs.docs.count(conn, r[0]) for r in rows)
    size = float(sum(s.size_bytes() for s in dbs.ns.shards))
    return {"db": ctx.db, "collections": len(rows), "views": 0, "objects": objects, "dataSize": size,
            "storageSize": size, "indexes": sum(len(r[3]) for r in rows)}


@command("collStats")
def coll_stats(ctx: Ctx) -> dict:
    name = ctx.collection_name()
    coll = ctx.engine.collection(ctx.db, name)
    ns = f"{ctx.db}.{name}"
    if coll is None:
        raise MongoError(26, f"Collection [{ns}] not found.")
    if coll.view_on is not None:
        raise MongoError(166, f"Namespace {ns} is a view, not a collection")
    with coll.db.shard.reader() as conn:
        count, size = conn.execute("SELECT count(*), coalesce(sum(length(body)), 0) FROM _docs WHERE coll = ?",
                                   (name,)).fetchone()
    scale = ctx.body.get("scale", 1)
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or scale < 1:
        raise MongoError(2, "scale has to be >= 1")
    out = {"ns": ns, "count": count, "size": int(size // scale), "storageSize": int(size // scale),
           "nindexes": len(coll.index_specs), "capped": coll.capped}
    if count:
        out["avgObjSize"] = int(size // count)
    return out
