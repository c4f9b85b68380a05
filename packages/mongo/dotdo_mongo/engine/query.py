"""Running a filter + sort + skip + limit against a collection through its plan."""
from __future__ import annotations

from typing import Any, Callable, Iterator

from bson import ObjectId

from .collection import Collection
from .common.collation import ACTIVE
from .common.compare import equal
from .common.filter import compile_filter
from .common.keys import encode
from .common.sorting import TEXT_SCORE, parse_sort, sort_docs
from .deadline import check
from .errors import MongoError
from .planner import scalar
from ..storage import decode


def matching(coll: Collection, conn, flt: dict | None, *, sort: Any = None, skip: int = 0, limit: int = 0,
             hint: Any = None, variables: dict | None = None, scores: dict | None = None,
             within: Callable[[dict], bool] | None = None) -> Iterator[dict]:
    """Documents matching `flt` in `sort` order, `skip` skipped, at most `limit` (0: no limit).
    A `$text` query's relevance scores (by encoded _id) are put in `scores` for {$meta: "textScore"};
    `within` narrows what is read (find's min/max index bounds)."""
    if flt is not None and not isinstance(flt, dict):
        raise MongoError(14, "filter must be an object")
    if id_seekable(coll, flt, sort, skip, hint):
        found_id = by_id(coll, conn, flt["_id"])  # type: ignore[index]
        if found_id is not None:
            yield found_id[0]
        return
    spec = parse_sort(sort)
    found: dict = {}
    if flt and "$text" in flt:
        found = text_scores(coll, conn, flt["$text"])
        if scores is not None:
            scores.update(found)
        flt = {k: v for k, v in flt.items() if k != "$text"}
        pred = _predicate(flt, variables, within)
        source = (d for d in coll.by_keys(conn, list(found)) if (check() or pred(d)))
        p = None
    else:
        if any(path == TEXT_SCORE for path, _ in spec):
            raise MongoError(17311, "cannot sort by $meta textScore without a $text query")
        pred = _predicate(flt, variables, within)
        p = coll.plan(flt, spec, hint)
        source = (d for d in coll.candidates(conn, p) if (check() or pred(d)))
    if spec and (p is None or not p.sorted):
        docs = sort_docs(list(source), spec, found)
        end = skip + limit if limit else None
        yield from docs[skip:end]
        return
    n = 0
    for d in source:
        if skip:
            skip -= 1
            continue
        yield d
        n += 1
        if limit and n >= limit:
            return


def _predicate(flt: dict | None, variables: dict | None,
               within: Callable[[dict], bool] | None) -> Callable[[dict], bool]:
    pred = compile_filter(flt, variables)
    if within is None:
        return pred
    return lambda d: within(d) and pred(d)


def id_seekable(coll: Collection, flt: Any, sort: Any, skip: int, hint: Any) -> bool:
    """Whether the query is `{_id: <scalar>}` with nothing else to apply: the most common query,
    which `by_id` answers with one seek."""
    return (type(flt) is dict and len(flt) == 1 and "_id" in flt and (sort is None or sort == {}) and not skip
            and hint is None and coll.view_on is None and ACTIVE.get() is None
            and scalar(flt["_id"]))


def by_id(coll: Collection, conn, value: Any) -> tuple[dict, bytes] | None:
    """The document `{_id: value}` matches and its stored body, or None. The equality check is the
    filter's own, so the seek can only save time, never change an answer."""
    check()
    body = coll.docs.get(conn, coll.name, encode(value))
    if body is None:
        return None
    doc = decode(body)
    found = doc["_id"]
    if type(found) is type(value) and type(value) in _SAME_TYPE_EQUALITY:
        return (doc, body) if found == value else None
    return (doc, body) if equal(found, value) else None


# Types for which, both sides of one of them, MongoDB's equality (without a collation) is Python's ==.
_SAME_TYPE_EQUALITY = (int, str, ObjectId)


def text_scores(coll: Collection, conn, spec: Any) -> dict:
    """Encoded _id -> relevance for a $text query on `coll` (which needs a text index)."""
    if coll.text is None:
        raise MongoError(27, "text index required for $text query")
    return coll.text.search(conn, coll.name, spec)


def check_int(name: str, v: Any, *, minimum: int = 0) -> int:
    if v is None:
        return 0
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise MongoError(14, f"BSON field '{name}' is the wrong type '{type(v).__name__}', expected types '[long, int, "
                             "decimal, double']")
    if v != int(v):
        raise MongoError(2, f"{name} must be a whole number")
    if int(v) < minimum:
        raise MongoError(51024, f"BSON field '{name}' value must be >= {minimum}, actual value '{int(v)}'")
    return int(v)
