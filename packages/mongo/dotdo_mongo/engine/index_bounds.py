"""find's `min` and `max`: the query reads only the hinted index's keys from `min` (inclusive) to
`max` (exclusive), in the index's order. The plan is unchanged; documents with no key in those
bounds are left out before the filter, sort, skip and limit apply, so the answer is mongod's."""
from __future__ import annotations

from typing import Any, Callable

from bson import MaxKey, MinKey

from .collection import Collection
from .errors import MongoError
from .indexing import IndexSpec


def bounds_filter(coll: Collection, hint: Any, lo: Any, hi: Any) -> Callable[[dict], bool] | None:
    """A test of whether a document has a key of the hinted index in [lo, hi), or None when neither
    bound is given; mongod's planner errors when the bounds cannot apply to the hinted index."""
    lo, hi = lo or {}, hi or {}
    if not lo and not hi:
        return None
    if hint is None:
        raise MongoError(51173, "When using min()/max() a hint of which index to use must be provided")
    ix = _hinted(coll, hint)
    pattern = [path for path, _ in ix.fields]
    for bound in (lo, hi):
        if bound and list(bound) != pattern:
            raise MongoError(51174, "The index chosen is not compatible with min/max")
    low = ix.prefix_key(list(lo.values()) if lo else [_end(d, first=True) for _, d in ix.fields])
    high = ix.prefix_key(list(hi.values()) if hi else [_end(d, first=False) for _, d in ix.fields])
    if low >= high:
        raise MongoError(51175, "The value provided for min() does not come before the value provided for max() "
                                "in the hinted index")
    return lambda doc: any(low <= key < high for key in ix.keys(doc)[0])


def _hinted(coll: Collection, hint: Any) -> IndexSpec:
    """The hinted index, the _id index included (which the planner itself seeks without)."""
    found = coll.index_by_hint(hint)  # errors as mongod does for a hint naming no index
    return found if found is not None else IndexSpec({"v": 2, "key": {"_id": 1}, "name": "_id_"})


def _end(direction: int, first: bool) -> Any:
    """The key value at one end of an index field ("finishing" an empty bound as mongod does)."""
    return MinKey() if first == (direction > 0) else MaxKey()
