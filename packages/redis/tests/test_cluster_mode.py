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
    # redis-py 6+ maps the CROSSSLOT code to its own exception text without the code word; 5 keeps it
    with pytest.raises(redis.ResponseError, match="^(CROSSSLOT )?Keys in request don't hash to the same slot$"):
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


# -- CLUSTER: what cluster-aware clients ask -------------------------------------------------------

@pytest.fixture
def served_cluster(tmp_path):
    """`dotdo serve redis` over a four-shard database, and redis-py's RedisCluster connected to it."""
    from redis.cluster import RedisCluster

    from dotdo_core import Runtime, Store
    from dotdo_redis.server import front

    Redis(data=str(tmp_path), shards=4).close()  # the namespace, made with four shards
    runtime = Runtime(Store(str(tmp_path))).start()
    listener = runtime.listen(front, host="127.0.0.1", port=0)
    client = RedisCluster(host="127.0.0.1", port=listener.port)
    yield client, listener.port
    client.close()
    runtime.stop()


def test_a_cluster_client_maps_every_slot_to_the_one_server_and_works(served_cluster):
    rc, port = served_cluster
    for i in range(100):
        rc.set(f"key{i}", i)
    assert rc.mget_nonatomic([f"key{i}" for i in range(100)]) == [str(i).encode() for i in range(100)]
    pipe = rc.pipeline()
    for i in range(20):
        pipe.incr(f"n{i}")
    assert pipe.execute() == [1] * 20
    with pytest.raises(redis.RedisClusterException, match="all keys must map to the same key slot"):
        rc.mget("key1", "key2")  # refused by the client itself, which knows the slots
    assert rc.dbsize() == 120


def test_cluster_slots_shards_nodes_and_myid_describe_one_master(served_cluster):
    rc, port = served_cluster
    raw = redis.Redis(host="127.0.0.1", port=port)
    myid = raw.execute_command("CLUSTER MYID")
    assert len(myid) == 40 and raw.execute_command("CLUSTER MYID") == myid
    slots = raw.execute_command("CLUSTER", "SLOTS")
    [(start, end, master)] = slots
    assert (start, end) == (0, 16383) and master[:3] == [b"127.0.0.1", port, myid]
    [shard] = raw.execute_command("CLUSTER", "SHARDS")
    assert shard[b"slots"] == [0, 16383]
    assert [(n[b"id"], n[b"port"], n[b"role"], n[b"health"]) for n in shard[b"nodes"]] == [
        (myid, port, b"master", b"online")]
    assert raw.execute_command("CLUSTER", "NODES") == (
        myid + f" 127.0.0.1:{port}@{port + 10000} myself,master - 0 0 1 connected 0-16383\n".encode())
    assert b"cluster_state:ok\r\n" in raw.execute_command("CLUSTER", "INFO")
    assert raw.execute_command("ASKING") is True
    raw.close()


def test_cluster_keyslot_and_keys_in_a_slot(served_cluster):
    rc, port = served_cluster
    raw = redis.Redis(host="127.0.0.1", port=port)
    assert raw.execute_command("CLUSTER", "KEYSLOT", "somekey") == 11058  # Redis's documented example
    assert raw.execute_command("CLUSTER", "KEYSLOT", "{user1}.a") == raw.execute_command("CLUSTER", "KEYSLOT", "user1")
    for name in ("{t}1", "{t}2", "{t}3", "other"):
        rc.set(name, 1)
    slot = raw.execute_command("CLUSTER", "KEYSLOT", "t")
    assert raw.execute_command("CLUSTER", "COUNTKEYSINSLOT", slot) == 3
    assert raw.execute_command("CLUSTER", "GETKEYSINSLOT", slot, 2) == [b"{t}1", b"{t}2"]
    for args, message in [(("COUNTKEYSINSLOT", 16384), "Invalid slot"),
                          (("GETKEYSINSLOT", 1, -1), "Invalid slot or number of keys"),
                          (("MEET", "127.0.0.1", 7000), "CLUSTER MEET is not supported by dotdo"),
                          (("ADDSLOTS", 1), "CLUSTER ADDSLOTS is not supported by dotdo"),
                          (("REPLICAS", "0" * 40), "Unknown node " + "0" * 40),
                          (("NOSUCH",), "unknown subcommand 'NOSUCH'"),
                          (("KEYSLOT",), "wrong number of arguments for 'cluster|keyslot' command")]:
        with pytest.raises(redis.ResponseError, match=message):
            raw.execute_command("CLUSTER", *args)
    raw.close()
