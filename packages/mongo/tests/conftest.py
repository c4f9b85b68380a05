from __future__ import annotations

import socket
import struct

import bson
import pytest


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(host, port) of an embedded dotdo mongo server on a fresh data dir."""
    from dotdo_core.runtime import Runtime
    from dotdo_core.store import Store

    from dotdo_mongo.server import front

    store = Store(str(tmp_path_factory.mktemp("wire")))
    rt = Runtime(store).start()
    listener = rt.listen(front, host="127.0.0.1", port=0)
    yield ("127.0.0.1", listener.port)
    rt.stop()
    store.close()


class Raw:
    """A raw socket speaking OP_MSG, for protocol-level tests."""

    def __init__(self, addr) -> None:
        self.sock = socket.create_connection(addr, timeout=5)
        self.rid = 0

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def msg(self, body: dict, flags: int = 0, sequences: list | None = None) -> bytes:
        self.rid += 1
        payload = struct.pack("<I", flags) + b"\x00" + bson.encode(body)
        for ident, docs in sequences or []:
            seq = ident.encode() + b"\x00" + b"".join(bson.encode(d) for d in docs)
            payload += b"\x01" + struct.pack("<i", 4 + len(seq)) + seq
        return struct.pack("<iiii", 16 + len(payload), self.rid, 0, 2013) + payload

    def read_reply(self) -> dict:
        head = self._exact(16)
        length, _, _, opcode = struct.unpack("<iiii", head)
        rest = self._exact(length - 16)
        if opcode == 1:
            return bson.decode(rest[20:])
        assert opcode == 2013
        assert rest[4] == 0
        return bson.decode(rest[5:])

    def command(self, body: dict, **kw) -> dict:
        self.send(self.msg(body, **kw))
        return self.read_reply()

    def closed(self) -> bool:
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            return True

    def _exact(self, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("closed")
            buf += chunk
        return buf

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def connect(server):
    """Open another raw connection to the server."""
    opened = []

    def make():
        r = Raw(server)
        opened.append(r)
        return r

    yield make
    for r in opened:
        r.close()


@pytest.fixture
def raw(server):
    r = Raw(server)
    yield r
    r.close()
