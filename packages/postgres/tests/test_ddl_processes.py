"""DDL another process commits to the same data directory is seen by this one's next statement:
its catalog (the tables' columns, constraints and indexes the plans are made from) is reloaded,
so no plan of the old definition runs against the new one."""
from __future__ import annotations

import subprocess
import sys

import psycopg
import pytest

import dotdo_postgres


def elsewhere(data: str, *statements: str) -> None:
    subprocess.run([sys.executable, "-c",
                    "import sys, dotdo_postgres\n"
                    "with dotdo_postgres.connect(data=sys.argv[1], autocommit=True) as c:\n"
                    "    for s in sys.argv[2:]:\n"
                    "        c.execute(s)\n", data, *statements], check=True, timeout=60)


@pytest.fixture
def conn(tmp_path):
    conn = dotdo_postgres.connect(data=str(tmp_path), autocommit=True)
    conn.execute("CREATE TABLE t (a int, b text)")
    conn.execute("INSERT INTO t VALUES (1, 'x')")
    assert conn.execute("SELECT * FROM t WHERE a = %s", (1,)).fetchall() == [(1, "x")]
    yield conn
    conn.close()


def test_a_table_another_process_made_again_is_read_with_its_new_columns(conn, tmp_path):
    elsewhere(str(tmp_path), "DROP TABLE t", "CREATE TABLE t (a int, c int, b text)", "INSERT INTO t VALUES (1, 5, 'y')")
    cur = conn.execute("SELECT * FROM t WHERE a = %s", (1,))
    assert cur.fetchall() == [(1, 5, "y")]
    assert [d.name for d in cur.description] == ["a", "c", "b"]


def test_a_column_another_process_added_is_there_with_its_default(conn, tmp_path):
    elsewhere(str(tmp_path), "ALTER TABLE t ADD COLUMN z int DEFAULT 7")
    assert conn.execute("SELECT * FROM t").fetchall() == [(1, "x", 7)]
    conn.execute("INSERT INTO t (a) VALUES (2)")
    assert conn.execute("SELECT a, z FROM t ORDER BY a").fetchall() == [(1, 7), (2, 7)]


def test_a_unique_index_another_process_made_binds_a_prepared_insert(conn, tmp_path):
    conn.execute("INSERT INTO t VALUES (%s, %s)", (2, "y"), prepare=True)
    elsewhere(str(tmp_path), "DELETE FROM t", "CREATE UNIQUE INDEX t_b ON t (b)")
    conn.execute("INSERT INTO t VALUES (%s, %s)", (3, "same"), prepare=True)
    with pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute("INSERT INTO t VALUES (%s, %s)", (4, "same"), prepare=True)


def test_a_table_another_process_dropped_is_gone(conn, tmp_path):
    elsewhere(str(tmp_path), "DROP TABLE t")
    with pytest.raises(psycopg.errors.UndefinedTable):
        conn.execute("SELECT * FROM t")


def test_a_database_another_process_created_is_listed(conn, tmp_path):
    names = "SELECT datname FROM pg_database WHERE datname = 'made_elsewhere'"
    assert conn.execute(names).fetchall() == []
    elsewhere(str(tmp_path), "CREATE DATABASE made_elsewhere")
    assert conn.execute(names).fetchall() == [("made_elsewhere",)]
