"""docs/conformance.md's Redis section: the commands dotdo implements beside Redis 7.0's list."""
from __future__ import annotations

from pathlib import Path

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "redis" / "commands-7.0.txt"


def redis_70_commands() -> list[str]:
    """Top-level command names; `container|sub` entries are subcommands, dispatched by their container."""
    return [c for c in (line.strip().lower() for line in VECTORS.read_text().splitlines()) if c and "|" not in c]


def extra_markdown() -> str:
    from dotdo_redis.engine.registry import COMMANDS

    ours = {c.name for c in COMMANDS.values()}
    theirs = redis_70_commands()
    done = [c for c in theirs if c in ours]
    missing = [c for c in theirs if c not in ours]
    extra = sorted(ours - set(theirs))
    lines = [
        "### Redis 7.0 commands",
        "",
        f"dotdo implements {len(done)} of Redis 7.0.15's {len(theirs)} commands (`COMMAND LIST`). Every command "
        "not implemented answers `ERR unknown command '<name>', with args beginning with: ...`, exactly as Redis "
        "answers a name it does not know (checked by packages/redis/tests/test_command_table.py).",
        "",
        "Implemented: " + ", ".join(f"`{c}`" for c in done),
        "",
        "Not implemented: " + (", ".join(f"`{c}`" for c in missing) or "none"),
        "",
        "Partly: `DUMP` and `RESTORE` move strings, lists, sets, hashes and sorted sets as Redis's payloads both "
        "ways (Redis's compact encodings read, plain ones written), but not streams, and `RESTORE` refuses "
        "`IDLETIME` and `FREQ` (dotdo keeps no access time or frequency); each answers an error that names it. "
        "`CLUSTER` answers, for a database with several shards, as a cluster of one master holding every slot "
        "(redis-py's RedisCluster connects to `dotdo serve`); subcommands that change a cluster's shape answer an "
        "error naming them, and a one-shard (standalone) database answers Redis's \"cluster support disabled\". `LATENCY` answers "
        "as Redis does with latency monitoring off (its default, the only setting dotdo has); `LATENCY HISTOGRAM` "
        "answers an error naming it (no per-command histograms are kept). `MONITOR` shows what this process "
        "runs (a data directory shared by several processes: each monitor sees its own process's commands).",
    ]
    if extra:
        lines += ["", "Beyond 7.0's list: " + ", ".join(f"`{c}`" for c in extra)]
    return "\n".join(lines)
