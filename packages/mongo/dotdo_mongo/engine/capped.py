"""Capped collections: documents keep their insertion order (a hidden `$natural` index whose keys
are an insertion counter) and the oldest are removed once the collection passes its `size` in
bytes or its `max` documents, in the same transaction as the insert."""
from __future__ import annotations

import struct
from typing import Any, Iterator

from .errors import MongoError

NATURAL = "$natural"
_SEQ = struct.Struct(">Q")


def check_options(body: dict) -> dict:
    size = body.get("size")
    if isinstance(size, bool) or not isinstance(size, (int, float)) or size <= 0:
        raise MongoError(72, "the 'size' field is required when 'capped' is true")
    if size > 2**50:
        raise MongoError(72, "Capped collection size must be less than 1 PiB")
    out: dict[str, Any] = {"capped": True, "size": int(-(-int(size) // 256) * 256)}  # MongoDB rounds up to 256
    if body.get("max") not in (None, 0):
        mx = body["max"]
        if isinstance(mx, bool) or not isinstance(mx, (int, float)) or mx < 0:
            raise MongoError(2, "max must be a non-negative number")
        out["max"] = int(mx)
    return out


def appended(coll, tx, id_key: bytes) -> None:
    """Record a new document's place and trim the collection to its limits."""
    last = list(coll.docs.index_range(tx.conn, coll.name, NATURAL, reverse=True, limit=1))
    seq = _SEQ.unpack(last[0][0])[0] + 1 if last else 1
    coll.docs.index_add(tx, coll.name, NATURAL, _SEQ.pack(seq), id_key)
    limit_docs = coll.options.get("max")
    limit_bytes = coll.options["size"]
    count, size = tx.conn.execute("SELECT count(*), coalesce(sum(length(body)), 0) FROM _docs WHERE coll = ?",
                                  (coll.name,)).fetchone()
    while (limit_docs and count > limit_docs) or size > limit_bytes:
        oldest = list(coll.docs.index_range(tx.conn, coll.name, NATURAL, limit=1))
        if not oldest or oldest[0][1] == id_key:
            break  # never evict the document being inserted
        body = coll.docs.get(tx.conn, coll.name, oldest[0][1])
        from ..storage import decode

        doc = decode(body)
        coll.remove(tx, doc)
        count -= 1
        size -= len(body)


def removed(coll, tx, id_key: bytes) -> None:
    tx.execute("DELETE FROM _doc_index WHERE coll = ? AND idx = ? AND id = ?", (coll.name, NATURAL, id_key))


def natural_ids(coll, conn, reverse: bool) -> Iterator[bytes]:
    for _, id_key in list(coll.docs.index_range(conn, coll.name, NATURAL, reverse=reverse)):
        yield id_key
