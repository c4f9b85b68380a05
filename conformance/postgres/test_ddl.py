"""Schema changes after the fact, as migrations (Alembic, hand-written) make them: constraints
added to tables that already hold rows, validated against those rows, then enforced."""
from __future__ import annotations

import psycopg

STEPS = [
    ("create table p (id int primary key)", ("CREATE TABLE", None)),
    ("create table c (id int, pid int, n int)", ("CREATE TABLE", None)),
    ("insert into p values (1)", ("INSERT 0 1", None)),
    ("insert into c values (1, 1, 5), (2, 1, 5)", ("INSERT 0 2", None)),
    ("alter table c add constraint c_pid_fkey foreign key (pid) references p(id) on delete cascade", ("ALTER TABLE", None)),
    ("insert into c values (3, 9, 1)", ("23503", 'insert or update on table "c" violates foreign key constraint "c_pid_fkey"',
                                        'Key (pid)=(9) is not present in table "p".')),
    ("alter table c add constraint c_n_pos check (n > 0)", ("ALTER TABLE", None)),
    ("insert into c values (4, 1, -1)", ("23514", 'new row for relation "c" violates check constraint "c_n_pos"',
                                         "Failing row contains (4, 1, -1).")),
    ("alter table c add constraint c_n_uq unique (n)", ("23505", 'could not create unique index "c_n_uq"',
                                                        "Key (n)=(5) is duplicated.")),
    ("alter table c add constraint c_id_uq unique (id)", ("ALTER TABLE", None)),
    ("insert into c values (1, 1, 7)", ("23505", 'duplicate key value violates unique constraint "c_id_uq"',
                                        "Key (id)=(1) already exists.")),
    ("alter table c drop constraint c_id_uq", ("ALTER TABLE", None)),
    ("insert into c values (1, 1, 7)", ("INSERT 0 1", None)),
    ("alter table c drop constraint c_n_pos", ("ALTER TABLE", None)),
    ("insert into c values (5, 1, -1)", ("INSERT 0 1", None)),
    ("delete from p", ("DELETE 1", None)),
    ("select count(*) from c", ("SELECT 1", [(0,)])),
    ("alter table c drop constraint nope", ("42704", 'constraint "nope" of relation "c" does not exist', None)),
    ("alter table c add constraint bad check (n > 100)", ("ALTER TABLE", None)),
    ("alter table c add constraint bad2 check (n > 100)", ("ALTER TABLE", None)),
]


def test_constraints_added_and_dropped_after_creation(conn):
    for sql, expected in STEPS:
        try:
            cur = conn.execute(sql)
            got = (cur.statusmessage, cur.fetchall() if cur.description else None)
        except psycopg.Error as e:
            got = (e.sqlstate, e.diag.message_primary, e.diag.message_detail)
        assert got == expected, sql


def test_existing_rows_are_validated_by_new_check(conn):
    conn.execute("create table v (n int)")
    conn.execute("insert into v values (1), (-1)")
    try:
        conn.execute("alter table v add constraint v_pos check (n > 0)")
        raise AssertionError("a violated check constraint was added")
    except psycopg.errors.CheckViolation as e:
        assert e.diag.message_primary == 'check constraint "v_pos" of relation "v" is violated by some row'
    conn.execute("insert into v values (-5)")  # no constraint was left behind


def test_existing_rows_are_validated_by_new_foreign_key(conn):
    conn.execute("create table pp (id int primary key)")
    conn.execute("create table cc (pid int)")
    conn.execute("insert into cc values (7)")
    try:
        conn.execute("alter table cc add foreign key (pid) references pp (id)")
        raise AssertionError("a violated foreign key was added")
    except psycopg.errors.ForeignKeyViolation as e:
        assert e.diag.message_detail == 'Key (pid)=(7) is not present in table "pp".'
        assert e.diag.constraint_name == "cc_pid_fkey"
