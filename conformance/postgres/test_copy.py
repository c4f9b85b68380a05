"""COPY through psycopg's copy API: FROM STDIN (text and CSV) and TO STDOUT, with NULLs,
escapes, quoting, headers, and errors that leave no rows behind."""
from __future__ import annotations

import datetime
from decimal import Decimal

import psycopg
import pytest


@pytest.fixture
def cp(conn):
    conn.execute("CREATE TABLE cp (id int PRIMARY KEY, name text, price numeric(6,2), at date)")
    return conn


ROWS = [(1, "a\tb", Decimal("1.50"), datetime.date(2024, 1, 2)), (2, None, None, None),
        (3, "x\\y\nz", 2, datetime.date(2024, 3, 4))]


def load(conn) -> psycopg.Cursor:
    cur = conn.cursor()
    with cur.copy("COPY cp (id, name, price, at) FROM STDIN") as copy:
        for row in ROWS:
            copy.write_row(row)
    return cur


def test_copy_from_stdin_rows(cp):
    cur = load(cp)
    assert (cur.statusmessage, cur.rowcount) == ("COPY 3", 3)
    assert cp.execute("SELECT * FROM cp ORDER BY id").fetchall() == [
        (1, "a\tb", Decimal("1.50"), datetime.date(2024, 1, 2)), (2, None, None, None),
        (3, "x\\y\nz", Decimal("2.00"), datetime.date(2024, 3, 4))]


def test_copy_to_stdout_rows(cp):
    load(cp)
    with cp.cursor().copy("COPY cp TO STDOUT") as copy:
        assert list(copy.rows()) == [("1", "a\tb", "1.50", "2024-01-02"), ("2", None, None, None),
                                     ("3", "x\\y\nz", "2.00", "2024-03-04")]


def test_copy_query_to_stdout_csv_with_header(cp):
    load(cp)
    with cp.cursor().copy("COPY (SELECT id, name FROM cp ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
        assert b"".join(bytes(b) for b in copy) == b'id,name\n1,a\tb\n2,\n3,"x\\y\nz"\n'


def test_copy_from_stdin_csv_quoting_and_nulls(cp):
    with cp.cursor().copy("COPY cp (id, name) FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(b'10,"hello, world"\n11,\n12,""\n')
    assert cp.execute("SELECT id, name FROM cp ORDER BY id").fetchall() == [(10, "hello, world"), (11, None), (12, "")]


def test_copy_error_inserts_nothing(cp):
    with pytest.raises(psycopg.errors.UniqueViolation):
        with cp.cursor().copy("COPY cp (id, name) FROM STDIN") as copy:
            copy.write_row((20, "ok"))
            copy.write_row((20, "dup"))
    assert cp.execute("SELECT count(*) FROM cp").fetchone() == (0,)


def test_copy_bad_value(cp):
    with pytest.raises(psycopg.errors.InvalidTextRepresentation) as e:
        with cp.cursor().copy("COPY cp (id) FROM STDIN") as copy:
            copy.write(b"abc\n")
    assert e.value.diag.message_primary == 'invalid input syntax for type integer: "abc"'


def test_copy_missing_column_data(cp):
    with pytest.raises(psycopg.errors.BadCopyFileFormat) as e:
        with cp.cursor().copy("COPY cp (id, name) FROM STDIN") as copy:
            copy.write(b"1\n")
    assert e.value.diag.message_primary == 'missing data for column "name"'


def test_copy_into_unknown_table(conn):
    with pytest.raises(psycopg.errors.UndefinedTable):
        with conn.cursor().copy("COPY nope FROM STDIN") as copy:
            copy.write(b"1\n")


def test_copy_many_rows_then_query(cp):
    with cp.cursor().copy("COPY cp (id, name) FROM STDIN") as copy:
        for i in range(2000):
            copy.write_row((i, f"n{i}"))
    assert cp.execute("SELECT count(*), max(id) FROM cp").fetchone() == (2000, 1999)


def test_psycopg_binary_copy_in(conn):
    conn.execute("CREATE TABLE bin (id int, name text, n numeric, d date)")
    with conn.cursor() as cur:
        with cur.copy("COPY bin (id, name, n, d) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "text", "numeric", "date"])
            copy.write_row((1, "a", Decimal("2.5"), datetime.date(2024, 5, 6)))
            copy.write_row((2, None, None, None))
        assert cur.rowcount == 2
    assert conn.execute("SELECT * FROM bin ORDER BY id").fetchall() == [
        (1, "a", Decimal("2.5"), datetime.date(2024, 5, 6)), (2, None, None, None)]


def test_binary_copy_with_a_bad_signature_is_refused(conn):
    conn.execute("CREATE TABLE bin (id int)")
    with pytest.raises(psycopg.errors.BadCopyFileFormat, match="COPY file signature not recognized"):
        with conn.cursor() as cur:
            with cur.copy("COPY bin FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(b"not a binary copy stream")


@pytest.mark.parametrize("statement", [
    "COPY t TO STDOUT WITH CSV HEADER",
    "COPY t TO STDOUT CSV HEADER DELIMITER AS ';'",
    "COPY t TO STDOUT WITH DELIMITER ',' NULL AS 'none'",
])
def test_legacy_copy_options(conn, statement):
    conn.execute("CREATE TABLE t (id int, name text)")
    conn.execute("INSERT INTO t VALUES (1, 'a'), (2, NULL)")
    with conn.cursor() as cur:
        with cur.copy(statement) as copy:
            data = b"".join(bytes(b) for b in copy)
    assert data.decode() == {
        "COPY t TO STDOUT WITH CSV HEADER": "id,name\n1,a\n2,\n",
        "COPY t TO STDOUT CSV HEADER DELIMITER AS ';'": "id;name\n1;a\n2;\n",
        "COPY t TO STDOUT WITH DELIMITER ',' NULL AS 'none'": "1,a\n2,none\n",
    }[statement]
