"""MongoDB's error codes and the exception the engine raises to answer `{ok: 0, ...}`."""
from __future__ import annotations

from typing import Any

CODE_NAMES = {
    1: "InternalError",
    2: "BadValue",
    4: "NoSuchKey",
    9: "FailedToParse",
    10: "UserNotFound",
    11: "UnknownError",
    13: "Unauthorized",
    14: "TypeMismatch",
    15: "Overflow",
    16: "InvalidLength",
    17: "ProtocolError",
    18: "AuthenticationFailed",
    20: "IllegalOperation",
    22: "InvalidBSON",
    24: "LockTimeout",
    14031: "OutOfDiskSpace",
    # Network, replication-state and shutdown errors: dotdo raises them only through fail points
    # (configureFailPoint), but their replies carry mongod's names.
    6: "HostUnreachable",
    7: "HostNotFound",
    8: "UnknownError",
    63: "OBSOLETE_StaleShardVersion",
    64: "WriteConcernFailed",
    79: "UnknownReplWriteConcern",
    89: "NetworkTimeout",
    91: "ShutdownInProgress",
    100: "UnsatisfiableWriteConcern",
    133: "FailedToSatisfyReadPreference",
    134: "ReadConcernMajorityNotAvailableYet",
    150: "StaleEpoch",
    175: "QueryPlanKilled",
    189: "PrimarySteppedDown",
    216: "ElectionInProgress",
    234: "RetryChangeStream",
    237: "CursorKilled",
    246: "SnapshotUnavailable",
    262: "ExceededTimeLimit",
    267: "PreparedTransactionInProgress",
    280: "ChangeStreamFatalError",
    286: "ChangeStreamHistoryLost",
    462: "IngressRequestRateLimitExceeded",
    322: "APIVersionError",
    323: "APIStrictError",
    324: "APIDeprecationError",
    9001: "SocketException",
    10107: "NotWritablePrimary",
    11600: "InterruptedAtShutdown",
    11601: "Interrupted",
    11602: "InterruptedDueToReplStateChange",
    13388: "StaleConfig",
    13435: "NotPrimaryNoSecondaryOk",
    13436: "NotPrimaryOrSecondary",
    26: "NamespaceNotFound",
    27: "IndexNotFound",
    28: "PathNotViable",
    40: "ConflictingUpdateOperators",
    43: "CursorNotFound",
    47: "NoMatchingDocument",
    48: "NamespaceExists",
    50: "MaxTimeMSExpired",
    51: "DollarPrefixedFieldName",
    52: "DollarPrefixedFieldName",
    54: "NotSingleValueField",
    56: "EmptyFieldName",
    57: "DottedFieldName",
    59: "CommandNotFound",
    66: "ImmutableField",
    67: "CannotCreateIndex",
    68: "IndexAlreadyExists",
    72: "InvalidOptions",
    73: "InvalidNamespace",
    85: "IndexOptionsConflict",
    86: "IndexKeySpecsConflict",
    96: "OperationFailed",
    112: "WriteConflict",
    115: "CommandNotSupported",
    121: "DocumentValidationFailure",
    146: "ExceededMemoryLimit",
    166: "CommandNotSupportedOnView",
    168: "InvalidPipelineOperator",
    197: "InvalidIndexSpecificationOption",
    225: "TransactionTooOld",
    236: "InvalidUuid",
    238: "NotImplemented",
    251: "NoSuchTransaction",
    256: "TransactionCommitted",
    263: "OperationNotSupportedInTransaction",
    290: "TransactionExceededLifetimeLimitSeconds",
    334: "MechanismUnavailable",
    10334: "BSONObjectTooLarge",
    11000: "DuplicateKey",
    17419: "Location17419",
    31249: "Location31249",
    31250: "Location31250",
    31254: "Location31254",
    31264: "Location31264",
    6108304: "Location6108304",
    40352: "Location40352",
    40353: "Location40353",
    40323: "Location40323",
    40324: "Location40324",
    51024: "Location51024",
    16554: "TypeMismatch",
    16555: "Location16555",
    16608: "Location16608",
    16410: "Location16410",
    28667: "Location28667",
    28724: "Location28724",
    15998: "Location15998",
    15983: "Location15983",
    16020: "Location16020",
    16006: "Location16006",
    40181: "Location40181",
    40234: "Location40234",
    15952: "Location15952",
    15955: "Location15955",
    5107200: "Location5107200",
    4822819: "Location4822819",
}


class MongoError(Exception):
    """A command failure with MongoDB's code, codeName and message, plus any extra reply fields."""

    def __init__(self, code: int, errmsg: str, **extra: Any) -> None:
        super().__init__(errmsg)
        self.code = code
        self.errmsg = errmsg
        self.extra = extra

    @property
    def code_name(self) -> str:
        return CODE_NAMES.get(self.code, f"Location{self.code}")

    def reply(self) -> dict:
        out = {"ok": 0.0, "errmsg": self.errmsg, "code": self.code, "codeName": self.code_name}
        out.update(self.extra)
        return out

    def write_error(self, index: int) -> dict:
        out = {"index": index, "code": self.code, "errmsg": self.errmsg}
        out.update(self.extra)
        return out


def bad_value(msg: str) -> MongoError:
    return MongoError(2, msg)


def failed_to_parse(msg: str) -> MongoError:
    return MongoError(9, msg)


def type_mismatch(msg: str) -> MongoError:
    return MongoError(14, msg)
