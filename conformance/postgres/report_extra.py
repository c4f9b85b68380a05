"""The PostgreSQL section of docs/conformance.md: what is implemented and what is refused."""
from __future__ import annotations


def extra_markdown() -> str:
    return """### PostgreSQL: scope

Implemented (each exercised by the cases above against real PostgreSQL and dotdo): DDL with
PRIMARY KEY / UNIQUE / NOT NULL / CHECK / DEFAULT / FOREIGN KEY (with actions) and PostgreSQL's
constraint names, serial / identity sequences (`nextval`, `currval`, `setval`, `lastval`),
indexes (unique, partial), ALTER TABLE ADD/DROP/RENAME COLUMN, TRUNCATE; INSERT/UPDATE/DELETE
... RETURNING, ON CONFLICT DO NOTHING / DO UPDATE with `excluded`, UPDATE ... FROM; joins,
GROUP BY/HAVING, aggregates (exact numeric sum/avg), window functions, subqueries, CTEs
(recursive), set operations, `generate_series`; types with PostgreSQL OIDs (int2/4/8, numeric
exact, float4/8, bool, text/varchar/char with length checks, bytea, date/time/timestamp/
timestamptz, uuid, json/jsonb with `->`, `->>`, `#>`, `#>>`, `@>`, `?`); transactions with the
failed-transaction state, savepoints and implicit multi-statement transactions; errors with
PostgreSQL's SQLSTATE, message and DETAIL; psycopg (sync/async, binary, prepared), psycopg2 and
SQLAlchemy 2.0 ORM, asyncpg.

Also: intervals and date/time arithmetic, `extract`, `date_trunc`, views, `CREATE TABLE AS`,
`DELETE ... USING`, ALTER TABLE ADD/DROP CONSTRAINT, DISTINCT ON, COPY FROM STDIN / TO STDOUT
(text, CSV), pipeline-mode implicit transactions, LISTEN/NOTIFY within one server, enums,
one-dimensional arrays (ANY/ALL, @>, <@, &&, subscripts, array_agg, unnest in FROM).

Also: expression indexes (unique ones enforced with PostgreSQL's `Key (lower(email))=(...)` detail,
`ON CONFLICT (lower(email))` inference), unquoted names folded to lower case, session time zones,
multi-dimensional arrays, GROUPING SETS, data-modifying WITH, ALTER COLUMN SET/DROP DEFAULT and
SET/DROP NOT NULL, SQL cursors (DECLARE [SCROLL] ... [WITH HOLD], FETCH/MOVE in every direction,
CLOSE; psycopg's named cursors), binary time parameters, interval columns (compared by span:
'1 mon' = '30 days'), binary COPY FROM STDIN (asyncpg's copy_records_to_table), asyncpg's typed parameters,
ALTER COLUMN ... TYPE within the text, integer and number families (Django's migrations),
`unnest(a, b, ...)` [WITH ORDINALITY] in FROM (Django's bulk inserts), `*_pattern_ops` indexes.

Refused with `0A000 feature_not_supported` naming the feature:
composite types, materialized views, writing through views, CREATE SCHEMA (non-public schemas), `DISTINCT ON *`,
RIGHT/FULL JOIN LATERAL, COPY with server files, binary COPY TO STDOUT, EXPLAIN, temporary tables,
renaming or dropping a column an index uses, ALTER COLUMN ... TYPE ... USING and across type
families.

Known differences not covered by a case: a second writer waits for another connection's whole
transaction (one writer per database); CancelRequest ends a pg_sleep, any other statement runs
to completion; see docs/postgres.md.
"""
