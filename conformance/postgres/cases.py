"""Statement cases: (id, setup statements, statement, parameters). Each runs on a clean schema
through the genuine psycopg client; its outcome (column names, rows with their Python types,
rowcount, status, or the error's SQLSTATE, class and message) must equal the expected one in
expected.py, which was recorded from PostgreSQL 15 (regenerate with
`python -m conformance.postgres.record` against a real server, then review the diff)."""
from __future__ import annotations

import datetime
from typing import Any

import psycopg

USERS = [
    "CREATE TABLE users (id serial PRIMARY KEY, email varchar(50) NOT NULL UNIQUE, name text, "
    "age int CHECK (age >= 0), balance numeric(10,2) DEFAULT 0, active boolean DEFAULT true)",
    "INSERT INTO users (email, name, age, balance, active) VALUES "
    "('ada@x.com', 'Ada', 36, 100.50, true), ('bob@x.com', 'Bob', 25, 0, false), "
    "('cy@x.com', 'Cy', NULL, 12.25, true), ('di@x.com', 'Di', 41, 7, true)",
]
ORDERS = USERS + [
    "CREATE TABLE orders (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE, "
    "total numeric(10,2) NOT NULL, status text DEFAULT 'new')",
    "INSERT INTO orders (user_id, total, status) VALUES (1, 10.00, 'paid'), (1, 5.50, 'new'), "
    "(2, 20.00, 'paid'), (4, 1.25, 'void')",
]
SALES = [
    "CREATE TABLE sales (region text, product text, qty int, price numeric(8,2))",
    "INSERT INTO sales VALUES ('east', 'a', 1, 2.50), ('east', 'b', 2, 3.00), ('west', 'a', 3, 2.50), "
    "('west', 'a', 4, 1.25), (NULL, 'c', 5, 1.00)",
]
ITEMS = [
    "CREATE TABLE items (sku text PRIMARY KEY, qty int NOT NULL DEFAULT 0, price numeric(8,2), "
    "updated_at timestamp)",
    "INSERT INTO items VALUES ('a', 1, 1.00, '2024-01-01 00:00:00'), ('b', 2, 2.50, NULL)",
]
TYPES = [
    "CREATE TABLE t (i2 smallint, i4 integer, i8 bigint, num numeric, num52 numeric(5,2), f4 real, "
    "f8 double precision, b boolean, tx text, vc varchar(5), ch char(3), by bytea, d date, tm time, "
    "ts timestamp, tstz timestamptz, u uuid, j json, jb jsonb)",
]
DOCS = [
    "CREATE TABLE docs (id int PRIMARY KEY, body jsonb NOT NULL)",
    """INSERT INTO docs VALUES (1, '{"name": "ada", "tags": ["x", "y"], "n": 3, "nested": {"k": "v"}}'),
    (2, '{"name": "bob", "tags": [], "n": 5.5, "flag": true}'), (3, '[1, 2, 3]')""",
]
EMP = [
    "CREATE TABLE emp (id int PRIMARY KEY, dept text, salary int, boss int)",
    "INSERT INTO emp VALUES (1, 'eng', 100, NULL), (2, 'eng', 80, 1), (3, 'ops', 70, 1), (4, 'ops', 70, 3), "
    "(5, 'eng', 120, 2), (6, 'hr', NULL, 1)",
]
SEQ = ["CREATE SEQUENCE s START 10 INCREMENT 5"]
IVAL = ["CREATE TABLE j (id int PRIMARY KEY, d interval, dn interval NOT NULL DEFAULT '1 hour', started timestamp)",
        "INSERT INTO j (id, d, started) VALUES (1, '1 mon', '2024-01-31'), (2, '30 days', '2024-01-01'), "
        "(3, '1 day 02:00', '2024-02-01 10:00'), (4, NULL, NULL), (5, '-1 year 2 mons', '2024-03-01')"]
RENAME_FK = ["CREATE TABLE a (id int PRIMARY KEY, o text)", "INSERT INTO a VALUES (1, 'x')",
             "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id) ON DELETE CASCADE CHECK (a_id > 0))"]
EXPRIX = ["CREATE TABLE people (email text NOT NULL, n int)", "CREATE UNIQUE INDEX people_email_lower ON people (lower(email))",
          "INSERT INTO people (email, n) VALUES ('Ann@x.com', 1)"]

Case = tuple[str, list[str], str, Any]

CASES: list[Case] = [
    # -- literals and expressions -----------------------------------------------------
    ("select_one", [], "SELECT 1", None),
    ("select_literals", [], "SELECT 1 AS a, 'x' AS b, 2.50 AS c, true AS d, NULL AS e", None),
    ("select_unnamed_columns", [], "SELECT 1, 'x', 1 + 1", None),
    ("select_big_int_literal", [], "SELECT 3000000000", None),
    ("select_numeric_literal_scale", [], "SELECT 1.10 + 2.205", None),
    ("integer_division_truncates", [], "SELECT 7 / 2, -7 / 2, 7 % 3", None),
    ("division_by_zero", [], "SELECT 1 / 0", None),
    ("numeric_division_by_zero", [], "SELECT 1.5 / 0", None),
    ("numeric_division_scale", [], "SELECT 1.0 / 3, 10 / 4.0", None),
    ("float_arithmetic", [], "SELECT 1.5::float8 * 2, 0.1::float8 + 0.2::float8", None),
    ("cast_numeric_to_int_rounds", [], "SELECT 3.7::int, 2.5::int, (-2.5)::int", None),
    ("cast_text_to_int", [], "SELECT '42'::int, ' 7 '::integer", None),
    ("cast_bad_text_to_int", [], "SELECT 'abc'::int", None),
    ("cast_bad_text_to_numeric", [], "SELECT 'x1'::numeric", None),
    ("cast_int_to_text", [], "SELECT 42::text, 4.50::text", None),
    ("cast_bool_to_text", [], "SELECT true::text, false::text", None),
    ("cast_text_to_bool", [], "SELECT 'yes'::boolean, 'f'::boolean, 'on'::bool", None),
    ("cast_bad_bool", [], "SELECT 'maybe'::boolean", None),
    ("cast_to_varchar_truncates", [], "SELECT 'abcdef'::varchar(3)", None),
    ("cast_int_overflow", [], "SELECT 3000000000::int", None),
    ("cast_smallint_overflow", [], "SELECT 40000::smallint", None),
    ("string_concat", [], "SELECT 'a' || 'b' || 'c', 'n' || NULL", None),
    ("concat_function_skips_null", [], "SELECT concat('a', NULL, 'b', 1)", None),
    ("upper_lower_length", [], "SELECT upper('abc'), lower('ABC'), length('héllo')", None),
    ("substring_and_position", [], "SELECT substring('hello' from 2 for 3), position('l' in 'hello')", None),
    ("trim_functions", [], "SELECT trim('  x  '), ltrim('xxa', 'x'), rtrim('axx', 'x')", None),
    ("replace_function", [], "SELECT replace('a-b-c', '-', '+')", None),
    ("lpad_rpad", [], "SELECT lpad('7', 3, '0'), rpad('ab', 4, '.'), lpad('abcd', 2)", None),
    ("split_part", [], "SELECT split_part('a,b,c', ',', 2), split_part('a,b', ',', 5)", None),
    ("initcap", [], "SELECT initcap('hello wORLD')", None),
    ("like_is_case_sensitive", [], "SELECT 'Abc' LIKE 'a%', 'abc' LIKE 'a%', 'abc' NOT LIKE '%z'", None),
    ("ilike", [], "SELECT 'Abc' ILIKE 'a%', 'xyz' ILIKE 'A%'", None),
    ("regex_match", [], "SELECT 'abc123' ~ '[0-9]+$', 'ABC' ~* 'abc', 'abc' !~ 'z'", None),
    ("coalesce_nullif", [], "SELECT coalesce(NULL, 2, 3), nullif(1, 1), nullif(1, 2)", None),
    ("case_expression", [], "SELECT CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' ELSE 'c' END", None),
    ("greatest_least", [], "SELECT greatest(1, 5, 3), least(4, 2, 8)", None),
    ("abs_round", [], "SELECT abs(-5), round(2.567, 2), round(2.5)", None),
    ("ceil_floor_numeric", [], "SELECT ceil(1.2), floor(-1.2)", None),
    ("boolean_logic", [], "SELECT true AND NULL, false AND NULL, true OR NULL, NOT true", None),
    ("is_distinct_from", [], "SELECT 1 IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM NULL", None),
    ("between_in", [], "SELECT 5 BETWEEN 1 AND 10, 3 IN (1, 2, 3), 4 NOT IN (1, 2)", None),
    ("null_comparison", [], "SELECT NULL = NULL, NULL IS NULL, 1 IS NOT NULL", None),
    ("param_int", [], "SELECT %s + 1", (41,)),
    ("param_text", [], "SELECT %s || '!'", ("hi",)),
    ("param_typed_cast", [], "SELECT %s::int * 2", ("21",)),
    ("param_none", [], "SELECT %s::text IS NULL", (None,)),
    ("param_big_int", [], "SELECT %s::bigint", (2**40,)),
    ("param_float", [], "SELECT %s::float8 / 2", (3.0,)),
    ("param_bool", [], "SELECT NOT %s::boolean", (True,)),
    # parameters with nothing between them and the next token ($1,$2 once parsed as a dollar quote)
    ("param_glued_pair", [], "SELECT %s,%s", ("a", "b")),
    ("param_glued_casts", [], "SELECT %s::int,%s::int+1", ("1", "2")),
    ("param_glued_array", [], "SELECT ARRAY[%s,%s]::int[]", (1, 2)),
    ("param_glued_concat", [], "SELECT %s||%s", ("a", "b")),
    ("param_glued_literal_kept", [], "SELECT 'cost $1,$2' || %s,%s", ("!", "b")),
    ("param_glued_dollar_body_kept", [], "SELECT $q$x$1,$2$q$,%s", ("b",)),
    # times sent as psycopg sends them (binary), and forced binary
    ("param_time", [], "SELECT %s::time, %s", (datetime.time(12, 30), datetime.time(1, 2, 3, 456789))),
    ("param_time_binary", [], "SELECT %b, %b", (datetime.time(0, 0), datetime.time(23, 59, 59, 999999))),
    ("param_date_time_timestamp", [], "SELECT %s::date, %s::time, %s::timestamp",
     (datetime.date(2024, 2, 29), datetime.time(12, 30), datetime.datetime(2024, 1, 1, 1, 2, 3, 456789))),
    # unquoted names fold to lower case; quoted ones keep theirs
    ("ident_fold_create_and_query", ["CREATE TABLE Users (Id int PRIMARY KEY, Name text)", "INSERT INTO users VALUES (1, 'a')"],
     "SELECT ID, NAME, U.id AS Total FROM USERS u", None),
    ("ident_fold_alias", [], "SELECT 1 AS Total, 2 AS \"Kept\"", None),
    ("ident_fold_excluded_upper", ["CREATE TABLE kv (k int PRIMARY KEY, v text)", "INSERT INTO kv VALUES (1, 'a')"],
     "INSERT INTO kv VALUES (%s,%s) ON CONFLICT (k) DO UPDATE SET v=EXCLUDED.v RETURNING k,v", (1, "b")),
    ("ident_fold_quoted_table_missing", ["CREATE TABLE \"Caps\" (x int)"], "SELECT x FROM Caps", None),
    ("ident_fold_quoted_table_found", ["CREATE TABLE \"Caps\" (x int)", "INSERT INTO \"Caps\" VALUES (1)"], "SELECT x FROM \"Caps\"", None),
    ("ident_fold_upper_quoted_missing", ["CREATE TABLE caps2 (x int)"], "SELECT x FROM \"CAPS2\"", None),
    # aggregates with ORDER BY keep their argument's type (json values stay json, not text)
    ("agg_order_jsonb_agg_objects", [], "SELECT jsonb_agg(jsonb_build_object('a', x) ORDER BY x DESC) FROM (VALUES (1), (2)) v(x)", None),
    ("agg_order_json_agg_objects", [], "SELECT json_agg(json_build_object('a', x) ORDER BY x DESC) FROM (VALUES (1), (2)) v(x)", None),
    ("agg_order_jsonb_agg_nulls_last", [], "SELECT jsonb_agg(x ORDER BY x) FROM (VALUES (1), (NULL), (2)) v(x)", None),
    ("agg_order_array_agg_jsonb", [], "SELECT array_agg(jsonb_build_object('a', x) ORDER BY x DESC) FROM (VALUES (1), (2)) v(x)", None),
    ("agg_order_jsonb_object_agg_values", [], "SELECT jsonb_object_agg(k, jsonb_build_object('v', x) ORDER BY x) FROM (VALUES ('a', 1), ('b', 2)) v(k, x)", None),
    # expression indexes: unique on an expression, used by queries and ON CONFLICT, named and shown as PostgreSQL does
    ("exprindex_unique_violation", EXPRIX, "INSERT INTO people (email, n) VALUES ('ANN@X.COM', 2)", None),
    ("exprindex_unique_violation_update", EXPRIX + ["INSERT INTO people (email, n) VALUES ('bob@x.com', 1)"],
     "UPDATE people SET email = 'Ann@x.com' WHERE email = 'bob@x.com'", None),
    ("exprindex_query", EXPRIX, "SELECT email FROM people WHERE lower(email) = 'ann@x.com'", None),
    ("exprindex_upsert_update", EXPRIX,
     "INSERT INTO people (email, n) VALUES ('ANN@x.com', 5) ON CONFLICT (lower(email)) DO UPDATE SET n = people.n + excluded.n RETURNING email, n", None),
    ("exprindex_upsert_nothing", EXPRIX, "INSERT INTO people (email, n) VALUES ('ANN@x.com', 5) ON CONFLICT (lower(email)) DO NOTHING", None),
    ("exprindex_upsert_no_match", EXPRIX, "INSERT INTO people (email, n) VALUES ('x', 5) ON CONFLICT (upper(email)) DO NOTHING", None),
    ("exprindex_two_keys_violation", ["CREATE TABLE people (email text, n int)", "CREATE UNIQUE INDEX ON people (lower(email), n)",
                                      "INSERT INTO people VALUES ('a', 1)"], "INSERT INTO people VALUES ('A', 1)", None),
    ("exprindex_arith_violation", ["CREATE TABLE nums (n int)", "CREATE UNIQUE INDEX nums_twice ON nums ((n * 2))",
                                   "INSERT INTO nums VALUES (2)"], "INSERT INTO nums VALUES (2)", None),
    ("exprindex_default_names", ["CREATE TABLE people (email text, n int)", "CREATE INDEX ON people (lower(email))",
                                 "CREATE INDEX ON people ((n + 1))"],
     "SELECT c.relname FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE i.indrelid = 'people'::regclass ORDER BY 1", None),
    ("exprindex_indexdef_key", EXPRIX,
     "SELECT pg_get_indexdef(i.indexrelid, 1, true), i.indkey::text FROM pg_index i WHERE i.indrelid = 'people'::regclass", None),
    ("exprindex_not_immutable", ["CREATE TABLE people (email text, seen timestamptz)"], "CREATE INDEX ON people ((now()))", None),
    # ALTER COLUMN SET/DROP DEFAULT and SET/DROP NOT NULL (what migrations emit)
    ("alter_set_default", ["CREATE TABLE t (id int, m int)", "ALTER TABLE t ALTER COLUMN m SET DEFAULT 5"],
     "INSERT INTO t (id) VALUES (1) RETURNING m", None),
    ("alter_set_default_expression", ["CREATE TABLE t (id int, m text)", "ALTER TABLE t ALTER COLUMN m SET DEFAULT 'a' || 'b'"],
     "INSERT INTO t (id) VALUES (1) RETURNING m", None),
    ("alter_drop_default", ["CREATE TABLE t (id int, m int DEFAULT 3)", "ALTER TABLE t ALTER COLUMN m DROP DEFAULT"],
     "INSERT INTO t (id) VALUES (1) RETURNING m", None),
    ("alter_set_default_catalog", ["CREATE TABLE t (id int, m int)", "ALTER TABLE t ALTER COLUMN m SET DEFAULT 5"],
     "SELECT column_default FROM information_schema.columns WHERE table_name = 't' AND column_name = 'm'", None),
    ("alter_set_default_column_reference", ["CREATE TABLE t (id int, m int)"], "ALTER TABLE t ALTER COLUMN m SET DEFAULT id + 1", None),
    ("alter_set_not_null_over_nulls", ["CREATE TABLE t (id int, m int)", "INSERT INTO t VALUES (1, NULL)"],
     "ALTER TABLE t ALTER COLUMN m SET NOT NULL", None),
    ("alter_set_not_null_enforced", ["CREATE TABLE t (id int, m int)", "ALTER TABLE t ALTER COLUMN m SET NOT NULL"],
     "INSERT INTO t VALUES (1, NULL)", None),
    ("alter_drop_not_null", ["CREATE TABLE t (id int, m int NOT NULL)", "ALTER TABLE t ALTER COLUMN m DROP NOT NULL"],
     "INSERT INTO t VALUES (1, NULL) RETURNING id, m", None),
    ("alter_drop_not_null_primary_key", ["CREATE TABLE t (id int PRIMARY KEY)"], "ALTER TABLE t ALTER COLUMN id DROP NOT NULL", None),
    ("alter_not_null_keeps_constraints", ["CREATE TABLE t (id int PRIMARY KEY, m int CHECK (m > 0), u text UNIQUE)",
                                          "INSERT INTO t VALUES (1, 1, 'a')", "ALTER TABLE t ALTER COLUMN m SET NOT NULL"],
     "INSERT INTO t VALUES (2, 1, 'a')", None),
    # x op ALL / ANY (subquery), with NULLs and empty subqueries
    ("quantified_all_subquery", SALES, "SELECT qty FROM sales WHERE qty > ALL (SELECT qty FROM sales WHERE region = 'east') ORDER BY qty", None),
    ("quantified_any_subquery", SALES, "SELECT qty FROM sales WHERE price < ANY (SELECT price FROM sales WHERE region = 'east') ORDER BY qty", None),
    ("quantified_all_with_null", [], "SELECT 5 >= ALL (SELECT x FROM (VALUES (1), (NULL)) v(x)), 0 >= ALL (SELECT x FROM (VALUES (1), (NULL)) v(x))", None),
    ("quantified_any_with_null", [], "SELECT 5 <= ANY (SELECT x FROM (VALUES (1), (NULL)) v(x)), 0 <= ANY (SELECT x FROM (VALUES (1), (NULL)) v(x))", None),
    ("quantified_empty_subquery", [], "SELECT 1 > ALL (SELECT 2 WHERE false), 1 > ANY (SELECT 2 WHERE false)", None),
    ("quantified_correlated", SALES, "SELECT s.qty FROM sales s WHERE s.qty >= ALL (SELECT t.qty FROM sales t WHERE t.region = s.region) ORDER BY 1", None),
    ("quantified_too_many_columns", SALES, "SELECT 1 > ALL (SELECT qty, price FROM sales)", None),
    ("exists_empty_select_list", SALES, "SELECT EXISTS (SELECT FROM sales WHERE qty > 4), NOT EXISTS(SELECT FROM sales WHERE qty > 5)", None),
    # RENAME COLUMN of tables with checks and foreign keys: the constraints follow the new name
    ("rename_column_check_follows", ["CREATE TABLE a (id int PRIMARY KEY, o text CHECK (length(o) < 5))",
                                     "ALTER TABLE a RENAME COLUMN o TO p"], "INSERT INTO a VALUES (1, 'toolong')", None),
    ("rename_column_fk_child", RENAME_FK + ["ALTER TABLE b RENAME COLUMN a_id TO ref"], "INSERT INTO b VALUES (1, 9)", None),
    ("rename_column_fk_parent", RENAME_FK + ["ALTER TABLE a RENAME COLUMN id TO aid"], "INSERT INTO b VALUES (1, 9)", None),
    ("rename_column_fk_cascade", RENAME_FK + ["ALTER TABLE a RENAME COLUMN id TO aid", "INSERT INTO b VALUES (1, 1)",
                                              "DELETE FROM a WHERE aid = 1"], "SELECT count(*) FROM b", None),
    ("rename_column_constraintdefs", RENAME_FK + ["ALTER TABLE a RENAME COLUMN id TO aid", "ALTER TABLE b RENAME COLUMN a_id TO ref"],
     "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN ('a'::regclass, 'b'::regclass) AND contype <> 'c' ORDER BY 1", None),
    ("rename_column_view_keeps_names", RENAME_FK + ["CREATE VIEW va AS SELECT id, o FROM a", "ALTER TABLE a RENAME COLUMN o TO p"],
     "SELECT * FROM va", None),
    # interval columns: stored, compared by span ('1 mon' = '30 days'), ordered, grouped, unique, summed
    ("interval_column_roundtrip", IVAL, "SELECT id, d, dn FROM j ORDER BY id", None),
    ("interval_column_order", IVAL, "SELECT id FROM j ORDER BY d NULLS FIRST, id", None),
    ("interval_column_equal_spans", IVAL, "SELECT id FROM j WHERE d = interval '1 month' ORDER BY id", None),
    ("interval_column_group", IVAL, "SELECT d, count(*) FROM j GROUP BY d ORDER BY d", None),
    ("interval_column_aggregates", IVAL, "SELECT min(d), max(d), sum(d), avg(d) FROM j", None),
    ("interval_column_arithmetic", IVAL, "SELECT started + d, d * 2, -d FROM j WHERE id IN (1, 3) ORDER BY id", None),
    ("interval_column_unique_span", ["CREATE TABLE k (d interval UNIQUE)", "INSERT INTO k VALUES ('1 mon')"],
     "INSERT INTO k VALUES ('30 days')", None),
    ("interval_column_bad_input", IVAL, "INSERT INTO j (id, d) VALUES (9, 'nonsense')", None),
    ("interval_column_param", IVAL, "INSERT INTO j (id, d) VALUES (%s, %s) RETURNING d", (9, datetime.timedelta(days=2, seconds=30))),
    ("interval_sum_avg_values", [], "SELECT sum(x), avg(x) FROM (VALUES (interval '1 day'), (interval '2 hours'), (NULL::interval)) v(x)", None),
    ("interval_sum_window", [], "SELECT sum(x) OVER (ORDER BY i ROWS 1 PRECEDING), avg(x) OVER (ORDER BY i ROWS 1 PRECEDING) "
                                "FROM (VALUES (1, interval '1 mon'), (2, interval '1 day'), (3, interval '1 hour')) v(i, x) ORDER BY i", None),
    # what Django's migrations and bulk inserts send
    ("alter_type_varchar_longer", ["CREATE TABLE t (id int PRIMARY KEY, name varchar(5))", "INSERT INTO t VALUES (1, 'abcde')",
                                   "ALTER TABLE t ALTER COLUMN name TYPE varchar(255)"],
     "INSERT INTO t VALUES (2, 'abcdefghij') RETURNING name", None),
    ("alter_type_varchar_too_short", ["CREATE TABLE t (id int PRIMARY KEY, name varchar(10))", "INSERT INTO t VALUES (1, 'abcdefgh')"],
     "ALTER TABLE t ALTER COLUMN name TYPE varchar(5)", None),
    ("alter_type_int_narrowing", ["CREATE TABLE t (n int)", "INSERT INTO t VALUES (70000)"], "ALTER TABLE t ALTER COLUMN n TYPE smallint", None),
    ("alter_type_int_widening", ["CREATE TABLE t (id int PRIMARY KEY, n int)", "INSERT INTO t VALUES (1, 7)",
                                 "ALTER TABLE t ALTER COLUMN n TYPE bigint", "ALTER TABLE t ALTER COLUMN id TYPE bigint"],
     "SELECT id, n, pg_typeof(id), pg_typeof(n) FROM t", None),
    ("alter_type_numeric_scale", ["CREATE TABLE t (x numeric(8,3))", "INSERT INTO t VALUES (1.256), (NULL)",
                                  "ALTER TABLE t ALTER COLUMN x TYPE numeric(8,1)"], "SELECT x FROM t ORDER BY x", None),
    ("alter_type_int_to_numeric", ["CREATE TABLE t (s smallint)", "INSERT INTO t VALUES (5), (10)",
                                   "ALTER TABLE t ALTER COLUMN s TYPE numeric"], "SELECT s, s / 4 FROM t ORDER BY s DESC", None),
    ("alter_type_catalog", ["CREATE TABLE t (name varchar(10), n smallint)", "ALTER TABLE t ALTER COLUMN name TYPE varchar(99)",
                            "ALTER TABLE t ALTER COLUMN n TYPE int"],
     "SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position", None),
    ("index_pattern_ops", ["CREATE TABLE t (name varchar(20), code text)", "CREATE INDEX t_name_like ON t (name varchar_pattern_ops)",
                           "CREATE INDEX t_code_like ON t (code text_pattern_ops)", "INSERT INTO t VALUES ('abc', 'xyz')"],
     "SELECT name FROM t WHERE name LIKE 'ab%' AND code LIKE 'x%'", None),
    ("unnest_several_arrays", [], "SELECT * FROM unnest(ARRAY[1, 2, 3], ARRAY['a', 'b'])", None),
    ("unnest_several_with_ordinality", [], "SELECT * FROM unnest(ARRAY[1, 2], ARRAY['x', 'y']) WITH ORDINALITY AS t(n, s, o)", None),
    ("unnest_one_with_ordinality", [], "SELECT * FROM unnest(ARRAY[5, 6]) WITH ORDINALITY", None),
    ("unnest_ordinality_array_of_arrays", [], "SELECT * FROM unnest(ARRAY[[1,2],[3,4]]) WITH ORDINALITY", None),
    ("unnest_insert_select", ["CREATE TABLE p (id serial PRIMARY KEY, name varchar(50), ct int)"],
     "INSERT INTO p (name, ct) SELECT * FROM UNNEST((%s)::varchar[], (%s)::integer[]) RETURNING p.id, p.name, p.ct", (["a", "b"], [1, 2])),
    ("unnest_reads_earlier_from_item", ["CREATE TABLE p (id int PRIMARY KEY, a int, b int)", "CREATE INDEX p_a_b ON p (a, b)"],
     "SELECT c.relname, koi.key, koi.arridx FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid, "
     "unnest(i.indkey, i.indoption) WITH ORDINALITY koi(key, option, arridx) WHERE i.indrelid = 'p'::regclass ORDER BY 1, 3", None),
    ("constraint_conkey", ["CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (x int, y int REFERENCES a (id), UNIQUE (y, x), CHECK (x > 0))"],
     "SELECT contype, conkey::text, confkey::text FROM pg_constraint WHERE conrelid = 'b'::regclass ORDER BY contype", None),
    ("regtype_from_text", [], "SELECT 'int4'::regtype, 'integer'::regtype::oid, 'text[]'::regtype, 23::regtype", None),
    ("regtype_unknown_name", [], "SELECT 'nosuch'::regtype", None),
    ("syntax_error", [], "SELEC 1", None),
    ("column_of_a_table_not_in_from_is_a_missing_from_clause_entry", USERS, "SELECT nosuch.id FROM users", None),
    ("column_of_an_unknown_table_in_where_is_a_missing_from_clause_entry", USERS,
     "SELECT id FROM users WHERE nosuch.age > 1", None),
    ("column_qualified_by_an_outer_query_alias_resolves", ORDERS,
     "SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) FROM users u ORDER BY u.id", None),
    ("syntax_error_mid_statement", [], "SELECT 1 FROM WHERE", None),
    ("undefined_function", [], "SELECT no_such_function(1)", None),
    ("empty_select_values", [], "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(n, s) ORDER BY n DESC", None),
    ("generate_series", [], "SELECT x FROM generate_series(1, 5) AS x", None),
    ("generate_series_step", [], "SELECT * FROM generate_series(10, 1, -3)", None),
    ("version_is_postgresql", [], "SELECT version() LIKE 'PostgreSQL%'", None),
    ("current_schema", [], "SELECT current_schema()", None),
    ("current_setting_timezone", [], "SELECT current_setting('TimeZone') IS NOT NULL", None),
    ("current_setting_unknown", [], "SELECT current_setting('no.such_setting_x')", None),
    ("show_standard_conforming_strings", [], "SHOW standard_conforming_strings", None),
    ("show_integer_datetimes", [], "SHOW integer_datetimes", None),
    ("show_client_encoding", [], "SHOW client_encoding", None),
    ("show_unknown", [], "SHOW no_such_parameter", None),
    ("set_application_name", [], "SET application_name = 'conf'", None),
    ("set_unknown_parameter", [], "SET no_such_parameter = 1", None),
    ("set_custom_dotted_parameter", [], "SET myapp.tenant = 'a'", None),
    ("set_then_show", ["SET application_name TO 'abc'"], "SHOW application_name", None),
    # -- DDL ------------------------------------------------------------------------
    ("create_table", [], "CREATE TABLE a (id int)", None),
    ("create_table_twice", ["CREATE TABLE a (id int)"], "CREATE TABLE a (id int)", None),
    ("create_table_if_not_exists", ["CREATE TABLE a (id int)"], "CREATE TABLE IF NOT EXISTS a (id int)", None),
    ("create_table_duplicate_column", [], "CREATE TABLE a (id int, id text)", None),
    ("create_table_two_primary_keys", [], "CREATE TABLE a (x int PRIMARY KEY, y int PRIMARY KEY)", None),
    ("create_table_fk_to_missing_table", [], "CREATE TABLE a (x int REFERENCES nope(id))", None),
    ("create_table_fk_to_non_unique", ["CREATE TABLE p (id int, v int)"], "CREATE TABLE c (pid int REFERENCES p(id))", None),
    ("drop_table", ["CREATE TABLE a (id int)"], "DROP TABLE a", None),
    ("drop_missing_table", [], "DROP TABLE nope", None),
    ("drop_missing_table_if_exists", [], "DROP TABLE IF EXISTS nope", None),
    ("drop_referenced_table", ORDERS, "DROP TABLE users", None),
    ("drop_referenced_table_cascade", ORDERS + ["DROP TABLE users CASCADE"], "INSERT INTO orders (user_id, total) VALUES (999, 1) RETURNING user_id", None),
    ("dropped_table_is_gone", ["CREATE TABLE a (id int)", "DROP TABLE a"], "SELECT * FROM a", None),
    ("create_index", USERS, "CREATE INDEX users_name_idx ON users (name)", None),
    ("create_unique_index_enforced", USERS + ["CREATE UNIQUE INDEX users_name_uq ON users (name)"],
     "INSERT INTO users (email, name) VALUES ('z@x.com', 'Ada')", None),
    ("create_index_twice", USERS + ["CREATE INDEX ix ON users (name)"], "CREATE INDEX ix ON users (age)", None),
    ("create_index_if_not_exists", USERS + ["CREATE INDEX ix ON users (name)"], "CREATE INDEX IF NOT EXISTS ix ON users (age)", None),
    ("drop_index", USERS + ["CREATE INDEX ix ON users (name)"], "DROP INDEX ix", None),
    ("drop_missing_index", [], "DROP INDEX nope", None),
    ("partial_unique_index", ["CREATE TABLE a (x int, live boolean)", "CREATE UNIQUE INDEX a_live ON a (x) WHERE live",
                              "INSERT INTO a VALUES (1, false), (1, false), (1, true)"],
     "INSERT INTO a VALUES (1, true)", None),
    ("alter_add_column", USERS + ["ALTER TABLE users ADD COLUMN nick text DEFAULT 'n'"],
     "SELECT id, nick FROM users ORDER BY id", None),
    ("alter_add_existing_column", USERS, "ALTER TABLE users ADD COLUMN name text", None),
    ("alter_drop_column", USERS + ["ALTER TABLE users DROP COLUMN name"], "SELECT * FROM users WHERE id = 1", None),
    ("alter_rename_column", ITEMS + ["ALTER TABLE items RENAME COLUMN qty TO quantity"],
     "SELECT sku, quantity FROM items ORDER BY sku", None),
    ("truncate", ITEMS + ["TRUNCATE items"], "SELECT count(*) FROM items", None),
    ("truncate_referenced", ORDERS, "TRUNCATE users", None),
    ("truncate_cascade", ORDERS + ["TRUNCATE users CASCADE"], "SELECT count(*) FROM orders", None),
    ("truncate_restart_identity", USERS + ["TRUNCATE users RESTART IDENTITY CASCADE"],
     "INSERT INTO users (email) VALUES ('n@x.com') RETURNING id", None),
    ("information_schema_tables", USERS + ITEMS,
     "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name", None),
    ("information_schema_columns", USERS,
     "SELECT column_name, data_type, is_nullable, character_maximum_length, ordinal_position "
     "FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position", None),
    ("information_schema_columns_numeric", USERS,
     "SELECT column_name, numeric_precision, numeric_scale FROM information_schema.columns "
     "WHERE table_name = 'users' AND data_type = 'numeric'", None),
    ("information_schema_table_constraints", ORDERS,
     "SELECT constraint_name, constraint_type FROM information_schema.table_constraints "
     "WHERE table_name = 'orders' AND constraint_type <> 'CHECK' ORDER BY constraint_name", None),
    ("information_schema_key_columns", ORDERS,
     "SELECT constraint_name, column_name FROM information_schema.key_column_usage "
     "WHERE table_name = 'users' ORDER BY constraint_name", None),
    # -- INSERT ----------------------------------------------------------------------
    ("insert_rowcount", USERS, "INSERT INTO users (email) VALUES ('e@x.com'), ('f@x.com')", None),
    ("insert_returning_serial", USERS, "INSERT INTO users (email, name) VALUES ('e@x.com', 'E') RETURNING id, name", None),
    ("insert_returning_star", USERS, "INSERT INTO users (email) VALUES ('e@x.com') RETURNING *", None),
    ("insert_returning_expression", USERS, "INSERT INTO users (email, age) VALUES ('e@x.com', 20) RETURNING age * 2 AS double, upper(email)", None),
    ("insert_defaults_applied", USERS, "INSERT INTO users (email) VALUES ('e@x.com') RETURNING balance, active, name", None),
    ("insert_default_keyword", USERS, "INSERT INTO users (id, email) VALUES (DEFAULT, 'e@x.com') RETURNING id", None),
    ("insert_default_values", ["CREATE TABLE a (id serial PRIMARY KEY, v int DEFAULT 7)"], "INSERT INTO a DEFAULT VALUES RETURNING *", None),
    ("insert_without_column_list", ITEMS, "INSERT INTO items VALUES ('c', 3, 9.99, '2024-02-03 04:05:06') RETURNING *", None),
    ("insert_params", USERS, "INSERT INTO users (email, name, age) VALUES (%s, %s, %s) RETURNING id, email, age", ("p@x.com", "P", 30)),
    ("insert_params_glued", USERS, "INSERT INTO users(email,name,age) VALUES (%s,%s,%s) RETURNING id,email,age", ("g@x.com", "G", 31)),
    ("insert_select", USERS + ["CREATE TABLE names (n text)"], "INSERT INTO names SELECT name FROM users WHERE age > 30", None),
    ("integer_literal_past_bigint_is_an_exact_numeric", [],
     "SELECT 100000000000000000001 AS big, 100000000000000000001 + 1 AS plus, -100000000000000000001 AS neg, "
     "pg_typeof(9223372036854775808)::text AS t, pg_typeof(9223372036854775807)::text AS t8", None),
    ("integer_literal_past_bigint_is_stored_exactly",
     ["CREATE TABLE big (n numeric)", "INSERT INTO big VALUES (100000000000000000001)",
      "INSERT INTO big SELECT 100000000000000000002"], "SELECT n FROM big ORDER BY n", None),
    ("insert_select_takes_serial_ids_and_advances_the_sequence",
     ["CREATE TABLE ticket (id serial PRIMARY KEY, k int UNIQUE)",
      "INSERT INTO ticket (k) SELECT g FROM generate_series(1, 3) g"],
     "INSERT INTO ticket (k) VALUES (9) RETURNING id, k", None),
    ("insert_select_of_a_union_with_conflict_numbers_each_row",
     ["CREATE TABLE ticket (id serial PRIMARY KEY, k int UNIQUE)", "INSERT INTO ticket (k) VALUES (1)",
      "INSERT INTO ticket (k) SELECT 1 UNION SELECT 20 ON CONFLICT DO NOTHING",
      "INSERT INTO ticket (k) SELECT x FROM (VALUES (30), (31)) v(x) ORDER BY x DESC"],
     "SELECT id, k FROM ticket ORDER BY id", None),
    ("insert_select_from_a_with_query_takes_serial_ids",
     ["CREATE TABLE ticket (id serial PRIMARY KEY, k int)"],
     "WITH w AS (SELECT 50 AS x UNION ALL SELECT 51) INSERT INTO ticket (k) SELECT x FROM w ORDER BY x RETURNING id, k", None),
    ("insert_unique_violation", USERS, "INSERT INTO users (email) VALUES ('ada@x.com')", None),
    ("insert_pk_violation", ITEMS, "INSERT INTO items (sku) VALUES ('a')", None),
    ("insert_not_null_violation", USERS, "INSERT INTO users (name) VALUES ('x')", None),
    ("insert_explicit_null_violation", USERS, "INSERT INTO users (email) VALUES (NULL)", None),
    ("insert_check_violation", USERS, "INSERT INTO users (email, age) VALUES ('e@x.com', -1)", None),
    ("insert_fk_violation", ORDERS, "INSERT INTO orders (user_id, total) VALUES (99, 1)", None),
    ("insert_varchar_too_long", USERS, "INSERT INTO users (email) VALUES ('" + "x" * 60 + "')", None),
    ("insert_bad_integer_text", USERS, "INSERT INTO users (email, age) VALUES ('e@x.com', 'old')", None),
    ("insert_numeric_overflow", USERS, "INSERT INTO users (email, balance) VALUES ('e@x.com', 123456789.12)", None),
    ("insert_numeric_rounds_to_scale", USERS, "INSERT INTO users (email, balance) VALUES ('e@x.com', 1.005) RETURNING balance", None),
    ("insert_unknown_column", USERS, "INSERT INTO users (nope) VALUES (1)", None),
    ("insert_unknown_table", [], "INSERT INTO nope VALUES (1)", None),
    ("insert_too_many_values", ITEMS, "INSERT INTO items (sku) VALUES ('z', 1)", None),
    ("insert_failed_does_not_consume_rows", USERS + ["INSERT INTO users (email) VALUES ('n1@x.com'), ('ada@x.com')"],
     "SELECT count(*) FROM users", None),
    ("serial_after_failed_insert_skips_value", USERS + ["INSERT INTO users (email) VALUES ('ada@x.com')"],
     "INSERT INTO users (email) VALUES ('new@x.com') RETURNING id", None),
    ("multi_row_insert_one_bad_inserts_none", USERS + ["CREATE TABLE b (x int CHECK (x > 0))"],
     "INSERT INTO b VALUES (1), (2), (-3)", None),
    ("multi_row_insert_duplicate_within", ITEMS, "INSERT INTO items (sku) VALUES ('z'), ('z')", None),
    ("on_conflict_do_nothing", USERS, "INSERT INTO users (email) VALUES ('ada@x.com') ON CONFLICT DO NOTHING", None),
    ("on_conflict_target_do_nothing_returning", USERS,
     "INSERT INTO users (email) VALUES ('ada@x.com'), ('new@x.com') ON CONFLICT (email) DO NOTHING RETURNING email", None),
    ("on_conflict_do_update_excluded", ITEMS,
     "INSERT INTO items (sku, qty) VALUES ('a', 10) ON CONFLICT (sku) DO UPDATE SET qty = items.qty + excluded.qty RETURNING sku, qty", None),
    ("on_conflict_do_update_where", ITEMS,
     "INSERT INTO items (sku, qty) VALUES ('a', 10), ('b', 5) ON CONFLICT (sku) DO UPDATE SET qty = excluded.qty WHERE items.qty < 2 RETURNING sku, qty", None),
    ("on_conflict_on_constraint", USERS,
     "INSERT INTO users (email, name) VALUES ('ada@x.com', 'A2') ON CONFLICT ON CONSTRAINT users_email_key DO UPDATE SET name = excluded.name RETURNING id, name", None),
    ("on_conflict_no_matching_constraint", USERS,
     "INSERT INTO users (email, name) VALUES ('ada@x.com', 'x') ON CONFLICT (name) DO NOTHING", None),
    ("on_conflict_update_rowcount", ITEMS,
     "INSERT INTO items (sku, qty) VALUES ('a', 1), ('q', 1) ON CONFLICT (sku) DO UPDATE SET qty = 0", None),
    # -- UPDATE / DELETE ---------------------------------------------------------------
    ("update_rowcount", USERS, "UPDATE users SET active = false WHERE age > 30", None),
    ("update_no_rows", USERS, "UPDATE users SET name = 'x' WHERE id = 999", None),
    ("update_returning", USERS, "UPDATE users SET balance = balance + 1.25 WHERE id = 1 RETURNING id, balance", None),
    ("update_expression_numeric", USERS, "UPDATE users SET balance = balance * 2 RETURNING email, balance", None),
    ("update_set_default", USERS, "UPDATE users SET balance = DEFAULT WHERE id = 1 RETURNING balance", None),
    ("update_check_violation", USERS, "UPDATE users SET age = -5 WHERE id = 1", None),
    ("update_unique_violation", USERS, "UPDATE users SET email = 'bob@x.com' WHERE id = 1", None),
    ("update_not_null_violation", USERS, "UPDATE users SET email = NULL WHERE id = 1", None),
    ("update_fk_violation", ORDERS, "UPDATE orders SET user_id = 77 WHERE id = 1", None),
    ("update_from", ORDERS, "UPDATE orders SET status = u.name FROM users u WHERE u.id = orders.user_id AND u.age > 40 RETURNING orders.id, status", None),
    ("update_params", USERS, "UPDATE users SET name = %s WHERE id = %s RETURNING name", ("Zed", 2)),
    ("update_unknown_column", USERS, "UPDATE users SET nope = 1", None),
    ("delete_rowcount", USERS, "DELETE FROM users WHERE active = false", None),
    ("delete_returning", USERS, "DELETE FROM users WHERE age < 30 RETURNING email", None),
    ("delete_all", ITEMS, "DELETE FROM items", None),
    ("delete_cascades", ORDERS + ["DELETE FROM users WHERE id = 1"], "SELECT user_id FROM orders ORDER BY id", None),
    ("delete_restricted_by_fk", ["CREATE TABLE p (id int PRIMARY KEY)", "CREATE TABLE c (pid int REFERENCES p(id))",
                                 "INSERT INTO p VALUES (1)", "INSERT INTO c VALUES (1)"], "DELETE FROM p", None),
    ("fk_set_null", ["CREATE TABLE p (id int PRIMARY KEY)", "CREATE TABLE c (id int, pid int REFERENCES p(id) ON DELETE SET NULL)",
                     "INSERT INTO p VALUES (1), (2)", "INSERT INTO c VALUES (1, 1), (2, 2)", "DELETE FROM p WHERE id = 1"],
     "SELECT id, pid FROM c ORDER BY id", None),
    ("fk_null_allowed", ["CREATE TABLE p (id int PRIMARY KEY)", "CREATE TABLE c (pid int REFERENCES p(id))"],
     "INSERT INTO c VALUES (NULL)", None),
    ("fk_update_parent_key_restricted", ["CREATE TABLE p (id int PRIMARY KEY)", "CREATE TABLE c (pid int REFERENCES p(id))",
                                         "INSERT INTO p VALUES (1)", "INSERT INTO c VALUES (1)"],
     "UPDATE p SET id = 2", None),
    ("fk_on_update_cascade", ["CREATE TABLE p (id int PRIMARY KEY)", "CREATE TABLE c (pid int REFERENCES p(id) ON UPDATE CASCADE)",
                              "INSERT INTO p VALUES (1)", "INSERT INTO c VALUES (1)", "UPDATE p SET id = 5"],
     "SELECT pid FROM c", None),
    ("self_referencing_fk", ["CREATE TABLE node (id int PRIMARY KEY, parent int REFERENCES node(id))",
                             "INSERT INTO node VALUES (1, NULL), (2, 1)"], "INSERT INTO node VALUES (3, 9)", None),
    # -- SELECT ------------------------------------------------------------------------
    ("select_star", USERS, "SELECT * FROM users ORDER BY id", None),
    ("select_where_param", USERS, "SELECT email FROM users WHERE id = %s", (2,)),
    ("select_where_text_param", USERS, "SELECT id FROM users WHERE email = %s", ("cy@x.com",)),
    ("select_order_desc_limit_offset", USERS, "SELECT name FROM users ORDER BY id DESC LIMIT 2 OFFSET 1", None),
    ("order_by_nulls_default_last", USERS, "SELECT name, age FROM users ORDER BY age", None),
    ("order_by_desc_nulls_first", USERS, "SELECT name, age FROM users ORDER BY age DESC", None),
    ("order_by_nulls_first_explicit", USERS, "SELECT name FROM users ORDER BY age NULLS FIRST", None),
    ("order_by_ordinal", USERS, "SELECT name, age FROM users ORDER BY 2 DESC NULLS LAST, 1", None),
    ("order_by_alias", USERS, "SELECT name AS n FROM users ORDER BY n DESC", None),
    ("distinct", ORDERS, "SELECT DISTINCT status FROM orders ORDER BY status", None),
    ("count_star_and_column", USERS, "SELECT count(*), count(age) FROM users", None),
    ("count_distinct", ORDERS, "SELECT count(DISTINCT user_id) FROM orders", None),
    ("sum_int_is_bigint", USERS, "SELECT sum(age) FROM users", None),
    ("sum_numeric_exact", USERS, "SELECT sum(balance) FROM users", None),
    ("avg_int_is_numeric", USERS, "SELECT avg(age) FROM users", None),
    ("avg_numeric", ORDERS, "SELECT avg(total) FROM orders", None),
    ("min_max", USERS, "SELECT min(age), max(age), min(name), max(balance) FROM users", None),
    ("aggregate_empty_table", ITEMS + ["DELETE FROM items"], "SELECT count(*), sum(qty), max(sku) FROM items", None),
    ("group_by_having", ORDERS, "SELECT user_id, count(*), sum(total) FROM orders GROUP BY user_id HAVING count(*) >= 1 ORDER BY user_id", None),
    ("group_by_having_filters", ORDERS, "SELECT user_id FROM orders GROUP BY user_id HAVING sum(total) > 12 ORDER BY user_id", None),
    ("aggregate_filter", ORDERS, "SELECT count(*) FILTER (WHERE status = 'paid') AS paid, count(*) AS all FROM orders", None),
    ("string_agg_ordered", USERS, "SELECT string_agg(name, ',' ORDER BY name DESC) FROM users", None),
    ("bool_and_or", USERS, "SELECT bool_and(active), bool_or(active) FROM users", None),
    ("inner_join", ORDERS, "SELECT u.name, o.total FROM users u JOIN orders o ON o.user_id = u.id ORDER BY o.id", None),
    ("left_join", ORDERS, "SELECT u.name, o.id FROM users u LEFT JOIN orders o ON o.user_id = u.id ORDER BY u.id, o.id", None),
    ("join_using", ["CREATE TABLE a (id int, x text)", "CREATE TABLE b (id int, y text)",
                    "INSERT INTO a VALUES (1, 'a1'), (2, 'a2')", "INSERT INTO b VALUES (2, 'b2')"],
     "SELECT * FROM a JOIN b USING (id)", None),
    ("cross_join_count", ORDERS, "SELECT count(*) FROM users CROSS JOIN orders", None),
    ("self_join", EMP, "SELECT e.id, b.id AS boss FROM emp e JOIN emp b ON e.boss = b.id ORDER BY e.id", None),
    ("join_group_by", ORDERS, "SELECT u.name, count(o.id) AS n FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.name ORDER BY u.name", None),
    ("subquery_in", ORDERS, "SELECT name FROM users WHERE id IN (SELECT user_id FROM orders WHERE status = 'paid') ORDER BY name", None),
    ("subquery_exists", ORDERS, "SELECT name FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id) ORDER BY name", None),
    ("scalar_subquery", ORDERS, "SELECT name, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS n FROM users u ORDER BY id", None),
    ("subquery_in_from", ORDERS, "SELECT s.user_id, s.total FROM (SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id) s ORDER BY s.total DESC", None),
    ("cte", ORDERS, "WITH paid AS (SELECT * FROM orders WHERE status = 'paid') SELECT count(*), sum(total) FROM paid", None),
    ("cte_recursive", EMP, "WITH RECURSIVE chain(id, depth) AS (SELECT id, 0 FROM emp WHERE boss IS NULL UNION ALL "
                           "SELECT e.id, c.depth + 1 FROM emp e JOIN chain c ON e.boss = c.id) SELECT id, depth FROM chain ORDER BY id", None),
    ("cte_recursive_counter", [], "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT sum(i) FROM n", None),
    ("union_all", [], "SELECT 1 AS x UNION ALL SELECT 1 UNION ALL SELECT 2", None),
    ("union_distinct_ordered", [], "SELECT 2 AS x UNION SELECT 1 UNION SELECT 2 ORDER BY x", None),
    ("intersect_except", [], "(SELECT 1 UNION SELECT 2) EXCEPT SELECT 2", None),
    ("window_row_number", EMP, "SELECT id, row_number() OVER (PARTITION BY dept ORDER BY salary DESC NULLS LAST, id) FROM emp ORDER BY id", None),
    ("window_rank", EMP, "SELECT id, rank() OVER (ORDER BY salary), dense_rank() OVER (ORDER BY salary) FROM emp WHERE salary IS NOT NULL ORDER BY id", None),
    ("window_sum_running", EMP, "SELECT id, sum(salary) OVER (ORDER BY id) FROM emp ORDER BY id", None),
    ("window_lag_lead", EMP, "SELECT id, lag(salary) OVER (ORDER BY id), lead(salary, 1, 0) OVER (ORDER BY id) FROM emp ORDER BY id", None),
    ("window_count_partition", EMP, "SELECT dept, count(*) OVER (PARTITION BY dept) FROM emp ORDER BY id", None),
    ("select_unknown_table", [], "SELECT * FROM nope", None),
    ("select_unknown_column", USERS, "SELECT nope FROM users", None),
    ("select_unknown_qualified_column", USERS, "SELECT users.nope FROM users", None),
    ("select_ambiguous_column", ORDERS, "SELECT id FROM users JOIN orders ON users.id = orders.user_id", None),
    ("select_limit_param", USERS, "SELECT id FROM users ORDER BY id LIMIT %s", (2,)),
    ("select_in_params", USERS, "SELECT name FROM users WHERE id IN (%s, %s) ORDER BY id", (1, 3)),
    ("select_case_when_column", USERS, "SELECT name, CASE WHEN age >= 40 THEN 'senior' WHEN age IS NULL THEN 'unknown' ELSE 'junior' END AS band FROM users ORDER BY id", None),
    ("select_expression_on_numeric_column", USERS, "SELECT balance - 0.50, balance * 3, -balance FROM users WHERE id = 1", None),
    ("compare_numeric_column", USERS, "SELECT name FROM users WHERE balance > 10 ORDER BY balance", None),
    ("compare_numeric_expression", USERS, "SELECT name FROM users WHERE balance * 2 > 20 ORDER BY name", None),
    ("order_by_numeric_column", USERS, "SELECT balance FROM users ORDER BY balance DESC", None),
    ("select_for_update", USERS, "SELECT id FROM users WHERE id = 1 FOR UPDATE", None),
    # -- types ----------------------------------------------------------------------
    ("types_roundtrip_literals", TYPES + [
        "INSERT INTO t VALUES (1, 2, 3, 1.50, 123.456, 1.5, 2.25, true, 'txt', 'vc', 'ab', '\\x0102', '2024-03-04', "
        "'12:34:56', '2024-03-04 05:06:07.5', '2024-03-04 05:06:07+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "
        "'{\"b\": 1, \"a\": [1, 2]}', '{\"b\": 1, \"a\": [1, 2]}')"], "SELECT * FROM t", None),
    ("types_nulls", TYPES + ["INSERT INTO t (i4) VALUES (NULL)"], "SELECT * FROM t", None),
    ("types_params_roundtrip", TYPES,
     "INSERT INTO t (i4, i8, num, f8, b, tx, by, u) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING i4, i8, num, f8, b, tx, by, u",
     (7, 2**40, __import__("decimal").Decimal("3.14"), 2.5, False, "héllo", b"\x00\xff", __import__("uuid").UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))),
    ("types_datetime_params", TYPES,
     "INSERT INTO t (d, ts, tstz) VALUES (%s, %s, %s) RETURNING d, ts, tstz",
     (__import__("datetime").date(2024, 2, 29), __import__("datetime").datetime(2024, 1, 2, 3, 4, 5),
      __import__("datetime").datetime(2024, 1, 2, 3, 4, 5, tzinfo=__import__("datetime").timezone.utc))),
    ("numeric_keeps_scale", TYPES + ["INSERT INTO t (num) VALUES (1.500), (2)"], "SELECT num FROM t ORDER BY num", None),
    ("numeric_scale_rounding", TYPES + ["INSERT INTO t (num52) VALUES (1.235), (-1.235)"], "SELECT num52 FROM t", None),
    ("numeric_precision_overflow", TYPES, "INSERT INTO t (num52) VALUES (1000)", None),
    ("bigint_arithmetic", [], "SELECT 9000000000 * 2", None),
    ("smallint_column_overflow", TYPES, "INSERT INTO t (i2) VALUES (70000)", None),
    ("integer_column_overflow", TYPES, "INSERT INTO t (i4) VALUES (2147483648)", None),
    ("real_column", TYPES + ["INSERT INTO t (f4) VALUES (1.1)"], "SELECT f4 FROM t", None),
    ("float_special_values", [], "SELECT 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8", None),
    ("boolean_column_filters", TYPES + ["INSERT INTO t (i4, b) VALUES (1, true), (2, false), (3, NULL)"],
     "SELECT i4 FROM t WHERE b ORDER BY i4", None),
    ("boolean_column_compare_literal", TYPES + ["INSERT INTO t (i4, b) VALUES (1, true), (2, false)"],
     "SELECT i4 FROM t WHERE b = 'f'", None),
    ("boolean_input_forms", TYPES, "INSERT INTO t (b) VALUES ('yes'), ('0'), ('TRUE'), ('off') RETURNING b", None),
    ("boolean_bad_input", TYPES, "INSERT INTO t (b) VALUES ('maybe')", None),
    ("varchar_length_check", TYPES, "INSERT INTO t (vc) VALUES ('abcdef')", None),
    ("varchar_trailing_spaces_truncated", TYPES, "INSERT INTO t (vc) VALUES ('abc     ') RETURNING vc", None),
    ("char_pads", TYPES, "INSERT INTO t (ch) VALUES ('a') RETURNING ch, length(ch)", None),
    ("char_too_long", TYPES, "INSERT INTO t (ch) VALUES ('abcd')", None),
    ("bytea_hex_literal", TYPES, "INSERT INTO t (by) VALUES ('\\xdeadbeef') RETURNING by", None),
    ("bytea_hex_input_plain_and_e_string_with_blanks", [],
     "SELECT '\\x00ff'::bytea, E'\\\\x00ff'::bytea, '\\xDE AD be\nef'::bytea, '\\x'::bytea", None),
    ("bytea_escape_input_octal_and_doubled_backslash", [],
     "SELECT 'abc\\000'::bytea, E'abc\\\\000'::bytea, 'a\\\\b'::bytea, 'a\\134b'::bytea, "
     "length('abc\\000'::bytea), 'abc\\000'::bytea = '\\x61626300'::bytea", None),
    ("bytea_escape_input_stored_in_a_column", TYPES,
     "INSERT INTO t (by) VALUES ('abc\\000'), (E'\\\\001\\\\002'), ('h\u00e9') RETURNING by, by::text", None),
    ("bytea_hex_input_odd_number_of_digits", [], "SELECT '\\x0'::bytea", None),
    ("bytea_hex_input_bad_digit", [], "SELECT '\\x0g'::bytea", None),
    ("bytea_escape_input_lone_backslash", [], "SELECT 'abc\\0'::bytea", None),
    ("bytea_concatenation_is_bytea_and_with_text_is_text", [],
     "SELECT '\\x01'::bytea || '\\x00ff'::bytea, '\\x01'::bytea || '\\x02', '\\x01'::bytea || 'x'::text", None),
    ("date_literal_compare", TYPES + ["INSERT INTO t (i4, d) VALUES (1, '2024-01-01'), (2, '2024-06-01')"],
     "SELECT i4 FROM t WHERE d > '2024-03-01'", None),
    ("date_bad_input", TYPES, "INSERT INTO t (d) VALUES ('2024-13-01')", None),
    ("timestamp_ordering", TYPES + ["INSERT INTO t (i4, ts) VALUES (1, '2024-01-01 10:00'), (2, '2023-12-31 23:59:59')"],
     "SELECT i4, ts FROM t ORDER BY ts", None),
    ("timestamptz_normalised_to_utc", TYPES + ["INSERT INTO t (tstz) VALUES ('2024-01-01 12:00:00+05')"],
     "SELECT tstz FROM t", None),
    ("timestamptz_compare_with_offset", TYPES + ["INSERT INTO t (i4, tstz) VALUES (1, '2024-01-01 12:00:00+00')"],
     "SELECT i4 FROM t WHERE tstz = '2024-01-01 14:00:00+02'", None),
    ("time_column", TYPES + ["INSERT INTO t (tm) VALUES ('23:59:59.25')"], "SELECT tm FROM t", None),
    ("timestamp_cast_to_date", [], "SELECT '2024-05-06 07:08:09'::timestamp::date", None),
    ("now_is_timestamptz", [], "SELECT pg_typeof(now())::text", None),
    ("now_is_stable_within_transaction", [], "SELECT now() = now()", None),
    ("current_date_type", [], "SELECT current_date IS NOT NULL", None),
    ("uuid_column_and_compare", TYPES + ["INSERT INTO t (i4, u) VALUES (1, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11')"],
     "SELECT i4, u FROM t WHERE u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", None),
    ("uuid_bad_input", TYPES, "INSERT INTO t (u) VALUES ('not-a-uuid')", None),
    ("gen_random_uuid_shape", [], "SELECT length(gen_random_uuid()::text)", None),
    ("uuid_default", ["CREATE TABLE a (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), v int)",
                      "INSERT INTO a (v) VALUES (1), (2)"], "SELECT count(DISTINCT id) FROM a", None),
    ("json_preserves_text", TYPES + ["INSERT INTO t (j) VALUES ('{\"b\":1,  \"a\":2}')"], "SELECT j::text FROM t", None),
    ("jsonb_normalises_text", TYPES + ["INSERT INTO t (jb) VALUES ('{\"bb\":1,  \"a\":2, \"a\": 3}')"], "SELECT jb::text FROM t", None),
    ("json_bad_input", TYPES, "INSERT INTO t (jb) VALUES ('{bad')", None),
    # -- json ------------------------------------------------------------------------
    ("jsonb_arrow_returns_jsonb", DOCS, "SELECT body -> 'name', body -> 'tags', body -> 'nested' FROM docs WHERE id = 1", None),
    ("jsonb_double_arrow_returns_text", DOCS, "SELECT body ->> 'name', body ->> 'n', body ->> 'tags' FROM docs ORDER BY id", None),
    ("jsonb_array_index", DOCS, "SELECT body -> 0, body ->> 2, body -> 9 FROM docs WHERE id = 3", None),
    ("jsonb_missing_key_null", DOCS, "SELECT body -> 'nope' IS NULL FROM docs WHERE id = 1", None),
    ("jsonb_filter_by_text_value", DOCS, "SELECT id FROM docs WHERE body ->> 'name' = 'bob'", None),
    ("jsonb_path_operators", DOCS, "SELECT body #> '{nested,k}', body #>> '{tags,1}' FROM docs WHERE id = 1", None),
    ("jsonb_contains", DOCS, "SELECT id FROM docs WHERE body @> '{\"name\": \"ada\"}' ORDER BY id", None),
    ("jsonb_has_key", DOCS, "SELECT id FROM docs WHERE body ? 'flag'", None),
    ("union_ordered_by_an_unknown_column", [], "SELECT 1 AS a UNION SELECT 2 EXCEPT SELECT 3 ORDER BY Select1", None),
    ("union_ordered_by_an_expression", [], "SELECT 1 AS a UNION SELECT 2 ORDER BY a + 1", None),
    ("union_ordered_by_an_output_name", [], "SELECT 1 AS a UNION SELECT 2 ORDER BY a DESC", None),
    ("order_by_a_float_constant", [], "SELECT 1 ORDER BY 1.5", None),
    ("order_by_a_string_constant_in_a_union", [], "SELECT 1 UNION SELECT 2 ORDER BY 'a'", None),
    ("order_by_a_huge_exponent_in_a_union", [], "SELECT 1 UNION SELECT 2 ORDER BY 1e4001", None),
    ("dollar_parameter_without_a_number", [], "SELECT $x", None),
    ("json_arrow_on_an_untyped_literal_is_ambiguous", [], "SELECT 'a' ->> 1", None),
    ("json_arrow_on_an_integer_does_not_exist", [], "SELECT 1 -> 'b'", None),
    ("json_path_on_text_does_not_exist", [], "SELECT 'x'::text #>> '{a}'", None),
    ("has_key_on_an_untyped_literal_parses_it_as_jsonb", [], "SELECT 'a' ? 'b'", None),
    ("aggregate_in_group_by_by_position", ["CREATE TABLE g (id int, score float8)"], "SELECT count(*), sum(score) FROM g GROUP BY 2", None),
    ("minus_of_an_untyped_literal_is_ambiguous", [], "SELECT 'a' ~ -'^row'", None),
    ("regex_match_on_an_integer_does_not_exist", [], "SELECT 3 ~ '^row'", None),
    ("regex_match_with_an_integer_pattern_does_not_exist", [], "SELECT 'x' ~ 3", None),
    ("cast_to_jsonb_with_a_modifier", ["CREATE TABLE g (v text)"], "SELECT upper::jsonb(v) FROM g", None),
    ("insert_with_an_alias_returning_star", ["CREATE TABLE fz (id int, v text)"], "INSERT INTO fz AS f VALUES (3, 'a') RETURNING *", None),
    ("insert_with_an_alias_returning_alias_star", ["CREATE TABLE fz (id int, v text)"], "INSERT INTO fz AS f VALUES (3, 'a') RETURNING f.*, f.id", None),
    ("insert_returning_another_tables_star", ["CREATE TABLE fz (id int, v text)"], "INSERT INTO fz VALUES (3, 'a') RETURNING x.*", None),
    ("update_set_list_with_a_stray_parenthesis", ["CREATE TABLE fz (id int, v text)"], "UPDATE fz SET id = 1, v = w,(v)", None),
    ("any_without_its_parenthesis", [], "SELECT 1 WHERE 1 = ANY-(ARRAY[1, 2, 3])", None),
    ("minus_of_an_interval", [], "SELECT -interval '1 day', -(interval '2 hours 3 minutes')", None),
    ("minus_of_an_array_does_not_exist", [], "SELECT - ARRAY[1, 2, 3] @> ARRAY[2]", None),
    ("minus_of_a_timestamp_does_not_exist", [], "SELECT date_trunc('month', - now())", None),
    ("generate_series_with_parameters", [], "SELECT g FROM generate_series(%s::int, %s::int) g", (2, 4)),
    ("over_on_a_plain_function", [], "SELECT upper('a') OVER ()", None),
    ("array_of_a_subquery_keeps_its_order", USERS, "SELECT ARRAY(SELECT name FROM users ORDER BY id DESC)", None),
    ("array_of_an_empty_subquery_is_empty", USERS, "SELECT ARRAY(SELECT id FROM users WHERE id > 100)", None),
    ("array_of_a_correlated_subquery", ORDERS, "SELECT u.name, ARRAY(SELECT o.total FROM orders o WHERE o.user_id = u.id ORDER BY o.id) FROM users u ORDER BY u.id", None),
    ("pg_size_pretty_units", [], "SELECT pg_size_pretty(10239::bigint), pg_size_pretty(10240::bigint), pg_size_pretty(1000000::bigint), pg_size_pretty(10000000000::bigint)", None),
    ("array_contains_with_an_integer_does_not_exist", [], "SELECT ARRAY[1, 2, 3 @> ARRAY[2]]", None),
    ("array_contained_by_an_integer_does_not_exist", [], "SELECT ARRAY[1] <@ 5", None),
    ("array_operators_read_an_untyped_literal_as_the_array_type", [], "SELECT '{1,2}' @> ARRAY[1], ARRAY['y'] <@ '{x,y}', '{z}' && ARRAY['x']", None),
    ("bitwise_not_of_text_does_not_exist", [], "SELECT ~'a'::text", None),
    ("bitwise_not_of_integers", [], "SELECT ~ 5, ~ 5::bigint", None),
    ("order_by_before_a_set_operation", [], "SELECT 1 UNION SELECT 2 ORDER BY 1 EXCEPT SELECT 3", None),
    ("column_of_a_string_literal", [], "SELECT ' x'.columns", None),
    ("limit_and_offset_with_fractions_round", USERS, "SELECT id FROM users ORDER BY id LIMIT 2.5 OFFSET 0.6", None),
    ("text_where_an_array_is_due_is_malformed", [], "SELECT coalesce(NULL::int[], 'x')", None),
    # -- the catalog behind psql's \df, \l+ and \dn+ --------------------------------------------
    ("pg_proc_has_no_user_functions_in_public", [],
     "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'", None),
    ("database_and_role_privileges_of_the_superuser", [],
     "SELECT has_database_privilege(current_database(), 'CONNECT'), has_database_privilege(current_database(), "
     "'create, temp'), pg_has_role('pg_read_all_stats', 'USAGE')", None),
    ("has_database_privilege_on_a_missing_database", [], "SELECT has_database_privilege('nosuch', 'CONNECT')", None),
    ("has_database_privilege_with_an_unknown_privilege", [],
     "SELECT has_database_privilege(current_database(), 'bogus')", None),
    ("pg_has_role_of_a_missing_role", [], "SELECT pg_has_role('nosuch', 'USAGE')", None),
    ("pg_database_size_of_the_current_database", [], "SELECT pg_database_size(current_database()) > 0", None),
    ("pg_database_size_of_a_missing_database", [], "SELECT pg_database_size('nosuch')", None),
    ("schema_owners_privileges_and_descriptions", [],
     "SELECT nspname, pg_get_userbyid(nspowner), array_to_string(nspacl, ','), obj_description(oid, 'pg_namespace') "
     "FROM pg_namespace WHERE nspname IN ('public', 'pg_catalog') ORDER BY 1", None),
    ("tablespaces", [], "SELECT spcname, pg_get_userbyid(spcowner) FROM pg_tablespace ORDER BY 1", None),
    # -- LATERAL subqueries ------------------------------------------------------------------
    ("lateral_top_one_per_group_keeps_users_without_orders", ORDERS,
     "SELECT u.name, o.total, o.status FROM users u LEFT JOIN LATERAL (SELECT total, status FROM orders "
     "WHERE orders.user_id = u.id ORDER BY total DESC LIMIT 1) o ON true ORDER BY u.id", None),
    ("lateral_top_two_per_group_in_a_comma_join_drops_empty_ones", ORDERS,
     "SELECT u.id, o.id, o.total FROM users u, LATERAL (SELECT id, total FROM orders WHERE user_id = u.id "
     "ORDER BY total LIMIT 2) o ORDER BY u.id, o.total", None),
    ("cross_join_lateral_aggregate_per_row", ORDERS,
     "SELECT u.id, s.n, s.spent FROM users u CROSS JOIN LATERAL (SELECT count(*) AS n, sum(total) AS spent "
     "FROM orders WHERE user_id = u.id) s ORDER BY u.id", None),
    ("lateral_star_expands_both_sides", ORDERS,
     "SELECT * FROM users u, LATERAL (SELECT u.age * 2 AS dbl, u.name || '!' AS shout) x ORDER BY id", None),
    ("lateral_column_aliases_and_a_second_lateral_reading_the_first", ORDERS,
     "SELECT u.id, a.t, b.c FROM users u, LATERAL (SELECT total FROM orders WHERE user_id = u.id ORDER BY total "
     "LIMIT 1) a(t), LATERAL (SELECT a.t * 2 AS c) b ORDER BY 1", None),
    ("left_join_lateral_with_an_on_condition", ORDERS,
     "SELECT u.id, o.x FROM users u LEFT JOIN LATERAL (SELECT total AS x FROM orders o WHERE o.user_id = u.id) o "
     "ON o.x > 5 ORDER BY 1, 2", None),
    ("lateral_numeric_column_groups_and_orders_by_value", ORDERS,
     "SELECT s.t, count(*) FROM users u, LATERAL (SELECT total * 1 AS t FROM orders o WHERE o.user_id = u.id "
     "UNION ALL SELECT 10.0) s GROUP BY s.t ORDER BY s.t DESC", None),
    ("lateral_keeps_floats_and_bytes_exactly", USERS,
     "SELECT u.id, s.f, s.g, s.b FROM users u, LATERAL (SELECT '-0'::float8 AS f, 0.1::float8 * u.id AS g, "
     "'\\x00ff'::bytea AS b) s ORDER BY 1", None),
    ("lateral_unqualified_column_in_both_sides_is_ambiguous", ORDERS,
     "SELECT id FROM users u, LATERAL (SELECT id FROM orders WHERE user_id = u.id) s", None),
    ("lateral_inside_a_correlated_subquery", ORDERS,
     "SELECT u.id, (SELECT count(*) FROM orders o, LATERAL (SELECT o.total + u.age AS z) s WHERE o.user_id = u.id "
     "AND s.z > 40) FROM users u ORDER BY u.id", None),
    ("has_key_operator_on_an_integer_does_not_exist", USERS, "SELECT id FROM users WHERE id ? 1", None),
    ("has_key_operator_with_an_integer_key_does_not_exist", DOCS, "SELECT id FROM docs WHERE body ? 1", None),
    ("jsonb_build_object", [], "SELECT jsonb_build_object('a', 1, 'b', 'x')", None),
    ("jsonb_typeof_and_length", DOCS, "SELECT jsonb_typeof(body), jsonb_typeof(body -> 'tags') FROM docs ORDER BY id", None),
    ("jsonb_array_length", DOCS, "SELECT jsonb_array_length(body -> 'tags') FROM docs WHERE id = 1", None),
    ("jsonb_agg", USERS, "SELECT jsonb_agg(name) FROM users WHERE age > 30", None),
    ("jsonb_param", ["CREATE TABLE j (v jsonb)"], "INSERT INTO j VALUES (%s) RETURNING v", (__import__("psycopg").types.json.Jsonb({"k": [1, "two", None]}),)),
    # -- sequences --------------------------------------------------------------------
    ("sequence_nextval", SEQ, "SELECT nextval('s'), nextval('s')", None),
    ("sequence_currval_before_nextval", SEQ, "SELECT currval('s')", None),
    ("sequence_currval_after_nextval", SEQ + ["SELECT nextval('s')"], "SELECT currval('s')", None),
    ("sequence_setval", SEQ + ["SELECT setval('s', 100)"], "SELECT nextval('s')", None),
    ("sequence_setval_not_called", SEQ + ["SELECT setval('s', 100, false)"], "SELECT nextval('s')", None),
    ("sequence_missing", [], "SELECT nextval('nope')", None),
    ("sequence_create_twice", SEQ, "CREATE SEQUENCE s", None),
    ("sequence_drop", SEQ + ["DROP SEQUENCE s"], "SELECT nextval('s')", None),
    ("serial_currval", USERS, "SELECT currval('users_id_seq')", None),
    ("serial_after_insert_currval", USERS + ["INSERT INTO users (email) VALUES ('z@x.com')"], "SELECT currval('users_id_seq'), lastval()", None),
    ("serial_setval_then_insert", USERS + ["SELECT setval('users_id_seq', 50)"], "INSERT INTO users (email) VALUES ('z@x.com') RETURNING id", None),
    ("serial_explicit_id_then_conflict", ITEMS + ["CREATE TABLE a (id serial PRIMARY KEY, v int)", "INSERT INTO a (id, v) VALUES (1, 1)"],
     "INSERT INTO a (v) VALUES (2)", None),
    ("identity_by_default", ["CREATE TABLE a (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text)",
                             "INSERT INTO a (v) VALUES ('x')"], "INSERT INTO a (v) VALUES ('y') RETURNING id", None),
    ("bigserial_type", ["CREATE TABLE a (id bigserial PRIMARY KEY, v int)"], "INSERT INTO a (v) VALUES (1) RETURNING id", None),
    # -- more everyday behaviour ---------------------------------------------------------
    ("order_by_text_is_bytewise_c_collation", ["CREATE TABLE w (s text)", "INSERT INTO w VALUES ('b'), ('B'), ('a'), ('A'), ('_')"],
     "SELECT s FROM w ORDER BY s", None),
    ("left_right_repeat_reverse", [], "SELECT left('hello', 2), right('hello', 3), repeat('ab', 3), reverse('abc')", None),
    ("md5", [], "SELECT md5('abc')", None),
    ("power_sqrt", [], "SELECT power(2, 10), sqrt(16)", None),
    ("modulo_negative", [], "SELECT -7 % 3, 7 % -3", None),
    ("abs_numeric_column", USERS, "SELECT abs(balance - 50) FROM users ORDER BY id", None),
    ("coalesce_column_default", USERS, "SELECT name, coalesce(age, 0) FROM users ORDER BY id", None),
    ("aggregates_ignore_nulls", USERS, "SELECT count(age), sum(age), min(age) FROM users WHERE age IS NULL", None),
    ("not_in_with_null_yields_nothing", USERS, "SELECT name FROM users WHERE age NOT IN (25, NULL)", None),
    ("in_subquery_with_null", USERS, "SELECT name FROM users WHERE id IN (SELECT NULL::int UNION SELECT 2)", None),
    ("offset_without_limit", USERS, "SELECT id FROM users ORDER BY id OFFSET 2", None),
    ("having_without_group_by", USERS, "SELECT count(*) FROM users HAVING count(*) > 2", None),
    ("case_without_else_is_null", [], "SELECT CASE WHEN false THEN 1 END", None),
    ("nested_ctes", ORDERS, "WITH a AS (SELECT user_id, total FROM orders), b AS (SELECT user_id, sum(total) AS s FROM a GROUP BY user_id) "
                            "SELECT u.name, b.s FROM b JOIN users u ON u.id = b.user_id ORDER BY b.s", None),
    ("union_column_names_from_first", [], "SELECT 1 AS first UNION ALL SELECT 2 AS second", None),
    ("union_type_mismatch_error", [], "SELECT 1 UNION SELECT 'a'", None),
    ("composite_primary_key", ["CREATE TABLE cp (a int, b int, v text, PRIMARY KEY (a, b))", "INSERT INTO cp VALUES (1, 1, 'x')"],
     "INSERT INTO cp VALUES (1, 1, 'y')", None),
    ("composite_unique_detail", ["CREATE TABLE cu (a int, b text, UNIQUE (a, b))", "INSERT INTO cu VALUES (1, 'x')"],
     "INSERT INTO cu VALUES (1, 'x')", None),
    ("composite_upsert", ["CREATE TABLE cp (a int, b int, n int, PRIMARY KEY (a, b))", "INSERT INTO cp VALUES (1, 1, 1)"],
     "INSERT INTO cp VALUES (1, 1, 5), (1, 2, 7) ON CONFLICT (a, b) DO UPDATE SET n = cp.n + excluded.n RETURNING a, b, n", None),
    ("named_check_constraint", ["CREATE TABLE nc (x int CONSTRAINT x_positive CHECK (x > 0))"], "INSERT INTO nc VALUES (0)", None),
    ("table_check_constraint", ["CREATE TABLE tc (lo int, hi int, CHECK (lo < hi))"], "INSERT INTO tc VALUES (5, 1)", None),
    ("check_passes_on_null", ["CREATE TABLE tc (x int CHECK (x > 0))"], "INSERT INTO tc VALUES (NULL) RETURNING x", None),
    ("named_unique_constraint", ["CREATE TABLE nu (e text, CONSTRAINT one_email UNIQUE (e))", "INSERT INTO nu VALUES ('a')"],
     "INSERT INTO nu VALUES ('a')", None),
    ("default_expression_now", ["CREATE TABLE dn (id int, at timestamptz DEFAULT now())", "INSERT INTO dn (id) VALUES (1)"],
     "SELECT at IS NOT NULL, at <= now() FROM dn", None),
    ("default_negative_literal", ["CREATE TABLE dl (v int DEFAULT -1, s text DEFAULT 'it''s')"], "INSERT INTO dl DEFAULT VALUES RETURNING v, s", None),
    ("returning_aliases", USERS, "INSERT INTO users (email, age) VALUES ('r@x.com', 9) RETURNING id AS new_id, age + 1 AS next_age", None),
    ("update_with_subquery", ORDERS, "UPDATE users SET balance = (SELECT sum(total) FROM orders WHERE orders.user_id = users.id) WHERE id = 1 RETURNING balance", None),
    ("delete_with_subquery", ORDERS, "DELETE FROM orders WHERE user_id IN (SELECT id FROM users WHERE age > 40) RETURNING id", None),
    ("update_all_rows", ITEMS, "UPDATE items SET qty = qty * 10", None),
    ("insert_select_with_conflict", ITEMS, "INSERT INTO items (sku, qty) SELECT sku, 100 FROM items ON CONFLICT (sku) DO UPDATE SET qty = excluded.qty RETURNING sku, qty", None),
    ("select_star_with_expression", ITEMS, "SELECT *, qty * 2 AS double FROM items ORDER BY sku", None),
    ("qualified_star", ORDERS, "SELECT o.* FROM orders o JOIN users u ON u.id = o.user_id WHERE u.name = 'Bob'", None),
    ("count_group_by_ordinal", ORDERS, "SELECT status, count(*) FROM orders GROUP BY 1 ORDER BY 1", None),
    ("window_with_filter_in_where", EMP, "SELECT id, sum(salary) OVER (PARTITION BY dept) AS dept_total FROM emp WHERE dept = 'eng' ORDER BY id", None),
    ("window_first_value", EMP, "SELECT id, first_value(id) OVER (PARTITION BY dept ORDER BY id) FROM emp ORDER BY id", None),
    ("window_avg_is_numeric", EMP, "SELECT dept, avg(salary) OVER (PARTITION BY dept) FROM emp WHERE id < 4 ORDER BY id", None),
    ("exists_correlated_count", ORDERS, "SELECT count(*) FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 5)", None),
    ("scalar_subquery_too_many_rows", ORDERS, "SELECT (SELECT id FROM orders)", None),
    ("distinct_count_expression", ORDERS, "SELECT count(DISTINCT status || 'x') FROM orders", None),
    ("string_comparison", [], "SELECT 'a' < 'b', 'abc' = 'abc', 'a' <> 'A'", None),
    ("numeric_comparison_with_float", USERS, "SELECT name FROM users WHERE balance >= 12.25 ORDER BY name", None),
    ("numeric_equality_different_scale", [], "SELECT 1.0 = 1.00, 2.50::numeric(5,2) = 2.5", None),
    ("numeric_unique_by_value", ["CREATE TABLE nv (n numeric UNIQUE)", "INSERT INTO nv VALUES (1.0)"], "INSERT INTO nv VALUES (1.00)", None),
    ("numeric_sum_mixed_scale", ["CREATE TABLE ns (n numeric)", "INSERT INTO ns VALUES (1.1), (2.25), (3)"], "SELECT sum(n), avg(n), max(n), min(n) FROM ns", None),
    ("numeric_multiply_scale", [], "SELECT 1.25 * 2.5, 0.1 + 0.2", None),
    ("numeric_negative_values", ["CREATE TABLE nn (n numeric(6,2))", "INSERT INTO nn VALUES (-1.5), (2), (-10.25)"], "SELECT n FROM nn ORDER BY n", None),
    ("float_column_order_and_sum", ["CREATE TABLE fl (f float8)", "INSERT INTO fl VALUES (1.5), (-2.25), (10)"], "SELECT f FROM fl ORDER BY f DESC", None),
    ("integer_column_from_float_rounds", ["CREATE TABLE ir (i int)"], "INSERT INTO ir VALUES (2.5), (3.5), (-2.5) RETURNING i", None),
    ("text_param_into_int_column", ["CREATE TABLE tp (i int)"], "INSERT INTO tp VALUES (%s) RETURNING i", ("12",)),
    ("bool_param_filter", USERS, "SELECT count(*) FROM users WHERE active = %s", (True,)),
    ("null_param_insert", USERS, "INSERT INTO users (email, age) VALUES (%s, %s) RETURNING age", ("np@x.com", None)),
    ("uuid_param_filter", ["CREATE TABLE up (id uuid PRIMARY KEY, v int)", "INSERT INTO up VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1)"],
     "SELECT v FROM up WHERE id = %s", (__import__("uuid").UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),)),
    ("date_param_filter", ["CREATE TABLE dp (d date)", "INSERT INTO dp VALUES ('2024-01-01'), ('2024-02-01')"],
     "SELECT d FROM dp WHERE d >= %s", (__import__("datetime").date(2024, 1, 15),)),
    ("timestamptz_param_filter", ["CREATE TABLE tzp (t timestamptz)", "INSERT INTO tzp VALUES ('2024-01-01 00:00:00+00'), ('2024-01-02 00:00:00+00')"],
     "SELECT count(*) FROM tzp WHERE t < %s", (__import__("datetime").datetime(2024, 1, 1, 12, tzinfo=__import__("datetime").timezone.utc),)),
    ("decimal_param_arithmetic", [], "SELECT %s * 2", (__import__("decimal").Decimal("1.25"),)),
    ("bytes_param_length", [], "SELECT length(%s::bytea)", (b"\x00\x01\x02",)),
    ("pg_type_lookup", [], "SELECT typname, typlen FROM pg_type WHERE oid = 23", None),
    ("to_regtype", [], "SELECT to_regtype('integer')::oid::int, to_regtype('no_such_type') IS NULL", None),
    ("current_database_matches", [], "SELECT current_database() = current_database()", None),
    ("information_schema_columns_defaults", ["CREATE TABLE icd (id serial PRIMARY KEY, n int DEFAULT 5, s text NOT NULL)"],
     "SELECT column_name, column_default, is_nullable FROM information_schema.columns WHERE table_name = 'icd' ORDER BY ordinal_position", None),
    ("information_schema_sequences", USERS, "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'", None),
    ("select_from_empty_table", ITEMS + ["DELETE FROM items"], "SELECT * FROM items", None),
    ("limit_zero", USERS, "SELECT id FROM users LIMIT 0", None),
    ("alias_shadowing_in_order_by", USERS, "SELECT age AS id FROM users WHERE age IS NOT NULL ORDER BY id", None),
    ("like_escape_underscore", ["CREATE TABLE lk (s text)", "INSERT INTO lk VALUES ('a_b'), ('axb')"], "SELECT s FROM lk WHERE s LIKE 'a\\_b'", None),
    ("ilike_unicode_ascii", [], "SELECT 'ÉCOLE' ILIKE 'école', 'ABC' ILIKE 'abc'", None),
    ("concat_ws", [], "SELECT concat_ws('-', 'a', NULL, 'b')", None),
    ("nullif_division_guard", [], "SELECT 10 / nullif(0, 0)", None),
    ("integer_and_bigint_mix", [], "SELECT 2147483647::int + 1::bigint", None),
    ("int4_addition_overflow", [], "SELECT 2147483647 + 1", None),
    ("int4_column_arithmetic_overflow", ["CREATE TABLE io (i int)", "INSERT INTO io VALUES (2000000000)"], "SELECT i * 2 FROM io", None),
    ("int8_arithmetic_overflow", [], "SELECT 9223372036854775807 + 1", None),
    ("group_by_missing_column", USERS, "SELECT name, count(*) FROM users GROUP BY active", None),
    ("aggregate_with_bare_column", USERS, "SELECT name, max(age) FROM users", None),
    ("group_by_primary_key_determines_columns", ORDERS,
     "SELECT u.id, u.name, count(o.id) FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.id ORDER BY u.id", None),
    ("group_by_expression", USERS, "SELECT upper(name), count(*) FROM users GROUP BY upper(name) ORDER BY 1", None),
    ("group_by_output_alias", USERS, "SELECT active AS a, count(*) FROM users GROUP BY a ORDER BY a", None),
    # -- dates, times and intervals ----------------------------------------------------------
    ("interval_literals", [], "SELECT interval '1 day', interval '2 hours 30 minutes', interval '1' day, interval '0'", None),
    ("interval_cast_output", [], "SELECT '1 year 2 months 3 days 04:05:06.5'::interval::text, interval '-1 day 02:00'", None),
    ("interval_negative_text", [], "SELECT (interval '1 day' * -1)::text, (interval '90 minutes')::text", None),
    ("timestamp_plus_month_clamps_day", [], "SELECT timestamp '2024-01-31 10:00' + interval '1 month'", None),
    ("timestamptz_minus_interval", [], "SELECT timestamptz '2024-01-01 00:00+00' - interval '90 minutes'", None),
    ("date_plus_minus_integer", [], "SELECT date '2024-03-01' - 1, date '2024-02-28' + 2, 7 + date '2024-01-01'", None),
    ("date_minus_date_is_integer", [], "SELECT date '2024-03-01' - date '2024-01-01'", None),
    ("timestamp_difference_is_interval", [], "SELECT timestamp '2024-01-02' - timestamp '2024-01-01 12:00'", None),
    ("date_plus_interval_is_timestamp", [], "SELECT date '2024-01-31' + interval '1 month'", None),
    ("interval_comparison", [], "SELECT interval '1 day' > interval '23 hours', interval '60 minutes' = interval '1 hour'", None),
    ("interval_arithmetic", [], "SELECT interval '1 day' * 3, interval '1 hour' + interval '30 minutes', 2 * interval '1 week'", None),
    ("extract_fields", [], "SELECT extract(year from timestamp '2024-05-06 07:08:09.5'), extract(month from date '2024-05-06'), "
                           "extract(second from timestamp '2024-05-06 07:08:09.5'), extract(dow from date '2024-05-05'), "
                           "extract(doy from date '2024-12-31'), extract(quarter from date '2024-08-01')", None),
    ("extract_epoch", [], "SELECT extract(epoch from timestamptz '2024-01-01 00:00:00+00'), extract(epoch from interval '1 day 1 second')", None),
    ("date_trunc_units", [], "SELECT date_trunc('month', timestamp '2024-05-06 07:08:09'), date_trunc('hour', timestamptz '2024-05-06 07:08:09+00'), "
                             "date_trunc('year', timestamp '2024-05-06'), date_trunc('week', date '2024-05-08')", None),
    ("date_trunc_bad_unit", [], "SELECT date_trunc('fortnight', timestamp '2024-05-06')", None),
    ("now_minus_interval_filter", ["CREATE TABLE ev (id int, at timestamptz)",
                                   "INSERT INTO ev VALUES (1, now() - interval '2 days'), (2, now() - interval '1 hour'), (3, now() + interval '1 hour')"],
     "SELECT id FROM ev WHERE at > now() - interval '1 day' AND at <= now() ORDER BY id", None),
    ("group_by_date_trunc", ["CREATE TABLE sales (at timestamp, amount int)",
                             "INSERT INTO sales VALUES ('2024-01-05 10:00', 5), ('2024-01-20 11:00', 7), ('2024-02-01 00:00', 1)"],
     "SELECT date_trunc('month', at) AS m, sum(amount) FROM sales GROUP BY 1 ORDER BY 1", None),
    ("extract_from_column_filter", ["CREATE TABLE sales (at timestamp, amount int)",
                                    "INSERT INTO sales VALUES ('2024-01-05 10:00', 5), ('2023-01-20 11:00', 7)"],
     "SELECT amount FROM sales WHERE extract(year from at) = 2024", None),
    ("interval_param", [], "SELECT timestamp '2024-01-01' + %s", (__import__("datetime").timedelta(days=1, hours=2),)),
    ("interval_bad_input", [], "SELECT interval 'soon'", None),
    ("delete_using", ORDERS, "DELETE FROM orders o USING users u WHERE o.user_id = u.id AND u.age > 30 RETURNING o.id", None),
    ("update_from_returning_a_column_of_the_from_subquery", USERS,
     "UPDATE users SET balance = balance + s.bonus FROM (SELECT 'di@x.com' AS email, 2.50 AS bonus) s "
     "WHERE users.email = s.email RETURNING users.id, s.bonus, users.balance, s.email", None),
    ("update_from_values_returning_star_includes_the_from_columns", USERS,
     "UPDATE users SET name = v.new FROM (VALUES (2, 'Robert')) v(id, new) WHERE users.id = v.id RETURNING *", None),
    ("update_from_join_returning_joined_columns_with_parameters", ORDERS,
     "UPDATE orders SET status = %s FROM users u JOIN (VALUES (1, 'gold')) t(uid, tier) ON t.uid = u.id "
     "WHERE orders.user_id = u.id AND orders.total > %s RETURNING orders.id, u.name, t.tier, orders.status",
     ("shipped", 6)),
    ("update_from_returning_source_columns_read_by_a_with_query", ORDERS,
     "WITH up AS (UPDATE orders SET total = total * 2 FROM users u WHERE u.id = orders.user_id AND u.active "
     "RETURNING orders.id, u.email, orders.total) SELECT * FROM up ORDER BY id", None),
    ("update_from_a_with_query_returning_its_column", USERS,
     "WITH bonus AS (SELECT 2 AS id, 5 AS extra) UPDATE users SET age = age + bonus.extra FROM bonus "
     "WHERE users.id = bonus.id RETURNING users.age, bonus.extra", None),
    ("delete_using_returning_columns_of_the_using_table", ORDERS,
     "DELETE FROM orders o USING users u WHERE o.user_id = u.id AND u.name = 'Bob' RETURNING o.id, u.email, o.total",
     None),
    ("create_table_as", USERS + ["CREATE TABLE adults AS SELECT id, name, balance, age > 30 AS senior FROM users WHERE age IS NOT NULL"],
     "SELECT * FROM adults ORDER BY id", None),
    ("create_table_as_status", USERS, "CREATE TABLE copy AS SELECT * FROM users", None),
    ("create_table_as_column_names", USERS + ["CREATE TABLE c2 (a, b) AS SELECT id, email FROM users"],
     "SELECT a, b FROM c2 WHERE a = 2", None),
    # -- views --------------------------------------------------------------------------
    ("view_select", ORDERS + ["CREATE VIEW paid AS SELECT o.id, u.name, o.total FROM orders o JOIN users u ON u.id = o.user_id WHERE o.status = 'paid'"],
     "SELECT * FROM paid ORDER BY id", None),
    ("view_column_names", USERS + ["CREATE VIEW v (who, years) AS SELECT name, age FROM users"], "SELECT who, years FROM v WHERE years > 30 ORDER BY who", None),
    ("view_sees_new_rows", USERS + ["CREATE VIEW v AS SELECT count(*) AS n FROM users", "INSERT INTO users (email) VALUES ('z@x.com')"],
     "SELECT n FROM v", None),
    ("view_create_twice", USERS + ["CREATE VIEW v AS SELECT 1 AS x"], "CREATE VIEW v AS SELECT 2 AS x", None),
    ("view_or_replace", USERS + ["CREATE VIEW v AS SELECT 1 AS x", "CREATE OR REPLACE VIEW v AS SELECT 2 AS x, 3 AS y"], "SELECT * FROM v", None),
    ("view_or_replace_drop_column", USERS + ["CREATE VIEW v AS SELECT 1 AS x, 2 AS y"], "CREATE OR REPLACE VIEW v AS SELECT 1 AS x", None),
    ("view_drop_table_depended_on", USERS + ["CREATE VIEW v AS SELECT name FROM users"], "DROP TABLE users", None),
    ("view_drop_table_cascade", USERS + ["CREATE VIEW v AS SELECT name FROM users", "DROP TABLE users CASCADE"], "SELECT * FROM v", None),
    ("view_drop_view", USERS + ["CREATE VIEW v AS SELECT name FROM users", "DROP VIEW v"], "SELECT * FROM v", None),
    ("view_drop_table_on_view", USERS + ["CREATE VIEW v AS SELECT name FROM users"], "DROP TABLE v", None),
    ("view_drop_view_on_table", USERS, "DROP VIEW users", None),
    ("view_in_information_schema", USERS + ["CREATE VIEW v AS SELECT name FROM users"],
     "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name", None),
    ("distinct_on_first_per_group", USERS, "SELECT DISTINCT ON (active) active, name FROM users ORDER BY active, name", None),
    ("distinct_on_latest_per_user", ORDERS, "SELECT DISTINCT ON (user_id) user_id, id, total FROM orders ORDER BY user_id, id DESC", None),
    ("distinct_on_with_limit", ORDERS, "SELECT DISTINCT ON (status) status, total FROM orders ORDER BY status, total DESC LIMIT 2", None),
    ("distinct_on_expression", USERS, "SELECT DISTINCT ON (age > 30) name, age FROM users WHERE age IS NOT NULL ORDER BY age > 30, age", None),
    # -- enums ----------------------------------------------------------------------------
    ("enum_column_round_trip", ["CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')", "CREATE TABLE person (name text, m mood)",
                                "INSERT INTO person VALUES ('a', 'happy'), ('b', 'sad'), ('c', 'ok'), ('d', NULL)"],
     "SELECT name, m FROM person ORDER BY m, name", None),
    ("enum_comparison_by_declaration_order", ["CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')", "CREATE TABLE person (name text, m mood)",
                                              "INSERT INTO person VALUES ('a', 'happy'), ('b', 'sad'), ('c', 'ok')"],
     "SELECT name FROM person WHERE m > 'sad' ORDER BY name", None),
    ("enum_bad_value", ["CREATE TYPE mood AS ENUM ('sad', 'ok')", "CREATE TABLE person (m mood)"],
     "INSERT INTO person VALUES ('meh')", None),
    ("enum_type_twice", ["CREATE TYPE mood AS ENUM ('sad', 'ok')"], "CREATE TYPE mood AS ENUM ('x')", None),
    ("enum_drop_in_use", ["CREATE TYPE mood AS ENUM ('sad', 'ok')", "CREATE TABLE person (m mood)"], "DROP TYPE mood", None),
    ("enum_in_pg_type", ["CREATE TYPE mood AS ENUM ('sad', 'ok')"],
     "SELECT t.typname, t.typtype, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typname = 'mood' ORDER BY e.enumsortorder", None),
    ("enum_cast_literal", ["CREATE TYPE mood AS ENUM ('sad', 'ok')"], "SELECT 'ok'::mood, 'nope'::mood", None),
    # -- arrays ---------------------------------------------------------------------------
    ("array_constructors", [], "SELECT ARRAY[1, 2, 3], ARRAY['a', 'b c', NULL], ARRAY[1.5, 2]", None),
    ("array_any_literal", [], "SELECT 2 = ANY(ARRAY[1, 2]), 3 = ANY(ARRAY[1, 2]), 1 <> ALL(ARRAY[2, 3])", None),
    ("array_columns_round_trip", ["CREATE TABLE at (id int PRIMARY KEY, tags text[], nums int[])",
                                  "INSERT INTO at VALUES (1, '{a,b}', '{1,2,3}'), (2, '{\"x\",\"y z\"}', '{4,NULL}')"],
     "SELECT * FROM at ORDER BY id", None),
    ("array_param_insert", ["CREATE TABLE at (id int PRIMARY KEY, tags text[], nums bigint[])"],
     "INSERT INTO at VALUES (%s, %s, %s) RETURNING tags, nums", (1, ["x", "y z", None], [4, 5])),
    ("array_any_column", ["CREATE TABLE at (id int, tags text[])", "INSERT INTO at VALUES (1, '{a,b}'), (2, '{c}')"],
     "SELECT id FROM at WHERE 'a' = ANY(tags)", None),
    ("array_any_param_list", USERS, "SELECT email FROM users WHERE id = ANY(%s) ORDER BY id", ([1, 3, 99],)),
    ("array_all_param_list", USERS, "SELECT email FROM users WHERE id <> ALL(%s) ORDER BY id", ([1, 3],)),
    ("array_contains_overlaps", ["CREATE TABLE at (id int, nums int[])", "INSERT INTO at VALUES (1, '{1,2,3}'), (2, '{4}')"],
     "SELECT id, nums @> ARRAY[1, 2], nums && ARRAY[4, 9], ARRAY[2] <@ nums FROM at ORDER BY id", None),
    ("array_subscript_length", ["CREATE TABLE at (id int, nums int[])", "INSERT INTO at VALUES (1, '{10,20,30}'), (2, '{}')"],
     "SELECT nums[1], nums[3], nums[4], array_length(nums, 1), cardinality(nums) FROM at ORDER BY id", None),
    ("array_agg", USERS, "SELECT array_agg(id) FROM users WHERE age > 30", None),
    ("unnest_in_from", [], "SELECT x FROM unnest(ARRAY[3, 1, 2]) AS x ORDER BY x", None),
    ("unnest_param_with_column_alias", [], "SELECT t.v, upper(t.v) FROM unnest(%s) AS t(v) ORDER BY 1", (["b", "a"],)),
    ("unnest_join", USERS, "SELECT u.email FROM unnest(ARRAY[2, 4]) AS k(id) JOIN users u ON u.id = k.id ORDER BY u.id", None),
    ("array_bad_literal", ["CREATE TABLE at (nums int[])"], "INSERT INTO at VALUES ('{1,2')", None),
    ("array_bad_element", ["CREATE TABLE at (nums int[])"], "INSERT INTO at VALUES ('{1,x}')", None),
    ("array_any_text_list_param", USERS, "SELECT id FROM users WHERE name = ANY(%s) ORDER BY id", (["Ada", "Cy", "Zed"],)),
    ("unnest_typed_param", [], "SELECT v FROM unnest(%s::int[]) AS v ORDER BY v DESC", ([5, 7],)),
    ("boolean_aggregate_in_having", USERS, "SELECT active, count(*) FROM users GROUP BY active HAVING bool_or(age > 30) ORDER BY active", None),
    ("unnest_in_select_list", [], "SELECT unnest(ARRAY[1, 2, 3])", None),
    ("unnest_in_select_list_with_subscripts", ["CREATE TABLE at (id int, tags text[])",
                                               "INSERT INTO at VALUES (1, '{a,b}'), (2, '{}'), (3, NULL), (4, '{c}')"],
     "SELECT id, unnest(tags) AS tag, generate_subscripts(tags, 1) AS n FROM at ORDER BY id, n", None),
    ("unnest_two_arrays_in_lockstep", [], "SELECT unnest(ARRAY[1, 2, 3]) AS a, unnest(ARRAY['x']) AS b", None),
    ("array_agg_order_by", USERS, "SELECT array_agg(name ORDER BY age DESC) FROM users", None),
    ("grouping_rollup", USERS, "SELECT active, count(*) FROM users GROUP BY ROLLUP (active) ORDER BY 1", None),
    ("grouping_rollup_two_columns", SALES,
     "SELECT region, product, sum(qty) FROM sales GROUP BY ROLLUP (region, product) ORDER BY 1, 2, 3", None),
    ("grouping_cube_with_grouping_function", SALES,
     "SELECT region, product, sum(qty), grouping(region, product) FROM sales GROUP BY CUBE (region, product) "
     "ORDER BY 4, 1, 2", None),
    ("grouping_sets_with_empty_set", SALES,
     "SELECT region, product, count(*) FROM sales GROUP BY GROUPING SETS ((region), (product), ()) "
     "ORDER BY 1 NULLS FIRST, 2 NULLS FIRST, 3", None),
    ("grouping_rollup_having_order_by_alias", SALES,
     "SELECT region, sum(price * qty) AS total FROM sales GROUP BY ROLLUP (region) HAVING sum(qty) > 2 "
     "ORDER BY total DESC", None),
    ("grouping_plain_column_and_rollup", SALES,
     "SELECT product, region, sum(qty) FROM sales GROUP BY product, ROLLUP (region) ORDER BY product, region, 3", None),
    ("grouping_rollup_order_by_aggregate_limit", SALES,
     "SELECT region, sum(qty) FROM sales GROUP BY ROLLUP (region) ORDER BY sum(qty) LIMIT 2", None),
    ("order_by_numeric_output_column_of_union", [],
     "SELECT 'a' AS r, 2.5::numeric AS total UNION ALL SELECT 'b', 10::numeric ORDER BY total DESC", None),
    # -- to_char ----------------------------------------------------------------------------
    ("to_char_now_hh24_mi_is_text", [],
     "SELECT to_char(now(), 'HH24:MI') ~ '^[0-2][0-9]:[0-5][0-9]$' AS ok", None),
    ("to_char_timestamptz_common_patterns", [],
     "SELECT to_char(timestamptz '2024-03-05 14:07:09.123456+00', 'YYYY-MM-DD HH24:MI:SS.MS US'), "
     "to_char(timestamptz '2024-03-05 14:07:09+00', 'HH12:MI AM pm TZ OF')", None),
    ("to_char_timestamp_month_and_day_names", [],
     "SELECT to_char(timestamp '2024-03-05 04:07:09', 'Mon MON mon Month| MONTH| Dy DY Day| day|')", None),
    ("to_char_fill_mode_prefix", [],
     "SELECT to_char(timestamp '2024-03-05 04:07:09', 'FMMonth FMDay FMDD/FMMM FMHH12 TZ|')", None),
    ("to_char_date_year_and_week_fields", [],
     "SELECT to_char(date '2024-12-31', 'YYYY YY IYYY IW WW DDD D Q CC J RM Y,YYY'), "
     "to_char(date '2024-01-01', '\"Day\" yyyy-mm-dd hh24:mi:ss')", None),
    ("to_char_timestamp_column", ITEMS, "SELECT sku, to_char(updated_at, 'DD Mon YYYY HH12:MI am') FROM items ORDER BY sku", None),
    ("to_char_interval_fields", [],
     "SELECT to_char(interval '1 year 2 months 3 days 04:05:06.789', 'YYYY MM DD HH24:MI:SS.MS'), "
     "to_char(interval '49 hours 5 minutes', 'HH24:MI')", None),
    ("to_char_interval_month_name_is_invalid", [], "SELECT to_char(interval '1 hour', 'Month')", None),
    ("to_char_numeric_digit_patterns", [],
     "SELECT to_char(1.5, '999'), to_char(-1.5, '999'), to_char(12, '000'), to_char(0.5, '9.99'), "
     "to_char(0.5, '0.99'), to_char(1234567, '9,999,999'), to_char(123, '9,999'), to_char(1234.5, '9G999D99'), "
     "to_char(0, '9999')", None),
    ("to_char_numeric_fill_mode", [],
     "SELECT to_char(12, 'FM9999'), to_char(12.5, 'FM9999.99'), to_char(12, 'FM9999.99'), to_char(12, 'FM0000'), "
     "to_char(-1234.567, 'FM9,999.99'), to_char(3.14159::float8, 'FM9.99'), to_char(42::bigint, 'FM99999')", None),
    ("to_char_numeric_overflow_hashes", [],
     "SELECT to_char(12.345, '0.00'), to_char(12345, '9,999'), to_char(-12345, '999')", None),
    ("to_char_numeric_column", USERS, "SELECT to_char(balance, 'FM999990.00') FROM users ORDER BY id", None),
    ("to_char_of_untyped_literal_is_not_unique", [], "SELECT to_char('2024-01-01', 'YYYY')", None),
    ("to_char_of_text_does_not_exist", [], "SELECT to_char('abc'::text, 'YYYY')", None),
    ("to_char_in_column_default_and_check",
     ["CREATE TABLE tc (id int, y text DEFAULT to_char(date '2024-05-06', 'FMDD Mon YYYY'), "
      "CHECK (to_char(id, 'FM999') <> '13'))", "INSERT INTO tc (id) VALUES (1)"],
     "SELECT * FROM tc", None),
    # -- jsonb_set / jsonb_insert and the JSON set-returning functions ---------------------
    ("jsonb_concat_merges_objects_and_joins_arrays", [],
     """SELECT '{"a":1}'::jsonb || '{"b":2, "a":3}'::jsonb AS merged, '[1]'::jsonb || '[]'::jsonb AS arrays,
       '[1]'::jsonb || '2'::jsonb AS appended, '1'::jsonb || '[2]' AS prepended, '{"a":1}'::jsonb || '1'::jsonb AS boxed,
       pg_typeof('[1]'::jsonb || '[2]'::jsonb)::text AS type""", None),
    ("jsonb_concat_with_text_is_text", [], """SELECT '{"a":1}'::jsonb || 'x'::text AS t""", None),
    ("jsonb_minus_removes_keys_elements_and_indexes", [],
     """SELECT '{"a":1,"b":2}'::jsonb - 'a' AS key, '["a","b",1]'::jsonb - 'a' AS strings,
       '[1,2,3]'::jsonb - 0 AS first, '[1,2,3]'::jsonb - -1 AS last,
       '{"a":1,"b":2,"c":3}'::jsonb - ARRAY['a','c'] AS keys""", None),
    ("jsonb_minus_on_a_scalar_fails", [], """SELECT '1'::jsonb - 'a'""", None),
    ("jsonb_minus_integer_on_an_object_fails", [], """SELECT '{"a":1}'::jsonb - 1""", None),
    ("jsonb_concat_updates_a_column", DOCS,
     """UPDATE docs SET body = body || '{"seen": true}' WHERE id = 1 RETURNING body""", None),
    ("jsonb_set_replaces_and_creates", [],
     """SELECT jsonb_set('{"a": 1, "b": [1, 2]}', '{b,0}', '"x"'), jsonb_set('{"a": 1}', '{c}', '2'), """
     """jsonb_set('{"a": 1}', '{c}', '2', false), jsonb_set('{"a": {"b": 1}}', '{a,b,c}', '2')""", None),
    ("jsonb_set_array_index_past_either_end", [],
     "SELECT jsonb_set('[1,2]', '{-1}', '9'), jsonb_set('[1,2]', '{5}', '9'), jsonb_set('[1,2]', '{-5}', '9')", None),
    ("jsonb_set_null_arguments_and_empty_path", [],
     """SELECT jsonb_set('{"a": 1}', '{}', '2'), jsonb_set('{"a": 1}', '{a}', NULL), jsonb_set(NULL, '{a}', '1')""", None),
    ("jsonb_set_on_scalar_fails", [], "SELECT jsonb_set('1', '{a}', '2')", None),
    ("jsonb_set_non_integer_array_step_fails", DOCS, "SELECT jsonb_set(body, '{n}', '42') FROM docs ORDER BY id", None),
    ("jsonb_set_column_with_text_array_path", DOCS,
     """UPDATE docs SET body = jsonb_set(body, ARRAY['nested', 'k'], '"w"') WHERE id = 1 RETURNING body""", None),
    ("jsonb_insert_before_after_and_new_key", [],
     """SELECT jsonb_insert('{"a": [1, 2]}', '{a,1}', '9'), jsonb_insert('{"a": [1, 2]}', '{a,1}', '9', true), """
     """jsonb_insert('{"a": 1}', '{b}', '2')""", None),
    ("jsonb_insert_existing_key_fails", [], """SELECT jsonb_insert('{"a": 1}', '{a}', '2')""", None),
    ("jsonb_array_elements_text_in_from_beside_table", DOCS,
     "SELECT d.id, e FROM docs d, jsonb_array_elements_text(d.body->'tags') AS e ORDER BY 1, 2", None),
    ("jsonb_array_elements_in_from_value_column", DOCS,
     "SELECT d.id, e.value FROM docs d, jsonb_array_elements(d.body->'tags') AS e ORDER BY 1, 2", None),
    ("jsonb_array_elements_lateral_with_ordinality", DOCS,
     "SELECT d.id, e.* FROM docs d CROSS JOIN LATERAL jsonb_array_elements(d.body->'tags') WITH ORDINALITY "
     "AS e(tag, n) ORDER BY 1, 3", None),
    ("jsonb_each_in_from", [], """SELECT * FROM jsonb_each('{"b": 1, "a": [1, 2.50], "c": null}') ORDER BY key""", None),
    ("jsonb_each_text_with_ordinality", [],
     """SELECT * FROM jsonb_each_text('{"b": 1, "a": [1, 2.50], "c": null, "d": "s"}') WITH ORDINALITY""", None),
    ("jsonb_object_keys_column_named_by_alias", [],
     """SELECT * FROM jsonb_object_keys('{"b": 1, "a": 2}'), jsonb_object_keys('{"c": 1}') k""", None),
    ("jsonb_array_elements_in_select_list", DOCS,
     "SELECT id, jsonb_array_elements(body->'tags') AS tag FROM docs WHERE id < 3 ORDER BY id", None),
    ("jsonb_object_keys_in_select_list", DOCS, "SELECT id, jsonb_object_keys(body) FROM docs WHERE id < 3", None),
    ("jsonb_array_elements_text_in_select_list_without_from", [],
     """SELECT jsonb_array_elements_text('["a", 1, null, true]')""", None),
    ("json_each_left_join_lateral_keeps_text_as_written", [],
     """SELECT v.id, e.key, e.value FROM (VALUES (1, '{"b": 1,  "a" : [1, 2.50]}'::json), (2, NULL)) v(id, j) """
     """LEFT JOIN LATERAL json_each(v.j) e ON true ORDER BY 1, 2""", None),
    ("json_array_elements_and_text", [],
     """SELECT a.value, b.value FROM json_array_elements('[1, "two", null, {"x" :  1}]') WITH ORDINALITY a """
     """JOIN json_array_elements_text('[1, "two", null, {"x" :  1}]') WITH ORDINALITY b ON a.ordinality = b.ordinality""",
     None),
    ("json_object_keys_keeps_duplicates", [], """SELECT json_object_keys('{"b": 1, "a": 2, "b": 3}')""", None),
    ("jsonb_array_elements_of_object_fails", [], """SELECT jsonb_array_elements('{"a":1}')""", None),
    ("jsonb_each_of_array_fails", [], "SELECT * FROM jsonb_each('[1]')", None),
    ("jsonb_object_keys_of_scalar_fails", [], "SELECT jsonb_object_keys('1')", None),
    ("jsonb_array_elements_count_over_rows", DOCS,
     "SELECT count(*) FROM docs, jsonb_array_elements(body->'tags')", None),
    ("jsonb_array_elements_parameter", [], "SELECT * FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY",
     ('[1, "a"]',)),
    # -- age / justify_* (as text too: a timedelta cannot tell '1 mon 1 day' from '31 days') --
    ("age_of_two_timestamps_in_years_months_days", [],
     "SELECT age(timestamp '2024-01-01', timestamp '2023-01-01')::text, "
     "age(timestamp '2001-04-10', timestamp '1957-06-13')::text, age(timestamp '1957-06-13', timestamp '2001-04-10')::text, "
     "age(timestamp '2001-04-10', timestamp '1957-06-13')", None),
    ("age_borrows_the_earlier_month_length", [],
     "SELECT age(timestamp '2024-03-01', timestamp '2024-01-31')::text, "
     "age(timestamp '2024-01-31', timestamp '2024-03-01')::text, age(date '2024-03-31', date '2024-02-29')::text, "
     "age(timestamp '2024-02-29', timestamp '2023-03-31')::text, age(timestamp '2023-03-31', timestamp '2024-02-29')::text",
     None),
    ("age_with_time_of_day_and_timestamptz", [],
     "SELECT age(timestamptz '2024-05-03 10:00:00.5+00', timestamptz '2023-02-28 23:59:59.75+00')::text, "
     "age(timestamp '2024-01-01 01:00', timestamp '2024-01-01 02:30')::text, age('2024-01-01', '2020-02-29')::text", None),
    ("age_of_one_timestamp_counts_from_midnight", [],
     "SELECT age(current_date::timestamp) = interval '0' AS today, age(now()) < interval '1 day' AS recent", None),
    ("age_of_integers_does_not_exist", [], "SELECT age(1, 2)", None),
    ("justify_hours_and_days", [],
     "SELECT justify_hours(interval '27 hours')::text, justify_hours(interval '-27 hours 1 day')::text, "
     "justify_days(interval '35 days')::text, justify_days(interval '1 month -35 days')::text, "
     "justify_days(interval '-65 days')::text", None),
    ("justify_interval_signs", [],
     "SELECT justify_interval(interval '1 mon -1 hour')::text, justify_interval(interval '-1 mon 1 hour')::text, "
     "justify_interval(interval '29 days 30 hours')::text, justify_interval('100 hours')::text, "
     "justify_interval(interval '-1 mon -1 hour')::text, justify_interval(interval '65 days -2 hours')", None),
    # -- regular-expression functions -----------------------------------------------------
    ("regexp_replace_first_global_and_case_insensitive", [],
     "SELECT regexp_replace('Thomas', '.[mN]a.', 'M'), regexp_replace('foobarbaz', 'b(..)', 'X\\1Y', 'g'), "
     "regexp_replace('fooBARbaz', 'b..', 'x', 'gi'), regexp_replace('abc', 'B', 'x', 'ic')", None),
    ("regexp_replace_backrefs_whole_match_and_backslash", [],
     "SELECT regexp_replace('hello world', '(\\w+) (\\w+)', '\\2 \\1 [\\&]'), regexp_replace('a.b.c', '\\.', '\\\\', 'g'), "
     "regexp_replace('abc', 'x*', '-', 'g'), regexp_replace('a+b', '+', 'x', 'q')", None),
    ("regexp_replace_dot_matches_newline_and_dollar_is_end", [],
     "SELECT regexp_replace(E'line1\\nline2', '.$', 'X'), regexp_replace(E'a\\nb', 'a.b', 'X'), "
     "regexp_replace(E'ab\\n', 'b$', 'X'), regexp_replace(E'x\\ny', '^y', 'Z')", None),
    ("regexp_replace_word_boundaries_and_classes", [],
     "SELECT regexp_replace('the cat sat', '\\mcat\\M', 'dog'), regexp_replace('concat cat', '\\ycat\\y', 'dog', 'g'), "
     "regexp_replace('abc123def', '[[:digit:]]+', '#'), regexp_replace('Ab1_ c', '[^[:alnum:]]', '', 'g'), "
     "regexp_replace('a]b', '[]]', 'x')", None),
    ("regexp_replace_column", USERS,
     "SELECT name, regexp_replace(email, '@.*$', '') FROM users ORDER BY id", None),
    ("regexp_replace_invalid_flag", [], "SELECT regexp_replace('abc', 'b', 'x', 'z')", None),
    ("regexp_replace_unbalanced_parenthesis", [], "SELECT regexp_replace('abc', '(b', 'x')", None),
    ("regexp_match_groups_or_whole_match", [],
     "SELECT regexp_match('foobarbequebaz', 'bar.*que'), regexp_match('foobarbequebaz', '(bar)(beque)'), "
     "regexp_match('abc', 'x'), regexp_match('abc', '(a)|(z)')", None),
    ("regexp_match_global_flag_fails", [], "SELECT regexp_match('abc', 'b', 'g')", None),
    ("regexp_matches_global_in_select_list", [],
     "SELECT regexp_matches('foobarbequebazilbarfbonk', '(b[^b]+)(b[^b]+)', 'g')", None),
    ("regexp_matches_without_match_drops_the_row", [], "SELECT regexp_matches('abc', 'z'), 1", None),
    ("regexp_matches_in_from_with_ordinality", [],
     "SELECT * FROM regexp_matches('a1b22c333', '[0-9]+', 'g') WITH ORDINALITY", None),
    ("regexp_split_to_array_empty_matches", [],
     "SELECT regexp_split_to_array('hello world  x', '\\s+'), regexp_split_to_array('hello', ''), "
     "regexp_split_to_array('a,b,,c', ','), regexp_split_to_array('abc', 'x*'), regexp_split_to_array(',a,', ',')", None),
    ("regexp_split_to_table_in_select_list_and_from", [],
     "SELECT regexp_split_to_table('the quick brown', '\\s+'), 1 UNION ALL "
     "SELECT part, 2 FROM regexp_split_to_table('a1b2c', '[0-9]') AS t(part)", None),
    ("regexp_split_to_table_global_flag_fails", [], "SELECT regexp_split_to_table('a,b', ',', 'g')", None),
    ("regexp_replace_of_integer_does_not_exist", [], "SELECT regexp_replace(1, 'b', 'x')", None),
    # -- set_config, pg_sleep, to_json & co., to_timestamp, make_interval, generate_series ----
    ("set_config_custom_setting_read_back", ["SELECT set_config('app.user_id', '42', false)"],
     "SELECT current_setting('app.user_id'), current_setting('app.never_set_here', true)", None),
    ("set_config_then_show", ["SELECT set_config('app.role', 'admin', false)"], "SHOW app.role", None),
    ("set_config_returns_the_new_value", [],
     "SELECT set_config('app.tenant', 't1', false), set_config('app.local_only', 'x', true), "
     "set_config('DateStyle', 'ISO, MDY', true)", None),
    ("set_config_local_ends_with_the_statement", ["SELECT set_config('app.once', 'x', true)"],
     "SELECT current_setting('app.once', true)", None),
    ("set_config_invalid_value", [], "SELECT set_config('statement_timeout', 'abc', false)", None),
    ("set_config_null_value_resets", [], "SELECT set_config('app.cleared', NULL, false)", None),
    ("current_setting_unknown_custom_setting_fails", [], "SELECT current_setting('app.not_defined_anywhere')", None),
    ("pg_sleep_returns_void", [], "SELECT pg_sleep(0.01), pg_sleep(0), pg_sleep('0.01'), pg_sleep(NULL)", None),
    ("to_json_scalars_and_arrays", [],
     "SELECT to_json(1.50::numeric), to_json('a\"b'::text), to_json(true), to_json(NULL::int), to_json(ARRAY[1,2]), "
     "to_json(3.5::float8), to_json(timestamptz '2024-01-02 03:04:05.5+00'), to_json(date '2024-01-02')", None),
    ("to_jsonb_scalars_and_arrays", [],
     "SELECT to_jsonb(1.50::numeric), to_jsonb('a'::text), to_jsonb(ARRAY['x','y']), "
     "to_jsonb(timestamp '2024-01-02 03:04:05')", None),
    ("to_json_of_untyped_literal_fails", [], "SELECT to_json('abc')", None),
    ("row_to_json_of_table_rows", USERS, "SELECT row_to_json(u) FROM users u ORDER BY id", None),
    ("to_jsonb_of_subquery_row", [],
     "SELECT to_jsonb(s) FROM (SELECT 1 AS a, 'x' AS b, NULL::int AS c, 2.50 AS d) s", None),
    ("row_to_json_with_jsonb_column", DOCS, "SELECT row_to_json(d) FROM docs d ORDER BY id", None),
    ("to_timestamp_of_epoch_seconds", [],
     "SELECT to_timestamp(0), to_timestamp(1700000000.5), to_timestamp(-1.25), to_timestamp('1700000000')", None),
    ("make_interval_named_and_positional", [],
     "SELECT make_interval(days => 1)::text, make_interval(1, 2, 3, 4, 5, 6, 7.5)::text, "
     "make_interval(hours => 2, mins => 30)::text, make_interval(secs => 1.25)::text, make_interval()::text, "
     "make_interval(days => 1)", None),
    ("generate_series_in_select_list", [], "SELECT generate_series(1, 3)", None),
    ("generate_series_in_select_list_with_step_and_expression", [],
     "SELECT generate_series(1, 10, 3) AS g, 'x' AS c UNION ALL SELECT generate_series(5, 1, -2) + 100, 'y'", None),
    ("generate_series_in_select_list_per_row", USERS, "SELECT id, generate_series(1, id) FROM users ORDER BY 1, 2", None),
    ("generate_series_lateral", USERS,
     "SELECT u.id, g FROM users u, LATERAL generate_series(1, u.id) g ORDER BY 1, 2", None),
    ("generate_series_zero_step_fails", [], "SELECT generate_series(1, 3, 0)", None),
    ("generate_series_in_select_list_counted", [], "SELECT count(*) FROM (SELECT generate_series(1, 100000)) s", None),
    # -- operators and functions that fell through to SQLite's own semantics ---------------
    ("random_is_between_zero_and_one", [],
     "SELECT min(r) >= 0 AS lo, max(r) < 1 AS hi, pg_typeof(min(r))::text AS type "
     "FROM (SELECT random() AS r FROM generate_series(1, 50)) s", None),
    ("array_concat_operator_appends_and_prepends", [],
     "SELECT ARRAY[1,2] || ARRAY[3] AS cat, ARRAY[1,2] || 3 AS app, 0 || ARRAY[1,2] AS pre, "
     "ARRAY['a'] || 'b'::text AS txt, ARRAY[1,2] || NULL::int[] AS null_arr, ARRAY[1,2] || NULL::int AS null_elem, "
     "ARRAY[1] || '{2,3}' AS lit, pg_typeof(ARRAY[1,2] || 3)::text AS type", None),
    ("array_functions_append_prepend_cat_remove_replace_position", [],
     "SELECT array_append(ARRAY[1,2], 3) AS app, array_prepend(0, ARRAY[1,2]) AS pre, "
     "array_cat(ARRAY[1,2], ARRAY[3]) AS cat, array_cat(NULL::int[], ARRAY[1]) AS cat_null, "
     "array_remove(ARRAY[1,2,1,NULL], 1) AS rem, array_replace(ARRAY[1,2,1], 1, 9) AS rep, "
     "array_position(ARRAY['a','b','a'], 'a') AS pos, array_position(ARRAY['a','b','a'], 'a', 2) AS pos_from, "
     "array_position(ARRAY['a'], 'z') AS missing, array_positions(ARRAY['a','b','a'], 'a') AS positions", None),
    ("array_ordering_compares_elements", [],
     "SELECT ARRAY[10] > ARRAY[9] AS num, ARRAY[1,2] < ARRAY[1,2,0] AS prefix, ARRAY['b'] > ARRAY['a','z'] AS txt, "
     "ARRAY[1,NULL] > ARRAY[1,5] AS null_high, ARRAY[2.5] >= ARRAY[10.0] AS numeric", None),
    ("array_column_append_and_order", ["CREATE TABLE ta (id int, a int[])",
                                       "INSERT INTO ta VALUES (1, '{10}'), (2, '{9,1}'), (3, '{9}')"],
     "SELECT id, a || 0 AS appended, a > ARRAY[9] AS gt FROM ta ORDER BY id", None),
    ("jsonb_contained_by_and_key_of_a_string", [],
     """SELECT '{"a":1}'::jsonb <@ '{"a":1,"b":2}'::jsonb AS inside, '{"a":1,"b":2}'::jsonb <@ '{"a":1}' AS outside, """
     """'"a"'::jsonb ? 'a' AS string_key, '"a"'::jsonb ? 'b' AS other, '1'::jsonb ? '1' AS number""", None),
    ("jsonb_comparison_by_value_and_size", [],
     """SELECT '1'::jsonb = '1.0'::jsonb AS num_eq, '10'::jsonb > '9'::jsonb AS num_gt, '"10"'::jsonb < '"9"'::jsonb AS str, """
     """'[1,2,3]'::jsonb > '[4]'::jsonb AS longer, '{"b":1}'::jsonb > '{"a":2}'::jsonb AS keys, """
     """'{"a":1}'::jsonb > '[1]'::jsonb AS obj_arr, '"a"'::jsonb < '1'::jsonb AS kinds, '[]'::jsonb < 'null'::jsonb AS empty, """
     """'1'::jsonb < '[1]'::jsonb AS scalar_below, '{"a":1,"b":2}'::jsonb = '{"b":2,"a":1}' AS order""", None),
    ("jsonb_column_compared_with_literal", DOCS,
     """SELECT id FROM docs WHERE body -> 'n' > '4' ORDER BY id""", None),
    ("json_path_operator_on_json_is_json", [],
     """SELECT pg_typeof('{"a": [1, 2]}'::json #> '{a}')::text AS t, json_array_length('[1,2]') AS n""", None),
    ("char_n_ignores_trailing_spaces", [],
     "SELECT 'abc'::char(5) = 'abc' AS eq, 'abc '::char(5) = 'abc'::char(5) AS both, 'abc'::char(5) || 'x' AS cat, "
     "'abc'::char(5)::text AS txt, 'abc'::char(5) = 'abc  '::text AS vs_text", None),
    ("char_n_column_compared_and_concatenated", ["CREATE TABLE tc (c char(5))", "INSERT INTO tc VALUES ('ab')"],
     "SELECT c = 'ab' AS eq, c || '|' AS cat, c::text AS txt FROM tc", None),
    ("coalesce_greatest_least_common_type", [],
     "SELECT COALESCE(1, 2.5) AS c1, COALESCE(NULL, 1, 2.5) AS c2, GREATEST(1, 2.5) AS g, LEAST(3, 2.0) AS l, "
     "GREATEST(10, 9.5) AS g2, GREATEST(1::float8, 2) AS gf, pg_typeof(COALESCE('a', NULL))::text AS t, "
     "NULLIF(1, 1.0) AS n1, NULLIF(1.0, 1) AS n2, pg_typeof(NULLIF('a', 'b'))::text AS nt", None),
    ("coalesce_of_integer_and_text_fails", [], "SELECT COALESCE(1, 'x'::text)", None),
    ("case_result_common_type", [],
     "SELECT CASE WHEN true THEN 1 ELSE 2.5 END AS a, CASE WHEN false THEN 1 ELSE 2.5 END AS b, "
     "CASE WHEN true THEN 1 ELSE 2::int8 END AS c, CASE WHEN true THEN 1::float8 ELSE 2 END AS d, "
     "CASE WHEN true THEN true ELSE 'f' END AS e, CASE WHEN true THEN date '2024-01-01' ELSE '2024-02-02' END AS f, "
     "CASE 1 WHEN 1.0 THEN 'one' ELSE 'other' END AS g", None),
    ("in_list_compares_numerics_by_value", [],
     "SELECT 1 IN (1.0, 2) AS a, 1.0 IN (1, 2) AS b, 2.50 IN (2.5) AS c, 3 NOT IN (1.0, 2) AS d", None),
    ("substr_start_before_one_and_negative_length", [],
     "SELECT substr('abcdef', -1, 3) AS a, substr('abcdef', -5) AS b, substr('abcdef', 0, 3) AS c, "
     "substring('abcdef' from -1 for 3) AS d, substring('abcdef' from 0) AS e, substr('abcdef', 2, 3) AS f", None),
    ("substr_negative_length_fails", [], "SELECT substr('abcdef', 2, -1)", None),
    ("substring_from_pattern", [],
     "SELECT substring('foobar' from 'o.b') AS a, substring('foobar' from 'o(.)b') AS b, "
     "substring('foobar' from 'z') AS c", None),
    ("lpad_rpad_zero_and_negative_length", [],
     "SELECT lpad('abc', -1) AS a, rpad('abc', -1) AS b, lpad('abc', 0) AS c, lpad('abc', 5, 'xy') AS d, "
     "pg_typeof(lpad('a', 2))::text AS t", None),
    ("format_identifiers_literals_and_positions", [],
     "SELECT format('%I', 'Foo') AS a, format('%I', 'foo') AS b, format('%L', 'O''Reilly') AS c, "
     "format('%L', NULL) AS d, format('%2$s %1$s', 'a', 'b') AS e, format('%5s|%-5s|', 'a', 'b') AS f, "
     "format('%s %s', 1, true) AS g, format('100%%') AS h, format('%I', 'select') AS i", None),
    ("quote_ident_and_literal", [],
     "SELECT quote_ident('Foo') AS a, quote_ident('foo') AS b, quote_ident('select') AS c, quote_ident('a b') AS d, "
     "quote_literal('O''Reilly') AS e, quote_literal(42) AS f, quote_nullable(NULL) AS g", None),
    ("to_hex_of_integers", [], "SELECT to_hex(255) AS a, to_hex(-1) AS b, to_hex(-1::int8) AS c", None),
    ("chr_of_zero_fails", [], "SELECT chr(0)", None),
    ("upper_lower_initcap_of_non_ascii", [],
     "SELECT upper('ß') AS a, upper('héllo') AS b, initcap('élan vital') AS c, initcap('hello_world foo-bar') AS d", None),
    ("text_concat_prints_booleans_and_floats", [],
     "SELECT 'a' || true AS a, concat(1, 2.50, true) AS b, 'x' || 1.0::float8 AS c, concat('a', NULL, 1.5::float8) AS d", None),
    ("round_and_trunc_types_and_halves", [],
     "SELECT round(2.5::float8) AS a, round(-2.5::float8) AS b, round(0.5::float8) AS c, round(42) AS d, "
     "round(2.5) AS e, trunc(2.789, 2) AS f, trunc(-2.7) AS g, trunc(2.7::float8) AS h, trunc(42) AS i, "
     "trunc(1234.5, -2) AS j", None),
    ("round_float_with_places_fails", [], "SELECT round(2.5::float8, 1)", None),
    ("sign_log_and_trigonometry_are_double", [],
     "SELECT sign(-3) AS a, sign(-3.5) AS b, sign(0) AS c, log10(1000) AS d, log(100) AS e, "
     "pg_typeof(pi())::text AS f, pg_typeof(sin(0))::text AS g, sqrt(16) AS h", None),
    ("sqrt_of_negative_fails", [], "SELECT sqrt(-1)", None),
    ("power_of_negative_to_fraction_fails", [], "SELECT power(-8, 0.5::float8)", None),
    ("integer_overflow_of_negation_division_and_abs", [],
     "SELECT pg_typeof(-2147483648)::text AS t, -2147483648 AS v", None),
    ("integer_overflow_of_min_times_minus_one_fails", [], "SELECT -2147483648 * -1", None),
    ("integer_overflow_of_min_divided_by_minus_one_fails", [], "SELECT (-2147483648)::int4 / -1", None),
    ("integer_overflow_of_abs_fails", [], "SELECT abs(-2147483648)", None),
    ("every_is_bool_and", [], "SELECT every(x) AS e FROM (VALUES (true), (true)) v(x)", None),
    ("date_compared_with_timestamp", [],
     "SELECT date '2024-03-15' = timestamp '2024-03-15' AS a, timestamp '2024-03-15' = timestamptz '2024-03-15 00:00+00' AS b, "
     "date '2024-03-15' < timestamp '2024-03-15 00:00:01' AS c", None),
    ("array_column_compared_with_array_literal", ["CREATE TABLE ta (id int, a int[])",
                                                  "INSERT INTO ta VALUES (1, '{1,2}'), (2, '{2}')"],
     "SELECT id, a = '{1,2}' AS eq, '{2}' = a AS eq2, a < '{2}' AS lt FROM ta ORDER BY id", None),
    ("min_of_boolean_fails", [], "SELECT min(x) FROM (VALUES (true)) v(x)", None),
    ("max_of_jsonb_fails", DOCS, "SELECT max(body) FROM docs", None),
    ("every_beside_bool_and_on_a_table", ["CREATE TABLE tb (b boolean)", "INSERT INTO tb VALUES (true), (false)"],
     "SELECT bool_and(b), bool_or(b), every(b) FROM tb", None),
    ("union_of_integer_and_numeric_is_numeric", [],
     "SELECT 1 AS x UNION SELECT 2.5 UNION SELECT 10 ORDER BY 1", None),
    ("union_all_of_table_columns_converts_and_orders_by_value", SALES,
     "SELECT qty * 10 AS v FROM sales UNION ALL SELECT price FROM sales ORDER BY 1", None),
    ("values_column_common_type", [],
     "SELECT x, pg_typeof(x)::text AS t FROM (VALUES (1), (2.5), (10)) v(x) ORDER BY x", None),
    ("values_max_of_mixed_numbers", [], "SELECT max(x) FROM (VALUES (1), (2.5)) v(x)", None),
    ("real_column_keeps_single_precision", ["CREATE TABLE tr (r real)", "INSERT INTO tr VALUES (0.1), (2.5)"],
     "SELECT r, r = 0.1 AS eq, r::float8 AS widened, r * 2 AS doubled FROM tr ORDER BY r", None),
    ("real_literal_out_of_range_fails", [], "SELECT '1e39'::real", None),
    ("interval_times_and_divided_by_fractions", [],
     "SELECT interval '1 month' * 1.5 AS a, interval '1 day' * 0.5 AS b, interval '1 mon 1 day' * 0.3 AS c, "
     "interval '-1 mon' * 0.5 AS d, interval '1 day' / 2 AS e, interval '1 mon' / 3 AS f, interval '3 hours' / 1.5 AS g, "
     "2 * interval '1.5 days' AS h", None),
    ("interval_divided_by_zero_fails", [], "SELECT interval '1 day' / 0", None),
    ("extract_epoch_and_fields_of_intervals", [],
     "SELECT extract(epoch from interval '1 year') AS a, extract(epoch from interval '-13 months') AS b, "
     "extract(epoch from interval '1 year 2 mons 3 days 04:05:06.5') AS c, extract(hour from interval '-25 hours 30 minutes') AS d, "
     "extract(minute from interval '-1 hour 30 minutes') AS e, extract(second from interval '-90.5 seconds') AS f, "
     "extract(month from interval '-13 months') AS g", None),
    ("not_ilike", [], "SELECT 'ABC' NOT ILIKE 'a%' AS a, 'ABC' NOT ILIKE 'x%' AS b, 'ABC' NOT LIKE 'A%' AS c", None),
    ("numeric_literal_with_exponent", [], "SELECT 1e2 AS a, 1.50e1 AS b, 1e-2 AS c, 2.5E+3 AS d", None),
    ("array_contains_numerics_by_value", [],
     "SELECT ARRAY[1.5] @> ARRAY[1.50] AS a, ARRAY[1.5] && ARRAY[1.50] AS b, ARRAY[1,2] <@ ARRAY[2,1,3] AS c", None),
    ("json_agg_of_integers_and_text", [],
     "SELECT json_agg(x) AS a, json_agg(x ORDER BY x DESC) AS b FROM (VALUES (1), (NULL), (3)) v(x)", None),
    ("json_agg_of_text", [], "SELECT json_agg(x) FROM (VALUES ('a'), ('b')) v(x)", None),
    ("real_arithmetic_and_sum_stay_real", [],
     "SELECT 1.5::float4 * 1.5::float4 AS a, 0.1::float4 + 0.2::float4 AS b, pg_typeof(0.1::float4 + 0.2)::text AS c, "
     "sum(x) AS d FROM (VALUES (1.5::float4), (2)) v(x)", None),
    ("order_by_jsonb_and_arrays_in_their_own_order", [],
     """SELECT x FROM (VALUES ('10'::jsonb), ('9'::jsonb), ('"a"'::jsonb), ('[1,2]'::jsonb), ('[3]'::jsonb), ('{"a":1}'::jsonb)) v(x) """
     """ORDER BY x DESC""", None),
    ("order_by_and_max_of_int_arrays", ["CREATE TABLE ta (id int, a int[])",
                                        "INSERT INTO ta VALUES (1, '{10}'), (2, '{9}'), (3, '{1,2}')"],
     "SELECT id, (SELECT max(a) FROM ta) AS mx, (SELECT min(a) FROM ta) AS mn FROM ta ORDER BY a", None),
    ("order_by_jsonb_expression", DOCS, "SELECT id FROM docs ORDER BY body -> 'n', id", None),
    ("jsonb_column_groups_and_matches_numbers_by_value",
     ["CREATE TABLE tj (id int, j jsonb)", """INSERT INTO tj VALUES (1, '{"n": 1}'), (2, '{"n": 1.0}'), (3, '{"n": 2}')"""],
     """SELECT count(DISTINCT j) AS d, (SELECT count(*) FROM tj WHERE j = '{"n": 1.00}') AS eq FROM tj""", None),
    ("jsonb_unique_column_treats_equal_numbers_as_duplicates",
     ["CREATE TABLE tu (j jsonb UNIQUE)", "INSERT INTO tu VALUES ('1')"], "INSERT INTO tu VALUES ('1.0')", None),
    ("array_column_groups_and_sorts_by_elements",
     ["CREATE TABLE tg (a int[])", "INSERT INTO tg VALUES ('{10}'), ('{9}'), ('{10}'), ('{1,2}')"],
     "SELECT a, count(*) FROM tg GROUP BY a ORDER BY a DESC", None),
    ("string_to_array_translate_ascii_starts_with", [],
     "SELECT string_to_array('a,b,,c', ',') AS a, string_to_array('a,b,,c', ',', '') AS b, string_to_array('abc', NULL) AS c, "
     "string_to_array('abc', '') AS d, string_to_array('', ',') AS e, translate('abcde', 'bd', 'X') AS f, "
     "translate('aabb', 'ab', 'ba') AS g, ascii('A') AS h, ascii('é') AS i, ascii('') AS j, starts_with('abc', 'ab') AS k, "
     "'abc' ^@ 'b' AS l", None),
    ("array_upper_lower_ndims_dims", [],
     "SELECT array_upper(ARRAY[1,2,3], 1) AS a, array_lower(ARRAY[1,2,3], 1) AS b, array_upper('{}'::int[], 1) AS c, "
     "array_upper(ARRAY[1], 2) AS d, array_ndims(ARRAY[1,2]) AS e, array_dims(ARRAY[1,2]) AS f", None),
    ("gcd_lcm_cbrt_width_bucket_make_date", [],
     "SELECT gcd(12, 18) AS a, gcd(-12, 18) AS b, lcm(4, 6) AS c, lcm(0, 5) AS d, gcd(12::int8, 18) AS e, cbrt(27) AS f, "
     "width_bucket(5, 0, 10, 5) AS g, width_bucket(5.5, 10, 0, 4) AS h, width_bucket(3.3::float8, 0, 10, 3) AS i, "
     "make_date(2024, 2, 29) AS j", None),
    ("make_date_out_of_range_fails", [], "SELECT make_date(2023, 2, 29)", None),
    ("numeric_sqrt_power_ln_log_exp_result_scales", [],
     "SELECT sqrt(16::numeric) AS a, sqrt(2.0) AS b, sqrt(0.0001) AS c, power(2.0, 3) AS d, power(2, 0.5) AS e, "
     "power(10.0, 20) AS f, power(2.5, -2) AS g, power(0.0, 0) AS h, 2.0 ^ 3 AS i, ln(2.0) AS j, ln(1.05) AS k, "
     "log(100::numeric) AS l, log(2, 8) AS m, log(0.5, 0.25) AS n, exp(1.0) AS o, exp(-2.0) AS p, log10(1000) AS q, "
     "log(100) AS r, power(9.99, 2.5) AS s", None),
    ("numeric_power_of_negative_to_fraction_fails", [], "SELECT power(-8, 1.0/3)", None),
    ("numeric_log_base_one_fails", [], "SELECT log(1, 10)", None),
    ("numeric_ln_of_zero_fails", [], "SELECT ln(0.0)", None),
    ("date_part_is_double_precision", [],
     "SELECT date_part('year', timestamp '2024-03-15 10:20:30') AS a, date_part('epoch', timestamp '2024-03-15 10:20:30.5') AS b, "
     "date_part('dow', date '2024-03-17') AS c, date_part('second', timestamp '2024-03-15 10:20:30.25') AS d, "
     "date_part('hour', interval '25 hours') AS e, date_part('DAY', timestamptz '2024-03-15 10:20:30+00') AS f", None),
    ("timestamp_input_rounds_fractional_seconds", [],
     "SELECT '2024-03-15 10:00:00.123456789'::timestamp AS a, '2024-03-15 10:00:00.9999999'::timestamp AS b", None),
    ("like_with_empty_escape", [], "SELECT 'x' LIKE 'x' ESCAPE '' AS a, 'a%' LIKE 'a%' ESCAPE '' AS b, 'a\\b' LIKE 'a\\b' ESCAPE '' AS c", None),
    ("array_constructor_common_type_and_empty_cast", [],
     "SELECT ARRAY[1, 2.5] AS a, ARRAY[1::int8, 2] AS b, ARRAY[]::int[] AS c, ARRAY[]::text[] = '{}' AS d", None),
    ("array_equality_of_different_element_types_fails", [], "SELECT ARRAY[1,2] = ARRAY[1.0,2.0]", None),
    ("case_with_unconvertible_literal_fails", [], "SELECT CASE WHEN false THEN 'x' ELSE 1 END", None),
    ("similar_to_patterns", [],
     "SELECT 'abc' SIMILAR TO 'a(b|c)c' AS a, 'abc' SIMILAR TO 'a%' AS b, 'abc' NOT SIMILAR TO 'a%' AS c, "
     "'abc' SIMILAR TO 'a.c' AS d, 'a_c' SIMILAR TO 'a#_c' ESCAPE '#' AS e, 'abbb' SIMILAR TO 'ab+' AS f, "
     "'ab' SIMILAR TO '[a-c]{2}' AS g, 'abc' SIMILAR TO '%(b|z)%' AS h", None),
    ("jsonb_any_all_keys_and_delete_path", [],
     """SELECT '{"a":1,"b":2}'::jsonb ?| array['b','c'] AS a, '{"a":1,"b":2}'::jsonb ?& array['a','c'] AS b, """
     """'{"a":1,"b":2}'::jsonb ?| '{x,a}' AS c, '["a","b"]'::jsonb ?& array['a','b'] AS d, """
     """'{"a":[1,2]}'::jsonb #- '{a,0}' AS e, '{"a":[1,2]}'::jsonb #- '{a,-1}' AS f, '{"a":1}'::jsonb #- '{z}' AS g, """
     """'{"a":{"b":1,"c":2}}'::jsonb #- '{a,b}' AS h, '[1,2,3]'::jsonb #- '{1}' AS i""", None),
    ("overlay_placing", [],
     "SELECT overlay('abcdef' placing 'XY' from 2 for 3) AS a, overlay('abcdef' placing 'XY' from 2) AS b, "
     "overlay('abcdef' placing 'XY' from 5 for 10) AS c", None),
    ("at_time_zone_named_zones", [],
     "SELECT timestamptz '2024-03-15 10:20+00' AT TIME ZONE 'America/New_York' AS a, "
     "timestamp '2024-03-15 10:20' AT TIME ZONE 'America/New_York' AS b, timestamp '2024-07-15 10:20:30.5' AT TIME ZONE 'Europe/Paris' AS c, "
     "timestamptz '2024-01-15 10:20+00' AT TIME ZONE 'UTC' AS d, date '2024-03-15' AT TIME ZONE 'Europe/Paris' AS e", None),
    ("bitwise_operators_and_shifts", [],
     "SELECT 5 & 3 AS a, 5 | 3 AS b, 5 # 3 AS c, 1 << 4 AS d, -8 >> 1 AS e, 1 << 40 AS f, 1::int8 << 40 AS g, "
     "pg_typeof(5::int2 & 3::int2)::text AS h", None),
    ("float_to_numeric_keeps_significant_digits", [],
     "SELECT (1/3::float8)::numeric AS a, '3.14'::real::numeric AS b, 0.1::float8::numeric AS c, 1e20::float8::numeric AS d", None),
    ("untyped_literal_in_arithmetic_is_read_as_the_other_type", [], "SELECT '2' + 1 AS a, 10 / '4' AS b, 2.5 * '2' AS c", None),
    ("untyped_literal_not_an_integer_fails_in_arithmetic", [], "SELECT '1.5' + 1", None),
    ("two_untyped_literals_in_arithmetic_fail", [], "SELECT '2' * '3'", None),
    ("text_plus_integer_fails", [], "SELECT '5'::text + 1", None),
    ("concat_ws_prints_booleans", [], "SELECT concat_ws('-', 1, NULL, 2.50, true)", None),
    ("boolean_casts_to_numbers_fail", [], "SELECT true::numeric", None),
    ("boolean_to_bigint_fails", [], "SELECT true::int8", None),
    ("bigint_to_boolean_fails", [], "SELECT 1::int8::bool", None),
    ("boolean_to_char_n_truncates", [], "SELECT true::char(3) AS a, false::varchar(2) AS b, true::int AS c, 1::bool AS d", None),
    ("jsonb_build_object_keeps_value_types", [],
     """SELECT jsonb_build_object('a', true, 'b', 1.5, 'c', NULL, 'd', 'x', 'e', 2) AS a, """
     """jsonb_build_object('d', date '2024-01-01', 'j', '{"x":1}'::jsonb, 'arr', ARRAY[1,2]) AS b, """
     """jsonb_build_object(1, 2, true, 3) AS c, jsonb_build_object('a', 1, 'a', 2) AS d""", None),
    ("json_build_object_and_arrays_text", [],
     """SELECT json_build_object('a', 1, 'b', '{"x":  1}'::json, 'c', 'q')::text AS a, """
     """json_build_array(1, 'a', NULL, '{"y":2}'::jsonb)::text AS b, jsonb_build_array(1.50, 'x', true, NULL) AS c, """
     """json_build_object()::text AS d, json_build_object('a', true, 'b', 1.5) AS e""", None),
    ("jsonb_build_object_null_key_fails", [], "SELECT jsonb_build_object(NULL, 1)", None),
    ("make_timestamp_and_make_time", [],
     "SELECT make_timestamp(2024, 2, 29, 10, 20, 30.5) AS a, make_time(10, 20, 30.5) AS b, make_time(23, 59, 59.999999) AS c", None),
    ("make_timestamp_out_of_range_fails", [], "SELECT make_timestamp(2023, 2, 29, 10, 20, 30)", None),
    ("timestamp_to_time_and_extract_from_time", [],
     "SELECT '2024-03-15 10:00'::timestamp::time AS a, '2024-03-15 10:00:30.25+02'::timestamptz::time AS b, "
     "extract(hour from time '10:20:30') AS c, extract(second from time '10:20:30.5') AS d, "
     "extract(epoch from time '10:20:30.5') AS e, extract(milliseconds from time '10:20:30.5') AS f", None),
    ("typed_literal_cast_runs_in_order", [],
     "SELECT timestamp '2024-03-15 23:30'::date AS a, date '2024-03-15'::timestamp AS b, "
     "timestamp '2024-03-15 10:20:30.123456'::text AS c, timestamptz '2024-03-15 23:30+00'::date AS d", None),
    # -- collations -----------------------------------------------------------------------
    ("collate_c_posix_default_binary_order", [],
     "SELECT 'b' < 'a' COLLATE \"C\", 'B' < 'a' COLLATE \"C\", 'é' > 'z' COLLATE \"POSIX\", "
     "'a' < 'B' COLLATE \"default\", 'Z' COLLATE \"C\" < 'a', 'a' COLLATE pg_catalog.\"C\" < 'b', "
     "'x' COLLATE ucs_basic, pg_typeof('a' COLLATE \"C\")", None),
    ("collate_column_names_and_char_padding", [],
     "SELECT 'x' COLLATE \"C\", name COLLATE \"C\", 'a'::char(3) COLLATE \"C\" = 'a  '::char(3), "
     "name::varchar COLLATE \"default\" < 'b' FROM (VALUES ('a')) v(name)", None),
    ("collate_c_in_order_by_and_aggregates", [],
     "SELECT x, max(x COLLATE \"C\") OVER () AS mx FROM (VALUES ('b'), ('B'), ('a'), ('é')) v(x) ORDER BY x COLLATE \"C\"",
     None),
    ("collate_unknown_collation", [], "SELECT 'a' COLLATE nosuch", None),
    ("collate_unquoted_name_is_folded", [], "SELECT 'a' COLLATE C", None),
    ("collate_on_integer", [], "SELECT 1 COLLATE \"C\"", None),
    ("collate_explicit_mismatch", [], "SELECT 'a' COLLATE \"C\" < 'b' COLLATE \"POSIX\"", None),
    # -- statistical and object aggregates -------------------------------------------------
    ("variance_stddev_of_integers_numeric_scale", [],
     "SELECT variance(x), var_samp(x), var_pop(x), stddev(x), stddev_samp(x), stddev_pop(x) "
     "FROM (VALUES (1), (2), (4), (7)) v(x)", None),
    ("variance_stddev_of_numeric_scale", SALES,
     "SELECT region, variance(qty), stddev_pop(price), var_pop(price), stddev(price::numeric(10,4)) FROM sales "
     "GROUP BY region ORDER BY region", None),
    ("variance_stddev_of_floats_double", [],
     "SELECT variance(x), var_pop(x), stddev(x), stddev_pop(x), variance(x::real), stddev_pop(x::real) "
     "FROM (VALUES (1.5::float8), (2.2), (4.125)) v(x)", None),
    ("variance_stddev_edge_counts", [],
     "SELECT variance(x), var_pop(x), stddev(x), stddev_pop(x), variance(x::float8) AS vf, "
     "stddev_pop(x::float8) AS sf, stddev(NULL) AS untyped, "
     "(SELECT var_pop(y) FROM (VALUES (5), (5)) w(y)) AS same, "
     "(SELECT var_pop(y::float8) FROM (VALUES (5)) w(y) WHERE false) AS none FROM (VALUES (5)) v(x)", None),
    ("variance_stddev_big_and_tiny_numeric", ["CREATE TABLE big (x numeric)",
                                              "INSERT INTO big VALUES ('100000000000000000000'), ('100000000000000000001'), (3)"],
     "SELECT stddev(x), variance(x), stddev(x / 100000000000000000000000) FROM big", None),
    ("variance_stddev_nan_and_infinity", [],
     "SELECT (SELECT variance(x)::text || ' ' || stddev(x)::text FROM (VALUES (1.0::numeric), ('NaN'), (2)) v(x)) AS n, "
     "(SELECT variance(x)::text || ' ' || stddev_pop(x)::text FROM (VALUES (1.0::float8), ('Infinity')) v(x)) AS f", None),
    ("variance_stddev_as_window_functions", [],
     "SELECT x, stddev(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s, "
     "var_pop(x::float8) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS v "
     "FROM (VALUES (1), (2), (4), (7), (11)) v(x)", None),
    ("variance_window_frame_keeps_its_rows_scale", [],
     "SELECT x, stddev(x) OVER w, var_pop(x) OVER w, variance(x) OVER w FROM (VALUES (1, 1.5), (2, 2), (3, 3), "
     "(4, 4.25), (5, 7)) v(i, x) WINDOW w AS (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)", None),
    ("variance_of_text_is_undefined", [], "SELECT stddev('a'::text)", None),
    ("jsonb_object_agg_and_json_object_agg", [],
     "SELECT jsonb_object_agg(k, v), json_object_agg(k, v), jsonb_object_agg(k, v)::text AS bt, "
     "json_object_agg(k, v)::text AS jt FROM (VALUES ('b', 1), ('a', 2.50), ('b', NULL)) t(k, v)", None),
    ("object_agg_keys_and_values_of_other_types", [],
     "SELECT jsonb_object_agg(k, v)::text, json_object_agg(k, v)::text, jsonb_object_agg(b, j)::text AS bj, "
     "json_object_agg(n, d)::text AS nd FROM (VALUES (timestamp '2024-03-15 10:00', 'x', true, '{\"x\": [1, 2]}'::jsonb, 1.5, "
     "date '2024-03-15'), (timestamp '2024-03-16 10:00', NULL, false, '3', 2, NULL)) t(k, v, b, j, n, d)", None),
    ("object_agg_ordered_grouped_and_empty", [],
     "SELECT g, jsonb_object_agg(k, v ORDER BY k DESC), json_object_agg(k, v ORDER BY v DESC)::text FROM "
     "(VALUES (1, 'a', 1), (1, 'b', 2), (2, 'c', 3)) t(g, k, v) GROUP BY g "
     "UNION ALL SELECT 0, jsonb_object_agg('k', 'v'), json_object_agg(1, 2)::text WHERE false ORDER BY 1", None),
    ("object_agg_null_key", [], "SELECT jsonb_object_agg(k, 1) FROM (VALUES (NULL::text)) t(k)", None),
    ("object_agg_array_key", [], "SELECT json_object_agg(k, 1) FROM (VALUES ('[1]'::jsonb)) t(k)", None),
    ("object_agg_as_window_function", [],
     "SELECT jsonb_object_agg(k, v) OVER (ORDER BY k ROWS 1 PRECEDING) FROM (VALUES ('a', 1), ('b', 2), ('c', NULL)) t(k, v)",
     None),
    # -- json processing functions ---------------------------------------------------------
    ("jsonb_strip_nulls_and_json_strip_nulls", [],
     "SELECT jsonb_strip_nulls('{\"a\": 1, \"b\": null, \"c\": {\"d\": null, \"e\": [1, null, {\"f\": null}]}}')::text, "
     "json_strip_nulls('{\"a\" :  1.50, \"b\": null, \"c\" : {\"x\":null, \"y\": 1e2}, \"a\": \"x\\\"\\u00e9\\n\"}')::text, "
     "jsonb_strip_nulls(NULL), jsonb_strip_nulls('null')::text, json_strip_nulls('[null, {}]')::text", None),
    ("jsonb_strip_nulls_of_column", DOCS,
     "SELECT id, jsonb_strip_nulls(body || '{\"z\": null}') FROM docs ORDER BY id", None),
    ("jsonb_pretty_layout", [],
     "SELECT jsonb_pretty('{\"a\": 1, \"b\": [1, 2.50, {\"c\": null}], \"d\": {}, \"e\": [], \"f\": \"x\\\"y\"}'), "
     "jsonb_pretty('[]'), jsonb_pretty('1'), jsonb_pretty('\"x\"'), jsonb_pretty('[[1], {}, true]')", None),
    ("jsonb_extract_path_and_text", DOCS,
     "SELECT id, jsonb_extract_path(body, 'nested', 'k'), jsonb_extract_path_text(body, 'tags', '1'), "
     "jsonb_extract_path(body, 'tags', '-1'), jsonb_extract_path_text(body, 'n'), jsonb_extract_path(body, 'x', 'y'), "
     "jsonb_extract_path(body, '0') FROM docs ORDER BY id", None),
    ("json_extract_path_untyped_literal", [],
     "SELECT json_extract_path('{\"a\": {\"b\" :  [10, 20]}}', 'a')::text, json_extract_path_text('{\"a\": {\"b\": [10, \"x\"]}}', 'a', 'b', '1'), "
     "json_extract_path('[1, [2, 3]]', '-1', '0')::text, json_extract_path('{\"a\":1,\"a\":2}', 'a')::text, "
     "json_extract_path_text('{\"a\": null}', 'a'), jsonb_extract_path('{\"a\": null}', 'a')::text, "
     "jsonb_extract_path('{\"a\": 1}', NULL), jsonb_extract_path_text('{\"a\": [1]}', 'a', 'x')", None),
    ("jsonb_extract_path_without_path", [], "SELECT jsonb_extract_path('{\"a\": 1}')", None),
    ("jsonb_extract_path_integer_path", [], "SELECT jsonb_extract_path('{\"a\": 1}'::jsonb, 1)", None),
    ("json_extract_path_of_jsonb", [], "SELECT json_extract_path('{\"a\": 1}'::jsonb, 'a')", None),
    # -- bytea functions ---------------------------------------------------------------------
    ("bytea_encode_hex_base64_escape", [],
     r"SELECT encode('\x00ff41'::bytea, 'hex'), encode('hello world'::bytea, 'base64'), "
     r"encode('a\000b\\c\377'::bytea, 'escape'), encode(''::bytea, 'base64'), encode('abc', 'HEX'), "
     r"encode(decode(repeat('ab', 57), 'hex'), 'base64') AS b57, encode(decode(repeat('ab', 58), 'hex'), 'base64') AS b58, "
     r"encode(E'a\nb'::bytea, 'escape') AS nl", None),
    ("bytea_decode_hex_base64_escape", [],
     r"SELECT decode('00ff41', 'hex'), decode('61 62', 'hex') AS spaced, decode('aGVsbG8gd29ybGQ=', 'BASE64'), "
     r"decode(E'YW Jj\nZA==', 'base64') AS wrapped, decode('QQ==QUFB', 'base64') AS after_end, "
     r"decode('a\000b\\c\377', 'escape'), decode('', 'hex'), decode(NULL, 'hex')", None),
    ("bytea_decode_bad_hex_digit", [], "SELECT decode('0g', 'hex')", None),
    ("bytea_decode_odd_hex", [], "SELECT decode('abc', 'hex')", None),
    ("bytea_decode_base64_missing_padding", [], "SELECT decode('aGVsbG8', 'base64')", None),
    ("bytea_decode_base64_bad_symbol", [], "SELECT decode('YW*j', 'base64')", None),
    ("bytea_decode_base64_early_equals", [], "SELECT decode('Q===', 'base64')", None),
    ("bytea_decode_bad_escape", [], r"SELECT decode('a\', 'escape')", None),
    ("bytea_unknown_encoding", [], "SELECT encode('a'::bytea, 'nope')", None),
    ("bytea_encode_of_text_is_undefined", [], "SELECT encode('x'::text, 'hex')", None),
    ("bytea_get_set_byte_length_md5", TYPES + [r"INSERT INTO t (by) VALUES ('\xdeadbeef')"],
     r"SELECT get_byte(by, 3), set_byte(by, 0, 256), set_byte(by, 1, -1), length(by), md5(by), "
     r"encode(by, 'base64'), get_byte('abc', 0), md5('\x00'::bytea), length(''::bytea) FROM t", None),
    ("bytea_get_byte_out_of_range", [], r"SELECT get_byte('\x01'::bytea, 1)", None),
    ("bytea_set_byte_of_empty", [], "SELECT set_byte(''::bytea, 0, 1)", None),
    # -- date/time special and textual input ---------------------------------------------
    ("datetime_special_epoch", [],
     "SELECT 'epoch'::date, 'epoch'::timestamp, 'epoch'::timestamptz, ' EPOCH '::date AS spaced", None),
    ("datetime_special_today_tomorrow_yesterday", [],
     "SELECT 'today'::date = current_date AS d, 'tomorrow'::date - 'yesterday'::date AS span, "
     "'today'::timestamp = date_trunc('day', now())::timestamp AS ts, 'TODAY'::timestamptz = date_trunc('day', now()) AS tstz, "
     "'tomorrow'::timestamptz - 'today'::timestamptz AS iv, 'yesterday'::timestamp < 'today'::timestamp AS before", None),
    ("datetime_textual_input_formats", [],
     "SELECT 'March 15, 2024'::date, '2024/03/15'::date, '15-Mar-2024'::date, 'Mar 15 2024'::date, "
     "'15 March 2024'::date, 'sept 5 2024'::date, 'Friday, March 15, 2024'::date, '15-Mar-24'::date, "
     "date 'March 15, 2024' AS typed", None),
    ("datetime_textual_input_with_time", [],
     "SELECT 'March 15, 2024 10:20'::timestamp, '2024/03/15 10:20:30'::timestamptz, '15-Mar-2024'::timestamp, "
     "'March 15, 2024 10:20:30.5+02'::timestamptz, '2024/3/5 1:02'::timestamp, 'March 15, 2024 10:20'::date", None),
    ("datetime_textual_input_day_out_of_range", [], "SELECT 'Feb 30, 2024'::date", None),
    ("datetime_slashed_input_day_out_of_range", [], "SELECT '2024/02/30'::date", None),
    ("datetime_textual_input_bad_month", [], "SELECT 'Marc 15, 2024'::date", None),
    ("isfinite_of_dates_timestamps_intervals", [],
     "SELECT isfinite(date '2024-01-01'), isfinite(timestamp '2024-01-01'), isfinite(now()), "
     "isfinite(interval '1 day'), isfinite(NULL::date)", None),
    ("isfinite_of_untyped_literal", [], "SELECT isfinite('2024-01-01')", None),
    # -- factorial, trim_array, array_fill ---------------------------------------------------
    ("factorial_numeric_result", [],
     "SELECT factorial(5), factorial(0), factorial(1), factorial(25), factorial(5::smallint), factorial(5::bigint), "
     "factorial('4'), factorial(NULL), pg_typeof(factorial(3)), md5(factorial(2000)::text) AS big", None),
    ("factorial_of_negative", [], "SELECT factorial(-1)", None),
    ("factorial_overflow", [], "SELECT factorial(40000)", None),
    ("factorial_of_numeric_is_undefined", [], "SELECT factorial(3.5)", None),
    ("trim_array_elements", [],
     "SELECT trim_array(ARRAY[1,2,3,4], 2), trim_array(ARRAY['a','b'], 2), trim_array(ARRAY[1], 0), "
     "trim_array(NULL::int[], 1), trim_array(ARRAY[1,2], NULL), trim_array(a, 1) FROM (VALUES (ARRAY[1.5, 2.5])) t(a)", None),
    ("trim_array_too_many", [], "SELECT trim_array(ARRAY[1,2], 3)", None),
    ("trim_array_negative", [], "SELECT trim_array(ARRAY[1,2], -1)", None),
    ("trim_array_untyped_array", [], "SELECT trim_array('{1,2}', 1)", None),
    ("array_fill_one_dimension", [],
     "SELECT array_fill(7, ARRAY[3]), array_fill('x'::text, ARRAY[2]), array_fill(1, ARRAY[0]), "
     "array_fill(NULL::int, ARRAY[2]), array_fill(1.5, '{2}'), array_fill(true, ARRAY[2], ARRAY[1]), "
     "array_fill(1, ARRAY[]::int[]), array_length(array_fill(0, ARRAY[4]), 1) AS n", None),
    ("array_fill_null_dimensions", [], "SELECT array_fill(7, NULL)", None),
    ("array_fill_null_dimension_value", [], "SELECT array_fill(7, ARRAY[NULL::int])", None),
    ("array_fill_negative_size", [], "SELECT array_fill(7, ARRAY[-1])", None),
    ("array_fill_untyped_value", [], "SELECT array_fill('x', ARRAY[2])", None),
    ("array_fill_bounds_of_other_size", [], "SELECT array_fill(1, ARRAY[2], ARRAY[1, 1])", None),
    # -- float and numeric special values, exact numeric, integer overflow (pga) ---------------
    ("float_nan_arithmetic", [],
     "SELECT 'NaN'::float8 * 1, 'NaN'::float8 + 1, 'Infinity'::float8 - 1, '-Infinity'::float8 * 2, "
     "'Infinity'::float8 - 'Infinity'::float8, 'Infinity'::float8 * 0, 'NaN'::float8 / 0, 1::float8 / 'Infinity', "
     "'NaN'::float4 * 2, -('NaN'::float8), abs('-Infinity'::float8), @ 'NaN'::float8", None),
    ("float_nan_comparisons", [],
     "SELECT 'NaN'::float8 = 'NaN'::float8, 'NaN'::float8 > 1e308::float8, 'NaN'::float8 > 'Infinity'::float8, "
     "'NaN'::float8 <> 1, '-Infinity'::float8 < -1e308, greatest('NaN'::float8, 'Infinity'), least('NaN'::float8, 1), "
     "'NaN'::float8 IN (1, 'NaN'::float8)", None),
    ("float_special_values_order_by", [],
     "SELECT x FROM (VALUES (1::float8), ('NaN'), ('Infinity'), ('-Infinity'), (0)) v(x) ORDER BY x", None),
    ("float_special_values_order_by_desc_real", [],
     "SELECT x FROM (VALUES (1::real), ('NaN'), ('-Infinity'), (0)) v(x) ORDER BY x DESC", None),
    ("float_special_values_aggregates", [],
     "SELECT min(x), max(x), sum(x), avg(x), count(x) FROM (VALUES (1::float8), ('NaN'), ('Infinity'), (0)) v(x)", None),
    ("float_infinities_sum_avg", [],
     "SELECT (SELECT sum(x) FROM (VALUES (1::float8), ('Infinity'), ('-Infinity')) v(x)) AS nan_sum, "
     "(SELECT avg(x) FROM (VALUES (1::float8), ('Infinity')) v(x)) AS inf_avg, "
     "(SELECT sum(x) FROM (VALUES (0.1::real), (0.2), ('NaN')) v(x)) AS real_sum", None),
    ("float_sum_in_double_precision", [],
     "SELECT sum(x) FROM (VALUES (0.1::float8), (0.1), (0.1), (0.1), (0.1), (0.1), (0.1), (0.1), (0.1), (0.1)) v(x)", None),
    ("float_sum_overflow", [], "SELECT sum(x) FROM (VALUES (1e308::float8), (1e308)) v(x)", None),
    ("float_moving_window_sum_with_nan", [],
     "SELECT i, sum(x) OVER w, avg(x) OVER w FROM (VALUES (1, 1.5::float8), (2, 'NaN'), (3, 2), (4, 3)) v(i, x) "
     "WINDOW w AS (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) ORDER BY i", None),
    ("float_special_values_to_text", [],
     "SELECT 'NaN'::float8::text, 'Infinity'::float8::text, '-Infinity'::float4::text, '+inf'::float8, "
     "'  nan  '::float8, 'inf'::real", None),
    ("float_nan_to_integer", [], "SELECT 'NaN'::float8::int", None),
    ("float_infinity_to_bigint", [], "SELECT '-Infinity'::float4::bigint", None),
    ("float_nan_to_smallint", [], "SELECT 'NaN'::float8::smallint", None),
    ("float_special_values_to_numeric", [],
     "SELECT 'NaN'::float8::numeric, 'Infinity'::float8::numeric, '-Infinity'::real::numeric", None),
    ("float_multiplication_overflow", [], "SELECT 1e308::float8 * 10", None),
    ("float_multiplication_underflow", [], "SELECT 1e-308::float8 * 1e-308", None),
    ("float_addition_overflow", [], "SELECT 1e308::float8 + 1e308::float8", None),
    ("real_multiplication_overflow", [], "SELECT 3e38::real * 10::real", None),
    ("float_division_by_zero", [], "SELECT 1.5::float8 / 0::float8", None),
    ("float_input_out_of_range", [], "SELECT '1e400'::float8", None),
    ("float_input_underflow", [], "SELECT '1e-400'::float8", None),
    ("real_output_rounding", [],
     "SELECT 0.1::real + 0.2::real, 0.1::real * 3, 1::real / 3, 3.14159::real, 1e10::real, 123456789::real, "
     "0.1::real::float8", None),
    ("real_input_underflow", [], "SELECT '1e-50'::real", None),
    ("real_input_overflow", [], "SELECT 1e39::real", None),
    ("float_sqrt_of_nan_and_infinity", [],
     "SELECT sqrt('NaN'::float8), sqrt('Infinity'::float8), |/ 25 + 11, ||/ 8 * 8, cbrt('NaN'::float8), "
     "cbrt(-27::float8)", None),
    ("float_sqrt_of_negative", [], "SELECT sqrt(-1::float8)", None),
    ("float_sqrt_of_minus_infinity", [], "SELECT sqrt('-Infinity'::float8)", None),
    ("float_ln_exp_special_values", [],
     "SELECT ln('NaN'::float8), ln('Infinity'::float8), exp('NaN'::float8), exp('Infinity'::float8), "
     "exp('-Infinity'::float8), log('Infinity'::float8), log10(1000::float8)", None),
    ("float_ln_of_zero", [], "SELECT ln(0::float8)", None),
    ("float_log_of_negative", [], "SELECT log(-1::float8)", None),
    ("float_exp_overflow", [], "SELECT exp(1000::float8)", None),
    ("float_exp_underflow", [], "SELECT exp(-1000::float8)", None),
    ("float_power_special_values", [],
     "SELECT power('NaN'::float8, 0), power(1::float8, 'NaN'), power('NaN'::float8, 2), power(2::float8, 'Infinity'), "
     "power('-Infinity'::float8, 3), power('-Infinity'::float8, 2), power(0.5::float8, '-Infinity'), "
     "power(-1::float8, 'Infinity')", None),
    ("float_power_overflow", [], "SELECT power(10::float8, 400)", None),
    ("float_power_negative_base_fraction", [], "SELECT power(-8::float8, 0.5)", None),
    ("float_trig_special_values", [],
     "SELECT sin('NaN'::float8), cos('NaN'::float8), acos('NaN'::float8), atan('Infinity'::float8), "
     "atan2('NaN'::float8, 1), degrees('Infinity'::float8)", None),
    ("float_sin_of_infinity", [], "SELECT sin('Infinity'::float8)", None),
    ("float_asin_out_of_range", [], "SELECT asin(2)", None),
    ("float_rounding_special_values", [],
     "SELECT round('NaN'::float8), trunc('Infinity'::float8), ceil('NaN'::float8), floor('-Infinity'::float8), "
     "sign('NaN'::float8), sign('-Infinity'::float8)", None),
    ("float_special_values_in_table", ["CREATE TABLE fl (f real, d float8)",
                                       "INSERT INTO fl VALUES ('NaN', '-Infinity'), ('Infinity', 'NaN'), (1.5, 2.5)"],
     "SELECT f, d, f * 2, -d, d + f, min(d) OVER (), max(f) OVER (), sum(d) OVER () FROM fl "
     "WHERE d = 'NaN' OR f > 0 ORDER BY d", None),
    ("numeric_big_multiplication_exact", [],
     "SELECT 123456789012345678901234567890::numeric * 987654321098765432109876543210::numeric, "
     "1.5::numeric * 1.25, 0.001 * 0.001", None),
    ("numeric_power_integer_exponent", [],
     "SELECT 2::numeric ^ 200, 2.5::numeric ^ 2, 1.5 ^ 3, 0.5::numeric ^ 100, 2::numeric ^ -2, 1.000001 ^ 3, "
     "10.0 ^ 2.0, (-2.0) ^ 3, 1.0000001 ^ 100000, 0.99 ^ 1000, 7::numeric ^ 0, power(2::numeric, 10)", None),
    ("numeric_power_fractional_exponent", [], "SELECT 2 ^ 0.5, 10 ^ -3.5, 1.5 ^ 1.5, 0.0 ^ 2.5", None),
    ("numeric_power_overflow", [], "SELECT 10::numeric ^ 200000", None),
    ("numeric_power_special_values", [],
     "SELECT 'NaN'::numeric ^ 0, 1::numeric ^ 'NaN', 'NaN'::numeric ^ 1, (-2)::numeric ^ 'Infinity'::numeric, "
     "(-2)::numeric ^ '-Infinity'::numeric, '-Infinity'::numeric ^ 3, '-Infinity'::numeric ^ 2, "
     "'Infinity'::numeric ^ -1, 0.5 ^ '-Infinity'::numeric", None),
    ("numeric_division_scale_exact", [],
     "SELECT 1::numeric / 3, 10::numeric / 7, 1e20::numeric / 3, 2::numeric / 3e10, 1.00 / 3.000000, "
     "123456789012345678901234567890 / 7, 0 / 7.0", None),
    ("numeric_big_sum_and_avg", [],
     "SELECT sum(x), avg(x) FROM (VALUES (99999999999999999999999999999.99::numeric), "
     "(99999999999999999999999999999.99), (0.01)) v(x)", None),
    ("numeric_sum_of_many_large_values", [],
     "SELECT sum(123456789012345678901234567890.123::numeric * g) FROM generate_series(1, 200) g", None),
    ("numeric_round_big_values", [],
     "SELECT round(123456789012345678901234567890.123456::numeric, 3), round(1234.5678, -2), round(-2.5), "
     "round(1e30::numeric + 0.5), trunc(123456789012345678901234567890.987654, 2), trunc(1234.5678, -2)", None),
    ("numeric_nan_and_infinity_arithmetic", [],
     "SELECT 'NaN'::numeric + 1, 'Infinity'::numeric * 2, 'Infinity'::numeric - 'Infinity'::numeric, "
     "'Infinity'::numeric * 0, 'NaN'::numeric / 0, 1::numeric / 'Infinity'::numeric, "
     "'Infinity'::numeric / 'Infinity'::numeric, 1::numeric % 'Infinity'::numeric, 'Infinity'::numeric % 1, "
     "-('Infinity'::numeric)", None),
    ("numeric_infinity_divided_by_zero", [], "SELECT 'Infinity'::numeric / 0", None),
    ("numeric_special_values_order_and_compare", [],
     "SELECT x, x > 1e100 AS big FROM (VALUES (1::numeric), ('NaN'), ('Infinity'), ('-Infinity'), (0)) v(x) ORDER BY x", None),
    ("numeric_special_values_aggregates", [],
     "SELECT (SELECT min(x)::text || ' ' || max(x)::text || ' ' || sum(x)::text || ' ' || avg(x)::text "
     "FROM (VALUES (1::numeric), ('NaN'), (2)) v(x)) AS with_nan, "
     "(SELECT sum(x)::text || ' ' || avg(x)::text FROM (VALUES (1::numeric), ('Infinity')) v(x)) AS with_inf, "
     "(SELECT sum(x)::text FROM (VALUES (1::numeric), ('Infinity'), ('-Infinity')) v(x)) AS both_inf", None),
    ("numeric_moving_window_sum_scale", [],
     "SELECT i, sum(x) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) "
     "FROM (VALUES (1, 1.5::numeric), (2, 'NaN'), (3, 2), (4, 3)) v(i, x) ORDER BY i", None),
    ("numeric_functions_of_special_values", [],
     "SELECT sqrt('NaN'::numeric), sqrt('Infinity'::numeric), ln('Infinity'::numeric), exp('-Infinity'::numeric), "
     "log(10::numeric, 'Infinity'::numeric), log('Infinity'::numeric, 10), round('NaN'::numeric, 2), "
     "trunc('NaN'::numeric), ceil('Infinity'::numeric), floor('-Infinity'::numeric), abs('-Infinity'::numeric), "
     "sign('NaN'::numeric), sign('-Infinity'::numeric)", None),
    ("numeric_sqrt_of_minus_infinity", [], "SELECT sqrt('-Infinity'::numeric)", None),
    ("numeric_ln_of_minus_infinity", [], "SELECT ln('-Infinity'::numeric)", None),
    ("numeric_special_value_input", [],
     "SELECT 'NaN'::numeric, '+inf'::numeric, ' -inf '::numeric, 'Inf'::numeric, 'NaN'::numeric(10,2), "
     "'NaN'::numeric::float8, 'Infinity'::numeric::real", None),
    ("numeric_typmod_infinity", [], "SELECT 'Infinity'::numeric(10,2)", None),
    ("numeric_typmod_fraction_only", [], "SELECT 0.001::numeric(3,5), 0.00001::numeric(3,5)", None),
    ("numeric_typmod_fraction_only_overflow", [], "SELECT 1::numeric(3,5)", None),
    ("numeric_nan_to_integer", [], "SELECT 'NaN'::numeric::int", None),
    ("numeric_infinity_to_bigint", [], "SELECT 'Infinity'::numeric::bigint", None),
    ("numeric_infinity_to_smallint", [], "SELECT '-Infinity'::numeric::smallint", None),
    ("numeric_typmod_on_insert", ["CREATE TABLE nt (a numeric(5,2))", "INSERT INTO nt VALUES (999.994), ('NaN')"],
     "INSERT INTO nt VALUES (999.995)", None),
    ("numeric_typmod_infinity_on_insert", ["CREATE TABLE nt (a numeric(5,2))"],
     "INSERT INTO nt VALUES ('Infinity')", None),
    ("numeric_typmod_on_update", ["CREATE TABLE nt (a numeric(5,2))", "INSERT INTO nt VALUES (999.99), ('NaN')"],
     "UPDATE nt SET a = a * 1000", None),
    ("numeric_modulo_and_div", [],
     "SELECT 7 % 2.00, -7.5 % 2, 7.25 % -2.5, 1e20::numeric % 7, div(-7, 2), div(7.5, 2), div(7, 0.3), "
     "div('Infinity'::numeric, 2), div(1, 'Infinity'::numeric), mod(7.5, -2), mod(-7, 3)", None),
    ("numeric_div_by_zero", [], "SELECT div(1, 0)", None),
    ("numeric_modulo_by_zero", [], "SELECT 1::numeric % 0", None),
    ("integer_modulo_of_negatives", [],
     "SELECT -7 % 3, 7 % -3, mod(-7::int2, 3::int2), 9223372036854775807 % 10, -9223372036854775807 % 10, "
     "(-2147483648)::int4 % -1, (-9223372036854775808)::int8 % -1", None),
    ("int4_typed_addition_overflow", [], "SELECT 2147483647::int4 + 1::int4", None),
    ("int4_multiplication_overflow", [], "SELECT 65536 * 65536", None),
    ("int2_subtraction_overflow", [], "SELECT (-32768)::int2 - 1::int2", None),
    ("int8_multiplication_overflow", [], "SELECT 4294967296::int8 * 4294967296::int8", None),
    ("int8_minimum_divided_by_minus_one", [], "SELECT (-9223372036854775808)::int8 / -1", None),
    ("int2_minimum_divided_by_minus_one", [], "SELECT (-32768)::int2 / (-1)::int2", None),
    ("int2_division_by_zero", [], "SELECT 1::int2 / 0::int2", None),
    ("int8_modulo_by_zero", [], "SELECT 1::int8 % 0::int8", None),
    ("int4_negation_overflow", [], "SELECT -(-2147483648)::int4", None),
    ("int8_negation_overflow", [], "SELECT -(-9223372036854775808)::int8", None),
    ("abs_int4_minimum_overflow", [], "SELECT abs((-2147483648)::int4)", None),
    ("abs_operator_int2_minimum_overflow", [], "SELECT @ (-32768)::int2", None),
    ("prefix_math_operators", [],
     "SELECT @ -5, @ -5.5, @ -5 + 1, |/ 25, |/ 2::float8, ||/ 27, |/ 16 || 'x', 2 * |/ 16, 2 ^ 3, power(2, 3), "
     "mod(7, 3), 7 % 3", None),
    ("sqrt_operator_of_negative", [], "SELECT |/ -1", None),
    ("numeric_to_float8_underflow", [], "SELECT 1e-400::float8", None),
    ("numeric_to_real_underflow", [], "SELECT 1e-50::real", None),
    ("numeric_power_of_infinities", [],
     "SELECT '-Infinity'::numeric ^ 'Infinity'::numeric, 'Infinity'::numeric ^ 'Infinity'::numeric, "
     "0::numeric ^ 'Infinity'::numeric, 'Infinity'::numeric ^ 0.5", None),
    ("numeric_minus_infinity_to_fractional_power", [], "SELECT '-Infinity'::numeric ^ 2.5", None),
    ("float_nan_and_infinity_parameters", ["CREATE TABLE fp (d float8)"],
     "INSERT INTO fp VALUES (%s), (%s) RETURNING d, d = 'NaN', d * 2", (float("nan"), float("inf"))),
    ("float_nan_parameter_arithmetic", [], "SELECT %s * 2, %s::float8 + 1", (float("nan"), float("-inf"))),
    # -- json text as written, SQLite's built-ins hidden, arrays of arrays, row constructors ---------
    ("json_arrow_keeps_spacing", [],
     """SELECT ('{"a": {"b" :  1}}'::json -> 'a')::text, ('{"a": {"b" :  [1,  2]}}'::json #> '{a,b}')::text, """
     """'{"a": {"b" :  [1,  2]}}'::json #>> '{a,b}', '{"a": {"b" :  1}}'::json ->> 'a', '{"a": {"b" :  1}}'::json -> 'a'""",
     None),
    ("json_arrow_index_and_missing", [],
     "SELECT ('[1, 2,  3]'::json -> -1)::text, ('[1, 2,  3]'::json -> 5) IS NULL, ('[1,2]'::json -> 'a') IS NULL, "
     """('{"1": 2}'::json -> 1) IS NULL, ('{"a" : null}'::json -> 'a')::text, '{"a" : null}'::json ->> 'a' IS NULL, """
     """'{"a" : "x\\"y"}'::json ->> 'a', ('[1, [2,  3]]'::json #> '{1,-1}')::text""", None),
    ("json_duplicate_keys", [],
     """SELECT '{"a":1,"a":2}'::json ->> 'a', ('{"a":1,"a":2}'::json -> 'a')::text, '{"a":1,"a":2}'::jsonb ->> 'a', """
     """'{"a":1,"a":2}'::json::text, '{"a":1,"a":2}'::jsonb::text""", None),
    ("json_agg_of_json_keeps_text", [],
     """SELECT json_agg(j)::text FROM (VALUES ('{"a" :  1}'::json), ('[1,   2]'::json), (NULL)) v(j)""", None),
    ("json_agg_of_scalars_text", [],
     """SELECT json_agg(x)::text, json_agg(y)::text FROM (VALUES (1, 'a'), (NULL, 'b"c'), (3, NULL)) v(x, y)""", None),
    ("json_column_round_trip", ["CREATE TABLE jt (j json)",
                                """INSERT INTO jt VALUES ('{"b" : 1,  "a":[1, 2]}'), ('[ 1 ,2 ]'), ('  "s"  ')"""],
     "SELECT j, j::text, j -> 'a', (j -> 'a')::text, j::jsonb FROM jt", None),
    ("json_set_returning_keep_text", [],
     """SELECT j::text, json_typeof(j) FROM json_array_elements('[1,  {"a" : 2}, "x"]') j""", None),
    ("json_each_keeps_text", [], """SELECT key, value::text, json_typeof(value) FROM json_each('{"x" :  [1,  2], "y": 3}')""",
     None),
    ("json_typeof_kinds", [],
     """SELECT json_typeof('{"a" : 1}'::json -> 'a'), json_typeof('[1]'), json_typeof('"x"'), json_typeof('null'), """
     "json_typeof('{}'), json_typeof(NULL::json)", None),
    ("json_build_with_json_values", [],
     """SELECT json_build_array(1, 'a', '{"x" :  1}'::json)::text, json_build_object('a', '{"x" :  1}'::json)::text, """
     """jsonb_build_array(1, '{"x" :  1}'::json)::text""", None),
    ("json_has_no_equality", [], """SELECT '{"a": 1}'::json = '{"a": 1}'::json""", None),
    ("json_has_no_containment", [], """SELECT '{"a": 1}'::json @> '{"a": 1}'""", None),
    ("json_function_style_cast", [],
     """SELECT json('{"a" :  1}')::text, jsonb('{"b":1,"a":2}'), int4('1'), text(1.5), date('2024-01-01'), bool('t'), """
     "float8('1'), int8(1), name('a'), bytea('a')", None),
    ("json_function_style_cast_of_integer", [], "SELECT json(1)", None),
    ("sqlite_json_pretty_is_undefined", [], "SELECT json_pretty('{}')", None),
    ("sqlite_printf_is_undefined", [], "SELECT printf('%d', 1)", None),
    ("sqlite_instr_is_undefined", [], "SELECT instr('abc', 'b')", None),
    ("sqlite_total_is_undefined", [], "SELECT total(1)", None),
    ("sqlite_iif_is_undefined", [], "SELECT iif(true, 1, 2)", None),
    ("sqlite_unicode_is_undefined", [], "SELECT unicode('a')", None),
    ("sqlite_likelihood_is_undefined", [], "SELECT likelihood(true, 0.5)", None),
    ("sqlite_version_is_undefined", [], "SELECT sqlite_version()", None),
    ("sqlite_hex_is_undefined", [], "SELECT hex('a')", None),
    ("sqlite_zeroblob_is_undefined", [], "SELECT zeroblob(2)", None),
    ("sqlite_typeof_is_undefined", [], "SELECT typeof(1)", None),
    ("sqlite_changes_is_undefined", [], "SELECT changes()", None),
    ("sqlite_quote_is_undefined", [], "SELECT quote('x')", None),
    ("sqlite_json_valid_is_undefined", [], "SELECT json_valid('1')", None),
    ("sqlite_ifnull_is_undefined", [], "SELECT ifnull(1, 2)", None),
    ("sqlite_glob_is_undefined", [], "SELECT glob('a*', 'abc')", None),
    ("sqlite_strftime_is_undefined", [], "SELECT strftime('%Y', '2024-01-01')", None),
    ("sqlite_group_concat_is_undefined", [], "SELECT group_concat('a')", None),
    ("sqlite_json_extract_is_undefined", [], """SELECT json_extract('{"a":1}', '$.a')""", None),
    ("sqlite_last_insert_rowid_is_undefined", [], "SELECT last_insert_rowid()", None),
    ("sqlite_median_is_undefined", [], "SELECT median(x) FROM (VALUES (1)) v(x)", None),
    ("sqlite_unhex_is_undefined", [], "SELECT unhex('41')", None),
    ("dotdo_helper_is_undefined", [], "SELECT pg_cast('int4', 1, 'int4')", None),
    ("shared_function_names_name_columns", [],
     "SELECT log10(100), mod(7, 2), substr('abc', 2), ceiling(1.2), pow(2, 3), to_hex(255), strpos('abc', 'c'), "
     "div(7, 2), unistr('\\0041')", None),
    ("like_function_argument_order", [], "SELECT like('abc', 'a%'), like('abc', 'b%')", None),
    ("sqlite_function_in_where_is_undefined", [USERS[0]], "SELECT id FROM users WHERE instr(name, 'a') > 0", None),
    ("row_constructor_value", [], "SELECT ROW(1, 'a'), (2, 'b') AS r", None),
    ("row_constructor_text_output", [],
     """SELECT ROW(1, NULL, 'b c', '', 'x"y', 'a\\b', '(p)', true, 1.50, ROW(2, 'z,w')) AS r""", None),
    ("row_constructor_of_columns", ["CREATE TABLE rt (a int, c text, d timestamptz)",
                                    "INSERT INTO rt VALUES (1, 'x', '2024-01-01 00:00+00'), (2, NULL, NULL)"],
     "SELECT ROW(a, c), (a, d) FROM rt ORDER BY a", None),
    ("row_comparisons", [],
     "SELECT ROW(1,2) = ROW(1,2), ROW(1,2) <> ROW(1,3), (1,2) < (1,3), (1, NULL) < (2, NULL), (1, NULL) < (1, 2), "
     "(1,NULL) = (1,NULL), (1,NULL) = (2,NULL), (1, 2) IS DISTINCT FROM (1, NULL)", None),
    ("row_comparison_by_type", [],
     "SELECT (1.5, 'a') = (1.50, 'a'), (2.0, 1) > (10, 0), ('2024-01-02'::date, 1) > ('2024-01-01', 5), "
     "(ARRAY[10], 1) > (ARRAY[9], 1), ('{\"a\":1}'::jsonb, 1) = ('{\"a\": 1}'::jsonb, 1)", None),
    ("row_comparison_unequal_sizes", [], "SELECT ROW(1,2) = ROW(1,2,3)", None),
    ("row_comparison_bad_literal", [], "SELECT (1, 'a') = (1, 2)", None),
    ("row_keyset_pagination", ["CREATE TABLE kp (a int, b text, c numeric)",
                               "INSERT INTO kp VALUES (1,'a',1.5),(1,'b',2),(2,'a',3),(3,'c',4)"],
     "SELECT a, b FROM kp WHERE (a, b) > (%s, %s) ORDER BY a, b LIMIT 2", (1, "a")),
    ("row_keyset_numeric", ["CREATE TABLE kp (a int, b text, c numeric)",
                            "INSERT INTO kp VALUES (1,'a',1.5),(1,'b',2),(2,'a',3),(3,'c',4)"],
     "SELECT a, b FROM kp WHERE (a, c) <= (1, 1.50) OR (c, a) >= (4.0, 3) ORDER BY a, b", None),
    ("row_in_list", ["CREATE TABLE kp (a int, b text, c numeric)",
                     "INSERT INTO kp VALUES (1,'a',1.5),(1,'b',2),(2,'a',3),(3,'c',4)"],
     "SELECT a, b FROM kp WHERE (a, c) IN ((1, 2.0), (3, 4)) OR (a, b) NOT IN ((1, 'a'), (1, 'b'), (3, 'c')) "
     "ORDER BY a, b", None),
    ("row_compared_with_subquery", ["CREATE TABLE kp (a int, b text, c numeric)",
                                    "INSERT INTO kp VALUES (1,'a',1.5),(1,'b',2),(2,'a',3),(3,'c',4)"],
     "SELECT a, b FROM kp WHERE (a, b) = (SELECT 1, 'b') ORDER BY a", None),
    ("array_of_arrays_constructor", [],
     "SELECT ARRAY[ARRAY[1,2],ARRAY[3,4]], ARRAY[[1, 2], [3, 4]]::text, ARRAY[['a','b c'],[NULL,'d']], ARRAY[[[1]]]",
     None),
    ("array_of_arrays_aggregate", [], "SELECT array_agg(a) FROM (VALUES (ARRAY[1,2]), (ARRAY[3,4])) v(a)", None),
    ("array_of_arrays_aggregate_ordered", [],
     "SELECT array_agg(a ORDER BY a DESC) FROM (VALUES (ARRAY[1,2]), (ARRAY[3,4])) v(a)", None),
    ("array_of_arrays_subscripts_and_dimensions", [],
     "SELECT a[1][2], a[2][1], a[1], a[3][1], a[1][2][1], array_dims(a), array_ndims(a), cardinality(a), "
     "array_length(a, 1), array_length(a, 2), array_length(a, 3), array_upper(a, 2), array_lower(a, 2), "
     "array_lower(a, 3) FROM (SELECT ARRAY[[1,2,3],[4,5,6]] AS a) s", None),
    ("array_of_arrays_unnest_flattens", [], "SELECT unnest(ARRAY[ARRAY[1,2],ARRAY[3,4]])", None),
    ("array_of_arrays_unnest_in_from", [], "SELECT x FROM unnest(ARRAY[[1,2],[3,4]]) x", None),
    ("array_of_arrays_unnest_beside_another", [], "SELECT unnest(ARRAY[[1,2],[3,4]]), unnest(ARRAY['a','b'])", None),
    ("array_of_arrays_mismatched_dimensions", [], "SELECT ARRAY[ARRAY[1,2],ARRAY[3]]", None),
    ("array_of_arrays_with_null_row", [], "SELECT ARRAY[ARRAY[1,2], NULL]", None),
    ("array_of_arrays_all_empty", [], "SELECT ARRAY[NULL::int[], NULL], ARRAY[ARRAY[]::int[], ARRAY[]::int[]]", None),
    ("array_agg_of_null_array", [], "SELECT array_agg(a) FROM (VALUES (ARRAY[1,2]), (NULL)) v(a)", None),
    ("array_agg_of_arrays_of_other_sizes", [], "SELECT array_agg(a) FROM (VALUES (ARRAY[1,2]), (ARRAY[3])) v(a)", None),
    ("array_agg_of_empty_array", [], "SELECT array_agg(a) FROM (VALUES ('{}'::int[])) v(a)", None),
    ("array_of_arrays_literal", [],
     "SELECT '{{1,2},{3,4}}'::int[], '{{\"a b\",NULL},{c,d}}'::text[], ' { { 1 } , { 2 } } '::int[], '{1,2}'::int[]", None),
    ("array_of_arrays_literal_ragged", [], "SELECT '{{1,2},{3}}'::int[]", None),
    ("array_of_arrays_literal_empty_row", [], "SELECT '{{}}'::int[]", None),
    ("array_of_arrays_literal_mixed_levels", [], "SELECT '{{1},2}'::int[]", None),
    ("array_of_arrays_compare_and_contain", [],
     "SELECT ARRAY[[1,2],[3,4]] = '{{1,2},{3,4}}', ARRAY[1,2,3,4] < ARRAY[[1,2],[3,4]], ARRAY[[1,2],[3,4]] @> ARRAY[4], "
     "3 = ANY(ARRAY[[1,2],[3,4]]), ARRAY[[1,2],[3,4]] && ARRAY[9, 3]", None),
    ("array_append_to_array_of_arrays", [], "SELECT array_append(ARRAY[[1,2]], 3)", None),
    ("array_prepend_to_array_of_arrays", [], "SELECT array_prepend(3, ARRAY[[1,2]])", None),
    ("array_of_arrays_concatenation", [],
     "SELECT array_cat(ARRAY[[1,2]], ARRAY[3,4]), ARRAY[[1,2]] || ARRAY[[3,4]], ARRAY[5,6] || ARRAY[[1,2]], "
     "ARRAY[[1,2]] || '{}'::int[]", None),
    ("array_of_arrays_concatenation_row_size", [], "SELECT ARRAY[[1,2]] || ARRAY[3]", None),
    ("array_of_arrays_concatenation_element_size", [], "SELECT ARRAY[[1,2]] || ARRAY[[3]]", None),
    ("array_of_arrays_concatenation_dimensions", [], "SELECT ARRAY[[[1]]] || ARRAY[3]", None),
    ("array_remove_from_array_of_arrays", [], "SELECT array_remove(ARRAY[[1,2]], 1)", None),
    ("array_replace_in_array_of_arrays", [], "SELECT array_replace(ARRAY[[1,2],[1,3]], 1, 9)", None),
    ("array_position_in_array_of_arrays", [], "SELECT array_position(ARRAY[[1,2]], 1)", None),
    ("array_positions_in_array_of_arrays", [], "SELECT array_positions(ARRAY[[1,2]], 1)", None),
    ("array_of_arrays_to_string_and_trim", [],
     "SELECT array_to_string(ARRAY[[1,NULL],[3,4]], ',', '*'), trim_array(ARRAY[[1,2],[3,4]], 1)", None),
    ("array_of_arrays_to_json", [], "SELECT to_json(ARRAY[[1,2],[3,4]]), to_jsonb(ARRAY[['a'],['b']])", None),
    ("array_slices", [],
     "SELECT (ARRAY[1,2,3,4])[2:3], (ARRAY[1,2,3,4])[:2], (ARRAY[1,2,3,4])[3:], (ARRAY[1,2,3,4])[3:2], "
     "(ARRAY[1,2,3,4])[0:9], (ARRAY[1,2,3,4])[-5:1]", None),
    ("array_of_arrays_column", ["CREATE TABLE ma (id int, m int[])",
                                "INSERT INTO ma VALUES (1, '{{1,2},{3,4}}'), (2, ARRAY[[5,6]]), (3, '{7}')"],
     "SELECT id, m, m[1][1] AS x, array_ndims(m) FROM ma ORDER BY m", None),
    ("array_of_arrays_text_column", ["CREATE TABLE ma (m text[])", "INSERT INTO ma VALUES (ARRAY[['a','b'],['c','d']])"],
     "SELECT m, m[2][2], m::text FROM ma", None),
    ("array_of_arrays_parameter", ["CREATE TABLE ma (m int[])"],
     "INSERT INTO ma VALUES (%s) RETURNING m, array_dims(m)", ([[1, 2], [3, 4]],)),
    ("array_of_arrays_text_parameter", [], "SELECT %s::int[] AS m", ("{{1,2},{3,4}}",)),
    ("array_fill_two_dimensions", [], "SELECT array_fill(7, ARRAY[2, 2])", None),
    ("array_fill_dimensions", [],
     "SELECT array_fill(0, ARRAY[2, 0]), array_fill('x'::text, ARRAY[1, 2, 1]), array_fill(1, ARRAY[2, 2], ARRAY[1, 1])",
     None),
    ("array_of_arrays_nested_brackets", [], "SELECT ARRAY[[1, 2], [3, 4]]", None),
    ("array_dims_of_empty", [],
     "SELECT array_dims('{}'::int[]), array_ndims('{}'::int[]), array_length('{}'::int[], 1), cardinality('{}'::int[])",
     None),
    ("array_position_and_positions", [],
     "SELECT array_position(ARRAY[1,2,3,2], 2), array_position(ARRAY[1,2,3,2], 2, 3), "
     "array_positions(ARRAY[1,2,NULL,2,NULL], NULL), array_position(ARRAY['a','b'], 'c'), "
     "array_position(ARRAY[1,2], NULL), array_positions(NULL::int[], 1), array_positions(ARRAY[1], NULL)", None),
    ("array_remove_replace_nulls", [],
     "SELECT array_remove(ARRAY[1,NULL,2,NULL], NULL), array_replace(ARRAY[1,NULL,2], NULL, 9), "
     "array_replace(ARRAY[1.5,2], 1.50, 3)", None),
    ("string_to_array_nulls", [],
     "SELECT string_to_array('a,b,,c', ','), string_to_array('a,b,,c', ',', ''), string_to_array('a,NULL,c', ',', 'NULL'), "
     "string_to_array(NULL, ','), string_to_array('abc', NULL), string_to_array('abc', ''), string_to_array('', ',')", None),
    ("array_to_string_nulls", [],
     "SELECT array_to_string(ARRAY['a', NULL, 'c'], ','), array_to_string(ARRAY['a', NULL, 'c'], ',', '*'), "
     "array_to_string(ARRAY[]::text[], ','), array_to_string(NULL::text[], ','), array_to_string(ARRAY[1.5, 2], '-')", None),
    # -- date/time input and timing: 'now' is the transaction's start, interval and zone input, time 24:00 ----
    ("dt_now_literal_equals_now", [], "SELECT 'now'::timestamptz = now(), 'now'::timestamp = now()::timestamp, "
     "'now'::date = current_date, timestamptz 'now' = transaction_timestamp()", None),
    ("dt_today_tomorrow_yesterday_from_now", [],
     "SELECT 'today'::timestamptz = date_trunc('day', now()), 'tomorrow'::date = current_date + 1, "
     "'yesterday'::date = current_date - 1, 'today'::timestamp = date_trunc('day', now())::timestamp", None),
    ("dt_now_literal_in_block_is_transaction_start", ["BEGIN", "SELECT pg_sleep(0.02)"],
     "SELECT 'now'::timestamptz = now(), statement_timestamp() > now(), clock_timestamp() > statement_timestamp(), "
     "transaction_timestamp() = now()", None),
    ("dt_two_statements_of_a_block_share_now",
     ["BEGIN", "CREATE TABLE seen AS SELECT now() AS a, 'now'::timestamptz AS b, statement_timestamp() AS c",
      "SELECT pg_sleep(0.02)"],
     "SELECT a = now(), b = now(), c < statement_timestamp(), 'today'::date = current_date FROM seen", None),
    ("dt_default_now_literal_is_folded_at_create",
     ["CREATE TABLE dn2 (id int, a timestamptz DEFAULT 'now', b timestamp DEFAULT 'now', c date DEFAULT 'today')",
      "SELECT pg_sleep(0.02)", "BEGIN", "INSERT INTO dn2 (id) VALUES (1)"],
     "SELECT a < now(), b < now()::timestamp, c = current_date FROM dn2", None),
    ("dt_clock_functions_types", [],
     "SELECT pg_typeof(statement_timestamp()), pg_typeof(clock_timestamp()), pg_typeof(transaction_timestamp()), "
     "pg_typeof(timeofday())", None),
    ("dt_clock_functions_relations", [],
     "SELECT statement_timestamp() = now(), clock_timestamp() >= now(), timeofday()::timestamptz >= now(), "
     "timeofday() ~ '^[A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{6} [0-9]{4} UTC$'", None),
    ("dt_interval_iso8601_designators", [],
     "SELECT 'P1Y2M3DT4H5M6S'::interval, 'PT1.5S'::interval, 'P1W'::interval, 'P1.5Y'::interval::text, "
     "'P1M1.5D'::interval::text, 'PT-1H'::interval::text, 'P-1Y-2M'::interval::text, 'PT36H'::interval::text", None),
    ("dt_interval_iso8601_alternative_format", [],
     "SELECT 'P0001-02-03T04:05:06'::interval, 'P00010203T040506'::interval::text, 'P0001-02'::interval::text, "
     "'PT10:30'::interval::text, 'P1'::interval::text", None),
    ("dt_interval_iso8601_lower_case_designator", [], "SELECT 'P1y2m'::interval", None),
    ("dt_interval_iso8601_sign_before_p", [], "SELECT '-P1D'::interval", None),
    ("dt_interval_postgres_forms", [],
     "SELECT '1 year 2 mons'::interval, '1-2'::interval, '3 4:05:06'::interval, '@ 1 hour ago'::interval, "
     "'1.5 days'::interval, '-3 4:05:06'::interval::text, '- 1 day'::interval::text, '1:30.5'::interval::text", None),
    ("dt_interval_fraction_spill", [],
     "SELECT '1.5 years'::interval::text, '1.5 months'::interval::text, '1.7 weeks'::interval::text, "
     "'1.0000005 seconds'::interval::text, '1 day 01:00:00.1234567'::interval::text, "
     "'1 decade 1 century 1 millennium'::interval::text", None),
    ("dt_interval_output_postgres_style", [],
     "SELECT ('1 year 2 mons 3 days 04:05:06.789 ago')::interval::text, '-1 day +02:00'::interval::text, "
     "'1 mon -1 day'::interval::text, '12:30:60'::interval::text", None),
    ("dt_interval_same_field_twice", [], "SELECT '1 day 2 days'::interval", None),
    ("dt_interval_bare_number_before_ago", [], "SELECT '3 ago'::interval", None),
    ("dt_interval_minutes_out_of_range", [], "SELECT '12:99'::interval", None),
    ("dt_interval_field_ranges", [],
     "SELECT INTERVAL '1' DAY, INTERVAL '1' YEAR, INTERVAL '2' HOUR TO MINUTE, INTERVAL '1 day 2:03:04' HOUR TO MINUTE, "
     "(INTERVAL '1.5' DAY)::text, (INTERVAL '1 year 5 months 3 days' YEAR)::text, '1 day 2:03:04'::interval hour to minute", None),
    ("dt_interval_plural_word_after_literal_is_an_alias", [], "SELECT interval '1' days", None),
    ("dt_timestamptz_zone_abbreviations", [],
     "SELECT '2024-03-15 10:00 PST'::timestamptz, '2024-03-15 10:00 EST'::timestamptz, '2024-03-15 10:00 CEST'::timestamptz, "
     "'2024-07-15 10:00 EST'::timestamptz, '2024-03-15 10:00 msk'::timestamptz, '2024-03-15 10:00PST'::timestamptz", None),
    ("dt_timestamptz_offsets_and_names", [],
     "SELECT '2024-03-15 10:00 +05:30'::timestamptz, '2024-03-15 10:00 UTC'::timestamptz, '2024-03-15 10:00Z'::timestamptz, "
     "'2024-03-15T10:00:00-08'::timestamptz, '2024-03-15 10:00 -8'::timestamptz, '2024-03-15 10:00 +0530'::timestamptz, "
     "'2024-07-15 10:00 america/new_york'::timestamptz, '2024-03-15 10:00 UTC+3'::timestamptz", None),
    ("dt_timestamptz_text_forms", [],
     "SELECT 'March 15, 2024 10:00 PST'::timestamptz, 'Fri Mar 15 10:00:00.123456 2024 UTC'::timestamptz, "
     "'2024-03-15 10:00 PM'::timestamptz, '2024-03-15 12:00 AM'::timestamp, '2024-03-15 10:00 PST'::timestamp", None),
    ("dt_timestamptz_unknown_zone", [], "SELECT '2024-03-15 10:00 XYZ'::timestamptz", None),
    ("dt_at_time_zone_abbreviations_and_posix", [],
     "SELECT timestamptz '2024-03-15 10:00+00' AT TIME ZONE 'PST', timestamptz '2024-03-15 10:00+00' AT TIME ZONE '+05', "
     "timestamptz '2024-03-15 10:00+00' AT TIME ZONE '-03:30', timestamptz '2024-03-15 10:00+00' AT TIME ZONE 'UTC+3', "
     "timestamptz '2024-03-15 10:00+00' AT TIME ZONE '<+03>-3', timestamptz '2024-03-15 10:00+00' AT TIME ZONE 'EST5EDT'", None),
    ("dt_timestamp_at_time_zone_abbreviations", [],
     "SELECT timestamp '2024-03-15 10:00' AT TIME ZONE 'PST', timestamp '2024-03-15 10:00' AT TIME ZONE '+05', "
     "timestamp '2024-03-15 10:00' AT TIME ZONE 'america/new_york', timestamp '2024-03-15 10:00' AT TIME ZONE 'CET'", None),
    ("dt_at_time_zone_unknown", [], "SELECT timestamptz '2024-03-15 10:00+00' AT TIME ZONE 'XYZ'", None),
    ("dt_set_time_zone_local_and_default", ["SET TIME ZONE 'UTC'", "SET TIME ZONE LOCAL"], "SHOW timezone", None),
    ("dt_time_24_and_allballs", [],
     "SELECT '24:00:00'::time::text, 'allballs'::time::text, '24:00'::time::text, time '24:00' > time '23:59:59', "
     "'12:30:60'::time::text, '10:00 PM'::time::text, '10:00:00.1234567'::time::text, '10:00 PST'::time::text, "
     "'12:30.5'::time::text", None),
    ("dt_time_past_24", [], "SELECT '24:00:01'::time", None),
    ("dt_time_25_literal", [], "SELECT time '25:00'", None),
    ("dt_time_minute_60", [], "SELECT '12:60:00'::time", None),
    ("dt_time_arithmetic", [],
     "SELECT (time '24:00' - time '12:00')::text, time '23:00' + interval '2 hours', interval '90 minutes' + time '23:00', "
     "extract(hour from time '24:00'), date '2024-03-15' + time '24:00', date '2024-03-15' + time '10:30', "
     "make_time(24, 0, 0)::text", None),
    ("dt_date_trunc_in_a_zone", [],
     "SELECT date_trunc('day', timestamptz '2024-03-15 10:00+00', 'America/New_York'), "
     "date_trunc('hour', timestamptz '2024-03-15 10:30+00', 'Asia/Kolkata'), "
     "date_trunc('month', timestamptz '2024-03-01 02:00+00', 'PST')", None),
    ("dt_timestamp_difference_output", [],
     "SELECT (timestamptz '2024-03-15 10:00+00' - timestamptz '2024-03-15 12:00+00')::text, "
     "(timestamp '2024-03-15 10:00' - timestamp '2023-01-01')::text, (timestamp '2024-01-01' - timestamp '2024-03-15 10:00')::text", None),
    ("dt_extract_timezone_and_julian", [],
     "SELECT extract(timezone from timestamptz '2024-03-15 10:00+02'), extract(timezone_hour from now()), "
     "extract(isodow from timestamptz '2024-03-17 10:00+00'), extract(julian from date '2024-03-15')", None),
    ("dt_timestamp_overflow", [], "SELECT timestamp '2024-03-15' + interval '300000 years'", None),
    ("dt_sql_clock_types", [],
     "SELECT pg_typeof(LOCALTIMESTAMP), pg_typeof(LOCALTIME), pg_typeof(LOCALTIMESTAMP(0)), pg_typeof(LOCALTIME(2)), "
     "pg_typeof(CURRENT_TIMESTAMP(3))", None),
    ("dt_sql_clock_column_names", [],
     "SELECT * FROM (SELECT LOCALTIMESTAMP, LOCALTIME(1), CURRENT_TIMESTAMP(2), LOCALTIMESTAMP AS l) s WHERE false", None),
    ("dt_current_timestamp_keyword_column_name", [],
     "SELECT * FROM (SELECT current_timestamp, now(), transaction_timestamp(), CURRENT_TIMESTAMP(0)) s WHERE false", None),
    ("dt_localtimestamp_is_now_on_session_clock", ["SET TIME ZONE 'Asia/Tokyo'"],
     "SELECT LOCALTIMESTAMP = now()::timestamp, LOCALTIME = now()::time, LOCALTIMESTAMP::date = current_date, "
     "LOCALTIMESTAMP(2) <= now()::timestamp + interval '5 milliseconds'", None),
    ("dt_sql_clock_precision_rounds", [],
     "SELECT extract(microseconds from LOCALTIMESTAMP(0))::int % 1000000, "
     "extract(microseconds from CURRENT_TIMESTAMP(0))::int % 1000000, "
     "extract(microseconds from LOCALTIME(3))::int % 1000, LOCALTIMESTAMP(7) = LOCALTIMESTAMP", None),
    ("dt_sql_clock_negative_precision", [], "SELECT LOCALTIMESTAMP(-1)", None),
    ("dt_precision_of_columns", ["CREATE TABLE tp (a timestamp(0), b time(2), c timestamptz(3), d timestamp)",
                                 "INSERT INTO tp VALUES ('2024-01-01 10:00:00.6', '10:00:00.126', "
                                 "'2024-01-01 10:00:00.12345+00', '2024-01-01 23:59:59.654321')"],
     "SELECT a, b, c, d::timestamp(1), d::timestamptz(2), d::time(0)::text, c::timestamp(1), '23:59:59.9'::time(0)::text FROM tp", None),
    ("dt_precision_of_default_now", ["CREATE TABLE tq (id int, a timestamp(0) DEFAULT now(), b time(0) DEFAULT now())",
                                     "INSERT INTO tq (id) VALUES (1)"],
     "SELECT id, extract(microseconds from a)::int % 1000000, extract(microseconds from b)::int % 1000000 FROM tq", None),
    ("dt_date_input_ignores_zone", [],
     "SELECT '2024-03-15 PST'::date, '2024-03-15 10:00 PST'::date, '2024-03-15 America/New_York'::date, "
     "'2024-03-15 UTC'::date, 'March 15, 2024 EST'::date, '2024-03-15 10:00 am PST'::date, "
     "'2024-03-15 10:00 UTC+3'::date, date '2024-03-15 EST5EDT', '2024-3-15 pst'::date", None),
    ("dt_date_then_offset_is_midnight_there", [],
     "SELECT '2024-03-15+08'::date, '2024-03-15+08'::timestamptz, '2024-03-15+05:30'::timestamptz, "
     "'2024-03-15+08'::timestamp, '2024-03-15 -08'::date", None),
    ("dt_date_then_minus_number", [], "SELECT '2024-03-15-08'::date", None),
    ("dt_date_then_minus_number_as_timestamptz", [], "SELECT '2024-03-15-08'::timestamptz", None),
    ("dt_date_input_unknown_zone", [], "SELECT '2024-03-15 Foo'::date", None),
    ("dt_date_input_no_such_day_with_zone", [], "SELECT '2024-02-30 PST'::date", None),
    ("dt_date_input_month_out_of_range", [], "SELECT '2024-13-01'::date", None),
    ("dt_date_input_past_postgres_range", [], "SELECT '5874898-01-01'::date", None),
    ("dt_date_input_long_year_no_such_day", [], "SELECT '10000-02-30'::date", None),
    ("dt_timestamp_input_past_postgres_range", [], "SELECT '294277-01-01'::timestamp", None),
    # -- session time zone (SET TIME ZONE and everything it changes), make_timestamptz ----------
    ("tz_set_time_zone_europe_paris", [], "SET TIME ZONE 'Europe/Paris'", None),
    ("tz_show_canonical_name", ["SET TIME ZONE 'europe/paris'"], "SHOW timezone", None),
    ("tz_current_setting_after_set_to", ["SET timezone TO 'Asia/Tokyo'"], "SELECT current_setting('TimeZone')", None),
    ("tz_set_interval_hour_to_minute", ["SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE"],
     "SELECT current_setting('TimeZone'), timestamptz '2024-01-01 00:00+00'::text", None),
    ("tz_set_number_of_hours", ["SET TIME ZONE -7"], "SELECT current_setting('TimeZone'), timestamptz '2024-01-01 00:00+00'::text", None),
    ("tz_set_fractional_hours", ["SET TIME ZONE 5.25"], "SHOW timezone", None),
    ("tz_set_posix_spec", ["SET TIME ZONE 'UTC+3'"],
     "SELECT current_setting('TimeZone'), timestamptz '2024-01-01 00:00+00'::text, to_char(timestamptz '2024-01-01 00:00+00', 'TZ OF')", None),
    ("tz_set_unknown_zone", [], "SET TIME ZONE 'Foo/Bar'", None),
    ("tz_set_abbreviation_is_not_a_zone", [], "SET timezone = 'PST'", None),
    ("tz_set_interval_with_days", [], "SET TIME ZONE INTERVAL '1 day'", None),
    ("tz_set_empty_name", [], "SET TIME ZONE ''", None),
    ("tz_set_unquoted_path_is_syntax_error", [], "SET TIME ZONE Europe/Paris", None),
    ("tz_set_local_and_default_return_to_start", ["SET TIME ZONE 'Asia/Tokyo'", "SET TIME ZONE LOCAL"], "SHOW timezone", None),
    ("tz_reset", ["SET TIME ZONE 'Asia/Tokyo'", "RESET timezone"], "SHOW timezone", None),
    ("tz_set_config", [], "SELECT set_config('TimeZone', 'asia/tokyo', false), current_setting('TimeZone')", None),
    ("tz_set_config_local_in_block", ["BEGIN"],
     "SELECT set_config('TimeZone', 'Asia/Tokyo', true), current_setting('TimeZone'), now()::text LIKE '%+09'", None),
    ("tz_text_output", ["SET TIME ZONE 'America/New_York'"],
     "SELECT timestamptz '2024-01-15 12:00+00'::text, timestamptz '2024-07-15 12:00+00'::text, "
     "timestamptz '2024-01-15 12:00+00'", None),
    ("tz_text_output_old_local_mean_time", ["SET TIME ZONE 'Europe/Paris'"],
     "SELECT timestamptz '1900-01-01 00:00+00'::text, timestamptz '1850-06-01 00:00+00'::text", None),
    ("tz_input_without_offset", ["SET TIME ZONE 'America/New_York'"],
     "SELECT '2024-03-15 10:00'::timestamptz::text, '2024-03-15 10:00+02'::timestamptz::text, '2024-03-15 10:00 UTC'::timestamptz::text", None),
    ("tz_input_in_skipped_and_repeated_hours", ["SET TIME ZONE 'America/New_York'"],
     "SELECT '2024-03-10 02:30'::timestamptz::text, '2024-11-03 01:30'::timestamptz::text", None),
    ("tz_input_negative_dst_zone", ["SET TIME ZONE 'Europe/Dublin'"],
     "SELECT '2024-03-31 01:30'::timestamptz::text, '2024-10-27 01:30'::timestamptz::text, '2024-07-01 12:00'::timestamptz::text", None),
    ("tz_input_half_hour_dst", ["SET TIME ZONE 'Australia/Lord_Howe'"],
     "SELECT '2024-04-07 01:45'::timestamptz::text, '2024-10-06 02:15'::timestamptz::text", None),
    ("tz_casts", ["SET TIME ZONE 'America/New_York'"],
     "SELECT '2024-03-10 12:00'::timestamp::timestamptz::text, timestamptz '2024-03-10 12:00+00'::timestamp, "
     "timestamptz '2024-03-10 03:00+00'::date, timestamptz '2024-03-10 03:00+00'::time, date '2024-03-10'::timestamptz::text", None),
    ("tz_compare_with_timestamp_and_date", ["SET TIME ZONE 'America/New_York'"],
     "SELECT timestamptz '2024-03-10 12:00-04' = timestamp '2024-03-10 12:00', timestamptz '2024-03-10 00:00-05' = date '2024-03-10'", None),
    ("tz_interval_across_dst", ["SET TIME ZONE 'America/New_York'"],
     "SELECT timestamptz '2024-03-09 12:00 America/New_York' + interval '1 day', "
     "(timestamptz '2024-03-09 12:00 America/New_York' + interval '1 day')::text, "
     "(timestamptz '2024-03-09 12:00 America/New_York' + interval '24 hours')::text, "
     "(timestamptz '2024-11-03 12:00-05' - interval '1 day')::text, (timestamptz '2024-02-10 12:00-05' + interval '1 month')::text", None),
    ("tz_date_trunc_extract_date_part", ["SET TIME ZONE 'America/New_York'"],
     "SELECT date_trunc('day', timestamptz '2024-03-10 12:00+00')::text, date_trunc('month', timestamptz '2024-03-01 03:00+00')::text, "
     "date_trunc('hour', timestamptz '2024-11-03 06:30+00')::text, extract(hour from timestamptz '2024-03-10 12:00+00'), "
     "extract(timezone from timestamptz '2024-03-10 12:00+00'), extract(timezone_hour from timestamptz '2024-01-10 12:00+00'), "
     "extract(epoch from timestamptz '2024-03-10 12:00+00'), date_part('day', timestamptz '2024-03-01 03:00+00')", None),
    ("tz_to_char", ["SET TIME ZONE 'America/New_York'"],
     "SELECT to_char(timestamptz '2024-03-09 12:00+00', 'YYYY-MM-DD HH24:MI:SS TZ tz OF TZH:TZM'), "
     "to_char(timestamptz '2024-07-09 12:00+00', 'DD HH24 TZ OF')", None),
    ("tz_to_char_offset_zone", ["SET TIME ZONE INTERVAL '-03:30' HOUR TO MINUTE"],
     "SELECT to_char(timestamptz '2024-03-09 12:00+00', 'HH24:MI TZ OF TZH TZM')", None),
    ("tz_at_time_zone_unchanged", ["SET TIME ZONE 'America/New_York'"],
     "SELECT timestamptz '2024-03-15 10:20+00' AT TIME ZONE 'Europe/Paris', (timestamp '2024-03-15 10:20' AT TIME ZONE 'Europe/Paris')::text", None),
    ("tz_json_array_output", ["SET TIME ZONE 'America/New_York'"],
     "SELECT to_json(timestamptz '2024-03-10 12:00+00')::text, array[timestamptz '2024-03-10 12:00+00']::text, "
     "timestamptz '2024-03-10 12:00+00' || '!'", None),
    ("tz_now_today_current_date", ["SET TIME ZONE 'America/New_York'"],
     "SELECT 'today'::timestamptz = date_trunc('day', now()), now()::date = current_date, 'now'::timestamp = now()::timestamp, "
     "extract(hour from 'today'::timestamptz), 'epoch'::timestamptz::text", None),
    ("tz_age_on_local_calendar", ["SET TIME ZONE 'America/New_York'"],
     "SELECT age(timestamptz '2024-03-01 03:00+00', timestamptz '2024-01-31 03:00+00')", None),
    ("tz_generate_series_days_across_dst", ["SET TIME ZONE 'America/New_York'"],
     "SELECT x::text FROM generate_series(timestamptz '2024-03-09 00:00', timestamptz '2024-03-12 00:00', interval '1 day') x", None),
    ("tz_generate_series_select_list", ["SET TIME ZONE 'America/New_York'"],
     "SELECT generate_series(timestamptz '2024-11-02 12:00', timestamptz '2024-11-04 12:00', interval '1 day')", None),
    ("tz_generate_series_timestamps", [],
     "SELECT * FROM generate_series(timestamp '2024-03-09 00:00', timestamp '2024-03-10 00:00', '12 hours') g", None),
    ("tz_generate_series_descending_untyped", [],
     "SELECT * FROM generate_series('2024-03-09', '2024-03-07', interval '-1 day')", None),
    ("tz_generate_series_zero_step", [],
     "SELECT * FROM generate_series(date '2024-03-09', date '2024-03-11', interval '0 day')", None),
    ("tz_table_rows_read_in_zone", ["CREATE TABLE tzr (id int, t timestamptz)", "INSERT INTO tzr VALUES (1, '2024-01-01 12:00+00')",
                                    "SET TIME ZONE 'America/New_York'", "INSERT INTO tzr VALUES (2, '2024-07-01 12:00')"],
     "SELECT id, t, t::text, extract(epoch from t) FROM tzr ORDER BY id", None),
    ("tz_set_local_rolled_back", ["BEGIN", "SET LOCAL TIME ZONE 'Asia/Tokyo'", "ROLLBACK"], "SHOW timezone", None),
    ("tz_set_rolled_back", ["BEGIN", "SET TIME ZONE 'Asia/Tokyo'", "ROLLBACK"], "SHOW timezone", None),
    ("tz_set_committed", ["BEGIN", "SET TIME ZONE 'Asia/Tokyo'", "COMMIT"], "SHOW timezone", None),
    ("tz_reset_time_zone", ["SET TIME ZONE 'Asia/Tokyo'", "RESET TIME ZONE"], "SHOW timezone", None),
    ("tz_make_timestamptz", ["SET TIME ZONE 'America/New_York'"],
     "SELECT make_timestamptz(2024, 3, 10, 12, 0, 0)::text, make_timestamptz(2024, 3, 10, 12, 0, 0, 'Europe/Paris')::text, "
     "make_timestamptz(2024, 3, 10, 12, 0, 0.5, '+05')::text, make_timestamptz(2024, 3, 10, 12, 0, 0, '-05:30'), "
     "make_timestamptz(2024, 3, 10, 2, 30, 0)::text", None),
    ("tz_make_timestamptz_utc_session", [],
     "SELECT make_timestamptz(2024, 3, 10, 12, 0, 0), make_timestamptz(2024, 3, 10, 12, 0, 0, '+0530')::text, "
     "make_timestamptz(2024, 3, 10, 12, 0, 0, 'PST')::text, make_timestamptz(2024, 3, 10, 12, 0, 0, 'UTC+3')::text, "
     "make_timestamptz(2024, 3, 10, 12, 0, 0, NULL)", None),
    ("tz_make_timestamptz_unsigned_number", [], "SELECT make_timestamptz(2024, 3, 10, 12, 0, 0, '5')", None),
    ("tz_make_timestamptz_offset_out_of_range", [], "SELECT make_timestamptz(2024, 3, 10, 12, 0, 0, '+16')", None),
    ("tz_make_timestamptz_unknown_zone", [], "SELECT make_timestamptz(2024, 3, 10, 12, 0, 0, 'Foo')", None),
    ("tz_make_timestamptz_bad_date", [], "SELECT make_timestamptz(2024, 2, 30, 12, 0, 0)", None),
    # -- PostgreSQL functions, aggregates and name resolution ---------------------------------
    ("fn_sha2_family", [],
     "SELECT sha224('abc'::bytea), sha256('abc'), sha384('abc'::bytea), sha512(''::bytea), sha256(NULL::bytea)", None),
    ("fn_sha256_of_text_has_no_function", [], "SELECT sha256('abc'::text)", None),
    ("fn_bit_and_octet_length", [],
     "SELECT bit_length('abc'), bit_length('é'::bytea), bit_length('ab '::char(5)), octet_length('ab '::char(5)), "
     "octet_length('é'), bit_length(NULL::text)", None),
    ("fn_bit_length_of_integer_has_no_function", [], "SELECT bit_length(1)", None),
    ("fn_array_to_json", [],
     "SELECT array_to_json(ARRAY[1,2,3]), array_to_json(ARRAY['a','b']), array_to_json(ARRAY[[1,2],[3,4]])::text, "
     "array_to_json(ARRAY[date '2020-01-01'])::text", None),
    ("fn_array_to_json_of_unknown", [], "SELECT array_to_json('{a}')", None),
    ("fn_date_bin", [],
     "SELECT date_bin('15 minutes', timestamp '2020-02-11 15:44:17', timestamp '2001-01-01'), "
     "date_bin('15 minutes', '2020-02-11 15:44:17', '2001-01-01'), "
     "date_bin('7 minutes', timestamp '2000-02-11 15:44:17', timestamp '2001-01-01'), "
     "date_bin('1 day 2 hours', timestamp '2020-02-11 15:44:17.5', timestamp '2001-01-01 00:00:00.25'), "
     "pg_typeof(date_bin('15 minutes', date '2020-02-11', date '2001-01-01'))", None),
    ("fn_date_bin_by_months", [], "SELECT date_bin('1 month', timestamp '2020-02-11', timestamp '2001-01-01')", None),
    ("fn_date_bin_zero_stride", [], "SELECT date_bin('0 minutes', timestamp '2020-02-11', timestamp '2001-01-01')", None),
    ("fn_regression_aggregates", [],
     "SELECT corr(y, x), covar_pop(y, x), covar_samp(y, x), regr_avgx(y, x), regr_avgy(y, x), regr_count(y, x), "
     "regr_intercept(y, x), regr_r2(y, x), regr_slope(y, x), regr_sxx(y, x), regr_sxy(y, x), regr_syy(y, x) "
     "FROM (VALUES (1, 2), (2, 4), (3, 7.5), (NULL, 1), (5, NULL)) v(x, y)", None),
    ("fn_regression_degenerate", [],
     "SELECT corr(y, x), covar_samp(y, x), regr_slope(y, x), regr_r2(y, x) FROM (VALUES (1, 1), (2, 1)) v(x, y)", None),
    ("fn_corr_as_window_and_grouped", [],
     "SELECT g, x, corr(y, x) OVER (PARTITION BY g ORDER BY x), covar_pop(y, x) OVER (PARTITION BY g) "
     "FROM (VALUES (1, 1, 2), (1, 2, 4), (1, 3, 7), (2, 3, 7), (2, 4, 1)) v(g, x, y) ORDER BY g, x", None),
    ("fn_corr_of_text_has_no_function", [], "SELECT corr(y, x) FROM (VALUES ('a', 'b')) v(x, y)", None),
    ("fn_bit_aggregates", [],
     "SELECT bit_and(x), bit_or(x), bit_xor(x), bit_and(x::int2), pg_typeof(bit_xor(x::int8)) "
     "FROM (VALUES (12), (-10), (NULL)) v(x)", None),
    ("fn_normalize", [],
     "SELECT normalize('é', NFD)::bytea, normalize('ﬁ', nfkc), normalize('Å'), normalize(NULL)", None),
    ("fn_is_normalized_predicate", [],
     "SELECT 'é' IS NORMALIZED, 'e' || chr(769) IS NFC NORMALIZED, 'e' || chr(769) IS NFD NORMALIZED, "
     "'ﬁ' IS NOT NFKC NORMALIZED, normalize('ﬁ', NFKC) IS NFKC NORMALIZED AS n, NULL IS NORMALIZED, "
     "'ab '::char(3) IS NFKD NORMALIZED", None),
    ("fn_is_normalized_filters_rows", [],
     "SELECT x::bytea FROM (VALUES ('é'), ('e' || chr(769))) v(x) WHERE x IS NOT NFC NORMALIZED", None),
    ("fn_is_normalized_function", [],
     "SELECT is_normalized('é', 'nfd'), is_normalized('a'), is_normalized(NULL), is_normalized('a', NULL)", None),
    ("fn_is_normalized_unknown_form", [], "SELECT is_normalized('a', 'x')", None),
    ("fn_is_normalized_predicate_of_integer", [], "SELECT 1 IS NFD NORMALIZED", None),
    ("fn_is_normalized_predicate_unknown_form", [], "SELECT 'a' IS FOO NORMALIZED", None),
    ("literal_unicode_escape_strings", [],
     "SELECT U&'e\\0301'::bytea, U&'d!0061t!+000061' UESCAPE '!', U&'\\\\x', U&'\\D83D\\DE00', U&'\\+01F600', "
     "U&'it''s', pg_typeof(U&'a'), U&'x' || 'y'", None),
    ("literal_unicode_escape_invalid", [], "SELECT U&'\\xyz'", None),
    ("literal_unicode_escape_lone_surrogate", [], "SELECT U&'\\D800'", None),
    ("literal_unicode_escape_zero", [], "SELECT U&'\\0000'", None),
    ("literal_unicode_escape_character_invalid", [], "SELECT U&'a' UESCAPE '+'", None),
    ("fn_parse_ident", [],
     "SELECT parse_ident('a.b.\"C\"'), parse_ident('a.b.c(1)', false), parse_ident(' \"x\"\"y\" . Z ')", None),
    ("fn_parse_ident_empty_part", [], "SELECT parse_ident('a..b')", None),
    ("fn_parse_ident_unclosed_quote", [], "SELECT parse_ident('\"a')", None),
    ("fn_parse_ident_trailing_text", [], "SELECT parse_ident('a.b(1)')", None),
    ("fn_num_nulls", [], "SELECT num_nonnulls(1, NULL, 2), num_nulls(1, NULL, 2, 'a'), num_nulls(NULL)", None),
    ("fn_json_object_of_arrays", [],
     "SELECT json_object('{a,1,b,2}')::text, jsonb_object('{a,1,b,2}'), json_object('{{a,1},{b,NULL}}')::text, "
     "json_object('{a,b}', '{1,2}')::text, jsonb_object('{a,b}', '{1,NULL}'), json_object('{}')::text", None),
    ("fn_json_object_odd_elements", [], "SELECT json_object('{a,b,c}')", None),
    ("fn_json_object_mismatched", [], "SELECT json_object('{a,b}', '{1}')", None),
    ("fn_json_object_null_key", [], "SELECT json_object('{NULL,1}')", None),
    ("fn_string_functions_audit", [],
     "SELECT concat('a', 1, NULL, true), concat_ws(',', 'a', NULL, 2), quote_ident('Foo bar'), quote_literal('it''s'), "
     "quote_nullable(NULL), format('%I %L %s', 'Foo', 'x''y', 3), split_part('a,b,c', ',', -1), left('abcde', -2), "
     "right('abcde', -2), repeat('ab', 3), translate('12345', '143', 'ax'), ascii('x'), chr(65), "
     "starts_with('alphabet', 'alph'), reverse('abc'), to_hex(255), to_hex(-1), md5('abc')", None),
    ("fn_unknown_function_name", [], "SELECT no_such_function(1)", None),
    ("fn_to_timestamp_templates", [],
     "SELECT to_timestamp('2024-03-15 10:30:45', 'YYYY-MM-DD HH24:MI:SS'), to_timestamp('15 Mar 2024', 'DD Mon YYYY'), "
     "to_timestamp('20240315', 'YYYYMMDD'), to_timestamp('2024-3-5 garbage', 'YYYY-MM-DD'), "
     "to_timestamp('Fri 15 March 2024 10:00 pm', 'DY DD Month YYYY HH12:MI am'), "
     "to_timestamp('2024-03-15T10:00:00.5', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS'), "
     "to_timestamp('  2024   03/15 10:00:00.123456', 'YYYY MM DD HH24:MI:SS.US'), "
     "to_timestamp('2024-01-01 10:00 -05:30', 'YYYY-MM-DD HH24:MI TZH:TZM'), to_timestamp('2024-075', 'YYYY-DDD'), "
     "to_timestamp('24-III-15', 'YY-RM-DD'), to_timestamp('2024 86399', 'YYYY SSSS'), to_timestamp('2024', 'FXYYYY')",
     None),
    ("fn_to_date_templates", [],
     "SELECT to_date('March 15, 2024', 'Month DD, YYYY'), to_date('15.03.2024', 'DD.MM.YYYY'), "
     "to_date('99-01-01', 'YY-MM-DD'), to_date('1,234-01-01', 'Y,YYY-MM-DD')::text, to_date('2024-3', 'YYYY-MM-DD'), "
     "to_date(NULL, 'YYYY'), to_date('2024', NULL), pg_typeof(to_date('2024', 'YYYY'))", None),
    ("fn_to_timestamp_read_in_session_zone", ["SET TIME ZONE 'America/New_York'"],
     "SELECT to_timestamp('2024-07-01 10:00', 'YYYY-MM-DD HH24:MI')::text, "
     "to_timestamp('2024-01-01 10:00 +02', 'YYYY-MM-DD HH24:MI TZH')::text, "
     "to_timestamp(x, f)::text FROM (VALUES ('03/04/2025 1:02', 'MM/DD/YYYY HH24:MI')) v(x, f)", None),
    ("fn_to_timestamp_offset_fields", [],
     "SELECT to_timestamp('2024-01-01 10:00+05', 'YYYY-MM-DD HH24:MITZH'), "
     "to_timestamp('2024-01-01 1000-05', 'YYYY-MM-DD HH24MITZH'), "
     "to_timestamp('2024-01-01 10:00 +0530', 'YYYY-MM-DD HH24:MI TZHTZM')", None),
    ("fn_to_timestamp_hour_of_12_hour_clock", [], "SELECT to_timestamp('2024-03-15 15:00', 'YYYY-MM-DD HH:MI')", None),
    ("fn_to_timestamp_no_such_day", [], "SELECT to_timestamp('2024-02-30', 'YYYY-MM-DD')", None),
    ("fn_to_date_hour_out_of_range", [], "SELECT to_date('2024-03-15 25:00', 'YYYY-MM-DD HH24:MI')", None),
    ("fn_to_timestamp_not_a_number", [], "SELECT to_timestamp('2024-xx-01', 'YYYY-MM-DD')", None),
    ("fn_to_timestamp_unknown_month_name", [], "SELECT to_timestamp('2024-Foo-01', 'YYYY-Mon-DD')", None),
    ("fn_to_timestamp_conflicting_fields", [], "SELECT to_timestamp('2024 2025', 'YYYY YYYY')", None),
    ("fn_to_timestamp_zone_name_field", [], "SELECT to_timestamp('2024-01-01 10:00 PST', 'YYYY-MM-DD HH24:MI TZ')", None),
    ("fn_to_date_source_too_short", [], "SELECT to_date('202', 'YYYYMMDD')", None),
    ("fn_to_date_of_integer", [], "SELECT to_date(1, 'YYYY')", None),
    ("fn_to_timestamp_with_template", [], "SELECT to_timestamp('2024', 'YYYY')", None),
    ("fn_to_date_with_template", [], "SELECT to_date('2024-03-15', 'YYYY-MM-DD')", None),
    ("fn_concat_renders_each_type", [],
     "SELECT concat(1, 2.50, true, false, date '2024-01-02', NULL::int, 1e20::float8, timestamp '2024-01-02 03:04:05', "
     "ARRAY[1,2], 'x'::bytea), concat_ws('|', 1, NULL, false, 2.50, date '2024-01-02'), concat(NULL), concat_ws(NULL, 'a')",
     None),
    ("fn_concat_variadic_arrays", [],
     "SELECT concat(VARIADIC ARRAY[1,2]), concat_ws(',', VARIADIC ARRAY['a',NULL,'b']), concat(VARIADIC NULL::text[]), "
     "concat(VARIADIC '{}'::text[]), concat(VARIADIC ARRAY[true, NULL, false]), concat_ws(NULL, VARIADIC ARRAY[1]), "
     "concat_ws('-', VARIADIC ARRAY[1.50, NULL, 2]), concat(VARIADIC ARRAY[[1,2],[3,4]])", None),
    ("fn_concat_ws_separator_types", [],
     "SELECT concat_ws('ab '::char(3), 'x', 'y'), concat_ws('-'::varchar, 'a', 'b'), concat_ws('x'::name, 1, 2)", None),
    ("fn_concat_without_arguments", [], "SELECT concat()", None),
    ("fn_concat_ws_without_arguments", [], "SELECT concat_ws()", None),
    ("fn_concat_ws_separator_only", [], "SELECT concat_ws(',')", None),
    ("fn_concat_ws_integer_separator", [], "SELECT concat_ws(1, 2, 3)", None),
    ("fn_concat_ws_boolean_column_separator", [], "SELECT concat_ws(x, 'a') FROM (VALUES (true)) v(x)", None),
    ("fn_concat_variadic_not_an_array", [], "SELECT concat(VARIADIC 'x')", None),
    ("fn_concat_variadic_after_other_arguments", [], "SELECT concat('x', VARIADIC ARRAY[1])", None),
    ("fn_concat_variadic_not_last", [], "SELECT concat(VARIADIC ARRAY[1], 'x')", None),
    ("array_of_floats_and_numerics_is_float", [],
     "SELECT pg_typeof(ARRAY[1.5::float8, 1e20]), ARRAY[1.5::float8, 1e20]::text, ARRAY[0.1::float8, 0.2], "
     "pg_typeof(ARRAY[2.5, 1.5::real]), ARRAY[1::float4, 0.1]::text, pg_typeof(ARRAY[1, 2.5]), ARRAY[1::int8, 2.5]", None),
    ("fn_array_to_string_renders_elements", [],
     "SELECT array_to_string(ARRAY[true, NULL, false], ''), array_to_string(ARRAY[1.5::float8, 1e20::float8], ','), "
     "array_to_string(ARRAY['a', NULL], ',', '*'), array_to_string(ARRAY[timestamptz '2024-01-01 10:00+00'], ',')", None),
    ("agg_mode_within_group", [],
     "SELECT mode() WITHIN GROUP (ORDER BY x), mode() WITHIN GROUP (ORDER BY x DESC) FROM (VALUES (1), (2), (2), (1)) v(x)", None),
    ("agg_mode_of_text_and_empty", [],
     "SELECT (SELECT mode() WITHIN GROUP (ORDER BY x) FROM (VALUES ('b'), ('a'), ('b'), ('a')) v(x)), "
     "(SELECT mode() WITHIN GROUP (ORDER BY x) FROM (VALUES (1)) v(x) WHERE false)", None),
    ("agg_percentile_cont_and_disc", [],
     "SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x), percentile_cont(0.1) WITHIN GROUP (ORDER BY x DESC), "
     "percentile_disc(0.5) WITHIN GROUP (ORDER BY x), percentile_disc(0) WITHIN GROUP (ORDER BY x), "
     "percentile_disc(1) WITHIN GROUP (ORDER BY x), percentile_cont('0.5') WITHIN GROUP (ORDER BY x), "
     "percentile_cont(NULL) WITHIN GROUP (ORDER BY x) FROM (VALUES (1), (2), (4), (10), (NULL)) v(x)", None),
    ("agg_percentile_result_types", [],
     "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), "
     "percentile_disc(0.5) WITHIN GROUP (ORDER BY d), percentile_cont(0.5) WITHIN GROUP (ORDER BY i) "
     "FROM (VALUES (1.50, date '2020-01-01', interval '1 day'), (10, date '2019-01-01', interval '2 hours'), "
     "(2, NULL, NULL)) v(n, d, i)", None),
    ("agg_percentile_of_arrays", [],
     "SELECT percentile_cont(ARRAY[0.25, 0.5]) WITHIN GROUP (ORDER BY x), "
     "percentile_disc(ARRAY[0.1, NULL, 1]) WITHIN GROUP (ORDER BY x::text) FROM (VALUES (1), (2), (4)) v(x)", None),
    ("agg_percentile_grouped", [],
     "SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY x), mode() WITHIN GROUP (ORDER BY x) "
     "FROM (VALUES (1, 1), (1, 3), (2, 5), (2, 5), (2, NULL)) v(g, x) GROUP BY g ORDER BY g", None),
    ("agg_percentile_out_of_range", [], "SELECT percentile_disc(1.5) WITHIN GROUP (ORDER BY x) FROM (VALUES (1)) v(x)", None),
    ("agg_percentile_cont_of_text", [], "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES ('a')) v(x)", None),
    ("agg_mode_ungrouped_column", [], "SELECT x, mode() WITHIN GROUP (ORDER BY x) FROM (VALUES (1)) v(x)", None),
    ("agg_mode_over_window", [], "SELECT mode() WITHIN GROUP (ORDER BY x) OVER () FROM (VALUES (1)) v(x)", None),
    ("syntax_current_date_called", [], "SELECT current_date()", None),
    ("syntax_current_user_called", [], "SELECT current_user()", None),
    ("syntax_current_timestamp_called_without_precision", [], "SELECT current_timestamp()", None),
    ("syntax_localtimestamp_called_without_precision", [], "SELECT localtimestamp()", None),
    ("fn_current_role_and_current_catalog", [],
     "SELECT current_role = current_user, pg_typeof(current_role), pg_typeof(current_catalog), "
     "current_catalog = current_database(), (SELECT \"current_role\" FROM (VALUES (1)) v(\"current_role\"))", None),
    ("syntax_char_keyword_called", [], "SELECT char(65)", None),
    ("syntax_time_keyword_called", [], "SELECT time('10:00')", None),
    ("syntax_int_keyword_called", [], "SELECT x FROM (VALUES (1)) t(x) WHERE int(x) > 1", None),
    ("syntax_numeric_keyword_called", [], "SELECT numeric(1) + 1", None),
    ("syntax_varchar_keyword_called", [], "SELECT varchar('1')", None),
    ("syntax_char_keyword_two_arguments", [], "SELECT char(1, 2)", None),
    ("syntax_time_with_zone_keyword_called", [], "SELECT time(3) with time zone", None),
    ("syntax_interval_keyword_called", [], "SELECT interval('1')", None),
    ("syntax_type_modifiers_still_types", ["CREATE TABLE tc (a varchar(5), b numeric(5,2), c char(2), d time(3))"],
     "INSERT INTO tc VALUES ('x', 1.5, 'ab', '10:00') RETURNING a, b::numeric(6,1), c, CAST(d AS time(0)), chr(65)", None),
    ("order_by_output_name_ambiguous", ["CREATE TABLE t5 (a int, m int)"], "SELECT a AS m, m FROM t5 ORDER BY m", None),
    ("order_by_two_aliases_ambiguous", ["CREATE TABLE t5 (a int, m int)"], "SELECT a AS x, m AS x FROM t5 ORDER BY x", None),
    ("order_by_star_and_alias_ambiguous", ["CREATE TABLE t5 (a int, m int)"], "SELECT *, a AS m FROM t5 ORDER BY m", None),
    ("order_by_same_expression_twice", ["CREATE TABLE t5 (a int, m int)", "INSERT INTO t5 VALUES (2, 1), (1, 2)"],
     "SELECT a AS m, a AS m FROM t5 ORDER BY m", None),
    ("order_by_expression_of_output_name", ["CREATE TABLE t5 (a int, m int)"], "SELECT a + 1 AS b FROM t5 ORDER BY -b", None),
    ("order_by_expression_reads_input_column", ["CREATE TABLE t5 (a int, m int)", "INSERT INTO t5 VALUES (2, 1), (1, 2)"],
     "SELECT a AS m FROM t5 ORDER BY m + 0", None),
    ("join_column_reference_ambiguous", ["CREATE TABLE t5 (a int, id int)", "CREATE TABLE t6 (id int)"],
     "SELECT id FROM t5, t6", None),
    ("version_agrees_with_server_version", [],
     "SELECT current_setting('server_version') LIKE split_part(version(), ' ', 2) || '%', "
     "current_setting('server_version_num')::int / 10000 = split_part(split_part(version(), ' ', 2), '.', 1)::int", None),
    ("values_untyped_literals_take_column_type", [],
     "SELECT * FROM (VALUES (1::int, date '2020-01-01', true, interval '1 day', '{\"a\": 1}'::jsonb, "
     "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, timestamptz '2020-01-01 10:00+02', ARRAY[1], time '10:00'), "
     "('2', '2020-01-02', 'f', '2 hours', '[1,  2]', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', '2020-01-01 12:00+05', "
     "'{2,3}', '11:00')) v(i, d, b, iv, j, u, tz, arr, t)", None),
    ("values_untyped_literal_invalid_boolean", [], "SELECT * FROM (VALUES (true), ('maybe')) v(x)", None),
    ("values_untyped_literal_out_of_range", [], "SELECT * FROM (VALUES (1::int2), ('70000')) v(x)", None),
    ("values_untyped_literals_compared", [],
     "SELECT x FROM (VALUES (date '2020-01-01'), ('2020-01-02')) v(x) WHERE x > '2020-01-01'", None),
    ("insert_text_out_of_range_for_smallint", ["CREATE TABLE ti (a int2)"], "INSERT INTO ti VALUES ('70000')", None),
    ("agg_json_aggregates_grouped", [],
     "SELECT k, jsonb_agg(v), json_agg(v), jsonb_object_agg(v, k), json_object_agg(v, k) "
     "FROM (VALUES (1, 2), (1, 3), (2, 4)) t(k, v) GROUP BY k ORDER BY k", None),
    ("agg_jsonb_agg_ordered_filtered_and_in_having", [],
     "SELECT k, jsonb_agg(x ORDER BY x DESC), jsonb_agg(x) FILTER (WHERE x > 1), pg_typeof(jsonb_agg(x)) "
     "FROM (VALUES (1, 1), (1, 3), (1, 2), (2, 5)) v(k, x) GROUP BY k HAVING jsonb_agg(x) @> '[3]'", None),
    ("agg_jsonb_agg_beside_ungrouped_column", [], "SELECT k, jsonb_agg(v) FROM (VALUES (1, 2)) t(k, v)", None),
    ("agg_jsonb_agg_of_the_grouping_column", [],
     "SELECT x, jsonb_agg(x) FROM (VALUES (1), (2)) v(x) GROUP BY x ORDER BY x", None),
    ("agg_json_aggs_as_window_functions", [],
     "SELECT x, jsonb_agg(x) OVER (ORDER BY x), json_agg(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) "
     "FROM (VALUES (1), (2), (3)) v(x) ORDER BY x", None),
    ("agg_distinct_comes_out_sorted", [],
     "SELECT array_agg(DISTINCT x), string_agg(DISTINCT y, ','), json_agg(DISTINCT x), jsonb_agg(DISTINCT y), "
     "count(DISTINCT y), array_agg(DISTINCT n) "
     "FROM (VALUES (3, 'b', 10.5), (1, 'B', 9.25), (2, 'a', 100), (1, 'a', 9.25), (NULL, NULL, NULL)) v(x, y, n)", None),
    ("agg_distinct_with_order_by_argument", [],
     "SELECT k, string_agg(DISTINCT v, '-' ORDER BY v DESC), array_agg(DISTINCT v ORDER BY v DESC), "
     "json_agg(DISTINCT v ORDER BY v), count(DISTINCT v ORDER BY v) "
     "FROM (VALUES (1, 'x'), (1, 'y'), (1, 'x'), (2, 'z')) t(k, v) GROUP BY k ORDER BY k", None),
    ("agg_string_agg_distinct_pairs_with_separator", [],
     "SELECT string_agg(DISTINCT x, y), string_agg(DISTINCT x, NULL) FROM (VALUES ('a', '-'), ('b', '+'), ('a', '+')) v(x, y)", None),
    ("agg_distinct_order_by_other_expression", [],
     "SELECT string_agg(DISTINCT x, ',' ORDER BY y) FROM (VALUES ('a', 1), ('b', 2)) v(x, y)", None),
    ("agg_count_distinct_order_by_other_expression", [],
     "SELECT count(DISTINCT x ORDER BY y) FROM (VALUES (1, 2)) v(x, y)", None),
    ("agg_order_by_nulls_and_numeric_keys", [],
     "SELECT array_agg(x ORDER BY x DESC NULLS LAST), json_agg(x ORDER BY x DESC NULLS LAST), "
     "array_agg(x ORDER BY x NULLS FIRST), array_agg(n ORDER BY n), string_agg(n::text, ',' ORDER BY n DESC) "
     "FROM (VALUES (1, 10.5), (NULL, 9.25), (2, 100)) v(x, n)", None),
    ("agg_object_agg_order_by_nulls_last_and_numeric", [],
     "SELECT json_object_agg(k, v ORDER BY v DESC NULLS LAST)::text, json_object_agg(k, v ORDER BY v DESC)::text, "
     "json_object_agg(k, v ORDER BY n)::text, json_object_agg(k, d ORDER BY k)::text "
     "FROM (VALUES ('a', 1, 10.5, date '2024-01-01'), ('b', NULL, 9.25, NULL), ('c', 2, 100, NULL)) t(k, v, n, d)", None),
    ("window_order_by_numeric_jsonb_and_array_keys", [],
     "SELECT n, dense_rank() OVER (ORDER BY n), rank() OVER (ORDER BY n DESC), first_value(n) OVER (ORDER BY n), "
     "count(*) OVER (ORDER BY n RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), "
     "row_number() OVER (ORDER BY j), row_number() OVER (ORDER BY a DESC) "
     "FROM (VALUES (10.5, '{\"a\": 2}'::jsonb, ARRAY[10]), (9.25, '{\"a\": 10}'::jsonb, ARRAY[9]), "
     "(100, '{\"a\": 1}'::jsonb, ARRAY[100]), (10.50, NULL, NULL)) v(n, j, a) ORDER BY n, j", None),
    ("numeric_keys_group_by_value", [],
     "SELECT (SELECT count(*) FROM (SELECT 1 FROM (VALUES (1.0), (1.00), (2)) v(n) GROUP BY n) g), "
     "(SELECT count(DISTINCT n) FROM (VALUES (1.0), (1.00), (2)) v(n)), "
     "(SELECT max(c) FROM (SELECT count(*) OVER (PARTITION BY n) AS c FROM (VALUES (1.0), (1.00), (2)) v(n)) w), "
     "(SELECT count(*) FROM (SELECT 1 FROM (VALUES (1.0), (1.00), (2)) v(n) GROUP BY n + 0) g)", None),
    ("numeric_outputs_distinct_and_grouped_by_value", [],
     "SELECT (SELECT count(*) FROM (SELECT DISTINCT n FROM (VALUES (1.0), (1.00), (2)) v(n)) d), "
     "(SELECT count(*) FROM (SELECT n, count(*) FROM (VALUES (1.0), (1.00), (2)) v(n) GROUP BY 1) g), "
     "(SELECT max(c) FROM (SELECT n AS m, count(*) AS c FROM (VALUES (1.0), (1.00), (2)) v(n) GROUP BY m) g)", None),
    ("agg_distinct_in_window_function", [], "SELECT count(DISTINCT x) OVER () FROM (VALUES (1)) v(x)", None),
    ("agg_order_by_in_window_function", [], "SELECT array_agg(x ORDER BY x) OVER () FROM (VALUES (1)) v(x)", None),
    ("agg_string_agg_of_bytea", [],
     "SELECT string_agg(x::bytea, '-'::bytea), string_agg(x::bytea, '-'), string_agg(x::bytea, NULL), "
     "string_agg(x::bytea, '\\x2c' ORDER BY x DESC), pg_typeof(string_agg(x::bytea, ',')), "
     "string_agg(DISTINCT x::bytea, '-'::bytea) FROM (VALUES ('a'), ('b'), ('a')) v(x)", None),
    ("agg_string_agg_of_bytea_as_window_function", [],
     "SELECT x, string_agg(x::bytea, '-') OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), "
     "string_agg(x::bytea, NULL) OVER (ORDER BY x) FROM (VALUES ('a'), ('b'), (NULL), ('c')) v(x) ORDER BY x", None),
    ("agg_string_agg_bytea_with_text_separator", [],
     "SELECT string_agg(x::bytea, '-'::text) FROM (VALUES ('a')) v(x)", None),
    ("agg_string_agg_text_with_bytea_separator", [], "SELECT string_agg(x, '-'::bytea) FROM (VALUES ('a')) v(x)", None),
    ("agg_string_agg_of_integer", [], "SELECT string_agg(1, ',') FROM (VALUES ('a')) v(x)", None),
    ("agg_string_agg_of_character_drops_padding", [],
     "SELECT string_agg(x::char(3), ','), string_agg('a', x::char(3)), string_agg(DISTINCT x::char(3), ','), "
     "array_agg(x::char(3)) FROM (VALUES ('a'), ('b'), ('a')) v(x)", None),
    ("agg_filter_keeps_type_and_name", [],
     "SELECT array_agg(x) FILTER (WHERE x > 1), count(*) FILTER (WHERE x > 1), sum(x) FILTER (WHERE x < 3) AS s "
     "FROM (VALUES (1), (2), (3)) v(x)", None),
    # -- scalar expressions the differential fuzz test found (test_differential.py) ----------------
    ("fz_between_numeric_and_integer_bounds", [],
     "SELECT (3.14159 BETWEEN 0 AND 10)::text, quote_literal((10.000 BETWEEN 0 AND 10)::text), "
     "5 BETWEEN SYMMETRIC 10 AND 1, 10.5 NOT BETWEEN 0 AND 10", None),
    ("fz_right_longer_than_text", [], "SELECT right('abc', 5), right('ÄÖü', 5), right('abc', -1)", None),
    ("fz_width_bucket_versions", [],
     "SELECT width_bucket('Infinity'::float8, 0, 10, 5), width_bucket(5.35, 0.024, 10.06, 5), "
     "width_bucket(5, 0, 10, 3), width_bucket(-1::float8, 10, 0, 4)", None),
    ("fz_width_bucket_infinite_bound", [], "SELECT width_bucket(5, 'Infinity'::numeric, 1, 2)", None),
    ("fz_ceil_floor_of_integers_are_float8", [], "SELECT floor(7), ceil(-5::bigint), floor(cardinality(ARRAY[3,NULL,1]))", None),
    ("fz_nullif_common_type", [],
     "SELECT nullif(0, 0.1::float8), nullif(2::int2, 2::int8), nullif(1, 1.0), "
     "nullif(CASE WHEN -1 > least(2, 0.1::float8) THEN -1 ELSE least(2, 0.1::float8) END, 1e10::numeric)", None),
    ("fz_case_named_after_else", [],
     "SELECT CASE WHEN 2 > round(-5::bigint) THEN 2 ELSE round(-5::bigint) END, "
     "(CASE WHEN -1.5 > 0 THEN -1.5 ELSE 0 END)::smallint, CASE WHEN true THEN 1 END, ('{}'::int[])[2]::text, true", None),
    ("fz_case_types_else_first", [], "SELECT CASE WHEN true THEN 1 ELSE abs(2)::text END", None),
    ("fz_coalesce_types_cannot_be_matched", [], "SELECT coalesce(1, 1.5, 'x'::text)", None),
    ("fz_coalesce_could_not_convert", [], "SELECT coalesce(date '2024-01-01', time '10:00')", None),
    ("fz_float_modulo_operator", [], "SELECT 1e300::float8 % -1", None),
    ("fz_numeric_float_modulo_operator", [], "SELECT sign(2::real) % 1.5", None),
    ("fz_mod_real_bigint", [], "SELECT mod(2::real, 9::bigint)", None),
    ("fz_jsonb_array_length_of_scalar", [], "SELECT jsonb_array_length('null'::jsonb)", None),
    ("fz_json_array_length_of_scalar", [], "SELECT json_array_length('3')", None),
    ("fz_date_plus_bigint", [], "SELECT date '2023-12-31' + 3000000000", None),
    ("fz_date_out_of_range", [], "SELECT date '2023-12-31' + 2147483647", None),
    ("fz_date_trunc_interval", [],
     "SELECT date_trunc('year', interval '1 year 2 mons'), date_trunc('quarter', interval '-14 mons -3 days -05:30:00'), "
     "date_trunc('minute', interval '100 hours 59 minutes 59 sec')", None),
    ("fz_date_trunc_interval_week", [], "SELECT date_trunc('week', interval '10 days')", None),
    ("fz_make_date_bc_invalid", [], "SELECT make_date(-44, 2, 29)", None),
    ("fz_quote_literal_of_any_type", [],
     "SELECT quote_literal(interval '36 hours'), quote_literal(true), quote_literal(ARRAY[1,2]), "
     "quote_nullable(NULL::int)", None),
    ("fz_timestamp_input_message", [], "SELECT 'abc'::timestamp", None),
    ("fz_timestamp_hour_out_of_range", [], "SELECT '2024-03-15 25:00'::timestamp", None),
    ("fz_datetime_short_fields_and_carry", [],
     "SELECT '1999-1-5'::date, '2024-1-5 1:2:3'::timestamp, '1999-01-05 10:00:60'::timestamp, "
     "'2024-03-15 24:00'::timestamp", None),
    ("fz_any_all_ordering", [],
     "SELECT 1 > ALL(ARRAY[1,2]), 1 < ANY(ARRAY[1,2]), 1 = ALL(ARRAY[1,2]), 1.5 < ALL(ARRAY[2, NULL]), "
     "2.5 >= ANY(array_append(ARRAY[3,NULL,1], 2)), 1 < ALL('{}'::int[])", None),
    ("fz_incomparable_types", [], "SELECT 1 IS DISTINCT FROM 'a'::text", None),
    ("fz_array_compared_with_boolean", [], "SELECT ARRAY['c'] > true", None),
    ("fz_arrays_of_two_types_overlap", [], "SELECT ARRAY[5] && ARRAY[1::bigint]", None),
    ("fz_untyped_literal_read_while_planning", [], "SELECT (('  pad  ' > 1::smallint) IS UNKNOWN) OR true", None),
    ("fz_to_hex_smallint_not_unique", [], "SELECT to_hex(-3::smallint)", None),
    ("fz_jsonb_scalar_as_array", [], "SELECT '\"s\"'::jsonb -> 0, '\"s\"'::jsonb ->> -1, '5'::jsonb -> 1", None),
    ("fz_jsonb_cast_to_number", [],
     "SELECT '1.5'::jsonb::int, 'true'::jsonb::bool, '2.50'::jsonb::numeric, '1e3'::jsonb::bigint", None),
    ("fz_jsonb_object_cast_to_integer", [], "SELECT '{}'::jsonb::int", None),
    ("fz_array_append_common_type", [],
     "SELECT array_append(ARRAY[1], 3000000000), array_prepend(1.5, ARRAY[1]), ARRAY[1] || 2.5, ARRAY[1] || ARRAY[2.5]", None),
    ("fz_greatest_of_intervals", [], "SELECT greatest(interval '2 hours 30 minutes', interval '36 hours'), "
     "least(interval '1 month', interval '29 days', NULL)", None),
    ("fz_pg_typeof_evaluates_its_argument", [], "SELECT pg_typeof(ARRAY['b'] || 'x y')", None),
]

# Cases whose expected answer on dotdo deliberately differs: dotdo refuses with 0A000
# feature_not_supported where PostgreSQL runs the statement. Never a wrong answer.
REFUSED: list[Case] = [
    ("refused_unnest_with_aggregate", [], "SELECT unnest(array_agg(x)) FROM (VALUES (1), (2)) v(x)", None),
    ("refused_materialized_view", USERS, "CREATE MATERIALIZED VIEW mv AS SELECT * FROM users", None),
    ("refused_insert_through_view", USERS + ["CREATE VIEW v AS SELECT id, email FROM users"],
     "INSERT INTO v (email) VALUES ('v@x.com') RETURNING id", None),
    ("refused_distinct_on_star", USERS, "SELECT DISTINCT ON (active) * FROM users ORDER BY active, name", None),
    ("refused_with_modifying_and_main_on_one_table", USERS,
     "WITH d AS (DELETE FROM users WHERE id = 2 RETURNING id) SELECT count(*) FROM users", None),
    ("refused_listing_built_in_functions", [], "SELECT proname FROM pg_proc WHERE proname = 'lower'", None),
    ("refused_update_from_lateral", ORDERS,
     "UPDATE orders SET status = s.st FROM users u, LATERAL (SELECT u.name AS st) s WHERE orders.user_id = u.id", None),
    ("refused_delete_using_lateral", ORDERS,
     "DELETE FROM orders USING users u, LATERAL (SELECT u.age AS a) s WHERE orders.user_id = u.id AND s.a > 40", None),
    ("refused_right_join_lateral", USERS, "SELECT * FROM users u RIGHT JOIN LATERAL (SELECT 1 AS x) s ON true", None),
    ("refused_having_without_group_by", USERS, "SELECT 1 FROM users HAVING count(*) > 0", None),
    ("refused_to_char_roman_numerals", [], "SELECT to_char(12, 'RN')", None),
    ("refused_regexp_expanded_flag", [], "SELECT regexp_replace('abc', 'b', 'x', 'x')", None),
    ("refused_regexp_replace_occurrence", [], "SELECT regexp_replace('abcabc', 'b', 'x', 1, 2)", None),
    ("refused_two_set_returning_functions_in_select_list", [],
     "SELECT jsonb_array_elements('[1,2]'), jsonb_array_elements('[1,2,3]')", None),
    ("refused_explain", [], "EXPLAIN SELECT 1", None),
    ("refused_copy_from_server_file", ["CREATE TABLE cf (x text)"], "COPY cf FROM '/dev/null'", None),
    ("refused_composite_type", [], "CREATE TYPE pair AS (a int, b int)", None),
    ("refused_icu_collation", [], "SELECT 'a' < 'B' COLLATE \"und-x-icu\"", None),
    ("refused_infinite_date", [], "SELECT 'infinity'::date::text, '-infinity'::date::text", None),
    ("refused_infinite_timestamp", [], "SELECT 'infinity'::timestamp::text, isfinite('-infinity'::timestamptz)", None),
    ("refused_array_fill_lower_bound", [], "SELECT array_fill(7, ARRAY[3], ARRAY[2])::text", None),
    ("refused_jsonb_extract_path_variadic", [], "SELECT jsonb_extract_path('{\"a\": 1}', VARIADIC ARRAY['a'])", None),
    # -- json text as written, SQLite's built-ins hidden, arrays of arrays, row constructors ---------
    ("refused_row_value_in_function_argument", [], "SELECT coalesce(ROW(1,2), ROW(3,4))", None),
    ("refused_slice_of_array_of_arrays", [], "SELECT (ARRAY[[1,2],[3,4]])[1:1]", None),
    ("refused_generate_subscripts_of_array_of_arrays", [],
     "SELECT unnest(a), generate_subscripts(a, 1) FROM (VALUES (ARRAY[[5,6]])) v(a)", None),
    # -- date/time input and timing ----------------------------------------------------------
    ("refused_dt_at_time_zone_posix_with_dst", [], "SELECT timestamptz '2024-03-15 10:00+00' AT TIME ZONE 'AAA3BBB'", None),
    ("refused_dt_extract_julian_of_timestamp", [], "SELECT extract(julian from timestamp '2024-03-15 10:00')", None),
    ("refused_dt_timestamp_after_year_9999", [], "SELECT (timestamp '9999-12-31' + interval '1 year')::text", None),
    ("refused_dt_current_time_is_timetz", [], "SELECT pg_typeof(CURRENT_TIME), pg_typeof(CURRENT_TIME(2))", None),
    ("refused_dt_date_after_year_9999", [], "SELECT '10000-01-01'::date::text, date '10000-01-01' > date '9999-12-31'", None),
    ("refused_dt_timestamp_input_after_year_9999", [], "SELECT '10000-01-01 10:00'::timestamp::text", None),
    ("refused_dt_date_bc", [], "SELECT '0044-03-15 BC'::date::text", None),
    # -- session time zone ------------------------------------------------------------------
    ("refused_tz_posix_zone_with_dst_rules", [], "SET TIME ZONE 'AAA3BBB'", None),
    ("refused_tz_postgres_only_zone_name", [], "SET TIME ZONE 'posixrules'", None),
    ("refused_tz_offset_of_a_day_or_more", [], "SET TIME ZONE 100", None),
    ("refused_tz_set_config_local_outside_block", [],
     "SELECT set_config('TimeZone', 'Asia/Tokyo', true), current_setting('TimeZone')", None),
    # -- PostgreSQL functions, aggregates and name resolution ---------------------------------
    ("refused_fn_postgres_builtin_not_implemented", [], "SELECT xmlcomment('a')", None),
    ("refused_to_date_week_of_year_pattern", [], "SELECT to_date('2024-03-15', 'YYYY-WW-DD')", None),
    ("refused_to_timestamp_without_year", [], "SELECT to_timestamp('10:00', 'HH24:MI')::text", None),
]


def outcome(conn: psycopg.Connection, setup: list[str], sql: str, params: Any) -> dict[str, Any]:
    """What the genuine client reports for `sql` after `setup`: rows and their types, or the error."""
    for s in setup:
        try:
            conn.execute(s)
        except psycopg.Error:
            pass  # some setups deliberately fail (a rejected row must leave no trace)
    try:
        cur = conn.execute(sql, params)
    except psycopg.Error as e:
        return {"error": e.sqlstate, "class": type(e).__name__, "message": e.diag.message_primary,
                "detail": e.diag.message_detail}
    out: dict[str, Any] = {"status": cur.statusmessage, "rowcount": cur.rowcount}
    if cur.description is not None:
        rows = cur.fetchall()
        out["columns"] = [d.name for d in cur.description]
        out["rows"] = rows
        out["types"] = sorted({(i, type(v).__name__) for r in rows for i, v in enumerate(r)})
    return out
