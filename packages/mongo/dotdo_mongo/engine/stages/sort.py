"""$sort."""
from ..common.sorting import parse_sort, sort_docs
from ..errors import MongoError
from . import stage


@stage("$sort")
def build(arg, env):
    if not isinstance(arg, dict) or not arg:
        raise MongoError(15976, "$sort stage must have at least one sort key")
    spec = parse_sort(arg)
    return lambda docs: iter(sort_docs(list(docs), spec))
