"""Discovery of the installed drop-ins: each package registers its fronts and demo by entry point,
so core never imports a package it does not need."""
from __future__ import annotations

import sys
from importlib.metadata import entry_points
from typing import Callable

from .runtime import Front

FRONTS_GROUP = "dotdo.fronts"
DEMOS_GROUP = "dotdo.demos"

# The order the CLI lists things in; unknown names follow alphabetically.
ORDER = ["redis", "postgres", "mongo", "kafka", "supabase", "elasticsearch", "pinecone", "neo4j"]


def _sorted(names):
    return sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def installed(group: str = FRONTS_GROUP) -> list[str]:
    """The names registered in `group`, without importing their packages."""
    return _sorted({ep.name for ep in entry_points(group=group)})


def _load(group: str, only: list[str] | None = None) -> dict:
    found = {ep.name: ep for ep in entry_points(group=group)}
    loaded = {}
    for name in _sorted(found):
        if only and name not in only:
            continue  # importing a drop-in costs its client library's import (seconds for several)
        try:
            loaded[name] = found[name].load()
        except ImportError as e:  # a package installed without its optional parts must not break the others
            print(f"dotdo: skipping {name}: {e}", file=sys.stderr)
    return loaded


def fronts(only: list[str] | None = None) -> dict[str, Front]:
    """The installed fronts (only those named in `only`, when given)."""
    return _load(FRONTS_GROUP, only)


def demos() -> dict[str, Callable[[str], list[tuple[str, str]]]]:
    """name → demo(data_dir) returning (call, answer) pairs made through the genuine vendor client."""
    return _load(DEMOS_GROUP)
