"""Redis conformance fixtures: every test runs against the real Redis (db 15 in CI) and dotdo.

`r` is a genuine redis.Redis for the current target; `client(**kwargs)` makes further
clients on the same target and data (for WATCH from a second client, pub/sub, RESP3 ...)."""
from __future__ import annotations

import socket
from urllib.parse import urlparse

import pytest
import redis

import dotdo_redis
from conformance import harness
from dotdo_core import Runtime, Store
from dotdo_redis.server import front


@pytest.fixture
def client(target, tmp_path):
    made: list[redis.Redis] = []
    if target == "real":
        url = harness.real_url("redis")
        first = redis.Redis.from_url(url)
        first.flushdb()
        made.append(first)

        def make(**kwargs):
            c = redis.Redis.from_url(url, **kwargs)
            made.append(c)
            return c
    else:
        data = str(tmp_path / "dotdo")

        def make(**kwargs):
            c = dotdo_redis.Redis(data=data, **kwargs)
            made.append(c)
            return c

    yield make
    if target == "real":
        try:
            made[0].flushdb()
        except redis.RedisError:
            pass
    for c in made:
        c.close()


@pytest.fixture
def r(client):
    return client()


@pytest.fixture
def rd(client):
    """decode_responses=True"""
    return client(decode_responses=True)


@pytest.fixture
def r3(client):
    """RESP3, decode_responses=True"""
    return client(protocol=3, decode_responses=True)


@pytest.fixture
def private_real_redis(tmp_path):
    """A redis-server of our own (same binary as the machine's service) for cases that must touch the
    whole server (FLUSHALL); skipped only where no redis-server is installed."""
    import os
    import shutil
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("no redis-server binary for a private real server")
    sock = str(tmp_path / "private-redis.sock")
    proc = subprocess.Popen([binary, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.02)
    yield f"unix://{sock}"
    proc.terminate()
    proc.wait(10)


# -- raw RESP, byte for byte ------------------------------------------------------------------------

def _frame(args) -> bytes:
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Wire:
    """A bare RESP connection: send a command, get back the exact bytes of one reply."""

    def __init__(self, host: str, port: int, db: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=10)
        self.buf = b""
        assert self.call("SELECT", db) == b"+OK\r\n"

    def _fill(self, n: int) -> None:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk

    def _end(self, pos: int) -> int:
        while (nl := self.buf.find(b"\r\n", pos)) == -1:
            self._fill(len(self.buf) + 1)
        kind, head, after = self.buf[pos:pos + 1], self.buf[pos + 1:nl], nl + 2
        if kind in b"$=!" and head != b"-1":
            self._fill(after + int(head) + 2)
            return after + int(head) + 2
        if kind in b"*~>%|" and head != b"-1":
            for _ in range(int(head) * (2 if kind in b"%|" else 1)):
                after = self._end(after)
        return after

    def call(self, *args) -> bytes:
        self.sock.sendall(_frame(args))
        end = self._end(0)
        reply, self.buf = self.buf[:end], self.buf[end:]
        return reply

    def pipeline(self, *commands) -> list[bytes]:
        """Every command in one write (so dotdo serve runs them in one batch); each reply's bytes."""
        self.sock.sendall(b"".join(_frame(args) for args in commands))
        replies = []
        for _ in commands:
            end = self._end(0)
            replies.append(self.buf[:end])
            self.buf = self.buf[end:]
        return replies

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def wire(target, client):
    """make(protocol=2|3) → a Wire to the target: the real server, or `dotdo serve redis` on the data of
    the `client` fixture (so a test can write with redis-py and read the exact reply bytes)."""
    first = client()  # flushes the real db; on dotdo it opens the data directory
    made: list[Wire] = []
    runtime = None
    if target == "real":
        url = urlparse(harness.real_url("redis"))
        host, port, db = url.hostname or "127.0.0.1", url.port or 6379, int((url.path or "/0").lstrip("/") or 0)
    else:
        runtime = Runtime(Store.shared(first.connection_pool.engine.store.path)).start()
        listener = runtime.listen(front, host="127.0.0.1", port=0)
        host, port, db = listener.host, listener.port, 0

    def make(protocol: int = 2) -> Wire:
        w = Wire(host, port, db)
        made.append(w)
        if protocol == 3:
            w.call("HELLO", 3)
        return w

    yield make
    for w in made:
        w.close()
    if runtime is not None:
        runtime.stop()


def connection_of(client: redis.Redis) -> redis.Connection:
    """A connection of the client's pool, however its redis-py release asks for one (before 5.1 a
    command name was required; from 5.3 passing one is deprecated)."""
    try:
        return client.connection_pool.get_connection()
    except TypeError:
        return client.connection_pool.get_connection("_")
