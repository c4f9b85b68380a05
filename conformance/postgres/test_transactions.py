"""Transactions as psycopg users rely on them: commit/rollback, the failed-transaction state,
savepoints, psycopg's transaction() blocks, and what a second connection sees."""
from __future__ import annotations

import psycopg
import pytest
from psycopg import errors


@pytest.fixture
def table(conn):
    conn.execute("CREATE TABLE acct (id int PRIMARY KEY, balance int NOT NULL CHECK (balance >= 0))")
    conn.execute("INSERT INTO acct VALUES (1, 100), (2, 50)")
    return conn


def balances(conn) -> list[tuple]:
    return conn.execute("SELECT id, balance FROM acct ORDER BY id").fetchall()


def test_commit_makes_changes_visible_to_other_connections(table, connect):
    c = connect()
    c.execute("UPDATE acct SET balance = balance - 10 WHERE id = 1")
    assert balances(table) == [(1, 100), (2, 50)]  # not yet committed
    c.commit()
    assert balances(table) == [(1, 90), (2, 50)]


def test_rollback_discards_changes(table, connect):
    c = connect()
    c.execute("INSERT INTO acct VALUES (3, 5)")
    c.execute("DELETE FROM acct WHERE id = 1")
    c.rollback()
    assert balances(table) == [(1, 100), (2, 50)]


def test_transaction_sees_its_own_writes(table, connect):
    c = connect()
    c.execute("UPDATE acct SET balance = 1 WHERE id = 2")
    assert c.execute("SELECT balance FROM acct WHERE id = 2").fetchone() == (1,)
    c.rollback()


def test_error_aborts_transaction_until_rollback(table, connect):
    c = connect()
    c.execute("UPDATE acct SET balance = 0 WHERE id = 1")
    with pytest.raises(errors.CheckViolation):
        c.execute("UPDATE acct SET balance = -1 WHERE id = 2")
    assert c.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
    with pytest.raises(errors.InFailedSqlTransaction) as e:
        c.execute("SELECT 1")
    assert e.value.sqlstate == "25P02"
    assert e.value.diag.message_primary == (
        "current transaction is aborted, commands ignored until end of transaction block")
    c.rollback()
    assert c.execute("SELECT balance FROM acct WHERE id = 1").fetchone() == (100,)


def test_commit_of_failed_transaction_rolls_back(table, connect):
    c = connect(autocommit=True)
    c.execute("BEGIN")
    c.execute("UPDATE acct SET balance = 7 WHERE id = 1")
    with pytest.raises(errors.DivisionByZero):
        c.execute("SELECT 1 / 0")
    cur = c.execute("COMMIT")
    assert cur.statusmessage == "ROLLBACK"
    assert balances(table)[0] == (1, 100)


def test_savepoint_rollback_to_recovers_failed_transaction(table, connect):
    c = connect(autocommit=True)
    c.execute("BEGIN")
    c.execute("UPDATE acct SET balance = 1 WHERE id = 1")
    c.execute("SAVEPOINT sp")
    c.execute("UPDATE acct SET balance = 2 WHERE id = 2")
    with pytest.raises(errors.UniqueViolation):
        c.execute("INSERT INTO acct VALUES (1, 1)")
    assert c.execute("ROLLBACK TO SAVEPOINT sp").statusmessage == "ROLLBACK"
    assert c.execute("SELECT balance FROM acct ORDER BY id").fetchall() == [(1,), (50,)]
    c.execute("RELEASE SAVEPOINT sp")
    c.execute("COMMIT")
    assert balances(table) == [(1, 1), (2, 50)]


def test_release_unknown_savepoint(table, connect):
    c = connect(autocommit=True)
    c.execute("BEGIN")
    with pytest.raises(errors.InvalidSavepointSpecification) as e:
        c.execute("RELEASE SAVEPOINT nope")
    assert e.value.diag.message_primary == 'savepoint "nope" does not exist'
    c.execute("ROLLBACK")


def test_savepoint_outside_transaction(conn):
    with pytest.raises(errors.NoActiveSqlTransaction) as e:
        conn.execute("SAVEPOINT sp")
    assert e.value.diag.message_primary == "SAVEPOINT can only be used in transaction blocks"


def test_psycopg_transaction_block_commits(table, connect):
    c = connect(autocommit=True)
    with c.transaction():
        c.execute("UPDATE acct SET balance = balance - 30 WHERE id = 1")
        c.execute("UPDATE acct SET balance = balance + 30 WHERE id = 2")
    assert balances(table) == [(1, 70), (2, 80)]


def test_psycopg_transaction_block_rolls_back_on_exception(table, connect):
    c = connect(autocommit=True)
    with pytest.raises(errors.CheckViolation):
        with c.transaction():
            c.execute("UPDATE acct SET balance = balance + 60 WHERE id = 2")
            c.execute("UPDATE acct SET balance = balance - 200 WHERE id = 1")
    assert balances(table) == [(1, 100), (2, 50)]


def test_nested_transaction_blocks_are_savepoints(table, connect):
    c = connect(autocommit=True)
    with c.transaction():
        c.execute("UPDATE acct SET balance = 11 WHERE id = 1")
        with pytest.raises(errors.UniqueViolation):
            with c.transaction():
                c.execute("UPDATE acct SET balance = 22 WHERE id = 2")
                c.execute("INSERT INTO acct VALUES (2, 0)")
    assert balances(table) == [(1, 11), (2, 50)]


def test_rollback_undoes_ddl(conn, connect):
    c = connect(autocommit=True)
    c.execute("BEGIN")
    c.execute("CREATE TABLE temp_thing (x int)")
    c.execute("INSERT INTO temp_thing VALUES (1)")
    c.execute("ROLLBACK")
    with pytest.raises(errors.UndefinedTable):
        conn.execute("SELECT * FROM temp_thing")


def test_ddl_in_committed_transaction_persists(conn, connect):
    c = connect()
    c.execute("CREATE TABLE kept (x int)")
    c.execute("INSERT INTO kept VALUES (1)")
    c.commit()
    assert conn.execute("SELECT x FROM kept").fetchall() == [(1,)]


def test_begin_twice_warns_and_continues(conn):
    conn.execute("BEGIN")
    cur = conn.execute("BEGIN")
    assert cur.statusmessage == "BEGIN"
    conn.execute("ROLLBACK")


def test_commit_without_transaction_is_a_warning(conn):
    assert conn.execute("COMMIT").statusmessage == "COMMIT"


def test_isolation_level_statements(conn):
    conn.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
    assert conn.execute("SHOW transaction_isolation").fetchone() == ("serializable",)
    conn.execute("COMMIT")
    conn.execute("START TRANSACTION ISOLATION LEVEL READ COMMITTED")
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    assert conn.execute("SHOW transaction_isolation").fetchone() == ("repeatable read",)
    conn.execute("ROLLBACK")


def test_now_is_frozen_within_a_transaction(conn):
    conn.execute("BEGIN")
    first = conn.execute("SELECT now()").fetchone()[0]
    second = conn.execute("SELECT now()").fetchone()[0]
    conn.execute("ROLLBACK")
    assert first == second


def test_sequence_values_are_not_rolled_back(conn, connect):
    conn.execute("CREATE TABLE t (id serial PRIMARY KEY, v int)")
    c = connect()
    c.execute("INSERT INTO t (v) VALUES (1)")
    c.rollback()
    assert conn.execute("INSERT INTO t (v) VALUES (2) RETURNING id").fetchone() == (2,)


def test_currval_is_per_session(conn, connect):
    conn.execute("CREATE SEQUENCE s")
    conn.execute("SELECT nextval('s')")
    other = connect(autocommit=True)
    with pytest.raises(errors.ObjectNotInPrerequisiteState):
        other.execute("SELECT currval('s')")
    assert conn.execute("SELECT currval('s')").fetchone() == (1,)


def test_uncommitted_insert_is_invisible_to_other_connection(table, connect):
    writer = connect()
    writer.execute("INSERT INTO acct VALUES (9, 9)")
    assert table.execute("SELECT count(*) FROM acct WHERE id = 9").fetchone() == (0,)
    writer.commit()
    assert table.execute("SELECT count(*) FROM acct WHERE id = 9").fetchone() == (1,)


def test_executemany_in_transaction(table, connect):
    c = connect()
    with c.cursor() as cur:
        cur.executemany("INSERT INTO acct VALUES (%s, %s)", [(10, 1), (11, 2), (12, 3)])
    c.commit()
    assert table.execute("SELECT sum(balance) FROM acct WHERE id >= 10").fetchone() == (6,)


def test_executemany_failure_rolls_back_with_transaction(table, connect):
    c = connect()
    with pytest.raises(errors.UniqueViolation):
        with c.cursor() as cur:
            cur.executemany("INSERT INTO acct VALUES (%s, %s)", [(20, 1), (1, 2)])
    c.rollback()
    assert table.execute("SELECT count(*) FROM acct").fetchone() == (2,)


def test_statements_in_one_query_string_are_one_transaction(conn):
    conn.execute("CREATE TABLE one (x int PRIMARY KEY)")
    with pytest.raises(errors.UniqueViolation):
        conn.execute("INSERT INTO one VALUES (1); INSERT INTO one VALUES (2); INSERT INTO one VALUES (1)")
    assert conn.execute("SELECT count(*) FROM one").fetchone() == (0,)
    conn.execute("INSERT INTO one VALUES (1); INSERT INTO one VALUES (2)")
    assert conn.execute("SELECT count(*) FROM one").fetchone() == (2,)


def test_pipeline_statements_until_sync_are_one_implicit_transaction(conn):
    conn.execute("CREATE TABLE pp (id int PRIMARY KEY)")
    with conn.pipeline():
        a = conn.execute("INSERT INTO pp VALUES (1) RETURNING id")
        b = conn.execute("INSERT INTO pp VALUES (%s) RETURNING id", (2,))
    assert (a.fetchone(), b.fetchone()) == ((1,), (2,))
    with pytest.raises(errors.UniqueViolation):
        with conn.pipeline():
            conn.execute("INSERT INTO pp VALUES (3)")
            conn.execute("INSERT INTO pp VALUES (1)")
            conn.execute("INSERT INTO pp VALUES (4)")
    assert conn.execute("SELECT id FROM pp ORDER BY id").fetchall() == [(1,), (2,)]


# -- statement_timeout ------------------------------------------------------------------------

def test_statement_timeout_cancels_a_long_query_with_57014(connect):
    conn = connect(autocommit=True)
    conn.execute("SET statement_timeout = 50")
    with pytest.raises(errors.QueryCanceled) as err:
        conn.execute("SELECT count(*) FROM generate_series(1, 500000000)")
    assert err.value.sqlstate == "57014"
    assert str(err.value) == "canceling statement due to statement timeout"
    conn.execute("SET statement_timeout = 0")
    assert conn.execute("SELECT 1").fetchone() == (1,)


def test_a_write_cancelled_by_statement_timeout_leaves_no_rows(table, connect):
    c = connect(autocommit=True)
    c.execute("SET statement_timeout = '50ms'")
    with pytest.raises(errors.QueryCanceled):
        c.execute("INSERT INTO acct SELECT g + 10, 1 FROM generate_series(1, 500000000) g")
    assert balances(table) == [(1, 100), (2, 50)]


def test_statement_timeout_in_a_transaction_fails_the_block(table, connect):
    c = connect()
    c.execute("SET statement_timeout = 50")
    c.execute("UPDATE acct SET balance = 0 WHERE id = 1")
    with pytest.raises(errors.QueryCanceled):
        c.execute("SELECT count(*) FROM generate_series(1, 500000000)")
    with pytest.raises(errors.InFailedSqlTransaction):
        c.execute("SELECT 1")
    c.rollback()
    assert balances(table) == [(1, 100), (2, 50)]


@pytest.mark.parametrize("value, shown", [("1500", "1500ms"), ("'2s'", "2s"), ("'1min'", "1min"), ("0", "0")])
def test_statement_timeout_is_shown_in_its_largest_unit(connect, value, shown):
    conn = connect(autocommit=True)
    conn.execute(f"SET statement_timeout = {value}")
    assert conn.execute("SHOW statement_timeout").fetchone() == (shown,)


def test_an_invalid_statement_timeout_is_22023(conn):
    with pytest.raises(errors.InvalidParameterValue):
        conn.execute("SET statement_timeout = 'soon'")


# -- lock waits: lock_timeout and statement_timeout -----------------------------------------------

@pytest.fixture
def locked_row(table, connect):
    """Row 1 of acct locked by another connection's open transaction (SELECT ... FOR UPDATE)."""
    holder = connect()
    holder.execute("SELECT * FROM acct WHERE id = 1 FOR UPDATE")
    yield holder
    holder.rollback()


LOCK_TIMEOUT = (errors.LockNotAvailable, "55P03", "canceling statement due to lock timeout")
STATEMENT_TIMEOUT = (errors.QueryCanceled, "57014", "canceling statement due to statement timeout")


@pytest.mark.parametrize("settings, expected", [
    ({"lock_timeout": "'100ms'"}, LOCK_TIMEOUT),
    ({"statement_timeout": "'100ms'"}, STATEMENT_TIMEOUT),
    ({"lock_timeout": "'100ms'", "statement_timeout": "'5s'"}, LOCK_TIMEOUT),
    ({"lock_timeout": "'5s'", "statement_timeout": "'100ms'"}, STATEMENT_TIMEOUT),
], ids=["lock_timeout", "statement_timeout", "lock_timeout_shorter", "statement_timeout_shorter"])
@pytest.mark.parametrize("blocked", ["UPDATE acct SET balance = 0 WHERE id = 1",
                                     "SELECT id FROM acct WHERE id = 1 FOR UPDATE"], ids=["update", "for_update"])
def test_a_wait_for_a_locked_row_is_cancelled_by_the_shorter_timeout(locked_row, connect, settings, expected, blocked):
    exc, sqlstate, message = expected
    c = connect(autocommit=True)
    for name, value in settings.items():
        c.execute(f"SET {name} = {value}")
    with pytest.raises(exc) as err:
        c.execute(blocked)
    # PostgreSQL adds a CONTEXT naming the tuple's physical position, which dotdo has no counterpart for
    assert (err.value.sqlstate, err.value.diag.message_primary) == (sqlstate, message)
    locked_row.rollback()  # the lock is gone: the same statement runs
    assert c.execute(blocked).rowcount == 1


def test_lock_timeout_is_shown_in_its_largest_unit(conn):
    conn.execute("SET lock_timeout = 2000")
    assert conn.execute("SHOW lock_timeout").fetchone() == ("2s",)
    conn.execute("SET lock_timeout = 0")
    assert conn.execute("SHOW lock_timeout").fetchone() == ("0",)


def test_set_local_ends_with_the_block_and_a_rolled_back_set_is_undone(connect):
    # the migration idiom: SET LOCAL lock_timeout inside the block must not outlive it
    c = connect(autocommit=True)
    shown = []

    def show() -> None:
        shown.append(c.execute("SHOW lock_timeout").fetchone()[0])
    for block in (["SET LOCAL lock_timeout = '2s'"], ["SET lock_timeout = '3s'", "SET LOCAL lock_timeout = '4s'"]):
        c.execute("BEGIN")
        for sql in block:
            c.execute(sql)
        show()
        c.execute("COMMIT")
        show()
    c.execute("BEGIN")
    c.execute("SET lock_timeout = '5s'")
    c.execute("ROLLBACK")
    show()
    c.execute("BEGIN")
    c.execute("SAVEPOINT sp")
    c.execute("SET lock_timeout = '6s'")
    c.execute("ROLLBACK TO SAVEPOINT sp")
    show()
    c.execute("COMMIT")
    assert shown == ["2s", "0", "4s", "3s", "3s", "3s"]


def test_a_lock_timeout_in_a_transaction_fails_the_block(locked_row, connect):
    c = connect()
    c.execute("SET lock_timeout = 100")
    assert c.execute("SELECT balance FROM acct WHERE id = 2").fetchone() == (50,)
    with pytest.raises(errors.LockNotAvailable):
        c.execute("UPDATE acct SET balance = 0 WHERE id = 1")
    with pytest.raises(errors.InFailedSqlTransaction):
        c.execute("SELECT 1")
    c.rollback()
    locked_row.rollback()
    assert balances(locked_row) == [(1, 100), (2, 50)]
