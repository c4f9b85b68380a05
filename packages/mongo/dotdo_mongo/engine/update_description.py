"""The updateDescription of an update's change event, as mongod derives it from the update's oplog entry.

An operator update ($set, $inc, ...) is described by the paths it named, as mongod's update log
records them: a changed value is reported whole where a named path ends (the elements it added,
when the operator only appends to an array), a positional segment (`$`, `$[]`, `$[<id>]`) stands
for every element. A pipeline update is described by the delta mongod
computes between the two documents (doc_diff): changed fields down through sub-documents and arrays,
array truncations, and a sub-value reported whole where its delta would be larger than the value
itself; when the delta of the whole document is larger than the document, mongod logs the update
as a replacement and change streams report a replace event (`describe` then returns None).

Paths are lists of components (field names as str, array positions as int): a path whose field
names include a number or a dot is ambiguous once dotted, and showExpandedEvents streams get its
components in `disambiguatedPaths`."""
from __future__ import annotations

from typing import Any

import bson

# Bytes of a delta oplog entry besides the delta itself ({$v: 2, diff: ...}): mongod counts them
# against the document's size when it chooses between a delta and a replacement.
DELTA_METADATA = 15
EVERY = object()  # a positional segment of a named path: any array element
APPENDS = object()  # marks where a path of an operator that only appends to an array ends


def _ambiguous(field: str) -> bool:
    """Whether a field name reads as something else once dotted: an array position, or two fields."""
    return field.isdigit() or "." in field


class Description:
    """updatedFields, removedFields, truncatedArrays and disambiguatedPaths, gathered path by path."""

    def __init__(self) -> None:
        self.updated: dict[str, Any] = {}
        self.removed: list[str] = []
        self.truncated: list[dict] = []
        self.ambiguous: dict[str, list] = {}

    def _key(self, path: list) -> str:
        key = ".".join(str(c) for c in path)
        if any(isinstance(c, str) and _ambiguous(c) for c in path):
            self.ambiguous[key] = list(path)
        return key

    def update(self, path: list, value: Any) -> None:
        self.updated[self._key(path)] = value

    def remove(self, path: list) -> None:
        self.removed.append(self._key(path))

    def truncate(self, path: list, size: int) -> None:
        self.truncated.append({"field": self._key(path), "newSize": size})

    def as_dict(self) -> dict:
        out = {"updatedFields": self.updated, "removedFields": self.removed, "truncatedArrays": self.truncated}
        if self.ambiguous:  # kept only when there is one: streams without expanded events never show it
            out["disambiguatedPaths"] = self.ambiguous
        return out


def describe(old: dict, new: dict, named: list[tuple[str, bool]] | None) -> dict | None:
    """The updateDescription of the update that turned `old` into `new`: an operator update's
    `named` paths, or None for a pipeline update. None back means "reported as a replace"."""
    out = Description()
    if named is not None:
        if all("." not in path and not appends for path, appends in named):
            _top_level_doc(old, new, out)
        else:
            _named_doc(old, new, [], _trie(named), out)
        return out.as_dict()
    delta = _doc_delta(old, new, padding=DELTA_METADATA)
    if delta is None:
        return None
    delta.parse([], out)
    return out.as_dict()


# -- operator updates: the named paths ----------------------------------------------------------

def _trie(paths: list[tuple[str, bool]]) -> dict:
    """Named paths as a tree of segments; a node with no segment below is where a path ends."""
    root: dict = {}
    for path, appends in paths:
        node = root
        for seg in path.split("."):
            node = node.setdefault(EVERY if seg.startswith("$") else seg, {})
        if appends:
            node[APPENDS] = True
    return root


def _named_doc(old: dict, new: dict, path: list, trie: dict, out: Description) -> None:
    for k, v in new.items():
        if k not in old:
            out.update(path + [k], v)
        elif differs(v, old[k]):
            _named_value(old[k], v, path + [k], trie.get(k), out)
    for k in old:
        if k not in new:
            out.remove(path + [k])


def _top_level_doc(old: dict, new: dict, out: Description) -> None:
    """_named_doc where every named path is a top-level field (`$inc: {n: 1}`, the commonest update):
    each changed field is reported whole, without the walk's per-level paths and trie."""
    updated = out.updated
    for k, v in new.items():
        if k not in old or differs(v, old[k]):
            if _ambiguous(k):
                out.ambiguous[k] = [k]
            updated[k] = v
    for k in old:
        if k not in new:
            out.remove([k])


def _named_value(old: Any, new: Any, path: list, trie: dict | None, out: Description) -> None:
    """A changed value under a named path: whole where the path ends, else described below it."""
    if not trie or list(trie) == [APPENDS]:
        if trie and _appended(old, new, out, path):
            return
        out.update(path, new)
    elif isinstance(old, dict) and isinstance(new, dict):
        _named_doc(old, new, path, trie, out)
    elif isinstance(old, list) and isinstance(new, list) and _named_elements(old, new, trie):
        for i, (o, n) in enumerate(zip(old, new)):
            if differs(n, o):
                _named_value(o, n, path + [i], trie.get(str(i), trie.get(EVERY)), out)
    else:
        out.update(path, new)


def _appended(old: Any, new: Any, out: Description, path: list) -> bool:
    """An append to a non-empty array, described by its new elements (mongod's kArrayAppendUpdate)."""
    if not (isinstance(old, list) and isinstance(new, list) and old and len(new) > len(old)):
        return False
    if any(differs(n, o) for o, n in zip(old, new)):
        return False
    for i in range(len(old), len(new)):
        out.update(path + [i], new[i])
    return True


def _named_elements(old: list, new: list, trie: dict) -> bool:
    """Whether the update changed only elements it named in place (else the array is reported whole)."""
    return len(old) == len(new) and all(
        str(i) in trie or EVERY in trie for i, (o, n) in enumerate(zip(old, new)) if differs(n, o))


# -- pipeline updates: mongod's computed delta ---------------------------------------------------

class _DocDelta:
    def __init__(self) -> None:
        self.updates: dict[str, Any] = {}
        self.inserts: dict[str, Any] = {}
        self.deletes: dict[str, None] = {}  # ordered set
        self.subs: dict[str, Any] = {}

    def bson(self) -> dict:
        """The delta as mongod's oplog writes it (its size decides delta or whole value)."""
        out: dict = {}
        if self.deletes:
            out["d"] = {k: False for k in self.deletes}
        if self.updates:
            out["u"] = self.updates
        if self.inserts:
            out["i"] = self.inserts
        for k, sub in self.subs.items():
            out["s" + k] = sub.bson()
        return out

    def parse(self, path: list, out: Description) -> None:
        for k in self.deletes:
            out.remove(path + [k])
        for k, v in self.updates.items():
            out.update(path + [k], v)
        for k, v in self.inserts.items():
            out.update(path + [k], v)
        for k, sub in self.subs.items():
            sub.parse(path + [k], out)


class _ArrayDelta:
    def __init__(self) -> None:
        self.updates: dict[int, Any] = {}
        self.subs: dict[int, Any] = {}
        self.resize: int | None = None

    def bson(self) -> dict:
        out: dict = {"a": True}
        if self.resize is not None:
            out["l"] = self.resize
        out.update((f"u{i}", v) for i, v in self.updates.items())
        out.update((f"s{i}", sub.bson()) for i, sub in self.subs.items())
        return out

    def parse(self, path: list, out: Description) -> None:
        if self.resize is not None:
            out.truncate(path, self.resize)
        for i, v in self.updates.items():
            out.update(path + [i], v)
        for i, sub in self.subs.items():
            sub.parse(path + [i], out)


def _size(value: Any) -> int:
    return len(bson.encode({"": value})) - 7  # less the wrapper: length, type byte, empty name, end


def _doc_delta(pre: dict, post: dict, padding: int = 0) -> _DocDelta | None:
    """mongod's computeDocDiff: fields walked in order; a field out of place is deleted and inserted."""
    delta = _DocDelta()
    pre_items, post_items = list(pre.items()), list(post.items())
    i = j = 0
    while i < len(pre_items) and j < len(post_items):
        (pk, pv), (qk, qv) = pre_items[i], post_items[j]
        if pk != qk:
            delta.deletes[pk] = None  # inserted again below if it is further on in `post`
            i += 1
            continue
        if differs(qv, pv):
            _sub_delta(pv, qv, pk, delta)
        i += 1
        j += 1
    for pk, _ in pre_items[i:]:
        delta.deletes[pk] = None
    for qk, qv in post_items[j:]:
        delta.inserts[qk] = qv
        delta.deletes.pop(qk, None)
    return delta if _size(post) > _size(delta.bson()) + padding else None


def _array_delta(pre: list, post: list) -> _ArrayDelta | None:
    delta = _ArrayDelta()
    for i, (pv, qv) in enumerate(zip(pre, post)):
        if differs(qv, pv):
            _sub_delta(pv, qv, i, delta)
    for i in range(len(pre), len(post)):
        delta.updates[i] = post[i]
    if len(pre) > len(post):
        delta.resize = len(post)
    return delta if _size(post) > _size(delta.bson()) else None


def _sub_delta(pv: Any, qv: Any, key: Any, delta: _DocDelta | _ArrayDelta) -> None:
    """A changed value: a delta of its own when both sides are documents or both arrays (and the
    delta is the smaller), else the new value whole."""
    sub = None
    if isinstance(pv, dict) and isinstance(qv, dict):
        sub = _doc_delta(pv, qv)
    elif isinstance(pv, list) and isinstance(qv, list):
        sub = _array_delta(pv, qv)
    if sub is None:
        delta.updates[key] = qv
    else:
        delta.subs[key] = sub


# Types whose Python equality is exactly "same BSON bytes" (floats are not: -0.0 == 0.0, NaN != NaN).
_EXACT_EQUALITY = {str, int, bool, type(None), bson.ObjectId, bson.Int64}


def differs(new: Any, old: Any) -> bool:
    """Whether two values differ as MongoDB compares them for an update: byte for byte."""
    kind = type(new)
    if kind is type(old) and kind in _EXACT_EQUALITY:
        return new != old
    return bson.encode({"v": new}) != bson.encode({"v": old})
