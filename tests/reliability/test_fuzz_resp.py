"""Fuzzing the RESP front: random bytes and mutated valid frames never crash or hang the server,
never touch keys they do not name, and never stop other connections from being served.

Fast tier (CI): a few hundred inputs. Long tier (--long): DOTDO_FUZZ_EXAMPLES inputs (default 1M),
about half an hour."""
from __future__ import annotations

import os
import socket

import pytest
import redis
from hypothesis import HealthCheck, given, settings, strategies as st

from dotdo_core import Runtime, Store
from dotdo_redis.server import front

from .support import fuzz_long_tier, mutate_bytes

SEEDED = {f"seed:{i}".encode(): os.urandom(16) for i in range(20)}
COMMANDS = [
    [b"SET", b"fuzz:a", b"value"], [b"GET", b"fuzz:a"], [b"INCR", b"fuzz:n"], [b"HSET", b"fuzz:h", b"f", b"v"],
    [b"LPUSH", b"fuzz:l", b"x"], [b"ZADD", b"fuzz:z", b"1", b"m"], [b"MGET", b"fuzz:a", b"fuzz:b"],
    [b"PING"], [b"ECHO", b"hello"], [b"MULTI"], [b"EXEC"], [b"HELLO", b"3"], [b"SELECT", b"1"],
]


def frame(argv: list[bytes]) -> bytes:
    out = b"*%d\r\n" % len(argv)
    for a in argv:
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


@st.composite
def mutated_frames(draw) -> bytes:
    data = bytearray(b"".join(frame(c) for c in draw(st.lists(st.sampled_from(COMMANDS), min_size=1, max_size=4))))
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "length"]))
        if not data:
            break
        if kind != "length":
            mutate_bytes(draw, data, kind)
            continue
        at = draw(st.integers(0, len(data) - 1))
        data[at:at] = draw(st.sampled_from([b"$536870913\r\n", b"*-1\r\n", b"$-1\r\n", b"*2147483648\r\n", b"$99999\r\n"]))
    return bytes(data)


inputs = st.one_of(st.binary(max_size=256), mutated_frames())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    runtime = Runtime(Store(tmp_path_factory.mktemp("fuzz"))).start()
    listener = runtime.listen(front, port=0)
    client = redis.Redis(port=listener.port)
    client.mset(SEEDED)
    yield listener.port, client
    client.close()
    runtime.stop()


def send_raw(port: int, data: bytes) -> None:
    """Send one input and end the stream: the server answers what it can and closes on end of input,
    so no input waits on a timeout (one input takes about a millisecond, making 1M inputs feasible)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            while s.recv(65536):
                pass
        except (ConnectionResetError, BrokenPipeError):
            pass
        except socket.timeout:
            raise AssertionError(f"the server neither answered nor closed within 5 s after input {data!r}")


def check_healthy(client: redis.Redis) -> None:
    assert client.ping() is True
    assert client.mget(list(SEEDED)) == list(SEEDED.values())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=inputs)
def test_fuzzed_input_never_harms_the_server_or_other_keys(server, data):
    port, client = server
    send_raw(port, data)
    check_healthy(client)


@pytest.mark.slow
@pytest.mark.timeout(0)
def test_fuzz_long_tier(server):
    port, client = server
    tried = fuzz_long_tier(inputs, lambda data: send_raw(port, data), lambda: check_healthy(client))
    check_healthy(client)
    print(f"RESP fuzz inputs tried: {tried}")


def test_huge_declared_length_is_refused_before_any_allocation(server):
    port, client = server
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(b"*1\r\n$536870913\r\n")
        assert s.recv(100) == b"-ERR Protocol error: invalid bulk length\r\n"
    check_healthy(client)
