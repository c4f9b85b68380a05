"""Aggregation stages, one module each; `compile_pipeline` chains them over a document stream."""
from __future__ import annotations

from typing import Any, Callable, Iterator

from ..deadline import BUDGET, counted
from ..errors import MongoError

Stage = Callable[[Iterator[dict]], Iterator[dict]]
BUILDERS: dict[str, Callable[[Any, "Env"], Stage]] = {}
NOT_SUPPORTED = { "$geoNear", "$graphLookup", "$collStats", "$indexStats",
                 "$currentOp", "$listSessions", "$densify", "$fill",
                 "$setWindowFields", "$redact", "$bucketAuto", "$search", "$searchMeta",
                 "$planCacheStats", "$listSearchIndexes", "$vectorSearch", "$changeStreamSplitLargeEvent"}
UPDATE_STAGES = {"$addFields", "$set", "$project", "$unset", "$replaceRoot", "$replaceWith"}


class Env:
    """What stages that read other collections ($lookup, $unionWith) or variables need."""

    def __init__(self, engine: Any = None, db: str | None = None, variables: dict | None = None) -> None:
        self.engine = engine
        self.db = db
        self.variables = variables or {}


def stage(name: str):
    def reg(fn):
        BUILDERS[name] = fn
        return fn

    return reg


def compile_pipeline(pipeline: Any, env: Env | None, for_update: bool = False) -> Stage:
    if not isinstance(pipeline, list):
        raise MongoError(14, "'pipeline' option must be specified as an array")
    env = env or Env()
    stages: list[Stage] = []
    for spec in pipeline:
        if not isinstance(spec, dict) or len(spec) != 1:
            raise MongoError(40323, "A pipeline stage specification object must contain exactly one field.")
        name, arg = next(iter(spec.items()))
        if for_update and name not in UPDATE_STAGES:
            raise MongoError(72, f"{name} is not allowed to be used within an update")
        if name in NOT_SUPPORTED:
            raise MongoError(238, f"{name} is not supported by dotdo")
        if name in ("$out", "$merge") and spec is not pipeline[-1]:
            raise MongoError(40601, f"{name} can only be the final stage in the pipeline")
        if name in ("$out", "$merge"):
            continue  # performed by the aggregate command (stages/terminal.py), which owns the write
        if name == "$listLocalSessions":
            raise MongoError(40602, "$listLocalSessions must be the first stage in the pipeline")
        if name == "$changeStream":
            raise MongoError(40602, "$changeStream is only valid as the first stage in a pipeline")
        if name == "$documents":
            raise MongoError(40602, "$documents is only valid as the first stage in a pipeline")
        if name not in BUILDERS:
            raise MongoError(40324, f"Unrecognized pipeline stage name: '{name}'")
        try:
            stages.append(BUILDERS[name](arg, env))
        except (AttributeError, TypeError, KeyError, IndexError, ValueError):
            raise MongoError(9, f"the {name} stage specification is not valid")

    def run(docs: Iterator[dict]) -> Iterator[dict]:
        if BUDGET.get() is None:
            for s in stages:
                docs = s(docs)
            return docs
        for s in stages:  # under a row budget every document a stage produces counts
            docs = counted(s(docs))
        return docs

    return run


from . import (add_fields, count, facet, group, limit, lookup, match, project, replace_root, sample, skip,  # noqa
               sort, sort_by_count, unset, unwind, bucket, union_with)
