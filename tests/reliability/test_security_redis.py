"""Security of `dotdo serve redis`: authentication against the data directory's users, tenant
isolation between users, ACL management limited to the unprefixed tenant, and the limits a
client cannot push past (connections, request size). Each test fails if its protection is removed."""
from __future__ import annotations

import socket

import pytest
import redis

from dotdo_core import Runtime, Store, auth
from dotdo_redis.server import front

WRONGPASS = "invalid username-password pair or user is disabled."


@pytest.fixture
def served(tmp_path):
    """`dotdo serve redis` in this process on a data directory with two tenants' users and a root user."""
    store = Store(tmp_path / "data")
    auth.add_user(store, "alice", "pw-a", tenant="tenant-a")
    auth.add_user(store, "bob", "pw-b", tenant="tenant-b")
    auth.add_user(store, "default", "root-pw", tenant="")
    runtime = Runtime(store, max_connections=20).start()
    port = runtime.listen(front, port=0).port
    made = []

    def connect(**kw):
        c = redis.Redis(port=port, socket_timeout=10, **kw)
        made.append(c)
        return c
    connect.port = port
    connect.store = store
    yield connect
    for c in made:
        c.close()
    runtime.stop()
    # The store is not closed here: the engine's expiry and pub/sub threads may still be reading its
    # shards, and Store.close() does not wait for other threads' reads; it goes with the tmp dir.


def raw(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(payload)
        out = b""
        while not out.endswith(b"\r\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
        return out


# -- authentication ------------------------------------------------------------------------
def test_commands_before_auth_get_noauth(served):
    assert raw(served.port, b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") == b"-NOAUTH Authentication required.\r\n"
    assert raw(served.port, b"*1\r\n$4\r\nKEYS\r\n") == b"-NOAUTH Authentication required.\r\n"


def test_hello_without_auth_is_refused_with_redis_text(served):
    # The text of Redis 7.0.15 (checked against a private redis-server with requirepass).
    assert raw(served.port, b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n") == (
        b"-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> "
        b"<pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n")


def test_wrong_password_is_wrongpass_exactly(served):
    assert raw(served.port, b"*3\r\n$4\r\nAUTH\r\n$5\r\nalice\r\n$5\r\nwrong\r\n") == b"-WRONGPASS " + WRONGPASS.encode() + b"\r\n"
    with pytest.raises(redis.AuthenticationError, match=WRONGPASS):
        served(username="nobody", password="pw-a").ping()


def test_auth_with_one_argument_logs_in_the_default_user(served):
    r = served(password="root-pw")
    assert r.ping() and r.acl_whoami() in ("default", b"default")


def test_hello_auth_and_acl_whoami(served):
    r = served(username="alice", password="pw-a", protocol=3)
    assert r.ping()
    assert r.acl_whoami() in ("alice", b"alice")


def test_reset_logs_the_connection_out(served):
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(b"*3\r\n$4\r\nAUTH\r\n$5\r\nalice\r\n$4\r\npw-a\r\n")
        assert s.recv(100) == b"+OK\r\n"
        s.sendall(b"*1\r\n$5\r\nRESET\r\n")
        assert s.recv(100) == b"+RESET\r\n"
        s.sendall(b"*1\r\n$4\r\nPING\r\n")
        assert s.recv(100) == b"-NOAUTH Authentication required.\r\n"


def test_a_user_added_while_serving_can_log_in(served):
    auth.add_user(served.store, "carol", "pw-c")
    assert served(username="carol", password="pw-c").ping()


# -- tenant isolation ------------------------------------------------------------------------
def test_tenants_cannot_read_list_count_or_infer_each_others_keys(served):
    a = served(username="alice", password="pw-a")
    b = served(username="bob", password="pw-b")
    a.set("secret", "from-a")
    a.hset("h", "f", "1")
    assert b.get("secret") is None
    assert b.exists("secret", "h") == 0
    assert b.keys("*") == [] and b.dbsize() == 0
    assert list(b.scan_iter()) == []
    assert b.randomkey() is None
    assert b.type("h") in (b"none", "none")
    assert b.ttl("secret") == -2
    assert b.set("secret", "x", nx=True)  # the name is free in b's namespace
    assert a.get("secret") == b"from-a"


def test_a_tenant_cannot_flush_another_tenants_data(served):
    a = served(username="alice", password="pw-a")
    b = served(username="bob", password="pw-b")
    a.set("k", "v")
    b.flushall()
    assert a.get("k") == b"v"


def test_root_does_not_see_tenant_keys_either(served):
    served(username="alice", password="pw-a").set("k", "v")
    assert served(password="root-pw").keys("*") == []


def test_a_tenant_does_not_hear_another_tenants_pubsub(served):
    a = served(username="alice", password="pw-a")
    b = served(username="bob", password="pw-b")
    p = b.pubsub(ignore_subscribe_messages=True)
    p.subscribe("news")
    assert p.get_message(timeout=1) is None
    assert a.publish("news", "hello") == 0
    assert p.get_message(timeout=0.5) is None
    p.close()


def test_a_tenant_cannot_list_or_manage_users(served):
    b = served(username="bob", password="pw-b")
    for args in (("USERS",), ("LIST",), ("GETUSER", "alice"), ("SETUSER", "eve", "on", ">x"), ("DELUSER", "alice")):
        with pytest.raises(redis.exceptions.NoPermissionError, match="no permissions to run the .acl"):
            b.execute_command("ACL", *args)
    assert auth.get_user(served.store, "alice") is not None and auth.get_user(served.store, "eve") is None


def test_root_manages_users_with_acl(served):
    root = served(password="root-pw")
    assert root.execute_command("ACL", "SETUSER", "dave", "on", ">pw-d", "~*", "&*", "+@all") in (b"OK", True, "OK")
    assert served(username="dave", password="pw-d").ping()
    with pytest.raises(redis.ResponseError, match="does not support this rule"):
        root.execute_command("ACL", "SETUSER", "dave", "~cache:*")
    assert root.execute_command("ACL", "DELUSER", "dave") == 1
    with pytest.raises(redis.AuthenticationError):
        served(username="dave", password="pw-d").ping()


# -- limits ------------------------------------------------------------------------------------
def test_connections_beyond_maxclients_get_redis_error(tmp_path):
    store = Store(tmp_path)
    runtime = Runtime(store, max_connections=2).start()
    try:
        port = runtime.listen(front, port=0).port
        held = [redis.Redis(port=port) for _ in range(2)]
        for c in held:
            assert c.ping()
        assert raw(port, b"*1\r\n$4\r\nPING\r\n") == b"-ERR max number of clients reached\r\n"
        for c in held:
            c.close()
    finally:
        runtime.stop()  # store left open: see `served`


def test_a_bulk_longer_than_proto_max_bulk_len_is_a_protocol_error(served):
    r = served(username="alice", password="pw-a")
    r.set("kept", "yes")
    reply = raw(served.port, b"*2\r\n$3\r\nGET\r\n$600000000\r\n")
    assert reply == b"-ERR Protocol error: invalid bulk length\r\n"
    assert r.get("kept") == b"yes"  # the server and other connections carry on


def test_a_blocking_wait_past_the_servers_cap_is_an_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DOTDO_MAX_BLOCKING_WAIT", "0.3")
    store = Store(tmp_path)
    runtime = Runtime(store).start()
    try:
        r = redis.Redis(port=runtime.listen(front, port=0).port, socket_timeout=10)
        with pytest.raises(redis.ResponseError, match="max-blocking-wait of 0.3 seconds"):
            r.blpop(["empty"], timeout=0)  # "forever" is capped
        assert r.blpop(["empty"], timeout=0.1) is None  # a shorter timeout is the client's own
        r.close()
    finally:
        runtime.stop()  # store left open: see `served`


def test_a_script_past_the_servers_time_cap_stops_and_its_writes_roll_back(tmp_path, monkeypatch):
    monkeypatch.setenv("DOTDO_MAX_SCRIPT_TIME", "0.3")
    store = Store(tmp_path)
    runtime = Runtime(store).start()
    try:
        port = runtime.listen(front, port=0).port
        r = redis.Redis(port=port, socket_timeout=30)
        with pytest.raises(redis.ResponseError, match="max-script-time of 0.3 seconds"):
            r.eval("redis.call('SET', KEYS[1], 'partial') while true do end", 1, "k")
        assert r.get("k") is None  # the write before the loop rolled back
        other = redis.Redis(port=port, socket_timeout=10)
        assert other.ping()  # the server serves others again
        assert r.eval("return 1", 0) == 1
        r.close()
        other.close()
    finally:
        runtime.stop()  # store left open: see `served`


@pytest.mark.parametrize("payload,error", [
    (b"*3000000000\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"x" * (70 * 1024), b"-ERR Protocol error: too big inline request\r\n"),
])
def test_oversized_request_headers_are_protocol_errors(served, payload, error):
    r = served(username="alice", password="pw-a")
    r.set("kept", "yes")
    assert raw(served.port, payload) == error
    assert r.get("kept") == b"yes"


def test_an_unauthenticated_client_may_send_only_small_requests(served):
    assert raw(served.port, b"*11\r\n") == b"-ERR Protocol error: unauthenticated multibulk length\r\n"
    assert raw(served.port, b"*2\r\n$4\r\nAUTH\r\n$20000\r\n") == b"-ERR Protocol error: unauthenticated bulk length\r\n"
    r = served(username="alice", password="pw-a")
    assert r.set("big", "x" * 20000) and r.execute_command("DEL", *[f"k{i}" for i in range(20)]) == 0
