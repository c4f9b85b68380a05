"""Alembic against both targets: autogenerate compares declared models with the database (through
SQLAlchemy's PostgreSQL reflection of pg_catalog), the generated operations upgrade it, and a
second comparison then finds nothing left to do."""
from __future__ import annotations

import pytest

alembic = pytest.importorskip("alembic")
from alembic.autogenerate import compare_metadata, produce_migrations, render_python_code  # noqa: E402
from alembic.migration import MigrationContext  # noqa: E402
from alembic.operations import Operations, ops  # noqa: E402
from sqlalchemy import (Boolean, Column, ForeignKey, Index, Integer, MetaData, Numeric, String, Table,  # noqa: E402
                        Text, UniqueConstraint, inspect)

from .test_clients import sa_engine  # noqa: F401,E402 - the fixture


def models() -> MetaData:
    md = MetaData()
    Table("accounts", md,
          Column("id", Integer, primary_key=True),
          Column("email", String(80), nullable=False),
          Column("balance", Numeric(10, 2), nullable=True),
          Column("active", Boolean, nullable=False, server_default="true"),
          UniqueConstraint("email", name="accounts_email_key"))
    Table("posts", md,
          Column("id", Integer, primary_key=True),
          Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
          Column("body", Text),
          Index("ix_posts_account_id", "account_id"))
    return md


def upgrade(connection, script) -> None:
    operations = Operations(MigrationContext.configure(connection))
    for op in script.upgrade_ops.ops:
        for step in (op.ops if isinstance(op, ops.ModifyTableOps) else [op]):
            operations.invoke(step)


def test_alembic_autogenerate_then_upgrade_leaves_no_difference(conn, sa_engine):  # noqa: F811
    conn.execute("CREATE TABLE accounts (id serial PRIMARY KEY, email varchar(80) NOT NULL)")
    conn.execute("CREATE TABLE legacy (id int PRIMARY KEY)")
    md = models()
    with sa_engine.begin() as connection:
        script = produce_migrations(MigrationContext.configure(connection), md)
        code = render_python_code(script.upgrade_ops)
        assert "op.create_table('posts'" in code
        assert "op.add_column('accounts', sa.Column('balance', sa.Numeric(precision=10, scale=2)" in code
        assert "op.drop_table('legacy')" in code
        assert "op.create_unique_constraint('accounts_email_key', 'accounts', ['email'])" in code
        upgrade(connection, script)
    with sa_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), md) == []
        insp = inspect(connection)
        assert sorted(insp.get_table_names()) == ["accounts", "posts"]
        assert [fk["referred_table"] for fk in insp.get_foreign_keys("posts")] == ["accounts"]
        assert [ix["name"] for ix in insp.get_indexes("posts")] == ["ix_posts_account_id"]
