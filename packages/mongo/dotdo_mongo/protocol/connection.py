"""One client connection: reassembles frames from the byte stream and answers each command.

Commands run on the loop thread, one at a time per process (a shard serialises writes anyway,
and the SQLite work releases the GIL). A frame that cannot be a valid message closes this
connection only; a message whose BSON is invalid gets MongoDB's error reply."""
from __future__ import annotations

import asyncio
import itertools
import logging

from ..engine.engine import Engine
from ..engine.errors import MongoError
from . import wire

log = logging.getLogger("dotdo.mongo")
_ids = itertools.count(1)


class MongoConnection(asyncio.Protocol):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None
        self.id = next(_ids)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.buf.clear()

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        while len(buf) >= 16:
            length, request_id, _, opcode = wire.HEADER.unpack_from(buf, 0)
            if length < 16 or length > wire.MAX_MESSAGE:
                self._abort(f"invalid message length {length}")
                return
            if len(buf) < length:
                return
            frame = bytes(buf[:length])
            del buf[:length]
            try:
                out = self._handle(opcode, request_id, frame)
            except wire.ProtocolError as e:
                self._abort(str(e))
                return
            except Exception:  # an engine bug must not take the server down; this connection ends
                log.exception("mongo: command failed unexpectedly")
                self._abort("internal error")
                return
            if out and self.transport is not None:
                self.transport.write(out)

    def _handle(self, opcode: int, request_id: int, frame: bytes) -> bytes | None:
        rid = next(_ids)
        if opcode == wire.OP_MSG:
            if len(frame) < 21:
                raise wire.ProtocolError("OP_MSG too short")
            try:
                flags, body = wire.parse_msg(frame)
            except wire.InvalidBSONError as e:
                return wire.reply_msg(rid, request_id, MongoError(22, f"invalid BSON in message: {e}").reply())
            reply = self.engine.run(body, self)
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
                reply = self.engine.run(query, self)
            return wire.reply_query(rid, request_id, reply)
        if opcode == wire.OP_COMPRESSED:
            raise wire.ProtocolError("OP_COMPRESSED received but no compressor was negotiated")
        raise wire.ProtocolError(f"unsupported opcode {opcode}")

    def _abort(self, why: str) -> None:
        log.info("mongo: closing connection %s: %s", self.id, why)
        self.buf.clear()
        if self.transport is not None:
            self.transport.close()
            self.transport = None
