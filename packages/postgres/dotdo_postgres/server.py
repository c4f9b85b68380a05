"""The `postgres` front for `dotdo serve` and the embedded server."""
from __future__ import annotations

from dotdo_core.runtime import Front

from .engine.errors import PgError
from .protocol.messages import error_response
from .protocol.server import protocol_factory

front = Front(
    name="postgres",
    default_port=5432,
    build=protocol_factory,
    description="PostgreSQL wire protocol v3 (psycopg, psycopg2, asyncpg, SQLAlchemy, psql) on SQLite",
    starttls=True,
    busy_reply=error_response(PgError("53300", "sorry, too many clients already", severity="FATAL")),  # SSLRequest negotiates TLS in-band when the runtime has a certificate
)
