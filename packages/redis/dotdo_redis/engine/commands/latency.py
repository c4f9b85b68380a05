"""LATENCY with latency monitoring off — Redis's default (latency-monitor-threshold 0), the only
setting dotdo has: no spike is ever recorded, so LATEST and HISTORY are empty and RESET clears
nothing, exactly as Redis answers with monitoring off. Per-command histograms (HISTOGRAM, Redis's
latency-tracking) are not kept: that subcommand answers an error naming it."""
from __future__ import annotations

from typing import Any

from ..context import Ctx
from ..errors import RedisError, unknown_subcommand, wrong_arity
from ..registry import command
from ..replies import Verbatim

DOCTOR = ("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
          "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep "
          "space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n")
HELP = [
    b"LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    b"DOCTOR",
    b"    Return a human readable latency analysis report.",
    b"GRAPH <event>",
    b"    Return an ASCII latency graph for the <event> class.",
    b"HISTORY <event>",
    b"    Return time-latency samples for the <event> class.",
    b"LATEST",
    b"    Return the latest latency samples for all events.",
    b"RESET [<event> ...]",
    b"    Reset latency data of one or more <event> classes.",
    b"    (default: reset all data for all event classes)",
    b"HISTOGRAM [COMMAND ...]",
    b"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
    b"    If no commands are specified then all histograms are replied.",
    b"HELP",
    b"    Prints this help.",
]


@command("latency", arity=-2, flags="admin noscript loading stale", keys=None)
def latency(ctx: Ctx, sub: bytes, *args: bytes) -> Any:
    op = sub.lower()
    if op == b"latest" and not args:
        return []
    if op == b"history" and len(args) == 1:
        return []
    if op == b"reset":
        return 0
    if op == b"doctor" and not args:
        return Verbatim(DOCTOR)
    if op == b"graph" and len(args) == 1:
        raise RedisError(f"ERR No samples available for event '{args[0].decode('utf-8', 'replace')}'")
    if op == b"histogram":
        raise RedisError("ERR LATENCY HISTOGRAM is not supported by dotdo: it keeps no per-command latency histograms")
    if op == b"help" and not args:
        return list(HELP)
    if op in (b"latest", b"history", b"doctor", b"graph", b"help"):
        raise wrong_arity(f"latency|{op.decode()}")
    raise unknown_subcommand(sub, "latency")
