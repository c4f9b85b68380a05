"""`dotdo_postgres.psycopg2.connect` — a genuine psycopg2 connection to the embedded engine."""
from __future__ import annotations

from typing import Any

from .client import resolve


def connect(dsn: str | None = None, *, data: str | None = None, **kwargs: Any):
    import psycopg2 as _psycopg2
    params, _ = resolve(dsn, data, kwargs)
    return _psycopg2.connect(**params, **kwargs)
