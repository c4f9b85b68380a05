"""explain for find, count, distinct, delete, update and aggregate: the plan the planner chose
(`queryPlanner`) and, for the executing verbosities, what running it read (`executionStats`)."""
from __future__ import annotations

from ..common.filter import compile_filter
from ..common.sorting import parse_sort
from ..engine import Ctx, command
from ..errors import MongoError

VERBOSITIES = ("queryPlanner", "executionStats", "allPlansExecution")


def _target(inner: dict) -> tuple[str, dict | None, list, int, object]:
    """(collection, filter, sort, limit, hint) of the explained command."""
    name = next(iter(inner))
    if name == "find":
        return inner["find"], inner.get("filter"), parse_sort(inner.get("sort")), int(inner.get("limit") or 0), \
            inner.get("hint")
    if name == "count":
        return inner["count"], inner.get("query"), [], int(inner.get("limit") or 0), inner.get("hint")
    if name == "distinct":
        return inner["distinct"], inner.get("query"), [], 0, inner.get("hint")
    if name in ("delete", "update"):
        stmts = inner.get("deletes" if name == "delete" else "updates") or [{}]
        s = stmts[0]
        limit = 1 if (name == "delete" and s.get("limit") == 1) or (name == "update" and not s.get("multi")) else 0
        return inner[name], s.get("q"), [], limit, s.get("hint")
    if name == "aggregate":
        pipeline = inner.get("pipeline") or []
        flt = pipeline[0]["$match"] if pipeline and isinstance(pipeline[0], dict) and "$match" in pipeline[0] else None
        return inner["aggregate"], flt, [], 0, inner.get("hint")
    raise MongoError(238, f"explain of '{name}' is not supported by dotdo")


@command("explain")
def explain(ctx: Ctx) -> dict:
    inner = ctx.arg
    if not isinstance(inner, dict) or not inner:
        raise MongoError(14, "BSON field 'explain.explain' is the wrong type, expected type 'object'")
    verbosity = ctx.body.get("verbosity", "allPlansExecution")
    if verbosity not in VERBOSITIES:
        raise MongoError(2, f"Enumeration value '{verbosity}' for field 'verbosity' is not a valid value.")
    name, flt, sort, limit, hint = _target(inner)
    ns = f"{ctx.db}.{name}"
    coll = ctx.engine.collection(ctx.db, name)
    if coll is None:
        return {"queryPlanner": {"namespace": ns, "parsedQuery": flt or {}, "winningPlan": {"stage": "EOF"},
                                 "rejectedPlans": []}}
    plan = coll.plan(flt, sort, hint)
    stage = plan.describe()
    if plan.kind == "index":
        stage = {"stage": "FETCH", "inputStage": stage}
    if sort and not plan.sorted:
        stage = {"stage": "SORT", "sortPattern": dict(sort), "inputStage": stage}
    if limit:
        stage = {"stage": "LIMIT", "limitAmount": limit, "inputStage": stage}
    out: dict = {"queryPlanner": {"namespace": ns, "parsedQuery": flt or {}, "winningPlan": stage,
                                  "rejectedPlans": []}}
    if verbosity != "queryPlanner":
        pred = compile_filter(flt)
        examined = returned = 0
        with coll.db.shard.reader() as conn:
            for d in coll.candidates(conn, plan):
                examined += 1
                if pred(d):
                    returned += 1
                    if limit and returned >= limit and (plan.sorted or not sort):
                        break
        out["executionStats"] = {"nReturned": min(returned, limit) if limit else returned,
                                 "totalDocsExamined": examined,
                                 "totalKeysExamined": examined if plan.kind != "scan" else 0,
                                 "executionSuccess": True}
    return out
