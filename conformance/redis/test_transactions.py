"""MULTI / EXEC / DISCARD / WATCH sent by hand on one connection, as a client library does: what each
command answers while queueing, and what EXEC answers after queue-time errors."""
from __future__ import annotations

import pytest
import redis


@pytest.fixture
def conn(client):
    """One pinned connection with redis-py's reply callbacks off: replies as the server sent them."""
    c = client(single_connection_client=True)
    c.response_callbacks.clear()
    return c


def answer(c: redis.Redis, *args: object) -> object:
    try:
        return c.execute_command(*args)
    except redis.ResponseError as e:
        return ("error", type(e).__name__, str(e))


def test_exec_with_arguments_aborts_the_transaction_and_says_why(conn):
    assert answer(conn, "MULTI") == b"OK"
    assert answer(conn, "SET", "k", "v") == b"QUEUED"
    assert answer(conn, "EXEC", "x") == (
        "error", "ExecAbortError", "Transaction discarded because of: wrong number of arguments for 'exec' command")
    assert answer(conn, "EXEC") == ("error", "ResponseError", "EXEC without MULTI")
    assert answer(conn, "GET", "k") is None


@pytest.mark.parametrize("args, message", [
    (("OBJECT", "FOO", "k"), "unknown subcommand 'FOO'. Try OBJECT HELP."),
    (("OBJECT", "ENCODING"), "wrong number of arguments for 'object|encoding' command"),
    (("XINFO", "STREAM"), "wrong number of arguments for 'xinfo|stream' command"),
    (("XGROUP", "nope", "s", "g"), "unknown subcommand 'nope'. Try XGROUP HELP."),
    (("CONFIG", "GET"), "wrong number of arguments for 'config|get' command"),
])
def test_bad_subcommand_is_refused_while_queueing(conn, args, message):
    assert answer(conn, "MULTI") == b"OK"
    assert answer(conn, *args) == ("error", "ResponseError", message)
    assert answer(conn, "SET", "k", "v") == b"QUEUED"
    assert answer(conn, "EXEC") == ("error", "ExecAbortError", "Transaction discarded because of previous errors.")
    assert answer(conn, "GET", "k") is None
