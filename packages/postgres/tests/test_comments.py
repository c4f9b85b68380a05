"""COMMENT ON in dotdo's own storage: comments persist in the data directory, where another
process reads them from the shard (the conformance suite covers what PostgreSQL answers:
conformance/postgres/test_comments.py and the comment_* cases)."""
from __future__ import annotations

import subprocess
import sys

import dotdo_postgres

_READ = """
SELECT (SELECT obj_description('t'::regclass, 'pg_class')), (SELECT col_description('t'::regclass, 1)),
       (SELECT obj_description('t_pkey'::regclass, 'pg_class')),
       (SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conname = 't_pkey'),
       (SELECT obj_description('s'::regclass, 'pg_class')),
       (SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'app'),
       (SELECT obj_description(oid, 'pg_type') FROM pg_type WHERE typname = 'mood'),
       (SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'public'),
       (SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database())
"""
_EXPECTED = ("table", "column", "index", "constraint", "sequence", "schema", "type", None, "database")


def test_comments_persist_in_the_data_directory(tmp_path):
    data = str(tmp_path)
    with dotdo_postgres.connect(data=data, autocommit=True) as c:
        for sql in ["CREATE TABLE t (id int PRIMARY KEY)", "CREATE SEQUENCE s", "CREATE SCHEMA app",
                    "CREATE TYPE mood AS ENUM ('ok')", "COMMENT ON TABLE t IS 'table'",
                    "COMMENT ON COLUMN t.id IS 'column'", "COMMENT ON INDEX t_pkey IS 'index'",
                    "COMMENT ON CONSTRAINT t_pkey ON t IS 'constraint'", "COMMENT ON SEQUENCE s IS 'sequence'",
                    "COMMENT ON SCHEMA app IS 'schema'", "COMMENT ON TYPE mood IS 'type'",
                    "COMMENT ON SCHEMA public IS NULL", "COMMENT ON DATABASE postgres IS 'database'"]:
            c.execute(sql)
        assert c.execute(_READ).fetchone() == _EXPECTED
    # another process opens the directory afresh: the catalog loads the comments from the shard
    script = ("import dotdo_postgres, sys\n"
              "c = dotdo_postgres.connect(data=sys.argv[1], autocommit=True)\n"
              f"print(c.execute({_READ!r}).fetchone())\n")
    done = subprocess.run([sys.executable, "-c", script, data], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr(_EXPECTED)
