"""$match: keep documents the query filter accepts."""
from ..common.filter import compile_filter
from . import stage


@stage("$match")
def build(arg, env):
    pred = compile_filter(arg, env.variables)
    return lambda docs: (d for d in docs if pred(d))
