"""Stream commands without consumer groups: XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID, XREAD.

Consumer groups are in streams_groups.py, XINFO in streams_info.py, the rows in streams_store.py."""
from __future__ import annotations

import weakref
from typing import Any

from ..args import to_int
from ..context import Ctx
from ..errors import NO_SUCH_KEY, SYNTAX, RedisError, wrong_arity
from ..registry import command
from ..replies import NULL_ARRAY, OK, Map
from .streams_ids import MAX_ID, MIN_ID, U64, end_bound, fmt, incr, parse_id, start_bound, strict_id
from .streams_store import APPROX_LIMIT, Stream


# -- XADD / XTRIM argument parsing (streamParseAddOrTrimArgsOrReply) -------------------

class TrimArgs:
    __slots__ = ("maxlen", "minid", "approx", "limit", "nomkstream", "id", "seq_given", "id_given")

    def __init__(self) -> None:
        self.maxlen: int | None = None
        self.minid = None
        self.approx = False
        self.limit = 0
        self.nomkstream = False
        self.id = None
        self.seq_given = True
        self.id_given = False

    @property
    def trims(self) -> bool:
        return self.maxlen is not None or self.minid is not None


def parse_add_or_trim(argv: list[bytes], xadd: bool) -> tuple[TrimArgs, int]:
    a = TrimArgs()
    limit_given = False
    argc = len(argv)
    i = 2
    while i < argc:
        more = argc - 1 - i
        opt = argv[i]
        low = opt.lower()
        if xadd and opt == b"*":
            break
        if low == b"maxlen" and more:
            if a.trims:
                raise RedisError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
            a.approx = False
            if more >= 2 and argv[i + 1] in (b"~", b"="):
                a.approx = argv[i + 1] == b"~"
                i += 1
            a.maxlen = to_int(argv[i + 1])
            if a.maxlen < 0:
                raise RedisError("ERR The MAXLEN argument must be >= 0.")
            i += 1
        elif low == b"minid" and more:
            if a.trims:
                raise RedisError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
            a.approx = False
            if more >= 2 and argv[i + 1] in (b"~", b"="):
                a.approx = argv[i + 1] == b"~"
                i += 1
            a.minid = strict_id(argv[i + 1])
            i += 1
        elif low == b"limit" and more:
            a.limit = to_int(argv[i + 1])
            if a.limit < 0:
                raise RedisError("ERR The LIMIT argument must be >= 0.")
            limit_given = True
            i += 1
        elif xadd and low == b"nomkstream":
            a.nomkstream = True
        elif xadd:
            (a.id, a.seq_given) = parse_id(opt, strict=True, allow_auto_seq=True)
            a.id_given = True
            break
        else:
            raise RedisError(SYNTAX)
        i += 1
    if a.limit and not a.trims:
        raise RedisError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
    if not xadd and not a.trims:
        raise RedisError("ERR syntax error, XTRIM must be called with a trimming strategy")
    if limit_given:
        if not a.approx:
            raise RedisError("ERR syntax error, LIMIT cannot be used without the special ~ option")
    else:
        a.limit = APPROX_LIMIT if a.approx else 0
    return a, i


def next_auto_id(last: tuple[int, int], now_ms: int) -> tuple[int, int]:
    if now_ms > last[0]:
        return now_ms, 0
    return incr(last) or last


@command("xadd", arity=-5, flags="write denyoom fast")
def xadd(ctx: Ctx, key: bytes, *rest: bytes):
    argv = ctx.argv
    a, idpos = parse_add_or_trim(argv, xadd=True)
    field_pos = idpos + 1
    nfields = len(argv) - field_pos
    if nfields < 2 or nfields % 2:
        raise wrong_arity("xadd")
    if a.id_given and a.seq_given and a.id == (0, 0):
        raise RedisError("ERR The ID specified in XADD must be greater than 0-0")
    ks = ctx.ks
    s = Stream.load(ks, key)
    if s is None and a.nomkstream:
        return None
    last = s.meta.last if s is not None else (0, 0)
    if last == MAX_ID:
        raise RedisError("ERR The stream has exhausted the last possible ID, unable to add more items")
    if not a.id_given:
        new = next_auto_id(last, ctx.now_ms)
    elif a.seq_given:
        new = a.id
    elif a.id[0] == last[0]:
        if last[1] == U64:
            # Redis 7.0.15 fails this case without naming a cause, and XADD then reports its generic
            # append failure: this text, not "equal or smaller" (changed only in Redis 7.2)
            raise RedisError("ERR Elements are too large to be stored")
        new = (last[0], last[1] + 1)
    else:
        new = a.id
    if new <= last:
        raise RedisError("ERR The ID specified in XADD is equal or smaller than the target stream top item")
    if s is None:
        s = Stream.create(ks, key)
    s.append(new, list(argv[field_pos:]))
    if a.trims:
        s.trim(a.maxlen, a.minid, a.approx, a.limit)
    s.save()
    return fmt(new)


@command("xtrim", arity=-4, flags="write")
def xtrim(ctx: Ctx, key: bytes, *rest: bytes):
    a, _ = parse_add_or_trim(ctx.argv, xadd=False)
    s = Stream.load(ctx.ks, key)
    if s is None:
        return 0
    deleted = s.trim(a.maxlen, a.minid, a.approx, a.limit)
    if deleted:
        s.save()
    return deleted


@command("xdel", arity=-3, flags="write fast")
def xdel(ctx: Ctx, key: bytes, *ids: bytes):
    s = Stream.load(ctx.ks, key)
    if s is None:
        return 0
    parsed = [strict_id(i) for i in ids]
    deleted = 0
    for i in parsed:
        if s.delete(i):
            if i > s.meta.maxdel:
                s.meta.maxdel = i
            deleted += 1
    if deleted:
        s.save()
    return deleted


@command("xlen", arity=2, flags="readonly fast")
def xlen(ctx: Ctx, key: bytes):
    s = Stream.load(ctx.ks, key)
    return 0 if s is None else s.meta.length


def _range(ctx: Ctx, key: bytes, start_arg: bytes, end_arg: bytes, options: tuple[bytes, ...], rev: bool):
    start = start_bound(start_arg)
    end = end_bound(end_arg)
    count = -1
    j = 0
    while j < len(options):
        if options[j].lower() == b"count" and j + 1 < len(options):
            count = max(to_int(options[j + 1]), 0)
            j += 2
        else:
            raise RedisError(SYNTAX)
    s = Stream.load(ctx.ks, key)
    if s is None:
        return []
    if count == 0:
        return NULL_ARRAY
    return s.range(start, end, max(count, 0), rev)


@command("xrange", arity=-4, flags="readonly")
def xrange(ctx: Ctx, key: bytes, start: bytes, end: bytes, *options: bytes):
    return _range(ctx, key, start, end, options, rev=False)


@command("xrevrange", arity=-4, flags="readonly")
def xrevrange(ctx: Ctx, key: bytes, end: bytes, start: bytes, *options: bytes):
    return _range(ctx, key, start, end, options, rev=True)


@command("xsetid", arity=-3, flags="write denyoom fast")
def xsetid(ctx: Ctx, key: bytes, last: bytes, *options: bytes):
    new = strict_id(last)
    entries_added = -1
    maxdel = MIN_ID
    i = 0
    while i < len(options):
        more = len(options) - 1 - i
        opt = options[i].lower()
        if opt == b"entriesadded" and more:
            entries_added = to_int(options[i + 1])
            if entries_added < 0:
                raise RedisError("ERR entries_added must be positive")
        elif opt == b"maxdeletedid" and more:
            maxdel = strict_id(options[i + 1])
            if new < maxdel:
                raise RedisError("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
        else:
            raise RedisError(SYNTAX)
        i += 2
    s = Stream.load(ctx.ks, key)
    if s is None:
        raise RedisError(NO_SUCH_KEY)
    m = s.meta
    if m.length > 0:
        top = s.last_entry_id()
        if top is not None and new < top:
            raise RedisError("ERR The ID specified in XSETID is smaller than the target stream top item")
        if entries_added != -1 and m.length > entries_added:
            raise RedisError("ERR The entries_added specified in XSETID is smaller than the target stream length")
    m.last = new
    if entries_added != -1:
        m.added = entries_added
    if maxdel != MIN_ID:
        m.maxdel = maxdel
    s.save(signal=False)
    return OK


# -- XREAD ---------------------------------------------------------------------------

class ReadArgs:
    __slots__ = ("timeout", "count", "streams_at", "nstreams", "group", "consumer", "noack")

    def __init__(self) -> None:
        self.timeout: int | None = None  # ms; None: no BLOCK
        self.count = 0
        self.streams_at = 0
        self.nstreams = 0
        self.group: bytes | None = None
        self.consumer: bytes | None = None
        self.noack = False


SCRIPT_COMMANDS = {b"eval", b"evalsha", b"eval_ro", b"evalsha_ro", b"fcall", b"fcall_ro"}


def in_script(ctx: Ctx) -> bool:
    """Run by a script's redis.call (scripts run their commands directly, not through dispatch)."""
    return ctx.in_batch and ctx.session.last_cmd in SCRIPT_COMMANDS


def parse_read(argv: list[bytes], group: bool, script: bool = False) -> ReadArgs:
    """XREAD / XREADGROUP options up to STREAMS, with Redis's checks and texts."""
    a = ReadArgs()
    argc = len(argv)
    i = 1
    while i < argc:
        more = argc - i - 1
        o = argv[i].lower()
        if o == b"block" and more:
            if script:
                raise RedisError(f"ERR {argv[0].decode('utf-8', 'replace')} command is not allowed with BLOCK option from scripts")
            i += 1
            a.timeout = to_int(argv[i], "ERR timeout is not an integer or out of range")
            if a.timeout < 0:
                raise RedisError("ERR timeout is negative")
        elif o == b"count" and more:
            i += 1
            a.count = max(to_int(argv[i]), 0)
        elif o == b"streams" and more:
            a.streams_at = i + 1
            n = argc - a.streams_at
            if n % 2:
                # Redis 7.0 says XREAD and '$' for XREADGROUP too.
                raise RedisError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
            a.nstreams = n // 2
            break
        elif o == b"group" and more >= 2:
            if not group:
                raise RedisError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")
            a.group = argv[i + 1]
            a.consumer = argv[i + 2]
            i += 2
        elif o == b"noack":
            if not group:
                raise RedisError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")
            a.noack = True
        else:
            raise RedisError(SYNTAX)
        i += 1
    if a.streams_at == 0:
        raise RedisError(SYNTAX)
    if group and a.group is None:
        raise RedisError("ERR Missing GROUP option for XREADGROUP")
    return a


def read_keys(argv: list[bytes]) -> list[bytes]:
    """The stream keys of an XREAD/XREADGROUP (the first half after STREAMS)."""
    i, argc = 1, len(argv)
    while i < argc:
        o = argv[i].lower()
        if o in (b"block", b"count"):
            i += 2
            continue
        if o == b"group":
            i += 3
            continue
        if o == b"streams":
            n = argc - i - 1
            if n % 2:
                return []
            return argv[i + 1 : i + 1 + n // 2]
        i += 1
    return []


def may_block(ctx: Ctx) -> bool:
    """False inside MULTI/EXEC and scripts, where Redis answers a BLOCK as if it timed out.

    The engine marks pipeline batches (and the RESP server's batches) `in_batch` too, yet both
    handle a Blocked reply; commands there reach the engine through dispatch, which records
    them as the session's last command, while EXEC and scripts run theirs directly."""
    return not ctx.in_batch or ctx.session.last_cmd == ctx.argv[0].lower()


def blocked(ctx: Ctx, timeout_ms: int):
    """The Blocked marker (imported late: the engine package imports this module while it loads)."""
    from .. import Blocked

    return Blocked(ctx.engine.tables.index(ctx.ks.tables), None if timeout_ms == 0 else timeout_ms / 1000.0, NULL_ARRAY)


def stream_reply(ctx: Ctx, pairs: list[tuple[bytes, list]]):
    """XREAD's reply: an array of [key, entries] in RESP2, a map in RESP3."""
    if ctx.session.protocol == 3:
        return Map(pairs)
    return [[k, v] for k, v in pairs]


@command("xread", arity=-4, flags="readonly blocking movablekeys", keys=read_keys)
def xread(ctx: Ctx, *args: bytes):
    argv = ctx.argv
    a = parse_read(argv, group=False, script=in_script(ctx))
    ks = ctx.ks
    n = a.nstreams
    keys = argv[a.streams_at : a.streams_at + n]
    waiting = waiting_state(ctx)
    streams: list[Stream | None] = []
    after: list[tuple[int, int]] = []
    for j in range(n):
        raw = argv[a.streams_at + n + j]
        if waiting is not None:
            # A blocked XREAD keeps waiting through a deleted or retyped key, as Redis's does.
            s = Stream.load(ks, keys[j]) if ks.type_of(keys[j]) == "stream" else None
        else:
            s = Stream.load(ks, keys[j])
        streams.append(s)
        if waiting is not None:
            after.append(waiting[j])
        elif raw == b"$":
            after.append(s.meta.last if s is not None else MIN_ID)
        elif raw == b">":
            raise RedisError("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
        else:
            after.append(strict_id(raw))
    served = []
    for j, s in enumerate(streams):
        if s is None or not s.meta.length:
            continue
        top = s.last_entry_id()
        if top is None or top <= after[j]:
            continue
        start = incr(after[j])
        if start is None:
            continue
        served.append((keys[j], s.range(start, MAX_ID, a.count)))
    if served:
        stop_waiting(ctx)
        return stream_reply(ctx, served)
    if a.timeout is None or not may_block(ctx):
        return NULL_ARRAY
    # '$' means "after what was last when the command arrived": the retries keep these ids.
    start_waiting(ctx, after)
    return blocked(ctx, a.timeout)


# -- blocked clients' state between retries ---------------------------------------------
# The engine re-runs a blocked command with the same argv list until it stops blocking (or
# times out without calling it again). What a retry must remember — the ids '$' stood for,
# that it is a retry at all — is kept per session, tied to that argv object.
_waiting: "weakref.WeakKeyDictionary[object, tuple[list[bytes], Any]]" = weakref.WeakKeyDictionary()


def waiting_state(ctx: Ctx) -> Any:
    entry = _waiting.get(ctx.session)
    if entry is not None and entry[0] is ctx.argv:
        return entry[1]
    return None


def start_waiting(ctx: Ctx, state: Any) -> None:
    _waiting[ctx.session] = (ctx.argv, state)


def stop_waiting(ctx: Ctx) -> None:
    entry = _waiting.get(ctx.session)
    if entry is not None and entry[0] is ctx.argv:
        del _waiting[ctx.session]
