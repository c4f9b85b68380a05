"""One collection: document writes with index maintenance, and planned reads."""
from __future__ import annotations

import re
from typing import Any, Iterator

import bson
from bson import Binary, ObjectId, Regex
from bson.raw_bson import RawBSONDocument

from dotdo_core.primitives.documents import DuplicateId

from ..storage import DbStorage, decode
from . import capped, clustered
from .change_streams import emit, images_enabled
from .common import render
from .common.keys import encode
from .errors import MongoError
from .indexing import IndexSpec
from .validation import for_options
from .planner import Plan, plan
from .text import TextIndex
from .update_description import describe

MAX_BSON = 16 * 1024 * 1024
MAX_DEPTH = 180  # MongoDB's depth limit for stored documents (200 less 20 for system use)
# Each level of nesting costs at least 7 bytes of BSON: smaller documents need no depth walk.
MIN_BYTES_TOO_DEEP = 7 * MAX_DEPTH


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


class Collection:
    def __init__(self, db: DbStorage, name: str, uuid: bytes, options: dict, indexes: list[dict]) -> None:
        self.db = db
        self.name = name
        self.uuid = uuid
        self.uuid_value = Binary(uuid, 4)  # as change events show it (collectionUUID)
        self.options = options
        self.index_specs = indexes
        self.indexes = [IndexSpec(s) for s in indexes if s["name"] != "_id_" and "_fts" not in s["key"]]
        self.text = next((TextIndex(s) for s in indexes if "_fts" in s["key"]), None)
        self.docs = db.docs
        self.view_on: str | None = options.get("viewOn")
        self.resolve_view = None  # set by the engine for views: () -> the view's documents
        self.validator = for_options(options)
        self.capped = bool(options.get("capped"))
        self.images = images_enabled(options)  # record change streams' pre- and post-images

    @property
    def full_name(self) -> str:
        return f"{self.db.name}.{self.name}"

    # -- writes ------------------------------------------------------------
    def encode_body(self, doc: dict) -> bytes:
        body = bson.encode(doc)
        if len(body) > MAX_BSON:
            raise MongoError(10334, f"BSONObj size: {len(body)} (0x{len(body):X}) is invalid. Size must be between 0 "
                                    f"and 16793600(16MB) First element: _id: {render.value(doc.get('_id'))}")
        if len(body) > MIN_BYTES_TOO_DEEP and _depth(doc) > MAX_DEPTH:
            raise MongoError(15, f"cannot insert document because it exceeds {MAX_DEPTH} levels of nesting")
        return body

    @property
    def fails_before_writing(self) -> bool:
        """Whether a single-document insert or update of this collection that fails with a MongoError
        always fails before its first write: true unless a unique index (found only as its key is
        added), a text index or a capped collection's bookkeeping can refuse it after the document
        row was written. Such a statement needs no savepoint of its own."""
        return self.text is None and not self.capped and not any(ix.unique for ix in self.indexes)

    def insert(self, tx, doc: dict) -> dict:
        doc = with_id(doc)
        _check_id(doc["_id"])
        if self.validator is not None:
            self.validator.check(doc)
        body = self.encode_body(doc)
        id_key = encode(doc["_id"])
        keys = [ix.keys(doc) for ix in self.indexes]  # before any write: a key that cannot be made fails here
        try:
            self.docs.insert(tx, self.name, id_key, body)
        except DuplicateId:
            raise self.dup_error("_id_", {"_id": 1}, {"_id": doc["_id"]})
        for ix, computed in zip(self.indexes, keys):
            self._add_keys(tx, ix, doc, id_key, computed)
        if self.text is not None:
            self.text.add(tx, self.name, id_key, doc)
        if self.capped:
            capped.appended(self, tx, id_key)
        # the body is already encoded: copied, not re-encoded
        emit(tx, self.name, "insert", doc["_id"], RawBSONDocument(body), uuid=self.uuid_value)
        return doc

    def remove(self, tx, doc: dict) -> None:
        id_key = encode(doc["_id"])
        self.docs.delete(tx, self.name, id_key)
        for ix in self.indexes:
            for key in ix.keys(doc)[0]:
                self.docs.index_remove(tx, self.name, ix.name, key, id_key)
        if self.text is not None:
            self.text.remove(tx, self.name, id_key)
        if self.capped:
            capped.removed(self, tx, id_key)
        emit(tx, self.name, "delete", doc["_id"], before=doc if self.images else None, uuid=self.uuid_value)

    def replace(self, tx, old: dict, new: dict, op: str = "update", body: bytes | None = None,
                named: list[tuple[str, bool]] | None = None) -> None:
        """Store `new` (encoded: `body`, if the caller has it) in place of `old`; `op` ("update" or
        "replace") is what change streams report, an update described by the paths its operators
        `named` (None: a pipeline update, described by its computed delta)."""
        if self.validator is not None:
            self.validator.check(new, old)
        id_key = encode(old["_id"])
        if body is None:
            body = self.encode_body(new)
        # Every new key is made before any write: a key that cannot be made fails here.
        changed = [(ix, ix.keys(new)) for ix in self.indexes if not ix.unchanged(old, new)]
        for ix, computed in changed:
            old_keys = set(ix.keys(old)[0])
            for key in old_keys - set(computed[0]):
                self.docs.index_remove(tx, self.name, ix.name, key, id_key)
            fresh = [(k, v) for k, v in zip(computed[0], computed[2]) if k not in old_keys]
            self._add_keys(tx, ix, new, id_key, ([k for k, _ in fresh], computed[1], [v for _, v in fresh]))
        self.docs.replace(tx, self.name, id_key, body)
        if self.text is not None:
            self.text.remove(tx, self.name, id_key)
            self.text.add(tx, self.name, id_key, new)
        before = old if self.images else None
        desc = describe(old, new, named) if op == "update" else None
        if desc is not None:
            emit(tx, self.name, "update", old["_id"], new if self.images else None, desc, before, self.uuid_value)
        else:  # a replacement, or a pipeline update whose delta is larger than the document (as mongod logs it)
            emit(tx, self.name, "replace", old["_id"], new, before=before, uuid=self.uuid_value)

    def _add_keys(self, tx, ix: IndexSpec, doc: dict, id_key: bytes, computed) -> None:
        keys, multikey, values = computed
        if multikey and not ix.multikey:
            self._mark_multikey(tx, ix)
        for key, combo in zip(keys, values):
            if ix.unique:
                others = [i for i in self.docs.index_ids_for_key(tx.conn, self.name, ix.name, key) if i != id_key]
                if others:
                    pattern = ix.spec["key"]
                    raise self.dup_error(ix.name, pattern, {f: v for (f, _), v in zip(ix.fields, combo)})
            self.docs.index_add(tx, self.name, ix.name, key, id_key)

    def _mark_multikey(self, tx, ix: IndexSpec) -> None:
        ix.multikey = True
        ix.spec["_multikey"] = True
        self.db.put_collection(tx, self.name, self.uuid, self.options, self.index_specs)

    def dup_error(self, index: str, pattern: dict, value: dict) -> MongoError:
        shown = "{ " + ", ".join(f"{k}: {render.value(v)}" for k, v in value.items()) + " }"
        return MongoError(
            11000,
            f"E11000 duplicate key error collection: {self.full_name} index: {index} dup key: {shown}",
            keyPattern=dict(pattern),
            keyValue=dict(value),
        )

    def store_changed(self, tx, old: dict, new: dict, op: str, old_body: bytes | None = None,
                      named: list[tuple[str, bool]] | None = None) -> bool:
        """Store `new` over `old` (whose stored bytes are `old_body`, if the caller has them) unless
        the update changed nothing (byte for byte, as MongoDB compares); returns whether it stored."""
        body = self.encode_body(new)
        # Stored bodies are all bson.encode() output, which decoding and re-encoding reproduces
        # byte for byte (a Symbol, say, was already stored as the string pymongo decodes it to).
        if body == (bson.encode(old) if old_body is None else old_body):
            return False
        self.replace(tx, old, new, op, body, named)
        return True

    # -- reads -------------------------------------------------------------
    def get(self, conn, _id: Any) -> dict | None:
        body = self.docs.get(conn, self.name, encode(_id))
        return None if body is None else decode(body)

    def by_keys(self, conn, id_keys: list[bytes]) -> Iterator[dict]:
        """The documents with these encoded _ids, in that order (missing ones skipped)."""
        for id_key in id_keys:
            body = self.docs.get(conn, self.name, id_key)
            if body is not None:
                yield decode(body)

    def count(self, conn) -> int:
        if self.view_on is not None:
            return sum(1 for _ in self.resolve_view())
        return self.docs.count(conn, self.name)

    def index_by_hint(self, hint: Any) -> IndexSpec | None:
        if hint is None:
            return None
        if isinstance(hint, str) and clustered.is_clustered(self.options):  # the _id index goes by the clustered name
            if hint == clustered.clustered_name(self.options):
                return None
            if hint == "_id_":
                raise MongoError(2, "hint provided does not correspond to an existing index")
        for s in self.index_specs:
            if (isinstance(hint, str) and s["name"] == hint) or (isinstance(hint, dict) and dict(s["key"]) == dict(hint)):
                if s["name"] == "_id_":
                    return None
                return IndexSpec(s)
        raise MongoError(2, "hint provided does not correspond to an existing index")

    def plan(self, flt: dict | None, sort: list[tuple[str, int]], hint: Any = None) -> Plan:
        if self.view_on is not None:
            return Plan("scan", sorted=not sort)
        natural = [d for f, d in sort if f == "$natural"]
        if natural or isinstance(hint, dict) and "$natural" in hint:
            direction = natural[0] if natural else hint["$natural"]
            return Plan("natural", reverse=direction < 0, sorted=True)
        if self.capped and not sort and not (flt and "_id" in flt):
            return Plan("natural", sorted=True)  # a capped collection reads in insertion order
        return plan(flt, sort, self.indexes, self.index_by_hint(hint))

    def candidates(self, conn, p: Plan) -> Iterator[dict]:
        if self.view_on is not None:
            yield from self.resolve_view()
            return
        if p.kind == "ids":
            yield from self.by_keys(conn, p.ids)
            return
        if p.kind == "natural" and self.capped:
            for id_key in capped.natural_ids(self, conn, p.reverse):
                body = self.docs.get(conn, self.name, id_key)
                if body is not None:
                    yield decode(body)
            return
        if p.kind == "natural":  # $natural on an ordinary collection: storage order, which is _id order
            rows = self.docs.scan(conn, self.name)
            for _, body in (reversed(list(rows)) if p.reverse else rows):
                yield decode(body)
            return
        if p.kind == "scan":
            after = None
            chunk = FIRST_CHUNK
            while True:
                rows = list(self.docs.scan(conn, self.name, after=after, limit=chunk))
                for _, body in rows:
                    yield decode(body)
                if len(rows) < chunk:
                    return
                after = rows[-1][0]
                chunk = min(chunk * 2, MAX_CHUNK)
        seen: set[bytes] = set()
        ranges = list(reversed(p.ranges)) if p.reverse else p.ranges
        for lo, hi in ranges:
            ids = (self._index_eq_ids(conn, p.index.name, lo, p.reverse) if p.exact else
                   self._index_ids(conn, p.index.name, lo, hi, p.reverse))
            for id_key in ids:
                if id_key in seen:
                    continue
                seen.add(id_key)
                body = self.docs.get(conn, self.name, id_key)
                if body is not None:
                    yield decode(body)

    def _index_eq_ids(self, conn, idx: str, key: bytes, reverse: bool) -> Iterator[bytes]:
        """Ids under exactly `key`, read in chunks as _index_ids does."""
        after = None
        chunk = FIRST_CHUNK
        while True:
            ids = self.docs.index_ids_eq(conn, self.name, idx, key, after, reverse=reverse, limit=chunk)
            yield from ids
            if len(ids) < chunk:
                return
            after = ids[-1]
            chunk = min(chunk * 2, MAX_CHUNK)

    def _index_ids(self, conn, idx: str, lo: bytes | None, hi: bytes | None, reverse: bool) -> Iterator[bytes]:
        """Ids from an index range in (key, id) order, read in chunks: no statement stays open while
        the caller works (or while a cursor waits for its next getMore), so this connection never
        pins an old snapshot that other commands would then read."""
        lo_inc, hi_inc = True, False
        last: tuple[bytes, bytes] | None = None
        chunk = FIRST_CHUNK
        while True:
            rows = list(self.docs.index_range(conn, self.name, idx, lo, hi, lo_inclusive=lo_inc,
                                              hi_inclusive=hi_inc, reverse=reverse, limit=chunk))
            fresh = [r for r in rows if last is None or not _at_or_before(r, last, reverse)]
            for _, id_key in fresh:
                yield id_key
            if len(rows) < chunk:
                return
            if not fresh:  # a whole chunk of one key already seen: read a bigger one past it
                chunk *= 2
                continue
            last = fresh[-1]
            if reverse:
                hi, hi_inc = last[0], True
            else:
                lo, lo_inc = last[0], True
            chunk = min(chunk * 2, MAX_CHUNK)


FIRST_CHUNK = 64
MAX_CHUNK = 1024


def _at_or_before(row: tuple[bytes, bytes], last: tuple[bytes, bytes], reverse: bool) -> bool:
    """Whether index entry `row` was already produced, reading up to `last`."""
    return row <= last if not reverse else row >= last


def with_id(doc: dict) -> dict:
    if "_id" in doc:
        return doc
    return {"_id": ObjectId(), **doc}


_PLAIN_IDS = (int, str, ObjectId)  # the usual _id types: nothing to check


def _check_id(v: Any) -> None:
    if type(v) in _PLAIN_IDS:
        return
    if isinstance(v, list):
        raise MongoError(2, "can't use an array for _id")
    if isinstance(v, dict):
        for k in v:
            if k.startswith("$"):
                raise MongoError(2, f"_id fields may not contain '$'-prefixed fields: {k} is not valid for storage.")
    if isinstance(v, (Regex, re.Pattern)):
        raise MongoError(2, "can't use a regex for _id")
