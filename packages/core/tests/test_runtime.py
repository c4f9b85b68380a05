"""The server runtime: serves fronts on TCP and unix sockets, survives bad connections, shuts down cleanly."""
import asyncio
import socket

import pytest

from dotdo_core import Front, Runtime, Store


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        if data.startswith(b"crash"):
            raise RuntimeError("a bug in one connection's handler")
        self.transport.write(data)


ECHO = Front(name="echo", default_port=0, build=lambda store: Echo)


def roundtrip(address, payload):
    family, addr = (socket.AF_UNIX, address) if isinstance(address, str) else (socket.AF_INET, address)
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(addr)
        s.sendall(payload)
        return s.recv(100)


def test_serves_tcp_and_unix_socket(tmp_path):
    runtime = Runtime(Store(":memory:")).start()
    try:
        tcp = runtime.listen(ECHO, port=0)
        unix = runtime.listen(ECHO, path=str(tmp_path / "echo.sock"))
        assert roundtrip(("127.0.0.1", tcp.port), b"hi") == b"hi"
        assert roundtrip(unix.path, b"there") == b"there"
    finally:
        runtime.stop()


def test_an_exception_in_one_connection_leaves_the_server_serving():
    runtime = Runtime(Store(":memory:")).start()
    try:
        tcp = runtime.listen(ECHO, port=0)
        assert roundtrip(("127.0.0.1", tcp.port), b"crash") == b""  # that connection is closed
        assert roundtrip(("127.0.0.1", tcp.port), b"still up") == b"still up"
    finally:
        runtime.stop()


def test_non_loopback_bind_without_credentials_is_refused():
    runtime = Runtime(Store(":memory:")).start()
    try:
        with pytest.raises(PermissionError, match="requires credentials"):
            runtime.listen(ECHO, host="0.0.0.0", port=0)
    finally:
        runtime.stop()


def test_stop_closes_open_connections():
    runtime = Runtime(Store(":memory:")).start()
    tcp = runtime.listen(ECHO, port=0)
    s = socket.create_connection(("127.0.0.1", tcp.port))
    s.settimeout(5)
    runtime.stop()
    assert s.recv(10) == b""  # EOF: the server closed it
    s.close()


def test_a_burst_of_clients_connecting_while_the_server_is_busy_are_all_accepted():
    import time

    runtime = Runtime(Store(":memory:")).start()
    clients = []
    try:
        tcp = runtime.listen(ECHO, port=0)
        runtime.loop.call_soon_threadsafe(time.sleep, 2.0)  # the loop accepts nothing meanwhile
        time.sleep(0.1)
        for _ in range(600):  # the kernel queues them for accept (asyncio's default backlog held 100)
            s = socket.create_connection(("127.0.0.1", tcp.port), timeout=1.5)
            clients.append(s)
        for i, s in enumerate(clients):
            s.settimeout(10)
            s.sendall(b"%d" % i)
        assert [s.recv(10) for s in clients] == [b"%d" % i for i in range(600)]
    finally:
        for s in clients:
            s.close()
        runtime.stop()
