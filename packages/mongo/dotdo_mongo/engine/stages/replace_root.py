"""$replaceRoot / $replaceWith."""
from ..common.bsontypes import type_name
from ..common.expr import compile_expr
from ..common.paths import MISSING
from ..errors import MongoError
from . import stage


def _build(expr, env):
    ev = compile_expr(expr)

    def run(docs):
        for d in docs:
            v = ev(d, env.variables)
            if not isinstance(v, dict):
                raise MongoError(40228, "'newRoot' expression must evaluate to an object, but resulting value was: "
                                        f"{'MISSING' if v is MISSING else v!r}. Type of resulting value: "
                                        f"'{'missing' if v is MISSING else type_name(v)}'.")
            yield v

    return run


@stage("$replaceRoot")
def build(arg, env):
    if not isinstance(arg, dict) or "newRoot" not in arg:
        raise MongoError(40231, "no newRoot specified for the $replaceRoot stage")
    return _build(arg["newRoot"], env)


@stage("$replaceWith")
def build_with(arg, env):
    return _build(arg, env)
