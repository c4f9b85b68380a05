"""$sample: a uniform random sample without replacement."""
import random

from ..errors import MongoError
from . import stage


@stage("$sample")
def build(arg, env):
    size = arg.get("size") if isinstance(arg, dict) else None
    if isinstance(size, bool) or not isinstance(size, (int, float)) or size < 0:
        raise MongoError(28747, "size argument to $sample must be a non-negative number")

    def run(docs):
        data = list(docs)
        return iter(random.sample(data, min(int(size), len(data))))

    return run
