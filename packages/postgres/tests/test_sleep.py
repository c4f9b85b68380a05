"""pg_sleep waits in its own connection: the server's loop goes on answering the others, and the
sleep ends at statement_timeout or at a cancel request, as in PostgreSQL.

Ordering, not timing, proves it: a connection sends two queries in one write, `SELECT 1` then
`SELECT pg_sleep(600)`. The server flushes replies when it stops processing a connection's
input, so the first query's ReadyForQuery reaches the client only once the sleep has begun
(a sleep on the loop would hold that reply for the whole 600 seconds)."""
from __future__ import annotations

import socket
import struct

import psycopg
import pytest

import dotdo_postgres
from dotdo_postgres.client import endpoint

READY = b"Z\x00\x00\x00\x05"


@pytest.fixture
def data(tmp_path):
    return str(tmp_path / "pg")


def _socket(data: str) -> socket.socket:
    ep = endpoint(data)
    if ep.host == "127.0.0.1":
        s = socket.create_connection((ep.host, ep.port))
    else:
        s = socket.socket(socket.AF_UNIX)
        s.connect(f"{ep.host}/.s.PGSQL.{ep.port}")
    s.settimeout(60)  # a guard against hanging forever, never reached when the server behaves
    return s


def _query(sql: str) -> bytes:
    body = sql.encode() + b"\x00"
    return b"Q" + struct.pack("!i", len(body) + 4) + body


def _read_until_ready(s: socket.socket, buf: bytearray) -> bytes:
    """Bytes up to and including the next ReadyForQuery (the rest stays in `buf`)."""
    while READY not in buf:
        chunk = s.recv(65536)
        assert chunk, "the server closed the connection"
        buf += chunk
    end = buf.index(READY) + len(READY) + 1
    reply = bytes(buf[:end])
    del buf[:end]
    return reply


def _login(data: str) -> tuple[socket.socket, int, int, bytearray]:
    """A raw connection after startup, with its BackendKeyData (pid, secret)."""
    s = _socket(data)
    body = struct.pack("!i", 196608) + b"user\x00postgres\x00database\x00postgres\x00\x00"
    s.sendall(struct.pack("!i", len(body) + 4) + body)
    buf = bytearray()
    greeting = _read_until_ready(s, buf)
    at = greeting.index(b"K\x00\x00\x00\x0c")
    pid, secret = struct.unpack_from("!ii", greeting, at + 5)
    return s, pid, secret, buf


def _cancel(data: str, pid: int, secret: int) -> None:
    s = _socket(data)
    s.sendall(struct.pack("!iiii", 16, 80877102, pid, secret))
    assert s.recv(1) == b""  # the server answers a cancel request by closing
    s.close()


def _no_reply_yet(s: socket.socket) -> bool:
    s.setblocking(False)
    try:
        s.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    finally:
        s.settimeout(60)
    return False


def test_other_connections_answer_while_one_sleeps(data):
    events = []
    sleeper, pid, secret, buf = _login(data)
    sleeper.sendall(_query("SELECT 1") + _query("SELECT pg_sleep(600)"))
    assert b"C\x00\x00\x00\rSELECT 1\x00" in _read_until_ready(sleeper, buf)
    events.append("sleep began")
    with dotdo_postgres.connect(data=data, dbname="postgres", autocommit=True) as other:
        assert other.execute("SELECT 41 + 1").fetchone() == (42,)
        other.execute("CREATE TABLE t (x int)")
        other.execute("INSERT INTO t VALUES (1)")
        events.append("other answered")
    if _no_reply_yet(sleeper):
        events.append("still sleeping")
    _cancel(data, pid, secret)
    reply = _read_until_ready(sleeper, buf)
    assert b"C57014\x00" in reply and b"canceling statement due to user request" in reply
    events.append("sleep cancelled")
    assert events == ["sleep began", "other answered", "still sleeping", "sleep cancelled"]
    sleeper.sendall(_query("SELECT 7"))
    assert b"D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x017" in _read_until_ready(sleeper, buf)
    sleeper.close()


def test_sleep_ends_at_statement_timeout(data):
    with dotdo_postgres.connect(data=data, autocommit=True) as c:
        c.execute("SET statement_timeout = 50")
        with pytest.raises(psycopg.errors.QueryCanceled, match="statement timeout"):
            c.execute("SELECT pg_sleep(600)")
        c.execute("SET statement_timeout = 0")
        assert c.execute("SELECT 1").fetchone() == (1,)


def test_several_sleeps_in_one_statement_answer_once(data):
    with dotdo_postgres.connect(data=data, autocommit=True) as c:
        rows = c.execute("SELECT g, pg_sleep(0.01), now() = statement_timestamp() "
                         "FROM generate_series(1, 3) g").fetchall()
        assert rows == [(1, "", True), (2, "", True), (3, "", True)]
        c.execute("BEGIN")
        before = c.execute("SELECT now()").fetchone()[0]
        assert c.execute("SELECT now(), pg_sleep(%s)", (0.01,)).fetchone() == (before, "")
        c.execute("COMMIT")


def test_sleep_beside_a_table_read_still_answers(data):
    """A statement that also reads a table sleeps on the loop (a second run could see rows
    committed meanwhile); its answer is PostgreSQL's."""
    with dotdo_postgres.connect(data=data, autocommit=True) as c:
        c.execute("CREATE TABLE t (x int)")
        c.execute("INSERT INTO t VALUES (1), (2)")
        assert c.execute("SELECT count(*), pg_sleep(0.01) FROM t").fetchone() == (2, "")
