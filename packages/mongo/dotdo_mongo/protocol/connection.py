"""One client connection: reassembles frames from the byte stream and answers each command.

Each command runs under its engine's gate (engine/gate.py), one at a time per engine whichever
thread it arrives on: the loop thread for served connections, a user thread for the in-process
transport (inprocess.py). A frame that cannot be a valid message closes this connection only; a
message whose BSON is invalid gets MongoDB's error reply."""
from __future__ import annotations

import asyncio
import inspect
import itertools
import logging

from dotdo_core import auth

from ..engine import ttl
from ..engine.engine import Engine
from ..engine.gate import drive
from ..engine.errors import MongoError
from ..engine.failpoints import CloseConnection
from . import wire
from .lock_waits import run_served

log = logging.getLogger("dotdo.mongo")
_ids = itertools.count(1)


class MongoConnection(asyncio.Protocol):
    in_process = False  # a client in another process: retryable-write records go to the shard
    app_name: str | None = None  # the application its handshake named (fail points may target it)

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None
        self.id = next(_ids)
        self.waiting = False
        self.task: asyncio.Task | None = None
        # Authentication (when the data directory has users): the SCRAM exchange under way, and the
        # user once it succeeded; `engine` then becomes that user's tenant's.
        self.auth_required = False
        self.user = None
        self.scram = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.started(asyncio.get_running_loop())

    def started(self, loop: asyncio.AbstractEventLoop) -> None:
        """The connection is open; its engine waits and keeps timers on `loop`."""
        self.auth_required = auth.has_users(self.engine.store)
        self.engine.attach(loop)
        self._schedule_ttl()

    def _schedule_ttl(self) -> None:
        loop = self.engine.loop
        loop.call_soon_threadsafe(ttl.schedule, self.engine, loop)

    def authenticated(self, user) -> None:
        """Switch this connection to `user`'s tenant after a successful exchange."""
        self.user = user
        self.engine = self.engine.for_tenant(user.tenant)
        self._schedule_ttl()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.buf.clear()
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def data_received(self, data: bytes) -> None:
        if not self.buf and not self.waiting and len(data) >= 16 and self.transport is not None:
            # The usual arrival: exactly one whole frame (pymongo sends each message with one
            # sendall). It is answered without passing through the reassembly buffer.
            length, request_id, _, opcode = wire.HEADER.unpack_from(data, 0)
            if length == len(data) and length <= wire.MAX_MESSAGE:
                self._answer(opcode, request_id, bytes(data))
                return
        self.buf += data
        if not self.waiting:
            self._drain()

    def _drain(self) -> None:
        """Answer every complete frame in the buffer, in order; stop while a reply is pending."""
        buf = self.buf
        while len(buf) >= 16 and not self.waiting and self.transport is not None:
            length, request_id, _, opcode = wire.HEADER.unpack_from(buf, 0)
            if length < 16 or length > wire.MAX_MESSAGE:
                self._abort(f"invalid message length {length}")
                return
            if len(buf) < length:
                return
            frame = bytes(buf[:length])
            del buf[:length]
            if not self._answer(opcode, request_id, frame):
                return

    def _answer(self, opcode: int, request_id: int, frame: bytes) -> bool:
        """Answer one frame; False if that closed the connection."""
        try:
            out = self._handle(opcode, request_id, frame)
        except wire.ProtocolError as e:
            self._abort(str(e))
            return False
        except CloseConnection:
            self._abort("a fail point closed it")
            return False
        except Exception:  # an engine bug must not take the server down; this connection ends
            log.exception("mongo: command failed unexpectedly")
            self._abort("internal error")
            return False
        if out and self.transport is not None:
            self.transport.write(out)
        return True

    def _handle(self, opcode: int, request_id: int, frame: bytes) -> bytes | None:
        rid = next(_ids)
        if opcode == wire.OP_MSG:
            if len(frame) < 21:
                raise wire.ProtocolError("OP_MSG too short")
            try:
                flags, body = wire.parse_msg(frame)
            except wire.InvalidBSONError as e:
                return wire.reply_msg(rid, request_id, MongoError(22, f"invalid BSON in message: {e}").reply())
            with self.engine.gate:
                reply = self._run(body)
            if type(reply) is not dict and inspect.isawaitable(reply):  # the type test: isawaitable is an ABC check
                self._pending(reply, rid, request_id, not flags & wire.MORE_TO_COME)
                return None
            if flags & wire.MORE_TO_COME:
                return None
            return wire.reply_msg(rid, request_id, reply)
        if opcode == wire.OP_QUERY:
            try:
                name, query = wire.parse_query(frame)
            except wire.InvalidBSONError as e:
                return wire.reply_query(rid, request_id, MongoError(22, f"invalid BSON in message: {e}").reply())
            if not name.endswith(".$cmd"):
                reply = MongoError(5739101, "OP_QUERY is no longer supported except for commands on $cmd").reply()
            else:
                if "$query" in query:
                    query = query["$query"]
                query.setdefault("$db", name[: -len(".$cmd")])
                with self.engine.gate:
                    reply = self._run(query)
                if inspect.isawaitable(reply):
                    reply.close()  # legacy OP_QUERY commands are answered at once, never queued
                    reply = MongoError(24, "the data directory is locked by another process; retry").reply()
            return wire.reply_query(rid, request_id, reply)
        if opcode == wire.OP_COMPRESSED:
            raise wire.ProtocolError("OP_COMPRESSED received but no compressor was negotiated")
        raise wire.ProtocolError(f"unsupported opcode {opcode}")

    def _run(self, body: dict):
        """The command's reply, or a coroutine for one that waits (see lock_waits.py)."""
        return run_served(self.engine, body, self)

    def _pending(self, reply, rid: int, request_id: int, answer: bool) -> None:
        """A command that waits (a change stream getMore): later frames wait behind it, so replies
        keep their order."""
        self.waiting = True
        engine = self.engine

        async def finish() -> None:
            try:
                out = await drive(engine.gate, reply)
                if answer and self.transport is not None:
                    self.transport.write(wire.reply_msg(rid, request_id, out))
            except CloseConnection:
                self.waiting = False
                self._abort("a fail point closed it")
                return
            except Exception:
                log.exception("mongo: waiting command failed unexpectedly")
                self.waiting = False
                self._abort("internal error")
                return
            self._resume()

        self._spawn(finish())

    def _spawn(self, waiting) -> None:
        """Run the coroutine that finishes a waiting command on the engine's loop."""
        self.task = asyncio.get_running_loop().create_task(waiting)

    def _resume(self) -> None:
        """A waiting command was answered: answer the frames that arrived behind it."""
        self.waiting = False
        self._drain()

    def _abort(self, why: str) -> None:
        log.info("mongo: closing connection %s: %s", self.id, why)
        self.buf.clear()
        if self.transport is not None:
            self.transport.close()
            self.transport = None
