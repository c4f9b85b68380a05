"""Embedded psycopg connections whose own thread runs the server side of each exchange.

An embedded client reaches the server through a unix socket (or loopback TCP) served by the
runtime's loop on another thread, so every query costs two thread wake-ups: the loop's to
read the request, the client's to read the reply. On a machine where a wake-up costs tens of
microseconds that is most of a point query. Once such a connection has started up, the loop
stops reading its socket and the client's thread, each time psycopg is about to wait for the
socket, first reads what it sent and runs it (`pump`): the reply is in the socket before
psycopg polls. The loop keeps everything that waits — a parked statement, pg_sleep, timers,
notifications — and writes their replies to the same socket itself; the engine lets the two
threads take turns. psycopg's own objects, wire format and waiting are untouched: only
`Connection.wait` of that one connection is wrapped."""
from __future__ import annotations

import asyncio
import os
import socket
import weakref
from typing import Any

from ..engine.serialized import ENGINE, call_later
from .server import BY_PID, PgConnection

SWEEP_EVERY = 1.0  # seconds: how soon a connection dropped without close() is noticed
RECV_SIZE = 256 * 1024
_driven: "weakref.WeakSet[CallerTransport]" = weakref.WeakSet()
_sweeping: dict[int, Any] = {}  # the loops with a sweep scheduled (by id, the loop kept to tell a new one of that id)


class CallerTransport:
    """Stands in for the loop's transport of a connection its client's thread drives: writes go
    straight to the socket (never blocking: what does not fit waits for the next pump)."""

    def __init__(self, proto: PgConnection, sock: socket.socket, original: asyncio.Transport) -> None:
        self.proto = proto
        self.sock = sock
        self.original = original
        self.pending = bytearray()
        self.closing = False

    # -- the transport the connection writes to ---------------------------------------
    def write(self, data: bytes) -> None:
        if self.closing:
            return
        if self.pending:
            self.pending += data
            self.send_pending()
            return
        try:
            sent = self.sock.send(data)
        except BlockingIOError:
            sent = 0
        except OSError:
            self.close()
            return
        if sent < len(data):
            self.pending += data[sent:]

    def send_pending(self) -> None:
        while self.pending and not self.closing:
            try:
                sent = self.sock.send(self.pending)
            except BlockingIOError:
                return
            except OSError:
                self.close()
                return
            del self.pending[:sent]

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        """End the connection as the loop's transport would: connection_lost runs on the loop."""
        if self.closing:
            return
        self.send_pending()
        self.closing = True
        self.proto.loop.call_soon_threadsafe(self.original.close)  # then connection_lost calls lost()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.original.get_extra_info(name, default)

    def get_write_buffer_size(self) -> int:
        return len(self.pending)

    # -- driving -------------------------------------------------------------------------
    def pump(self) -> None:
        """Run whatever the client has sent; its replies are in the socket when this returns."""
        with ENGINE:
            if self.closing or self.proto.closed:
                return
            if self.pending:
                self.send_pending()
            while True:
                try:
                    data = self.sock.recv(RECV_SIZE)
                except (BlockingIOError, InterruptedError):
                    return
                except OSError:
                    data = b""
                if not data:  # the client is gone
                    self.close()
                    return
                self.proto.data_received(data)
                if len(data) < RECV_SIZE or self.closing or self.proto.closed:
                    return

    def lost(self) -> None:
        """The loop closed the connection (connection_lost): let the socket go."""
        self.closing = True
        _driven.discard(self)
        try:
            self.sock.close()
        except OSError:
            pass


def drive(conn: Any) -> bool:
    """Have the calling thread serve psycopg connection `conn` from now on, if it is an embedded
    connection that just started up; returns whether it does."""
    proto = BY_PID.get(conn.info.backend_pid)
    if proto is None or proto.transport is None:
        return False
    loop = proto.loop
    try:
        transport = asyncio.run_coroutine_threadsafe(_take(proto), loop).result()
    except RuntimeError:  # the loop is shutting down
        return False
    if transport is None:
        return False
    ref = weakref.ref(conn)
    conn.wait = _Wait(ref, transport)
    conn.close = _Close(ref, transport)
    return True


async def _take(proto: PgConnection) -> CallerTransport | None:
    """On the loop: stop reading the connection's socket and hand it to its client's thread."""
    with ENGINE:
        original = proto.transport
        if (proto.closed or proto.caller is not None or proto.tls_started or proto.parked
                or proto.pos != len(proto.buf) or original.get_write_buffer_size()):
            return None
        raw = original.get_extra_info("socket")
        if raw is None:
            return None
        sock = socket.socket(fileno=os.dup(raw.fileno()))
        sock.setblocking(False)
        original.pause_reading()
        transport = CallerTransport(proto, sock, original)
        proto.transport = transport  # type: ignore[assignment]
        proto.caller = transport
        _driven.add(transport)
        loop = asyncio.get_running_loop()
        if _sweeping.get(id(loop)) is not loop:
            _sweeping[id(loop)] = loop
            call_later(loop, SWEEP_EVERY, lambda: _sweep(loop))
        return transport


def _sweep(loop: asyncio.AbstractEventLoop) -> None:
    """On the loop: run what driven connections sent with no one waiting for it — above all the
    end of a connection its client dropped without close(), whose session must end."""
    for transport in list(_driven):
        if transport.proto.loop is loop:
            transport.pump()
    if any(t.proto.loop is loop for t in _driven):
        call_later(loop, SWEEP_EVERY, lambda: _sweep(loop))
    else:
        _sweeping.pop(id(loop), None)


class _Wait:
    """psycopg's Connection.wait for a driven connection: the same wait, pumping first."""

    __slots__ = ("conn", "transport")

    def __init__(self, conn: "weakref.ref", transport: CallerTransport) -> None:
        self.conn = conn
        self.transport = transport

    def __call__(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
        conn = self.conn()
        return type(conn).wait(conn, _pumping(gen, self.transport), *args, **kwargs)


class _Close:
    """psycopg's Connection.close for a driven connection: the server side ends with it."""

    __slots__ = ("conn", "transport")

    def __init__(self, conn: "weakref.ref", transport: CallerTransport) -> None:
        self.conn = conn
        self.transport = transport

    def __call__(self) -> None:
        conn = self.conn()
        if conn is not None:
            type(conn).close(conn)
        self.transport.pump()


def _pumping(gen: Any, transport: CallerTransport) -> Any:
    """`gen` (a psycopg generator that yields what it waits for), with the server side run
    before every wait: by then the request is in the socket, and so is the reply after."""
    try:
        state = next(gen)
        while True:
            transport.pump()
            ready = yield state
            state = gen.send(ready)
    except StopIteration as stop:
        return stop.value
