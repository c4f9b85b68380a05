"""The store's promises: keys never move, failed transactions leave nothing, namespaces stay apart."""
import os

import pytest

from dotdo_core import NamespaceError, Store
from dotdo_core.hashing import redis_slot
from dotdo_core.primitives.kv import KeyValue


def put(shard, key, value):
    with shard.write() as tx:
        KeyValue(shard).put(tx, key, "string", value)


def get(shard, key):
    with shard.reader() as conn:
        row = KeyValue(shard).get(conn, key, 0)
    return None if row is None else row[1]


def test_key_to_shard_mapping_is_stable_across_reopen(tmp_path):
    keys = [f"key:{i}".encode() for i in range(500)]
    with Store(tmp_path) as store:
        ns = store.namespace("tenant", shards=8)
        before = {k: ns.shard_index(k) for k in keys}
        for k in keys:
            put(ns.shard_for(k), k, b"v")
    assert len(set(before.values())) == 8  # the keys really spread
    with Store(tmp_path) as store:
        ns = store.namespace("tenant", shards=8)
        assert {k: ns.shard_index(k) for k in keys} == before
        assert all(get(ns.shard_for(k), k) == b"v" for k in keys)


def test_reopening_with_another_shard_count_keeps_the_recorded_one(tmp_path):
    with Store(tmp_path) as store:
        store.namespace("tenant", shards=4)
    with Store(tmp_path) as store:
        assert store.namespace("tenant", shards=16).shard_count == 4


def test_namespace_kind_mismatch_is_refused(tmp_path):
    with Store(tmp_path) as store:
        store.namespace("db", kind="redis")
        with pytest.raises(NamespaceError):
            store.namespace("db", kind="mongo")


def test_redis_slot_hash_honours_hash_tags():
    assert redis_slot(b"{user1000}.following") == redis_slot(b"{user1000}.followers")
    assert redis_slot(b"foo") == 12182  # CLUSTER KEYSLOT foo on a real Redis
    assert redis_slot(b"{}foo") == redis_slot(b"{}foo")  # empty tag: the whole key is hashed
    with Store(":memory:") as store:
        ns = store.namespace("r", shards=4, hash="redis-slot")
        assert ns.shard_for(b"{t}a") is ns.shard_for(b"{t}b")


def test_transaction_that_raises_leaves_nothing_behind(tmp_path):
    with Store(tmp_path) as store:
        shard = store.namespace("t").shards[0]
        put(shard, b"kept", b"1")
        with pytest.raises(RuntimeError):
            with shard.write() as tx:
                KeyValue(shard).put(tx, b"new", "string", b"x")
                KeyValue(shard).put(tx, b"kept", "string", b"changed")
                raise RuntimeError("boom")
        assert get(shard, b"new") is None
        assert get(shard, b"kept") == b"1"


def test_nested_write_that_raises_rolls_back_only_itself(tmp_path):
    with Store(tmp_path) as store:
        shard = store.namespace("t").shards[0]
        with shard.write() as tx:
            KeyValue(shard).put(tx, b"outer", "string", b"1")
            with pytest.raises(ValueError):
                with shard.write() as inner:
                    KeyValue(shard).put(inner, b"inner", "string", b"2")
                    raise ValueError
        assert get(shard, b"outer") == b"1"
        assert get(shard, b"inner") is None


def test_memory_store_works_and_is_private():
    with Store(":memory:") as a, Store(":memory:") as b:
        put(a.namespace("n").shards[0], b"k", b"a")
        assert get(a.namespace("n").shards[0], b"k") == b"a"
        assert get(b.namespace("n").shards[0], b"k") is None


def test_namespaces_do_not_see_each_other(tmp_path):
    with Store(tmp_path) as store:
        put(store.namespace("a").shards[0], b"k", b"from-a")
        assert get(store.namespace("b").shards[0], b"k") is None


def test_drop_namespace_removes_its_data(tmp_path):
    with Store(tmp_path) as store:
        put(store.namespace("gone").shards[0], b"k", b"v")
        assert store.drop_namespace("gone") is True
        assert not store.exists("gone")
        assert get(store.namespace("gone").shards[0], b"k") is None


def test_a_write_to_a_namespace_another_store_dropped_is_refused_not_lost(tmp_path):
    from dotdo_core.shard import ShardDropped

    with Store(tmp_path) as mine, Store(tmp_path) as other:  # two processes' views of one directory
        shard = mine.namespace("gone").shards[0]
        put(shard, b"k", b"v")
        drops = mine.drops()
        assert other.drop_namespace("gone") is True
        with pytest.raises(ShardDropped):
            put(shard, b"k", b"after")  # it would have gone to the deleted file
        assert mine.drops() != drops and mine.stale_namespaces() == ["gone"]
        mine.forget("gone")
        put(mine.namespace("gone").shards[0], b"k", b"new")
        assert get(other.namespace("gone").shards[0], b"k") == b"new"


def test_rename_namespace_keeps_its_data_under_the_new_name(tmp_path):
    with Store(tmp_path) as store:
        put(store.namespace("old", kind="postgres").shards[0], b"k", b"v")
        store.namespace("taken")
        assert store.rename_namespace("old", "new") is True
        assert not store.exists("old") and store.exists("new")
        assert get(store.namespace("new", kind="postgres").shards[0], b"k") == b"v"
        assert store.rename_namespace("nosuch", "other") is False
        with pytest.raises(NamespaceError):
            store.rename_namespace("new", "taken")
    with Store(tmp_path) as store:  # the catalog row itself was renamed: a reopen finds the data
        assert get(store.namespace("new", kind="postgres").shards[0], b"k") == b"v"


def test_open_elsewhere_names_the_other_processes_holding_a_namespace_open(tmp_path):
    import subprocess
    import sys
    if not os.path.exists("/proc/locks"):
        pytest.skip("the kernel's lock table is read from /proc/locks (Linux)")
    with Store(tmp_path) as store:
        put(store.namespace("shared").shards[0], b"k", b"v")
        store.namespace("alone")
        assert store.open_elsewhere("shared") == set()  # this process's own connections do not count
        holder = subprocess.Popen(
            [sys.executable, "-c", "import sys, time; from dotdo_core import Store; "
             "s = Store(sys.argv[1]); s.namespace('shared').shards[0].reader().__enter__(); "
             "print('open', flush=True); time.sleep(30)", str(tmp_path)],
            stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "open"
            assert store.open_elsewhere("shared") == {holder.pid}
            assert store.open_elsewhere("alone") == set()
        finally:
            holder.kill()
            holder.wait()
        assert store.open_elsewhere("shared") == set()


def test_lock_table_lines_are_read_as_the_kernel_writes_them():
    from dotdo_core.sqlite import _lock_holders
    table = ("1: POSIX  ADVISORY  READ 4242 fe:00:77 128 128\n"
             "2: -> POSIX  ADVISORY  WRITE 5151 fe:00:77 128 128\n"
             "3: POSIX  ADVISORY  WRITE 6161 fe:00:77 0 EOF\n"
             "4: POSIX  ADVISORY  READ 7171 fe:00:78 128 128\n"
             "5: FLOCK  ADVISORY  WRITE 8181 fe:00:77 0 EOF\n"
             "6: POSIX  ADVISORY  READ 9191 fe:00:77 120 127\n")
    assert _lock_holders(table, "fe:00:77", 128) == {4242, 6161}


def test_copy_namespace_copies_committed_data_and_leaves_the_source_alone(tmp_path):
    with Store(tmp_path) as store:
        src = store.namespace("src", kind="postgres", shards=2)
        for shard in src.shards:
            put(shard, b"k", b"v%d" % shard.index)
        copy = store.copy_namespace("src", "dst")
        assert (copy.kind, copy.shard_count) == ("postgres", 2)
        assert [get(s, b"k") for s in copy.shards] == [b"v0", b"v1"]
        put(copy.shards[0], b"k", b"changed")
        assert get(src.shards[0], b"k") == b"v0"
        with pytest.raises(NamespaceError):
            store.copy_namespace("src", "dst")
        with pytest.raises(KeyError):
            store.copy_namespace("nosuch", "other")
        assert not [f for f in os.listdir(tmp_path) if f.startswith(".copy-")]
    with Store(tmp_path) as store:
        assert get(store.namespace("dst", kind="postgres").shards[0], b"k") == b"changed"


def test_expired_keys_read_as_absent_and_are_purged(tmp_path):
    with Store(tmp_path) as store:
        shard = store.namespace("t").shards[0]
        kv = KeyValue(shard)
        with shard.write() as tx:
            kv.put(tx, b"old", "string", b"v", expires_ms=1000)
            kv.put(tx, b"new", "string", b"v", expires_ms=10**13)
        with shard.reader() as conn:
            assert kv.get(conn, b"old", 2000) is None
            assert kv.get(conn, b"new", 2000) is not None
        with shard.write() as tx:
            assert kv.purge_expired(tx, 2000) == [(b"old", "string")]


def test_every_write_changes_the_modification_stamp(tmp_path):
    with Store(tmp_path) as store:
        shard = store.namespace("t").shards[0]
        kv = KeyValue(shard)
        put(shard, b"k", b"v")
        with shard.reader() as conn:
            first = kv.version(conn, b"k", 0)
        put(shard, b"k", b"v")  # same value: still a write
        with shard.reader() as conn:
            assert kv.version(conn, b"k", 0) != first


def test_change_feed_records_commit_with_the_transaction(tmp_path):
    with Store(tmp_path) as store:
        shard = store.namespace("t").shards[0]
        with shard.write() as tx:
            tx.emit("chan", b"one")
        with pytest.raises(RuntimeError):
            with shard.write() as tx:
                tx.emit("chan", b"lost")
                raise RuntimeError
        assert [r[1:] for r in shard.changes.read(0)] == [("chan", b"one")]


@pytest.mark.parametrize("prefix, expected", [
    ("", ["a/mongo:x", "ab/mongo:y", "mongo:root", "pg"]),
    ("a/", ["a/mongo:x"]),
    ("ab/", ["ab/mongo:y"]),
    ("mongo:", ["mongo:root"]),
    ("zz/", []),
])
def test_namespace_names_lists_exactly_those_under_a_prefix(tmp_path, prefix, expected):
    with Store(tmp_path) as store:
        for name, kind in [("mongo:root", "mongo"), ("a/mongo:x", "mongo"), ("ab/mongo:y", "mongo"), ("pg", "postgres")]:
            store.namespace(name, kind=kind)
        assert [n for n, _ in store.namespace_names(prefix)] == expected


@pytest.mark.parametrize("n", [1, 2, 9, 100, 127, 128, 129, 300])
def test_put_values_writes_every_pair_in_order_whatever_the_batch_size(tmp_path, n):
    with Store(tmp_path) as store:
        shard = store.namespace("t").shard_for(b"")
        kv = KeyValue(shard)
        keys = [f"k{i % max(n - 1, 1)}".encode() for i in range(n)]  # the last key repeats the first
        values = [f"v{i}".encode() for i in range(n)]
        with shard.write() as tx:
            assert kv.put_values_if_same_type(tx, "string", keys, values) == n
        with shard.reader() as conn:
            for key in set(keys):
                last = max(i for i, k in enumerate(keys) if k == key)
                assert kv.get(conn, key, 0) == ("string", values[last], None)


def test_put_values_leaves_keys_of_another_type_and_says_so(tmp_path):
    with Store(tmp_path) as store:
        shard = store.namespace("t").shard_for(b"")
        kv = KeyValue(shard)
        with shard.write() as tx:
            kv.put(tx, b"h", "hash", None)
            written = kv.put_values_if_same_type(tx, "string", [b"a", b"h", b"b"], [b"1", b"2", b"3"])
        assert written == 2
        with shard.reader() as conn:
            assert kv.get(conn, b"h", 0) == ("hash", None, None)
            assert kv.get(conn, b"b", 0) == ("string", b"3", None)


def test_a_drop_that_cannot_mark_its_files_leaves_them_to_a_later_sweep(tmp_path, monkeypatch):
    from dotdo_core import sqlite
    from dotdo_core.shard import Shard

    with Store(tmp_path) as store:
        ns = store.namespace("tenant", shards=2)
        put(ns.shards[0], b"k", b"v")
        folder = os.path.join(str(tmp_path), "ns", str(ns.id))

        def busy(self):
            raise sqlite.BusyError("database is locked")

        monkeypatch.setattr(Shard, "mark_dropped", busy)
        with pytest.raises(sqlite.BusyError):
            store.drop_namespace("tenant")
        monkeypatch.undo()
        assert not store.exists("tenant")
        assert os.path.isdir(folder)  # not deleted under a writer that may not have seen the drop
    with Store(tmp_path) as store:  # nobody else has the files open: the next store removes them
        assert not os.path.isdir(folder)
        assert store.namespace("tenant").shard_count == 1  # the name is free, and leads to a new namespace


def test_the_sweep_leaves_an_orphan_another_process_still_has_open(tmp_path, monkeypatch):
    import subprocess
    import sys

    from dotdo_core import sqlite
    from dotdo_core.shard import Shard

    with Store(tmp_path) as store:
        ns = store.namespace("tenant")
        put(ns.shards[0], b"k", b"v")
        path = ns.shards[0].path
        monkeypatch.setattr(Shard, "mark_dropped", lambda self: (_ for _ in ()).throw(sqlite.BusyError("locked")))
        with pytest.raises(sqlite.BusyError):
            store.drop_namespace("tenant")
        monkeypatch.undo()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import apsw, sys; c = apsw.Connection(sys.argv[1]); "
         "c.execute('SELECT count(*) FROM sqlite_schema').fetchall(); print('open', flush=True); sys.stdin.read()",
         path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with Store(tmp_path) as store:
            assert store.remove_orphans() == []
            assert os.path.exists(path)
    finally:
        holder.stdin.close()
        holder.wait(10)
    with Store(tmp_path) as store:
        assert not os.path.exists(path)
