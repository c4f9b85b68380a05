"""The open-shard budget: a process with more shards than the budget keeps only that many open, and a
closed shard reopens on its next use with everything it held, without breaking the one-writer rule,
per-thread readers, transactions or change-feed waiters."""
import os
import threading

import pytest

from dotdo_core import Store
from dotdo_core.open_shards import POOL
from dotdo_core.primitives.kv import KeyValue


@pytest.fixture
def budget():
    def set_to(n):
        POOL.set_budget(n)
    yield set_to
    POOL.set_budget(None)


def put(shard, key, value):
    with shard.write() as tx:
        KeyValue(shard).put(tx, key, "string", value)


def get(shard, key):
    with shard.reader() as conn:
        row = KeyValue(shard).get(conn, key, 0)
    return None if row is None else row[1]


def fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_more_tenants_than_the_budget_keep_only_the_budget_open_and_lose_nothing(tmp_path, budget):
    budget(20)
    before = fds()
    with Store(tmp_path) as store:
        shards = [store.namespace(f"tenant-{i}").shards[0] for i in range(200)]
        for i, shard in enumerate(shards):
            put(shard, b"k", str(i).encode())
            assert get(shard, b"k") == str(i).encode()
        assert sum(s.is_open for s in shards) <= 20
        # ~7 descriptors per open shard; 200 open shards would hold well over 1,000
        assert fds() - before < 20 * 8
        for i, shard in enumerate(shards):  # every closed shard reopens with its data
            assert get(shard, b"k") == str(i).encode()
            put(shard, b"k2", b"again")
        assert all(get(s, b"k2") == b"again" for s in shards)
    with Store(tmp_path) as store:  # and a fresh process view of the directory agrees
        assert all(get(store.namespace(f"tenant-{i}").shards[0], b"k") == str(i).encode() for i in range(200))


def test_a_shard_inside_a_write_transaction_is_not_closed(tmp_path, budget):
    budget(8)
    with Store(tmp_path) as store:
        held = store.namespace("held").shards[0]
        with held.write() as tx:
            KeyValue(held).put(tx, b"a", "string", b"1")
            for i in range(50):  # opening many others from inside the transaction
                put(store.namespace(f"other-{i}").shards[0], b"k", b"v")
            assert held.is_open
            KeyValue(held).put(tx, b"b", "string", b"2")
        assert get(held, b"a") == b"1" and get(held, b"b") == b"2"


def test_a_shard_with_a_read_in_progress_is_not_closed(tmp_path, budget):
    budget(8)
    with Store(tmp_path) as store:
        shard = store.namespace("reading").shards[0]
        put(shard, b"a", b"1")
        with shard.reader() as conn:
            for i in range(50):
                put(store.namespace(f"other-{i}").shards[0], b"k", b"v")
            assert KeyValue(shard).get(conn, b"a", 0)[1] == b"1"


def test_a_shard_with_a_blocked_waiter_stays_open_and_the_waiter_is_woken(tmp_path, budget):
    budget(8)
    with Store(tmp_path) as store:
        shard = store.namespace("waited").shards[0]
        after = shard.changes.last_seq()
        woke = []
        waiting = threading.Event()

        def waiter():
            waiting.set()
            shard.changes.pulse(30)
            woke.append(shard.changes.last_seq())

        t = threading.Thread(target=waiter)
        t.start()
        waiting.wait()
        while not shard.changes.waiters:
            pass
        for i in range(50):
            put(store.namespace(f"other-{i}").shards[0], b"k", b"v")
        assert shard.is_open
        with shard.write() as tx:
            tx.emit("ch", b"x")
        t.join(10)
        assert woke and woke[0] > after


def test_readers_in_other_threads_reopen_after_a_close(tmp_path, budget):
    budget(8)
    with Store(tmp_path) as store:
        shard = store.namespace("threads").shards[0]
        put(shard, b"a", b"1")
        seen = []
        t = threading.Thread(target=lambda: seen.append(get(shard, b"a")))
        t.start(); t.join()
        for i in range(50):
            put(store.namespace(f"other-{i}").shards[0], b"k", b"v")
        assert not shard.is_open
        put(shard, b"a", b"2")
        t = threading.Thread(target=lambda: seen.append(get(shard, b"a")))
        t.start(); t.join()
        assert seen == [b"1", b"2"]


def test_a_pinned_shard_is_never_closed(tmp_path, budget):
    budget(8)
    with Store(tmp_path) as store:
        pinned = store.namespace("pinned").shards[0]
        pinned.pin()
        writer = pinned._writer
        for i in range(50):
            put(store.namespace(f"other-{i}").shards[0], b"k", b"v")
        assert pinned._writer is writer and pinned.is_open


def test_many_threads_over_many_shards_with_a_small_budget_lose_no_increment(tmp_path, budget):
    budget(8)
    with Store(tmp_path) as store:
        shards = [store.namespace(f"t-{i}").shards[0] for i in range(40)]
        for s in shards:
            put(s, b"n", b"0")
        errors = []

        def work(seed):
            try:
                for j in range(200):
                    s = shards[(seed * 7 + j) % len(shards)]
                    with s.write() as tx:
                        kv = KeyValue(s)
                        n = int(kv.get(tx.conn, b"n", 0)[1])
                        kv.put(tx, b"n", "string", str(n + 1).encode())
                    get(s, b"n")
            except Exception as e:  # surfaced below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert sum(int(get(s, b"n")) for s in shards) == 4 * 200


def test_closing_a_store_lets_a_read_in_another_thread_finish_and_refuses_later_reads(tmp_path):
    store = Store(tmp_path)
    shard = store.namespace("t").shards[0]
    put(shard, b"a", b"1")
    reading, finish, seen = threading.Event(), threading.Event(), []

    def reader():
        with shard.reader() as conn:
            reading.set()
            finish.wait(10)
            seen.append(KeyValue(shard).get(conn, b"a", 0)[1])  # the connection is still open
        try:
            get(shard, b"a")
        except Exception as e:
            seen.append(str(e))

    t = threading.Thread(target=reader)
    t.start()
    reading.wait(10)
    closer = threading.Thread(target=store.close)
    closer.start()
    closer.join(0.2)
    assert closer.is_alive()  # waiting for the read in progress
    finish.set()
    closer.join(10)
    t.join(10)
    assert seen == [b"1", "shard is closed"]
