"""MongoDB's test fail points (`configureFailPoint`), for code that tests its own error handling.

mongod offers them with `enableTestCommands`; drivers' spec tests and users' retry tests rely on
them. dotdo keeps the ones whose effect it can produce faithfully:

- `failCommand`: the listed commands fail with `errorCode` (and the error labels mongod would
  attach, or the given `errorLabels`), close the connection without a reply (`closeConnection`),
  wait first (`blockConnection`/`blockTimeMS`), or run and then report `writeConcernError`;
  `appName` limits it to clients whose handshake named that application.
- `onPrimaryTransactionalWrite`: a retryable write closes its connection after it committed (the
  retry gets the recorded answer), or with `failBeforeCommitExceptionCode` is rolled back first.
- `failGetMoreAfterCursorCheckout`: getMore fails with `errorCode`.

Modes: "alwaysOn", "off", {times: n}, {skip: n}. Nothing here runs while no fail point is on."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import MongoError

SUPPORTED = ("failCommand", "onPrimaryTransactionalWrite", "failGetMoreAfterCursorCheckout")
FAIL_MESSAGE = "Failing command via 'failCommand' failpoint"

# ErrorCodes' RetriableError category (network, stepdown and shutdown errors): a retryable write
# failing with one of them is labelled RetryableWriteError.
RETRIABLE_CODES = {6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436}
# Errors after which a whole transaction may be retried (mongod's isTransientTransactionError).
# WriteConflict, LockTimeout, PreparedTransactionInProgress, and the snapshot errors
# (SnapshotTooOld, SnapshotUnavailable, StaleChunkHistory).
TRANSIENT_CODES = {24, 112, 267, 239, 246, 249}
# Errors a change stream resumes after (mongod labels them ResumableChangeStreamError on getMore).
RESUMABLE_CHANGE_STREAM_CODES = RETRIABLE_CODES | {43, 63, 150, 13388, 133, 234, 246, 40, 237, 280}
NO_SUCH_TRANSACTION = 251


class CloseConnection(Exception):
    """A fail point closes the client's connection without answering the command."""


class FailBeforeCommit(Exception):
    """onPrimaryTransactionalWrite rolls the write back before it commits (raised inside the
    write's transaction); then the connection closes, or the command fails with `code`."""

    def __init__(self, code: int, close: bool) -> None:
        super().__init__(code)
        self.code = code
        self.close = close


@dataclass
class FailPoint:
    """One configured fail point: how many more times it fires and what it does."""

    name: str
    data: dict
    times: int | None  # None: every time (alwaysOn / after the skips)
    skip: int = 0
    entered: int = 0
    commands: frozenset = field(default=frozenset())

    def fires(self) -> bool:
        """Count one matching command; whether the fail point acts on it."""
        if self.skip > 0:
            self.skip -= 1
            return False
        if self.times is not None:
            if self.times <= 0:
                return False
            self.times -= 1
        self.entered += 1
        return True

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.times <= 0 and self.skip <= 0


class FailPoints:
    """The fail points configured on one engine (shared by its tenants, like mongod's)."""

    def __init__(self) -> None:
        self.active: dict[str, FailPoint] = {}
        self.entered: dict[str, int] = {}

    def configure(self, body: dict) -> dict:
        name = body.get("configureFailPoint")
        if name not in SUPPORTED:
            raise MongoError(2, f"Cannot find failpoint: {name}" if isinstance(name, str) else
                             "configureFailPoint must be a string")
        data = body.get("data", {})
        if not isinstance(data, dict):
            raise MongoError(14, "'data' must be an object")
        times, skip = _mode(body.get("mode"))
        previous = self.active.pop(name, None)
        count = self.entered.get(name, 0) + (previous.entered if previous else 0)
        self.entered[name] = count
        if times != 0 or skip:
            commands = data.get("failCommands", [])
            if name == "failCommand" and not isinstance(commands, list):
                raise MongoError(14, "'failCommands' must be an array")
            self.active[name] = FailPoint(name, data, times, skip, 0, frozenset(commands))
        return {"count": count}

    def _take(self, name: str, connection: Any, command: str | None = None) -> dict | None:
        point = self.active.get(name)
        if point is None:
            return None
        if command is not None and command not in point.commands:
            return None
        app = point.data.get("appName")
        if app is not None and getattr(connection, "app_name", None) != app:
            return None
        fired = point.fires()
        if point.exhausted:
            self.entered[name] = self.entered.get(name, 0) + point.entered
            del self.active[name]
        return point.data if fired else None

    def command_fault(self, command: str, connection: Any) -> dict | None:
        """failCommand's data when it acts on this command, else None."""
        if command == "configureFailPoint":
            return None
        data = self._take("failCommand", connection, command)
        if data is None and command == "getMore" and "failGetMoreAfterCursorCheckout" in self.active:
            data = self._take("failGetMoreAfterCursorCheckout", connection)
        return data

    def write_fault(self, connection: Any) -> dict | None:
        """onPrimaryTransactionalWrite's data when it acts on this retryable write, else None."""
        return self._take("onPrimaryTransactionalWrite", connection)


def _mode(mode: Any) -> tuple[int | None, int]:
    """(times it fires, commands it lets pass first) for a mode; times None: unlimited."""
    if mode == "alwaysOn":
        return None, 0
    if mode == "off":
        return 0, 0
    if isinstance(mode, dict) and len(mode) == 1:
        (key, n), = mode.items()
        if key in ("times", "skip") and isinstance(n, int) and not isinstance(n, bool) and n >= 0:
            return (n, 0) if key == "times" else (None, n)
    raise MongoError(2, f"Failpoint mode must be 'off', 'alwaysOn', or an object with 'times' or 'skip': {mode!r}")


def error_labels(body: dict, code: int | None, wc_code: int | None = None) -> list[str]:
    """The labels mongod attaches to an error reply (code) or a write concern error (wc_code) of
    the command `body`: TransientTransactionError inside a transaction, RetryableWriteError for a
    retryable write or a transaction's commit/abort failing in a retryable way."""
    name = next(iter(body), "")
    in_txn = "txnNumber" in body and "autocommit" in body
    commit_or_abort = name in ("commitTransaction", "abortTransaction")
    labels = []
    if in_txn and code is not None and _transient(code, wc_code is not None, commit_or_abort):
        labels.append("TransientTransactionError")
    retryable_write = "txnNumber" in body and "autocommit" not in body
    if retryable_write or (in_txn and commit_or_abort):
        if code in RETRIABLE_CODES or wc_code in RETRIABLE_CODES:
            labels.append("RetryableWriteError")
    return labels


def _transient(code: int, has_wce: bool, commit_or_abort: bool) -> bool:
    if code in TRANSIENT_CODES:
        return True
    if commit_or_abort:
        return code == NO_SUCH_TRANSACTION and not has_wce
    return code in RETRIABLE_CODES or code == NO_SUCH_TRANSACTION


def failure(data: dict, body: dict, change_stream_cursor: bool = False) -> MongoError:
    """The error a fail point's `errorCode` makes the command answer."""
    code = data["errorCode"]
    after_checkout = "failCommands" not in data  # failGetMoreAfterCursorCheckout
    msg = "Hit failGetMoreAfterCursorCheckout fail point" if after_checkout else FAIL_MESSAGE
    extra: dict[str, Any] = {}
    if "errorLabels" in data:
        labels = list(data["errorLabels"])
    else:
        labels = error_labels(body, code)
        # Only once the cursor is checked out does mongod know the getMore is a change stream's
        # (failCommand fires before that): then a resumable error is labelled for the driver.
        if after_checkout and change_stream_cursor and code in RESUMABLE_CHANGE_STREAM_CODES:
            labels.append("ResumableChangeStreamError")
    if labels:
        extra["errorLabels"] = labels
    if isinstance(data.get("errorExtraInfo"), dict):
        extra.update(data["errorExtraInfo"])
    return MongoError(code, msg, **extra)


def add_write_concern_error(reply: dict, data: dict, body: dict) -> dict:
    """A command that ran, answered with failCommand's writeConcernError (and its labels)."""
    if reply.get("ok") != 1:
        return reply
    wce = dict(data["writeConcernError"])
    reply["writeConcernError"] = wce
    labels = list(data["errorLabels"]) if "errorLabels" in data else error_labels(body, None, wce.get("code"))
    if labels:
        reply["errorLabels"] = labels
    return reply
