"""Clustered collections (create option `clusteredIndex`, MongoDB 5.3+).

Every collection here already keeps its documents in `_id` order (core's `_docs` table is keyed
by the encoded `_id`), which is what clustering means: a clustered collection is stored as any
other. What differs is what it shows and allows: its `_id` index is the clustered index (with the
given name, `unique: true`, `clustered: true` in listIndexes, no `idIndex` in listCollections),
it cannot be dropped or created again, and with `expireAfterSeconds` documents expire by their
`_id` (a date) with no secondary TTL index. The stored `_id` index spec keeps its internal name
`_id_`; the clustered name is presented through the functions here.
"""
from __future__ import annotations

import math
import time
from typing import Any

from .errors import MongoError
from .common import render
from .common.bsontypes import type_name

SPEC_FIELDS = ("key", "unique", "name", "v")
# create.idl's `expireAfterSeconds` is a safeInt64; a clustered TTL must also fit in milliseconds
# since the epoch and not exceed now (index_key_validate's kClusteredTTLIndex mode).
_TOO_LARGE = "TTL index 'expireAfterSeconds' option must be within an acceptable range, try a lower number"


def _type_name(value: Any) -> str:
    return "missing" if value is None else type_name(value)


def parse_create(body: dict) -> dict:
    """The options a `create` command's `clusteredIndex` (and `expireAfterSeconds`) store, in
    mongod's canonical form; {} for a collection that is not clustered. Raises mongod's errors."""
    spec = body.get("clusteredIndex")
    ttl = body.get("expireAfterSeconds")
    if spec is None or spec is False:
        if "expireAfterSeconds" in body:
            raise MongoError(72, "'expireAfterSeconds' can be used only for clustered collections or timeseries "
                                 "collections")
        return {}
    if isinstance(spec, bool):  # {clusteredIndex: true}: the internal form of time-series buckets
        raise MongoError(5979703, "The 'clusteredIndex' legacy format {clusteredIndex: <bool>} is only supported "
                                  "for specific internal collections and vice versa")
    if not isinstance(spec, dict):
        raise MongoError(5979702, "'clusteredIndex' has to be a boolean or object.")
    for field in spec:
        if field not in SPEC_FIELDS:
            raise MongoError(40415, f"BSON field 'clusteredIndex.{field}' is an unknown field.")
    for field in ("key", "unique"):
        if field not in spec:
            raise MongoError(40414, f"BSON field 'clusteredIndex.{field}' is missing but a required field")
    key, unique, name, v = spec["key"], spec["unique"], spec.get("name"), spec.get("v", 2)
    if not isinstance(key, dict):
        raise MongoError(14, f"BSON field 'clusteredIndex.key' is the wrong type '{_type_name(key)}', expected "
                             f"type 'object'")
    if not isinstance(unique, bool):
        raise MongoError(14, f"BSON field 'clusteredIndex.unique' is the wrong type '{_type_name(unique)}', "
                             f"expected type 'bool'")
    if name is not None and not isinstance(name, str):
        raise MongoError(14, f"BSON field 'clusteredIndex.name' is the wrong type '{_type_name(name)}', expected "
                             f"type 'string'")
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not v.is_integer()):
        raise MongoError(14, f"BSON field 'clusteredIndex.v' is the wrong type '{_type_name(v)}', expected type "
                             f"'int'")
    if "viewOn" in body:
        raise MongoError(6026500, "The 'clusteredIndex' option is not supported with views")
    if body.get("autoIndexId") is False:
        raise MongoError(6026501, "The 'clusteredIndex' option does not support {autoIndexId: false}")
    if not unique:
        raise MongoError(5979700, "The clusteredIndex option requires unique: true to be specified")
    if list(key) != ["_id"] or isinstance(key["_id"], bool) or key["_id"] != 1:
        raise MongoError(197, "The clusteredIndex option is only supported for key: {_id: 1}")
    out: dict = {}
    if "expireAfterSeconds" in body:
        out["expireAfterSeconds"] = _check_ttl(ttl)
    if int(v) != 2:
        raise MongoError(5979704, f"Invalid clusteredIndex specification {render.document(spec)}; cannot create "
                                  f"a clusteredIndex with v={int(v)}")
    if body.get("capped"):
        raise MongoError(238, "capped clustered collections are not supported by dotdo")
    out["clusteredIndex"] = {"v": 2, "key": {"_id": 1}, "name": name if name is not None else "_id_",
                             "unique": True}
    return out


def _check_ttl(ttl: Any) -> int:
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
        raise MongoError(14, f"BSON field 'create.expireAfterSeconds' is the wrong type '{_type_name(ttl)}', "
                             f"expected types '[long, int, decimal, double]'")
    if isinstance(ttl, float) and (math.isnan(ttl) or math.isinf(ttl) or abs(ttl) >= 2**63):
        raise MongoError(2, f"Expected an integer: expireAfterSeconds: {ttl}")
    seconds = int(ttl)
    if seconds < 0:
        raise MongoError(72, "TTL index 'expireAfterSeconds' option cannot be less than 0")
    if seconds > (2**63 - 1) // 1000 or seconds * 1000 > time.time() * 1000:
        raise MongoError(72, _TOO_LARGE)
    return seconds


def is_clustered(options: dict) -> bool:
    return "clusteredIndex" in options


def clustered_name(options: dict) -> str | None:
    spec = options.get("clusteredIndex")
    return spec["name"] if spec else None


def present_index(spec: dict, options: dict) -> dict:
    """An index as listIndexes shows it: a clustered collection's `_id` index is its clustered index."""
    if spec["name"] == "_id_" and is_clustered(options):
        return {**options["clusteredIndex"], "clustered": True}
    return spec


def names_clustered_index(which: Any, options: dict) -> bool:
    """Whether a dropIndexes / hint argument (a name or a key pattern) names the clustered index."""
    if not is_clustered(options):
        return False
    if isinstance(which, str):
        return which == clustered_name(options)
    return isinstance(which, dict) and list(which) == ["_id"] and which["_id"] == 1
