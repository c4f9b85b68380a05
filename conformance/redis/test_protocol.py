"""RESP on the wire, byte for byte: the same raw frames sent to the real Redis and to `dotdo serve redis`.

These cases are about the server's protocol front: inline commands, pipelining in one packet,
protocol errors (answered, then the connection is closed) and limits on declared lengths."""
from __future__ import annotations

import socket
import time
from urllib.parse import urlparse

import pytest

from conformance import harness
from dotdo_core import Runtime, Store
from dotdo_redis.server import front


@pytest.fixture
def endpoint(target, tmp_path):
    """(host, port, db) of a RESP server for this target."""
    if target == "real":
        url = urlparse(harness.real_url("redis"))
        db = int((url.path or "/0").strip("/") or 0)
        yield url.hostname or "127.0.0.1", url.port or 6379, db
        return
    runtime = Runtime(Store(tmp_path / "served")).start()
    listener = runtime.listen(front, port=0)
    yield "127.0.0.1", listener.port, 0
    runtime.stop()


class Wire:
    def __init__(self, host: str, port: int, db: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=5)
        if db:
            self.send(b"*2\r\n$6\r\nSELECT\r\n$%d\r\n%d\r\n" % (len(str(db)), db))
            assert self.read_until(b"\r\n") == b"+OK\r\n"

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_until(self, end: bytes) -> bytes:
        data = b""
        while not data.endswith(end):
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data

    def read_all(self, settle: float = 0.3) -> bytes:
        """Everything the server sends until it closes or goes quiet."""
        self.sock.settimeout(settle)
        data = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        return data

    def closed_by_server(self) -> bool:
        self.sock.settimeout(2)
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def wire(endpoint):
    w = Wire(*endpoint)
    w.send(b"*3\r\n$3\r\nDEL\r\n$8\r\nwire:key\r\n$8\r\nwire:set\r\n")
    w.read_until(b"\r\n")
    yield w
    w.close()


def test_inline_command_is_understood(wire):
    wire.send(b"PING\r\n")
    assert wire.read_until(b"\r\n") == b"+PONG\r\n"


def test_inline_command_with_quoted_argument(wire):
    wire.send(b'SET wire:key "hello world"\r\nGET wire:key\r\n')
    assert wire.read_until(b"hello world\r\n") == b"+OK\r\n$11\r\nhello world\r\n"


def test_several_requests_in_one_packet_answer_in_order(wire):
    wire.send(b"*3\r\n$3\r\nSET\r\n$8\r\nwire:key\r\n$1\r\n1\r\n*2\r\n$3\r\nGET\r\n$8\r\nwire:key\r\n*1\r\n$4\r\nPING\r\n")
    assert wire.read_until(b"+PONG\r\n") == b"+OK\r\n$1\r\n1\r\n+PONG\r\n"


def test_request_split_across_packets_is_reassembled(wire):
    frame = b"*3\r\n$3\r\nSET\r\n$8\r\nwire:key\r\n$5\r\nsplit\r\n"
    for i in range(len(frame)):
        wire.send(frame[i : i + 1])
    assert wire.read_until(b"\r\n") == b"+OK\r\n"


def test_empty_inline_lines_are_ignored(wire):
    wire.send(b"\r\n\r\nPING\r\n")
    assert wire.read_until(b"\r\n") == b"+PONG\r\n"


def test_resp3_hello_switches_reply_shapes(wire):
    wire.send(b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n")
    reply = wire.read_all()
    assert reply.startswith(b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n")
    wire.send(b"*2\r\n$3\r\nGET\r\n$12\r\nwire:missing\r\n")
    assert wire.read_until(b"\r\n") == b"_\r\n"


@pytest.mark.parametrize("frame, error", [
    (b"*2\r\n$3\r\nGET\r\n:1\r\n", b"-ERR Protocol error: expected '$', got ':'\r\n"),
    (b"*x\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\r\n$x\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$-5\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$600000000\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*3000000000\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b'SET a "unbalanced\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n"),
])
def test_protocol_error_is_answered_then_the_connection_closed(wire, frame, error):
    wire.send(frame)
    assert wire.read_all() == error
    assert wire.closed_by_server()


def test_protocol_error_on_one_connection_leaves_others_working(endpoint):
    good, bad = Wire(*endpoint), Wire(*endpoint)
    try:
        bad.send(b"*1\r\n$-5\r\n")
        assert bad.read_all().startswith(b"-ERR Protocol error")
        good.send(b"*1\r\n$4\r\nPING\r\n")
        assert good.read_until(b"\r\n") == b"+PONG\r\n"
    finally:
        good.close()
        bad.close()


def test_truncated_request_then_disconnect_writes_nothing(endpoint):
    w = Wire(*endpoint)
    w.send(b"*3\r\n$3\r\nSET\r\n$8\r\nwire:key\r\n$10\r\nonly")
    w.close()
    time.sleep(0.1)
    check = Wire(*endpoint)
    try:
        check.send(b"*2\r\n$6\r\nEXISTS\r\n$8\r\nwire:key\r\n")
        assert check.read_until(b"\r\n") == b":0\r\n"
    finally:
        check.close()
