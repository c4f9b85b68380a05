"""A tenant with several shards behaves as Redis Cluster: keys spread by hash slot, multi-key work
must stay in one slot (hash tags), and atomicity is never faked across shards."""
import pytest
import redis

from dotdo_redis import Redis


@pytest.fixture
def cluster(tmp_path):
    r = Redis(data=str(tmp_path), tenant="clustered", shards=4)
    yield r
    r.close()


def test_keys_spread_over_the_shards_by_slot(cluster):
    engine = cluster.connection_pool.engine
    assert engine.ns.shard_count == 4
    for i in range(200):
        cluster.set(f"k{i}", i)
    counts = []
    for tables in engine.tables:
        with tables.shard.reader() as conn:
            counts.append(conn.execute("SELECT count(*) FROM r_keys").fetchone()[0])
    assert sum(counts) == 200 and all(c > 0 for c in counts)
    assert [int(cluster.get(f"k{i}")) for i in range(200)] == list(range(200))


def test_multi_key_command_across_slots_is_crossslot(cluster):
    # redis-py maps the CROSSSLOT code to its own exception text without the code word
    with pytest.raises(redis.ResponseError, match="^Keys in request don't hash to the same slot$"):
        cluster.mset({"a": 1, "b": 2})
    assert cluster.exists("a", ) == 0  # nothing half-applied


def test_hash_tags_colocate_keys(cluster):
    assert cluster.mset({"{user1}:name": "ann", "{user1}:age": "7"}) is True
    assert cluster.mget("{user1}:name", "{user1}:age") == [b"ann", b"7"]


def test_transaction_across_slots_is_refused_and_changes_nothing(cluster):
    pipe = cluster.pipeline()
    pipe.set("x", 1).set("y", 2)
    with pytest.raises(redis.ResponseError, match="hash to the same slot"):
        pipe.execute()
    assert cluster.get("x") is None and cluster.get("y") is None


def test_select_is_refused_in_cluster_mode(cluster):
    with pytest.raises(redis.ResponseError, match="SELECT is not allowed in cluster mode"):
        cluster.execute_command("SELECT", 1)


def test_tenants_do_not_see_each_other(tmp_path):
    a, b = Redis(data=str(tmp_path), tenant="a"), Redis(data=str(tmp_path), tenant="b")
    a.set("secret", "a's")
    assert b.get("secret") is None
    assert b.keys("*") == []
