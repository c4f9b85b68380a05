"""Schemas in dotdo's own storage: what persists in a data directory, how keys of other schemas
stay apart from public names, and owners other than postgres (the conformance suite covers what
PostgreSQL answers: conformance/postgres/test_schemas.py and the schema_* cases)."""
from __future__ import annotations

import subprocess
import sys

import psycopg
import pytest

import dotdo_postgres
from dotdo_postgres.engine.schemas import canonical_path, effective_path, key, parse_path, split, split_qualified


def test_keys_of_public_are_bare_names_and_others_carry_their_schema():
    assert key("public", "t") == "t"
    assert split(key("app", "t")) == ("app", "t")
    assert split("t") == ("public", "t")
    assert split_qualified('"App"."T"') == ("App", "T")
    assert split_qualified("App.T") == ("app", "t")


def test_search_path_parsing():
    assert parse_path('"$user", public') == ["$user", "public"]
    assert parse_path('"A,b", c') == ["A,b", "c"]
    assert effective_path(("$user", "app", "nope", "public", "app"), "alice", {"public", "app", "alice"}) == \
        ["alice", "app", "public"]
    assert canonical_path("App, 'App', \"App\", \"$user\"") == 'app, "App", "App", "$user"'


def test_schemas_and_their_tables_persist_in_the_data_directory(tmp_path):
    data = str(tmp_path)
    with dotdo_postgres.connect(data=data, autocommit=True) as c:
        c.execute("CREATE TABLE t (id int)")
        c.execute("INSERT INTO t VALUES (1)")
        c.execute("CREATE SCHEMA app")
        c.execute("CREATE TABLE app.t (id serial PRIMARY KEY, v text)")
        c.execute("INSERT INTO app.t (v) VALUES ('a')")
    with dotdo_postgres.connect(data=data, autocommit=True, options="-c search_path=app,public") as c:
        assert c.execute("SELECT id, v FROM t").fetchall() == [(1, "a")]
        assert c.execute("SELECT id FROM public.t").fetchall() == [(1,)]
        c.execute("INSERT INTO t (v) VALUES ('b')")
        assert c.execute("SELECT max(id) FROM app.t").fetchone() == (2,)
    # another process opens the directory afresh: the catalog loads the schema from the shard
    script = ("import dotdo_postgres, sys\n"
              "c = dotdo_postgres.connect(data=sys.argv[1], autocommit=True)\n"
              "print(c.execute('SELECT string_agg(v, \\',\\' ORDER BY id) FROM app.t').fetchone()[0],"
              " c.execute('SELECT count(*) FROM t').fetchone()[0])\n")
    done = subprocess.run([sys.executable, "-c", script, data], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["a,b", "1"], done.stderr


def test_a_public_name_cannot_look_like_a_key(tmp_path):
    with dotdo_postgres.connect(data=str(tmp_path), autocommit=True) as c:
        with pytest.raises(psycopg.errors.FeatureNotSupported):
            c.execute('CREATE TABLE "app\x1ft" (id int)')


def test_a_schema_is_owned_by_the_user_who_made_it(tmp_path):
    with dotdo_postgres.connect(data=str(tmp_path), user="alice", autocommit=True) as c:
        c.execute("CREATE SCHEMA s")
        c.execute("CREATE SCHEMA AUTHORIZATION alice")
        assert c.execute("SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace "
                         "WHERE nspname IN ('s', 'alice') ORDER BY 1").fetchall() == [("alice", "alice"), ("s", "alice")]
        assert c.execute("SELECT current_schema()").fetchone() == ("alice",)  # "$user" comes first
        with pytest.raises(psycopg.errors.UndefinedObject, match='role "bob" does not exist'):
            c.execute("CREATE SCHEMA b AUTHORIZATION bob")
