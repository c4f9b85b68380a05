"""Compiling a query filter into a predicate over documents, with MongoDB's matching rules:
array fields match when any element does, comparisons are type-bracketed, null matches missing."""
from __future__ import annotations

import re
from typing import Any, Callable

from bson import Decimal128, Int64, Regex

from ..errors import MongoError
from .bsontypes import ARRAY, NULL, NUMBER, TYPE_ALIASES, TYPE_NUMBERS, canonical, type_name
from .compare import compare, equal
from .paths import MISSING, query_values
from .regex import as_pattern

Pred = Callable[[Any], bool]
_TRUE: Pred = lambda doc: True  # noqa: E731


def compile_filter(flt: dict | None, variables: dict | None = None) -> Pred:
    if not flt:
        return _TRUE
    if not isinstance(flt, dict):
        raise MongoError(2, "filter must be an object")
    preds = [_top(key, value, variables) for key, value in flt.items()]
    if len(preds) == 1:
        return preds[0]
    return lambda doc: all(p(doc) for p in preds)


def _top(key: str, value: Any, variables: dict | None) -> Pred:
    if key.startswith("$"):
        if key in ("$and", "$or", "$nor"):
            if not isinstance(value, list) or not value:
                raise MongoError(2, f"{key} must be a nonempty array")
            subs = []
            for sub in value:
                if not isinstance(sub, dict):
                    raise MongoError(2, f"{key} argument's entries must be objects")
                subs.append(compile_filter(sub, variables) if sub else _TRUE)
            if key == "$and":
                return lambda doc: all(p(doc) for p in subs)
            if key == "$or":
                return lambda doc: any(p(doc) for p in subs)
            return lambda doc: not any(p(doc) for p in subs)
        if key == "$expr":
            from .expr import compile_expr, truthy

            ev = compile_expr(value)
            return lambda doc: truthy(ev(doc, variables or {}))
        if key == "$comment":
            return _TRUE
        if key == "$alwaysTrue":
            return _TRUE
        if key == "$alwaysFalse":
            return lambda doc: False
        if key == "$jsonSchema":
            from .jsonschema import compile_schema

            return compile_schema(value)
        if key == "$text":  # query.matching answers it at the top level, through the text index
            raise MongoError(238, "dotdo answers $text at the top level of a find, count, delete or update filter "
                                  "or of an aggregation's first $match only")
        if key == "$where":  # JavaScript: refused at parse time, as by a mongod without its engine
            raise MongoError(6108304, "no globalScriptEngine in $where parsing")
        if key == "$sampleRate":
            raise MongoError(238, f"{key} is not supported by dotdo")
        raise MongoError(2, f"unknown top level operator: {key}. If you have a field name that starts with a '$' "
                            "symbol, consider using $getField or $setField.")
    parts = key.split(".")
    return _field(parts, value)


def _is_operator_doc(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and next(iter(value)).startswith("$")


def _field(parts: list[str], value: Any) -> Pred:
    if _is_operator_doc(value):
        preds = _operators(parts, value)
        if len(preds) == 1:
            return preds[0]
        return lambda doc: all(p(doc) for p in preds)
    if isinstance(value, (Regex, re.Pattern)):
        return _values_pred(parts, _regex_test(as_pattern(value), value))
    return _values_pred(parts, _eq_test(value))


def _values_pred(parts: list[str], test: Callable[[Any], bool]) -> Pred:
    def pred(doc: Any) -> bool:
        for v in query_values(doc, parts):
            if test(v):
                return True
        return False

    return pred


# -- single-value tests (applied to each reached value, and to array elements) ----------

def _eq_test(target: Any) -> Callable[[Any], bool]:
    if target is None:
        return lambda v: v is None or v is MISSING or (type(v) is list and any(e is None for e in v))
    tc = canonical(target)

    def test(v: Any) -> bool:
        if v is MISSING:
            return False
        if type(v) is list:
            if tc == ARRAY and equal(v, target):
                return True
            return any(canonical(e) == tc and equal(e, target) for e in v)
        return canonical(v) == tc and equal(v, target)

    return test


def _cmp_test(op: str, target: Any) -> Callable[[Any], bool]:
    tc = canonical(target)
    if op == "$gt":
        ok = lambda c: c > 0  # noqa: E731
    elif op == "$gte":
        ok = lambda c: c >= 0  # noqa: E731
    elif op == "$lt":
        ok = lambda c: c < 0  # noqa: E731
    else:
        ok = lambda c: c <= 0  # noqa: E731
    inclusive = op in ("$gte", "$lte")

    def one(v: Any) -> bool:
        if v is MISSING:
            return tc == NULL and inclusive
        if tc in (1, 14):  # MinKey / MaxKey compare against everything
            return ok(compare(v, target))
        if canonical(v) != tc:
            return False
        return ok(compare(v, target))

    def test(v: Any) -> bool:
        if type(v) is list:
            if tc == ARRAY and one(v):
                return True
            return any(one(e) for e in v)
        return one(v)

    return test


def _regex_test(pattern: re.Pattern, raw: Any = None) -> Callable[[Any], bool]:
    def one(v: Any) -> bool:
        if type(v) is str:
            return pattern.search(v) is not None
        if isinstance(v, Regex) and raw is not None:
            return isinstance(raw, Regex) and v.pattern == raw.pattern and v.flags == raw.flags
        return False

    def test(v: Any) -> bool:
        if type(v) is list:
            return any(one(e) for e in v)
        return one(v)

    return test


def _in_test(values: Any, name: str = "$in") -> Callable[[Any], bool]:
    if not isinstance(values, list):
        raise MongoError(2, f"{name} needs an array")
    tests = []
    for x in values:
        if isinstance(x, dict) and x and next(iter(x)).startswith("$"):
            raise MongoError(2, f"cannot nest $ under {name}")
        tests.append(_regex_test(as_pattern(x)) if isinstance(x, (Regex, re.Pattern)) else _eq_test(x))
    return lambda v: any(t(v) for t in tests)


def _type_test(spec: Any) -> Callable[[Any], bool]:
    specs = spec if isinstance(spec, list) else [spec]
    names: set[str] = set()
    for s in specs:
        if isinstance(s, str):
            if s == "number":
                names |= {"double", "int", "long", "decimal"}
            elif s in TYPE_ALIASES:
                names.add(s)
            else:
                raise MongoError(2, f"Unknown type name alias: {s}")
        elif isinstance(s, (int, float, Int64, Decimal128)) and not isinstance(s, bool):
            n = int(float(str(s))) if isinstance(s, Decimal128) else int(s)
            if n not in TYPE_NUMBERS:
                raise MongoError(2, f"Invalid numerical type code: {s}")
            names.add(TYPE_NUMBERS[n])
        else:
            raise MongoError(14, "type must be represented as a number or a string")

    def test(v: Any) -> bool:
        if v is MISSING:
            return False
        if type_name(v) in names:
            return True
        return type(v) is list and any(type_name(e) in names for e in v)

    return test


def _mod_test(arg: Any) -> Callable[[Any], bool]:
    if not isinstance(arg, list) or len(arg) != 2:
        msg = "malformed mod, not enough elements" if isinstance(arg, list) and len(arg) < 2 else \
            "malformed mod, too many elements" if isinstance(arg, list) else "malformed mod, needs to be an array"
        raise MongoError(2, msg)
    try:
        d, r = int(float(str(arg[0]))), int(float(str(arg[1])))
    except (TypeError, ValueError):
        raise MongoError(2, "malformed mod, divisor not a number")
    if d == 0:
        raise MongoError(2, "divisor cannot be 0")

    def one(v: Any) -> bool:
        if canonical(v) != NUMBER:
            return False
        try:
            n = int(float(str(v))) if isinstance(v, Decimal128) else int(v)
        except (ValueError, OverflowError):
            return False
        q = abs(n) % abs(d)
        return (q if n >= 0 else -q) == r

    return lambda v: any(one(e) for e in v) if type(v) is list else one(v)


def _operators(parts: list[str], ops: dict) -> list[Pred]:
    preds: list[Pred] = []
    options = ops.get("$options")
    if options is not None and "$regex" not in ops:
        raise MongoError(2, "$options needs a $regex")
    for op, arg in ops.items():
        if op in ("$eq",):
            preds.append(_values_pred(parts, _eq_test(arg)))
        elif op == "$ne":
            t = _eq_test(arg)
            preds.append(lambda doc, t=t: not any(t(v) for v in query_values(doc, parts)))
        elif op in ("$gt", "$gte", "$lt", "$lte"):
            if isinstance(arg, (Regex, re.Pattern)):
                preds.append(_values_pred(parts, lambda v: False))
            else:
                preds.append(_values_pred(parts, _cmp_test(op, arg)))
        elif op == "$in":
            preds.append(_values_pred(parts, _in_test(arg)))
        elif op == "$nin":
            t = _in_test(arg, "$nin")
            preds.append(lambda doc, t=t: not any(t(v) for v in query_values(doc, parts)))
        elif op == "$exists":
            want = bool(arg)
            preds.append(lambda doc, want=want: any(v is not MISSING for v in query_values(doc, parts)) == want)
        elif op == "$type":
            preds.append(_values_pred(parts, _type_test(arg)))
        elif op == "$regex":
            opts = options if options is not None else None
            if isinstance(arg, Regex) and options:
                raise MongoError(51074, "options set in both $regex and $options")
            preds.append(_values_pred(parts, _regex_test(as_pattern(arg, opts))))
        elif op == "$options":
            continue
        elif op == "$size":
            if isinstance(arg, bool) or not isinstance(arg, (int, float, Int64)):
                raise MongoError(2, "$size needs a number")
            if isinstance(arg, float) and arg != int(arg):
                raise MongoError(2, "$size must be a whole number")
            if arg < 0:
                raise MongoError(2, "$size may not be negative")
            n = int(arg)
            preds.append(_values_pred(parts, lambda v, n=n: type(v) is list and len(v) == n))
        elif op == "$all":
            preds.append(_all(parts, arg))
        elif op == "$elemMatch":
            preds.append(_values_pred(parts, _elem_match_test(arg)))
        elif op == "$not":
            if isinstance(arg, (Regex, re.Pattern)):
                inner = _values_pred(parts, _regex_test(as_pattern(arg)))
            elif isinstance(arg, dict):
                if not arg:
                    raise MongoError(2, "$not cannot be empty")
                if not _is_operator_doc(arg):
                    raise MongoError(2, "$not needs a regex or a document")
                inner = _field(parts, arg)
            else:
                raise MongoError(2, "$not needs a regex or a document")
            preds.append(lambda doc, inner=inner: not inner(doc))
        elif op == "$mod":
            preds.append(_values_pred(parts, _mod_test(arg)))
        elif op == "$comment":
            continue
        elif op in ("$near", "$nearSphere", "$geoWithin", "$geoIntersects", "$within",
                    "$bitsAllSet", "$bitsAnySet", "$bitsAllClear", "$bitsAnyClear", "$jsonSchema"):
            raise MongoError(238, f"{op} is not supported by dotdo")
        else:
            raise MongoError(2, f"unknown operator: {op}")
    return preds


def _all(parts: list[str], arg: Any) -> Pred:
    if not isinstance(arg, list):
        raise MongoError(2, "$all needs an array")
    if not arg:
        return lambda doc: False
    subs: list[Pred] = []
    for x in arg:
        if isinstance(x, dict) and "$elemMatch" in x:
            subs.append(_values_pred(parts, _elem_match_test(x["$elemMatch"])))
        elif isinstance(x, (Regex, re.Pattern)):
            subs.append(_values_pred(parts, _regex_test(as_pattern(x))))
        else:
            subs.append(_values_pred(parts, _eq_test(x)))
    return lambda doc: all(p(doc) for p in subs)


def _elem_match_test(arg: Any) -> Callable[[Any], bool]:
    if not isinstance(arg, dict):
        raise MongoError(2, "$elemMatch needs an Object")
    first = next(iter(arg), "")
    if first.startswith("$") and first not in ("$and", "$or", "$nor", "$expr", "$where", "$comment"):
        preds = _operators([], arg)  # conditions on the element itself
        el_ok = lambda e: all(p(e) for p in preds)  # noqa: E731
    else:
        inner = compile_filter(arg)
        el_ok = lambda e: isinstance(e, dict) and inner(e)  # noqa: E731
    return lambda v: type(v) is list and any(el_ok(e) for e in v)
