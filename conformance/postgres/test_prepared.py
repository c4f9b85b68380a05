"""Prepared statements in their steady state: psycopg prepares a query on its sixth run (or at
once with prepare=True) and from then on sends only Bind/Describe/Execute/Sync. Each answer
must be the one a fresh statement would give: current data, parameters, errors, transaction
state, result formats."""
from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

Q = "SELECT id, name, qty FROM items WHERE id = %s"


@pytest.fixture
def items(conn):
    conn.execute("CREATE TABLE items (id int PRIMARY KEY, name text, qty int NOT NULL)")
    conn.execute("INSERT INTO items VALUES (1, 'one', 10), (2, NULL, 20), (3, 'three', 30)")
    return conn


def test_prepared_select_answers_each_parameter(items):
    cur = items.cursor()
    got = [cur.execute(Q, (i % 4,), prepare=True).fetchall() for i in range(12)]
    assert got[:4] == [[], [(1, "one", 10)], [(2, None, 20)], [(3, "three", 30)]]
    assert got[4:8] == got[:4] and got[8:] == got[:4]


def test_prepared_select_with_null_parameter_finds_nothing(items):
    cur = items.cursor()
    for _ in range(7):
        assert cur.execute(Q, (None,), prepare=True).fetchall() == []


def test_prepared_select_sees_other_connections_commits(items, connect):
    cur = items.cursor()
    for _ in range(6):
        assert cur.execute(Q, (1,), prepare=True).fetchone() == (1, "one", 10)
    other = connect(autocommit=True)
    other.execute("UPDATE items SET qty = 11 WHERE id = 1")
    assert cur.execute(Q, (1,), prepare=True).fetchone() == (1, "one", 11)


def test_prepared_select_in_a_transaction_sees_its_own_writes(items, connect):
    c = connect()
    cur = c.cursor()
    for _ in range(6):
        assert cur.execute(Q, (2,), prepare=True).fetchone() == (2, None, 20)
    c.execute("UPDATE items SET name = 'two' WHERE id = 2")
    assert cur.execute(Q, (2,), prepare=True).fetchone() == (2, "two", 20)
    c.rollback()
    assert cur.execute(Q, (2,), prepare=True).fetchone() == (2, None, 20)


def test_prepared_select_error_is_reported_and_the_connection_carries_on(items):
    cur = items.cursor()
    q = "SELECT qty / %s FROM items WHERE id = 1"
    for _ in range(6):
        assert cur.execute(q, (2,), prepare=True).fetchone() == (5,)
    with pytest.raises(errors.DivisionByZero):
        cur.execute(q, (0,), prepare=True)
    assert cur.execute(q, (5,), prepare=True).fetchone() == (2,)


def test_prepared_select_error_aborts_the_transaction(items, connect):
    c = connect()
    cur = c.cursor()
    q = "SELECT qty / %s FROM items WHERE id = 1"
    for _ in range(6):
        cur.execute(q, (1,), prepare=True)
    with pytest.raises(errors.DivisionByZero):
        cur.execute(q, (0,), prepare=True)
    assert c.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
    with pytest.raises(errors.InFailedSqlTransaction):
        cur.execute(q, (1,), prepare=True)
    c.rollback()
    assert cur.execute(q, (1,), prepare=True).fetchone() == (10,)


def test_prepared_select_with_binary_results(items):
    cur = items.cursor(binary=True)
    for _ in range(8):
        assert cur.execute(Q, (3,), prepare=True).fetchone() == (3, "three", 30)


def test_prepared_select_star_after_a_column_is_added_returns_it(items):
    cur = items.cursor()
    q = "SELECT * FROM items WHERE id = %s"
    for _ in range(6):
        assert cur.execute(q, (1,), prepare=True).fetchone() == (1, "one", 10)
    items.execute("ALTER TABLE items ADD COLUMN note text")
    assert cur.execute(q, (1,), prepare=True).fetchone() == (1, "one", 10, None)


@pytest.mark.parametrize("between", ["CREATE INDEX items_qty ON items (qty)", "DEALLOCATE ALL"])
def test_prepared_select_still_answers_after(items, between):
    cur = items.cursor()
    for _ in range(6):
        cur.execute(Q, (1,), prepare=True)
    items.execute(between)  # a plan invalidated; psycopg's prepared statements dropped
    assert cur.execute(Q, (3,), prepare=True).fetchone() == (3, "three", 30)


INSERT = "INSERT INTO items (id, name, qty) VALUES (%s, %s, %s)"
BUMP = "UPDATE items SET qty = qty + %s WHERE id = %s"


def test_prepared_autocommit_inserts_are_each_committed_at_once(items, connect):
    cur = items.cursor()
    other = connect(autocommit=True)
    for i in range(10, 20):
        cur.execute(INSERT, (i, f"n{i}", i), prepare=True)
        assert cur.rowcount == 1
        assert other.execute("SELECT count(*) FROM items WHERE id = %s", (i,)).fetchone() == (1,)
    assert items.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_prepared_update_reports_how_many_rows_it_changed(items):
    cur = items.cursor()
    counts = [cur.execute(BUMP, (1, i % 5), prepare=True).rowcount for i in range(10)]
    assert counts == [0, 1, 1, 1, 0] * 2
    assert items.execute("SELECT qty FROM items ORDER BY id").fetchall() == [(12,), (22,), (32,)]


@pytest.mark.parametrize("bad, error", [
    ((1, "dup", 1), errors.UniqueViolation),
    ((99, "no qty", None), errors.NotNullViolation),
])
def test_prepared_insert_that_fails_writes_nothing_and_the_connection_carries_on(items, bad, error):
    cur = items.cursor()
    for i in range(10, 17):
        cur.execute(INSERT, (i, "ok", i), prepare=True)
    with pytest.raises(error):
        cur.execute(INSERT, bad, prepare=True)
    assert items.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    cur.execute(INSERT, (17, "ok", 17), prepare=True)
    assert items.execute("SELECT count(*), sum(qty) FROM items").fetchone() == (11, 60 + sum(range(10, 18)))


def test_prepared_inserts_in_a_transaction_are_undone_by_rollback(items, connect):
    c = connect()
    cur = c.cursor()
    for i in range(10, 18):
        cur.execute(INSERT, (i, "tx", i), prepare=True)
    c.rollback()
    assert items.execute("SELECT count(*) FROM items").fetchone() == (3,)


def test_prepared_autocommit_update_waits_for_another_transaction_on_its_row(items, connect):
    import threading

    cur = items.cursor()
    for _ in range(6):
        cur.execute(BUMP, (1, 1), prepare=True)
    holder = connect()
    holder.execute("UPDATE items SET qty = qty + 100 WHERE id = 1")
    done = threading.Event()

    def bump() -> None:
        cur.execute(BUMP, (1, 1), prepare=True)
        done.set()

    t = threading.Thread(target=bump)
    t.start()
    assert not done.wait(0.3)  # blocked behind the open transaction
    holder.commit()
    t.join(10)
    assert done.is_set()
    assert items.execute("SELECT qty FROM items WHERE id = 1").fetchone() == (117,)
