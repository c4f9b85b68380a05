"""Secondary indexes: the keys a document produces for an index spec, and their maintenance."""
from __future__ import annotations

from itertools import product
from typing import Any

from .common.keys import encode, invert
from .common.paths import MISSING, get_value
from .errors import MongoError


class IndexSpec:
    """An index's definition as listIndexes reports it, plus what maintenance needs."""

    __slots__ = ("spec", "name", "fields", "unique", "sparse", "partial", "multikey", "roots")

    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.name: str = spec["name"]
        self.fields: list[tuple[str, int]] = [(k, -1 if _is_desc(v) else 1) for k, v in spec["key"].items()]
        self.unique = bool(spec.get("unique"))
        self.sparse = bool(spec.get("sparse"))
        self.partial = None
        if spec.get("partialFilterExpression") is not None:
            from .common.filter import compile_filter

            self.partial = compile_filter(spec["partialFilterExpression"])
        self.multikey = bool(spec.get("_multikey"))
        # The top-level fields the keys are made of; None when membership depends on other fields too.
        self.roots: tuple[str, ...] | None = (
            None if self.partial is not None else tuple({path.split(".")[0] for path, _ in self.fields}))

    def unchanged(self, old: dict, new: dict) -> bool:
        """Whether an update certainly left this index's keys alone: every field they are made of
        is the very same object in both (an update copies only what it changes, see Updater)."""
        roots = self.roots
        if roots is None:
            return False
        for root in roots:
            if old.get(root, MISSING) is not new.get(root, MISSING):
                return False
        return True

    def keys(self, doc: dict) -> tuple[list[bytes], bool, list[tuple]]:
        """(encoded keys, whether the doc makes this index multikey, the key values per key)."""
        if self.partial is not None and not self.partial(doc):
            return [], False, []
        per_field: list[list] = []
        multikey = False
        arrays = 0
        present = False
        for path, _ in self.fields:
            v = get_value(doc, path)
            if v is MISSING:
                per_field.append([None])
                continue
            present = True
            if isinstance(v, list):
                multikey = True
                arrays += 1
                elems = _dedupe(_flatten_one(v)) or [None]
                per_field.append(elems)
            else:
                per_field.append([v])
        if self.sparse and not present:
            return [], False, []
        if arrays > 1:
            raise MongoError(171, f"cannot index parallel arrays [{self.fields[0][0]}] [{self.fields[-1][0]}]")
        keys, values = [], []
        for combo in product(*per_field):
            parts = []
            for (path, direction), v in zip(self.fields, combo):
                enc = encode(v)
                parts.append(invert(enc) if direction < 0 else enc)
            keys.append(b"".join(parts))
            values.append(combo)
        return keys, multikey, values

    def prefix_key(self, values: list) -> bytes:
        """The encoded key prefix for values of the leading fields."""
        out = []
        for (path, direction), v in zip(self.fields, values):
            enc = encode(v)
            out.append(invert(enc) if direction < 0 else enc)
        return b"".join(out)


def _is_desc(v: Any) -> bool:
    try:
        return float(v) < 0
    except (TypeError, ValueError):
        return False


def _flatten_one(v: list) -> list:
    return list(v)


def _dedupe(values: list) -> list:
    seen, out = set(), []
    for v in values:
        k = encode(v)
        if k not in seen:
            seen.add(k)
            out.append(v)
    return out


def index_name(key: dict) -> str:
    return "_".join(f"{k}_{_name_part(v)}" for k, v in key.items())


def _name_part(v: Any) -> str:
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)
