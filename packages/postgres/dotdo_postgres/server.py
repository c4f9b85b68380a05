"""The `postgres` front for `dotdo serve` and the embedded server."""
from __future__ import annotations

from dotdo_core.runtime import Front

from .protocol.server import protocol_factory

front = Front(
    name="postgres",
    default_port=5432,
    build=protocol_factory,
    description="PostgreSQL wire protocol v3 (psycopg, psycopg2, asyncpg, SQLAlchemy, psql) on SQLite",
)
