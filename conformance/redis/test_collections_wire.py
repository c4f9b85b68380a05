"""Collection replies byte for byte on the wire, RESP2 and RESP3: maps (%), sets (~), doubles (,),
nulls (_ / *-1 / $-1) — what redis-py cannot show because its parsers map several of them onto
the same Python value. The dotdo side is `dotdo serve redis` over TCP on the same data."""
from __future__ import annotations

import socket
from urllib.parse import urlparse

import pytest
from dotdo_core import Runtime, Store
from dotdo_redis.server import front

from conformance import harness


def _encode(args) -> bytes:
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Wire:
    def __init__(self, host: str, port: int, db: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=5)
        self.buf = b""
        assert self.call("SELECT", db) == b"+OK\r\n"

    def _line(self, pos: int) -> int:
        while True:
            end = self.buf.find(b"\r\n", pos)
            if end != -1:
                return end
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk

    def _need(self, n: int) -> None:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk

    def _skip(self, pos: int) -> int:
        """The position after the reply starting at pos (reading more as needed)."""
        end = self._line(pos)
        kind, head = self.buf[pos : pos + 1], self.buf[pos + 1 : end]
        after = end + 2
        if kind in b"$=!" and head != b"-1":
            self._need(after + int(head) + 2)
            return after + int(head) + 2
        if kind in b"*~>" and head != b"-1":
            for _ in range(int(head)):
                after = self._skip(after)
        elif kind == b"%" or kind == b"|":
            for _ in range(2 * int(head)):
                after = self._skip(after)
        return after

    def call(self, *args) -> bytes:
        self.sock.sendall(_encode(args))
        end = self._skip(0)
        reply, self.buf = self.buf[:end], self.buf[end:]
        return reply

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def wire(target, client):
    client()  # flushes the real db first; on dotdo it creates the data directory's engine
    made = []
    runtime = None
    if target == "real":
        url = urlparse(harness.real_url("redis"))
        host, port, db = url.hostname or "127.0.0.1", url.port or 6379, int((url.path or "/0").lstrip("/") or 0)
    else:
        data = client().connection_pool.engine.store.path
        runtime = Runtime(Store.shared(data)).start()
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


SETUP = [
    ("HSET", "h", "a", "1"),
    ("RPUSH", "l", "x", "y"),
    ("SADD", "s", "m"),
    ("ZADD", "z", "1.5", "a", "2", "b"),
]


@pytest.mark.parametrize("command, resp2, resp3", [
    (("HGETALL", "h"), b"*2\r\n$1\r\na\r\n$1\r\n1\r\n", b"%1\r\n$1\r\na\r\n$1\r\n1\r\n"),
    (("HGETALL", "nokey"), b"*0\r\n", b"%0\r\n"),
    (("HRANDFIELD", "h", "1", "WITHVALUES"), b"*2\r\n$1\r\na\r\n$1\r\n1\r\n", b"*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
    (("HINCRBYFLOAT", "h", "a", "0.5"), b"$3\r\n1.5\r\n", b"$3\r\n1.5\r\n"),
    (("HGET", "h", "zz"), b"$-1\r\n", b"_\r\n"),
    (("LPOP", "nokey", "2"), b"*-1\r\n", b"_\r\n"),
    (("LPOP", "l", "0"), b"*0\r\n", b"*0\r\n"),
    (("BLPOP", "nokey", "0.01"), b"*-1\r\n", b"_\r\n"),
    (("BLPOP", "l", "1"), b"*2\r\n$1\r\nl\r\n$1\r\nx\r\n", b"*2\r\n$1\r\nl\r\n$1\r\nx\r\n"),
    (("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0.01"), b"*-1\r\n", b"_\r\n"),
    (("BRPOPLPUSH", "nokey", "d", "0.01"), b"*-1\r\n", b"_\r\n"),
    (("LMPOP", "1", "nokey", "LEFT"), b"*-1\r\n", b"_\r\n"),
    (("LPOS", "l", "zz"), b"$-1\r\n", b"_\r\n"),
    (("SMEMBERS", "s"), b"*1\r\n$1\r\nm\r\n", b"~1\r\n$1\r\nm\r\n"),
    (("SPOP", "s", "1"), b"*1\r\n$1\r\nm\r\n", b"~1\r\n$1\r\nm\r\n"),
    (("SPOP", "nokey", "1"), b"*0\r\n", b"~0\r\n"),
    (("SRANDMEMBER", "s", "1"), b"*1\r\n$1\r\nm\r\n", b"*1\r\n$1\r\nm\r\n"),
    (("SINTER", "s", "nokey"), b"*0\r\n", b"~0\r\n"),
    (("SUNION", "s"), b"*1\r\n$1\r\nm\r\n", b"~1\r\n$1\r\nm\r\n"),
    (("SDIFF", "s"), b"*1\r\n$1\r\nm\r\n", b"~1\r\n$1\r\nm\r\n"),
    (("ZSCORE", "z", "a"), b"$3\r\n1.5\r\n", b",1.5\r\n"),
    (("ZSCORE", "z", "b"), b"$1\r\n2\r\n", b",2\r\n"),
    (("ZRANGE", "z", "0", "0", "WITHSCORES"), b"*2\r\n$1\r\na\r\n$3\r\n1.5\r\n", b"*1\r\n*2\r\n$1\r\na\r\n,1.5\r\n"),
    (("ZPOPMIN", "z"), b"*2\r\n$1\r\na\r\n$3\r\n1.5\r\n", b"*2\r\n$1\r\na\r\n,1.5\r\n"),
    (("ZPOPMAX", "z", "1"), b"*2\r\n$1\r\nb\r\n$1\r\n2\r\n", b"*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"),
    (("ZMPOP", "1", "z", "MIN"), b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$3\r\n1.5\r\n",
     b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,1.5\r\n"),
    (("ZMPOP", "1", "nokey", "MIN"), b"*-1\r\n", b"_\r\n"),
    (("BZPOPMAX", "z", "1"), b"*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n", b"*3\r\n$1\r\nz\r\n$1\r\nb\r\n,2\r\n"),
    (("BZPOPMIN", "nokey", "0.01"), b"*-1\r\n", b"_\r\n"),
    (("ZINCRBY", "z", "1", "b"), b"$1\r\n3\r\n", b",3\r\n"),
    (("ZADD", "z", "XX", "INCR", "1", "nokey"), b"$-1\r\n", b"_\r\n"),
    (("ZMSCORE", "z", "b", "zz"), b"*2\r\n$1\r\n2\r\n$-1\r\n", b"*2\r\n,2\r\n_\r\n"),
    (("ZSCAN", "z", "0"), b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n",
     b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n"),
    (("ZRANK", "z", "zz"), b"$-1\r\n", b"_\r\n"),
])
@pytest.mark.parametrize("protocol", [2, 3])
def test_collection_reply_bytes(wire, protocol, command, resp2, resp3):
    w = wire(protocol)
    for args in SETUP:
        w.call(*args)
    assert w.call(*command) == (resp2 if protocol == 2 else resp3)


def test_blocking_commands_inside_multi_answer_at_once(wire):
    w = wire()
    assert w.call("MULTI") == b"+OK\r\n"
    for args in [("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0"), ("BRPOPLPUSH", "nokey", "d", "0"), ("BLPOP", "nokey", "0"),
                 ("BZPOPMIN", "nokey", "0"), ("BLMPOP", "0", "1", "nokey", "LEFT"), ("BZMPOP", "0", "1", "nokey", "MIN")]:
        assert w.call(*args) == b"+QUEUED\r\n"
    assert w.call("EXEC") == b"*6\r\n$-1\r\n$-1\r\n*-1\r\n*-1\r\n*-1\r\n*-1\r\n"


def test_blpop_over_the_wire_is_woken_by_another_connection(wire):
    import threading
    import time

    waiter, pusher = wire(), wire()

    def push():
        time.sleep(0.2)
        pusher.call("RPUSH", "q", "v")

    t = threading.Thread(target=push)
    t.start()
    assert waiter.call("BLPOP", "q", "5") == b"*2\r\n$1\r\nq\r\n$1\r\nv\r\n"
    t.join()


@pytest.mark.parametrize("command, error", [
    (("HSET", "h", "a"), b"-ERR wrong number of arguments for 'hset' command\r\n"),
    (("LPOS", "l", "x", "RANK", "0"), b"-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
    (("ZADD", "z", "nan", "a"), b"-ERR value is not a valid float\r\n"),
    (("SADD", "h", "a"), b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (("BLPOP", "l", "-1"), b"-ERR timeout is negative\r\n"),
])
def test_collection_errors_on_the_wire(wire, command, error):
    w = wire()
    for args in SETUP:
        w.call(*args)
    assert w.call(*command) == error
