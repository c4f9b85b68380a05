"""$count."""
from ..errors import MongoError
from . import stage


@stage("$count")
def build(arg, env):
    if not isinstance(arg, str) or not arg:
        raise MongoError(40156, "the count field must be a non-empty string")
    if arg.startswith("$") or "." in arg:
        raise MongoError(40158 if arg.startswith("$") else 40160, "the count field cannot be a $-prefixed path"
                         if arg.startswith("$") else "the count field cannot contain '.'")

    def run(docs):
        n = sum(1 for _ in docs)
        if n:
            yield {arg: n}

    return run
