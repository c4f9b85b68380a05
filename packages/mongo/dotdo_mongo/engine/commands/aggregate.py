"""aggregate: a leading $match/$sort/$skip/$limit runs through the planner, the rest streams."""
from __future__ import annotations

from ..common.expr.javascript import refuse_javascript
from ..engine import Ctx, command
from ..errors import MongoError
from ..query import matching
from ..stages import Env, compile_pipeline, terminal

ALLOWED = {"pipeline", "cursor", "explain", "allowDiskUse", "let", "hint", "collation", "comment", "maxTimeMS",
           "bypassDocumentValidation", "readConcern", "writeConcern", "lsid", "$db", "$readPreference",
           "$clusterTime", "apiVersion", "apiStrict", "apiDeprecationErrors", "txnNumber", "autocommit", "startTransaction"}


def _leading(pipeline: list) -> tuple[dict | None, dict | None, int, int, int]:
    """(filter, sort, skip, limit, stages consumed) that the planner can run directly."""
    flt = sort = None
    skip = limit = 0
    i = 0
    if i < len(pipeline) and isinstance(pipeline[i], dict) and list(pipeline[i]) == ["$match"]:
        flt = pipeline[i]["$match"]
        if not isinstance(flt, dict) or "$expr" in flt:
            return None, None, 0, 0, 0
        i += 1
    if i < len(pipeline) and isinstance(pipeline[i], dict) and list(pipeline[i]) == ["$sort"]:
        sort = pipeline[i]["$sort"]
        i += 1
        if i < len(pipeline) and isinstance(pipeline[i], dict) and list(pipeline[i]) == ["$limit"]:
            lim = pipeline[i]["$limit"]
            if isinstance(lim, int) and not isinstance(lim, bool) and lim > 0:
                limit = lim
                i += 1
    return flt, sort, skip, limit, i


@command("aggregate")
def aggregate(ctx: Ctx) -> dict:
    b = ctx.body
    for k in b:
        if k != "aggregate" and k not in ALLOWED:
            raise MongoError(40415, f"BSON field 'aggregate.{k}' is an unknown field.")
    if b.get("explain"):
        raise MongoError(238, "explain is not supported by dotdo")
    if "cursor" not in b:
        raise MongoError(9, "The 'cursor' option is required, except for aggregate with the explain argument")
    pipeline = b.get("pipeline")
    if not isinstance(pipeline, list):
        raise MongoError(14, "'pipeline' option must be specified as an array")
    level = (b.get("readConcern") or {}).get("level") if isinstance(b.get("readConcern"), dict) else None
    if level == "linearizable" and pipeline and isinstance(pipeline[-1], dict) and (
            "$out" in pipeline[-1] or "$merge" in pipeline[-1]):
        stage = next(iter(pipeline[-1]))
        raise MongoError(72, f"{stage} cannot be used with a 'linearizable' read concern level")
    from .write import let_variables
    from ..text import SCORE_KEY

    env = Env(ctx.engine, ctx.db, let_variables(b.get("let")))
    size = (b.get("cursor") or {}).get("batchSize")
    if pipeline and isinstance(pipeline[0], dict) and "$changeStream" in pipeline[0]:
        from ..change_streams import open_stream

        return open_stream(ctx, None if ctx.arg == 1 else ctx.collection_name(), pipeline, size)
    if ctx.arg == 1 and pipeline and isinstance(pipeline[0], dict) and "$listLocalSessions" in pipeline[0]:
        spec = pipeline[0]["$listLocalSessions"]
        if not isinstance(spec, dict) or any(k not in ("allUsers", "users") for k in spec):
            raise MongoError(40415, "$listLocalSessions accepts only 'allUsers' and 'users'")
        results = list(compile_pipeline(pipeline[1:], env)(iter(ctx.engine.sessions.listing())))
        return ctx.engine.cursors.first_batch(f"{ctx.db}.$cmd.aggregate", iter(results), size)
    if ctx.arg == 1:
        if not pipeline or not isinstance(pipeline[0], dict) or "$documents" not in pipeline[0]:
            first = next(iter(pipeline[0])) if pipeline and isinstance(pipeline[0], dict) else "$match"
            compile_pipeline(pipeline, env)  # names an unsupported stage first
            raise MongoError(73, f"{{aggregate: 1}} is not valid for '{first}'; a collection is required.")
        from ..common.expr import compile_expr

        docs = compile_expr(pipeline[0]["$documents"])(None, env.variables)
        if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
            raise MongoError(5858203, "an array is expected")
        results = list(compile_pipeline(pipeline[1:], env)(iter(docs)))
        last = pipeline[-1]
        if "$out" in last or "$merge" in last:
            terminal.write(ctx.engine, ctx.db, last, results)
            results = []
        return ctx.engine.cursors.first_batch(f"{ctx.db}.$cmd.aggregate", iter(results), size)
    name = ctx.collection_name()
    flt, sort, skip, limit, consumed = _leading(pipeline)
    run = compile_pipeline(pipeline[consumed:], env)
    coll = ctx.engine.collection(ctx.db, name)
    ns = f"{ctx.db}.{name}"
    if coll is None:
        source = iter(())
        if b.get("hint") not in (None, {"$natural": 1}):
            raise MongoError(2, "hint provided does not correspond to an existing index")
    else:
        scores = env.variables[SCORE_KEY] = {}  # a leading $text's relevance, for {$meta: "textScore"}
        with coll.db.shard.reader() as conn:
            source = iter(list(matching(coll, conn, flt, sort=sort, skip=skip, limit=limit, hint=b.get("hint"),
                                          variables=env.variables, scores=scores)))
    results = list(run(source))
    last = pipeline[-1] if pipeline else None
    if isinstance(last, dict) and ("$out" in last or "$merge" in last):
        terminal.write(ctx.engine, ctx.db, last, results)
        results = []
    return ctx.engine.cursors.first_batch(ns, iter(results), size)


@command("mapReduce", "mapreduce")
def map_reduce(ctx: Ctx) -> dict:
    """Its map and reduce are JavaScript: answered as a mongod without its JavaScript engine answers."""
    refuse_javascript()
