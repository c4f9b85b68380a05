"""The drop-in entry points: genuine client objects, URLs mapped onto namespaces, one embedded
server per data directory, and a writer waiting for another connection's transaction."""
from __future__ import annotations

import asyncio
import threading
import time

import psycopg
import pytest

import dotdo_postgres
from dotdo_core.store import Store


def test_connect_returns_genuine_psycopg_connection(tmp_path):
    with dotdo_postgres.connect(data=str(tmp_path)) as conn:
        assert type(conn) is psycopg.Connection
        assert conn.execute("SELECT current_database()").fetchone() == ("postgres",)


def test_url_database_name_is_a_namespace(tmp_path):
    data = str(tmp_path)
    with dotdo_postgres.connect("postgresql://alice@db.example.com:6543/shop", data=data, autocommit=True) as a:
        a.execute("CREATE TABLE t (x int)")
        assert a.execute("SELECT current_database(), current_user").fetchone() == ("shop", "alice")
    with dotdo_postgres.connect("postgresql://bob@localhost/other", data=data, autocommit=True) as b:
        with pytest.raises(psycopg.errors.UndefinedTable):
            b.execute("SELECT * FROM t")
    assert {"shop", "other"} <= {n["name"] for n in Store.shared(data).namespaces() if n["kind"] == "postgres"}


def test_dotdo_url_chooses_directory(tmp_path):
    with dotdo_postgres.connect(f"dotdo://{tmp_path}/d", autocommit=True) as c:
        c.execute("CREATE TABLE t (x int)")
    assert (tmp_path / "d" / "catalog.db").exists()


def test_one_server_per_directory(tmp_path):
    assert dotdo_postgres.endpoint(str(tmp_path)) is dotdo_postgres.endpoint(str(tmp_path))


def test_async_connection_is_genuine(tmp_path):
    async def main():
        conn = await dotdo_postgres.AsyncConnection.connect(data=str(tmp_path), autocommit=True)
        async with conn:
            assert isinstance(conn, psycopg.AsyncConnection)
            cur = await conn.execute("SELECT 40 + %s", (2,))
            return await cur.fetchone()
    assert asyncio.run(main()) == (42,)


def test_psycopg2_connection_is_genuine(tmp_path):
    import psycopg2.extensions
    import dotdo_postgres.psycopg2
    conn = dotdo_postgres.psycopg2.connect(data=str(tmp_path))
    try:
        assert isinstance(conn, psycopg2.extensions.connection)
        cur = conn.cursor()
        cur.execute("SELECT %s::int * 2", (21,))
        assert cur.fetchone() == (42,)
    finally:
        conn.close()


def test_writer_waits_for_other_transaction_then_proceeds(tmp_path):
    data = str(tmp_path)
    with dotdo_postgres.connect(data=data, autocommit=True) as setup:
        setup.execute("CREATE TABLE t (x int)")
    holder = dotdo_postgres.connect(data=data)
    holder.execute("INSERT INTO t VALUES (1)")  # holds the writer until commit
    done = threading.Event()

    def second() -> None:
        with dotdo_postgres.connect(data=data, autocommit=True) as c:
            c.execute("INSERT INTO t VALUES (2)")
        done.set()

    th = threading.Thread(target=second)
    th.start()
    time.sleep(0.3)
    assert not done.is_set()
    holder.commit()
    th.join(5)
    assert done.is_set()
    with dotdo_postgres.connect(data=data) as c:
        assert c.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]
    holder.close()


def test_demo_runs_through_the_genuine_client(tmp_path):
    from dotdo_postgres.demo import demo
    pairs = demo(str(tmp_path))
    assert pairs[0][1] == "(1,)"
    assert "UniqueViolation" in pairs[-1][1]


def test_front_entry_point():
    from dotdo_postgres.server import front
    assert (front.name, front.default_port) == ("postgres", 5432)


def test_a_database_closed_for_idleness_reopens_with_its_rows_and_sequence_position(tmp_path, monkeypatch):
    from dotdo_postgres.protocol import server
    monkeypatch.setattr(server, "IDLE_DATABASES", 1)  # the server keeps one unused database open
    data = str(tmp_path)

    def connect(db: str) -> psycopg.Connection:
        return dotdo_postgres.connect(f"postgresql://u@localhost/{db}", data=data, autocommit=True)

    with connect("first") as c:
        c.execute("CREATE TABLE t (id serial PRIMARY KEY, v text)")
        c.execute("INSERT INTO t (v) VALUES ('kept')")
        with c.transaction():  # PostgreSQL never hands out a sequence value twice, rolled back or not
            c.execute("INSERT INTO t (v) VALUES ('rolled back')")
            raise psycopg.Rollback()
    for other in ("second", "third"):  # two more unused databases: "first" is closed
        with connect(other) as c:
            c.execute("SELECT 1")
    shard = Store.shared(data).namespace("first", kind="postgres").shards[0]
    assert shard._pins == 0  # nothing holds it open: the open-shard budget may close it
    with connect("first") as c:
        c.execute("INSERT INTO t (v) VALUES ('after')")
        assert c.execute("SELECT id, v FROM t ORDER BY id").fetchall() == [(1, "kept"), (3, "after")]


def test_a_database_in_use_stays_open_however_many_others_are_used(tmp_path, monkeypatch):
    from dotdo_postgres.protocol import server
    monkeypatch.setattr(server, "IDLE_DATABASES", 1)
    data = str(tmp_path)
    with dotdo_postgres.connect("postgresql://u@localhost/busy", data=data, autocommit=True) as busy:
        busy.execute("CREATE TABLE t (x int)")
        busy.execute("BEGIN")
        busy.execute("INSERT INTO t VALUES (1)")
        for n in range(4):
            with dotdo_postgres.connect(f"postgresql://u@localhost/other{n}", data=data, autocommit=True) as c:
                c.execute("CREATE TABLE t (x int)")
        busy.execute("INSERT INTO t VALUES (2)")
        busy.execute("COMMIT")
        assert busy.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]


def test_a_database_made_by_first_connection_is_listed_and_dropped_with_its_files(tmp_path):
    import os
    data = str(tmp_path)
    with dotdo_postgres.connect("postgresql://u@localhost/scratch", data=data, autocommit=True) as c:
        c.execute("CREATE TABLE t (x int)")
        c.execute("INSERT INTO t VALUES (1)")
    meta = next(n for n in Store.shared(data).namespaces() if n["name"] == "scratch")
    folder = os.path.join(data, "ns", str(meta["id"]))
    assert os.listdir(folder)
    with dotdo_postgres.connect("postgresql://u@localhost/admin", data=data, autocommit=True) as admin:
        assert ("scratch",) in admin.execute("SELECT datname FROM pg_database").fetchall()
        # a prepared listing is planned again once the set of databases changes
        query = "SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1"
        for _ in range(3):
            assert admin.execute(query, prepare=True).fetchall() == [("admin",), ("scratch",)]
        admin.execute("DROP DATABASE scratch")
        assert admin.execute(query, prepare=True).fetchall() == [("admin",)]
        admin.execute("CREATE DATABASE fresh")
        assert admin.execute(query, prepare=True).fetchall() == [("admin",), ("fresh",)]
    assert not os.path.exists(folder)
    assert "scratch" not in {n["name"] for n in Store.shared(data).namespaces()}
    with dotdo_postgres.connect("postgresql://u@localhost/scratch", data=data, autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone() == (0,)


def test_a_renamed_database_keeps_its_rows_and_sequence_position(tmp_path):
    data = str(tmp_path)
    with dotdo_postgres.connect("postgresql://u@localhost/before", data=data, autocommit=True) as c:
        c.execute("CREATE TABLE t (id serial PRIMARY KEY, v text)")
        c.execute("INSERT INTO t (v) VALUES ('kept')")
    with dotdo_postgres.connect("postgresql://u@localhost/admin", data=data, autocommit=True) as admin:
        admin.execute("ALTER DATABASE before RENAME TO after")
    with dotdo_postgres.connect("postgresql://u@localhost/after", data=data, autocommit=True) as c:
        c.execute("INSERT INTO t (v) VALUES ('new')")
        assert c.execute("SELECT id, v FROM t ORDER BY id").fetchall() == [(1, "kept"), (2, "new")]


def test_a_terminated_session_in_a_transaction_leaves_the_writer_free(tmp_path):
    data = str(tmp_path)
    admin = dotdo_postgres.connect("postgresql://u@localhost/admin", data=data, autocommit=True)
    victim = dotdo_postgres.connect("postgresql://u@localhost/doomed", data=data, autocommit=True)
    victim.execute("CREATE TABLE t (x int)")
    victim.execute("BEGIN")
    victim.execute("INSERT INTO t VALUES (1)")
    admin.execute("DROP DATABASE doomed WITH (FORCE)")
    with pytest.raises(psycopg.errors.AdminShutdown):
        victim.execute("SELECT 1")
    with dotdo_postgres.connect("postgresql://u@localhost/doomed", data=data, autocommit=True) as again:
        again.execute("CREATE TABLE t (x int)")
        again.execute("INSERT INTO t VALUES (2)")
        assert again.execute("SELECT x FROM t").fetchall() == [(2,)]
    admin.close()
    victim.close()


def test_a_database_another_process_has_open_is_not_dropped_or_renamed(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys
    from dotdo_postgres.engine import databases
    if not os.path.exists("/proc/locks"):
        pytest.skip("other processes' use is read from /proc/locks (Linux)")
    monkeypatch.setattr(databases, "IN_USE_WAIT", 0.3)  # PostgreSQL's 5 s wait for others to leave, shortened
    data = str(tmp_path)
    with dotdo_postgres.connect("postgresql://u@localhost/held", data=data, autocommit=True) as c:
        c.execute("CREATE TABLE t (x int)")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time, dotdo_postgres; "
         "c = dotdo_postgres.connect('postgresql://u@localhost/held', data=sys.argv[1], autocommit=True); "
         "c.execute('SELECT count(*) FROM t'); print('open', flush=True); time.sleep(60)", data],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with dotdo_postgres.connect("postgresql://u@localhost/admin", data=data, autocommit=True) as admin:
            for statement in ("DROP DATABASE held WITH (FORCE)", "ALTER DATABASE held RENAME TO moved"):
                with pytest.raises(psycopg.errors.ObjectInUse) as e:
                    admin.execute(statement)
                assert e.value.diag.message_detail == "Another process sharing the data directory has the database open."
            holder.kill()
            holder.wait()
            admin.execute("DROP DATABASE held")
    finally:
        holder.kill()
        holder.wait()


def test_a_filled_template1_is_what_new_databases_start_from(tmp_path):
    data = str(tmp_path)
    with dotdo_postgres.connect("postgresql://u@localhost/template1", data=data, autocommit=True) as t:
        t.execute("CREATE TABLE settings (k text PRIMARY KEY, v text)")
        t.execute("INSERT INTO settings VALUES ('theme', 'dark')")
    with dotdo_postgres.connect("postgresql://u@localhost/admin", data=data, autocommit=True) as admin:
        admin.execute("CREATE DATABASE copied")
        admin.execute("CREATE DATABASE empty TEMPLATE template0")
        rows = admin.execute("SELECT datname, datistemplate FROM pg_database WHERE datname LIKE 'template%' "
                             "ORDER BY 1").fetchall()
        assert rows == [("template0", True), ("template1", True)]  # listed once, though now a namespace
    with dotdo_postgres.connect("postgresql://u@localhost/copied", data=data, autocommit=True) as c:
        assert c.execute("SELECT v FROM settings").fetchall() == [("dark",)]
    with dotdo_postgres.connect("postgresql://u@localhost/empty", data=data, autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone() == (0,)


def test_two_databases_in_one_process_each_create_an_enum_of_the_same_name(tmp_path):
    first = dotdo_postgres.connect(data=str(tmp_path / "a"), autocommit=True)
    second = dotdo_postgres.connect(data=str(tmp_path / "b"), autocommit=True)
    first.execute("CREATE TYPE mood AS ENUM ('sad', 'ok')")
    second.execute("CREATE TYPE mood AS ENUM ('sad', 'ok')")
    second.execute("CREATE TABLE t (m mood)")
    second.execute("INSERT INTO t VALUES ('ok')")
    assert second.execute("SELECT m FROM t").fetchone() == ("ok",)
