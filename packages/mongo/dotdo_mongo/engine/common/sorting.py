"""Sorting documents by a sort specification, as MongoDB orders them (arrays by their least or
greatest element, missing as null)."""
from __future__ import annotations

import functools
from typing import Any

from ..errors import MongoError
from .compare import compare
from .paths import MISSING, get_value


def parse_sort(spec: Any) -> list[tuple[str, int]]:
    if spec is None:
        return []
    if not isinstance(spec, dict):
        raise MongoError(2, "Expected field sort to be of type object")
    out = []
    for k, v in spec.items():
        if k == "$natural":
            if v not in (1, -1):
                raise MongoError(2, "$natural sort cannot be set to a value other than -1 or 1")
            out.append((k, int(v)))
            continue
        if isinstance(v, dict):
            if v == {"$meta": "textScore"}:
                out.append((TEXT_SCORE, -1))  # most relevant first, as MongoDB sorts it
                continue
            raise MongoError(17312, "$meta is the only expression supported by $sort right now")
        try:
            d = float(str(v))
        except ValueError:
            raise MongoError(15974, "Illegal key in $sort specification: " + f"{k}: {v!r}")
        if isinstance(v, bool) or d not in (1.0, -1.0):
            raise MongoError(15975, "$sort key ordering must be 1 (for ascending) or -1 (for descending)")
        out.append((k, int(d)))
    return out


# The sort key of {$meta: "textScore"}; its values come from the query's scores (query.matching).
TEXT_SCORE = "\x00textScore"


def _sort_value(doc: Any, path: str, direction: int, scores: dict | None = None) -> Any:
    if path == TEXT_SCORE:
        from .keys import encode

        return (scores or {}).get(encode(doc["_id"]), 0.0)
    v = get_value(doc, path)
    if v is MISSING:
        return None
    if isinstance(v, list):
        flat = []
        for e in v:
            flat.extend(e if isinstance(e, list) else [e])
        if not flat:
            return MISSING  # an empty array sorts before null
        best = flat[0]
        for e in flat[1:]:
            c = compare(e, best)
            if (c < 0 and direction > 0) or (c > 0 and direction < 0):
                best = e
        return best
    return v


def _cmp_vals(a: Any, b: Any) -> int:
    if a is MISSING or b is MISSING:
        return 0 if a is b else (-1 if a is MISSING else 1)
    return compare(a, b)


def sort_docs(docs: list, spec: list[tuple[str, int]], scores: dict | None = None) -> list:
    if not spec:
        return docs
    keyed = [([_sort_value(d, p, s, scores) for p, s in spec], d) for d in docs]

    def cmp(x, y) -> int:
        for (_, s), a, b in zip(spec, x[0], y[0]):
            c = _cmp_vals(a, b)
            if c:
                return c * s
        return 0

    keyed.sort(key=functools.cmp_to_key(cmp))
    return [d for _, d in keyed]
