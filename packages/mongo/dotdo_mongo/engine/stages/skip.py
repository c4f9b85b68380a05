"""$skip."""
import itertools

from ..errors import MongoError
from . import stage


@stage("$skip")
def build(arg, env):
    if isinstance(arg, bool) or not isinstance(arg, (int, float)) or arg != int(arg):
        raise MongoError(15972, "Argument to $skip must be a number")
    if arg < 0:
        raise MongoError(15956, "Argument to $skip cannot be negative")
    return lambda docs: itertools.islice(docs, int(arg), None)
