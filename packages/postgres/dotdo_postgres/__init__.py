"""dotdo-postgres: PostgreSQL semantics on SQLite for the genuine psycopg client.

    from dotdo_postgres import connect
    with connect() as conn:                 # a real psycopg.Connection
        conn.execute("CREATE TABLE t (id serial PRIMARY KEY, name text)")
"""
from __future__ import annotations

from typing import Any

import psycopg

from .client import conninfo, connect, connect_async, endpoint


class AsyncConnection(psycopg.AsyncConnection):
    """psycopg's AsyncConnection whose `connect` reaches the embedded dotdo engine."""

    @classmethod
    async def connect(cls, conninfo: str = "", *, data: str | None = None, **kwargs: Any):  # type: ignore[override]
        from .client import resolve
        params, _ = resolve(conninfo or None, data, kwargs)
        return await super().connect(**params, **kwargs)


__all__ = ["connect", "connect_async", "AsyncConnection", "conninfo", "endpoint"]
