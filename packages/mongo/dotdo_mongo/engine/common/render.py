"""Values written the way MongoDB's server messages print them (E11000 `dup key: { a: "x" }`)."""
from __future__ import annotations

import datetime

from bson import Binary, Decimal128, Int64, ObjectId, Regex, Timestamp


def value(v) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, Int64):
        return str(int(v))
    if isinstance(v, float):
        return repr(v) if v != int(v) or abs(v) >= 1e16 else f"{v:.1f}"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal128):
        return f'{v}'
    if isinstance(v, ObjectId):
        return f"ObjectId('{v}')"
    if isinstance(v, datetime.datetime):
        return f"new Date({int(v.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000) if v.tzinfo is None else int(v.timestamp() * 1000)})"
    if isinstance(v, dict):
        return document(v)
    if isinstance(v, list):
        return "[ " + ", ".join(value(x) for x in v) + " ]" if v else "[]"
    if isinstance(v, Regex):
        return f"/{v.pattern}/{v.flags}"
    if isinstance(v, Timestamp):
        return f"Timestamp({v.time}, {v.inc})"
    if isinstance(v, (bytes, Binary)):
        return f"BinData({getattr(v, 'subtype', 0)}, {bytes(v).hex().upper()})"
    return str(v)


def document(d: dict) -> str:
    if not d:
        return "{}"
    return "{ " + ", ".join(f"{k}: {value(v)}" for k, v in d.items()) + " }"


def pipeline_document(d: dict) -> str:
    """A document as mongod's aggregation Document prints it in messages: `{a: 1, b: {c: "x"}}`."""
    return "{" + ", ".join(f"{k}: {pipeline_document(v) if isinstance(v, dict) else value(v)}"
                           for k, v in d.items()) + "}"
