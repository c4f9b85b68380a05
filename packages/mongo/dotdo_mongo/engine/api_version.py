"""Stable API (apiVersion "1") with apiStrict: commands and stages outside API Version 1 fail
with APIStrictError, as mongod answers them. Checked only for commands that carry apiStrict."""
from __future__ import annotations

from .errors import MongoError

API_V1_COMMANDS = frozenset({
    "abortTransaction", "aggregate", "authenticate", "collMod", "commitTransaction", "count", "create",
    "createIndexes", "delete", "drop", "dropDatabase", "dropIndexes", "endSessions", "find", "findAndModify",
    "getMore", "hello", "insert", "killCursors", "listCollections", "listDatabases", "listIndexes", "ping",
    "refreshSessions", "saslContinue", "saslStart", "update", "bulkWrite", "logout",
})
# Aggregation stages that are not part of API Version 1.
NOT_IN_API_V1_STAGES = frozenset({
    "$listLocalSessions", "$listSessions", "$currentOp", "$collStats", "$indexStats", "$planCacheStats",
    "$search", "$searchMeta", "$listSearchIndexes", "$changeStreamSplitLargeEvent",
})
STRICT_ERROR = 323  # APIStrictError
DOC_LINK = "Information on supported commands and migrations in API Version 1 can be found at " \
           "https://dochub.mongodb.org/core/manual-versioned-api"


def check_strict(name: str, body: dict) -> None:
    """Refuse, under apiStrict: true, what API Version 1 does not contain."""
    if name not in API_V1_COMMANDS:
        raise MongoError(STRICT_ERROR, f"Provided apiStrict:true, but the command {name} is not in API Version 1. "
                                       f"{DOC_LINK}")
    if name == "aggregate" and isinstance(body.get("pipeline"), list):
        for stage in body["pipeline"]:
            if isinstance(stage, dict) and stage and next(iter(stage)) in NOT_IN_API_V1_STAGES:
                raise MongoError(STRICT_ERROR, f"{next(iter(stage))} is not allowed with 'apiStrict: true' in "
                                               f"API Version 1")
