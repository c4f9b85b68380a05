"""Data-modifying statements in WITH: moving rows between tables in one statement, returning what
changed, and all-or-nothing when any part fails."""
from __future__ import annotations

from decimal import Decimal

import pytest
from psycopg import errors


@pytest.fixture
def tasks(conn):
    conn.execute("CREATE TABLE tasks (id serial PRIMARY KEY, title text NOT NULL, done boolean, cost numeric(6,2))")
    conn.execute("CREATE TABLE archive (id int PRIMARY KEY, title text, cost numeric(6,2))")
    conn.execute("INSERT INTO tasks (title, done, cost) VALUES ('a', true, 1.50), ('b', false, 2), ('c', true, 3.25)")
    return conn


def rows(conn, table: str) -> list[tuple]:
    return conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def test_delete_returning_moves_rows_into_another_table(tasks):
    cur = tasks.execute("WITH moved AS (DELETE FROM tasks WHERE done RETURNING id, title, cost) "
                        "INSERT INTO archive SELECT * FROM moved")
    assert cur.statusmessage == "INSERT 0 2"
    assert rows(tasks, "archive") == [(1, "a", Decimal("1.50")), (3, "c", Decimal("3.25"))]
    assert rows(tasks, "tasks") == [(2, "b", False, Decimal("2.00"))]


def test_insert_returning_feeds_a_select_with_parameters(tasks):
    got = tasks.execute("WITH n AS (INSERT INTO tasks (title, done, cost) VALUES (%s, false, %s) RETURNING id, cost) "
                        "SELECT id, cost * 2 AS double FROM n", ("d", Decimal("4.5"))).fetchall()
    assert got == [(4, Decimal("9.00"))]


def test_update_returning_is_read_by_the_main_query(tasks):
    got = tasks.execute("WITH u AS (UPDATE tasks SET cost = cost + 1 WHERE NOT done RETURNING title, cost) "
                        "SELECT title, cost FROM u ORDER BY title").fetchall()
    assert got == [("b", Decimal("3.00"))]


def test_a_failing_main_statement_undoes_the_with_statement(tasks):
    tasks.execute("INSERT INTO archive VALUES (3, 'taken', 0)")
    with pytest.raises(errors.UniqueViolation):
        tasks.execute("WITH moved AS (DELETE FROM tasks WHERE done RETURNING id, title, cost) "
                      "INSERT INTO archive SELECT * FROM moved")
    assert [r[0] for r in rows(tasks, "tasks")] == [1, 2, 3]
    assert rows(tasks, "archive") == [(3, "taken", Decimal("0.00"))]


def test_a_data_modifying_with_below_the_top_level_is_refused(tasks):
    with pytest.raises(errors.FeatureNotSupported):
        tasks.execute("SELECT * FROM (WITH d AS (DELETE FROM tasks RETURNING id) SELECT * FROM d) s")
    assert len(rows(tasks, "tasks")) == 3
