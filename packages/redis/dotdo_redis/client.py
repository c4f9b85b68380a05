"""Binding the genuine redis-py client to the engine, in-process: no socket, no RESP.

`InProcessConnection` is a redis-py Connection whose "socket" is an engine session:
`pack_command` keeps the argument list, `send_packed_command` runs it (a pipeline as one
batch, one commit per shard), and `read_response` hands back what redis-py's parser would
have produced. Everything above the connection — commands, callbacks, pipelines, pub/sub,
locks, exceptions — is redis-py's own code.
"""
from __future__ import annotations

import inspect
import os
import threading
import time
from collections import deque
from itertools import repeat
from typing import Any
from urllib.parse import urlparse

import redis
from redis._parsers.base import BaseParser
from redis.client import CaseInsensitiveDict
from redis.exceptions import ConnectionError as RedisConnectionError, DataError, ResponseError, TimeoutError as RedisTimeoutError

try:
    from redis.utils import SENTINEL  # what newer redis-py passes for "no read timeout given"
except ImportError:
    SENTINEL = object()
try:
    from redis.maint_notifications import MaintNotificationsConfig
except ImportError:  # redis-py before 7.0: no maintenance notifications to turn off
    MaintNotificationsConfig = None

from dotdo_core.store import MEMORY, Store

from .convert import to_python
from .engine import Blocked, Engine
from .engine.replies import NO_REPLY, OK, Push


def _without_maint_notifications(kwargs: dict) -> None:
    """Maintenance notifications announce node moves, which an engine in this process never makes."""
    if MaintNotificationsConfig is not None:
        kwargs["maint_notifications_config"] = MaintNotificationsConfig(enabled=False)


# redis-py 7 and later mark a connection to be remade after a node move; older ones never do. Known
# once, not looked up on each release: release runs after every command.
_MAY_NEED_RECONNECT = hasattr(redis.Connection, "should_reconnect")


class _EngineSocket:
    """Stands where redis-py keeps its socket, so its connect/disconnect bookkeeping holds."""

    def shutdown(self, how: int) -> None:
        pass

    def close(self) -> None:
        pass


class _InProcessParser(BaseParser):
    """Never parses bytes: replies arrive as values. Kept so redis-py's parser hooks have a target."""

    def __init__(self, socket_read_size: int = 65536) -> None:
        self.encoder = None
        self.pubsub_push_handler_func = None

    def set_pubsub_push_handler(self, func: Any) -> None:
        """PubSub(push_handler_func=...): RESP3 pushes go through it, as redis-py's RESP3 parser does."""
        self.pubsub_push_handler_func = func

    def handle_pubsub_push_response(self, response: Any) -> Any:
        """The parser's own handler (a push is the message itself): redis-py 8.2 and later put it back
        when a PubSub with a push_handler_func resets."""
        return response

    def on_connect(self, connection: "InProcessConnection") -> None:
        self.encoder = connection.encoder

    def on_disconnect(self) -> None:
        self.encoder = None

    def can_read(self, timeout: float) -> bool:
        return False


class InProcessConnection(redis.Connection):
    def __init__(self, *, engine: Engine, **kwargs: Any) -> None:
        kwargs["parser_class"] = _InProcessParser
        # Off here, not only in InProcessPool: libraries (rq's scheduler) build a stock ConnectionPool
        # from our connection_class and connection_kwargs, and that pool would switch them on.
        kwargs.pop("maint_notifications_pool_handler", None)
        kwargs.pop("oss_cluster_maint_notifications_handler", None)
        _without_maint_notifications(kwargs)
        super().__init__(**kwargs)
        self._engine = engine
        self._session = None
        self._replies: deque = deque()

    # -- redis-py's connection seams ---------------------------------------------
    def set_parser(self, parser_class: type) -> None:
        self._parser = _InProcessParser()

    def _connect(self) -> _EngineSocket:
        self._session = self._engine.session(addr=f"inproc:{os.getpid()}:{threading.get_ident()}")
        return _EngineSocket()

    def _host_error(self) -> str:
        return f"dotdo in-process engine {self._engine.store.path}"

    def repr_pieces(self) -> list[tuple[str, Any]]:
        pieces = [("data", self._engine.store.path), ("db", self.db)]
        if self.client_name:
            pieces.append(("client_name", self.client_name))
        return pieces

    def disconnect(self, *args: Any, **kwargs: Any) -> None:
        session = self._session
        self._session = None
        self._replies.clear()
        super().disconnect(*args, **kwargs)
        if session is not None:
            session.close()

    def _encode_argv(self, args: tuple) -> list[bytes]:
        return encode_argv(self.encoder, args)

    def pack_command(self, *args: Any) -> list[list[bytes]]:
        return [self._encode_argv(args)]

    def pack_commands(self, commands: Any) -> "list[list[bytes]] | SetRun":
        run = set_run(self.encoder, commands)
        return run if run is not None else encode_argvs(self.encoder, commands)

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        if not self._sock:
            self.connect_check_health(check_health=False)
        if check_health:
            self.check_health()
        if isinstance(command, (str, bytes)):
            raise DataError("the in-process connection takes argument lists, not raw RESP")
        engine, session = self._engine, self._session
        if type(command) is SetRun:
            self._replies.extend(engine.execute_set_run(session, command.keys, command.values))
        elif len(command) == 1:
            self._push(engine.execute_blocking(session, command[0]))
        else:
            replies = engine.execute_batch(session, command)
            if NO_REPLY in replies:  # a (P)SUBSCRIBE: its confirmations arrive through the inbox
                replies = [r for r in replies if r is not NO_REPLY]
            self._replies.extend(replies)
        if session.quitting:
            self.disconnect()

    def send_command(self, *args: Any, **kwargs: Any) -> None:
        self.send_packed_command([self._encode_argv(args)], check_health=kwargs.get("check_health", True))

    def _push(self, reply: Any) -> None:
        if reply is not NO_REPLY:
            self._replies.append(reply)

    def can_read(self, timeout: float = 0) -> bool:
        if not self._sock:
            self.connect()
        if self._replies:
            return True
        session = self._session
        if session.inbox:
            return True
        if not timeout:
            return False
        with session.inbox_cond:
            return session.inbox_cond.wait_for(lambda: bool(session.inbox), timeout)

    def read_response(
        self, disable_decoding: bool = False, *, timeout: Any = SENTINEL, disconnect_on_error: bool = True,
        push_request: bool = False,
    ) -> Any:
        if self._replies:
            reply = self._replies.popleft()
            if reply is OK and not self.encoder.decode_responses:  # the commonest reply of all
                return b"OK"
        else:
            reply = self._next_message(timeout)
        decode = None if disable_decoding or not self.encoder.decode_responses else self.encoder.decode
        response = to_python(reply, self._session is not None and self._session.protocol == 3, decode) \
            if self._session is not None else to_python(reply, False, decode)
        if isinstance(response, ResponseError):
            raise response
        if isinstance(response, RedisConnectionError):
            raise response
        if type(reply) is Push and self._parser.pubsub_push_handler_func is not None:
            return self._parser.pubsub_push_handler_func(response)
        return response

    def _next_message(self, timeout: Any) -> Any:
        """A pub/sub message from the session inbox, waiting as a socket read would."""
        session = self._session
        if session is None:
            raise RedisConnectionError("Connection closed by server.")
        if timeout is SENTINEL:
            timeout = self.socket_timeout
        with session.inbox_cond:
            if not session.inbox_cond.wait_for(lambda: bool(session.inbox) or session.closed, timeout):
                raise RedisTimeoutError(f"Timeout reading from {self._host_error()}")
            if not session.inbox:
                raise RedisConnectionError("Connection closed by server.")
            return session.inbox.popleft()


class SetRun:
    """A pipeline of nothing but `SET key value`, packed as its keys and values: the engine writes
    them with one statement (Engine.execute_set_run) without taking argument lists apart, which
    measured here 0.15 µs a command cheaper than packing argument lists and finding the run in them."""

    __slots__ = ("keys", "values")

    def __init__(self, keys: list[bytes], values: list[bytes]) -> None:
        self.keys, self.values = keys, values


def set_run(encoder: Any, commands: Any) -> SetRun | None:
    """The SetRun for a pipeline's commands when each is ("SET", str or bytes key, str or bytes value), as
    redis-py's `set(name, value)` queues them (two or more of them); else None."""
    if type(commands) is not list or len(commands) < 2:
        return None
    encoding, errors = encoder.encoding, encoder.encoding_errors
    keys: list[bytes] = []
    values: list[bytes] = []
    add_key, add_value = keys.append, values.append
    for cmd in commands:
        if len(cmd) != 3 or cmd[0] != "SET":
            return None
        key, value = cmd[1], cmd[2]
        tk, tv = type(key), type(value)
        if tk is str:
            add_key(key.encode(encoding, errors))
        elif tk is bytes:
            add_key(key)
        else:
            return None
        if tv is bytes:
            add_value(value)
        elif tv is str:
            add_value(value.encode(encoding, errors))
        else:
            return None
    return SetRun(keys, values)


_NAMES: dict[str, bytes] = {}  # command names redis-py passes as str ("SET"), encoded once


def encode_argvs(encoder: Any, commands: Any) -> list[list[bytes]]:
    """encode_argv for a pipeline's commands. The commonest shape — a one-word command name, a
    str key and a bytes or str value (SET, HSET's pairs come longer) — skips the general loop:
    measured here 0.25 µs a command against 0.70."""
    encoding, errors = encoder.encoding, encoder.encoding_errors
    out: list[list[bytes]] = []
    append = out.append
    names = _NAMES
    for cmd in commands:
        if len(cmd) == 3:
            name = names.get(cmd[0])
            key, value = cmd[1], cmd[2]
            if name is not None and type(key) is str:
                tv = type(value)
                if tv is bytes:
                    append([name, key.encode(encoding, errors), value])
                    continue
                if tv is str:
                    append([name, key.encode(encoding, errors), value.encode(encoding, errors)])
                    continue
        argv = encode_argv(encoder, tuple(cmd))
        first = cmd[0]
        if len(names) < 512 and type(first) is str and len(argv) == len(cmd):  # a one-word name
            names[first] = argv[0]
        append(argv)
    return out


def encode_argv(encoder: Any, args: tuple) -> list[bytes]:
    """What redis-py's packer would put on the wire, as a list: the command name split on spaces
    ('CONFIG GET'), every argument through the client's Encoder (so bad types raise DataError)."""
    first = args[0]
    if type(first) is str:
        out = first.encode().split()
    elif b" " in first:
        out = first.split()
    else:
        out = [first if type(first) is bytes else encoder.encode(first)]
    encoding, errors, encode = encoder.encoding, encoder.encoding_errors, encoder.encode
    if len(args) > 8:  # many arguments (MGET, MSET ...), usually all str: one comprehension for all
        try:  # str.encode refuses bytes, ints and floats: those take the loop below
            return out + list(map(str.encode, args[1:], repeat(encoding), repeat(errors)))  # (no bytecode per argument)
        except TypeError:
            pass
    for arg in args[1:]:
        t = type(arg)
        if t is bytes:
            out.append(arg)
        elif t is str:
            out.append(arg.encode(encoding, errors))
        else:
            value = encode(arg)
            out.append(value if type(value) is bytes else bytes(value))
    return out


# -- building clients ----------------------------------------------------------------

def data_path_from(url: str | None, data: str | None) -> str | None:
    """`data=` wins; a dotdo://path URL names the directory; redis://, rediss:// and unix:// URLs
    use the default directory ($DOTDO_DATA or ./.dotdo): the host and port have no server to reach."""
    if data is not None:
        return data
    if url and url.startswith("dotdo://"):
        return urlparse(url).netloc + urlparse(url).path or None
    return None


DOTDO_OPTIONS = ("tenant", "shards")


def engine_for(data: str | None, tenant: str = "redis", shards: int = 1) -> Engine:
    """The process's engine for a data directory and tenant. `shards` applies when the tenant is
    created (more than one gives Redis Cluster semantics); an existing tenant keeps its count."""
    return Engine.for_store(Store.shared(data), tenant, shards)


def pop_dotdo_options(kwargs: dict) -> dict:
    return {k: kwargs.pop(k) for k in DOTDO_OPTIONS if k in kwargs}


_POOL_NEEDS_COMMAND_NAME = inspect.signature(redis.ConnectionPool.get_connection).parameters.get(
    "command_name", inspect.Parameter("command_name", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
).default is inspect.Parameter.empty


class InProcessPool(redis.ConnectionPool):
    """redis-py's pool, plus a lock-free fast path: each thread keeps the connection it last
    released and takes it back without touching the shared lists (≈11 µs a command saved).
    Connections stay counted by the stock pool, so max_connections, disconnect() and fork
    checks behave as before."""

    def __init__(self, engine: Engine, **kwargs: Any) -> None:
        for key in ("host", "port", "path", "socket_connect_timeout", "socket_keepalive", "socket_keepalive_options"):
            kwargs.pop(key, None)
        kwargs["connection_class"] = InProcessConnection
        kwargs["engine"] = engine
        _without_maint_notifications(kwargs)
        super().__init__(**kwargs)
        self.engine = engine
        self._local = threading.local()

    def get_connection(self, command_name: Any = None, *keys: Any, **options: Any) -> Any:
        local = self._local
        conn = getattr(local, "idle", None)
        if conn is not None and self.pid == os.getpid():
            local.idle = None
            if conn._sock is None:
                conn.connect()
            elif conn._replies or (conn._session is not None and conn._session.inbox):
                conn.disconnect()  # returned with unread replies: start clean, as the stock pool does
                conn.connect()
            return conn
        if command_name is None and not keys and not options:
            # redis-py before 5.1 requires a command name (and ignores it, as later ones do)
            return super().get_connection("_") if _POOL_NEEDS_COMMAND_NAME else super().get_connection()
        return super().get_connection(command_name, *keys, **options)

    def release(self, connection: Any) -> None:
        local = self._local
        if getattr(local, "idle", None) is None and self.pid == os.getpid() and connection in self._in_use_connections \
                and not (_MAY_NEED_RECONNECT and connection.should_reconnect()):
            local.idle = connection
            return
        super().release(connection)

    def reset(self) -> None:
        super().reset()
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__}(<dotdo in-process {self.engine.store.path}>)>"


class CallbackTable(CaseInsensitiveDict):
    """redis-py's response-callback table with the same contents and answers, looked up without
    upper-casing a name that is already in upper case (as redis-py's own commands pass them): the
    stock table upper-cases twice per reply, ≈6% of a pipelined SET here."""

    def __init__(self, table: dict) -> None:
        dict.__init__(self)
        dict.update(self, table)  # its keys are upper case already: it is a CaseInsensitiveDict

    def __contains__(self, k: Any) -> bool:
        return dict.__contains__(self, k) or dict.__contains__(self, k.upper())

    def __getitem__(self, k: Any) -> Any:
        try:
            return dict.__getitem__(self, k)
        except KeyError:
            return dict.__getitem__(self, k.upper())


def _with_fast_callbacks(client: Any) -> Any:
    if type(client.response_callbacks) is CaseInsensitiveDict:
        client.response_callbacks = CallbackTable(client.response_callbacks)
    return client


def make_client(cls: type, data: str | None, args: tuple, kwargs: dict) -> Any:
    """A genuine `cls` (redis.Redis) whose pool is in-process, configured by redis-py's own constructor."""
    engine = engine_for(data, **pop_dotdo_options(kwargs))
    pool = kwargs.pop("connection_pool", None)
    single = kwargs.pop("single_connection_client", False)
    client = cls(*args, **kwargs)
    stock = client.connection_pool
    client.connection_pool = InProcessPool(engine, **(pool or stock).connection_kwargs)
    client.auto_close_connection_pool = True
    stock.disconnect()
    if single:
        client._single_connection_client = True
        client.connection = client.connection_pool.get_connection()
    return _with_fast_callbacks(client)


def from_url_client(cls: type, url: str, data: str | None, kwargs: dict) -> Any:
    engine = engine_for(data_path_from(url, data), **pop_dotdo_options(kwargs))
    if url.startswith("dotdo://"):
        parsed = urlparse(url)
        url = "redis://localhost" + (f"?{parsed.query}" if parsed.query else "")
    single = kwargs.pop("single_connection_client", False)
    stock = redis.ConnectionPool.from_url(url, **kwargs)
    pool = InProcessPool(engine, **stock.connection_kwargs)
    client = cls(connection_pool=pool, single_connection_client=single)
    client.auto_close_connection_pool = True
    return _with_fast_callbacks(client)
