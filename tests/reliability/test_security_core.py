"""Security of the server runtime every front shares: who may bind beyond loopback, TLS on the wire
(from the first byte, and in-band for protocols that negotiate it), connection limits, and names
that must never become namespaces. Each test fails if its protection is removed."""
from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import sys

import pytest
import redis

from dotdo_core import Front, Runtime, Store, auth, names, tls
from dotdo_core.scram import ScramServer
from tests.reliability.support import dotdo_serve


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


class StartTlsEcho(asyncio.Protocol):
    """A toy in-band protocol shaped like pgwire's SSLRequest: b'TLS?' → 'S' and a handshake, or 'N'."""

    def __init__(self, context):
        self.context = context

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        if data == b"TLS?":
            if self.context is None:
                self.transport.write(b"N")
                return
            self.transport.write(b"S")
            tls.start_tls(self.transport, self.context, self.upgraded)
        else:
            self.transport.write(b"echo:" + data)

    def upgraded(self, transport):
        self.transport = transport


ECHO = Front(name="echo", default_port=0, build=lambda store: Echo, busy_reply=b"BUSY\n")
STARTTLS = Front(name="starttls", default_port=0, starttls=True, build=lambda store, ctx: lambda: StartTlsEcho(ctx))


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    """A self-signed certificate for localhost/127.0.0.1, made for this run."""
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(d / "key.pem"),
                    "-out", str(d / "cert.pem"), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    return str(d / "cert.pem"), str(d / "key.pem")


def client_context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    return ctx


@pytest.fixture
def runtime_factory():
    made = []

    def make(store=None, **kw):
        rt = Runtime(store or Store(":memory:"), **kw).start()
        made.append(rt)
        return rt
    yield make
    for rt in made:
        rt.stop()


# -- binding beyond loopback -------------------------------------------------------
def test_binding_a_public_address_without_users_is_refused(runtime_factory):
    rt = runtime_factory()
    with pytest.raises(PermissionError, match="requires credentials"):
        rt.listen(ECHO, host="0.0.0.0", port=0)


def test_binding_a_public_address_is_allowed_once_a_user_exists(runtime_factory):
    store = Store(":memory:")
    auth.add_user(store, "ada", "pw")
    rt = runtime_factory(store)
    assert rt.listen(ECHO, host="0.0.0.0", port=0).port > 0


def test_dotdo_serve_on_a_public_address_without_users_exits_with_the_reason(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dotdo_core.cli", "serve", "redis", "--data", str(tmp_path),
                           "--host", "0.0.0.0", "--port", "redis=0"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "requires credentials" in done.stderr and "0.0.0.0" in done.stderr


# -- TLS -----------------------------------------------------------------------------
def test_tls_listener_speaks_only_tls(runtime_factory, cert):
    rt = runtime_factory(tls=tls.server_context(*cert))
    port = rt.listen(ECHO, port=0).port
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with client_context(cert[0]).wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(b"secret")
            assert s.recv(10) == b"secret"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as plain:
        plain.sendall(b"secret\r\n")
        assert b"secret" not in plain.recv(100)  # a plain-text client never gets an answer in clear


def test_in_band_starttls_upgrades_the_same_connection(runtime_factory, cert):
    rt = runtime_factory(tls=tls.server_context(*cert))
    port = rt.listen(STARTTLS, port=0).port
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(b"TLS?")
        assert raw.recv(1) == b"S"
        with client_context(cert[0]).wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(b"hello")
            assert s.recv(20) == b"echo:hello"


def test_in_band_starttls_says_no_without_a_certificate(runtime_factory):
    rt = runtime_factory()
    port = rt.listen(STARTTLS, port=0).port
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(b"TLS?")
        assert raw.recv(1) == b"N"


def test_redis_py_with_ssl_talks_to_dotdo_serve_with_a_certificate(tmp_path, cert):
    with dotdo_serve(str(tmp_path), "redis", "--tls-cert", cert[0], "--tls-key", cert[1]) as (_, port):
        r = redis.Redis(port=port, ssl=True, ssl_ca_certs=cert[0], ssl_check_hostname=True)
        assert r.set("k", "v") and r.get("k") == b"v"
        r.close()
        with pytest.raises(redis.ConnectionError):
            redis.Redis(port=port, socket_timeout=5).ping()


def test_dotdo_serve_with_an_unreadable_certificate_refuses_to_start(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dotdo_core.cli", "serve", "redis", "--data", str(tmp_path),
                           "--port", "redis=0", "--tls-cert", str(tmp_path / "missing.pem")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "TLS certificate" in done.stderr


# -- connection limit ----------------------------------------------------------------
def test_connections_beyond_the_limit_get_the_fronts_refusal(runtime_factory):
    rt = runtime_factory(max_connections=2)
    port = rt.listen(ECHO, port=0).port
    kept = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(2)]
    for s in kept:
        s.sendall(b"x")
        assert s.recv(1) == b"x"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as third:
        assert third.recv(100) == b"BUSY\n"
        assert third.recv(100) == b""
    kept.pop().close()
    for _ in range(50):  # the server sees the close asynchronously
        with socket.create_connection(("127.0.0.1", port), timeout=5) as again:
            again.sendall(b"y")
            if again.recv(5) == b"y":
                break
    else:
        pytest.fail("a freed connection slot was never reused")
    for s in kept:
        s.close()


# -- names -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["../escape", "..", "a/../../b", "nul\x00byte", "line\nbreak", "x" * 256, "CON"])
def test_namespace_names_that_could_escape_or_confuse_are_refused(tmp_path, name):
    data = tmp_path / "data"
    with Store(data) as store:
        with pytest.raises(names.InvalidName):
            store.namespace(name)
        assert store.namespaces() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    assert not (data / "ns").exists() or list((data / "ns").iterdir()) == []


def test_a_tenant_named_like_a_path_cannot_be_configured(tmp_path):
    with Store(tmp_path) as store:
        with pytest.raises(auth.AuthError):
            auth.add_user(store, "mallory", "pw", tenant="../x")
        assert auth.list_users(store) == []


# -- SCRAM with a genuine client's implementation ------------------------------------------------
class _SaslConnection:
    """Carries pymongo's own SCRAM client (saslStart/saslContinue) straight to dotdo_core.scram, so the
    exchange is checked against a real client's code, not only against our reading of the RFC."""

    auth_ctx = None

    def __init__(self, store):
        self.exchange = ScramServer(store)

    def command(self, source, cmd):
        from dotdo_core.scram import ScramError
        try:
            if "saslStart" in cmd:
                return {"conversationId": 1, "done": False, "payload": self.exchange.first(bytes(cmd["payload"]))}
            return {"conversationId": 1, "done": True, "payload": self.exchange.final(bytes(cmd["payload"]))}
        except ScramError as e:
            from pymongo.errors import OperationFailure
            raise OperationFailure("Authentication failed.", 18) from e


def pymongo_scram_login(store, user: str, password: str):
    from pymongo.auth_shared import _build_credentials_tuple
    from pymongo.synchronous.auth import _authenticate_scram
    conn = _SaslConnection(store)
    _authenticate_scram(_build_credentials_tuple("SCRAM-SHA-256", "admin", user, password, {}, None), conn, "SCRAM-SHA-256")
    return conn.exchange.user


@pytest.mark.parametrize("user,password", [("ada", "s3cret"), ("a,b=c", "pässwörd"), ("ℌ", "I\u00adX")])
def test_pymongo_scram_client_logs_in_against_the_core_exchange(user, password):
    from pymongo.errors import OperationFailure
    store = Store(":memory:")
    auth.add_user(store, user, password, tenant="acme")
    assert pymongo_scram_login(store, user, password).tenant == "acme"
    with pytest.raises(OperationFailure, match="Authentication failed"):
        pymongo_scram_login(store, user, password + "x")
    with pytest.raises(OperationFailure, match="Authentication failed"):
        pymongo_scram_login(store, "nobody", password)


def _pg_auth_only_server(store, results):
    """Just enough pgwire for libpq to authenticate with SCRAM-SHA-256 against dotdo_core.scram (the
    PostgreSQL front wires the same seam); answers each connection once, in a thread."""
    import struct
    import threading

    listener = socket.create_server(("127.0.0.1", 0))

    def recv_exact(conn, n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError
            data += chunk
        return data

    def message(conn):
        kind = recv_exact(conn, 1)
        (length,) = struct.unpack("!i", recv_exact(conn, 4))
        return kind, recv_exact(conn, length - 4)

    def auth_reply(code, data=b""):
        return b"R" + struct.pack("!ii", 8 + len(data), code) + data

    def serve_one(conn):
        with conn:
            while True:
                (length,) = struct.unpack("!i", recv_exact(conn, 4))
                body = recv_exact(conn, length - 4)
                if struct.unpack("!i", body[:4])[0] in (80877103, 80877104):  # SSLRequest / GSSENCRequest
                    conn.sendall(b"N")
                    continue
                break
            params = body[4:].split(b"\0")
            user = dict(zip(params[::2], params[1::2]))[b"user"].decode()
            exchange = ScramServer(store, username=user)
            conn.sendall(auth_reply(10, b"SCRAM-SHA-256\0\0"))
            _, body = message(conn)
            mech, _, rest = body.partition(b"\0")
            try:
                conn.sendall(auth_reply(11, exchange.first(rest[4:])))
                _, body = message(conn)
                final = exchange.final(body)
                results.append(exchange.user)  # before the client hears it is in, so the test can look at once
                conn.sendall(auth_reply(12, final) + auth_reply(0) + b"Z\0\0\0\x05I")
                message(conn)  # Terminate
            except Exception as e:
                fields = b"SFATAL\0C28P01\0M" + f'password authentication failed for user "{user}"'.encode() + b"\0\0"
                conn.sendall(b"E" + struct.pack("!i", 4 + len(fields)) + fields)
                results.append(e)

    def loop():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            serve_one(conn)

    threading.Thread(target=loop, daemon=True).start()
    return listener


def test_libpq_scram_client_logs_in_against_the_core_exchange():
    import psycopg
    store = Store(":memory:")
    auth.add_user(store, "ada", "s3cret", tenant="acme")
    results = []
    listener = _pg_auth_only_server(store, results)
    port = listener.getsockname()[1]
    try:
        psycopg.connect(host="127.0.0.1", port=port, user="ada", password="s3cret", dbname="x",
                        channel_binding="disable", connect_timeout=10).close()
        assert results[-1].tenant == "acme"
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(host="127.0.0.1", port=port, user="ada", password="wrong", dbname="x", connect_timeout=10)
    finally:
        listener.close()


def test_psycopg_requires_and_gets_tls_from_served_postgres(runtime_factory, cert, tmp_path):
    import psycopg
    from dotdo_postgres.server import front as postgres
    rt = runtime_factory(Store(tmp_path), tls=tls.server_context(*cert))
    port = rt.listen(postgres, port=0).port
    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", sslmode="verify-full",
                         sslrootcert=cert[0], autocommit=True, connect_timeout=10) as conn:
        assert conn.info.pgconn.ssl_in_use
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_pymongo_with_tls_talks_to_served_mongo(runtime_factory, cert, tmp_path):
    import pymongo
    from dotdo_mongo.server import front as mongo
    rt = runtime_factory(Store(tmp_path), tls=tls.server_context(*cert))
    port = rt.listen(mongo, port=0).port
    client = pymongo.MongoClient(f"mongodb://127.0.0.1:{port}/?tls=true&directConnection=true", tlsCAFile=cert[0],
                                 serverSelectionTimeoutMS=10000)
    try:
        client.shop.items.insert_one({"_id": 1})
        assert client.shop.items.find_one() == {"_id": 1}
    finally:
        client.close()
    plain = pymongo.MongoClient(f"mongodb://127.0.0.1:{port}/?directConnection=true", serverSelectionTimeoutMS=1500)
    with pytest.raises(pymongo.errors.PyMongoError):
        plain.admin.command("ping")
    plain.close()


def test_dotdo_user_commands_then_serving_beyond_loopback_requires_the_password(tmp_path):
    cli = [sys.executable, "-m", "dotdo_core.cli", "user"]
    data = ["--data", str(tmp_path)]
    added = subprocess.run(cli + ["add", "alice", "--tenant", "acme"] + data, input="s3cret\n",
                           capture_output=True, text=True, timeout=60)
    assert added.returncode == 0 and "tenant acme" in added.stdout
    listed = subprocess.run(cli + ["list"] + data, capture_output=True, text=True, timeout=60).stdout
    assert "alice" in listed and "tenant=acme" in listed and "s3cret" not in listed
    assert b"s3cret" not in (tmp_path / "catalog.db").read_bytes()
    with dotdo_serve(str(tmp_path), "redis", "--host", "0.0.0.0") as (_, port):
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=port, socket_timeout=10).ping()
        r = redis.Redis(port=port, username="alice", password="s3cret", socket_timeout=10)
        assert r.ping()
        r.close()
    removed = subprocess.run(cli + ["remove", "alice"] + data, capture_output=True, text=True, timeout=60)
    assert removed.returncode == 0
    assert "no users" in subprocess.run(cli + ["list"] + data, capture_output=True, text=True, timeout=60).stdout


def test_dotdo_serve_reports_its_connection_limit_as_redis_maxclients(tmp_path):
    with dotdo_serve(str(tmp_path), "redis", "--max-connections", "3") as (_, port):
        r = redis.Redis(port=port)
        assert r.config_get("maxclients") == {"maxclients": "3"}
        assert r.info("clients")["maxclients"] == 3
        r.close()
