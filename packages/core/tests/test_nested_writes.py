"""Writes nested in a transaction of the same thread: a savepoint by default (the inner block can fail
alone), or joined to the enclosing transaction, whose fate it then shares."""
import pytest

from dotdo_core.shard import Shard

SCHEMA = ["CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY)"]


def keys(shard: Shard) -> list[int]:
    with shard.reader() as conn:
        return [r[0] for r in conn.execute("SELECT k FROM t ORDER BY k")]


def test_a_failed_nested_write_rolls_back_alone(tmp_path):
    shard = Shard(str(tmp_path / "s.db"), schema=SCHEMA)
    with shard.write() as tx:
        tx.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(ValueError):
            with shard.write() as inner:
                inner.execute("INSERT INTO t VALUES (2)")
                raise ValueError
    assert keys(shard) == [1]
    shard.close()


def test_a_joined_write_commits_with_its_transaction_and_an_exception_aborts_both(tmp_path):
    shard = Shard(str(tmp_path / "s.db"), schema=SCHEMA)
    with shard.write() as tx:
        tx.execute("INSERT INTO t VALUES (1)")
        with shard.write(join=True) as joined:
            assert joined is tx
            joined.execute("INSERT INTO t VALUES (2)")
    assert keys(shard) == [1, 2]
    with pytest.raises(ValueError):
        with shard.write() as tx:
            tx.execute("INSERT INTO t VALUES (3)")
            with shard.write(join=True) as joined:
                joined.execute("INSERT INTO t VALUES (4)")
                raise ValueError
    assert keys(shard) == [1, 2]
    with shard.write(join=True) as alone:  # with nothing to join it is a transaction of its own
        alone.execute("INSERT INTO t VALUES (5)")
    assert keys(shard) == [1, 2, 5]
    shard.close()
