"""dotdo-redis: `from dotdo_redis import Redis` gives a genuine redis.Redis running in-process on sharded SQLite.

    r = Redis()                      # data in $DOTDO_DATA or ./.dotdo
    r = Redis(data=":memory:")       # a throwaway store
    r = Redis.from_url("dotdo:///tmp/data")
    r = from_url("redis://localhost:6379/0")   # same code as for a server; db 0 of ./.dotdo
    r = Redis(tenant="agent-42")     # one Redis server per tenant, invisible to the others
    r = Redis(shards=8)              # a new tenant spread over 8 shards: Redis Cluster semantics
"""
from __future__ import annotations

from typing import Any

import redis

from .client import from_url_client, make_client

__all__ = ["Redis", "StrictRedis", "from_url"]


class _Factory:
    """Constructs genuine redis.Redis objects; `isinstance(r, redis.Redis)` holds for what it returns."""

    def __init__(self, cls: type) -> None:
        self._cls = cls

    def __call__(self, *args: Any, data: str | None = None, **kwargs: Any) -> Any:
        return make_client(self._cls, data, args, kwargs)

    def from_url(self, url: str, *, data: str | None = None, **kwargs: Any) -> Any:
        return from_url_client(self._cls, url, data, kwargs)

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, self._cls)

    def __repr__(self) -> str:
        return f"<dotdo factory for {self._cls.__module__}.{self._cls.__name__}>"


Redis = _Factory(redis.Redis)
StrictRedis = Redis


def from_url(url: str, *, data: str | None = None, **kwargs: Any) -> Any:
    return from_url_client(redis.Redis, url, data, kwargs)
