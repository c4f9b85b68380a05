"""find's `returnKey`: each result is the key of the index the query read it through — `{field: value}`
per field of the key pattern — and an empty document when the query scanned the collection (mongod's
ReturnKeyStage). The projection is not applied, and `showRecordId` adds nothing: the stage drops the
record id. Which index is read is the plan's choice: dotdo's `_id` seeks, and its scans in `_id` order
that mongod would run on the `_id` index (a hint, sort or condition on `_id`), report the `_id` key."""
from __future__ import annotations

from typing import Any, Callable

from .collection import Collection
from .indexing import IndexSpec
from .planner import Plan

ID_INDEX = IndexSpec({"v": 2, "key": {"_id": 1}, "name": "_id_"})


def key_of(coll: Collection, p: Plan, flt: dict | None, sort: list[tuple[str, int]], hint: Any
           ) -> Callable[[dict], dict]:
    """The function giving a result document's returnKey output under plan `p`."""
    ix = _index_read(p, flt, sort, hint)
    if ix is None:
        return lambda doc: {}

    def key(doc: dict) -> dict:
        encoded, _, values = ix.keys(doc)
        in_order = sorted(zip(encoded, values), key=lambda kv: kv[0], reverse=p.reverse)
        chosen = next((v for k, v in in_order if _within(k, p)), values[0] if values else ())
        return {path: v for (path, _), v in zip(ix.fields, chosen)}

    return key


def _index_read(p: Plan, flt: dict | None, sort: list[tuple[str, int]], hint: Any) -> IndexSpec | None:
    if p.kind == "index":
        return p.index
    if p.kind == "ids":
        return ID_INDEX
    on_id = hint in ("_id_", {"_id": 1}) or (sort and sort[0][0] == "_id") or (flt is not None and "_id" in flt)
    return ID_INDEX if p.kind == "scan" and on_id else None


def _within(key: bytes, p: Plan) -> bool:
    """Whether an index key lies in the ranges the plan reads (the key a multikey document was found by)."""
    if p.kind != "index":
        return True
    return any((lo is None or lo <= key) and (hi is None or key < hi) for lo, hi in p.ranges)
