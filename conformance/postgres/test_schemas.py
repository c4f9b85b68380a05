"""Schemas across several statements on one connection: search_path (SET, SET LOCAL, RESET, the
startup option), where unqualified names resolve and where CREATE puts a table, prepared
statements under another path, and what psql and SQLAlchemy see. Single-statement outcomes are
cases in cases.py (the schema_* ones)."""
from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from .test_psql import psql


@pytest.fixture
def two(conn):
    """public.t and app.t: one name, two tables."""
    for sql in ["CREATE SCHEMA app", "CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t VALUES (1, 'pub')", "CREATE TABLE app.t (id int PRIMARY KEY, v text)",
                "INSERT INTO app.t VALUES (1, 'app')"]:
        conn.execute(sql)
    return conn


def one(conn, sql, params=None):
    return conn.execute(sql, params).fetchone()


def test_search_path_resolves_unqualified_names_in_order(two):
    assert one(two, "SELECT v FROM t") == ("pub",)
    two.execute("SET search_path TO app, public")
    assert one(two, "SHOW search_path") == ("app, public",)
    assert one(two, "SELECT v FROM t") == ("app",)
    assert one(two, "SELECT current_schema(), current_schemas(false), current_schemas(true)") == \
        ("app", ["app", "public"], ["pg_catalog", "app", "public"])
    two.execute("SET search_path = public, app")
    assert one(two, "SELECT v FROM t") == ("pub",)
    two.execute("RESET search_path")
    assert one(two, "SHOW search_path") == ('"$user", public',)
    assert one(two, "SELECT v FROM t") == ("pub",)


def test_search_path_writes_go_to_the_schema_found(two):
    two.execute("SET search_path TO app, public")
    two.execute("INSERT INTO t VALUES (2, 'two')")
    two.execute("UPDATE t SET v = v || '!' WHERE id = 1")
    assert two.execute("SELECT id, v FROM app.t ORDER BY id").fetchall() == [(1, "app!"), (2, "two")]
    assert two.execute("SELECT id, v FROM public.t ORDER BY id").fetchall() == [(1, "pub")]
    two.execute("DELETE FROM t WHERE id = 2")
    assert one(two, "SELECT count(*) FROM app.t") == (1,)


def test_create_goes_to_the_first_existing_schema_on_the_path(conn):
    conn.execute("CREATE SCHEMA app")
    conn.execute("SET search_path TO missing, app, public")
    conn.execute("CREATE TABLE made (id serial PRIMARY KEY)")
    conn.execute("CREATE SEQUENCE counter")
    conn.execute("CREATE VIEW made_v AS SELECT id FROM made")
    conn.execute("INSERT INTO made DEFAULT VALUES")
    assert one(conn, "SELECT nextval('counter'), currval('made_id_seq')") == (1, 1)
    conn.execute("RESET search_path")
    rows = conn.execute("SELECT table_schema, table_name FROM information_schema.tables "
                        "WHERE table_name LIKE 'made%' ORDER BY 2").fetchall()
    assert rows == [("app", "made"), ("app", "made_v")]
    assert one(conn, "SELECT sequence_schema FROM information_schema.sequences WHERE sequence_name = 'counter'") == ("app",)
    with pytest.raises(errors.UndefinedTable):
        conn.execute("SELECT * FROM made")


def test_no_schema_selected_to_create_in(conn):
    conn.execute("SET search_path TO nothing_here")
    with pytest.raises(errors.InvalidSchemaName, match="no schema has been selected to create in"):
        conn.execute("CREATE TABLE x (id int)")


def test_user_schema_comes_first_when_it_exists(conn):
    conn.execute("CREATE TABLE t (id int)")
    conn.execute("CREATE SCHEMA AUTHORIZATION postgres")  # a schema named after the session's user
    conn.execute("CREATE TABLE mine (id int)")
    assert one(conn, "SELECT current_schema()") == ("postgres",)
    assert one(conn, "SELECT table_schema FROM information_schema.tables WHERE table_name = 'mine'") == ("postgres",)
    assert one(conn, "SELECT count(*) FROM t") == (0,)  # public is still searched


def test_set_local_search_path_ends_with_the_transaction(two):
    two.autocommit = False
    try:
        two.execute("SET LOCAL search_path TO app")
        assert one(two, "SELECT v FROM t") == ("app",)
        two.commit()
        assert one(two, "SELECT v FROM t") == ("pub",)
        two.execute("SET search_path TO app")
        two.rollback()
        assert one(two, "SELECT v FROM t") == ("pub",)
    finally:
        two.rollback()
        two.autocommit = True


def test_startup_option_sets_the_search_path(two, connect):
    c = connect(autocommit=True, options="-c search_path=app,public")
    assert one(c, "SHOW search_path") == ("app,public",)
    assert one(c, "SELECT v FROM t") == ("app",)


def test_prepared_statement_follows_the_search_path(two):
    q = "SELECT v FROM t WHERE id = %s"
    assert two.execute(q, (1,), prepare=True).fetchone() == ("pub",)
    two.execute("SET search_path TO app, public")
    assert two.execute(q, (1,), prepare=True).fetchone() == ("app",)


def test_pg_catalog_is_searched_first(two):
    two.execute("SET search_path TO app")
    assert one(two, "SELECT count(*) > 0 FROM pg_class") == (True,)
    assert one(two, "SELECT upper('x')") == ("X",)


def test_regclass_prints_qualified_names_outside_the_path(two):
    assert one(two, "SELECT to_regclass('app.t')::text, to_regclass('t')::text") == ("app.t", "t")
    two.execute("SET search_path TO app, public")
    assert one(two, "SELECT to_regclass('app.t')::text, to_regclass('public.t')::text") == ("t", "public.t")


def test_a_serial_in_a_schema_keeps_its_own_sequence(two):
    two.execute("CREATE TABLE app.s (id serial PRIMARY KEY, v text)")
    two.execute("CREATE TABLE s (id serial PRIMARY KEY, v text)")
    two.execute("INSERT INTO app.s (v) VALUES ('a'), ('b')")
    two.execute("INSERT INTO s (v) VALUES ('c')")
    assert two.execute("SELECT id, v FROM app.s ORDER BY id").fetchall() == [(1, "a"), (2, "b")]
    assert two.execute("SELECT id, v FROM s").fetchall() == [(1, "c")]
    assert one(two, "SELECT column_default FROM information_schema.columns "
                    "WHERE table_schema = 'app' AND table_name = 's' AND column_name = 'id'") == \
        ("nextval('app.s_id_seq'::regclass)",)


def test_psql_lists_schemas_and_tables_in_a_schema(two, dsn):
    two.execute("CREATE VIEW app.v AS SELECT id FROM app.t")
    assert psql(dsn, r"\dn") == '''\
      List of schemas
  Name  |       Owner       
--------+-------------------
 app    | postgres
 public | pg_database_owner
(2 rows)

'''
    assert psql(dsn, r"\dt app.*") == '''\
        List of relations
 Schema | Name | Type  |  Owner   
--------+------+-------+----------
 app    | t    | table | postgres
(1 row)

'''
    assert psql(dsn, r"\d app.t") == '''\
                   Table "app.t"
 Column |  Type   | Collation | Nullable | Default 
--------+---------+-----------+----------+---------
 id     | integer |           | not null | 
 v      | text    |           |          | 
Indexes:
    "t_pkey" PRIMARY KEY, btree (id)

'''


def test_sqlalchemy_metadata_in_a_schema(conn, target):
    sa = pytest.importorskip("sqlalchemy")
    from .conftest import sqlalchemy_engine
    conn.execute("CREATE SCHEMA app")
    engine = sqlalchemy_engine(target)
    try:
        md = sa.MetaData(schema="app")
        users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True),
                         sa.Column("name", sa.String(20), unique=True))
        sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("uid", sa.ForeignKey("app.users.id")), sa.Index("ix_posts_uid", "uid"))
        md.create_all(engine)
        with engine.begin() as cx:
            cx.execute(users.insert(), [{"name": "a"}, {"name": "b"}])
            assert cx.execute(sa.select(users.c.name).order_by(users.c.id)).fetchall() == [("a",), ("b",)]
        insp = sa.inspect(engine)
        assert "app" in insp.get_schema_names()
        assert sorted(insp.get_table_names(schema="app")) == ["posts", "users"]
        assert insp.get_table_names() == []
        assert insp.get_columns("users", schema="app")[0]["default"] == "nextval('app.users_id_seq'::regclass)"
        fk = insp.get_foreign_keys("posts", schema="app")[0]
        assert (fk["referred_schema"], fk["referred_table"], fk["referred_columns"]) == ("app", "users", ["id"])
        assert [i["name"] for i in insp.get_indexes("posts", schema="app")] == ["ix_posts_uid"]
        assert insp.has_table("users", schema="app") and not insp.has_table("users")
        md.drop_all(engine)
        assert insp.get_table_names(schema="app") == [] or sa.inspect(engine).get_table_names(schema="app") == []
    finally:
        engine.dispose()


def test_drop_schema_cascade_removes_everything_in_it(two):
    two.execute("CREATE SEQUENCE app.seq")
    two.execute("CREATE VIEW app.v AS SELECT * FROM app.t")
    two.execute("CREATE INDEX t_v ON app.t (v)")
    two.execute("CREATE TABLE ref (t_id int REFERENCES app.t)")
    two.execute("DROP SCHEMA app CASCADE")
    assert one(two, "SELECT count(*) FROM pg_class WHERE relname IN ('seq', 'v', 't_v')") == (0,)
    assert one(two, "SELECT v FROM t") == ("pub",)
    two.execute("INSERT INTO ref VALUES (5)")  # its foreign key went with app.t
    two.execute("CREATE SCHEMA app")
    two.execute("CREATE TABLE app.t (x int)")  # the names are free again
    assert one(two, "SELECT count(*) FROM app.t") == (0,)


def test_drop_table_in_a_schema_leaves_the_public_one(two):
    two.execute("DROP TABLE app.t")
    assert one(two, "SELECT v FROM t") == ("pub",)
    with pytest.raises(errors.UndefinedTable, match='relation "app.t" does not exist'):
        two.execute("SELECT * FROM app.t")
    two.execute("SET search_path TO app, public")
    assert one(two, "SELECT v FROM t") == ("pub",)  # not found in app, found in public


def test_schema_made_in_a_rolled_back_transaction_is_gone(conn):
    conn.autocommit = False
    try:
        conn.execute("CREATE SCHEMA app")
        conn.execute("CREATE TABLE app.t (id int)")
        conn.rollback()
        assert one(conn, "SELECT count(*) FROM pg_namespace WHERE nspname = 'app'") == (0,)
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("SELECT * FROM app.t")
    finally:
        conn.rollback()
        conn.autocommit = True


def test_copy_in_and_out_of_a_table_in_a_schema(two):
    with two.cursor() as cur:
        with cur.copy("COPY app.t (id, v) FROM STDIN") as cp:
            cp.write_row((2, "copied"))
        with cur.copy("COPY app.t TO STDOUT") as cp:
            assert list(cp.rows()) == [("1", "app"), ("2", "copied")]
        two.execute("SET search_path TO app")
        with cur.copy("COPY t (v) TO STDOUT") as cp:
            assert list(cp.rows()) == [("app",), ("copied",)]
    assert one(two, "SELECT count(*) FROM public.t") == (1,)


def test_search_path_values_as_show_prints_them(conn):
    conn.execute('CREATE SCHEMA "App"')
    for written, shown, found in [('"App", public', '"App", public', ["App", "public"]),
                                  ("'App'", '"App"', ["App"]),
                                  ("App", "app", []),
                                  ("''", '""', []),
                                  ('"$user", public', '"$user", public', ["public"])]:
        conn.execute(f"SET search_path TO {written}")
        assert one(conn, "SHOW search_path") == (shown,), written
        assert one(conn, "SELECT current_schemas(false)") == (found,), written
    conn.execute("SET search_path TO DEFAULT")
    assert one(conn, "SHOW search_path") == ('"$user", public',)


def test_statements_over_a_table_in_a_schema(conn):
    for sql in ["CREATE SCHEMA app", "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1), (2)",
                "CREATE TABLE app.c AS SELECT id * 10 AS x FROM t", "CREATE VIEW pv AS SELECT x FROM app.c"]:
        conn.execute(sql)
    assert conn.execute("WITH ins AS (INSERT INTO app.c VALUES (30) RETURNING x) SELECT * FROM ins").fetchall() == [(30,)]
    assert conn.execute("UPDATE app.c SET x = x + 1 FROM t WHERE t.id * 10 = app.c.x "
                        "RETURNING app.c.x, t.id").fetchall() == [(11, 1), (21, 2)]
    assert conn.execute("DELETE FROM app.c USING t WHERE t.id * 10 + 1 = c.x RETURNING c.x").fetchall() == [(11,), (21,)]
    assert conn.execute("SELECT * FROM pv").fetchall() == [(30,)]
    with pytest.raises(errors.DependentObjectsStillExist) as e:
        conn.execute("DROP SCHEMA app")
    assert e.value.diag.message_detail == "table app.c depends on schema app\nview pv depends on table app.c"
    conn.execute("DROP SCHEMA app CASCADE")
    with pytest.raises(errors.UndefinedTable):
        conn.execute("SELECT * FROM pv")


def test_create_schema_authorization_current_user_is_named_after_the_user(conn):
    conn.execute("CREATE SCHEMA AUTHORIZATION CURRENT_USER")
    assert one(conn, "SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = current_user") == \
        ("postgres", "postgres")


def test_drop_schema_cascade_notice_lists_what_it_drops(two):
    two.execute("CREATE VIEW app.v AS SELECT id FROM app.t")
    two.execute("CREATE TABLE ref (t_id int REFERENCES app.t)")
    seen = []

    def handler(d):
        seen.append((d.severity, d.sqlstate, d.message_primary, d.message_detail))
    two.add_notice_handler(handler)
    try:
        two.execute("DROP SCHEMA app CASCADE")
    finally:
        two.remove_notice_handler(handler)  # the connection is shared with later tests
    assert seen == [("NOTICE", "00000", "drop cascades to 3 other objects",
                     "drop cascades to table app.t\ndrop cascades to constraint ref_t_id_fkey on table ref\n"
                     "drop cascades to view app.v")]
