"""Documents grouped in collections, with ordered secondary-index entries: the base of the Mongo engine.

Bodies are opaque bytes (the engine's encoding, e.g. BSON). Index keys are byte strings
the engine encodes so that bytewise order is the order its queries need; a range scan
over them is then an SQLite index seek, never a collection scan."""
from __future__ import annotations

from typing import Iterator

from ..shard import Shard, Tx

SCHEMA = """
CREATE TABLE IF NOT EXISTS _docs (
    coll TEXT NOT NULL, id BLOB NOT NULL, body BLOB NOT NULL,
    PRIMARY KEY (coll, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _doc_index (
    coll TEXT NOT NULL, idx TEXT NOT NULL, key BLOB NOT NULL, id BLOB NOT NULL,
    PRIMARY KEY (coll, idx, key, id)
) WITHOUT ROWID;
"""


class DuplicateId(Exception):
    pass


class Documents:
    def __init__(self, shard: Shard) -> None:
        shard.ensure_schema("documents", SCHEMA)

    def insert(self, tx: Tx, coll: str, id: bytes, body: bytes) -> None:
        tx.execute("INSERT OR IGNORE INTO _docs(coll, id, body) VALUES (?, ?, ?)", (coll, id, body))
        if tx.conn.changes() == 0:
            raise DuplicateId(id)

    def get(self, conn, coll: str, id: bytes) -> bytes | None:
        row = conn.execute("SELECT body FROM _docs WHERE coll = ? AND id = ?", (coll, id)).fetchone()
        return None if row is None else row[0]

    def replace(self, tx: Tx, coll: str, id: bytes, body: bytes) -> bool:
        tx.execute("UPDATE _docs SET body = ? WHERE coll = ? AND id = ?", (body, coll, id))
        return tx.conn.changes() > 0

    def delete(self, tx: Tx, coll: str, id: bytes) -> bool:
        tx.execute("DELETE FROM _docs WHERE coll = ? AND id = ?", (coll, id))
        return tx.conn.changes() > 0

    def scan(self, conn, coll: str, after: bytes | None = None, limit: int = -1) -> Iterator[tuple[bytes, bytes]]:
        """(id, body) in id order, after `after` if given."""
        if after is None:
            yield from conn.execute("SELECT id, body FROM _docs WHERE coll = +? ORDER BY id LIMIT ?+0", (coll, limit))
        else:
            yield from conn.execute(
                "SELECT id, body FROM _docs WHERE coll = +? AND id > +? ORDER BY id LIMIT ?+0", (coll, after, limit)
            )

    def count(self, conn, coll: str) -> int:
        return conn.execute("SELECT count(*) FROM _docs WHERE coll = ?", (coll,)).fetchone()[0]

    def collections(self, conn) -> list[str]:
        return [r[0] for r in conn.execute("SELECT DISTINCT coll FROM _docs")]

    def drop_collection(self, tx: Tx, coll: str) -> None:
        tx.execute("DELETE FROM _docs WHERE coll = ?", (coll,))
        tx.execute("DELETE FROM _doc_index WHERE coll = ?", (coll,))

    # -- secondary index entries ------------------------------------------
    def index_add(self, tx: Tx, coll: str, idx: str, key: bytes, id: bytes) -> None:
        tx.execute("INSERT OR IGNORE INTO _doc_index(coll, idx, key, id) VALUES (?, ?, ?, ?)", (coll, idx, key, id))

    def index_remove(self, tx: Tx, coll: str, idx: str, key: bytes, id: bytes) -> None:
        tx.execute("DELETE FROM _doc_index WHERE coll = ? AND idx = ? AND key = ? AND id = ?", (coll, idx, key, id))

    def index_ids_for_key(self, conn, coll: str, idx: str, key: bytes) -> list[bytes]:
        return [r[0] for r in conn.execute("SELECT id FROM _doc_index WHERE coll = ? AND idx = ? AND key = ?", (coll, idx, key))]

    def index_range(
        self,
        conn,
        coll: str,
        idx: str,
        lo: bytes | None = None,
        hi: bytes | None = None,
        *,
        lo_inclusive: bool = True,
        hi_inclusive: bool = True,
        reverse: bool = False,
        limit: int = -1,
    ) -> Iterator[tuple[bytes, bytes]]:
        """(key, id) pairs whose key lies between lo and hi, in key order (or reversed)."""
        # `+?` and `?+0`: no re-prepare per execution (see dotdo_core/sqlite.py).
        where = ["coll = +?", "idx = +?"]
        args: list = [coll, idx]
        if lo is not None:
            where.append("key >= +?" if lo_inclusive else "key > +?")
            args.append(lo)
        if hi is not None:
            where.append("key <= +?" if hi_inclusive else "key < +?")
            args.append(hi)
        order = "DESC" if reverse else "ASC"
        args.append(limit)
        yield from conn.execute(
            f"SELECT key, id FROM _doc_index WHERE {' AND '.join(where)} ORDER BY key {order}, id {order} LIMIT ?+0", args
        )

    def index_ids_eq(self, conn, coll: str, idx: str, key: bytes, after: bytes | None = None, *,
                     reverse: bool = False, limit: int = -1) -> list[bytes]:
        """Ids under exactly `key`, in id order (or reversed), after `after` if given: an equality
        seek, which SQLite ends at once, where a key range reads one entry past it."""
        order = "DESC" if reverse else "ASC"
        if after is None:
            rows = conn.execute(f"SELECT id FROM _doc_index WHERE coll = +? AND idx = +? AND key = +? ORDER BY id {order} "
                                "LIMIT ?+0", (coll, idx, key, limit))
        else:
            rows = conn.execute(f"SELECT id FROM _doc_index WHERE coll = +? AND idx = +? AND key = +? "
                                f"AND id {'<' if reverse else '>'} +? ORDER BY id {order} LIMIT ?+0",
                                (coll, idx, key, after, limit))
        return [r[0] for r in rows]

    def drop_index(self, tx: Tx, coll: str, idx: str) -> None:
        tx.execute("DELETE FROM _doc_index WHERE coll = ? AND idx = ?", (coll, idx))
