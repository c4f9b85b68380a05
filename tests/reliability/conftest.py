from __future__ import annotations

import multiprocessing

import pytest

PRELOAD = ["tests.reliability.crash_writers", "tests.reliability.mp_workers", "dotdo_core.cli",
           "dotdo_redis", "dotdo_redis.server", "dotdo_postgres", "dotdo_postgres.server",
           "dotdo_mongo", "dotdo_mongo.server", "psycopg", "pymongo", "pytest"]


@pytest.fixture(scope="session")
def forkserver():
    """A multiprocessing context whose processes fork from a server that has already imported the
    drop-ins: a real separate process in milliseconds instead of a second of imports."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx
