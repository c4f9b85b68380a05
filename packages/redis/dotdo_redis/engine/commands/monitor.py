"""MONITOR: every command this server runs, streamed to the clients that asked, as Redis prints it:
`<seconds>.<micros> [<db> <client address>] "arg" "arg" ...`, `lua` as the address of a script's
redis.call. As in Redis 7.0, a command shows once it ran (EXEC after what it ran), EVAL / FCALL
before their scripts' calls; commands refused before running (unknown, wrong arity) and admin
commands (CONFIG, CLIENT LIST, ACL ..., MONITOR itself) are not shown; AUTH / HELLO AUTH passwords
read "(redacted)". A server here is one process: commands other processes run on the same data
directory are not seen.
"""
from __future__ import annotations

import functools
import threading
import time
from typing import Any

from ..context import Ctx
from ..redact import redacted
from ..registry import command
from ..replies import OK, Simple
from .server import command_table


@functools.lru_cache(maxsize=1)
def _skipped() -> tuple[frozenset[bytes], frozenset[bytes]]:
    """Redis's admin commands and subcommands (the command table's "admin" flag): never shown.
    Read at the first command a monitor sees, not when the engine loads."""
    names, subs = set(), set()
    for name, spec in command_table().items():
        if "admin" in spec["flags"]:
            names.add(name.encode())
        for sub, sub_spec in spec.get("subcommands", {}).items():
            if "admin" in sub_spec["flags"]:
                subs.add(sub.encode())
    return frozenset(names), frozenset(subs)


# Shown before they run (the commands their scripts call follow): Redis's skip_monitor commands,
# which it feeds to monitors itself as the script starts.
SCRIPT_CALLERS = frozenset({"eval", "eval_ro", "evalsha", "evalsha_ro", "fcall", "fcall_ro"})
_ESCAPES = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x07: "\\a", 0x08: "\\b"}


def quote(arg: bytes) -> str:
    """An argument as Redis's sdscatrepr writes it."""
    out = ['"']
    for b in arg:
        escaped = _ESCAPES.get(b)
        out.append(escaped if escaped is not None else chr(b) if 32 <= b < 127 else f"\\x{b:02x}")
    out.append('"')
    return "".join(out)


class Monitors:
    """The engine's monitoring sessions (the engine checks `engine.monitors` before each command)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.lock = threading.Lock()

    def add(self, session: Any) -> None:
        with self.lock:
            if session not in self.engine.monitors:
                self.engine.monitors = self.engine.monitors + [session]

    def remove(self, session: Any) -> None:
        with self.lock:
            if session in self.engine.monitors:
                self.engine.monitors = [s for s in self.engine.monitors if s is not session]

    session_closed = remove
    session_reset = remove


def monitors_for(engine: Any) -> Monitors:
    hub = engine.extensions.get("monitors")
    if hub is None:
        hub = engine.extensions.setdefault("monitors", Monitors(engine))
    return hub


def feed(engine: Any, session: Any, argv: list[bytes], lua: bool) -> None:
    """Show one command to every monitoring session (not to the one that sent it, if it monitors)."""
    name = argv[0].lower()
    skipped, skipped_subcommands = _skipped()
    if name in skipped or (len(argv) > 1 and name + b"|" + argv[1].lower() in skipped_subcommands):
        return
    now = time.time()
    line = (f"{int(now)}.{int(now * 1_000_000) % 1_000_000:06d} [{session.db} {'lua' if lua else session.addr}] "
            + " ".join(quote(a) for a in redacted(argv)))
    for target in engine.monitors:
        if target is not session and not target.closed:
            target.deliver(Simple(line))


@command("monitor", arity=1, flags="admin noscript loading stale", keys=None)
def monitor(ctx: Ctx):
    monitors_for(ctx.engine).add(ctx.session)
    return OK
