"""`from dotdo_redis.asyncio import Redis`: a genuine redis.asyncio.Redis running in-process.

Commands run on the engine directly in the calling event loop (each is a few SQLite
statements); a blocking command (BLPOP ...) awaits commits on its shard instead of blocking
the loop. redis-py's own read path — timeouts, error raising, pub/sub — is kept: only the
parser underneath is replaced by one that takes engine replies instead of bytes."""
from __future__ import annotations

import asyncio
import os
import time
from collections import deque
from typing import Any
from urllib.parse import urlparse

import redis.asyncio as aioredis
from redis._parsers.base import BaseParser
from redis.exceptions import ConnectionError as RedisConnectionError, DataError

from .client import data_path_from, encode_argv, engine_for, pop_dotdo_options
from .convert import to_python
from .engine import Blocked, Engine
from .engine.replies import NO_REPLY, Push

POLL_MAX = 0.02

__all__ = ["Redis", "StrictRedis", "from_url"]


class _Stream:
    """Stands where redis-py keeps its StreamReader/StreamWriter."""

    def close(self) -> None:
        pass

    async def wait_closed(self) -> None:
        pass


class _AsyncInProcessParser(BaseParser):
    def __init__(self, socket_read_size: int = 65536) -> None:
        self.conn: "AsyncInProcessConnection | None" = None
        self.encoder = None
        self.pubsub_push_handler_func = None

    def set_pubsub_push_handler(self, func: Any) -> None:
        self.pubsub_push_handler_func = func

    async def handle_pubsub_push_response(self, response: Any) -> Any:
        """The parser's own handler, which redis-py 8.2 and later put back when a PubSub resets."""
        return response

    def on_connect(self, connection: "AsyncInProcessConnection") -> None:
        self.conn = connection
        self.encoder = connection.encoder

    def on_disconnect(self) -> None:
        self.conn = None

    async def can_read(self) -> bool:
        conn = self.conn
        return bool(conn and (conn._replies or (conn._session and conn._session.inbox)))

    async def can_read_destructive(self) -> bool:
        return await self.can_read()

    async def read_response(self, disable_decoding: bool = False, push_request: bool | None = False) -> Any:
        conn = self.conn
        if conn is None:
            raise RedisConnectionError("Connection closed by server.")
        if conn._replies:
            reply = conn._replies.popleft()
        else:
            reply = await conn._next_message()
        decode = None if disable_decoding or not conn.encoder.decode_responses else conn.encoder.decode
        response = to_python(reply, conn._session is not None and conn._session.protocol == 3, decode)
        if isinstance(response, RedisConnectionError):
            raise response
        if type(reply) is Push and self.pubsub_push_handler_func is not None:
            result = self.pubsub_push_handler_func(response)
            return await result if asyncio.iscoroutine(result) else result
        return response


class AsyncInProcessConnection(aioredis.Connection):
    def __init__(self, *, engine: Engine, **kwargs: Any) -> None:
        kwargs["parser_class"] = _AsyncInProcessParser
        super().__init__(**kwargs)
        self._engine = engine
        self._session = None
        self._replies: deque = deque()
        self._inbox_event: asyncio.Event | None = None

    def set_parser(self, parser_class: type) -> None:
        self._parser = _AsyncInProcessParser()

    async def _connect(self) -> None:
        self._session = self._engine.session(addr=f"inproc-async:{os.getpid()}:{id(self)}")
        loop = asyncio.get_running_loop()
        event = self._inbox_event = asyncio.Event()

        def wake() -> None:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:
                pass

        self._session.waker = wake
        self._reader = _Stream()
        self._writer = _Stream()
        self._parser.on_connect(self)

    def _host_error(self) -> str:
        return f"dotdo in-process engine {self._engine.store.path}"

    def repr_pieces(self) -> list[tuple[str, Any]]:
        return [("data", self._engine.store.path), ("db", self.db)]

    async def disconnect(self, nowait: bool = False, error: Exception | None = None, failure_count: int | None = None,
                         health_check_failed: bool = False) -> None:
        # Per-connection state of newer redis-py (HIMPORT, node moves), reset as its disconnect does.
        for reset in ("_reset_himport_state", "reset_should_reconnect"):
            method = getattr(self, reset, None)
            if method is not None:
                method()
        self._parser.on_disconnect()
        self._reader = None
        self._writer = None
        self._replies.clear()
        session, self._session = self._session, None
        if session is not None:
            session.waker = None
            session.close()

    def _encode_argv(self, args: tuple) -> list[bytes]:
        return encode_argv(self.encoder, args)

    def pack_command(self, *args: Any) -> list[list[bytes]]:
        return [self._encode_argv(args)]

    def pack_commands(self, commands: Any) -> list[list[bytes]]:
        return [self._encode_argv(tuple(c)) for c in commands]

    async def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        if not self.is_connected:
            await self.connect_check_health(check_health=False)
        if check_health:
            await self.check_health()
        if isinstance(command, (str, bytes)):
            raise DataError("the in-process connection takes argument lists, not raw RESP")
        engine, session = self._engine, self._session
        if len(command) == 1:
            reply = engine.execute(session, command[0])
            if isinstance(reply, Blocked):
                reply = await self._wait_blocked(command[0], reply)
            self._push(reply)
        else:
            batch = engine.batch()
            try:
                for argv in command:
                    reply = engine.execute_in(batch, session, argv)
                    if isinstance(reply, Blocked):
                        batch.close(None)
                        batch = engine.batch()
                        reply = await self._wait_blocked(argv, reply)
                    self._push(reply)
            except BaseException as e:
                batch.close(e)
                raise
            batch.close(None)
        if session.quitting:
            await self.disconnect()

    async def send_command(self, *args: Any, **kwargs: Any) -> None:
        await self.send_packed_command([self._encode_argv(args)], check_health=kwargs.get("check_health", True))

    def _push(self, reply: Any) -> None:
        if reply is not NO_REPLY:
            self._replies.append(reply)

    async def _wait_blocked(self, argv: list[bytes], first: Blocked) -> Any:
        deadline = None if first.timeout is None else time.monotonic() + first.timeout
        feed = self._engine.ns.shards[first.shard_index].changes
        poll = 0.001
        reply: Any = first
        while isinstance(reply, Blocked):
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return first.timeout_reply
            await feed.pulse_async(poll if remaining is None else min(poll, remaining))
            poll = min(poll * 2, POLL_MAX)
            reply = self._engine.execute(self._session, argv)
        return reply

    async def _next_message(self) -> Any:
        while True:
            session = self._session
            if session is None or session.closed:
                raise RedisConnectionError("Connection closed by server.")
            if session.inbox:
                return session.inbox.popleft()
            self._inbox_event.clear()
            if session.inbox:
                continue
            await self._inbox_event.wait()


class AsyncInProcessPool(aioredis.ConnectionPool):
    def __init__(self, engine: Engine, **kwargs: Any) -> None:
        for key in ("host", "port", "path", "socket_connect_timeout", "socket_keepalive", "socket_keepalive_options"):
            kwargs.pop(key, None)
        kwargs["connection_class"] = AsyncInProcessConnection
        kwargs["engine"] = engine
        super().__init__(**kwargs)
        self.engine = engine

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__}(<dotdo in-process {self.engine.store.path}>)>"


def _owning(client: Any, pool: AsyncInProcessPool) -> Any:
    """Give the client an in-process pool that it owns (closed with the client)."""
    client.connection_pool = pool
    client.auto_close_connection_pool = True
    return client


class _Factory:
    def __init__(self, cls: type) -> None:
        self._cls = cls

    def __call__(self, *args: Any, data: str | None = None, **kwargs: Any) -> Any:
        single = kwargs.pop("single_connection_client", False)
        engine = engine_for(data, **pop_dotdo_options(kwargs))
        # redis-py's own constructor turns the arguments into connection settings; we keep those.
        client = self._cls(*args, **kwargs)
        _owning(client, AsyncInProcessPool(engine, **client.connection_pool.connection_kwargs))
        client.single_connection_client = single
        return client

    def from_url(self, url: str, *, data: str | None = None, **kwargs: Any) -> Any:
        engine = engine_for(data_path_from(url, data), **pop_dotdo_options(kwargs))
        if url.startswith("dotdo://"):
            parsed = urlparse(url)
            url = "redis://localhost" + (f"?{parsed.query}" if parsed.query else "")
        settings = aioredis.ConnectionPool.from_url(url, **kwargs).connection_kwargs
        pool = AsyncInProcessPool(engine, **settings)
        return _owning(self._cls(connection_pool=pool), pool)

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, self._cls)


Redis = _Factory(aioredis.Redis)
StrictRedis = Redis


def from_url(url: str, *, data: str | None = None, **kwargs: Any) -> Any:
    return Redis.from_url(url, data=data, **kwargs)
