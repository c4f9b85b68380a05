"""Fields with any name ($getField, $setField) and $rand."""
from __future__ import annotations

from ...errors import MongoError
from ..paths import MISSING
from . import compile_expr, op


@op("$getField")
def _get_field(arg):
    if isinstance(arg, dict) and "field" in arg:
        field, inp = compile_expr(arg["field"]), compile_expr(arg.get("input", "$$CURRENT"))
    else:
        field, inp = compile_expr(arg), compile_expr("$$CURRENT")

    def f(doc, v):
        name, obj = field(doc, v), inp(doc, v)
        if not isinstance(name, str):
            raise MongoError(3041704, "$getField requires 'field' to evaluate to type String")
        if obj is None or obj is MISSING:
            return None
        if not isinstance(obj, dict):
            raise MongoError(3041705, "$getField requires 'input' to evaluate to type Object")
        return obj.get(name, MISSING)

    return f


@op("$setField", "$unsetField")
def _set_field(arg):
    if not isinstance(arg, dict) or "field" not in arg or "input" not in arg:
        raise MongoError(4161102, "$setField requires 'field', 'input' and 'value'")
    field, inp = compile_expr(arg["field"]), compile_expr(arg["input"])
    value = compile_expr(arg["value"]) if "value" in arg else (lambda doc, v: MISSING)

    def f(doc, v):
        name, obj = field(doc, v), inp(doc, v)
        if obj is None or obj is MISSING:
            return None
        out = dict(obj)
        val = value(doc, v)
        if val is MISSING:
            out.pop(name, None)
        else:
            out[name] = val
        return out

    return f


@op("$rand")
def _rand(arg):
    import random

    if arg != {}:
        raise MongoError(3040501, "$rand does not currently accept arguments")
    return lambda doc, v: random.random()


@op("$meta")
def _meta(arg):
    """{$meta: "textScore"}: the relevance of the document to the query's $text (engine/text.py)."""
    if arg != "textScore":
        raise MongoError(17308, f"Unsupported argument to $meta: {arg}")
    from ..keys import encode
    from ...text import SCORE_KEY

    def f(doc, v):
        scores = v.get(SCORE_KEY)
        if scores is None or not isinstance(doc, dict) or "_id" not in doc:
            raise MongoError(40218, "query requires text score metadata, but it is not available")
        return scores.get(encode(doc["_id"]), MISSING)

    return f
