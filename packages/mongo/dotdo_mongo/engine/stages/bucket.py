"""$bucket: group by ranges given by boundaries."""
from ..common.accumulate import Accumulator, check
from ..common.compare import compare
from ..common.expr import compile_expr
from ..common.paths import MISSING
from ..errors import MongoError
from . import stage


@stage("$bucket")
def build(arg, env):
    group_by = compile_expr(arg.get("groupBy"))
    bounds = arg.get("boundaries")
    if not isinstance(bounds, list) or len(bounds) < 2:
        raise MongoError(40192, "The $bucket 'boundaries' field must have at least 2 values")
    default = arg.get("default", MISSING)
    output = arg.get("output") or {"count": {"$sum": 1}}
    accs = []
    for field, spec in output.items():
        name, expr = next(iter(spec.items()))
        check(name)
        accs.append((field, name, compile_expr(expr)))

    def run(docs):
        buckets: dict = {}
        for d in docs:
            v = group_by(d, env.variables)
            key = MISSING
            for lo, hi in zip(bounds, bounds[1:]):
                if compare(v, lo) >= 0 and compare(v, hi) < 0:
                    key = lo
                    break
            if key is MISSING:
                if default is MISSING:
                    raise MongoError(40066, "$switch could not find a matching branch for an input, and no default "
                                            "was specified.")
                key = default
            idx = bounds.index(key) if key is not default else len(bounds)
            states = buckets.setdefault(idx, (key, [Accumulator(n) for _, n, _ in accs]))[1]
            for (_, _, ev), acc in zip(accs, states):
                acc.add(ev(d, env.variables))
        for idx in sorted(buckets):
            key, states = buckets[idx]
            out = {"_id": key}
            for (field, _, _), acc in zip(accs, states):
                out[field] = acc.result()
            yield out

    return run
