"""MULTI / EXEC / DISCARD / WATCH / UNWATCH.

EXEC runs the queue inside one write transaction on the shard its keys live on (CROSSSLOT
if they span slots in cluster mode) and checks the WATCHed versions inside that same
transaction, so no writer — in this process or another — can slip in between the check
and the commands."""
from __future__ import annotations

import time

from ..context import Ctx
from ..errors import (
    DISCARD_WITHOUT_MULTI, EXEC_WITHOUT_MULTI, EXECABORT, NESTED_MULTI, WATCH_IN_MULTI, RedisError,
)
from ..registry import COMMANDS, command
from ..replies import NULL_ARRAY, OK
from ...storage import Keyspace


@command("multi", arity=1, flags="fast", keys=None)
def multi(ctx: Ctx):
    s = ctx.session
    if s.multi is not None:
        raise RedisError(NESTED_MULTI)
    s.multi = []
    s.multi_error = False
    return OK


@command("discard", arity=1, flags="fast", keys=None)
def discard(ctx: Ctx):
    s = ctx.session
    if s.multi is None:
        raise RedisError(DISCARD_WITHOUT_MULTI)
    s.multi = None
    s.multi_error = False
    s.watched.clear()
    return OK


@command("watch", arity=-2, flags="fast", keys=(1, -1, 1))
def watch(ctx: Ctx, *keys: bytes):
    s = ctx.session
    if s.multi is not None:
        raise RedisError(WATCH_IN_MULTI)
    for key in keys:
        if (s.db, key) not in s.watched:
            s.watched[(s.db, key)] = ctx.ks.version(key)
    return OK


@command("unwatch", arity=1, flags="fast", keys=None)
def unwatch(ctx: Ctx):
    ctx.session.watched.clear()
    return OK


@command("exec", arity=1, flags="", keys=None)
def exec_(ctx: Ctx):
    s = ctx.session
    if s.multi is None:
        raise RedisError(EXEC_WITHOUT_MULTI)
    queue, errored = s.multi, s.multi_error
    s.multi = None
    s.multi_error = False
    watched = dict(s.watched)
    s.watched.clear()
    if errored:
        raise RedisError(EXECABORT)
    engine = ctx.engine
    queued = [(COMMANDS[argv[0].lower()], argv) for argv in queue]
    keys = [k for cmd, argv in queued for k in cmd.key_args(argv)] + [key for (_, key) in watched]
    index = engine.shard_index_for(keys)
    tables = engine.tables[index]
    with tables.shard.write() as tx:
        for (db, key), version in watched.items():
            if Keyspace(tables, tx.conn, tx, db, ctx.now_ms).version(key) != version:
                return NULL_ARRAY
        replies = []
        slowlog = engine.slowlog
        for cmd, argv in queued:
            started = time.perf_counter_ns()
            try:
                replies.append(engine.run(cmd, s, argv, None, in_batch=True))
            except RedisError as e:
                replies.append(e)
            slowlog.note(s, argv, started)
        return replies
