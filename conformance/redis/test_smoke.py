"""The first cases: connecting, strings round-trip, errors and transactions through redis-py."""
import pytest
import redis


def test_ping_answers_true(r):
    assert r.ping() is True


def test_set_then_get_round_trips_bytes(r):
    assert r.set("greeting", b"hello\x00world") is True
    assert r.get("greeting") == b"hello\x00world"


def test_get_of_missing_key_is_none(r):
    assert r.get("missing") is None


def test_set_get_option_returns_previous_value(rd):
    rd.set("k", "old")
    assert rd.set("k", "new", get=True) == "old"
    assert rd.get("k") == "new"


@pytest.mark.parametrize("kwargs, exists_before, expected, value_after", [
    ({"nx": True}, False, True, "v"),
    ({"nx": True}, True, None, "orig"),
    ({"xx": True}, False, None, None),
    ({"xx": True}, True, True, "v"),
])
def test_set_nx_xx_conditions(rd, kwargs, exists_before, expected, value_after):
    if exists_before:
        rd.set("k", "orig")
    assert rd.set("k", "v", **kwargs) == expected
    assert rd.get("k") == value_after


def test_unknown_command_error_names_command_and_args(r):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("NOSUCHCMD", "a", "b")
    assert str(e.value) == "unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' "


def test_wrong_arity_error(r):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("GET")
    assert str(e.value) == "wrong number of arguments for 'get' command"


def test_transaction_pipeline_returns_each_reply(r):
    pipe = r.pipeline()
    pipe.set("a", "1").get("a")
    assert pipe.execute() == [True, b"1"]


def test_watch_aborts_exec_when_another_client_writes(client):
    first, second = client(), client()
    first.set("counter", "1")
    with first.pipeline() as pipe:
        pipe.watch("counter")
        second.set("counter", "2")
        pipe.multi()
        pipe.set("counter", "3")
        with pytest.raises(redis.WatchError):
            pipe.execute()
    assert first.get("counter") == b"2"


def test_queued_unknown_command_makes_exec_abort(r):
    r.execute_command("MULTI")
    with pytest.raises(redis.ResponseError):
        r.execute_command("NOSUCHCMD")
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("EXEC")
    assert str(e.value).startswith("Transaction discarded because of previous errors")


def test_resp3_hello_reports_protocol_3(r3):
    assert r3.ping() is True
    assert r3.set("k", "v") is True
    assert r3.get("k") == "v"


@pytest.mark.parametrize("protocol", [None, 2, 3])
def test_a_stock_pool_built_from_the_clients_connection_settings_reaches_the_same_data(client, protocol):
    # What rq's scheduler does: a plain redis.ConnectionPool from connection_class + connection_kwargs.
    r = client() if protocol is None else client(protocol=protocol)
    r.set("shared", b"1")
    pool = r.connection_pool
    again = redis.Redis(connection_pool=redis.ConnectionPool(connection_class=pool.connection_class,
                                                             **pool.connection_kwargs))
    try:
        assert again.get("shared") == b"1"
        again.incr("shared")
        assert r.get("shared") == b"2"
    finally:
        again.close()
