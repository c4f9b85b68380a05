"""The engine without the wire: translation cache, statement splitting, value coercion,
numeric arithmetic and the failed-transaction state."""
from __future__ import annotations

from decimal import Decimal

import pytest

from dotdo_core.store import Store
from dotdo_postgres.engine import Database, PgError, Session
from dotdo_postgres.engine.functions import div_numeric, num_op
from dotdo_postgres.engine.split import split_statements
from dotdo_postgres.engine.types import ColType, coerce, fmt_float, jsonb_normal, text_out


@pytest.fixture
def db(tmp_path):
    store = Store(str(tmp_path / "data"))
    d = Database(store, "app")
    yield d
    d.close()
    store.close()


def run(db: Database, session: Session, sql: str, params=()):
    out = None
    for plan in db.plans(sql):
        out = session.execute(plan, params)
    return out


def test_translation_cache_hits_repeated_statements(db):
    s = Session(db, "postgres", 1)
    run(db, s, "CREATE TABLE t (id serial PRIMARY KEY, v text)")
    misses = db.cache_misses
    for i in range(10):
        run(db, s, "INSERT INTO t (v) VALUES ($1)", (f"x{i}",))
    assert db.cache_misses == misses + 1 and db.cache_hits >= 9


def test_ddl_invalidates_cached_plans(db):
    s = Session(db, "postgres", 1)
    run(db, s, "CREATE TABLE t (a int)")
    assert run(db, s, "SELECT * FROM t").columns == [("a", ColType("int4"))]
    run(db, s, "ALTER TABLE t ADD COLUMN b text")
    assert [c for c, _ in run(db, s, "SELECT * FROM t").columns] == ["a", "b"]


def test_split_statements_respects_quotes_comments_and_dollar_quotes():
    sql = "SELECT 'a;b'; -- c;d\nSELECT \"x;y\" FROM t; SELECT $$;$$; /* ; */ SELECT 1;"
    assert split_statements(sql) == ["SELECT 'a;b'", "-- c;d\nSELECT \"x;y\" FROM t", "SELECT $$;$$",
                                     "/* ; */ SELECT 1"]


@pytest.mark.parametrize("spec,value,expected", [
    ("int4", "42", 42), ("int2", 7, 7), ("numeric(5,2)", "1.005", "1.01"), ("numeric", 2.5, "2.5"),
    ("bool", "yes", 1), ("bool", "off", 0), ("varchar(3)", "abc  ", "abc"), ("bpchar(3)", "a", "a  "),
    ("date", "2024-02-29", "2024-02-29"), ("timestamptz", "2024-01-01 12:00:00+02", "2024-01-01 10:00:00+00"),
    ("uuid", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
    ("jsonb", '{"b": 1, "a": 2, "a": 3}', '{"a": 3, "b": 1}'), ("bytea", "\\x0102", b"\x01\x02"),
])
def test_coerce_into_storage(spec, value, expected):
    from dotdo_postgres.engine.types import parse_spec
    assert coerce(parse_spec(spec), value) == expected


@pytest.mark.parametrize("spec,value,sqlstate", [
    ("int4", "abc", "22P02"), ("int4", 2**31, "22003"), ("int2", "40000", "22003"), ("numeric(3,1)", "100", "22003"),
    ("varchar(2)", "abc", "22001"), ("bool", "maybe", "22P02"), ("date", "2024-13-01", "22008"),
    ("uuid", "nope", "22P02"), ("jsonb", "{", "22P02"),
])
def test_coerce_errors_carry_sqlstate(spec, value, sqlstate):
    from dotdo_postgres.engine.types import parse_spec
    with pytest.raises(PgError) as e:
        coerce(parse_spec(spec), value)
    assert e.value.sqlstate == sqlstate


def test_numeric_is_exact():
    assert num_op("+", "0.1", "0.2") == "0.3"
    assert num_op("*", "1.25", "2.5") == "3.125"
    assert div_numeric(Decimal(1), Decimal(3)) == Decimal("0.33333333333333333333")
    with pytest.raises(PgError) as e:
        num_op("/", "1", "0")
    assert e.value.sqlstate == "22012"


def test_text_output_formats():
    assert text_out("bool", 1) == "t"
    assert text_out("bytea", b"\x00\xff") == "\\x00ff"
    assert fmt_float(1e20) == "1e+20" and fmt_float(0.5) == "0.5" and fmt_float(100.0) == "100"
    assert jsonb_normal({"bb": 1, "a": [1, {"d": None, "c": True}]}) == '{"a": [1, {"c": true, "d": null}], "bb": 1}'


def test_failed_transaction_state(db):
    s = Session(db, "postgres", 1)
    run(db, s, "CREATE TABLE t (a int PRIMARY KEY)")
    run(db, s, "BEGIN")
    run(db, s, "INSERT INTO t VALUES (1)")
    with pytest.raises(PgError) as e:
        run(db, s, "INSERT INTO t VALUES (1)")
    assert e.value.sqlstate == "23505" and e.value.detail == "Key (a)=(1) already exists."
    with pytest.raises(PgError) as e:
        run(db, s, "SELECT 1")
    assert e.value.sqlstate == "25P02"
    assert run(db, s, "COMMIT").tag == "ROLLBACK"
    assert run(db, s, "SELECT count(*) FROM t").rows == [(0,)]


def test_unsupported_features_name_themselves(db):
    for sql, word in [("SELECT unnest(ARRAY[1]) UNION SELECT unnest(ARRAY[2]) GROUP BY 1", "unnest"),
                      ("SELECT jsonb_array_elements('[1]'), jsonb_array_elements('[2]')", "set-returning"),
                      ("CREATE MATERIALIZED VIEW v AS SELECT 1", "MATERIALIZED"), ("EXPLAIN SELECT 1", "EXPLAIN")]:
        with pytest.raises(PgError) as e:
            db.plans(sql)
        assert e.value.sqlstate == "0A000" and word.lower() in e.value.message.lower()


def test_second_session_waits_for_writer(db):
    from dotdo_postgres.engine import WouldBlock
    a, b = Session(db, "postgres", 1), Session(db, "postgres", 2)
    run(db, a, "CREATE TABLE t (x int)")
    run(db, a, "BEGIN")
    run(db, a, "INSERT INTO t VALUES (1)")
    assert run(db, b, "SELECT count(*) FROM t").rows == [(0,)]  # committed data only
    with pytest.raises(WouldBlock):
        run(db, b, "INSERT INTO t VALUES (2)")
    run(db, a, "COMMIT")
    run(db, b, "INSERT INTO t VALUES (2)")
    assert run(db, b, "SELECT count(*) FROM t").rows == [(2,)]


def test_mutated_sql_corpus_only_raises_postgres_errors(db):
    """Everyday statements with random tokens inserted or bytes cut: each either runs or raises a
    PgError (which the wire turns into an ErrorResponse) — never another exception."""
    import random

    from conformance.postgres.cases import CASES, ORDERS

    s = Session(db, "postgres", 1)
    for sql in ORDERS:
        run(db, s, sql)
    rng = random.Random(7)
    corpus = [c[2] for c in CASES if c[3] is None and not c[2].upper().startswith(("DROP", "TRUNCATE", "DELETE"))]
    tokens = ["(", ")", ",", "'", "::int", " NULL ", "*", "/", "0", "'x'", " FROM ", "->>", ";", "$1", "\\", '"', "["]
    for _ in range(400):
        q = rng.choice(corpus)
        for _ in range(rng.randint(1, 3)):
            pos = rng.randint(0, len(q))
            q = q[:pos] + rng.choice(tokens) + q[pos:] if rng.random() < 0.5 else q[:pos] + q[pos + rng.randint(1, 5):]
        try:
            run(db, s, q)
        except PgError:
            if s.in_tx:
                run(db, s, "ROLLBACK")
    assert run(db, s, "SELECT count(*) FROM users").rows[0][0] >= 0


def test_create_and_drop_database_without_a_server(db):
    s = Session(db, "postgres", 1)
    run(db, s, "CREATE DATABASE other ENCODING 'UTF8' TEMPLATE template0")
    assert db.store.exists("other")
    assert ("other",) in run(db, s, "SELECT datname FROM pg_database").rows
    with pytest.raises(PgError) as e:
        run(db, s, "CREATE DATABASE other")
    assert e.value.sqlstate == "42P04"
    with pytest.raises(PgError) as e:
        run(db, s, "CREATE DATABASE latin ENCODING 'LATIN1'")
    assert (e.value.sqlstate, e.value.message) == ("0A000", "CREATE DATABASE with ENCODING LATIN1 is not supported by dotdo")
    run(db, s, "ALTER DATABASE other RENAME TO renamed")
    run(db, s, "DROP DATABASE renamed")
    assert not db.store.exists("renamed") and not db.store.exists("other")
    assert ("renamed",) not in run(db, s, "SELECT datname FROM pg_database").rows
    with pytest.raises(PgError) as e:
        run(db, s, "DROP DATABASE app")
    assert (e.value.sqlstate, e.value.message) == ("55006", "cannot drop the currently open database")


def test_another_kind_of_namespace_is_not_a_database(db):
    db.store.namespace("cache", kind="redis")
    s = Session(db, "postgres", 1)
    with pytest.raises(PgError) as e:
        run(db, s, "DROP DATABASE cache")
    assert e.value.sqlstate == "3D000"
    with pytest.raises(PgError) as e:
        run(db, s, "CREATE DATABASE cache")
    assert e.value.sqlstate == "0A000" and "redis data" in e.value.message
    run(db, s, "CREATE DATABASE other")
    with pytest.raises(PgError) as e:
        run(db, s, "ALTER DATABASE other RENAME TO cache")
    assert e.value.sqlstate == "0A000"
    assert db.store.exists("cache") and ("cache",) not in run(db, s, "SELECT datname FROM pg_database").rows
