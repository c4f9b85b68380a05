"""Binds the genuine pymongo clients to an embedded dotdo server.

pymongo has no in-process transport seam, so the engine is served on 127.0.0.1 (a free port)
by a runtime on a background thread: one server per data directory per process, shared by
every client that names that directory. `:memory:` gives each client its own private server."""
from __future__ import annotations

import threading
from typing import Any

import pymongo

from dotdo_core.runtime import Runtime
from dotdo_core.store import MEMORY, Store, resolve_path

from .server import front

_servers: dict[str, tuple[Runtime, int]] = {}
_lock = threading.Lock()


def embedded_port(data: str | None) -> int:
    """The port of this process's embedded server for `data` (started on first use)."""
    path = resolve_path(data)
    if path == MEMORY:
        return _start(Store(MEMORY))[1]
    with _lock:
        found = _servers.get(path)
        if found is None:
            found = _servers[path] = _start(Store.shared(path))
        return found[1]


def _start(store: Store) -> tuple[Runtime, int]:
    runtime = Runtime(store).start()
    listener = runtime.listen(front, host="127.0.0.1", port=0)
    return runtime, listener.port


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


def _uri(port: int, tail: str) -> str:
    return f"mongodb://127.0.0.1:{port}{tail or '/'}"


def _kwargs(kwargs: dict) -> dict:
    kwargs = dict(kwargs)
    kwargs.pop("port", None)
    kwargs.setdefault("directConnection", True)
    return kwargs


def MongoClient(host: Any = None, port: Any = None, *, data: str | None = None, **kwargs: Any) -> pymongo.MongoClient:
    """A genuine `pymongo.MongoClient` connected to the embedded dotdo server for `data`
    (default: `dotdo://` path in `host`, else $DOTDO_DATA, else ./.dotdo)."""
    path, tail = split_target(host, data)
    return pymongo.MongoClient(_uri(embedded_port(path), tail), **_kwargs(kwargs))


def AsyncMongoClient(host: Any = None, port: Any = None, *, data: str | None = None, **kwargs: Any):
    """pymongo's `AsyncMongoClient`, bound like `MongoClient`."""
    from pymongo import AsyncMongoClient as _Async

    path, tail = split_target(host, data)
    return _Async(_uri(embedded_port(path), tail), **_kwargs(kwargs))


__all__ = ["MongoClient", "AsyncMongoClient", "embedded_port"]
