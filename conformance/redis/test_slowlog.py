"""SLOWLOG: what a slow log keeps, in which order, and what it hides. The real server's log and
settings are global: each test starts from an empty log and puts the settings back."""
from __future__ import annotations

import time

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry


@pytest.fixture
def slow(r):
    """`r` with every command logged (slowlog-log-slower-than 0), starting from an empty log."""
    before = r.config_get("slowlog-*")
    r.config_set("slowlog-log-slower-than", 0)
    r.slowlog_reset()
    yield r
    r.config_set("slowlog-max-len", before["slowlog-max-len"])
    r.config_set("slowlog-log-slower-than", before["slowlog-log-slower-than"])
    r.slowlog_reset()


def commands(r, count=10):
    return [e["command"] for e in r.slowlog_get(count)]


def test_every_command_is_logged_newest_first_with_its_arguments_time_and_client(slow):
    slow.set("sl:k", "v")
    slow.get("sl:k")
    entries = slow.slowlog_get(3)
    assert [e["command"] for e in entries] == [b"GET sl:k", b"SET sl:k v", b"SLOWLOG RESET"]
    assert [e["id"] for e in entries] == [entries[2]["id"] + 2, entries[2]["id"] + 1, entries[2]["id"]]
    assert all(type(e["duration"]) is int and e["duration"] >= 0 for e in entries)
    assert all(abs(e["start_time"] - time.time()) < 60 for e in entries)
    assert all(e["client_name"] == b"" for e in entries)
    slow.client_setname("slowpoke")
    slow.ping()
    assert slow.slowlog_get(1)[0]["client_name"] == b"slowpoke"


def test_len_counts_entries_and_reset_empties_the_log_then_logs_itself(slow):
    slow.set("sl:a", "1")
    assert slow.slowlog_len() == 2
    assert slow.slowlog_reset() is True
    assert slow.slowlog_len() == 1
    assert commands(slow) == [b"SLOWLOG LEN", b"SLOWLOG RESET"]


def test_get_defaults_to_ten_entries_and_minus_one_means_all(slow):
    for i in range(12):
        slow.set(f"sl:{i}", i)
    assert len(slow.slowlog_get()) == 10
    assert len(slow.slowlog_get(-1)) == 14  # RESET, 12 SETs and the GET before (a GET is logged once it answered)
    assert slow.slowlog_get(0) == []


def test_a_long_command_keeps_32_arguments_and_128_bytes_of_each(slow):
    slow.rpush("sl:l", *[f"v{i}" for i in range(40)])
    slow.set("sl:big", b"x" * 200)
    big, push = slow.slowlog_get(2)
    assert big["command"] == b"SET sl:big " + b"x" * 128 + b"... (72 more bytes)"
    assert push["command"] == b" ".join([b"RPUSH", b"sl:l"] + [f"v{i}".encode() for i in range(29)]
                                        + [b"... (11 more arguments)"])


def test_a_threshold_above_every_command_logs_none_and_minus_one_turns_logging_off(slow):
    slow.config_set("slowlog-log-slower-than", 10_000_000)
    slow.set("sl:a", "1")
    slow.config_set("slowlog-log-slower-than", -1)
    slow.set("sl:b", "2")
    assert commands(slow) == [b"SLOWLOG RESET"]


def test_max_len_keeps_only_the_newest_entries(slow):
    slow.config_set("slowlog-max-len", 2)
    slow.set("sl:a", "1")
    slow.set("sl:b", "2")
    assert commands(slow, -1) == [b"SET sl:b 2", b"SET sl:a 1"]
    slow.config_set("slowlog-max-len", 0)
    slow.set("sl:c", "3")
    assert slow.slowlog_len() == 0


def test_exec_logs_the_commands_it_ran_not_itself(slow):
    p = slow.pipeline(transaction=True)
    p.set("sl:n", 1).incr("sl:n")
    assert p.execute() == [True, 2]
    assert commands(slow) == [b"INCRBY sl:n 1", b"SET sl:n 1", b"MULTI", b"SLOWLOG RESET"]


def test_a_script_logs_its_calls_as_the_script_client_then_itself(slow):
    script = "redis.call('SET', KEYS[1], 'a'); redis.pcall('INCR', KEYS[1]); return redis.call('GET', KEYS[1])"
    assert slow.eval(script, 1, "sl:x") == b"a"
    with pytest.raises(redis.ResponseError):
        slow.eval("return redis.call('NO-SUCH-COMMAND')", 0)
    entries = slow.slowlog_get(6)
    assert [e["command"] for e in entries] == [
        b"EVAL return redis.call('NO-SUCH-COMMAND') 0", b"EVAL " + script.encode() + b" 1 sl:x",
        b"GET sl:x", b"INCR sl:x", b"SET sl:x a", b"SLOWLOG RESET"]
    assert [e["client_address"] for e in entries[2:5]] == [b"?:0"] * 3
    assert [e["client_name"] for e in entries[2:5]] == [b""] * 3


def test_a_pipeline_logs_each_of_its_commands(slow):
    p = slow.pipeline(transaction=False)
    p.set("sl:a", "1").set("sl:b", "2").set("sl:c", "3")
    p.execute()
    p = slow.pipeline(transaction=False)
    p.set("sl:d", "4").get("sl:d").execute_command("set", "sl:e", "5").execute_command("set", "sl:f", "6")
    p.execute()
    assert commands(slow) == [b"set sl:f 6", b"set sl:e 5", b"GET sl:d", b"SET sl:d 4",
                              b"SET sl:c 3", b"SET sl:b 2", b"SET sl:a 1", b"SLOWLOG RESET"]


def test_an_error_reply_is_logged_and_a_refused_command_is_not(slow):
    slow.rpush("sl:l", "a")
    with pytest.raises(redis.ResponseError):
        slow.get("sl:l")
    with pytest.raises(redis.ResponseError):
        slow.execute_command("GET")
    with pytest.raises(redis.ResponseError):
        slow.execute_command("NO-SUCH-COMMAND")
    assert commands(slow) == [b"GET sl:l", b"RPUSH sl:l a", b"SLOWLOG RESET"]


def test_passwords_are_redacted(slow, client):
    slow.acl_setuser("sl-user", enabled=False, passwords=["+hunter2"])
    slow.acl_deluser("sl-user")
    once = client(retry=Retry(NoBackoff(), 0))  # redis.Redis() would retry a failed AUTH ten times
    with pytest.raises(redis.AuthenticationError):
        once.execute_command("AUTH", "sl-nobody", "secret")
    logged = [c for c in commands(slow, -1) if c.startswith((b"AUTH", b"ACL"))]
    assert logged == [b"AUTH (redacted) (redacted)", b"ACL DELUSER sl-user",
                      b"ACL SETUSER " + b" ".join([b"(redacted)"] * 3)]


@pytest.mark.parametrize("args, message", [
    (("SLOWLOG", "GET", "-2"), "count should be greater than or equal to -1"),
    (("SLOWLOG", "GET", "abc"), "count should be greater than or equal to -1"),
    (("SLOWLOG", "GET", "01"), "count should be greater than or equal to -1"),
    (("SLOWLOG", "GET", "1", "2"), "unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."),
    (("SLOWLOG", "LEN", "x"), "wrong number of arguments for 'slowlog|len' command"),
    (("SLOWLOG", "RESET", "x"), "wrong number of arguments for 'slowlog|reset' command"),
    (("SLOWLOG", "FOO"), "unknown subcommand 'FOO'. Try SLOWLOG HELP."),
    (("SLOWLOG",), "wrong number of arguments for 'slowlog' command"),
    (("CONFIG", "SET", "slowlog-log-slower-than", "-2"),
     "CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive"),
    (("CONFIG", "SET", "slowlog-log-slower-than", "1.5"),
     "CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument couldn't be parsed into an integer"),
    (("CONFIG", "SET", "slowlog-max-len", "-1"),
     "CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument must be between 0 and 9223372036854775807 inclusive"),
    (("CONFIG", "SET", "slowlog-max-len", "007"),
     "CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument couldn't be parsed into an integer"),
])
def test_slowlog_errors(r, args, message):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command(*args)
    assert str(e.value) == message


def test_help_lists_the_subcommands(r):
    lines = r.execute_command("SLOWLOG", "HELP")
    assert lines[0] == b"SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert b"LEN" in lines and b"RESET" in lines and lines[-1] == b"    Prints this help."
    assert len(lines) == 12
