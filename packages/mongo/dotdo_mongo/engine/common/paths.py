"""Dotted paths: resolving them through arrays (queries) and walking them for updates."""
from __future__ import annotations

from typing import Any


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


def split(path: str) -> list[str]:
    return path.split(".")


def query_values(doc: Any, parts: list[str], i: int = 0) -> list:
    """Every value the path reaches, descending into arrays of documents as MongoDB's matcher
    does; MISSING marks a branch where the field is absent (so `{f: null}` can match it)."""
    if i == len(parts):
        return [doc]
    if isinstance(doc, dict):
        if parts[i] in doc:
            return query_values(doc[parts[i]], parts, i + 1)
        return [MISSING]
    if isinstance(doc, list):
        out: list = []
        key = parts[i]
        if key.isdigit():
            idx = int(key)
            if idx < len(doc):
                out.extend(query_values(doc[idx], parts, i + 1))
        for el in doc:
            if isinstance(el, dict):
                out.extend(query_values(el, parts, i))
        if not out:
            out.append(MISSING)
        return out
    return [MISSING]


def get_value(doc: Any, path: str) -> Any:
    """The value at a path as aggregation sees it: through an array it yields the array of the
    sub-values (missing ones dropped); MISSING when absent."""
    cur = doc
    parts = path.split(".")
    for n, part in enumerate(parts):
        if isinstance(cur, dict):
            if part not in cur:
                return MISSING
            cur = cur[part]
        elif isinstance(cur, list):
            rest = ".".join(parts[n:])
            out = []
            for el in cur:
                if isinstance(el, (dict, list)):
                    v = get_value(el, rest)
                    if v is not MISSING:
                        out.append(v)
            return out
        else:
            return MISSING
    return cur


def lookup_plain(doc: Any, parts: list[str]) -> Any:
    """A path's value by exact positions (numeric parts index arrays); MISSING when absent."""
    cur = doc
    for part in parts:
        if isinstance(cur, dict):
            if part not in cur:
                return MISSING
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit():
            idx = int(part)
            if idx >= len(cur):
                return MISSING
            cur = cur[idx]
        else:
            return MISSING
    return cur
