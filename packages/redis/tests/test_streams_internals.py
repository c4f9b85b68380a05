"""Stream internals: Redis's ID parsing rules, the radix-tree node count, listpack node accounting,
unsigned ids stored in SQLite, and streams in a multi-shard (cluster-mode) tenant."""
import threading

import pytest
import redis

from dotdo_redis import Redis
from dotdo_redis.engine.commands.streams_ids import U64, end_bound, parse_id, start_bound
from dotdo_redis.engine.commands.streams_info import rax_nodes
from dotdo_redis.engine.errors import RedisError


@pytest.mark.parametrize("text, expected", [
    (b"5", ((5, 0), True)),
    (b"5-3", ((5, 3), True)),
    (b"00005-0003", ((5, 3), True)),      # strtoull fallback: leading zeros
    (b" 5- 3", ((5, 3), True)),           # ... and leading spaces
    (b"+5", ((5, 0), True)),
    (b"5--0", ((5, 0), True)),            # '-0' passes strtoull
    (b"18446744073709551615-18446744073709551615", ((U64, U64), True)),
    (b"5-*", ((5, 0), False)),
])
def test_parse_id_accepts_what_redis_accepts(text, expected):
    assert parse_id(text, strict=True, allow_auto_seq=True) == expected


@pytest.mark.parametrize("text", [b"", b"-5", b"5-", b"5-x", b"x", b"18446744073709551616", b"5--1", b"5-3-1", b"*", b"1" * 130])
def test_parse_id_refuses_what_redis_refuses(text):
    with pytest.raises(RedisError, match="^ERR Invalid stream ID specified as stream command argument$"):
        parse_id(text, strict=True, allow_auto_seq=True)


def test_interval_bounds():
    assert start_bound(b"-") == (0, 0)
    assert end_bound(b"+") == (U64, U64)
    assert start_bound(b"(5-1") == (5, 2)
    assert start_bound(b"(5-18446744073709551615") == (6, 0)
    assert end_bound(b"(5") == (5, U64 - 1)
    assert end_bound(b"(5-0") == (4, U64)
    with pytest.raises(RedisError, match="invalid end ID"):
        end_bound(b"(0-0")


def _key(ms, seq=0):
    return ms.to_bytes(8, "big") + seq.to_bytes(8, "big")


@pytest.mark.parametrize("keys, nodes", [
    ([], 1),
    ([_key(1)], 2),
    ([_key(1), _key(101)], 6),
    ([_key(1), _key(101), _key(201)], 8),
    ([_key(1), _key(1 << 40)], 6),
])
def test_rax_node_count(keys, nodes):
    assert rax_nodes(keys) == nodes


@pytest.fixture
def r(tmp_path):
    c = Redis(data=str(tmp_path))
    yield c
    c.close()


def test_ids_above_2_63_keep_their_order(r):
    ids = [b"9223372036854775807-0", b"9223372036854775808-0", b"18446744073709551615-5"]
    r.xadd("s", {"a": 0}, id="1-0")
    for i in ids:
        r.xadd("s", {"a": 1}, id=i)
    assert [i for i, _ in r.xrange("s")] == [b"1-0"] + ids
    assert [i for i, _ in r.xrange("s", "9223372036854775808", "+")] == ids[1:]
    assert [i for i, _ in r.xrevrange("s", count=1)] == ids[-1:]


def test_node_bookkeeping_follows_entry_count_and_byte_size(r):
    for i in range(250):
        r.xadd("small", {"f": "v"}, id=f"{i + 1}-0")
    assert r.xinfo_stream("small")["radix-tree-keys"] == 3  # 100 entries per node
    for i in range(10):
        r.xadd("big", {"f": "x" * 1000}, id=f"{i + 1}-0")
    assert r.xinfo_stream("big")["radix-tree-keys"] == 3  # 4096 bytes per node: 4 entries of 1000 bytes fit


def test_a_failed_xadd_changes_nothing(r):
    r.xadd("s", {"a": 1}, id="5-0")
    before = r.xinfo_stream("s")
    with pytest.raises(redis.ResponseError):
        r.xadd("s", {"a": 1}, id="4-0")
    with pytest.raises(redis.ResponseError):
        r.xadd("s", {"a": 1}, id="bad")
    assert r.xinfo_stream("s") == before


@pytest.fixture
def cluster(tmp_path):
    c = Redis(data=str(tmp_path), tenant="clustered", shards=4)
    yield c
    c.close()


def test_cluster_mode_xread_across_slots_is_crossslot(cluster):
    cluster.xadd("a", {"f": 1}, id="1-0")
    cluster.xadd("b", {"f": 1}, id="1-0")
    with pytest.raises(redis.ResponseError, match="^(CROSSSLOT )?Keys in request don't hash to the same slot$"):
        cluster.xread({"a": "0", "b": "0"})
    cluster.xadd("{t}a", {"f": 1}, id="1-0")
    cluster.xadd("{t}b", {"f": 2}, id="1-0")
    assert len(cluster.xread({"{t}a": "0", "{t}b": "0"})) == 2


def test_cluster_mode_blocked_group_reader_is_woken_on_its_shard(cluster):
    for key in ("q1", "q2", "q3"):
        cluster.xgroup_create(key, "g", id="$", mkstream=True)
    t = threading.Timer(0.2, lambda: cluster.xadd("q3", {"job": 1}, id="1-0"))
    t.start()
    got = cluster.xreadgroup("g", "w", {"q3": ">"}, block=5000)
    t.join()
    assert got == [[b"q3", [(b"1-0", {b"job": b"1"})]]]


def test_command_info_lists_the_stream_containers_subcommands():
    from dotdo_redis.engine.commands.server import SUBCOMMANDS
    from dotdo_redis.engine.commands.streams_groups import XGROUP_ARITY
    from dotdo_redis.engine.commands.streams_info import XINFO_ARITY

    assert set(SUBCOMMANDS["xgroup"]) == {k.decode() for k in XGROUP_ARITY}
    assert set(SUBCOMMANDS["xinfo"]) == {k.decode() for k in XINFO_ARITY}
