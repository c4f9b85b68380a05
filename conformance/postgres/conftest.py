"""PostgreSQL conformance fixtures: each test runs against the real PostgreSQL and dotdo.

The real side gets a fresh database per test run (created on DOTDO_REAL_POSTGRES_URL's
server, dropped at the end); dotdo gets a fresh temporary data directory. `conn` is a
genuine autocommit psycopg connection on the current target with an empty public schema;
`connect(**kw)` opens more connections to the same database."""
from __future__ import annotations

import os
import tempfile
import uuid
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest

from conformance import harness

_real: dict[str, str] = {}
_dotdo: dict[str, str] = {}


def _real_dsn() -> str:
    if "dsn" not in _real:
        base = harness.real_url("postgres")
        name = f"dotdo_conformance_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        u = urlparse(base)
        _real["base"] = base
        _real["name"] = name
        _real["dsn"] = urlunparse(u._replace(path="/" + name))
    return _real["dsn"]


def _dotdo_data() -> str:
    if "data" not in _dotdo:
        _dotdo["data"] = tempfile.mkdtemp(prefix="dotdo-pg-conformance-")
    return _dotdo["data"]


def pytest_sessionfinish(session) -> None:
    if "name" in _real:
        try:
            with psycopg.connect(_real["base"], autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{_real["name"]}" WITH (FORCE)')
        except psycopg.Error:
            pass


def open_conn(target: str, **kwargs) -> psycopg.Connection:
    if target == "real":
        return psycopg.connect(_real_dsn(), **kwargs)
    import dotdo_postgres
    return dotdo_postgres.connect(data=_dotdo_data(), dbname="conformance", **kwargs)


def sqlalchemy_engine(target: str):
    """A SQLAlchemy engine (psycopg dialect) on the target's conformance database."""
    from sqlalchemy import create_engine
    if target == "real":
        return create_engine(_real_dsn().replace("postgresql://", "postgresql+psycopg://"))
    import dotdo_postgres
    data = _dotdo_data()
    return create_engine("postgresql+psycopg://", creator=lambda: dotdo_postgres.connect(data=data, dbname="conformance"))


def dsn_for(target: str) -> str:
    if target == "real":
        return _real_dsn()
    import dotdo_postgres
    return dotdo_postgres.conninfo("postgresql://postgres@localhost/conformance", data=_dotdo_data())


def clean(conn: psycopg.Connection) -> None:
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.rollback()
    conn.execute("RESET ALL")  # a case's SET (TIME ZONE, search_path ...) must not reach the next case
    # schemas a case created go first, with everything in them (and public's foreign keys to them)
    schemas = [r[0] for r in conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('public', 'information_schema') "
        "AND nspname NOT LIKE 'pg\\_%'").fetchall()]
    for s in schemas:
        conn.execute(f'DROP SCHEMA IF EXISTS "{s}" CASCADE')
    tables = [r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'").fetchall()]
    if tables:
        conn.execute("DROP TABLE IF EXISTS " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    views = [r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'VIEW'").fetchall()]
    for v in views:
        conn.execute(f'DROP VIEW IF EXISTS "{v}" CASCADE')
    seqs = [r[0] for r in conn.execute(
        "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'").fetchall()]
    for s in seqs:
        conn.execute(f'DROP SEQUENCE IF EXISTS "{s}"')
    try:
        conn.execute("DROP TYPE IF EXISTS mood")  # left by the enum case on the real server
    except psycopg.errors.FeatureNotSupported:
        pass


_shared: dict[str, psycopg.Connection] = {}


@pytest.fixture
def connect(target):
    made: list[psycopg.Connection] = []

    def make(**kwargs) -> psycopg.Connection:
        c = open_conn(target, **kwargs)
        made.append(c)
        return c
    yield make
    for c in made:
        try:
            c.close()
        except psycopg.Error:
            pass


@pytest.fixture
def conn(target):
    c = _shared.get(target)
    if c is None or c.closed:
        c = _shared[target] = open_conn(target, autocommit=True)
    clean(c)
    yield c
    try:
        clean(c)
    except psycopg.Error:
        c.close()
        _shared.pop(target, None)


@pytest.fixture
def dsn(target) -> str:
    return dsn_for(target)
