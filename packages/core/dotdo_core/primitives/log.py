"""Append-only logs with dense offsets: the base of the Kafka engine (one log per partition)."""
from __future__ import annotations

from typing import Iterable

from ..shard import Shard, Tx

SCHEMA = """
CREATE TABLE IF NOT EXISTS _log (
    log TEXT NOT NULL, offset INTEGER NOT NULL, key BLOB, value BLOB, headers BLOB, ts_ms INTEGER NOT NULL,
    PRIMARY KEY (log, offset)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _log_start (log TEXT PRIMARY KEY, start INTEGER NOT NULL) WITHOUT ROWID;
"""

Record = tuple[bytes | None, bytes | None, bytes | None, int]  # key, value, headers, timestamp ms


class Log:
    def __init__(self, shard: Shard) -> None:
        shard.ensure_schema("log", SCHEMA)

    def end_offset(self, conn, log: str) -> int:
        """The offset the next record will get (Kafka's log-end offset / high watermark)."""
        row = conn.execute("SELECT max(offset) FROM _log WHERE log = ?", (log,)).fetchone()
        if row[0] is not None:
            return row[0] + 1
        return self.start_offset(conn, log)

    def start_offset(self, conn, log: str) -> int:
        row = conn.execute("SELECT start FROM _log_start WHERE log = ?", (log,)).fetchone()
        return 0 if row is None else row[0]

    def append(self, tx: Tx, log: str, records: Iterable[Record]) -> int:
        """Append records atomically; returns the offset of the first."""
        base = self.end_offset(tx.conn, log)
        tx.executemany(
            "INSERT INTO _log(log, offset, key, value, headers, ts_ms) VALUES (?, ?, ?, ?, ?, ?)",
            [(log, base + i, k, v, h, ts) for i, (k, v, h, ts) in enumerate(records)],
        )
        return base

    def read(self, conn, log: str, offset: int, max_records: int = 500) -> list[tuple[int, bytes | None, bytes | None, bytes | None, int]]:
        """(offset, key, value, headers, ts_ms) from `offset` on."""
        return [
            tuple(r)
            for r in conn.execute(
                "SELECT offset, key, value, headers, ts_ms FROM _log WHERE log = +? AND offset >= +? ORDER BY offset LIMIT ?+0",
                (log, offset, max_records),
            )
        ]

    def truncate_before(self, tx: Tx, log: str, offset: int) -> None:
        """Drop records below `offset` (retention); offsets of the rest never change."""
        tx.execute("DELETE FROM _log WHERE log = ? AND offset < ?", (log, offset))
        tx.execute("INSERT OR REPLACE INTO _log_start(log, start) VALUES (?, max(?, ?))", (log, offset, self.start_offset(tx.conn, log)))
