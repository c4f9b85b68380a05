"""$sortByCount: $group by the expression with a count, then sort by it descending."""
from . import compile_pipeline, stage


@stage("$sortByCount")
def build(arg, env):
    return compile_pipeline([{"$group": {"_id": arg, "count": {"$sum": 1}}}, {"$sort": {"count": -1}}], env)
