"""Fuzzing the SQL engine: mutations of a corpus of valid statements either run or get a
psycopg.Error carrying a PostgreSQL SQLSTATE (never an internal error), a statement that fails
changes no stored row, and the seeded rows survive everything.

Fast tier (CI): a few hundred statements. Long tier (--long): DOTDO_FUZZ_EXAMPLES statements (default 1M)."""
from __future__ import annotations

import re

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import dotdo_postgres

from .support import fuzz_long_tier

SEEDED = [(i, f"row {i}", i * 1.5) for i in range(10)]
CORPUS = [
    "SELECT id, name FROM seed WHERE id = 3",
    "SELECT count(*), sum(score) FROM seed GROUP BY id % 2 HAVING count(*) > 1 ORDER BY 1",
    "SELECT s.name, f.v FROM seed s LEFT JOIN fuzz f ON f.id = s.id WHERE s.score > 2.5 LIMIT 3",
    "WITH t AS (SELECT id FROM seed WHERE id < 5) SELECT * FROM t ORDER BY id DESC",
    "SELECT name || '!' , upper(name), length(name) FROM seed ORDER BY name NULLS FIRST",
    "SELECT row_number() OVER (ORDER BY score DESC), id FROM seed",
    "SELECT CAST('12' AS integer) + 3.5::numeric, '2024-01-01'::date + 1, now() > '2020-01-01'",
    "SELECT '{\"a\": [1, 2]}'::jsonb -> 'a' ->> 1, ARRAY[1, 2, 3] @> ARRAY[2]",
    "SELECT id FROM seed WHERE name ~ '^row [0-4]$' AND id = ANY(ARRAY[1, 2, 3])",
    "SELECT DISTINCT ON (id % 3) id, name FROM seed ORDER BY id % 3, id",
    "SELECT EXISTS (SELECT 1 FROM fuzz WHERE v IS NOT NULL), (SELECT max(id) FROM seed)",
    "INSERT INTO fuzz (id, v, n) VALUES (1, 'a', 1.5), (2, 'b', NULL) RETURNING *",
    "INSERT INTO fuzz VALUES (3, 'c', 2) ON CONFLICT (id) DO UPDATE SET v = excluded.v || 'x'",
    "UPDATE fuzz SET n = n * 2, v = upper(v) WHERE id IN (SELECT id FROM seed WHERE score < 3)",
    "DELETE FROM fuzz WHERE id > 2 RETURNING id",
    "INSERT INTO fuzz SELECT id + 100, name, score FROM seed WHERE id < 3",
    "UPDATE fuzz SET v = s.name FROM seed s WHERE s.id = fuzz.id",
    "SELECT g, coalesce(NULL, 'x'), nullif(1, 1), greatest(g, 2) FROM generate_series(1, 3) g",
    "SELECT id, CASE WHEN score > 5 THEN 'hi' ELSE 'lo' END FROM seed WHERE id BETWEEN 2 AND 6",
    "SELECT 1 UNION SELECT 2 EXCEPT SELECT 3 ORDER BY 1",
    "SELECT string_agg(name, ',' ORDER BY id) FILTER (WHERE id < 3) FROM seed",
    "SELECT extract(year FROM timestamp '2024-05-06 07:08:09'), date_trunc('month', now())",
    "SELECT * FROM information_schema.columns WHERE table_name = 'seed'",
]
TOKENS = re.compile(r"\s+|'[^']*'|\w+|.", re.S)
PIECES = ["(", ")", ",", "'", '"', "::", "SELECT", "FROM", "WHERE", "NULL", "ARRAY[", "]", "->", "||", "*",
          "-", "9223372036854775808", "1e400", "$1", ";", "--", "/*", "\\", "\x00", "é", "\U0001f600", "LATERAL",
          "RETURNING", "ORDER BY", "GROUP BY", "OVER (", "::int[]", "::jsonb", "::numeric(3,1)", "seed", "fuzz"]


@st.composite
def mutated_statements(draw) -> str:
    tokens = TOKENS.findall(draw(st.sampled_from(CORPUS)))
    for _ in range(draw(st.integers(1, 4))):
        if not tokens:
            break
        at = draw(st.integers(0, len(tokens) - 1))
        kind = draw(st.sampled_from(["drop", "dup", "swap", "insert", "chars"]))
        if kind == "drop":
            del tokens[at]
        elif kind == "dup":
            tokens.insert(at, tokens[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(tokens) - 1))
            tokens[at], tokens[other] = tokens[other], tokens[at]
        elif kind == "insert":
            tokens.insert(at, draw(st.sampled_from(PIECES)))
        else:
            tokens.insert(at, draw(st.text(max_size=4)))
    return "".join(tokens)


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    c = dotdo_postgres.connect(data=str(tmp_path_factory.mktemp("sqlfuzz")), dbname="fuzz", autocommit=True)
    c.execute("CREATE TABLE seed (id int PRIMARY KEY, name text NOT NULL, score float8)")
    c.cursor().executemany("INSERT INTO seed VALUES (%s, %s, %s)", SEEDED)
    c.execute("CREATE TABLE fuzz (id int PRIMARY KEY, v text, n numeric CHECK (n < 1000))")
    yield c
    c.close()


def stored(conn: psycopg.Connection) -> tuple[list, list]:
    return (conn.execute("SELECT * FROM seed ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM fuzz ORDER BY id").fetchall())


def run_one(conn: psycopg.Connection, sql: str) -> None:
    before = stored(conn)
    try:
        conn.execute(sql.replace("%", "%%"), prepare=False)
    except psycopg.Error as e:
        assert e.sqlstate and len(e.sqlstate) == 5 and e.sqlstate != "XX000", (sql, e.sqlstate, str(e))
        assert stored(conn) == before, sql
    if stored(conn)[0] != SEEDED:
        # only a statement that writes to seed may change it (INSERT INTO seed ... mutated from the
        # corpus); put the rows back so the next input is checked against them
        assert "seed" in sql.split("FROM", 1)[0], sql
        conn.execute("DELETE FROM seed")
        conn.cursor().executemany("INSERT INTO seed VALUES (%s, %s, %s)", SEEDED)
    assert conn.execute("SELECT 1").fetchone() == (1,)


def test_every_corpus_statement_runs(conn):
    for sql in CORPUS:
        conn.execute(sql)
        conn.execute("DELETE FROM fuzz")


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sql=mutated_statements())
def test_fuzzed_sql_gets_a_sqlstate_and_a_failed_statement_changes_nothing(conn, sql):
    run_one(conn, sql)


@pytest.mark.slow
@pytest.mark.timeout(0)
def test_fuzz_sql_long_tier(conn):
    tried = fuzz_long_tier(mutated_statements(), lambda sql: run_one(conn, sql))
    print(f"SQL fuzz statements tried: {tried}")
