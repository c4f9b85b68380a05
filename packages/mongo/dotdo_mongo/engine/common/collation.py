"""Collation basics: `{locale, strength}` comparisons of strings (strength 1 ignores case and
accents, 2 ignores case, 3 — the default — orders by base letter, then accents, then case with
lowercase first, as ICU does for Latin scripts). A command's collation is active for the whole
command through a context variable that `compare()` consults for strings."""
from __future__ import annotations

import contextlib
import contextvars
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterator

from ..errors import MongoError

ACTIVE: contextvars.ContextVar["Collation | None"] = contextvars.ContextVar("collation", default=None)
DEFAULTS = {"caseLevel": False, "caseFirst": "off", "numericOrdering": False, "alternate": "non-ignorable",
            "maxVariable": "punct", "backwards": False, "normalization": False}


@dataclass(frozen=True)
class Collation:
    locale: str
    strength: int

    def key(self, s: str) -> tuple:
        decomposed = unicodedata.normalize("NFD", s)
        base = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        if self.strength == 1:
            return (base,)
        accents = tuple(c for c in decomposed if unicodedata.combining(c))
        if self.strength == 2:
            return (base, accents)
        case = tuple(0 if c.islower() or not c.isalpha() else 1 for c in decomposed if not unicodedata.combining(c))
        return (base, accents, case, s)


def parse(spec: Any) -> Collation | None:
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise MongoError(14, "collation must be an object")
    locale = spec.get("locale")
    if not isinstance(locale, str):
        raise MongoError(40414, "BSON field 'collation.locale' is missing but a required field")
    strength = spec.get("strength", 3)
    if strength not in (1, 2, 3, 4, 5):
        raise MongoError(2, f"collation strength must be 1 through 5, found {strength}")
    for k, v in spec.items():
        if k in ("locale", "strength", "version"):
            continue
        if k not in DEFAULTS:
            raise MongoError(40415, f"BSON field 'collation.{k}' is an unknown field.")
        if v != DEFAULTS[k]:
            raise MongoError(238, f"collation option {k}: {v!r} is not supported by dotdo")
    if locale == "simple":
        return None
    return Collation(locale, min(int(strength), 3))


@contextlib.contextmanager
def use(spec: Any) -> Iterator[Collation | None]:
    c = parse(spec)
    token = ACTIVE.set(c)
    try:
        yield c
    finally:
        ACTIVE.reset(token)


def group_value(v: Any) -> Any:
    """A value as a grouping key under the active collation (strings by their collation key)."""
    c = ACTIVE.get()
    if c is None:
        return v
    if isinstance(v, str):
        return repr(c.key(v))
    if isinstance(v, dict):
        return {k: group_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [group_value(x) for x in v]
    return v
