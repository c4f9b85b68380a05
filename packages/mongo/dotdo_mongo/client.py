"""Binds the genuine pymongo clients to a dotdo engine for a data directory.

`MongoClient` talks to the engine in-process: pymongo's pool gets an in-process socket
(transport.py) for a sentinel host, so each command runs in the calling thread with no TCP round
trip. `AsyncMongoClient` (and anything that asks for `embedded_port`) reaches the same engine
through an embedded OP_MSG server on 127.0.0.1. One engine and one runtime (the loop that
finishes waiting commands and runs timers) per data directory per process, shared by every
client naming that directory; `:memory:` gives each client its own."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pymongo

from dotdo_core.runtime import Front, Runtime
from dotdo_core.store import MEMORY, Store, resolve_path

from . import transport
from .engine.engine import Engine
from .protocol.connection import MongoConnection
from .server import front


@dataclass
class Endpoint:
    """One data directory's engine in this process, and how clients reach it."""

    engine: Engine
    runtime: Runtime
    host: str  # the sentinel host in-process clients name
    port: int | None = None  # the embedded TCP listener, once something asked for it
    lock: threading.Lock = field(default_factory=threading.Lock)

    def tcp_port(self) -> int:
        with self.lock:
            if self.port is None:
                engine = self.engine
                served = Front(front.name, front.default_port, lambda _store: lambda: MongoConnection(engine),
                               front.description)
                self.port = self.runtime.listen(served, host="127.0.0.1", port=0).port
            return self.port


_endpoints: dict[str, Endpoint] = {}
_lock = threading.Lock()


def endpoint(data: str | None) -> Endpoint:
    """This process's endpoint for `data` (started on first use; `:memory:` is always new)."""
    path = resolve_path(data)
    if path == MEMORY:
        return _start(Store(MEMORY))
    with _lock:
        found = _endpoints.get(path)
        if found is None:
            found = _endpoints[path] = _start(Store.shared(path))
        return found


def embedded_port(data: str | None) -> int:
    """The port of this process's embedded OP_MSG server for `data` (started on first use)."""
    return endpoint(data).tcp_port()


def _start(store: Store) -> Endpoint:
    runtime = Runtime(store).start()
    engine = Engine(store)
    engine.attach(runtime.loop)
    return Endpoint(engine, runtime, transport.register(engine, runtime.loop))


def split_target(host: Any, data: str | None) -> tuple[str | None, str]:
    """(data dir, the part of the user's URI after the hosts and credentials: `/db?options`)."""
    if host is None:
        return data, ""
    if isinstance(host, (list, tuple)):
        host = host[0] if host else None
        return split_target(host, data)
    if not isinstance(host, str):
        raise TypeError(f"host must be a string, not {type(host).__name__}")
    if host.startswith("dotdo://"):
        return (data or host), ""
    if host.startswith(("mongodb://", "mongodb+srv://")):
        rest = host.split("://", 1)[1]
        slash = rest.find("/")
        query = rest.find("?")
        cut = min(x for x in (slash, query, len(rest)) if x >= 0)
        tail = rest[cut:]
        if tail.startswith("?"):
            tail = "/" + tail
        return data, _keep_options(tail)
    return data, ""  # a bare host name: the user's local server becomes the default data dir


# Options that say how to reach and authenticate to the user's server. The embedded server replaces
# that server (its hosts are not contacted either), so they are dropped with the hosts; every other
# option (database, w, readPreference, appname, timeouts, ...) goes to pymongo unchanged.
ROUTING_OPTIONS = {"tls", "ssl", "tlscafile", "tlscertificatekeyfile", "tlscertificatekeyfilepassword",
                   "tlsallowinvalidcertificates", "tlsallowinvalidhostnames", "tlsinsecure", "tlscrlfile",
                   "tlsdisableocspendpointcheck", "replicaset", "authsource", "authmechanism",
                   "authmechanismproperties", "loadbalanced", "directconnection", "srvservicename", "srvmaxhosts"}


def _keep_options(tail: str) -> str:
    path, sep, query = tail.partition("?")
    if not sep:
        return tail
    kept = [kv for kv in query.split("&") if kv and kv.split("=", 1)[0].lower() not in ROUTING_OPTIONS]
    return path + ("?" + "&".join(kept) if kept else "")


def _uri(host: str, port: int, tail: str) -> str:
    return f"mongodb://{host}:{port}{tail or '/'}"


def _kwargs(kwargs: dict) -> dict:
    kwargs = dict(kwargs)
    kwargs.pop("port", None)
    kwargs.setdefault("directConnection", True)
    return kwargs


def MongoClient(host: Any = None, port: Any = None, *, data: str | None = None, **kwargs: Any) -> pymongo.MongoClient:
    """A genuine `pymongo.MongoClient` connected to the embedded dotdo server for `data`
    (default: `dotdo://` path in `host`, else $DOTDO_DATA, else ./.dotdo)."""
    path, tail = split_target(host, data)
    ep = endpoint(path)
    if transport.available():
        return pymongo.MongoClient(_uri(ep.host, transport.PORT, tail), **_kwargs(kwargs))
    return pymongo.MongoClient(_uri("127.0.0.1", ep.tcp_port(), tail), **_kwargs(kwargs))


def AsyncMongoClient(host: Any = None, port: Any = None, *, data: str | None = None, **kwargs: Any):
    """pymongo's `AsyncMongoClient`, bound like `MongoClient`."""
    from pymongo import AsyncMongoClient as _Async

    path, tail = split_target(host, data)
    return _Async(_uri("127.0.0.1", embedded_port(path), tail), **_kwargs(kwargs))


__all__ = ["MongoClient", "AsyncMongoClient", "embedded_port", "endpoint"]
