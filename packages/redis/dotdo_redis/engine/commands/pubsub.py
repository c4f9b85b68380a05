"""Pub/sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB.

Subscribe-family commands answer with one message per channel, pushed to the session's
inbox (a Push frame in RESP3, an array in RESP2), and return NO_REPLY; the fan-out itself
lives in engine/pubsub_hub.py. They are refused inside MULTI: Redis 7.0 accepts them there
but then writes an EXEC reply whose element count does not match what follows (a stream no
client can parse), so dotdo answers "Command not allowed inside a transaction" instead."""
from __future__ import annotations

from dotdo_core.hashing import redis_slot

from ..context import Ctx
from ..errors import CROSSSLOT, RedisError, unknown_subcommand, wrong_arity
from ..pubsub_hub import CHANNEL, PATTERN, SHARD, glob_match, hub_for
from ..registry import command
from ..replies import NO_REPLY, Push


def _subscribe(ctx: Ctx, kind: str, verb: bytes, names: tuple[bytes, ...]):
    hub = hub_for(ctx.engine)
    s = ctx.session
    seen = set(hub.session_set(s, kind))
    hub.subscribe(s, kind, names)
    other = 0 if kind == SHARD else len(s.patterns if kind == CHANNEL else s.channels)
    for name in names:  # each reply carries the count after that one channel
        seen.add(name)
        s.deliver(Push([verb, name, len(seen) + other]))
    return NO_REPLY


def _unsubscribe(ctx: Ctx, kind: str, verb: bytes, names: tuple[bytes, ...]):
    hub = hub_for(ctx.engine)
    s = ctx.session
    mine = hub.session_set(s, kind)
    before = set(mine)
    asked = hub.unsubscribe(s, kind, names or None)
    if not asked:
        total = len(s.shard_channels) if kind == SHARD else len(s.channels) + len(s.patterns)
        s.deliver(Push([verb, None, total]))
        return NO_REPLY
    remaining = set(before)
    other = 0 if kind == SHARD else len(s.patterns if kind == CHANNEL else s.channels)
    for name in asked:
        remaining.discard(name)
        s.deliver(Push([verb, name, len(remaining) + other]))
    return NO_REPLY


@command("subscribe", arity=-2, flags="pubsub noscript loading stale no-multi", keys=None)
def subscribe(ctx: Ctx, *channels: bytes):
    return _subscribe(ctx, CHANNEL, b"subscribe", channels)


@command("psubscribe", arity=-2, flags="pubsub noscript loading stale no-multi", keys=None)
def psubscribe(ctx: Ctx, *patterns: bytes):
    return _subscribe(ctx, PATTERN, b"psubscribe", patterns)


def _same_slot(ctx: Ctx, channels: tuple[bytes, ...]) -> None:
    if ctx.engine.cluster and channels:
        slot = redis_slot(channels[0])
        if any(redis_slot(c) != slot for c in channels[1:]):
            raise RedisError(CROSSSLOT)


@command("ssubscribe", arity=-2, flags="pubsub noscript loading stale no-multi", keys=None)
def ssubscribe(ctx: Ctx, *channels: bytes):
    _same_slot(ctx, channels)
    return _subscribe(ctx, SHARD, b"ssubscribe", channels)


@command("unsubscribe", arity=-1, flags="pubsub noscript loading stale no-multi", keys=None)
def unsubscribe(ctx: Ctx, *channels: bytes):
    return _unsubscribe(ctx, CHANNEL, b"unsubscribe", channels)


@command("punsubscribe", arity=-1, flags="pubsub noscript loading stale no-multi", keys=None)
def punsubscribe(ctx: Ctx, *patterns: bytes):
    return _unsubscribe(ctx, PATTERN, b"punsubscribe", patterns)


@command("sunsubscribe", arity=-1, flags="pubsub noscript loading stale no-multi", keys=None)
def sunsubscribe(ctx: Ctx, *channels: bytes):
    _same_slot(ctx, channels)
    return _unsubscribe(ctx, SHARD, b"sunsubscribe", channels)


@command("publish", arity=3, flags="pubsub loading stale fast", keys=None)
def publish(ctx: Ctx, channel: bytes, message: bytes):
    return hub_for(ctx.engine).publish(channel, message)


@command("spublish", arity=3, flags="pubsub loading stale fast", keys=None)
def spublish(ctx: Ctx, channel: bytes, message: bytes):
    return hub_for(ctx.engine).publish(channel, message, sharded=True)


PUBSUB_HELP = [
    b"PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    b"CHANNELS [<pattern>]",
    b"    Return the currently active channels matching a <pattern> (default: '*').",
    b"NUMPAT",
    b"    Return number of subscriptions to patterns.",
    b"NUMSUB [<channel> ...]",
    b"    Return the number of subscribers for the specified channels, excluding",
    b"    pattern subscriptions(default: no channels).",
    b"SHARDCHANNELS [<pattern>]",
    b"    Return the currently active shard level channels matching a <pattern> (default: '*').",
    b"SHARDNUMSUB [<shardchannel> ...]",
    b"    Return the number of subscribers for the specified shard level channel(s)",
    b"HELP",
    b"    Prints this help.",
]


def _bad_args(sub: bytes) -> RedisError:
    return RedisError(
        f"ERR unknown subcommand or wrong number of arguments for '{sub.decode('utf-8', 'replace')}'. Try PUBSUB HELP."
    )


@command("pubsub", arity=-2, flags="", keys=None)
def pubsub(ctx: Ctx, sub: bytes, *args: bytes):
    op = sub.lower()
    hub = hub_for(ctx.engine)
    if op in (b"channels", b"shardchannels"):
        if len(args) > 1:
            raise _bad_args(sub)
        names = hub.active(CHANNEL if op == b"channels" else SHARD)
        if args:
            names = [n for n in names if glob_match(args[0], n)]
        return names
    if op in (b"numsub", b"shardnumsub"):
        kind = CHANNEL if op == b"numsub" else SHARD
        out: list = []
        for name in args:
            out += [name, hub.count(kind, name)]
        return out
    if op == b"numpat":
        if args:
            raise wrong_arity("pubsub|numpat")
        return len(hub.active(PATTERN))
    if op == b"help":
        if args:
            raise wrong_arity("pubsub|help")
        return list(PUBSUB_HELP)
    raise unknown_subcommand(sub, "pubsub")
