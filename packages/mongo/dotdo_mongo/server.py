"""The `mongo` front: `dotdo serve mongo` and the embedded server share it."""
from __future__ import annotations

from dotdo_core.runtime import Front
from dotdo_core.store import Store

from .engine import commands  # noqa: F401  (registers every command)
from .engine.engine import Engine
from .protocol.connection import MongoConnection


def build(store: Store):
    engine = Engine(store)
    return lambda: MongoConnection(engine)


front = Front("mongo", 27017, build, description="MongoDB wire protocol (OP_MSG/BSON) for pymongo and any driver")
