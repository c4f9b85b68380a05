"""XINFO STREAM [FULL [COUNT n]] / GROUPS / CONSUMERS / HELP, with Redis 7.0's fields in its order."""
from __future__ import annotations

from ..args import to_int
from ..context import Ctx
from ..errors import NO_SUCH_KEY, RedisError
from ..registry import command
from ..replies import Map
from .streams_groups import check_sub_arity, sub_key, subcommand_syntax
from .streams_ids import MAX_ID, MIN_ID, fmt
from .streams_store import Stream, text

XINFO_ARITY = {b"stream": -3, b"groups": 3, b"consumers": 4, b"help": 2}

XINFO_HELP = [
    b"XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    b"CONSUMERS <key> <groupname>",
    b"    Show consumers of <groupname>.",
    b"GROUPS <key>",
    b"    Show the stream consumer groups.",
    b"STREAM <key> [FULL [COUNT <count>]",
    b"    Show information about the stream.",
    b"HELP",
    b"    Prints this help.",
]


def rax_nodes(keys: list[bytes]) -> int:
    """Nodes of the radix tree Redis keeps for these (sorted, 16-byte) node keys: compressed
    chains count once, each branching point once, each key end once; an empty tree is one node."""
    if not keys:
        return 1
    return _subtree(keys, 0)


def _subtree(keys: list[bytes], depth: int) -> int:
    if len(keys) == 1:
        return 1 if depth >= len(keys[0]) else 2
    first, last = keys[0], keys[-1]
    common = 0
    while depth + common < len(first) and first[depth + common] == last[depth + common]:
        common += 1
    total = (1 if common else 0) + 1
    at = depth + common
    group: list[bytes] = []
    for k in keys:
        if group and k[at] != group[0][at]:
            total += _subtree(group, at + 1)
            group = []
        group.append(k)
    return total + _subtree(group, at + 1)


@command("xinfo", arity=-2, flags="readonly", keys=sub_key(XINFO_ARITY))
def xinfo(ctx: Ctx, subcommand: bytes, *args: bytes):
    argv = ctx.argv
    sub = check_sub_arity(argv, XINFO_ARITY, "xinfo")
    if sub == b"help":
        return list(XINFO_HELP)
    key = argv[2]
    s = Stream.load(ctx.ks, key)
    if s is None:
        raise RedisError(NO_SUCH_KEY)
    now = ctx.now_ms
    if sub == b"consumers":
        g = s.group(argv[3])
        if g is None:
            raise RedisError(f"NOGROUP No such consumer group '{text(argv[3])}' for key name '{text(key)}'")
        pending = dict(g.pending_by_consumer())
        return [
            Map({b"name": name, b"pending": pending.get(name, 0), b"idle": max(now - seen, 0)})
            for name, seen in g.consumers()
        ]
    if sub == b"groups":
        return [
            Map({
                b"name": g.name,
                b"consumers": g.consumer_count(),
                b"pending": g.pending_count(),
                b"last-delivered-id": fmt(g.last),
                b"entries-read": g.entries_read,
                b"lag": s.lag(g.last, g.entries_read),
            })
            for g in s.groups()
        ]
    full = False
    count = 10
    if len(argv) > 3:
        if argv[3].lower() != b"full":
            raise subcommand_syntax(argv)
        full = True
        if len(argv) > 4:
            if len(argv) != 6 or argv[4].lower() != b"count":
                raise subcommand_syntax(argv)
            count = max(to_int(argv[5]), 0)
    m = s.meta
    node_keys = s.node_keys()
    first = s.first_id()
    info = Map({
        b"length": m.length,
        b"radix-tree-keys": len(node_keys),
        b"radix-tree-nodes": rax_nodes(node_keys),
        b"last-generated-id": fmt(m.last),
        b"max-deleted-entry-id": fmt(m.maxdel),
        b"entries-added": m.added,
        b"recorded-first-entry-id": fmt(first or MIN_ID),
    })
    if not full:
        info[b"groups"] = s.group_count()
        head = s.range(MIN_ID, MAX_ID, 1)
        tail = s.range(MIN_ID, MAX_ID, 1, rev=True)
        info[b"first-entry"] = head[0] if head else None
        info[b"last-entry"] = tail[0] if tail else None
        return info
    info[b"entries"] = s.range(MIN_ID, MAX_ID, count)
    groups = []
    for g in s.groups():
        pel = g.pending(MIN_ID, MAX_ID, count)
        consumers = []
        for name, seen in g.consumers():
            mine = g.pending(MIN_ID, MAX_ID, count, consumer=name)
            consumers.append(Map({
                b"name": name,
                b"seen-time": seen,
                b"pel-count": g.pending_count(name),
                b"pending": [[fmt(i), t, n] for i, _who, t, n in mine],
            }))
        groups.append(Map({
            b"name": g.name,
            b"last-delivered-id": fmt(g.last),
            b"entries-read": g.entries_read,
            b"lag": s.lag(g.last, g.entries_read),
            b"pel-count": g.pending_count(),
            b"pending": [[fmt(i), who, t, n] for i, who, t, n in pel],
            b"consumers": consumers,
        }))
    info[b"groups"] = groups
    return info


def _list_container_subcommands() -> None:
    """COMMAND INFO/DOCS (server.py) list a container's subcommands from its SUBCOMMANDS table."""
    from . import server

    table = getattr(server, "SUBCOMMANDS", None)
    if isinstance(table, dict):
        # In the order Redis 7.0.15 lists them (its command dict's order).
        table.setdefault("xgroup", ("delconsumer", "create", "setid", "createconsumer", "help", "destroy"))
        table.setdefault("xinfo", ("groups", "help", "stream", "consumers"))


_list_container_subcommands()
