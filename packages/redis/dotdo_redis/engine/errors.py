"""Redis's error replies, word for word: clients match on these strings."""
from __future__ import annotations


class RedisError(Exception):
    """An error reply. `message` is the whole text after '-', e.g. 'ERR syntax error'."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def err(text: str) -> RedisError:
    return RedisError(f"ERR {text}")


WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
SYNTAX = "ERR syntax error"
NOT_INTEGER = "ERR value is not an integer or out of range"
NOT_FLOAT = "ERR value is not a valid float"
OVERFLOW = "ERR increment or decrement would overflow"
NO_SUCH_KEY = "ERR no such key"
CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot"
EXECABORT = "EXECABORT Transaction discarded because of previous errors."
INVALID_EXPIRE = "ERR invalid expire time in '{}' command"
INDEX_OUT_OF_RANGE = "ERR index out of range"
NESTED_MULTI = "ERR MULTI calls can not be nested"
EXEC_WITHOUT_MULTI = "ERR EXEC without MULTI"
DISCARD_WITHOUT_MULTI = "ERR DISCARD without MULTI"
WATCH_IN_MULTI = "ERR WATCH inside MULTI is not allowed"
DB_INDEX = "ERR DB index is out of range"
MIN_MAX_NOT_FLOAT = "ERR min or max is not a float"
MIN_MAX_NOT_STRING = "ERR min or max not valid string range item"


def wrong_arity(name: str) -> RedisError:
    return RedisError(f"ERR wrong number of arguments for '{name}' command")


def unknown_command(name: bytes, args: list[bytes]) -> RedisError:
    shown = " ".join(f"'{a.decode('utf-8', 'replace')[:128]}'" for a in args[:20])
    return RedisError(f"ERR unknown command '{name.decode('utf-8', 'replace')[:128]}', with args beginning with: {shown}" + (" " if shown else ""))


def unknown_subcommand(sub: bytes, container: str) -> RedisError:
    return RedisError(
        f"ERR unknown subcommand '{sub.decode('utf-8', 'replace')[:128]}'. Try {container.upper()} HELP."
    )


def storage_error(exc: BaseException) -> RedisError | None:
    """The reply for a failure of the storage itself (not of a command), or None for anything else.
    Redis answers persistence failures with MISCONF; a data directory locked by another process
    past the busy timeout has no Redis equivalent, so it is an ERR that says so."""
    import apsw

    if isinstance(exc, apsw.FullError):
        return RedisError("MISCONF Errors writing to the data directory: database or disk is full. "
                          "Commands that may modify the data set are disabled until space is freed.")
    if isinstance(exc, apsw.BusyError):
        return RedisError("ERR the data directory is locked by another process (SQLite busy timeout); the write was not applied")
    if isinstance(exc, (apsw.IOError, apsw.CantOpenError, apsw.ReadOnlyError)):
        return RedisError(f"MISCONF Errors writing to the data directory: {exc}")
    return None
