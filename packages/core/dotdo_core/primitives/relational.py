"""Relational tables: ordinary SQLite tables in a shard, plus a record of the types they were declared with.

SQLite keeps only type affinities; an engine that speaks a richer SQL (PostgreSQL) must
remember the declared types to answer with them, so they are stored beside the table."""
from __future__ import annotations

from typing import Iterable

from ..shard import Shard, Tx

SCHEMA = """
CREATE TABLE IF NOT EXISTS _columns (
    tbl TEXT NOT NULL, col TEXT NOT NULL, position INTEGER NOT NULL, declared TEXT NOT NULL,
    PRIMARY KEY (tbl, col)
) WITHOUT ROWID;
"""


class Relational:
    def __init__(self, shard: Shard) -> None:
        self.shard = shard
        shard.ensure_schema("relational", SCHEMA)

    def record_table(self, tx: Tx, table: str, columns: Iterable[tuple[str, str]]) -> None:
        """Remember `table`'s (column, declared type) list, replacing any earlier record."""
        tx.execute("DELETE FROM _columns WHERE tbl = ?", (table,))
        tx.executemany(
            "INSERT INTO _columns(tbl, col, position, declared) VALUES (?, ?, ?, ?)",
            [(table, col, pos, decl) for pos, (col, decl) in enumerate(columns, start=1)],
        )

    def declared_types(self, conn, table: str) -> list[tuple[str, str]]:
        return [tuple(r) for r in conn.execute("SELECT col, declared FROM _columns WHERE tbl = ? ORDER BY position", (table,))]

    def forget_table(self, tx: Tx, table: str) -> None:
        tx.execute("DELETE FROM _columns WHERE tbl = ?", (table,))

    def tables(self, conn) -> list[str]:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name")]
