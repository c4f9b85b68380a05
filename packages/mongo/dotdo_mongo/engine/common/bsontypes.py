"""BSON type facts: canonical sort classes, `$type` names and numbers."""
from __future__ import annotations

import datetime
import re
import uuid

from bson import Binary, Code, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp

# MongoDB's cross-type order: MinKey < null < numbers < strings < objects < arrays < binary
# < ObjectId < booleans < dates < timestamps < regexes < MaxKey.
MINKEY, NULL, NUMBER, STRING, OBJECT, ARRAY, BINARY, OBJECTID, BOOL, DATE, TIMESTAMP, REGEX, CODE, MAXKEY = range(1, 15)


def canonical(v) -> int:
    if v is None:
        return NULL
    t = type(v)
    if t is bool:
        return BOOL
    if t is int or t is float or t is Int64 or t is Decimal128:
        return NUMBER
    if t is str:
        return STRING
    if isinstance(v, dict):
        return OBJECT
    if t is list or t is tuple:
        return ARRAY
    if t is ObjectId:
        return OBJECTID
    if isinstance(v, datetime.datetime):
        return DATE
    if isinstance(v, (bytes, Binary, uuid.UUID)):
        return BINARY
    if t is Timestamp:
        return TIMESTAMP
    if isinstance(v, (Regex, re.Pattern)):
        return REGEX
    if t is MinKey:
        return MINKEY
    if t is MaxKey:
        return MAXKEY
    if isinstance(v, Code):
        return CODE
    if isinstance(v, int):
        return NUMBER
    return OBJECT


def type_name(v) -> str:
    """The alias `$type` reports for a value."""
    if v is None:
        return "null"
    t = type(v)
    if t is bool:
        return "bool"
    if t is Int64:
        return "long"
    if t is int:
        return "int" if -(2**31) <= v < 2**31 else "long"
    if t is float:
        return "double"
    if t is Decimal128:
        return "decimal"
    if t is str:
        return "string"
    if isinstance(v, dict):
        return "object"
    if t is list:
        return "array"
    if t is ObjectId:
        return "objectId"
    if isinstance(v, datetime.datetime):
        return "date"
    if isinstance(v, (bytes, Binary, uuid.UUID)):
        return "binData"
    if t is Timestamp:
        return "timestamp"
    if isinstance(v, (Regex, re.Pattern)):
        return "regex"
    if t is MinKey:
        return "minKey"
    if t is MaxKey:
        return "maxKey"
    if isinstance(v, Code):
        return "javascriptWithScope" if v.scope else "javascript"
    return "object"


TYPE_ALIASES = {
    "double": 1, "string": 2, "object": 3, "array": 4, "binData": 5, "undefined": 6, "objectId": 7,
    "bool": 8, "date": 9, "null": 10, "regex": 11, "dbPointer": 12, "javascript": 13, "symbol": 14,
    "javascriptWithScope": 15, "int": 16, "timestamp": 17, "long": 18, "decimal": 19, "minKey": -1, "maxKey": 127,
}
TYPE_NUMBERS = {v: k for k, v in TYPE_ALIASES.items()}


def is_number(v) -> bool:
    t = type(v)
    return t is int or t is float or t is Int64 or t is Decimal128


def to_float(v) -> float:
    if type(v) is Decimal128:
        return float(v.to_decimal())
    return float(v)


def to_pyobj(v):
    """A number as a Python value that compares exactly across int/long/double/decimal."""
    if type(v) is Decimal128:
        return v.to_decimal()
    return v

