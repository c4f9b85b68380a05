"""$unwind with includeArrayIndex and preserveNullAndEmptyArrays."""
from bson import Int64

from ..common.paths import MISSING, get_value
from ..errors import MongoError
from . import stage


@stage("$unwind")
def build(arg, env):
    if isinstance(arg, str):
        arg = {"path": arg}
    if not isinstance(arg, dict) or not isinstance(arg.get("path"), str):
        raise MongoError(15981, "expected either a string or an object as specification for $unwind stage")
    path = arg["path"]
    if not path.startswith("$"):
        raise MongoError(28818, "path option to $unwind stage should be prefixed with a '$'")
    path = path[1:]
    index_field = arg.get("includeArrayIndex")
    keep = bool(arg.get("preserveNullAndEmptyArrays"))
    parts = path.split(".")

    def put(doc, value):
        out = _copy_path(doc, parts)
        cur = out
        for p in parts[:-1]:
            cur = cur[p]
        cur[parts[-1]] = value
        return out

    def run(docs):
        for d in docs:
            v = get_value(d, path)
            if isinstance(v, list) and v:
                for i, e in enumerate(v):
                    out = put(d, e)
                    if index_field:
                        out[index_field] = Int64(i)
                    yield out
            elif isinstance(v, list) or v is MISSING or v is None:
                if keep:
                    out = dict(d)
                    if isinstance(v, list):
                        out = _drop(d, parts)
                    if index_field:
                        out[index_field] = None
                    yield out
            else:
                out = dict(d)
                if index_field:
                    out[index_field] = None
                yield out

    return run


def _copy_path(doc, parts):
    out = dict(doc)
    cur = out
    for p in parts[:-1]:
        cur[p] = dict(cur[p])
        cur = cur[p]
    return out


def _drop(doc, parts):
    out = _copy_path(doc, parts)
    cur = out
    for p in parts[:-1]:
        cur = cur[p]
    cur.pop(parts[-1], None)
    return out
