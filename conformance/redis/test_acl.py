"""AUTH and ACL as a Redis 7.0 client sees them, on both targets. Only users this test creates are
touched on the real server (never `default`, never the global config)."""
import socket
import uuid

import pytest
import redis

WRONGPASS = "invalid username-password pair or user is disabled."


def text(value):
    return value.decode() if isinstance(value, bytes) else value


@pytest.fixture
def temp_user(r):
    name = f"dotdo-conf-{uuid.uuid4().hex[:8]}"
    yield name
    r.acl_deluser(name)


def test_auth_without_a_configured_password_is_the_same_error(r):
    with pytest.raises(redis.RedisError, match="AUTH <password> called without any password configured"):
        r.execute_command("AUTH", "whatever")


def test_auth_as_an_unknown_user_is_wrongpass(r):
    with pytest.raises(redis.AuthenticationError, match=WRONGPASS):
        r.execute_command("AUTH", "dotdo-no-such-user", "pw")


def test_a_fresh_connection_is_the_default_user(r):
    assert text(r.acl_whoami()) == "default"


def test_setuser_then_auth_as_that_user(r, client, temp_user):
    assert r.acl_setuser(temp_user, enabled=True, passwords=["+s3cret"], keys=["*"], channels=["*"], commands=["+@all"])
    other = client()
    assert other.execute_command("AUTH", temp_user, "s3cret") in (True, b"OK")
    assert text(other.acl_whoami()) == temp_user
    with pytest.raises(redis.AuthenticationError, match=WRONGPASS):
        client().execute_command("AUTH", temp_user, "wrong")
    assert temp_user in [text(u) for u in r.acl_users()]


def test_a_disabled_user_cannot_authenticate(r, client, temp_user):
    r.execute_command("ACL", "SETUSER", temp_user, "off", ">pw", "~*", "&*", "+@all")
    with pytest.raises(redis.AuthenticationError, match=WRONGPASS):
        client().execute_command("AUTH", temp_user, "pw")


def test_hello_auth_logs_in_and_switches_protocol(r, client, temp_user):
    r.execute_command("ACL", "SETUSER", temp_user, "on", ">pw", "~*", "&*", "+@all")
    other = client()
    with pytest.raises(redis.AuthenticationError, match=WRONGPASS):
        other.execute_command("HELLO", "3", "AUTH", temp_user, "bad")
    hello = other.execute_command("HELLO", "3", "AUTH", temp_user, "pw")
    assert hello[b"proto"] == 3 if b"proto" in hello else hello["proto"] == 3
    assert text(other.acl_whoami()) == temp_user


def test_a_new_user_without_rules_is_off(r, client, temp_user):
    r.execute_command("ACL", "SETUSER", temp_user)
    line = [text(l).split() for l in r.acl_list() if text(l).split()[1] == temp_user]
    assert line and line[0][2] == "off"


def test_deluser_counts_and_default_cannot_be_removed(r, temp_user):
    r.execute_command("ACL", "SETUSER", temp_user)
    assert r.execute_command("ACL", "DELUSER", temp_user, "dotdo-never-existed") == 1
    with pytest.raises(redis.ResponseError, match="The 'default' user cannot be removed"):
        r.execute_command("ACL", "DELUSER", "default")


def test_acl_cat_lists_categories_and_their_commands(r):
    cats = r.acl_cat()
    assert {"string", "keyspace", "read", "write"} <= {c.decode() if isinstance(c, bytes) else c for c in cats}
    strings = {c.decode() if isinstance(c, bytes) else c for c in r.acl_cat("string")}
    assert {"get", "set", "append"} <= strings
    with pytest.raises(redis.ResponseError, match="Unknown category 'nosuchcat'"):
        r.acl_cat("nosuchcat")


def test_setuser_with_a_malformed_rule_is_a_syntax_error(r, temp_user):
    with pytest.raises(redis.ResponseError, match="Error in ACL SETUSER modifier 'bogusrule'"):
        r.execute_command("ACL", "SETUSER", temp_user, "bogusrule")


# -- a server that requires a password: a private redis-server --requirepass vs dotdo with a default user --
@pytest.fixture
def protected(target, tmp_path):
    """(host, port) of a server whose default user needs the password 'pw'. Real: a private
    redis-server of the machine's binary (the shared one's config is never changed); dotdo: `dotdo
    serve redis` on a directory where the default user has that password."""
    import shutil
    import subprocess
    import time

    from dotdo_core import Runtime, Store, auth
    from dotdo_redis.server import front

    if target == "real":
        binary = shutil.which("redis-server")
        if not binary:
            pytest.skip("no redis-server binary for a private real server")
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--requirepass", "pw",
                                 "--save", "", "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
        for _ in range(250):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.02)
        yield "127.0.0.1", port
        proc.terminate()
        proc.wait(10)
    else:
        store = Store(tmp_path / "dotdo")
        auth.add_user(store, "default", "pw", tenant="")
        runtime = Runtime(store).start()
        yield "127.0.0.1", runtime.listen(front, port=0).port
        runtime.stop()
        store.close()


def _send(sock, *args) -> bytes:
    sock.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
    return sock.recv(4096)


def test_a_protected_server_answers_noauth_until_auth(protected):
    with socket.create_connection(protected, timeout=10) as s:
        assert _send(s, b"GET", b"k") == b"-NOAUTH Authentication required.\r\n"
        assert _send(s, b"HELLO", b"3").startswith(b"-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option")
        assert _send(s, b"AUTH", b"wrong") == b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        assert _send(s, b"AUTH", b"pw") == b"+OK\r\n"
        assert _send(s, b"PING") == b"+PONG\r\n"
        assert _send(s, b"RESET") == b"+RESET\r\n"
        assert _send(s, b"PING") == b"-NOAUTH Authentication required.\r\n"


def test_a_protected_server_logs_in_with_hello_auth(protected):
    with socket.create_connection(protected, timeout=10) as s:
        assert _send(s, b"HELLO", b"3", b"AUTH", b"default", b"pw").startswith(b"%")
        assert _send(s, b"ACL", b"WHOAMI") == b"$7\r\ndefault\r\n"


@pytest.mark.parametrize("frame,error", [
    (b"*11\r\n", b"unauthenticated multibulk length"),
    (b"*2\r\n$4\r\nAUTH\r\n$20000\r\n", b"unauthenticated bulk length"),
])
def test_a_protected_server_takes_only_small_requests_before_auth(protected, frame, error):
    with socket.create_connection(protected, timeout=10) as s:
        s.sendall(frame)
        assert s.recv(4096) == b"-ERR Protocol error: " + error + b"\r\n"


def test_redis_py_with_a_password_uses_a_protected_server(protected):
    host, port = protected
    r = redis.Redis(host=host, port=port, password="pw")
    assert r.set("k", "v") and r.get("k") == b"v"
    r.close()
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(host=host, port=port, password="nope").ping()
