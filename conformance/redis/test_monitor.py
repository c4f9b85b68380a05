"""MONITOR through redis-py's Monitor: the commands another client runs, in the order and form
Redis shows them. On the real target a private redis-server, so no other traffic shows."""
from __future__ import annotations

import threading
import time

import pytest
import redis


@pytest.fixture
def pair(target, client, request):
    """Two clients of one server: the monitor and the one whose commands it sees."""
    if target == "real":
        url = request.getfixturevalue("private_real_redis")
        made = [redis.Redis.from_url(url, single_connection_client=True) for _ in range(2)]
    else:
        made = [client(single_connection_client=True) for _ in range(2)]
    made[1].ping()
    yield made
    for c in made:
        c.close()


def _watched(pair, act) -> list[tuple[int, str]]:
    watcher, actor = pair
    lines: list[tuple[int, str]] = []
    ready = threading.Event()

    def watch():
        with watcher.monitor() as m:
            ready.set()
            for cmd in m.listen():
                if cmd["command"] == "GET stop-monitoring":
                    return
                if not cmd["command"].startswith("CLIENT SETINFO"):  # sent by redis-py 8, unknown to Redis 7.0
                    lines.append((cmd["db"], cmd["command"]))

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    ready.wait(5)
    time.sleep(0.2)  # the MONITOR reply is in: what follows is seen
    act(actor)
    actor.get("stop-monitoring")
    t.join(10)
    return lines


def test_monitor_shows_commands_with_their_arguments_quoted(pair):
    def act(r):
        r.set("k", 'v a\n"q"\x01')
        r.get("k")
        r.client_setname("me")
    assert _watched(pair, act) == [(0, 'SET k v a\\n"q"\\x01'), (0, "GET k"), (0, "CLIENT SETNAME me")]


def test_monitor_hides_admin_commands_and_commands_refused_before_running(pair):
    def act(r):
        r.config_get("maxmemory")
        r.client_list()
        with pytest.raises(redis.ResponseError):
            r.execute_command("NOSUCH")
        r.set("s", "text")
        with pytest.raises(redis.ResponseError):
            r.incr("s")  # ran, and failed: shown
    assert _watched(pair, act) == [(0, "SET s text"), (0, "INCRBY s 1")]


def test_monitor_shows_a_scripts_calls_after_its_eval(pair):
    def act(r):
        r.eval("redis.call('set', KEYS[1], 'x') return redis.call('get', KEYS[1])", 1, "k2")
    assert _watched(pair, act) == [
        (0, "EVAL redis.call('set', KEYS[1], 'x') return redis.call('get', KEYS[1]) 1 k2"),
        (0, "set k2 x"), (0, "get k2")]


def test_monitor_shows_exec_after_the_commands_it_ran_and_the_database_of_each(pair):
    def act(r):
        p = r.pipeline(transaction=True)
        p.set("a", 1)
        p.incr("a")
        p.execute()
        r.execute_command("SELECT", 3)
        r.set("in3", 1)
        r.execute_command("SELECT", 0)
    seen = [line for line in _watched(pair, act) if not line[1].startswith("HELLO")]
    assert seen == [(0, "MULTI"), (0, "SET a 1"), (0, "INCRBY a 1"), (0, "EXEC"), (3, "SELECT 3"),
                    (3, "SET in3 1"), (0, "SELECT 0")]


def test_a_pipeline_of_sets_shows_each_set(pair):
    def act(r):
        p = r.pipeline(transaction=False)
        for i in range(3):
            p.set(f"p{i}", i)
        p.execute()
    seen = [line for line in _watched(pair, act) if not line[1].startswith("HELLO")]
    assert seen == [(0, "SET p0 0"), (0, "SET p1 1"), (0, "SET p2 2")]


def test_an_unknown_subcommand_is_refused_before_running_and_not_shown(pair):
    def act(r):
        with pytest.raises(redis.ResponseError):
            r.execute_command("CLIENT", "NOSUCH")
        r.get("seen")
    assert _watched(pair, act) == [(0, "GET seen")]
