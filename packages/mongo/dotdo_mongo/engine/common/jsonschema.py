"""`$jsonSchema` (MongoDB's draft-4 subset with `bsonType`): compiled into a predicate over a
document. Keywords outside the implemented set answer NotImplemented naming the keyword."""
from __future__ import annotations

import re
from typing import Any, Callable

from ..errors import MongoError
from .bsontypes import TYPE_ALIASES, is_number, type_name
from .compare import compare, equal
from .paths import MISSING

Check = Callable[[Any], bool]
JSON_TYPES = {"object": ("object",), "array": ("array",), "string": ("string",), "boolean": ("bool",),
              "null": ("null",), "number": ("double", "int", "long", "decimal"), "integer": ("int", "long")}
NOT_IMPLEMENTED = {"dependencies", "patternProperties", "additionalItems", "uniqueItems", "allOf", "anyOf", "oneOf",
                   "not", "minProperties", "maxProperties", "multipleOf"}
IGNORED = {"title", "description", "$comment"}  # annotations: no effect on validation, as in MongoDB


def compile_schema(schema: Any) -> Check:
    if not isinstance(schema, dict):
        raise MongoError(2, "$jsonSchema must be an object")
    checks: list[Check] = []
    for key, arg in schema.items():
        if key in IGNORED:
            continue
        build = _KEYWORDS.get(key)
        if build is None:
            if key in ("$ref", "$schema", "default", "definitions", "format", "id"):
                raise MongoError(2, f"$jsonSchema keyword '{key}' is not currently supported")
            if key in NOT_IMPLEMENTED:
                raise MongoError(238, f"$jsonSchema keyword '{key}' is not supported by dotdo")
            raise MongoError(2, f"Unknown $jsonSchema keyword: {key}")
        checks.append(build(arg, schema))
    return lambda v: all(c(v) for c in checks)


def _types(names: Any, table: dict) -> set[str]:
    out: set[str] = set()
    for n in names if isinstance(names, list) else [names]:
        if table is TYPE_ALIASES and n == "number":
            out |= {"double", "int", "long", "decimal"}
        elif n in table:
            out |= set(table[n]) if isinstance(table[n], tuple) else {n}
        else:
            raise MongoError(2, f"Unknown type name alias: {n}")
    return out


def _bson_type(arg, schema) -> Check:
    names = _types(arg, TYPE_ALIASES)
    return lambda v: v is MISSING or type_name(v) in names


def _json_type(arg, schema) -> Check:
    names = _types(arg, JSON_TYPES)
    return lambda v: v is MISSING or type_name(v) in names


def _required(arg, schema) -> Check:
    if not isinstance(arg, list) or not all(isinstance(x, str) for x in arg):
        raise MongoError(2, "$jsonSchema keyword 'required' must be an array of strings")
    return lambda v: not isinstance(v, dict) or all(k in v for k in arg)


def _properties(arg, schema) -> Check:
    subs = {k: compile_schema(s) for k, s in arg.items()}
    return lambda v: not isinstance(v, dict) or all(c(v.get(k, MISSING)) for k, c in subs.items())


def _additional(arg, schema) -> Check:
    known = set((schema.get("properties") or {}).keys())
    if arg is True:
        return lambda v: True
    extra = compile_schema(arg) if isinstance(arg, dict) else None
    return lambda v: not isinstance(v, dict) or all(
        (extra(x) if extra else False) for k, x in v.items() if k not in known)


def _bound(op: str):
    def build(arg, schema) -> Check:
        if not is_number(arg):
            raise MongoError(2, f"$jsonSchema keyword '{op}' must be a number")
        exclusive = schema.get("exclusiveMinimum" if op == "minimum" else "exclusiveMaximum") is True

        def check(v):
            if v is MISSING or not is_number(v) or isinstance(v, bool):
                return True
            c = compare(v, arg)
            return (c > 0 or (c == 0 and not exclusive)) if op == "minimum" else (c < 0 or (c == 0 and not exclusive))

        return check

    return build


def _length(op: str, kind: type, measure: Callable[[Any], int]):
    def build(arg, schema) -> Check:
        n = int(arg)
        if op.startswith("min"):
            return lambda v: not isinstance(v, kind) or measure(v) >= n
        return lambda v: not isinstance(v, kind) or measure(v) <= n

    return build


def _pattern(arg, schema) -> Check:
    rx = re.compile(arg)
    return lambda v: not isinstance(v, str) or rx.search(v) is not None


def _enum(arg, schema) -> Check:
    if not isinstance(arg, list) or not arg:
        raise MongoError(2, "$jsonSchema keyword 'enum' must be a non-empty array")
    return lambda v: v is MISSING or any(equal(v, x) for x in arg)


def _items(arg, schema) -> Check:
    if isinstance(arg, list):
        subs = [compile_schema(s) for s in arg]
        return lambda v: not isinstance(v, list) or all(c(x) for c, x in zip(subs, v))
    sub = compile_schema(arg)
    return lambda v: not isinstance(v, list) or all(sub(x) for x in v)


_KEYWORDS: dict[str, Callable[[Any, dict], Check]] = {
    "bsonType": _bson_type, "type": _json_type, "required": _required, "properties": _properties,
    "additionalProperties": _additional, "minimum": _bound("minimum"), "maximum": _bound("maximum"),
    "minLength": _length("minLength", str, len), "maxLength": _length("maxLength", str, len),
    "minItems": _length("minItems", list, len), "maxItems": _length("maxItems", list, len),
    "pattern": _pattern, "enum": _enum, "items": _items,
}
# exclusiveMinimum/exclusiveMaximum modify minimum/maximum (read from the schema there)
_KEYWORDS["exclusiveMinimum"] = lambda arg, schema: (lambda v: True)
_KEYWORDS["exclusiveMaximum"] = lambda arg, schema: (lambda v: True)
