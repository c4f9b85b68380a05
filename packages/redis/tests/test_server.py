"""dotdo serve redis: group commit across clients, and a bug in one command failing only its caller."""
import threading

import pytest
import redis

from dotdo_core import Runtime, Store
from dotdo_redis.engine.registry import COMMANDS, Command
from dotdo_redis.server import front


@pytest.fixture
def port(tmp_path):
    runtime = Runtime(Store(tmp_path)).start()
    yield runtime.listen(front, port=0).port
    runtime.stop()


def test_concurrent_clients_share_commits_without_losing_increments(port):
    def work():
        c = redis.Redis(port=port)
        for _ in range(200):
            c.incr("n")
        c.close()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert redis.Redis(port=port).get("n") == b"1600"


def test_concurrent_clients_pushing_to_one_list_lose_nothing_and_keep_each_clients_order(port):
    def work(n):
        c = redis.Redis(port=port)
        for i in range(200):
            c.rpush("queue", f"{n}:{i}")
        c.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    items = [v.decode() for v in redis.Redis(port=port).lrange("queue", 0, -1)]
    assert len(items) == 1600
    for n in range(8):
        assert [int(v.split(":")[1]) for v in items if v.startswith(f"{n}:")] == list(range(200))


def test_a_failing_command_reaches_only_its_client_and_rolls_back_nothing_else(port, monkeypatch):
    def broken(ctx, key):
        ctx.ks.set_string(key, b"half-written")
        raise ZeroDivisionError("a bug")

    monkeypatch.setitem(COMMANDS, b"get", Command("get", broken, 2, frozenset({"write"}), (1, 1, 1), "test"))
    good, bad = redis.Redis(port=port), redis.Redis(port=port)
    assert good.set("kept", "1") is True
    with pytest.raises(redis.ResponseError, match="internal error in 'GET'"):
        bad.get("victim")
    assert good.exists("victim") == 0  # the bug's partial write was rolled back
    assert good.incr("after") == 1  # and the server still serves


def test_latency_monitoring_cannot_be_turned_on_and_histograms_are_refused_by_name(tmp_path):
    from dotdo_redis import Redis

    r = Redis(data=str(tmp_path))
    with pytest.raises(redis.ResponseError, match="dotdo does not monitor latency spikes"):
        r.config_set("latency-monitor-threshold", 100)
    assert r.config_set("latency-monitor-threshold", 0) is True
    with pytest.raises(redis.ResponseError, match="LATENCY HISTOGRAM is not supported by dotdo"):
        r.execute_command("LATENCY", "HISTOGRAM", "set")
    r.close()
