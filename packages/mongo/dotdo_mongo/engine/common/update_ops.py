"""The update operators themselves: each applies one `(path, argument)` to a document copy."""
from __future__ import annotations

import copy
import datetime
from typing import Any, Callable

from bson import Timestamp

from ..errors import MongoError
from . import arith, render
from .bsontypes import is_number, type_name
from .compare import compare, equal
from .filter import compile_filter
from .paths import MISSING
from .sorting import sort_docs


def lookup_path(doc: Any, parts: list[str]) -> Any:
    cur = doc
    for p in parts:
        if isinstance(cur, dict):
            cur = cur.get(p, MISSING)
        elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
            cur = cur[int(p)]
        else:
            return MISSING
    return cur


def _parent(doc: dict, parts: list[str], create: bool, orig: dict) -> tuple[Any, str] | None:
    """The container holding the last part (created on the way when `create`), or None."""
    cur: Any = doc
    for i, p in enumerate(parts[:-1]):
        if isinstance(cur, dict):
            nxt = cur.get(p, MISSING)
            if nxt is MISSING:
                if not create:
                    return None
                nxt = cur[p] = {}
        elif isinstance(cur, list):
            if not p.isdigit():
                if not create:
                    return None
                raise MongoError(28, f"Cannot create field '{p}' in element {{{parts[i - 1]}: {render.value(cur)}}}")
            idx = int(p)
            if idx >= len(cur):
                if not create:
                    return None
                cur.extend([None] * (idx + 1 - len(cur)))
            if cur[idx] is None and create:
                cur[idx] = {}
            nxt = cur[idx]
        else:
            if not create:
                return None
            raise MongoError(28, f"Cannot create field '{p}' in element {{{parts[i - 1]}: {render.value(cur)}}}")
        cur = nxt
    last = parts[-1]
    if not isinstance(cur, (dict, list)):
        if not create:
            return None
        raise MongoError(28, f"Cannot create field '{last}' in element {{{parts[-2]}: {render.value(cur)}}}")
    if isinstance(cur, list) and not last.isdigit():
        if not create:
            return None
        raise MongoError(28, f"Cannot create field '{last}' in element {{{parts[-2]}: {render.value(cur)}}}")
    return cur, last


def _get(container: Any, key: str) -> Any:
    if isinstance(container, dict):
        return container.get(key, MISSING)
    idx = int(key)
    return container[idx] if idx < len(container) else MISSING


def _put(container: Any, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
    else:
        idx = int(key)
        if idx >= len(container):
            container.extend([None] * (idx + 1 - len(container)))
        container[idx] = value


def _set(u: Any, doc: dict, parts: list[str], arg: Any, orig: dict) -> None:
    c, k = _parent(doc, parts, True, orig)
    _put(c, k, copy.deepcopy(arg))


def _unset(u: Any, doc: dict, parts: list[str], arg: Any, orig: dict) -> None:
    found = _parent(doc, parts, False, orig)
    if found is None:
        return
    c, k = found
    if isinstance(c, dict):
        c.pop(k, None)
    elif int(k) < len(c):
        c[int(k)] = None


def _numeric(op: str, doc: dict, parts: list[str], arg: Any, orig: dict) -> None:
    verb = "increment" if op == "$inc" else "multiply"
    if not is_number(arg) or isinstance(arg, bool):
        raise MongoError(14, f"Cannot {verb} with non-numeric argument: {{{'.'.join(parts)}: {render.value(arg)}}}")
    c, k = _parent(doc, parts, True, orig)
    cur = _get(c, k)
    if cur is MISSING:
        _put(c, k, arg if op == "$inc" else arith.zero_like(arg))
        return
    if not is_number(cur) or isinstance(cur, bool):
        raise MongoError(14, f"Cannot apply {op} to a value of non-numeric type. {{_id: {render.value(orig.get('_id'))}}}"
                             f" has the field '{parts[-1]}' of non-numeric type {type_name(cur)}")
    _put(c, k, arith.add(cur, arg) if op == "$inc" else arith.mul(cur, arg))


def _minmax(op: str, doc: dict, parts: list[str], arg: Any, orig: dict) -> None:
    c, k = _parent(doc, parts, True, orig)
    cur = _get(c, k)
    if cur is MISSING:
        _put(c, k, copy.deepcopy(arg))
        return
    cmp = compare(arg, cur)
    if (op == "$min" and cmp < 0) or (op == "$max" and cmp > 0):
        _put(c, k, copy.deepcopy(arg))


def _rename(u: Any, doc: dict, parts: list[str], arg: Any, orig: dict) -> None:
    found = _parent(doc, parts, False, orig)
    if found is None or isinstance(found[0], list):
        if found is not None:
            raise MongoError(2, f"The source field cannot be an array element, '{'.'.join(parts)}' in doc with "
                                f"_id: {render.value(orig.get('_id'))} has an array field called '{parts[-2]}'")
        return
    c, k = found
    if k not in c:
        return
    value = c.pop(k)
    dc, dk = _parent(doc, arg.split("."), True, orig)
    if isinstance(dc, list):
        raise MongoError(2, "The destination field cannot be an array element")
    _put(dc, dk, value)


def _current_date(u: Any, doc: dict, parts: list[str], arg: Any, orig: dict) -> None:
    now = datetime.datetime.now(datetime.timezone.utc)
    if arg is True or (isinstance(arg, dict) and arg.get("$type") == "date"):
        value: Any = now.replace(microsecond=now.microsecond // 1000 * 1000)
    elif isinstance(arg, dict) and arg.get("$type") == "timestamp":
        value = Timestamp(int(now.timestamp()), 1)
    elif arg is False:
        value = now.replace(microsecond=now.microsecond // 1000 * 1000)
    else:
        raise MongoError(2, "The '$type' string field is required to be 'date' or 'timestamp': "
                            "{$currentDate: {field : {$type: 'date'}}}")
    _set(u, doc, parts, value, orig)


def _array_at(doc: dict, parts: list[str], orig: dict, op: str, create: bool = True) -> list | None:
    found = _parent(doc, parts, create, orig)
    if found is None:
        return None
    c, k = found
    cur = _get(c, k)
    if cur is MISSING:
        if not create:
            return None
        cur = []
        _put(c, k, cur)
    if not isinstance(cur, list):
        if op in ("$pull", "$pullAll", "$pop"):
            raise MongoError(2, f"Cannot apply {op} to a non-array value")
        raise MongoError(2, f"The field '{'.'.join(parts)}' must be an array but is of type {type_name(cur)} in "
                            f"document {{_id: {render.value(orig.get('_id'))}}}")
    return cur


def _push(u: Any, doc: dict, parts: list[str], arg: Any, orig: dict) -> None:
    arr = _array_at(doc, parts, orig, "$push")
    if isinstance(arg, dict) and "$each" in arg:
        for key in arg:
            if key not in ("$each", "$slice", "$sort", "$position"):
                raise MongoError(2, f"Unrecognized clause in $push: {key}")
        items = arg["$each"]
        if not isinstance(items, list):
            raise MongoError(2, f"The argument to $each in $push must be an array but it was of type: {type_name(items)}")
        pos = arg.get("$position")
        items = copy.deepcopy(items)
        if pos is None:
            arr.extend(items)
        else:
            if not is_number(pos) or int(pos) != pos:
                raise MongoError(2, "The value for $position must be an integer value")
            p = int(pos)
            if p < 0:
                p = max(len(arr) + p, 0)
            arr[p:p] = items
        if "$sort" in arg:
            _push_sort(arr, arg["$sort"])
        if "$slice" in arg:
            s = arg["$slice"]
            if not is_number(s) or int(s) != s:
                raise MongoError(2, "The value for $slice must be an integer value")
            s = int(s)
            arr[:] = arr[:s] if s >= 0 else arr[s:] if s else []
    else:
        arr.append(copy.deepcopy(arg))


def _push_sort(arr: list, spec: Any) -> None:
    if isinstance(spec, dict):
        from .sorting import parse_sort

        arr[:] = sort_docs(arr, parse_sort(spec))
    elif spec in (1, -1):
        import functools

        arr.sort(key=functools.cmp_to_key(compare), reverse=spec == -1)
    else:
        raise MongoError(2, "The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort "
                            "embedded fields")


def _add_to_set(u: Any, doc: dict, parts: list[str], arg: Any, orig: dict) -> None:
    arr = _array_at(doc, parts, orig, "$addToSet")
    items = arg["$each"] if isinstance(arg, dict) and "$each" in arg else [arg]
    if not isinstance(items, list):
        raise MongoError(2, f"The argument to $each in $addToSet must be an array but it was of type {type_name(items)}")
    for x in items:
        if not any(equal(x, e) for e in arr):
            arr.append(copy.deepcopy(x))


def _pop(u: Any, doc: dict, parts: list[str], arg: Any, orig: dict) -> None:
    if not is_number(arg) or arg not in (1, -1):
        raise MongoError(9, f"$pop expects 1 or -1, found: {render.value(arg)}")
    arr = _array_at(doc, parts, orig, "$pop", create=False)
    if arr:
        arr.pop(0 if arg == -1 else -1)


def _pull(u: Any, doc: dict, parts: list[str], arg: Any, orig: dict) -> None:
    arr = _array_at(doc, parts, orig, "$pull", create=False)
    if not arr:
        return
    if isinstance(arg, dict) and arg and not next(iter(arg)).startswith("$"):
        pred = compile_filter(arg)
        keep = [e for e in arr if not (isinstance(e, dict) and pred(e))]
    elif isinstance(arg, dict) and arg:
        pred = compile_filter({"v": arg})
        keep = [e for e in arr if not pred({"v": e})]
    else:
        keep = [e for e in arr if not equal(e, arg)]
    arr[:] = keep


def _pull_all(u: Any, doc: dict, parts: list[str], arg: Any, orig: dict) -> None:
    if not isinstance(arg, list):
        raise MongoError(2, f"$pullAll requires an array argument but was given a {type_name(arg)}")
    arr = _array_at(doc, parts, orig, "$pullAll", create=False)
    if arr:
        arr[:] = [e for e in arr if not any(equal(e, x) for x in arg)]


APPLY: dict[str, Callable] = {
    "$set": _set,
    "$setOnInsert": _set,
    "$unset": _unset,
    "$inc": lambda u, d, p, a, o: _numeric("$inc", d, p, a, o),
    "$mul": lambda u, d, p, a, o: _numeric("$mul", d, p, a, o),
    "$min": lambda u, d, p, a, o: _minmax("$min", d, p, a, o),
    "$max": lambda u, d, p, a, o: _minmax("$max", d, p, a, o),
    "$rename": _rename,
    "$currentDate": _current_date,
    "$push": _push,
    "$addToSet": _add_to_set,
    "$pop": _pop,
    "$pull": _pull,
    "$pullAll": _pull_all,
}
