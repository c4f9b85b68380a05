"""`dotdo serve redis`: the engine over RESP2/RESP3 for any Redis client."""
from __future__ import annotations

from dotdo_core.runtime import Front
from dotdo_core.store import Store

from .engine import Engine
from .protocol.connection import RespServer


def _build(store: Store):
    return RespServer(Engine.for_store(store)).protocol_factory


front = Front(
    name="redis",
    default_port=6379,
    build=_build,
    description="Redis 7.0 over RESP2/RESP3 (redis-cli, redis-benchmark, any Redis client)",
    busy_reply=b"-ERR max number of clients reached\r\n",
)
