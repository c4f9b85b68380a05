"""The clients people use against PostgreSQL: psycopg features (prepared statements, binary
results, executemany, async), psycopg2, and SQLAlchemy 2.0 Core and ORM."""
import asyncio
import datetime
from decimal import Decimal

import psycopg
import pytest
from psycopg import errors
from psycopg.rows import dict_row
from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .conftest import _dotdo_data, _real_dsn, sqlalchemy_engine


# -- psycopg ----------------------------------------------------------------------------

def test_prepared_statement_reused_many_times(conn):
    conn.execute("CREATE TABLE kv (k int PRIMARY KEY, v text)")
    for i in range(12):  # psycopg prepares server-side after 5 runs
        conn.execute("INSERT INTO kv VALUES (%s, %s)", (i, f"v{i}"))
    got = [conn.execute("SELECT v FROM kv WHERE k = %s", (i,)).fetchone()[0] for i in range(12)]
    assert got == [f"v{i}" for i in range(12)]


def test_explicit_prepare(conn):
    conn.execute("CREATE TABLE kv (k int PRIMARY KEY, v text)")
    conn.execute("INSERT INTO kv VALUES (1, 'a')")
    assert conn.execute("SELECT v FROM kv WHERE k = %s", (1,), prepare=True).fetchone() == ("a",)
    assert conn.execute("SELECT v FROM kv WHERE k = %s", (1,), prepare=True).fetchone() == ("a",)


def test_prepared_statement_survives_ddl(conn):
    conn.execute("CREATE TABLE kv (k int PRIMARY KEY, v text)")
    for _ in range(7):
        conn.execute("SELECT count(*) FROM kv")
    conn.execute("INSERT INTO kv VALUES (1, 'a')")
    conn.execute("CREATE INDEX kv_v ON kv (v)")
    assert conn.execute("SELECT count(*) FROM kv").fetchone() == (1,)


def test_named_parameters_and_dict_rows(conn):
    cur = conn.cursor(row_factory=dict_row)
    row = cur.execute("SELECT %(a)s::int + %(b)s::int AS total, %(name)s AS name",
                      {"a": 1, "b": 2, "name": "x"}).fetchone()
    assert row == {"total": 3, "name": "x"}


def test_binary_cursor(conn):
    conn.execute("CREATE TABLE b (i int, big bigint, f float8, t text, flag boolean, raw bytea)")
    conn.execute("INSERT INTO b VALUES (1, 5000000000, 1.5, 'x', true, '\\x00ff')")
    cur = conn.cursor(binary=True)
    assert cur.execute("SELECT i, big, f, t, flag, raw FROM b").fetchone() == (1, 5000000000, 1.5, "x", True, b"\x00\xff")


def test_fetchmany_and_iteration(conn):
    conn.execute("CREATE TABLE n (x int)")
    conn.execute("INSERT INTO n SELECT x FROM generate_series(1, 10) AS x")
    cur = conn.execute("SELECT x FROM n ORDER BY x")
    assert cur.fetchmany(3) == [(1,), (2,), (3,)]
    assert [r[0] for r in cur] == list(range(4, 11))


def test_executemany_rowcount(conn):
    conn.execute("CREATE TABLE n (x int)")
    cur = conn.cursor()
    cur.executemany("INSERT INTO n VALUES (%s)", [(i,) for i in range(5)])
    assert cur.rowcount == 5
    assert conn.execute("SELECT sum(x) FROM n").fetchone() == (10,)


def test_executemany_returning(conn):
    conn.execute("CREATE TABLE n (id serial PRIMARY KEY, x int)")
    cur = conn.cursor()
    cur.executemany("INSERT INTO n (x) VALUES (%s) RETURNING id", [(7,), (8,)], returning=True)
    ids = []
    while True:
        ids.append(cur.fetchone()[0])
        if not cur.nextset():
            break
    assert ids == [1, 2]


def test_description_names_and_type_codes(conn):
    cur = conn.execute("SELECT 1::int4 AS a, 'x'::text AS b, 1.5::numeric AS c, now() AS d, true AS e")
    assert [(d.name, d.type_code) for d in cur.description] == [
        ("a", 23), ("b", 25), ("c", 1700), ("d", 1184), ("e", 16)]


def test_python_types_round_trip(conn):
    conn.execute("CREATE TABLE r (d date, ts timestamp, tz timestamptz, n numeric(6,3), j jsonb)")
    values = (datetime.date(2024, 1, 31), datetime.datetime(2024, 1, 31, 12, 30),
              datetime.datetime(2024, 1, 31, 12, 30, tzinfo=datetime.timezone.utc), Decimal("12.345"),
              psycopg.types.json.Jsonb({"a": [1, 2]}))
    conn.execute("INSERT INTO r VALUES (%s, %s, %s, %s, %s)", values)
    row = conn.execute("SELECT * FROM r").fetchone()
    assert row[:2] == values[:2] and row[2] == values[2] and row[3] == values[3] and row[4] == {"a": [1, 2]}


def test_server_reports_parameters(conn):
    assert conn.info.parameter_status("client_encoding") == "UTF8"
    assert conn.info.parameter_status("DateStyle") == "ISO, MDY"
    assert conn.info.parameter_status("integer_datetimes") == "on"
    assert conn.info.parameter_status("standard_conforming_strings") == "on"
    assert conn.info.server_version >= 150000


def test_version_string_agrees_with_the_server_version_clients_read(target, conn, sa_engine):
    """version() is what SQLAlchemy parses, the ParameterStatus server_version what libpq (psycopg)
    and asyncpg parse: a client must get one version from either."""
    import re
    num = conn.info.server_version  # libpq's reading of ParameterStatus server_version
    text = conn.info.parameter_status("server_version")
    version = conn.execute("SELECT version()").fetchone()[0]
    assert re.fullmatch(r"PostgreSQL (\d+)\.(\d+) .* on [\w.-]+, compiled by .+, 64-bit", version), version
    assert conn.execute("SHOW server_version").fetchone()[0] == text
    assert int(conn.execute("SHOW server_version_num").fetchone()[0]) == num
    assert version.startswith(f"PostgreSQL {text.split()[0]} ")
    with sa_engine.connect() as c:
        assert sa_engine.dialect._get_server_version_info(c) == (num // 10000, num % 10000)

    async def asyncpg_version():
        c = await _asyncpg_connect(target)
        try:
            return c.get_server_version()
        finally:
            await c.close()
    got = asyncio.run(asyncpg_version())
    assert (got.major, got.micro) == (num // 10000, num % 10000)  # asyncpg's reading of 10+ versions


def test_error_diagnostics_fields(conn):
    conn.execute("CREATE TABLE u (email text UNIQUE)")
    conn.execute("INSERT INTO u VALUES ('a')")
    with pytest.raises(errors.UniqueViolation) as e:
        conn.execute("INSERT INTO u VALUES ('a')")
    diag = e.value.diag
    assert (diag.severity, diag.sqlstate, diag.constraint_name, diag.table_name) == ("ERROR", "23505", "u_email_key", "u")
    assert diag.message_detail == "Key (email)=(a) already exists."


def test_syntax_error_has_position(conn):
    with pytest.raises(errors.SyntaxError) as e:
        conn.execute("SELECT * FROM")
    assert e.value.diag.statement_position is not None


def test_multiple_statements_in_one_execute(conn):
    conn.execute("CREATE TABLE m (x int); INSERT INTO m VALUES (1); INSERT INTO m VALUES (2)")
    assert conn.execute("SELECT count(*) FROM m").fetchone() == (2,)


def test_async_connection(target):
    async def main():
        if target == "real":
            aconn = await psycopg.AsyncConnection.connect(_real_dsn(), autocommit=True)
        else:
            import dotdo_postgres
            aconn = await dotdo_postgres.connect_async(data=_dotdo_data(), dbname="conformance", autocommit=True)
        async with aconn:
            cur = await aconn.execute("SELECT %s::int * 3", (14,))
            return await cur.fetchone()
    assert asyncio.run(main()) == (42,)


def test_notice_on_drop_if_exists(conn):
    notices = []
    conn.add_notice_handler(lambda d: notices.append((d.severity, d.message_primary)))
    conn.execute("DROP TABLE IF EXISTS never_there")
    assert notices == [("NOTICE", 'table "never_there" does not exist, skipping')]


# -- psycopg2 ---------------------------------------------------------------------------

@pytest.fixture
def pg2(target, conn):
    import psycopg2
    if target == "real":
        c = psycopg2.connect(_real_dsn())
    else:
        import dotdo_postgres.psycopg2
        c = dotdo_postgres.psycopg2.connect(data=_dotdo_data(), dbname="conformance")
    yield c
    c.close()


def test_psycopg2_crud(pg2):
    cur = pg2.cursor()
    cur.execute("CREATE TABLE p2 (id serial PRIMARY KEY, name text NOT NULL, score numeric(5,1))")
    cur.execute("INSERT INTO p2 (name, score) VALUES (%s, %s) RETURNING id", ("ada", Decimal("9.5")))
    assert cur.fetchone() == (1,)
    cur.executemany("INSERT INTO p2 (name, score) VALUES (%s, %s)", [("bob", 7), ("cy", None)])
    pg2.commit()
    cur.execute("SELECT name, score FROM p2 ORDER BY id")
    assert cur.fetchall() == [("ada", Decimal("9.5")), ("bob", Decimal("7.0")), ("cy", None)]
    cur.execute("UPDATE p2 SET score = score + 1 WHERE score IS NOT NULL")
    assert cur.rowcount == 2
    pg2.rollback()


def test_psycopg2_errors(pg2):
    import psycopg2
    import psycopg2.errors
    cur = pg2.cursor()
    cur.execute("CREATE TABLE p2 (id int PRIMARY KEY)")
    cur.execute("INSERT INTO p2 VALUES (1)")
    with pytest.raises(psycopg2.errors.UniqueViolation) as e:
        cur.execute("INSERT INTO p2 VALUES (1)")
    assert e.value.pgcode == "23505"
    with pytest.raises(psycopg2.errors.InFailedSqlTransaction):
        cur.execute("SELECT 1")
    pg2.rollback()
    with pytest.raises(psycopg2.errors.UndefinedTable):
        cur.execute("SELECT * FROM nope")
    pg2.rollback()


def test_psycopg2_dict_cursor_and_types(pg2):
    import psycopg2.extras
    cur = pg2.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
    cur.execute("SELECT 1 AS a, 'x'::varchar(3) AS b, true AS c, 2.50::numeric AS d, '2024-01-02'::date AS e")
    assert cur.fetchone() == {"a": 1, "b": "x", "c": True, "d": Decimal("2.50"), "e": datetime.date(2024, 1, 2)}
    pg2.rollback()


# -- SQLAlchemy 2.0 -----------------------------------------------------------------------

@pytest.fixture
def sa_engine(target, conn):
    engine = sqlalchemy_engine(target)
    yield engine
    engine.dispose()


def _models():
    class Base(DeclarativeBase):
        pass

    class Author(Base):
        __tablename__ = "authors"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(40), unique=True)
        books: Mapped[list["Book"]] = relationship(back_populates="author", cascade="all, delete-orphan",
                                                   order_by="Book.id")

    class Book(Base):
        __tablename__ = "books"
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str]
        price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
        author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
        author: Mapped[Author] = relationship(back_populates="books")

    return Base, Author, Book


def test_sqlalchemy_orm_create_all_insert_and_relationship(sa_engine):
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session, selectinload
    Base, Author, Book = _models()
    Base.metadata.create_all(sa_engine)
    with Session(sa_engine) as s:
        s.add_all([Author(name="Le Guin", books=[Book(title="Earthsea", price=Decimal("9.99")),
                                                 Book(title="Dispossessed", price=Decimal("12.50"))]),
                   Author(name="Banks", books=[Book(title="Excession", price=Decimal("8.00"))])])
        s.commit()
    with Session(sa_engine) as s:
        author = s.scalars(select(Author).where(Author.name == "Le Guin").options(selectinload(Author.books))).one()
        assert [b.title for b in author.books] == ["Earthsea", "Dispossessed"]
        totals = s.execute(select(Author.name, func.count(Book.id), func.sum(Book.price))
                           .join(Book).group_by(Author.name).order_by(Author.name)).all()
        assert totals == [("Banks", 1, Decimal("8.00")), ("Le Guin", 2, Decimal("22.49"))]
        book = s.scalars(select(Book).where(Book.title == "Excession")).one()
        assert book.author.name == "Banks"
    Base.metadata.drop_all(sa_engine)


def test_sqlalchemy_unit_of_work_update_delete(sa_engine):
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    Base, Author, Book = _models()
    Base.metadata.create_all(sa_engine)
    with Session(sa_engine) as s:
        a = Author(name="X", books=[Book(title="one", price=1), Book(title="two", price=2)])
        s.add(a)
        s.flush()
        a.books[0].price = Decimal("5.25")
        s.delete(a.books[1])
        s.commit()
        assert s.execute(select(Book.title, Book.price)).all() == [("one", Decimal("5.25"))]
        s.delete(a)
        s.commit()
        assert s.scalar(select(Book.id)) is None
    Base.metadata.drop_all(sa_engine)


def test_sqlalchemy_integrity_error_rolls_back_session(sa_engine):
    from sqlalchemy import exc, select
    from sqlalchemy.orm import Session
    Base, Author, Book = _models()
    Base.metadata.create_all(sa_engine)
    with Session(sa_engine) as s:
        s.add(Author(name="dup"))
        s.commit()
        s.add(Author(name="dup"))
        with pytest.raises(exc.IntegrityError) as e:
            s.commit()
        assert isinstance(e.value.orig, errors.UniqueViolation)
        s.rollback()
        assert s.scalar(select(Author.name)) == "dup"
    Base.metadata.drop_all(sa_engine)


def test_sqlalchemy_core_table(sa_engine):
    from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text
    md = MetaData()
    t = Table("core_t", md, Column("id", Integer, primary_key=True), Column("v", String(10), nullable=False))
    md.create_all(sa_engine)
    with sa_engine.begin() as c:
        res = c.execute(insert(t).returning(t.c.id), [{"v": "a"}, {"v": "b"}])
        assert sorted(r[0] for r in res) == [1, 2]
    with sa_engine.connect() as c:
        assert c.execute(select(t.c.v).order_by(t.c.id.desc())).scalars().all() == ["b", "a"]
        assert c.execute(text("SELECT count(*) FROM core_t WHERE v = :v"), {"v": "a"}).scalar() == 1
    md.drop_all(sa_engine)


def test_sqlalchemy_has_table(sa_engine):
    from sqlalchemy import inspect
    Base, Author, Book = _models()
    Base.metadata.create_all(sa_engine)
    insp = inspect(sa_engine)
    assert insp.has_table("authors") and not insp.has_table("nope")
    Base.metadata.drop_all(sa_engine)


@pytest.mark.parametrize("name", ["int4", "integer", "text", "uuid", "jsonb", "numeric", "timestamptz", "no_such_type"])
def test_psycopg_typeinfo_fetch(conn, name):
    from psycopg.types import TypeInfo
    info = TypeInfo.fetch(conn, name)
    got = None if info is None else (info.name, info.oid, info.array_oid, info.regtype, info.delimiter)
    expected = {"int4": ("int4", 23, 1007, "integer", ","), "integer": ("int4", 23, 1007, "integer", ","),
                "text": ("text", 25, 1009, "text", ","), "uuid": ("uuid", 2950, 2951, "uuid", ","),
                "jsonb": ("jsonb", 3802, 3807, "jsonb", ","), "numeric": ("numeric", 1700, 1231, "numeric", ","),
                "timestamptz": ("timestamptz", 1184, 1185, "timestamp with time zone", ","), "no_such_type": None}
    assert got == expected[name]


def test_listen_notify_between_connections(conn, connect):
    sender = connect(autocommit=True)
    conn.execute("LISTEN jobs")
    sender.execute("NOTIFY jobs, 'hello'")
    sender.execute("SELECT pg_notify('jobs', 'two')")
    with sender.transaction():
        sender.execute("NOTIFY jobs, 'in tx'")
        sender.execute("NOTIFY jobs, 'in tx'")  # folded: delivered once, at commit
    with pytest.raises(RuntimeError):
        with sender.transaction():
            sender.execute("NOTIFY jobs, 'rolled back'")
            raise RuntimeError
    got = [(n.channel, n.payload, n.pid == sender.info.backend_pid) for n in conn.notifies(timeout=0.5)]
    assert got == [("jobs", "hello", True), ("jobs", "two", True), ("jobs", "in tx", True)]
    conn.execute("UNLISTEN *")
    sender.execute("NOTIFY jobs, 'after unlisten'")
    assert list(conn.notifies(timeout=0.2)) == []


def test_sqlalchemy_native_enum_column(sa_engine):
    import enum

    from sqlalchemy import Enum, select
    from sqlalchemy.orm import Session

    class Status(enum.Enum):
        draft = "draft"
        live = "live"

    class Base(DeclarativeBase):
        pass

    class Doc(Base):
        __tablename__ = "docs_enum"
        id: Mapped[int] = mapped_column(primary_key=True)
        status: Mapped[Status] = mapped_column(Enum(Status, name="doc_status"))

    Base.metadata.create_all(sa_engine)
    try:
        with Session(sa_engine) as s:
            s.add_all([Doc(status=Status.live), Doc(status=Status.draft)])
            s.commit()
            assert s.scalars(select(Doc.status).order_by(Doc.status)).all() == [Status.draft, Status.live]
    finally:
        Base.metadata.drop_all(sa_engine)


# -- asyncpg ------------------------------------------------------------------------------

async def _asyncpg_connect(target: str):
    import asyncpg
    if target == "real":
        return await asyncpg.connect(_real_dsn(), ssl=False)
    import dotdo_postgres
    ep = dotdo_postgres.endpoint(_dotdo_data())
    return await asyncpg.connect(host=ep.host, port=ep.port, user="postgres", database="conformance", ssl=False)


def test_asyncpg_round_trip(target, conn):
    import asyncio
    import decimal

    import asyncpg

    async def main():
        c = await _asyncpg_connect(target)
        try:
            await c.execute("CREATE TABLE apg (id serial PRIMARY KEY, v text, n numeric(10,3), d date, ts timestamptz, "
                            "ok boolean, j jsonb, tags text[])")
            row = await c.fetchrow(
                "INSERT INTO apg (v, n, d, ts, ok, j, tags) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *",
                "x", decimal.Decimal("1.5"), datetime.date(2024, 1, 2),
                datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), True, '{"a": 1}', ["a", "b"])
            out = [dict(row), await c.fetchval("SELECT count(*) FROM apg")]
            out.append([dict(r) for r in await c.fetch("SELECT id, n * 2 AS n2 FROM apg WHERE id = $1 LIMIT $2", 1, 5)])
            with pytest.raises(asyncpg.UniqueViolationError) as e:
                await c.execute("INSERT INTO apg (id) VALUES (1)")
            out.append(e.value.detail)
            async with c.transaction():
                await c.execute("UPDATE apg SET v = 'y'")
            out.append(await c.fetchval("SELECT v FROM apg"))
            return out
        finally:
            await c.close()

    assert asyncio.run(main()) == [
        {"id": 1, "v": "x", "n": decimal.Decimal("1.500"), "d": datetime.date(2024, 1, 2),
         "ts": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), "ok": True, "j": '{"a": 1}',
         "tags": ["a", "b"]},
        1, [{"id": 1, "n2": decimal.Decimal("3.000")}], "Key (id)=(1) already exists.", "y"]
