"""A shard whose lock is shared between an executor's threads (dotdo_core.shard.executor): an engine
that runs one thread at a time but on whichever thread can begin a transaction on one and end it on
another, while threads outside the executor still wait for it."""
import threading

import pytest

from dotdo_core.shard import Shard, ShardBusy, executor, without_lock_wait

SCHEMA = ["CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY)"]


def on_thread(fn):
    out = []
    th = threading.Thread(target=lambda: out.append(fn()))
    th.start()
    th.join(10)
    return out[0]


def test_a_transaction_begun_on_one_executor_thread_commits_on_another(tmp_path):
    shard = Shard(str(tmp_path / "s.db"), schema=SCHEMA)
    shard.share_lock_between_threads()
    write = shard.write()
    with executor("engine"):
        tx = write.__enter__()
        tx.execute("INSERT INTO t VALUES (1)")

    def finish():
        with executor("engine"):
            write.__exit__(None, None, None)
        return True

    assert on_thread(finish)
    with shard.reader() as conn:
        assert [r[0] for r in conn.execute("SELECT k FROM t")] == [1]
    shard.close()


def test_a_thread_outside_the_executor_cannot_take_the_lock_it_holds(tmp_path):
    shard = Shard(str(tmp_path / "s.db"), schema=SCHEMA)
    shard.share_lock_between_threads()
    write = shard.write()
    with executor("engine"):
        write.__enter__()

    def outsider():
        with without_lock_wait():
            with pytest.raises(ShardBusy):
                with shard.write():
                    pass
        return True

    assert on_thread(outsider)
    with executor("engine"):
        write.__exit__(None, None, None)
    shard.close()
