"""The pgwire front under bad input: each garbage/truncated/oversized frame gets a PostgreSQL
error and closes only that connection; the server and its data carry on."""
from __future__ import annotations

import socket
import struct

import psycopg
import pytest

import dotdo_postgres
from dotdo_postgres.client import endpoint


@pytest.fixture
def data(tmp_path):
    return str(tmp_path / "pg")


def raw(data: str) -> socket.socket:
    ep = endpoint(data)
    if ep.host == "127.0.0.1":
        s = socket.create_connection((ep.host, ep.port))
    else:
        s = socket.socket(socket.AF_UNIX)
        s.connect(f"{ep.host}/.s.PGSQL.{ep.port}")
    s.settimeout(5)
    return s


def startup(user: str = "postgres", database: str = "postgres") -> bytes:
    body = struct.pack("!i", 196608) + b"user\x00" + user.encode() + b"\x00database\x00" + database.encode() + b"\x00\x00"
    return struct.pack("!i", len(body) + 4) + body


def read_all(s: socket.socket) -> bytes:
    out = b""
    while True:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        out += chunk
        if out.endswith(b"Z\x00\x00\x00\x05I") or out.endswith(b"Z\x00\x00\x00\x05T") or out.endswith(b"Z\x00\x00\x00\x05E"):
            break
    return out


def logged_in(data: str) -> socket.socket:
    s = raw(data)
    s.sendall(startup())
    greeting = read_all(s)
    assert greeting.startswith(b"R\x00\x00\x00\x08\x00\x00\x00\x00")
    return s


def still_serving(data: str) -> None:
    with dotdo_postgres.connect(data=data, autocommit=True) as c:
        assert c.execute("SELECT 1").fetchone() == (1,)


def test_ssl_request_is_refused_with_n(data):
    s = raw(data)
    s.sendall(struct.pack("!ii", 8, 80877103))
    assert s.recv(1) == b"N"
    s.sendall(startup())
    assert read_all(s).startswith(b"R")


def test_gssenc_request_is_refused_with_n(data):
    s = raw(data)
    s.sendall(struct.pack("!ii", 8, 80877104))
    assert s.recv(1) == b"N"


def test_parameter_status_values(data):
    s = raw(data)
    s.sendall(startup())
    greeting = read_all(s)
    for name, value in [(b"server_version", b"16.4"), (b"client_encoding", b"UTF8"), (b"DateStyle", b"ISO, MDY"),
                        (b"integer_datetimes", b"on"), (b"standard_conforming_strings", b"on"),
                        (b"server_encoding", b"UTF8"), (b"TimeZone", b"Etc/UTC")]:
        assert name + b"\x00" + value + b"\x00" in greeting
    assert b"K\x00\x00\x00\x0c" in greeting  # BackendKeyData


def test_bad_startup_length_closes(data):
    s = raw(data)
    s.sendall(struct.pack("!i", 2**30) + b"xxxx")
    reply = read_all(s)
    assert reply.startswith(b"E") and b"C08P01" in reply
    still_serving(data)


def test_garbage_before_startup(data):
    s = raw(data)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    reply = read_all(s)
    assert reply == b"" or reply.startswith(b"E")
    still_serving(data)


def test_huge_message_length_closes_only_that_connection(data):
    s = logged_in(data)
    s.sendall(b"Q" + struct.pack("!i", 2**31 - 1) + b"SELECT 1")
    reply = read_all(s)
    assert b"C08P01" in reply
    still_serving(data)


def test_negative_message_length(data):
    s = logged_in(data)
    s.sendall(b"Q" + struct.pack("!i", -5))
    assert b"C08P01" in read_all(s)
    still_serving(data)


def test_unknown_message_type(data):
    s = logged_in(data)
    s.sendall(b"!" + struct.pack("!i", 4))
    assert b"C08P01" in read_all(s)
    still_serving(data)


def test_truncated_message_then_disconnect(data):
    s = logged_in(data)
    s.sendall(b"Q" + struct.pack("!i", 100) + b"SELECT")
    s.close()
    still_serving(data)


def test_malformed_bind_gets_error_and_connection_survives(data):
    s = logged_in(data)
    parse = b"P" + struct.pack("!i", 4 + 1 + 9 + 2) + b"\x00SELECT 1\x00" + b"\x00\x00"
    bad_bind = b"B" + struct.pack("!i", 4 + 3) + b"\x00\x00\xff"
    sync = b"S\x00\x00\x00\x04"
    s.sendall(parse + bad_bind + sync)
    reply = read_all(s)
    assert b"E" in reply and reply.endswith(b"Z\x00\x00\x00\x05I")
    s.sendall(b"Q" + struct.pack("!i", 4 + 9) + b"SELECT 2\x00")
    assert b"D" in read_all(s)


def test_invalid_utf8_query(data):
    s = logged_in(data)
    s.sendall(b"Q" + struct.pack("!i", 4 + 5) + b"\xff\xfe\xfd\xfc\x00")
    reply = read_all(s)
    assert b"E" in reply
    still_serving(data)


def test_terminate_closes_cleanly(data):
    s = logged_in(data)
    s.sendall(b"X\x00\x00\x00\x04")
    assert s.recv(10) == b""


def test_cancel_request_is_answered_by_close(data):
    s = raw(data)
    s.sendall(struct.pack("!iiii", 16, 80877102, 1, 2))
    assert s.recv(10) == b""


def test_garbage_does_not_change_data(data):
    with dotdo_postgres.connect(data=data, autocommit=True) as c:
        c.execute("CREATE TABLE keep (x int)")
        c.execute("INSERT INTO keep VALUES (1)")
    for junk in (b"\x00" * 64, b"Q\x00\x00\x00\x09DROP", b"P" + b"\xff" * 40, bytes(range(256))):
        s = logged_in(data)
        s.settimeout(0.3)  # some junk is a frame still waiting for its bytes: nothing comes back
        s.sendall(junk)
        read_all(s)
        s.close()
    with dotdo_postgres.connect(data=data, autocommit=True) as c:
        assert c.execute("SELECT x FROM keep").fetchall() == [(1,)]


def test_tcp_with_ssl_prefer(tmp_path):
    """Over TCP libpq first sends SSLRequest unless sslmode=disable; the refusal lets it go on in clear."""
    from dotdo_core.runtime import Runtime
    from dotdo_core.store import Store
    from dotdo_postgres.server import front
    rt = Runtime(Store(str(tmp_path / "tcp"))).start()
    try:
        listener = rt.listen(front, host="127.0.0.1", port=0)
        with psycopg.connect(host="127.0.0.1", port=listener.port, user="postgres", dbname="app",
                             sslmode="prefer", autocommit=True) as c:
            assert c.execute("SELECT current_database()").fetchone() == ("app",)
    finally:
        rt.stop()
