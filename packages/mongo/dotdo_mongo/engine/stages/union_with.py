"""$unionWith: this pipeline's documents followed by another collection's (through its own pipeline)."""
from itertools import chain

from ..errors import MongoError
from . import compile_pipeline, stage


@stage("$unionWith")
def build(arg, env):
    if isinstance(arg, str):
        arg = {"coll": arg}
    if not isinstance(arg, dict) or not isinstance(arg.get("coll"), str):
        raise MongoError(40414, "BSON field '$unionWith.coll' is missing but a required field")
    sub = compile_pipeline(arg.get("pipeline", []), env)
    name = arg["coll"]

    def others():
        coll = env.engine.collection(env.db, name) if env.engine else None
        if coll is None:
            return iter(())
        from ..query import matching

        with coll.db.shard.reader() as conn:
            docs = list(matching(coll, conn, None))
        return sub(iter(docs))

    return lambda docs: chain(docs, others())
