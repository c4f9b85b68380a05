"""COMMENT ON across several statements, and what psql, SQLAlchemy and a rolled-back transaction
see of it. Single-statement outcomes are cases in cases.py (the comment_* ones)."""
from __future__ import annotations

import pytest

from .test_psql import psql
from .test_schemas import one


@pytest.fixture
def noted(conn):
    """A table and a view with comments on them and on a column."""
    for sql in ["CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL, at date)",
                "CREATE VIEW recent AS SELECT id, body FROM notes",
                "COMMENT ON TABLE notes IS 'what people wrote'", "COMMENT ON COLUMN notes.body IS 'the text'",
                "COMMENT ON VIEW recent IS 'the latest notes'"]:
        conn.execute(sql)
    return conn


def _cells(text: str, leave_out: str) -> list[list[str]]:
    """psql's aligned output as rows of cells (header first) without the column `leave_out`: the
    Size column's figures differ (SQLite's pages are not PostgreSQL's), and with them its width. A
    line that continues the left-out column's multi-line value goes with it."""
    rows = [[cell.strip() for cell in line.split("|")] for line in text.splitlines() if "|" in line]
    drop = rows[0].index(leave_out)
    return [kept for r in rows if any(kept := r[:drop] + r[drop + 1:])]


def test_psql_describe_plus_shows_column_descriptions(noted, dsn):
    assert psql(dsn, r"\d+ notes") == '''\
                                          Table "public.notes"
 Column |  Type   | Collation | Nullable | Default | Storage  | Compression | Stats target | Description 
--------+---------+-----------+----------+---------+----------+-------------+--------------+-------------
 id     | integer |           | not null |         | plain    |             |              | 
 body   | text    |           | not null |         | extended |             |              | the text
 at     | date    |           |          |         | plain    |             |              | 
Indexes:
    "notes_pkey" PRIMARY KEY, btree (id)
Access method: heap

'''


def test_psql_list_tables_plus_shows_table_descriptions(noted, dsn):
    assert _cells(psql(dsn, r"\dt+"), "Size") == [
        ["Schema", "Name", "Type", "Owner", "Persistence", "Access method", "Description"],
        ["public", "notes", "table", "postgres", "permanent", "heap", "what people wrote"]]
    assert _cells(psql(dsn, r"\dv+"), "Size") == [
        ["Schema", "Name", "Type", "Owner", "Persistence", "Description"],
        ["public", "recent", "view", "postgres", "permanent", "the latest notes"]]


def test_comment_rolls_back_with_the_transaction(noted, connect):
    c = connect()
    c.execute("COMMENT ON TABLE notes IS 'changed'")
    c.execute("COMMENT ON COLUMN notes.body IS NULL")
    c.execute("COMMENT ON COLUMN notes.at IS 'when'")
    assert one(c, "SELECT obj_description('notes'::regclass, 'pg_class'), col_description('notes'::regclass, 2), "
                  "col_description('notes'::regclass, 3)") == ("changed", None, "when")
    c.rollback()
    assert one(c, "SELECT obj_description('notes'::regclass, 'pg_class'), col_description('notes'::regclass, 2), "
                  "col_description('notes'::regclass, 3)") == ("what people wrote", "the text", None)
    c.execute("COMMENT ON TABLE notes IS 'committed'")
    c.commit()
    assert one(noted, "SELECT obj_description('notes'::regclass, 'pg_class')") == ("committed",)


def test_comment_on_the_current_database(conn):
    name = one(conn, "SELECT current_database()")[0]
    try:
        conn.execute(f'COMMENT ON DATABASE "{name}" IS \'the conformance database\'')
        assert one(conn, "SELECT shobj_description(oid, 'pg_database'), obj_description(oid, 'pg_database') "
                         "FROM pg_database WHERE datname = current_database()") == ("the conformance database", None)
    finally:
        conn.execute(f'COMMENT ON DATABASE "{name}" IS NULL')
    assert one(conn, "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                     "WHERE datname = current_database()") == (None,)


def test_comment_on_public_schema_replaces_and_removes_the_built_in_one(conn):
    try:
        conn.execute("COMMENT ON SCHEMA public IS 'mine'")
        assert one(conn, "SELECT obj_description(2200, 'pg_namespace')") == ("mine",)
        conn.execute("COMMENT ON SCHEMA public IS NULL")
        assert one(conn, "SELECT obj_description(2200, 'pg_namespace'), "
                         "(SELECT count(*) FROM pg_description WHERE objoid = 2200)") == (None, 0)
    finally:
        conn.execute("COMMENT ON SCHEMA public IS 'standard public schema'")
    assert one(conn, "SELECT obj_description(2200, 'pg_namespace')") == ("standard public schema",)


def test_sqlalchemy_reflects_and_creates_comments(noted, target):
    sa = pytest.importorskip("sqlalchemy")
    from .conftest import sqlalchemy_engine
    engine = sqlalchemy_engine(target)
    try:
        insp = sa.inspect(engine)
        assert insp.get_table_comment("notes") == {"text": "what people wrote"}
        assert [(c["name"], c.get("comment")) for c in insp.get_columns("notes")] == \
            [("id", None), ("body", "the text"), ("at", None)]
        md = sa.MetaData()
        sa.Table("tags", md, sa.Column("id", sa.Integer, primary_key=True, comment="the key"),
                 sa.Column("label", sa.String(20), comment="shown to people"), comment="labels on notes")
        md.create_all(engine)
        insp = sa.inspect(engine)
        assert insp.get_table_comment("tags") == {"text": "labels on notes"}
        assert [(c["name"], c.get("comment")) for c in insp.get_columns("tags")] == \
            [("id", "the key"), ("label", "shown to people")]
        md.drop_all(engine)
    finally:
        engine.dispose()


def test_psql_lists_schema_and_type_descriptions(conn, dsn):
    for sql in ["CREATE SCHEMA app", "COMMENT ON SCHEMA app IS 'the app'", "CREATE TYPE mood AS ENUM ('ok')",
                "COMMENT ON TYPE mood IS 'how it went'"]:
        conn.execute(sql)
    assert _cells(psql(dsn, r"\dn+"), "Access privileges") == [
        ["Name", "Owner", "Description"], ["app", "postgres", "the app"],
        ["public", "pg_database_owner", "standard public schema"]]
    assert _cells(psql(dsn, r"\dT mood"), "Schema") == [["Name", "Description"], ["mood", "how it went"]]


def test_psql_lists_constraint_descriptions(noted, dsn):
    noted.execute("COMMENT ON CONSTRAINT notes_pkey ON notes IS 'one note per id'")
    assert psql(dsn, r"\dd") == '''\
                   Object descriptions
 Schema |    Name    |      Object      |   Description   
--------+------------+------------------+-----------------
 public | notes_pkey | table constraint | one note per id
(1 row)

'''
