"""$addFields / $set: compute fields and merge them into each document."""
from ..common.expr import compile_expr
from ..common.paths import MISSING
from ..errors import MongoError
from . import stage


def _setter(path: str, ev):
    parts = path.split(".")

    def put(doc, value):
        cur = doc
        for p in parts[:-1]:
            nxt = cur.get(p)
            if not isinstance(nxt, dict):
                nxt = cur[p] = {}
            cur = nxt
        if value is MISSING:
            cur.pop(parts[-1], None)
        else:
            cur[parts[-1]] = value

    return ev, put


def build(arg, env):
    if not isinstance(arg, dict):
        raise MongoError(40272, "$addFields specification stage must be an object")
    fields = [_setter(k, compile_expr(v)) for k, v in arg.items()]

    def run(docs):
        for d in docs:
            out = _copy(d)
            for ev, put in fields:
                put(out, ev(d, env.variables))
            yield out

    return run


def _copy(d):
    return {k: (_copy(v) if isinstance(v, dict) else v) for k, v in d.items()}


stage("$addFields")(build)
stage("$set")(build)
