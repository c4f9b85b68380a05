"""$lookup: equality join (localField/foreignField) or a correlated sub-pipeline."""
from ..common.compare import equal
from ..common.expr import compile_expr
from ..common.paths import MISSING, get_value
from ..deadline import charge
from ..errors import MongoError
from . import Env, compile_pipeline, stage


@stage("$lookup")
def build(arg, env):
    if not isinstance(arg, dict) or "as" not in arg:
        raise MongoError(9, "must specify 'as' field for a $lookup")
    coll_name = arg.get("from")
    as_field = arg["as"]
    local, foreign = arg.get("localField"), arg.get("foreignField")
    pipeline = arg.get("pipeline")
    lets = {k: compile_expr(v) for k, v in (arg.get("let") or {}).items()}
    if pipeline is None and (local is None or foreign is None):
        raise MongoError(9, "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be "
                            "specified")

    def foreign_docs():
        if env.engine is None:
            raise MongoError(72, "$lookup is not allowed here")
        coll = env.engine.collection(env.db, coll_name) if coll_name else None
        if coll is None:
            return []
        from ..query import matching

        with coll.db.shard.reader() as conn:
            return list(matching(coll, conn, None))

    def run(docs):
        others = foreign_docs()
        for d in docs:
            charge(len(others))  # each input is compared with (or its pipeline reads) every foreign document
            matched = others
            if local is not None:
                lv = get_value(d, local)
                wanted = (lv if isinstance(lv, list) else [lv]) if lv is not MISSING else [None]
                matched = []
                for o in others:
                    fv = get_value(o, foreign)
                    have = (fv if isinstance(fv, list) else [fv]) if fv is not MISSING else [None]
                    if any(equal(a, b) for a in wanted for b in have):
                        matched.append(o)
            if pipeline is not None:
                variables = {**env.variables, **{k: ev(d, env.variables) for k, ev in lets.items()}}
                sub = compile_pipeline(pipeline, Env(env.engine, env.db, variables))
                matched = list(sub(iter(matched)))
            out = dict(d)
            out[as_field] = matched
            yield out

    return run
