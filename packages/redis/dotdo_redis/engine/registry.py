"""The command table. Each command is one function with a declarative registration:

    @command("getrange", arity=4, flags="readonly", keys=(1, 1, 1))
    def getrange(ctx: Ctx, key: bytes, start: bytes, end: bytes) -> Reply: ...

`arity` follows Redis: N means exactly N words including the name, -N at least N.
`keys` is Redis's (first, last, step) key spec (last -1 = the last argument, -2 the one
before ...), or a function argv → keys for commands whose keys depend on their arguments
(numkeys, STREAMS ...), or None for keyless commands. The executor uses the keys to pick
the shard, refuse CROSSSLOT, and record WATCH versions; a command receives a Keyspace for
that shard in `ctx.ks`. Keyless commands get `ctx.ks = None` and reach the shards through
`ctx.engine`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Union

KeySpec = Union[tuple[int, int, int], Callable[[list[bytes]], list[bytes]], None]

FLAG_WORDS = {
    "write", "readonly", "denyoom", "admin", "pubsub", "noscript", "blocking", "loading", "stale",
    "fast", "no-multi", "allow-busy", "no-auth", "movablekeys", "keyless",
}


@dataclass
class Command:
    name: str
    fn: Callable
    arity: int
    flags: frozenset[str]
    keys: KeySpec
    group: str

    def __post_init__(self) -> None:
        # Read once: the executor checks it on every command (subclasses may override `write`).
        self.writes = self.write

    @property
    def write(self) -> bool:
        return "write" in self.flags

    def key_args(self, argv: list[bytes]) -> list[bytes]:
        """The keys among argv (argv[0] is the command name)."""
        spec = self.keys
        if spec is None:
            return []
        if callable(spec):
            return spec(argv)
        first, last, step = spec
        end = len(argv) + last if last < 0 else last
        return argv[first : end + 1 : step]


COMMANDS: dict[bytes, Command] = {}


def command(name: str, arity: int, flags: str = "", keys: KeySpec = (1, 1, 1), group: str = "") -> Callable:
    words = frozenset(flags.split())
    unknown = words - FLAG_WORDS
    if unknown:
        raise ValueError(f"unknown flags {unknown} on {name}")

    def register(fn: Callable) -> Callable:
        key = name.lower().encode()
        if key in COMMANDS:
            raise ValueError(f"command {name} registered twice")
        COMMANDS[key] = Command(name.lower(), fn, arity, words, keys, group or fn.__module__.rsplit(".", 1)[-1])
        return fn

    return register


def numkeys_at(index: int, *, offset: int = 1) -> Callable[[list[bytes]], list[bytes]]:
    """Keys spec for `CMD [dest] numkeys key [key ...]`: the count at argv[index], keys right after."""

    def keys(argv: list[bytes]) -> list[bytes]:
        try:
            n = int(argv[index])
        except (ValueError, IndexError):
            return []
        return argv[index + offset : index + offset + max(n, 0)]

    return keys


def all_names() -> Iterable[str]:
    return sorted(c.name for c in COMMANDS.values())
