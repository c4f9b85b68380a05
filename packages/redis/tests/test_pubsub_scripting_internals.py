"""Internals of pub/sub and scripting that the conformance suite cannot reach: the glob
matcher, reaping subscriptions of dead processes, SCRIPT KILL of a running script, the
Lua sandbox."""
import os
import subprocess
import sys
import threading
import time

import pytest
import redis

from dotdo_redis import Redis
from dotdo_redis.engine.pubsub_hub import REAP_EVERY, glob_match, hub_for


@pytest.mark.parametrize("pattern, text, matches", [
    (b"*", b"", True),
    (b"a*", b"abc", True),
    (b"a?c", b"abc", True),
    (b"a?c", b"ac", False),
    (b"[abc]x", b"bx", True),
    (b"[^abc]x", b"bx", False),
    (b"[a-c]x", b"cx", True),
    (b"[c-a]x", b"bx", True),
    (b"\\[x", b"[x", True),
    (b"a\\?", b"a?", True),
    (b"a\\?", b"ab", False),
    (b"news.*", b"news.a\nb", True),
    (b"[", b"", False),
])
def test_glob_matches_like_redis_stringmatch(pattern, text, matches):
    assert glob_match(pattern, text) is matches


def test_subscriptions_of_a_dead_process_are_reaped(tmp_path):
    r = Redis(data=str(tmp_path))
    hub = hub_for(r.connection_pool.engine)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    with hub.shard.write() as tx:
        tx.execute("INSERT INTO ps_subs(owner, pid, sid, kind, name) VALUES (?,?,?,?,?)", (b"ghost123", pid, 1, "c", b"ch"))
    hub._last_reap = 0.0
    assert r.pubsub_numsub("ch") == [(b"ch", 0)]
    assert r.publish("ch", "x") == 0
    r.close()


def test_subscriptions_of_a_live_other_process_are_kept(tmp_path):
    r = Redis(data=str(tmp_path))
    hub = hub_for(r.connection_pool.engine)
    with hub.shard.write() as tx:
        tx.execute("INSERT INTO ps_subs(owner, pid, sid, kind, name) VALUES (?,?,?,?,?)", (b"other123", os.getppid(), 1, "c", b"ch"))
    hub._last_reap = time.monotonic() - REAP_EVERY - 1
    assert r.pubsub_numsub("ch") == [(b"ch", 1)]
    r.close()


def _in_thread(call):
    """(the thread running `call`, what it ended with: {"value": ...} or {"error": its message})."""
    outcome = {}

    def run():
        try:
            outcome["value"] = call()
        except redis.ResponseError as e:
            outcome["error"] = str(e)

    # A daemon: should a test fail before it stops the script, the run still ends.
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, outcome


def _as_dict(reply):
    """A map reply as redis-py 6+ parses FUNCTION STATS (older ones hand back the flat list)."""
    if isinstance(reply, list):
        return dict(zip(reply[::2], reply[1::2]))
    return reply


def test_script_kill_stops_a_running_read_only_script(tmp_path):
    runner, killer = Redis(data=str(tmp_path)), Redis(data=str(tmp_path))
    t, outcome = _in_thread(lambda: runner.eval("local i = 0 while true do i = i + 1 end", 0))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            assert killer.script_kill() is True
            break
        except redis.ResponseError as e:
            assert "NOTBUSY" in str(e)
            time.sleep(0.01)
    t.join(5)
    assert outcome["error"].startswith("Script killed by user with SCRIPT KILL... script: ")


def test_script_that_wrote_cannot_be_killed(tmp_path):
    runner, killer = Redis(data=str(tmp_path)), Redis(data=str(tmp_path))
    t, result = _in_thread(lambda: runner.eval(
        "redis.call('set', 'w', '1') local i = 0 while redis.call('exists', 'stop') == 0 do i = i + 1 end return i", 0))
    time.sleep(0.2)
    with pytest.raises(redis.ResponseError) as e:
        killer.script_kill()
    assert str(e.value).startswith("UNKILLABLE Sorry the script already executed write commands")
    assert t.is_alive()
    # Nothing outside can end it (it holds the shard's write lock); flip the flag the hook reads.
    for state in list(runner.connection_pool.engine.extensions["scripts"].running.values()):
        state["killed"] = True
    t.join(5)
    assert result["error"].startswith("Script killed by user with SCRIPT KILL...")
    assert runner.get("w") == b"1"  # as in Redis, a stopped script keeps the writes it made


@pytest.mark.parametrize("script", [
    "return loadstring(string.dump(function() return 1 end))",
    "return rawget(_G, 'os')",
    "return rawget(_G, 'debug')",
])
def test_sandbox_keeps_dangerous_functions_out(tmp_path, script):
    r = Redis(data=str(tmp_path))
    assert r.eval(script, 0) is None


def test_scripts_in_cluster_mode_stay_in_one_slot(tmp_path):
    r = Redis(data=str(tmp_path), tenant="clustered", shards=4)
    with pytest.raises(redis.ResponseError) as e:
        r.eval("return 1", 2, "a", "b")
    assert "CROSSSLOT" in str(e.value) or "hash to the same slot" in str(e.value)
    assert r.eval("redis.call('set', KEYS[1], 1); return redis.call('incr', KEYS[2])", 2, "{u}a", "{u}b") == 1
    with pytest.raises(redis.ResponseError) as e:
        r.eval("return redis.call('get', 'elsewhere-' .. ARGV[1])", 1, "{u}a", "zz")
    assert str(e.value).startswith("Script attempted to access a non local key in a cluster node")
    r.close()


def test_sharded_subscribe_across_slots_is_crossslot_in_cluster_mode(tmp_path):
    r = Redis(data=str(tmp_path), tenant="clustered", shards=4)
    conn = r.connection_pool.get_connection()
    conn.send_command("SSUBSCRIBE", "a", "b")
    with pytest.raises(redis.ResponseError) as e:
        conn.read_response()
    assert "same slot" in str(e.value)
    r.connection_pool.release(conn)
    r.close()


@pytest.mark.parametrize("script", [
    "return tostring(redis.call.__self__)",
    "return tostring(bit.band.__globals__)",
    "return tostring(redis.call['__self__'])",
    "return tostring(cjson.encode.__closure__)",
])
def test_scripts_cannot_reach_python_objects(tmp_path, script):
    r = Redis(data=str(tmp_path))
    with pytest.raises(redis.ResponseError) as e:
        r.eval(script, 0)
    assert "access to Python attributes is not allowed from scripts" in str(e.value)


def test_function_kill_stops_a_running_read_only_function_and_stats_show_it(tmp_path):
    runner, killer = Redis(data=str(tmp_path)), Redis(data=str(tmp_path))
    runner.function_load("#!lua name=busy\nredis.register_function{function_name='spin', "
                         "callback=function(keys, args) local i = 0 while true do i = i + 1 end end, flags={'no-writes'}}")
    t, outcome = _in_thread(lambda: runner.fcall("spin", 0, "a1"))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        stats = _as_dict(killer.execute_command("FUNCTION", "STATS"))
        if stats[b"running_script"] is not None:
            break
        time.sleep(0.01)
    running = _as_dict(stats[b"running_script"])
    assert running[b"name"] == b"spin" and running[b"command"] == [b"FCALL", b"spin", b"0", b"a1"]
    with pytest.raises(redis.ResponseError) as e:
        killer.script_kill()  # SCRIPT KILL is for EVAL scripts: Redis points to FUNCTION KILL
    assert str(e.value) == "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
    assert killer.execute_command("FUNCTION", "KILL") == b"OK"
    t.join(5)
    assert outcome["error"].startswith("Script killed by user with FUNCTION KILL... script: spin")
