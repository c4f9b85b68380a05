"""psql (postgresql-client) against both targets: connect, \\dt, \\d table, \\l, \\df+, \\dT, \\dp, \\dx, a query, \\copy.
psql builds these from pg_catalog queries, so its output is the test of what dotdo's catalog answers."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("psql") is None, reason="psql (postgresql-client) is not installed")

SCHEMA = [
    "CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL, email varchar(40) UNIQUE, "
    "rating numeric(4,1) DEFAULT 0, CHECK (length(name) > 0))",
    "CREATE TABLE books (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "author_id int REFERENCES authors(id) ON DELETE CASCADE, title text, published date)",
    "CREATE INDEX books_title ON books (title)",
]


def psql(dsn: str, *commands: str, stdin: str | None = None) -> str:
    args = ["psql", dsn, "-X", "-v", "ON_ERROR_STOP=1"]
    for c in commands:
        args += ["-c", c]
    env = dict(os.environ, PGSSLMODE="disable", PAGER="", PGTZ="UTC")
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def library(conn):
    for sql in SCHEMA:
        conn.execute(sql)
    return conn


def test_psql_describes_a_table_with_keys_checks_and_referencing_tables(library, dsn):
    assert psql(dsn, r"\d authors") == '''\
                                   Table "public.authors"
 Column |         Type          | Collation | Nullable |               Default               
--------+-----------------------+-----------+----------+-------------------------------------
 id     | integer               |           | not null | nextval('authors_id_seq'::regclass)
 name   | text                  |           | not null | 
 email  | character varying(40) |           |          | 
 rating | numeric(4,1)          |           |          | 0
Indexes:
    "authors_pkey" PRIMARY KEY, btree (id)
    "authors_email_key" UNIQUE CONSTRAINT, btree (email)
Check constraints:
    "authors_name_check" CHECK (length(name) > 0)
Referenced by:
    TABLE "books" CONSTRAINT "books_author_id_fkey" FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE

'''


def test_psql_describes_identity_columns_indexes_and_foreign_keys(library, dsn):
    assert psql(dsn, r"\d books") == '''\
                           Table "public.books"
  Column   |  Type   | Collation | Nullable |           Default            
-----------+---------+-----------+----------+------------------------------
 id        | bigint  |           | not null | generated always as identity
 author_id | integer |           |          | 
 title     | text    |           |          | 
 published | date    |           |          | 
Indexes:
    "books_pkey" PRIMARY KEY, btree (id)
    "books_title" btree (title)
Foreign-key constraints:
    "books_author_id_fkey" FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE

'''


def test_psql_describes_a_view(library, dsn):
    library.execute("CREATE VIEW named AS SELECT id, name FROM authors")
    assert psql(dsn, r"\d named") == '''\
                View "public.named"
 Column |  Type   | Collation | Nullable | Default 
--------+---------+-----------+----------+---------
 id     | integer |           |          | 
 name   | text    |           |          | 

'''


def test_psql_lists_tables_and_an_unknown_table_is_reported(library, dsn):
    assert psql(dsn, r"\dt") == '''\
          List of relations
 Schema |  Name   | Type  |  Owner   
--------+---------+-------+----------
 public | authors | table | postgres
 public | books   | table | postgres
(2 rows)

'''
    args = ["psql", dsn, "-X", "-c", r"\d nosuch"]
    done = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, PGSSLMODE="disable"), timeout=60)
    assert done.stderr == 'Did not find any relation named "nosuch".\n'


def test_psql_lists_databases_with_owner_and_encoding(library, dsn):
    out = psql(dsn, r"\l")
    lines = out.splitlines()
    assert lines[0].strip() == "List of databases"
    assert [c.strip() for c in lines[1].split("|")] == ["Name", "Owner", "Encoding", "Collate", "Ctype", "ICU Locale",
                                                       "Locale Provider", "Access privileges"]
    current = library.info.dbname
    row = next(line for line in lines if line.split("|")[0].strip() == current)
    assert [c.strip() for c in row.split("|")][1:3] == ["postgres", "UTF8"]


def test_psql_lists_the_template_databases_with_their_privileges_and_descriptions(dsn):
    lines = psql(dsn, r"\l+").splitlines()
    rows = {}
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.split("|")]
        if cells[0] in ("template0", "template1"):
            more = [c.strip() for c in lines[i + 1].split("|")]  # the ACL's second item wraps
            # Collate/Ctype differ (dotdo: C, this PostgreSQL: C.UTF-8) and so do sizes: not compared
            rows[cells[0]] = (cells[1], cells[2], cells[6], cells[7].rstrip("+").strip() + " " + more[7],
                              cells[9], cells[10])
    assert rows == {
        "template0": ("postgres", "UTF8", "libc", "=c/postgres postgres=CTc/postgres", "pg_default",
                      "unmodifiable empty database"),
        "template1": ("postgres", "UTF8", "libc", "=c/postgres postgres=CTc/postgres", "pg_default",
                      "default template for new databases")}


def test_psql_query_and_copy_round_trip(library, dsn, tmp_path):
    source = tmp_path / "authors.csv"
    source.write_text("Ada,ada@example.com\nGrace,\n")
    psql(dsn, rf"\copy authors (name, email) FROM '{source}' WITH (FORMAT csv)")
    assert psql(dsn, "SELECT id, name, email, rating FROM authors ORDER BY id") == '''\
 id | name  |      email      | rating 
----+-------+-----------------+--------
  1 | Ada   | ada@example.com |    0.0
  2 | Grace |                 |    0.0
(2 rows)

'''
    assert psql(dsn, r"\copy (SELECT name, email FROM authors ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)") == \
        "name,email\nAda,ada@example.com\nGrace,\n"


def test_psql_lists_roles_with_their_attributes(dsn):
    import re
    out = psql(dsn, r"\du")
    assert re.search(r"^ postgres\s+\| Superuser, Create role, Create DB, Replication, Bypass RLS\s+\| \{\}$", out, re.M), out


def test_psql_lists_tables_and_indexes_with_their_sizes(library, dsn):
    import re
    tables = psql(dsn, r"\dt+")
    for name in ("authors", "books"):
        assert re.search(rf"^ public\s+\| {name}\s+\| table \| postgres \| permanent\s+\| heap\s+\| \d+ (bytes|kB)\s+\|", tables, re.M), tables
    indexes = psql(dsn, r"\di+ books_title")
    assert re.search(r"^ public\s+\| books_title \| index \| postgres \| books \| permanent\s+\| btree\s+\| \d+ (bytes|kB)\s+\|", indexes, re.M), indexes


def test_psql_lists_no_user_functions(library, dsn):
    # CREATE FUNCTION is refused by dotdo, so a database's own functions are always this empty list
    expected = '''\
                       List of functions
 Schema | Name | Result data type | Argument data types | Type 
--------+------+------------------+---------------------+------
(0 rows)

'''
    assert psql(dsn, r"\df") == expected
    assert psql(dsn, r"\df public.*") == expected
    assert psql(dsn, r"\dfa") == expected


def test_psql_lists_databases_with_size_and_tablespace(library, dsn):
    import re
    lines = psql(dsn, r"\l+").splitlines()
    assert [c.strip() for c in lines[1].split("|")] == ["Name", "Owner", "Encoding", "Collate", "Ctype", "ICU Locale",
                                                       "Locale Provider", "Access privileges", "Size", "Tablespace",
                                                       "Description"]
    row = next(line for line in lines if line.split("|")[0].strip() == library.info.dbname)
    cells = [c.strip() for c in row.split("|")]
    assert cells[1:3] == ["postgres", "UTF8"] and cells[9:] == ["pg_default", ""]
    assert re.fullmatch(r"\d+ (bytes|kB|MB)", cells[8]), row


def test_psql_lists_schemas_with_owner_privileges_and_description(dsn):
    assert psql(dsn, r"\dn") == '''\
      List of schemas
  Name  |       Owner       
--------+-------------------
 public | pg_database_owner
(1 row)

'''
    assert psql(dsn, r"\dn+") == '''\
                                       List of schemas
  Name  |       Owner       |           Access privileges            |      Description       
--------+-------------------+----------------------------------------+------------------------
 public | pg_database_owner | pg_database_owner=UC/pg_database_owner+| standard public schema
        |                   | =U/pg_database_owner                   | 
(1 row)

'''


def test_psql_lists_functions_with_their_details_as_the_empty_list(library, dsn):
    # \df+ also joins pg_language and asks for owner, security, privileges and source of each function
    assert psql(dsn, r"\df+") == '''\
                                                                          List of functions
 Schema | Name | Result data type | Argument data types | Type | Volatility | Parallel | Owner | Security | Access privileges | Language | Source code | Description 
--------+------+------------------+---------------------+------+------------+----------+-------+----------+-------------------+----------+-------------+-------------
(0 rows)

'''


def test_psql_lists_a_user_enum_type_with_its_labels(library, dsn):
    library.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')")
    expected = '''\
     List of data types
 Schema | Name | Description 
--------+------+-------------
 public | mood | 
(1 row)

'''
    assert psql(dsn, r"\dT") == expected
    assert psql(dsn, r"\dT mood") == expected
    assert psql(dsn, r"\dT+") == '''\
                                      List of data types
 Schema | Name | Internal name | Size | Elements |  Owner   | Access privileges | Description 
--------+------+---------------+------+----------+----------+-------------------+-------------
 public | mood | mood          | 4    | sad     +| postgres |                   | 
        |      |               |      | ok      +|          |                   | 
        |      |               |      | happy    |          |                   | 
(1 row)

'''


def test_psql_lists_access_privileges_of_tables_views_and_sequences(library, dsn):
    # no GRANT (dotdo refuses it): every relation has its owner's default privileges, an empty cell
    library.execute("CREATE VIEW named AS SELECT id, name FROM authors")
    assert psql(dsn, r"\dp") == '''\
                                   Access privileges
 Schema |      Name      |   Type   | Access privileges | Column privileges | Policies 
--------+----------------+----------+-------------------+-------------------+----------
 public | authors        | table    |                   |                   | 
 public | authors_id_seq | sequence |                   |                   | 
 public | books          | table    |                   |                   | 
 public | books_id_seq   | sequence |                   |                   | 
 public | named          | view     |                   |                   | 
(5 rows)

'''
    assert psql(dsn, r"\dp books") == '''\
                             Access privileges
 Schema | Name  | Type  | Access privileges | Column privileges | Policies 
--------+-------+-------+-------------------+-------------------+----------
 public | books | table |                   |                   | 
(1 row)

'''


def _listing(out: str) -> tuple[str, list[str], list[list[str]]]:
    """psql's aligned output as (title, column names, rows), to compare listings whose widths differ."""
    lines = out.splitlines()
    rows = [[c.strip() for c in line.split("|")] for line in lines[3:] if "|" in line]
    return lines[0].strip(), [c.strip() for c in lines[1].split("|")], rows


@pytest.mark.known_difference("PostgreSQL lists PL/pgSQL, installed in every database; dotdo runs no "
                              "extension code and lists none (CREATE EXTENSION answers 0A000)")
def test_psql_lists_installed_extensions(library, dsn):
    title, header, rows = _listing(psql(dsn, r"\dx"))
    assert (title, header) == ("List of installed extensions", ["Name", "Version", "Schema", "Description"])
    assert [r for r in rows if r[0] != "plpgsql"] == []  # the test installs none: only built-in ones differ
    assert _listing(psql(dsn, r"\dx pgcrypto")) == (title, header, [])
