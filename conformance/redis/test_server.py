"""Server commands through redis-py: INFO, CONFIG, TIME, COMMAND, persistence commands,
MEMORY, WAIT, ROLE and friends — the fields and errors clients actually read."""
import time

import pytest
import redis

from .conftest import connection_of


def raw(r, *args):
    """A reply as the connection reads it, before redis-py's response callbacks."""
    conn = connection_of(r)
    try:
        conn.send_command(*args)
        return conn.read_response()
    finally:
        r.connection_pool.release(conn)


def db_of(r) -> int:
    return int(r.connection_pool.connection_kwargs.get("db") or 0)


def test_info_reports_server_identity(r):
    info = r.info()
    assert info["redis_version"] == "7.0.15"
    assert info["redis_mode"] == "standalone"
    assert info["role"] == "master"
    assert isinstance(info["process_id"], int)
    assert isinstance(info["uptime_in_seconds"], int)
    assert info["connected_clients"] >= 1
    assert isinstance(info["used_memory"], int)
    assert info["loading"] == 0
    assert info["cluster_enabled"] == 0


@pytest.mark.parametrize("section, present, absent", [
    ("server", "redis_version", "role"),
    ("clients", "connected_clients", "redis_version"),
    ("memory", "used_memory", "role"),
    ("persistence", "rdb_last_save_time", "role"),
    ("stats", "total_connections_received", "role"),
    ("replication", "role", "redis_version"),
    ("cpu", "used_cpu_sys", "role"),
])
def test_info_section_filters_fields(r, section, present, absent):
    info = r.info(section)
    assert present in info
    assert absent not in info


def test_info_clients_has_redis_7_0s_fields_in_its_order(r):
    assert list(r.info("clients")) == [
        "connected_clients", "cluster_connections", "maxclients", "client_recent_max_input_buffer",
        "client_recent_max_output_buffer", "blocked_clients", "tracking_clients", "clients_in_timeout_table"]


def test_info_of_unknown_section_is_empty(r):
    assert r.info("no-such-section") == {}


def test_info_several_sections(r):
    info = r.execute_command("INFO", "server", "replication")
    assert "redis_version" in info and "role" in info and "used_memory" not in info


def test_info_keyspace_counts_keys_and_expiries(r):
    r.set("a", "1")
    r.set("b", "2", ex=100)
    r.hset("h", "f", "v")
    info = r.info("keyspace")
    entry = info[f"db{db_of(r)}"]
    assert (entry["keys"], entry["expires"]) == (3, 1)


def test_info_keyspace_omits_empty_databases(r):
    assert f"db{db_of(r)}" not in r.info("keyspace")


def test_info_server_raw_text_has_crlf_lines(client):
    r = client(protocol=2)
    text = raw(r, "INFO", "server")
    assert text.startswith(b"# Server\r\nredis_version:7.0.15\r\n")


@pytest.mark.parametrize("name, value", [
    ("maxmemory", "0"),
    ("maxmemory-policy", "noeviction"),
    ("databases", "16"),
    ("notify-keyspace-events", ""),
    ("timeout", "0"),
    ("proto-max-bulk-len", "536870912"),
    ("hz", "10"),
    ("maxclients", "10000"),
])
def test_config_get_reports_what_clients_probe(rd, name, value):
    assert rd.config_get(name) == {name: value}


def test_config_get_glob_pattern(rd):
    got = rd.config_get("maxmemory*")
    assert {"maxmemory", "maxmemory-policy", "maxmemory-samples"} <= set(got)
    assert all(k.startswith("maxmemory") for k in got)


def test_config_get_several_patterns(rd):
    got = rd.execute_command("CONFIG", "GET", "maxmemory", "databases", "maxmemory")
    assert dict(got) if not isinstance(got, dict) else got == {"maxmemory": "0", "databases": "16"}


def test_config_get_unknown_parameter_is_empty(rd):
    assert rd.config_get("no-such-parameter") == {}


def test_config_set_to_the_current_value(r):
    assert r.config_set("maxmemory", "0") is True
    assert r.config_set("maxmemory-policy", "noeviction") is True
    assert r.config_set("notify-keyspace-events", "") is True


@pytest.mark.parametrize("args, message", [
    (("CONFIG", "SET", "no-such-param", "1"), "Unknown option or number of arguments for CONFIG SET - 'no-such-param'"),
    (("CONFIG", "SET", "maxmemory", "abc"), "CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"),
    (("CONFIG", "SET", "maxmemory-policy", "foo"),
     "CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: "
     "volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"),
    (("CONFIG", "SET", "timeout", "0", "timeout", "0"), "CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter"),
    (("CONFIG", "SET", "databases", "1"), "CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"),
    (("CONFIG", "SET", "maxmemory"), "wrong number of arguments for 'config|set' command"),
    (("CONFIG", "GET"), "wrong number of arguments for 'config|get' command"),
    (("CONFIG", "FOO"), "unknown subcommand 'FOO'. Try CONFIG HELP."),
])
def test_config_errors(r, args, message):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command(*args)
    assert str(e.value) == message


@pytest.mark.known_difference("dotdo never evicts keys, so CONFIG SET maxmemory accepts only 0 (no limit)")
def test_config_set_maxmemory_limit(r, target):
    if target == "real":
        try:
            assert r.config_set("maxmemory", "100mb") is True
            assert r.config_get("maxmemory") == {b"maxmemory": b"104857600"} or r.config_get("maxmemory") == {"maxmemory": "104857600"}
        finally:
            r.config_set("maxmemory", "0")
    else:
        with pytest.raises(redis.ResponseError) as e:
            r.config_set("maxmemory", "100mb")
        assert str(e.value).startswith("CONFIG SET failed (possibly related to argument 'maxmemory') - ")


def test_config_set_with_one_bad_pair_changes_nothing(rd):
    before = rd.config_get("loglevel")
    with pytest.raises(redis.ResponseError) as e:
        rd.execute_command("CONFIG", "SET", "loglevel", "warning" if before["loglevel"] != "warning" else "notice", "maxmemory", "x")
    assert str(e.value) == "CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"
    assert rd.config_get("loglevel") == before


def test_config_resetstat(r):
    assert r.config_resetstat() is True


def test_time_is_seconds_and_microseconds_now(r):
    seconds, micros = r.time()
    assert abs(seconds - time.time()) < 5
    assert 0 <= micros < 1_000_000


def test_time_raw_reply_is_two_bulk_strings(client):
    reply = raw(client(protocol=2), "TIME")
    assert len(reply) == 2 and all(isinstance(x, bytes) and x.isdigit() for x in reply)


def test_command_info_of_get(r):
    info = r.command()  # COMMAND: every command
    assert "get" in info and "set" in info
    get = info["get"]
    assert (get["arity"], get["first_key_pos"], get["last_key_pos"], get["step_count"]) == (2, 1, 1, 1)
    assert set(get["flags"]) == {"readonly", "fast"}
    assert "@read" in get["acl_categories"]


def test_command_count_matches_command_list_without_subcommands(r):
    assert r.command_count() == len([n for n in r.command_list() if b"|" not in n])


def test_command_info_of_unknown_name_is_nil(r):
    reply = raw(r, "COMMAND", "INFO", "get", "no-such-command")
    assert reply[0][0] == b"get" and reply[1] is None


def test_command_list_filter_by_pattern(r):
    names = r.command_list(pattern="evals*")
    assert sorted(names) == [b"evalsha", b"evalsha_ro"] or sorted(names) == ["evalsha", "evalsha_ro"]


@pytest.mark.parametrize("protocol", [2, 3])
def test_command_docs_summary(client, protocol):
    docs = raw(client(protocol=protocol), "COMMAND", "DOCS", "publish")
    if protocol == 2:
        docs = {docs[0]: dict(zip(docs[1][::2], docs[1][1::2]))}
    entry = docs[b"publish"]
    assert entry[b"summary"] == b"Post a message to a channel"
    assert entry[b"group"] == b"pubsub"


@pytest.mark.parametrize("args, keys", [
    (("get", "a"), ["a"]),
    (("set", "a", "b"), ["a"]),
    (("mset", "a", "1", "b", "2"), ["a", "b"]),
    (("eval", "return 1", "2", "k1", "k2", "arg"), ["k1", "k2"]),
])
def test_command_getkeys(r, args, keys):
    assert r.command_getkeys(*args) == keys


@pytest.mark.parametrize("args, message", [
    (("COMMAND", "GETKEYS", "no-such", "a"), "Invalid command specified"),
    (("COMMAND", "GETKEYS", "ping", "x"), "The command has no key arguments"),
    (("COMMAND", "GETKEYS", "get"), "wrong number of arguments for 'command|getkeys' command"),
    (("COMMAND", "GETKEYS", "get", "a", "b"), "Invalid number of arguments specified for command"),
    (("COMMAND", "COUNT", "x"), "wrong number of arguments for 'command|count' command"),
    (("COMMAND", "FOO"), "unknown subcommand 'FOO'. Try COMMAND HELP."),
    (("COMMAND", "LIST", "BOGUS"), "syntax error"),
])
def test_command_errors(r, args, message):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command(*args)
    assert str(e.value) == message


def test_lastsave_and_save(r):
    before = r.lastsave()
    assert r.save() is True
    assert r.lastsave() >= before


@pytest.mark.parametrize("args, message", [
    (("LASTSAVE", "x"), "wrong number of arguments for 'lastsave' command"),
    (("TIME", "x"), "wrong number of arguments for 'time' command"),
    (("BGSAVE", "foo"), "syntax error"),
    (("WAIT", "x", "0"), "value is not an integer or out of range"),
    (("WAIT", "0", "-1"), "timeout is negative"),
    (("READONLY",), "This instance has cluster support disabled"),
    (("READWRITE",), "This instance has cluster support disabled"),
    (("MEMORY", "USAGE"), "wrong number of arguments for 'memory|usage' command"),
    (("MEMORY", "USAGE", "k", "bogus"), "syntax error"),
    (("MEMORY", "FOO"), "unknown subcommand 'FOO'. Try MEMORY HELP."),
    (("DEBUG",), "wrong number of arguments for 'debug' command"),
])
def test_server_command_errors(r, args, message):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command(*args)
    assert str(e.value) == message


def test_debug_is_refused_as_by_default_configured_redis(r):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("DEBUG", "SLEEP", "0")
    assert str(e.value).startswith("DEBUG command not allowed.")


def test_wait_with_no_replicas_returns_zero(r):
    r.set("k", "v")
    assert r.wait(0, 0) == 0
    assert r.wait(1, 10) == 0


def test_role_is_master_without_replicas(r):
    assert r.role() == [b"master", 0, []]


def test_memory_usage(r):
    assert r.memory_usage("missing") is None
    r.set("k", "v")
    assert 0 < r.memory_usage("k") < 1024
    assert r.memory_usage("k", samples=5) == r.memory_usage("k")


def test_memory_usage_grows_with_the_value(r):
    r.set("small", "x")
    r.set("big", "x" * 10000)
    assert r.memory_usage("big") > r.memory_usage("small") + 9000


@pytest.mark.parametrize("args", [("INFO",), ("KEYSLOT", "somekey"), ("SLOTS",), ("MYID",), ("HELP",)])
def test_cluster_commands_on_a_standalone_server_say_cluster_support_is_disabled(r, args):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("CLUSTER", *args)
    assert str(e.value) == "This instance has cluster support disabled"


def test_asking_on_a_standalone_server_says_cluster_support_is_disabled(r):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("ASKING")
    assert str(e.value) == "This instance has cluster support disabled"


@pytest.mark.parametrize("args, expected", [
    (("LATEST",), []),
    (("HISTORY", "command"), []),
    (("RESET",), 0),
    (("RESET", "command", "fork"), 0),
])
def test_latency_with_monitoring_off_reports_no_samples(r, args, expected):
    assert r.config_get("latency-monitor-threshold") == {"latency-monitor-threshold": "0"} or \
        r.config_get("latency-monitor-threshold") == {b"latency-monitor-threshold": b"0"}
    assert r.execute_command("LATENCY", *args) == expected


def test_latency_doctor_graph_and_errors(r):
    assert r.execute_command("LATENCY", "DOCTOR").startswith(b"I'm sorry, Dave, I can't do that. Latency monitoring")
    for args, message in [(("GRAPH", "command"), "No samples available for event 'command'"),
                          (("HISTORY",), "wrong number of arguments for 'latency|history' command"),
                          (("BOGUS",), "unknown subcommand 'BOGUS'. Try LATENCY HELP.")]:
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command("LATENCY", *args)
        assert str(e.value) == message
    assert r.execute_command("LATENCY", "HELP")[-1] == b"    Prints this help."
