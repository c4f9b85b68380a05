"""Binding the genuine psycopg/psycopg2 clients to dotdo: an embedded server (one runtime per
process per data directory) on a unix socket in the data directory, or 127.0.0.1 when the
store lives in memory or the socket path would be too long."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

from dotdo_core.runtime import Runtime
from dotdo_core.store import MEMORY, Store, resolve_path

from .server import front

_lock = threading.Lock()
_servers: dict[str, "Endpoint"] = {}
MAX_UNIX_PATH = 100


@dataclass
class Endpoint:
    host: str
    port: int
    runtime: Runtime


def endpoint(data: str | None = None, sync: str = "normal") -> Endpoint:
    """The embedded server for data directory `data` in this process, started on first use.
    `sync="full"` fsyncs every commit (power-loss safe); "normal" survives kill -9."""
    path = resolve_path(data)
    with _lock:
        ep = _servers.get(path)
        if ep is not None:
            if ep.runtime.store.sync != sync and path != MEMORY:
                raise ValueError(f"the embedded server for {path} already runs with sync={ep.runtime.store.sync}")
            return ep
        store = Store.shared(path, sync=sync)
        runtime = Runtime(store).start()
        port = 10000 + os.getpid() % 50000  # names this process's socket; several processes may share a directory
        sock = os.path.join(path, f".s.PGSQL.{port}") if path != MEMORY else None
        if sock is not None and len(sock) <= MAX_UNIX_PATH:
            runtime.listen(front, path=sock)
            ep = Endpoint(path, port, runtime)
        else:
            listener = runtime.listen(front, host="127.0.0.1", port=0)
            ep = Endpoint("127.0.0.1", listener.port, runtime)  # type: ignore[arg-type]
        _servers[path] = ep
        return ep


def resolve(dsn: str | None, data: str | None, kwargs: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Connection keywords for the genuine client: the URL's database and user, dotdo's host/port."""
    dbname, user = "postgres", "postgres"
    extra: dict[str, Any] = {}
    if dsn:
        if dsn.startswith("dotdo://"):
            data = data or dsn
        elif dsn.startswith(("postgresql://", "postgres://")):
            u = urlparse(dsn)
            if u.path and u.path != "/":
                dbname = unquote(u.path.lstrip("/"))
            if u.username:
                user = unquote(u.username)
            if u.password:
                extra["password"] = unquote(u.password)  # needed once the data directory has users
        else:
            from psycopg.conninfo import conninfo_to_dict
            d = conninfo_to_dict(dsn)
            dbname = d.pop("dbname", dbname)
            user = d.pop("user", user)
            d.pop("host", None)
            d.pop("port", None)
            extra.update(d)
    dbname = kwargs.pop("dbname", None) or kwargs.pop("database", None) or dbname
    user = kwargs.pop("user", None) or user
    if kwargs.get("password") is not None:
        extra["password"] = kwargs.pop("password")
    for k in ("host", "port", "password", "hostaddr"):
        kwargs.pop(k, None)
    ep = endpoint(data, kwargs.pop("sync", "normal"))
    params = {"host": ep.host, "port": ep.port, "dbname": dbname, "user": user, **extra}
    if ep.host == "127.0.0.1":
        params["sslmode"] = "disable"
    return params, data


def connect(dsn_or_url: str | None = None, *, data: str | None = None, **kwargs: Any):
    """A genuine `psycopg.Connection` to the embedded dotdo PostgreSQL engine, whose statements
    run on the calling thread (protocol/caller.py)."""
    import psycopg

    from .protocol.caller import drive
    params, _ = resolve(dsn_or_url, data, kwargs)
    conn = psycopg.connect(**params, **kwargs)
    drive(conn)
    return conn


async def connect_async(dsn_or_url: str | None = None, *, data: str | None = None, **kwargs: Any):
    """A genuine `psycopg.AsyncConnection` to the embedded dotdo PostgreSQL engine."""
    import psycopg
    params, _ = resolve(dsn_or_url, data, kwargs)
    return await psycopg.AsyncConnection.connect(**params, **kwargs)


def conninfo(dsn_or_url: str | None = None, *, data: str | None = None) -> str:
    """A libpq connection string reaching the embedded server (for SQLAlchemy URLs, psql, asyncpg)."""
    from psycopg.conninfo import make_conninfo
    params, _ = resolve(dsn_or_url, data, {})
    return make_conninfo(**params)
