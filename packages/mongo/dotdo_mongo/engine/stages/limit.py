"""$limit."""
import itertools

from ..errors import MongoError
from . import stage


@stage("$limit")
def build(arg, env):
    if isinstance(arg, bool) or not isinstance(arg, (int, float)) or arg != int(arg):
        raise MongoError(15957, "the limit must be specified as a number")
    if arg <= 0:
        raise MongoError(15958, "the limit must be positive")
    return lambda docs: itertools.islice(docs, int(arg))
