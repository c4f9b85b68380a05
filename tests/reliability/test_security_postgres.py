"""Security of `dotdo serve postgres`: SCRAM-SHA-256 authentication against the data directory's
users, tenant isolation between users, and the limits a client cannot push past. Each test fails
if its protection is removed."""
from __future__ import annotations

import socket
import struct
import subprocess

import psycopg
import pytest

from dotdo_core import Runtime, Store, auth
from dotdo_core.tls import server_context
from dotdo_postgres.server import front

from .support import dotdo_serve


@pytest.fixture
def served(tmp_path):
    """`dotdo serve postgres` in this process on a data directory with two tenants' users."""
    store = Store(tmp_path / "data")
    auth.add_user(store, "alice", "pw-a", tenant="tenant-a")
    auth.add_user(store, "bob", "pw-b", tenant="tenant-b")
    runtime = Runtime(store, max_connections=5).start()
    port = runtime.listen(front, port=0).port
    made = []

    def connect(user: str, password: str | None, dbname: str = "app", **kw) -> psycopg.Connection:
        c = psycopg.connect(host="127.0.0.1", port=port, user=user, dbname=dbname, sslmode="disable",
                            autocommit=True, connect_timeout=10, **({"password": password} if password else {}), **kw)
        made.append(c)
        return c
    connect.port = port
    yield connect
    for c in made:
        c.close()
    runtime.stop()
    store.close()


def test_a_user_with_the_right_password_connects_through_scram(served):
    with served("alice", "pw-a") as c:
        assert c.execute("SELECT current_user, current_database()").fetchone() == ("alice", "app")
        assert c.pgconn.used_password


def test_a_wrong_password_gets_28P01_naming_the_user(served):
    with pytest.raises(psycopg.OperationalError) as err:
        served("alice", "wrong")
    assert 'password authentication failed for user "alice"' in str(err.value)


def test_an_unknown_user_fails_exactly_like_a_wrong_password(served):
    with pytest.raises(psycopg.OperationalError) as err:
        served("mallory", "pw-a")
    assert 'password authentication failed for user "mallory"' in str(err.value)


def test_no_password_is_refused_before_any_query(served):
    with pytest.raises(psycopg.OperationalError) as err:
        served("alice", None)
    assert "no password supplied" in str(err.value)


def test_the_server_asks_for_scram_sha_256_and_nothing_else(served):
    body = struct.pack("!i", 196608) + b"user\x00alice\x00database\x00app\x00\x00"
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(struct.pack("!i", len(body) + 4) + body)
        reply = s.recv(4096)
    assert reply == b"R" + struct.pack("!ii", 23, 10) + b"SCRAM-SHA-256\x00\x00"


def test_a_query_before_authentication_closes_the_connection(served):
    body = struct.pack("!i", 196608) + b"user\x00alice\x00database\x00app\x00\x00"
    query = b"SELECT 1\x00"
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(struct.pack("!i", len(body) + 4) + body + b"Q" + struct.pack("!i", len(query) + 4) + query)
        reply = b""
        while chunk := s.recv(4096):
            reply += chunk
    assert b"C08P01" in reply and b"Z" not in reply.split(b"SCRAM-SHA-256", 1)[1]


def test_tenants_do_not_see_each_others_databases_or_tables(served):
    alice = served("alice", "pw-a")
    alice.execute("CREATE TABLE secrets (v text)")
    alice.execute("INSERT INTO secrets VALUES ('alice only')")
    bob = served("bob", "pw-b")
    with pytest.raises(psycopg.errors.UndefinedTable):
        bob.execute("SELECT * FROM secrets")
    bob.execute("CREATE TABLE secrets (v text)")
    assert bob.execute("SELECT count(*) FROM secrets").fetchone() == (0,)
    assert alice.execute("SELECT v FROM secrets").fetchall() == [("alice only",)]
    served("bob", "pw-b", dbname="bobs_other")
    own = "SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1"
    assert [r[0] for r in bob.execute(own)] == ["app", "bobs_other"]
    assert [r[0] for r in alice.execute(own)] == ["app"]


def test_a_tenant_creates_renames_and_drops_only_its_own_databases(served, tmp_path):
    alice, bob = served("alice", "pw-a"), served("bob", "pw-b")
    alice.execute("CREATE DATABASE reports")
    bob.execute("CREATE DATABASE reports")  # a name is per tenant: bob's is another database
    served("alice", "pw-a", dbname="reports").execute("CREATE TABLE r (x int)")
    own = "SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1"
    assert [r[0] for r in alice.execute(own)] == ["app", "reports"]
    served("bob", "pw-b", dbname="only_bob").close()
    for verb in ("DROP DATABASE only_bob", "ALTER DATABASE only_bob RENAME TO mine"):
        with pytest.raises(psycopg.errors.InvalidCatalogName, match='database "only_bob" does not exist'):
            alice.execute(verb)
    # alice's connection to her own "reports" keeps bob's drop of his waiting for nobody
    bob.execute("DROP DATABASE reports")
    with pytest.raises(psycopg.errors.ObjectInUse):
        alice.execute("DROP DATABASE reports")
    alice.execute("DROP DATABASE reports WITH (FORCE)")
    names = {n["name"] for n in Store(tmp_path / "data").namespaces()}
    assert names == {"tenant-a/app", "tenant-b/app", "tenant-b/only_bob"}


def test_connections_past_the_limit_get_53300(served):
    for _ in range(5):
        served("alice", "pw-a")
    with pytest.raises(psycopg.OperationalError) as err:
        served("alice", "pw-a")
    assert "sorry, too many clients already" in str(err.value)


def test_sslrequest_upgrades_to_tls_when_the_server_has_a_certificate(tmp_path):
    done = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / "k.pem"),
                           "-out", str(tmp_path / "c.pem"), "-days", "2", "-subj", "/CN=localhost"], capture_output=True)
    if done.returncode != 0:
        pytest.skip("openssl cannot make a test certificate here")
    store = Store(tmp_path / "data")
    runtime = Runtime(store, tls=server_context(str(tmp_path / "c.pem"), str(tmp_path / "k.pem"))).start()
    try:
        port = runtime.listen(front, port=0).port
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="app", sslmode="require",
                             autocommit=True) as c:
            assert c.pgconn.ssl_in_use
            assert c.execute("SELECT 1").fetchone() == (1,)
    finally:
        runtime.stop()
        store.close()


# -- per-statement budgets (`dotdo serve --max-query-rows / --max-query-time`) -------------------
RUNAWAY = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 30000000) SELECT count(*) FROM r"


@pytest.fixture
def row_budgeted(tmp_path):
    """`dotdo serve postgres --max-query-rows 2000` as its own process, with a 5000-row table filled
    by statements under the budget."""
    with dotdo_serve(str(tmp_path), "postgres", "--max-query-rows", "2000") as (_, port):
        def connect() -> psycopg.Connection:
            return psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="app", sslmode="disable",
                                   autocommit=True, connect_timeout=10)
        with connect() as c:
            c.execute("CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL)")
            for start in range(0, 5000, 250):
                c.execute(f"INSERT INTO t SELECT g, 1 FROM generate_series({start}, {start + 249}) g")
        yield connect


def test_a_statement_examining_more_rows_than_max_query_rows_gets_54000_naming_the_limit(row_budgeted):
    with row_budgeted() as c:
        with pytest.raises(psycopg.errors.ProgramLimitExceeded) as err:
            c.execute("SELECT id, a FROM t ORDER BY a, id DESC").fetchall()
        assert err.value.sqlstate == "54000"
        assert "query exceeded the server's max-query-rows of 2000" in str(err.value)
        with pytest.raises(psycopg.errors.ProgramLimitExceeded):
            c.execute(RUNAWAY)  # one row out, millions of rows of work
        assert c.execute("SELECT count(*) FROM t WHERE id < 1000").fetchone() == (1000,)  # under the budget
        assert c.execute("SELECT a FROM t WHERE id = 4321").fetchone() == (1,)
        with row_budgeted() as other:
            assert other.execute("SELECT 1").fetchone() == (1,)  # the server serves other clients


def test_an_update_stopped_by_max_query_rows_leaves_the_table_unchanged(row_budgeted):
    with row_budgeted() as c:
        with pytest.raises(psycopg.errors.ProgramLimitExceeded):
            c.execute("UPDATE t SET a = a + 1")
        with pytest.raises(psycopg.errors.ProgramLimitExceeded):
            c.execute("DELETE FROM t WHERE a = 1")
        assert c.execute("SELECT count(*) FROM t WHERE id < 1000 AND a = 1").fetchone() == (1000,)
        assert c.execute("SELECT count(*) FROM t WHERE id >= 3000 AND a = 1").fetchone() == (2000,)


def test_a_statement_over_max_query_rows_in_a_transaction_aborts_it(row_budgeted):
    with row_budgeted() as c:
        c.autocommit = False
        c.execute("INSERT INTO t VALUES (-1, 7)")
        c.execute("SAVEPOINT before_update")
        with pytest.raises(psycopg.errors.ProgramLimitExceeded):
            c.execute("UPDATE t SET a = a + 1")
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            c.execute("SELECT 1")
        # SQLite rolled the whole transaction back (docs/postgres.md): the savepoint is gone, said cleanly.
        with pytest.raises(psycopg.errors.InvalidSavepointSpecification):
            c.execute("ROLLBACK TO SAVEPOINT before_update")
        c.rollback()
        assert c.execute("SELECT count(*) FROM t WHERE id = -1").fetchone() == (0,)


def test_a_statement_past_max_query_time_is_canceled_with_57014(tmp_path, monkeypatch):
    monkeypatch.setenv("DOTDO_MAX_QUERY_TIME", "0.3")  # also honoured by the embedded client
    from dotdo_postgres import connect
    with connect(data=str(tmp_path), autocommit=True) as c, connect(data=str(tmp_path), autocommit=True) as other:
        c.execute("SET statement_timeout = '1h'")  # the client's larger timeout does not lift the server's
        with pytest.raises(psycopg.errors.QueryCanceled) as err:
            c.execute(RUNAWAY)
        assert err.value.sqlstate == "57014"
        assert "canceling statement due to statement timeout" in str(err.value)
        assert c.execute("SELECT 2").fetchone() == (2,)
        assert other.execute("SELECT 3").fetchone() == (3,)
