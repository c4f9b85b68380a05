"""Malformed frames and BSON never take the server down: each connection either gets an answer
or is closed, and the server keeps serving others with its data intact."""
from __future__ import annotations

import random
import socket
import struct

import bson
from hypothesis import HealthCheck, given, settings, strategies as st


def _exchange(addr, data: bytes) -> None:
    s = socket.create_connection(addr, timeout=2)
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
    except OSError:
        pass
    finally:
        s.close()


def _alive(connect) -> None:
    """The server answers, and the sentinel collection no fuzz input can name is intact."""
    r = connect()
    assert r.command({"find": "keep", "$db": "sentinel", "filter": {}})["cursor"]["firstBatch"] == [{"_id": 1, "v": "x"}]


def _seed(connect) -> None:
    connect().command({"update": "keep", "$db": "sentinel",
                       "updates": [{"q": {"_id": 1}, "u": {"_id": 1, "v": "x"}, "upsert": True}]})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=0, max_size=200))
def test_random_bytes(server, connect, data):
    _seed(connect)
    _exchange(server, data)
    _alive(connect)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10_000), st.integers(0, 255), st.integers(-1, 400))
def test_mutated_op_msg(server, connect, seed, byte, cut):
    _seed(connect)
    body = bson.encode({"insert": "fuzz", "$db": "fuzzdb", "documents": [{"_id": 1, "x": [1, {"y": "z"}]}]})
    payload = struct.pack("<I", 0) + b"\x00" + body
    frame = bytearray(struct.pack("<iiii", 16 + len(payload), 1, 0, 2013) + payload)
    pos = random.Random(seed).randrange(len(frame))
    frame[pos] = byte
    data = bytes(frame if cut < 0 else frame[:cut])
    _exchange(server, data)
    _alive(connect)
