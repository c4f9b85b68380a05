"""SLOWLOG GET / LEN / RESET / HELP over the engine's slow log (engine/slowlog.py)."""
from __future__ import annotations

from typing import Any

from ..args import to_int
from ..context import Ctx
from ..errors import RedisError, unknown_subcommand, wrong_arity
from ..registry import command
from ..replies import OK, Simple

HELP = [
    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
    "HELP",
    "    Prints this help.",
]
BAD_COUNT = "ERR count should be greater than or equal to -1"


def _count(arg: bytes) -> int | None:
    """GET's count: None for all (-1). Redis answers BAD_COUNT for anything but an integer ≥ -1."""
    count = to_int(arg, BAD_COUNT)
    if count < -1:
        raise RedisError(BAD_COUNT)
    return None if count == -1 else count


@command("slowlog", arity=-2, flags="admin loading stale", keys=None)
def slowlog(ctx: Ctx, sub: bytes, *args: bytes) -> Any:
    op = sub.lower()
    log = ctx.engine.slowlog
    if op == b"get":
        if len(args) > 1:
            raise RedisError(f"ERR unknown subcommand or wrong number of arguments for '{sub.decode('utf-8', 'replace')}'. Try SLOWLOG HELP.")
        return log.newest(_count(args[0]) if args else 10)
    if op in (b"len", b"reset", b"help") and args:
        raise wrong_arity(f"slowlog|{op.decode()}")
    if op == b"len":
        return len(log.entries)
    if op == b"reset":
        log.reset()
        return OK
    if op == b"help":
        return [Simple(line) for line in HELP]
    raise unknown_subcommand(sub, "slowlog")
