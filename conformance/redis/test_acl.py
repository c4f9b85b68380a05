"""AUTH and ACL as a Redis 7.0 client sees them, on both targets. Only users this test creates are
touched on the real server (never `default`, never the global config)."""
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
