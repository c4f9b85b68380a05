"""$group: group by an expression and accumulate."""
from ..common.accumulate import Accumulator, check
from ..common.expr import compile_expr
from ..common.collation import group_value
from ..common.keys import encode
from ..common.paths import MISSING
from ..errors import MongoError
from . import stage


@stage("$group")
def build(arg, env):
    if not isinstance(arg, dict) or "_id" not in arg:
        raise MongoError(15955, "a group specification must include an _id")
    key_ev = compile_expr(arg["_id"])
    accs = []
    for field, spec in arg.items():
        if field == "_id":
            continue
        if "." in field:
            raise MongoError(40235, f"The field name '{field}' cannot contain '.'")
        if not isinstance(spec, dict) or len(spec) != 1:
            raise MongoError(40234, f"The field '{field}' must be an accumulator object")
        name, expr = next(iter(spec.items()))
        check(name)
        accs.append((field, name, compile_expr(expr if name != "$count" else 1)))

    def run(docs):
        groups: dict = {}
        for d in docs:
            key = key_ev(d, env.variables)
            if key is MISSING:
                key = None
            k = encode(group_value(key))
            g = groups.get(k)
            if g is None:
                g = groups[k] = (key, [Accumulator(n) for _, n, _ in accs])
            for (_, _, ev), acc in zip(accs, g[1]):
                acc.add(ev(d, env.variables))
        for key, states in groups.values():
            out = {"_id": key}
            for (field, _, _), acc in zip(accs, states):
                out[field] = acc.result()
            yield out

    return run
