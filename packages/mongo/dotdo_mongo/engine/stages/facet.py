"""$facet: several sub-pipelines over the same input."""
from ..errors import MongoError
from . import compile_pipeline, stage

FORBIDDEN = {"$facet", "$out", "$merge", "$collStats", "$indexStats", "$geoNear"}


@stage("$facet")
def build(arg, env):
    if not isinstance(arg, dict) or not arg:
        raise MongoError(40169, "the $facet specification must be a non-empty object")
    subs = {}
    for name, pipe in arg.items():
        for s in pipe if isinstance(pipe, list) else []:
            if isinstance(s, dict) and next(iter(s), None) in FORBIDDEN:
                raise MongoError(40600, f"{next(iter(s))} is not allowed to be used within a $facet stage")
        subs[name] = compile_pipeline(pipe, env)

    def run(docs):
        data = list(docs)
        yield {name: list(p(iter(data))) for name, p in subs.items()}

    return run
