"""Fuzzing the pgwire front: random bytes, mutated startup packets and mutated query frames (wrong
lengths, huge declared lengths, invalid UTF-8) never crash or hang the server. Each connection gets
well-formed backend messages — an ErrorResponse with a SQLSTATE, never an internal error — or is
closed; another connection keeps working and the seeded rows stay as they were.

Fast tier (CI): a few hundred inputs. Long tier (--long): DOTDO_FUZZ_EXAMPLES inputs (default 1M)."""
from __future__ import annotations

import socket
import struct

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dotdo_core import Runtime, Store
from dotdo_postgres.server import front

from .support import byte_variant, fuzz_long_tier, mutate_bytes

SEEDED = [(i, f"row {i}", i * 1.5) for i in range(20)]
SQL = [
    b"SELECT 1", b"SELECT * FROM seed WHERE id = 3", b"INSERT INTO fuzz VALUES (1, 'x')",
    b"UPDATE fuzz SET v = 'y' WHERE id = 1", b"DELETE FROM fuzz WHERE id = 1", b"BEGIN", b"COMMIT",
    b"ROLLBACK", b"SELECT 'caf\xc3\xa9'", b"SELECT $1::int + 1", b"SELECT count(*) FROM fuzz",
    b"COPY fuzz FROM STDIN", b"SHOW server_version", b"SELECT 1/0",
]
BACKEND_KINDS = set(b"RSKZTDCEINn123stGHWdcAv")


def msg(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!i", len(body) + 4) + body


def startup(user: bytes = b"postgres", database: bytes = b"fuzz") -> bytes:
    body = struct.pack("!i", 196608) + b"user\x00" + user + b"\x00database\x00" + database + b"\x00\x00"
    return struct.pack("!i", len(body) + 4) + body


@st.composite
def frontend_messages(draw) -> bytes:
    sql = draw(st.sampled_from(SQL))
    kind = draw(st.sampled_from(["query", "extended", "copy", "close", "terminate", "flush"]))
    if kind == "query":
        return msg(b"Q", sql + b"\x00")
    if kind == "extended":
        name = draw(st.sampled_from([b"", b"s1"]))
        params = draw(st.lists(st.binary(max_size=8), max_size=2))
        fmt = draw(st.sampled_from([0, 1]))
        bind = name + b"\x00" + name + b"\x00" + struct.pack("!hh", 1, fmt) + struct.pack("!h", len(params))
        bind += b"".join(struct.pack("!i", len(p)) + p for p in params) + struct.pack("!hh", 1, fmt)
        return (msg(b"P", name + b"\x00" + sql + b"\x00" + struct.pack("!hi", 1, 23)) + msg(b"B", bind)
                + msg(b"D", b"P" + name + b"\x00") + msg(b"E", name + b"\x00" + struct.pack("!i", 0)) + msg(b"S", b""))
    if kind == "copy":
        return msg(b"d", draw(st.binary(max_size=16))) + msg(b"c", b"")
    if kind == "close":
        return msg(b"C", b"S" + draw(st.sampled_from([b"", b"s1"])) + b"\x00")
    if kind == "terminate":
        return msg(b"X", b"")
    return msg(b"H", b"")


def mutate(draw, data: bytearray) -> bytes:
    for _ in range(draw(st.integers(0, 4))):
        if not data:
            break
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "length", "utf8"]))
        if kind in ("flip", "truncate", "insert"):
            mutate_bytes(draw, data, kind)
            continue
        at = draw(st.integers(0, len(data) - 1))
        if kind == "length":
            data[at:at + 4] = struct.pack("!i", draw(st.sampled_from([-1, 0, 3, 4, 5, 2**31 - 1, 2**30, 65536, 10_001])))
        else:
            data[at:at] = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80", b"\x00"]))
    return bytes(data)


@st.composite
def mutated_startups(draw) -> bytes:
    head = draw(st.sampled_from([startup(), struct.pack("!ii", 8, 80877103) + startup(),
                                 struct.pack("!iiii", 16, 80877102, 1, 2), startup(b"", b"")]))
    return mutate(draw, bytearray(head))


@st.composite
def mutated_sessions(draw) -> bytes:
    """A valid startup followed by mutated frontend messages, so the fuzz reaches query handling."""
    body = bytearray(b"".join(draw(st.lists(frontend_messages(), min_size=1, max_size=4))))
    return startup() + mutate(draw, body)


inputs = st.one_of(st.binary(max_size=256), mutated_startups(), mutated_sessions())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    runtime = Runtime(Store(tmp_path_factory.mktemp("pgfuzz"))).start()
    listener = runtime.listen(front, port=0)
    dsn = f"host=127.0.0.1 port={listener.port} user=postgres sslmode=disable"
    with psycopg.connect(dsn + " dbname=fuzz", autocommit=True) as c:
        c.execute("CREATE TABLE seed (id int PRIMARY KEY, name text, score float8)")
        c.cursor().executemany("INSERT INTO seed VALUES (%s, %s, %s)", SEEDED)
        c.execute("CREATE TABLE fuzz (id int, v text)")
    client = psycopg.connect(dsn + " dbname=fuzz", autocommit=True)
    yield listener.port, client
    client.close()
    runtime.stop()


def exchange(port: int, data: bytes) -> bytes:
    """Send `data`, half-close, and return everything the server sent before closing. The server
    sees end of stream after the input, so it must answer and close: waiting past the timeout is a
    hang, and fails."""
    out = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            return bytes(out)
        try:
            while chunk := s.recv(65536):
                out += chunk
        except ConnectionResetError:
            pass
    return bytes(out)


def check_reply(reply: bytes) -> None:
    """The reply is whole backend messages (after any 'N' refusing SSL); errors carry a SQLSTATE
    that is not an internal error."""
    i = 0
    while i < len(reply):
        kind = reply[i]
        length = struct.unpack_from("!i", reply, i + 1)[0] if i + 5 <= len(reply) else -1
        if kind == ord("N") and not 4 <= length <= len(reply) - i - 1:
            i += 1  # the one-byte answer to SSLRequest
            continue
        assert kind in BACKEND_KINDS, reply[i:i + 20]
        assert 4 <= length <= len(reply) - i - 1, reply[i:i + 20]
        if kind == ord("E"):
            fields = dict((f[:1], f[1:]) for f in reply[i + 5:i + 1 + length].split(b"\x00") if f)
            code = fields[b"C"].decode()
            assert len(code) == 5 and code != "XX000", fields
        i += 1 + length


def check_healthy(client: psycopg.Connection) -> None:
    assert client.execute("SELECT 1").fetchone() == (1,)
    assert client.execute("SELECT id, name, score FROM seed ORDER BY id").fetchall() == SEEDED


@settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=inputs)
def test_fuzzed_input_gets_a_postgres_error_or_a_close_and_never_harms_other_connections(server, data):
    port, client = server
    check_reply(exchange(port, data))
    check_healthy(client)


@pytest.mark.slow
@pytest.mark.timeout(0)
def test_fuzz_long_tier(server):
    port, client = server
    tried = fuzz_long_tier(inputs, lambda data: check_reply(exchange(port, data)), lambda: check_healthy(client),
                           variants=3, derive=byte_variant)
    check_healthy(client)
    print(f"pgwire fuzz inputs tried: {tried}")


def fields_of_error(reply: bytes) -> dict[bytes, bytes]:
    assert reply[:1] == b"E", reply[:40]
    length = struct.unpack_from("!i", reply, 1)[0]
    return dict((f[:1], f[1:]) for f in reply[5:1 + length].split(b"\x00") if f)


def test_huge_declared_message_length_is_refused_before_any_allocation(server):
    port, client = server
    reply = exchange(port, startup() + b"Q" + struct.pack("!i", 2**31 - 1) + b"SELECT 1")
    after_ready = reply[reply.index(b"Z\x00\x00\x00\x05I") + 6:]
    assert fields_of_error(after_ready)[b"C"] == b"08P01"
    check_healthy(client)


def test_huge_startup_length_is_a_protocol_violation(server):
    port, client = server
    assert fields_of_error(exchange(port, struct.pack("!ii", 2**30, 196608)))[b"C"] == b"08P01"
    check_healthy(client)


def test_invalid_utf8_in_a_query_is_a_character_not_in_repertoire_error(server):
    port, client = server
    reply = exchange(port, startup() + msg(b"Q", b"SELECT '\xff\xfe'\x00"))
    after_ready = reply[reply.index(b"Z\x00\x00\x00\x05I") + 6:]
    assert fields_of_error(after_ready)[b"C"] == b"22021"
    check_healthy(client)


def _bind_errors(port: int, database: bytes, bind: bytes) -> list[bytes]:
    """SQLSTATEs of the errors for Parse(SELECT 1, 2, 3) + `bind` + Describe + Execute + Sync."""
    session = (msg(b"P", b"\x00SELECT 1, 2, 3\x00\x00\x00") + msg(b"B", bind) + msg(b"D", b"P\x00")
               + msg(b"E", b"\x00\x00\x00\x00\x00") + msg(b"S", b""))
    reply = exchange(port, startup(database=database) + session)
    reply = reply[reply.index(b"Z\x00\x00\x00\x05I") + 6:]
    codes, i = [], 0
    while i < len(reply):
        length = struct.unpack_from("!i", reply, i + 1)[0]
        if reply[i:i + 1] == b"E":
            codes.append(fields_of_error(reply[i:i + 1 + length])[b"C"])
        i += 1 + length
    return codes


BAD_BINDS = {
    "two result formats for three columns": b"\x00\x00" + struct.pack("!hhhh", 0, 0, 2, 0) + b"\x00\x01",
    "result format code 7": b"\x00\x00" + struct.pack("!hhhh", 0, 0, 1, 7),
    "two parameter formats for no parameters": b"\x00\x00" + struct.pack("!hhhhh", 2, 0, 0, 0, 0),
}


@pytest.mark.parametrize("case", sorted(BAD_BINDS))
def test_a_bind_with_inconsistent_formats_gets_the_same_error_as_postgresql(server, case):
    import os
    from urllib.parse import urlparse
    port, client = server
    ours = _bind_errors(port, b"fuzz", BAD_BINDS[case])
    real_url = os.environ.get("DOTDO_REAL_POSTGRES_URL")
    if real_url is None:
        pytest.skip("DOTDO_REAL_POSTGRES_URL not set")
    real = urlparse(real_url)
    theirs = _bind_errors(real.port or 5432, (real.path.lstrip("/") or "postgres").encode(), BAD_BINDS[case])
    assert ours == theirs and len(ours) == 1, (ours, theirs)
    check_healthy(client)
