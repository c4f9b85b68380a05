"""$unset: drop fields (an exclusion projection)."""
from ..common.projection import Projection
from ..errors import MongoError
from . import stage


@stage("$unset")
def build(arg, env):
    names = [arg] if isinstance(arg, str) else arg
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise MongoError(31002, "$unset specification must be a string or an array containing only string values")
    proj = Projection({n: 0 for n in names})
    return lambda docs: (proj.apply(d) for d in docs)
