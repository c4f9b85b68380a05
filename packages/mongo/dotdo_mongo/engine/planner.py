"""Choosing how a query reads: an `_id` seek, a secondary-index range, or a collection scan.

The plan only narrows which documents are fetched; the compiled filter still checks every
candidate, so a plan can never change an answer, only its cost."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bson import Regex

from .common.bsontypes import ARRAY, NULL, OBJECT, canonical
from .common.collation import ACTIVE
from .common.keys import encode, successor, type_ceiling, type_floor
from .indexing import IndexSpec


@dataclass
class Plan:
    kind: str  # "ids" | "index" | "scan"
    ids: list[bytes] = field(default_factory=list)
    index: IndexSpec | None = None
    ranges: list[tuple[bytes | None, bytes | None]] = field(default_factory=list)  # [lo, hi) byte ranges
    reverse: bool = False
    sorted: bool = False  # candidates arrive in the sort order requested
    exact: bool = False  # each range holds a single key (equality on a one-field index): seek it

    def describe(self) -> dict:
        if self.kind == "ids":
            return {"stage": "IDHACK"}
        if self.kind == "index":
            return {"stage": "IXSCAN", "indexName": self.index.name, "keyPattern": self.index.spec["key"],
                    "direction": "backward" if self.reverse else "forward"}
        return {"stage": "COLLSCAN", "direction": "forward"}


def scalar(v: Any) -> bool:
    """Whether `{field: v}` asks for plain equality (no array, document or regex matching)."""
    return canonical(v) not in (ARRAY, OBJECT) and not isinstance(v, (Regex, re.Pattern))


def _eq_values(cond: Any) -> list | None:
    """The values a field must equal under `cond`, when that is all the condition says."""
    if isinstance(cond, dict) and cond and next(iter(cond)).startswith("$"):
        if len(cond) == 1 and "$eq" in cond and scalar(cond["$eq"]):
            return [cond["$eq"]]
        if len(cond) == 1 and "$in" in cond and isinstance(cond["$in"], list) and all(scalar(x) for x in cond["$in"]):
            return list(cond["$in"])
        return None
    return [cond] if scalar(cond) else None


def _value_range(cond: Any) -> tuple[bytes, bytes] | None:
    """[lo, hi) over encoded values for $gt/$gte/$lt/$lte conditions within one type class."""
    if not isinstance(cond, dict) or not cond or not next(iter(cond)).startswith("$"):
        return None
    lo = hi = None
    cls = None
    for op, v in cond.items():
        if op not in ("$gt", "$gte", "$lt", "$lte") or not scalar(v) or canonical(v) in (NULL, 1, 14):
            continue
        c = canonical(v)
        if cls is not None and c != cls:
            return None
        cls = c
        enc = encode(v)
        if op == "$gt":
            cand = successor(enc)
            lo = cand if lo is None or cand > lo else lo
        elif op == "$gte":
            lo = enc if lo is None or enc > lo else lo
        elif op == "$lt":
            hi = enc if hi is None or enc < hi else hi
        else:
            cand = successor(enc)
            hi = cand if hi is None or cand < hi else hi
    if cls is None:
        return None
    return (lo if lo is not None else type_floor(cls), hi if hi is not None else type_ceiling(cls))


def plan(flt: dict | None, sort: list[tuple[str, int]], indexes: list[IndexSpec], hint: IndexSpec | None = None) -> Plan:
    flt = flt or {}
    if ACTIVE.get() is not None:  # index keys are binary-ordered: a collated query scans (or walks a hint)
        return Plan("index", index=hint, ranges=[(None, None)]) if hint is not None else Plan("scan", sorted=not sort)
    if "_id" in flt and hint is None:
        vals = _eq_values(flt["_id"])
        if vals is not None:
            return Plan("ids", ids=sorted({encode(v) for v in vals}))
    usable = [ix for ix in indexes if ix.partial is None] if hint is None else [hint]
    for ix in usable:
        lead, direction = ix.fields[0]
        if lead not in flt:
            continue
        cond = flt[lead]
        vals = _eq_values(cond)
        if vals is not None and not (ix.sparse and any(v is None for v in vals)):
            ranges = []
            for v in sorted(vals, key=encode):
                p = ix.prefix_key([v])
                ranges.append((p, successor(p)))
            p = Plan("index", index=ix, ranges=ranges, exact=len(ix.fields) == 1)
            p.sorted = len(vals) == 1 and _sort_follows(sort, ix, 1, p)
            return p
        if direction > 0:
            rng = _value_range(cond)
            if rng is not None:
                p = Plan("index", index=ix, ranges=[rng])
                p.sorted = _sort_follows(sort, ix, 0, p)
                return p
    if sort:
        for ix in usable:
            if ix.multikey or ix.sparse:
                continue
            p = Plan("index", index=ix, ranges=[(None, None)])
            if _sort_follows(sort, ix, 0, p):
                return p
    if hint is not None:
        return Plan("index", index=hint, ranges=[(None, None)])
    if sort == [("_id", 1)]:
        return Plan("scan", sorted=True)
    return Plan("scan", sorted=not sort)


def _sort_follows(sort: list[tuple[str, int]], ix: IndexSpec, skip: int, p: Plan) -> bool:
    """Whether reading the index (forward or backward) yields `sort` order after `skip` equal fields."""
    if not sort:
        return True
    if ix.multikey:
        return False
    fields = ix.fields[skip:]
    if len(sort) > len(fields):
        return False
    same = all(s == f for s, f in zip(sort, fields))
    flipped = all(s[0] == f[0] and s[1] == -f[1] for s, f in zip(sort, fields))
    if same:
        return True
    if flipped:
        p.reverse = True
        return True
    return False
