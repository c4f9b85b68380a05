"""A write waiting for another process's lock on the same data directory: lock_timeout and
statement_timeout end the wait with PostgreSQL's errors (55P03, 57014), as they do for a wait on
another connection of the same server (conformance/postgres/test_transactions.py)."""
from __future__ import annotations

import time

import psycopg
import pytest
from psycopg import errors

import dotdo_postgres


@pytest.mark.parametrize("setting, error, message", [
    ("lock_timeout = '200ms'", errors.LockNotAvailable, "canceling statement due to lock timeout"),
    ("statement_timeout = '200ms'", errors.QueryCanceled, "canceling statement due to statement timeout"),
])
def test_a_wait_for_another_process_lock_ends_at_the_timeout(tmp_path, served, setting, error, message):
    data = str(tmp_path / "d")
    with dotdo_postgres.connect(data=data, dbname="app", autocommit=True) as here:
        # before the other process starts: a process sees another's DDL only when it reloads its catalog
        here.execute("CREATE TABLE acct (id int PRIMARY KEY, balance int)")
        here.execute("INSERT INTO acct VALUES (1, 100)")
        with served(data) as there:
            there.execute(f"SET {setting}")
            assert there.execute("SELECT balance FROM acct").fetchone() == (100,)
            with here.transaction():
                here.execute("UPDATE acct SET balance = 0 WHERE id = 1")  # this process holds the write lock
                start = time.monotonic()
                with pytest.raises(error) as e:
                    there.execute("UPDATE acct SET balance = 1 WHERE id = 1")
                assert e.value.diag.message_primary == message
                assert time.monotonic() - start < 10  # not SQLite's 30 s busy timeout
            assert there.execute("UPDATE acct SET balance = 2 WHERE id = 1 RETURNING balance").fetchone() == (2,)
