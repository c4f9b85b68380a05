"""Consumer groups: XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM."""
from __future__ import annotations

from ...storage import Keyspace
from ..args import to_int
from ..context import Ctx
from ..errors import SYNTAX, RedisError, unknown_subcommand, wrong_arity
from ..registry import COMMANDS, Command, command
from ..replies import NULL_ARRAY, OK
from .streams import blocked, in_script, may_block, parse_read, start_waiting, stop_waiting, waiting_state, read_keys, stream_reply
from .streams_ids import MAX_ID, MIN_ID, StreamID, fmt, incr, parse_id, start_bound, end_bound, strict_id
from .streams_store import Group, Stream, text

NEED_KEY = (
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use "
    "the MKSTREAM option to create an empty stream automatically."
)


def subcommand_syntax(argv: list[bytes]) -> RedisError:
    return RedisError(
        f"ERR unknown subcommand or wrong number of arguments for '{text(argv[1])[:128]}'. "
        f"Try {text(argv[0]).upper()} HELP."
    )


def nogroup(key: bytes, group: bytes) -> RedisError:
    return RedisError(f"NOGROUP No such key '{text(key)}' or consumer group '{text(group)}'")


# -- XGROUP ----------------------------------------------------------------------------

XGROUP_ARITY = {b"create": -5, b"setid": -5, b"destroy": 4, b"createconsumer": 5, b"delconsumer": 5, b"help": 2}

XGROUP_HELP = [
    b"XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    b"CREATE <key> <groupname> <id|$> [option]",
    b"    Create a new consumer group. Options are:",
    b"    * MKSTREAM",
    b"      Create the empty stream if it does not exist.",
    b"    * ENTRIESREAD entries_read",
    b"      Set the group's entries_read counter (internal use).",
    b"CREATECONSUMER <key> <groupname> <consumer>",
    b"    Create a new consumer in the specified group.",
    b"DELCONSUMER <key> <groupname> <consumer>",
    b"    Remove the specified consumer.",
    b"DESTROY <key> <groupname>",
    b"    Remove the specified group.",
    b"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    b"    Set the current group ID and entries_read counter.",
    b"HELP",
    b"    Prints this help.",
]


def check_sub_arity(argv: list[bytes], table: dict[bytes, int], container: str) -> bytes:
    sub = argv[1].lower()
    arity = table.get(sub)
    if arity is None:
        raise unknown_subcommand(argv[1], container)
    n = len(argv)
    if (arity > 0 and n != arity) or (arity < 0 and n < -arity):
        raise wrong_arity(f"{container}|{sub.decode()}")
    return sub


def sub_key(table: dict[bytes, int]):
    def keys(argv: list[bytes]) -> list[bytes]:
        if len(argv) > 2 and argv[1].lower() in table and argv[1].lower() != b"help":
            return [argv[2]]
        return []

    return keys


def _entries_read(arg: bytes) -> int:
    v = to_int(arg)
    if v < 0 and v != -1:
        raise RedisError("ERR value for ENTRIESREAD must be positive or -1")
    return v


@command("xgroup", arity=-2, flags="write", keys=sub_key(XGROUP_ARITY))
def xgroup(ctx: Ctx, subcommand: bytes, *args: bytes):
    argv = ctx.argv
    sub = check_sub_arity(argv, XGROUP_ARITY, "xgroup")
    argc = len(argv)
    if sub == b"help":
        return list(XGROUP_HELP)
    mkstream = False
    entries_read = -1
    if sub == b"create":
        i = 5
        while i < argc:
            if argv[i].lower() == b"mkstream":
                mkstream = True
                i += 1
            elif argv[i].lower() == b"entriesread" and i + 1 < argc:
                entries_read = _entries_read(argv[i + 1])
                i += 2
            else:
                raise subcommand_syntax(argv)
    elif sub == b"setid":
        i = 5
        while i < argc:
            if argv[i].lower() == b"entriesread" and i + 1 < argc:
                entries_read = _entries_read(argv[i + 1])
                i += 2
            else:
                raise subcommand_syntax(argv)
    ks = ctx.ks
    key, name = argv[2], argv[3]
    s = Stream.load(ks, key)
    if s is None and not (sub == b"create" and mkstream):
        raise RedisError(NEED_KEY)
    g = s.group(name) if s is not None else None
    if g is None and sub in (b"setid", b"createconsumer", b"delconsumer"):
        raise RedisError(f"NOGROUP No such consumer group '{text(name)}' for key name '{text(key)}'")
    if sub == b"create":
        if argc > 8:
            raise subcommand_syntax(argv)
        if argv[4] == b"$":
            last = s.meta.last if s is not None else MIN_ID
        else:
            last = strict_id(argv[4])
        if s is None:
            s = Stream.create(ks, key)
        if g is not None:
            raise RedisError("BUSYGROUP Consumer Group name already exists")
        s.add_group(name, last, None if entries_read == -1 else entries_read)
        return OK
    if sub == b"setid":
        if argc not in (5, 7):
            raise subcommand_syntax(argv)
        last = s.meta.last if argv[4] == b"$" else parse_id(argv[4])[0]
        g.last = last
        g.entries_read = None if entries_read == -1 else entries_read
        g.save()
        return OK
    if sub == b"destroy":
        if g is None:
            return 0
        g.destroy()
        return 1
    if sub == b"createconsumer":
        return 1 if g.create_consumer(argv[4], ctx.now_ms) else 0
    return g.delete_consumer(argv[4])


# -- XREADGROUP ----------------------------------------------------------------------

READ_ONLY_SCRIPTS = {b"eval_ro", b"evalsha_ro", b"fcall_ro"}


class _ReadFirst(Command):
    """XREADGROUP writes (PEL, group position, consumers) only when it delivers something. It runs
    on a reader and opens its own write transaction when there is something to deliver, so a
    client that blocks commits nothing — an empty commit would wake every other blocked client."""

    @property
    def write(self) -> bool:
        return False


def _resolve(ks: Keyspace, argv: list[bytes], a, waiting: bool = False) -> list[tuple[bytes, Stream, Group, StreamID | None]]:
    """Per stream (key, stream, group, history-start-or-None for '>'), checking in Redis's order.
    `waiting`: a retry of a blocked call, which Redis ends with its own errors when the key or group went."""
    n = a.nstreams
    out = []
    seen: dict[bytes, tuple[Stream | None, Group | None]] = {}  # a key named twice shares its state
    for j in range(n):
        key = argv[a.streams_at + j]
        raw = argv[a.streams_at + n + j]
        if key not in seen:
            if waiting and ks.type_of(key) != "stream":
                raise RedisError("UNBLOCKED the stream key no longer exists")
            s = Stream.load(ks, key)
            seen[key] = (s, s.group(a.group) if s is not None else None)
        s, g = seen[key]
        if g is None and waiting:
            raise RedisError("NOGROUP the consumer group this client was blocked on no longer exists")
        if g is None:
            raise RedisError(
                f"NOGROUP No such key '{text(key)}' or consumer group '{text(a.group)}' in XREADGROUP with GROUP option"
            )
        if raw == b"$":
            raise RedisError(
                "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this "
                "consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just "
                "return an empty result set."
            )
        if raw == b">":
            out.append((key, s, g, None))
        else:
            out.append((key, s, g, strict_id(raw)))
    return out


def _servable(s: Stream, g: Group, history: StreamID | None) -> bool:
    if history is not None and history != MAX_ID:
        return True
    if not s.meta.length:
        return False
    top = s.last_entry_id()
    return top is not None and top > g.last


def _deliver(ctx: Ctx, ks: Keyspace, a, targets) -> list:
    served = []
    now = ctx.now_ms
    for key, s, g, history in targets:
        if not _servable(s, g, history):
            continue
        g.touch_consumer(a.consumer, now)
        if history is not None and history != MAX_ID:
            start = incr(history)
            entries = []
            if start is not None:
                for i, _who, _t, n in g.pending(start, MAX_ID, a.count, consumer=a.consumer):
                    entry = s.get(i)
                    if entry is None:
                        entries.append([fmt(i), NULL_ARRAY])
                    else:
                        g.set_pending(i, a.consumer, now, n + 1)
                        entries.append(entry)
            served.append((key, entries))
            continue
        start = incr(g.last)
        rows = s.range_with_ids(start, MAX_ID, a.count) if start is not None else []
        for i, _entry in rows:
            g.advance(i)
            if not a.noack:
                g.set_pending(i, a.consumer, now, 1)
        g.save()
        served.append((key, [entry for _, entry in rows]))
    return served


@command("xreadgroup", arity=-7, flags="write blocking movablekeys", keys=read_keys)
def xreadgroup(ctx: Ctx, *args: bytes):
    argv = ctx.argv
    script = in_script(ctx)
    if script and ctx.session.last_cmd in READ_ONLY_SCRIPTS:
        # The script runner sees XREADGROUP as a reader (see _ReadFirst), so refuse here as it would.
        raise RedisError("ERR Write commands are not allowed from read-only scripts.")
    a = parse_read(argv, group=True, script=script)
    ks = ctx.ks
    waiting = waiting_state(ctx) is not None
    try:
        targets = _resolve(ks, argv, a, waiting)
    except RedisError:
        stop_waiting(ctx)
        raise
    served = []
    if any(_servable(s, g, h) for _, s, g, h in targets):
        with ks.tables.shard.write() as tx:
            wks = Keyspace(ks.tables, tx.conn, tx, ks.db, ctx.now_ms)
            served = _deliver(ctx, wks, a, _resolve(wks, argv, a, waiting))
    if served:
        stop_waiting(ctx)
        return stream_reply(ctx, served)
    if a.timeout is None or not may_block(ctx):
        return NULL_ARRAY
    start_waiting(ctx, True)
    return blocked(ctx, a.timeout)


COMMANDS[b"xreadgroup"].__class__ = _ReadFirst


# -- XACK / XPENDING ----------------------------------------------------------------------

@command("xack", arity=-4, flags="write fast")
def xack(ctx: Ctx, key: bytes, group: bytes, *ids: bytes):
    s = Stream.load(ctx.ks, key)
    g = s.group(group) if s is not None else None
    if g is None:
        return 0
    parsed = [strict_id(i) for i in ids]
    return sum(1 for i in dict.fromkeys(parsed) if g.ack(i))


@command("xpending", arity=-3, flags="readonly")
def xpending(ctx: Ctx, key: bytes, group: bytes, *rest: bytes):
    argc = len(ctx.argv)
    if argc != 3 and (argc < 6 or argc > 9):
        raise RedisError(SYNTAX)
    consumer = None
    minidle = 0
    count = 0
    start, end = MIN_ID, MAX_ID
    if argc >= 6:
        at = 0
        if rest[0].lower() == b"idle":
            minidle = to_int(rest[1])
            if argc < 8:
                raise RedisError(SYNTAX)
            at = 2
        count = max(to_int(rest[at + 2]), 0)
        start = start_bound(rest[at])
        end = end_bound(rest[at + 1])
        if at + 3 < len(rest):
            consumer = rest[at + 3]
    s = Stream.load(ctx.ks, key)
    g = s.group(group) if s is not None else None
    if g is None:
        raise nogroup(key, group)
    if argc == 3:
        total = g.pending_count()
        if not total:
            return [0, None, None, NULL_ARRAY]
        lo, hi = g.pending_edges()  # type: ignore[misc]
        return [total, fmt(lo), fmt(hi), [[who, b"%d" % n] for who, n in g.pending_by_consumer()]]
    if consumer is not None and g.consumer_seen(consumer) is None:
        return []
    now = ctx.now_ms
    out = []
    if count <= 0:
        return out
    for i, who, t, n in g.pending(start, end, 0 if minidle else count, consumer=consumer):
        idle = now - t
        if minidle and idle < minidle:
            continue
        out.append([fmt(i), who, max(idle, 0), n])
        if len(out) >= count:
            break
    return out


# -- XCLAIM / XAUTOCLAIM ----------------------------------------------------------------

def _valid_strict(arg: bytes) -> bool:
    try:
        strict_id(arg)
        return True
    except RedisError:
        return False


@command("xclaim", arity=-6, flags="write fast")
def xclaim(ctx: Ctx, key: bytes, group: bytes, consumer: bytes, min_idle: bytes, *rest: bytes):
    s = Stream.load(ctx.ks, key)
    g = s.group(group) if s is not None else None
    if g is None:
        raise nogroup(key, group)
    minidle = max(to_int(min_idle, "ERR Invalid min-idle-time argument for XCLAIM"), 0)
    j = 0
    while j < len(rest) and _valid_strict(rest[j]):
        j += 1
    ids = [strict_id(x) for x in rest[:j]]
    now = ctx.now_ms
    force = justid = False
    retrycount = -1
    deliverytime = -1
    last_id = MIN_ID
    while j < len(rest):
        more = len(rest) - 1 - j
        opt = rest[j].lower()
        if opt == b"force":
            force = True
        elif opt == b"justid":
            justid = True
        elif opt == b"idle" and more:
            j += 1
            deliverytime = now - to_int(rest[j], "ERR Invalid IDLE option argument for XCLAIM")
        elif opt == b"time" and more:
            j += 1
            deliverytime = to_int(rest[j], "ERR Invalid TIME option argument for XCLAIM")
        elif opt == b"retrycount" and more:
            j += 1
            retrycount = to_int(rest[j], "ERR Invalid RETRYCOUNT option argument for XCLAIM")
        elif opt == b"lastid" and more:
            j += 1
            last_id = strict_id(rest[j])
        else:
            raise RedisError(f"ERR Unrecognized XCLAIM option '{text(rest[j])}'")
        j += 1
    if last_id > g.last:
        g.last = last_id
        g.save()
    if deliverytime == -1 or deliverytime < 0 or deliverytime > now:
        deliverytime = now
    out = []
    consumer_ready = False
    for i in ids:
        nack = g.pending_entry(i)
        entry = s.get(i)
        if entry is None:
            if nack is not None:
                g.ack(i)
            continue
        if nack is None:
            if not force:
                continue
            owner, count = None, 1
        else:
            owner, t, count = nack
            if minidle and now - t < minidle:
                continue
        if not consumer_ready:
            g.touch_consumer(consumer, now)
            consumer_ready = True
        if retrycount >= 0:
            count = retrycount
        elif not justid:
            count += 1
        g.set_pending(i, consumer, deliverytime, count)
        out.append(fmt(i) if justid else entry)
    return out


@command("xautoclaim", arity=-6, flags="write fast")
def xautoclaim(ctx: Ctx, key: bytes, group: bytes, consumer: bytes, min_idle: bytes, start_arg: bytes, *opts: bytes):
    minidle = max(to_int(min_idle, "ERR Invalid min-idle-time argument for XAUTOCLAIM"), 0)
    start = start_bound(start_arg)
    count = 100
    justid = False
    j = 0
    while j < len(opts):
        more = len(opts) - 1 - j
        opt = opts[j].lower()
        if opt == b"count" and more:
            count = to_int(opts[j + 1], "ERR COUNT must be > 0")
            if not 1 <= count <= (1 << 63) // 16 - 1:
                raise RedisError("ERR COUNT must be > 0")
            j += 1
        elif opt == b"justid":
            justid = True
        else:
            raise RedisError(SYNTAX)
        j += 1
    s = Stream.load(ctx.ks, key)
    g = s.group(group) if s is not None else None
    if g is None:
        raise nogroup(key, group)
    now = ctx.now_ms
    attempts = count * 10
    claimed: list = []
    deleted: list[bytes] = []
    consumer_ready = False
    walk = _pel_walk(g, start, min(count * 10, 1000))
    eof = False
    while attempts > 0 and count > 0:
        attempts -= 1
        item = next(walk, None)
        if item is None:
            eof = True
            break
        i, _owner, t, n = item
        entry = s.get(i)
        if entry is None:
            g.ack(i)
            deleted.append(fmt(i))
            count -= 1
            continue
        if minidle and now - t < minidle:
            continue
        if not consumer_ready:
            g.touch_consumer(consumer, now)
            consumer_ready = True
        g.set_pending(i, consumer, now, n if justid else n + 1)
        claimed.append(fmt(i) if justid else entry)
        count -= 1
    # The cursor is the PEL entry after the last one examined (0-0 at the end), as Redis's iterator gives it.
    after = None if eof else next(walk, None)
    next_id = None if after is None else after[0]
    return [fmt(next_id) if next_id is not None else b"0-0", claimed, deleted]


def _pel_walk(g: Group, start: StreamID, batch: int):
    """The group's pending entries from `start` in id order, read in batches (rows may change between)."""
    cursor: StreamID | None = start
    while cursor is not None:
        rows = g.pending(cursor, MAX_ID, batch)
        if not rows:
            return
        yield from rows
        cursor = incr(rows[-1][0])
