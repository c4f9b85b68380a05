"""asyncpg against both targets: it encodes every parameter in binary by the type the server's
ParameterDescription names, and looks unknown types up with its own catalog query — so a
parameter whose type the server cannot say, or a catalog relation it lacks, breaks it."""
from __future__ import annotations

import asyncio
import datetime
import decimal
import uuid

import pytest

from .test_clients import _asyncpg_connect


def run(target: str, body):
    async def main():
        c = await _asyncpg_connect(target)
        try:
            return await body(c)
        finally:
            await c.close()
    return asyncio.run(main())


@pytest.mark.parametrize("sql,args,expected", [
    ("SELECT $1::int + 1", (41,), 42),
    ("SELECT 1 + $1", (41,), 42),
    ("SELECT $1::bigint * 2", (2**40,), 2**41),
    ("SELECT $1::smallint", (7,), 7),
    ("SELECT $1::numeric * 2", (decimal.Decimal("1.5"),), decimal.Decimal("3.0")),
    ("SELECT $1::float8 / 2", (3.0,), 1.5),
    ("SELECT $1::float4", (0.5,), 0.5),
    ("SELECT NOT $1::bool", (False,), True),
    ("SELECT $1::time", (datetime.time(1, 2, 3),), datetime.time(1, 2, 3)),
    ("SELECT $1::interval * 2", (datetime.timedelta(hours=3),), datetime.timedelta(hours=6)),
    ("SELECT $1::date + 1", (datetime.date(2024, 12, 31),), datetime.date(2025, 1, 1)),
    ("SELECT $1::timestamp", (datetime.datetime(2024, 1, 2, 3, 4, 5, 6),), datetime.datetime(2024, 1, 2, 3, 4, 5, 6)),
    ("SELECT $1::timestamptz", (datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.timezone.utc),),
     datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.timezone.utc)),
    ("SELECT $1::bytea", (b"\x00\xff",), b"\x00\xff"),
    ("SELECT $1::uuid", (uuid.UUID(int=9),), uuid.UUID(int=9)),
    ("SELECT $1::jsonb -> 'a'", ('{"a": [1]}',), "[1]"),
    ("SELECT $1::text[]", (["x", None],), ["x", None]),
    ("SELECT $1::int[]", ([1, 2],), [1, 2]),
    ("SELECT 5 = ANY($1::int[])", ([4, 5],), True),
    ("SELECT '{1,2}'::oid[]", (), [1, 2]),
])
def test_typed_parameters_round_trip(target, conn, sql, args, expected):
    assert run(target, lambda c: c.fetchval(sql, *args)) == expected


def test_parameter_types_the_server_describes(target, conn):
    async def body(c):
        return [[t.name for t in (await c.prepare(sql)).get_parameters()]
                for sql in ("SELECT $1::int + 1", "SELECT 1 + $1", "SELECT $1::date", "SELECT $1", "SELECT $1::oid[]")]
    assert run(target, body) == [["int4"], ["int4"], ["date"], ["text"], ["oid[]"]]


def test_table_of_every_common_type(target, conn):
    row = (1, 2, 2**40, decimal.Decimal("12.345"), 1.5, 2.25, True, "x", "vv", "abc", b"\x00\x01",
           datetime.date(2024, 2, 29), datetime.time(12, 30, 1), datetime.datetime(2024, 1, 2, 3, 4, 5, 6),
           datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), datetime.timedelta(days=1, seconds=5),
           uuid.UUID(int=7), '{"a": 1}', '{"b": [1, 2]}', [1, 2, None], ["a", "b"])

    async def body(c):
        await c.execute("CREATE TABLE every (id int PRIMARY KEY, a smallint, b bigint, n numeric(12,3), f float8, "
                        "r real, ok bool, s text, v varchar(10), ch char(3), by bytea, d date, tm time, ts timestamp, "
                        "tz timestamptz, iv interval, u uuid, j json, jb jsonb, ai int[], at text[])")
        await c.execute("INSERT INTO every VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)",
                        *row)
        return tuple(await c.fetchrow("SELECT * FROM every"))
    assert run(target, body) == row


def test_enum_type_is_introspected(target, conn):
    async def body(c):
        await c.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')")
        await c.execute("CREATE TABLE m (x mood)")
        await c.execute("INSERT INTO m VALUES ($1)", "happy")
        return [r["x"] for r in await c.fetch("SELECT x FROM m")]
    assert run(target, body) == ["happy"]


def test_executemany_and_prepared_statement(target, conn):
    async def body(c):
        await c.execute("CREATE TABLE kv (k int PRIMARY KEY, v text)")
        await c.executemany("INSERT INTO kv VALUES ($1, $2)", [(1, "a"), (2, "b"), (3, "c")])
        stmt = await c.prepare("SELECT v FROM kv WHERE k = ANY($1::int[]) ORDER BY k")
        return [r["v"] for r in await stmt.fetch([1, 3])]
    assert run(target, body) == ["a", "c"]


def test_copy_records_to_table_in_binary(target, conn):
    async def body(c):
        await c.execute("CREATE TABLE loaded (id int PRIMARY KEY, name text, amount numeric(8,2), day date, "
                        "at timestamptz, tags text[])")
        status = await c.copy_records_to_table("loaded", records=[
            (1, "a", decimal.Decimal("1.50"), datetime.date(2024, 1, 2),
             datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), ["x"]),
            (2, None, None, None, None, None)], columns=["id", "name", "amount", "day", "at", "tags"])
        return status, [tuple(r) for r in await c.fetch("SELECT * FROM loaded ORDER BY id")]
    assert run(target, body) == ("COPY 2", [
        (1, "a", decimal.Decimal("1.50"), datetime.date(2024, 1, 2),
         datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), ["x"]),
        (2, None, None, None, None, None)])


def test_binary_copy_violating_a_constraint_loads_nothing(target, conn):
    import asyncpg

    async def body(c):
        await c.execute("CREATE TABLE loaded (id int PRIMARY KEY)")
        with pytest.raises(asyncpg.UniqueViolationError):
            await c.copy_records_to_table("loaded", records=[(1,), (1,)])
        return await c.fetchval("SELECT count(*) FROM loaded")
    assert run(target, body) == 0
