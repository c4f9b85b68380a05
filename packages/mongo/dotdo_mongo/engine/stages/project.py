"""$project: inclusion, exclusion and computed fields."""
from ..common.projection import Projection
from ..errors import MongoError
from . import stage


@stage("$project")
def build(arg, env):
    if not isinstance(arg, dict) or not arg:
        raise MongoError(51272 if isinstance(arg, dict) else 15969,
                         "projection specification must have at least one field" if isinstance(arg, dict)
                         else "$project specification must be an object")
    proj = Projection(arg)
    return lambda docs: (proj.apply(d, env.variables) for d in docs)
