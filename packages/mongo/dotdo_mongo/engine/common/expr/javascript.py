"""$function: server-side JavaScript. dotdo has no JavaScript engine (buildInfo says javascriptEngine
"none"), so it answers as a mongod started with --noscripting: the pipeline parses, and evaluating the
expression on a document fails with 31264."""
from __future__ import annotations

from typing import Any

from ...errors import MongoError
from . import Ev, op

NO_JAVASCRIPT = "Cannot run server-side javascript without the javascript engine enabled"


def refuse_javascript() -> None:
    raise MongoError(31264, NO_JAVASCRIPT)


@op("$function")
def _function(arg: Any) -> Ev:
    def ev(doc: Any, v: dict) -> Any:
        refuse_javascript()

    return ev
