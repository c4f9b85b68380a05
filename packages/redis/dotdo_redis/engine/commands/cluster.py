"""CLUSTER: what cluster-aware clients (redis-py's RedisCluster, redis-cli -c, ...) ask a node.

A database with several shards behaves as Redis Cluster does (CROSSSLOT beyond a slot): one dotdo
server then answers as a cluster of one master holding all 16384 slots, so a cluster client maps
every slot to it and connects. The shards stay dotdo's own layout: slots are placed on them by hash
slot, which no client sees. With one shard (a standalone server) every subcommand answers Redis's
"cluster support disabled". Subcommands that change the cluster's shape (MEET, ADDSLOTS, FAILOVER,
...) answer an error that names them: one server holds every slot and has no peers.
"""
from __future__ import annotations

import hashlib
from typing import Any

from dotdo_core.hashing import REDIS_SLOTS, redis_slot

from ..args import to_int
from ..context import Ctx
from ..errors import RedisError, unknown_subcommand, wrong_arity
from ..registry import command
from ..replies import Map, Simple, Verbatim

DISABLED = "ERR This instance has cluster support disabled"
SHAPE_CHANGES = {b"addslots", b"addslotsrange", b"bumpepoch", b"delslots", b"delslotsrange", b"failover",
                 b"flushslots", b"forget", b"meet", b"replicate", b"reset", b"saveconfig", b"set-config-epoch",
                 b"setslot"}
ARITY = {b"info": 0, b"myid": 0, b"slots": 0, b"shards": 0, b"nodes": 0, b"links": 0, b"keyslot": 1,
         b"countkeysinslot": 1, b"getkeysinslot": 2, b"replicas": 1, b"slaves": 1, b"count-failure-reports": 1,
         b"help": 0}
HELP = [
    "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "COUNTKEYSINSLOT <slot>",
    "    Return the number of keys in <slot>.",
    "GETKEYSINSLOT <slot> <count>",
    "    Return key names stored by current node in a slot.",
    "INFO",
    "    Return information about the cluster.",
    "KEYSLOT <key>",
    "    Return the hash slot for <key>.",
    "LINKS",
    "    Return information about all network links between this node and its peers.",
    "MYID",
    "    Return the node id.",
    "NODES",
    "    Return cluster configuration seen by node. Output format:",
    "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
    "REPLICAS <node-id>",
    "    Return <node-id> replicas.",
    "SHARDS",
    "    Return information about slot range mappings and the nodes associated with them.",
    "SLOTS",
    "    Return information about slots range mappings. Each range is made of:",
    "    start, end, master and replicas IP addresses, ports and ids",
    "HELP",
    "    Prints this help.",
]


def node_id(ctx: Ctx) -> str:
    """This server's node id: stable for its data directory and namespace, 40 hex digits as Redis's."""
    return hashlib.sha1(f"{ctx.engine.store.path}\0{ctx.engine.name}".encode()).hexdigest()


def _address(ctx: Ctx) -> tuple[str, int]:
    """The address this connection reached the server at (what a cluster client should dial)."""
    return ctx.session.local_address() or ("127.0.0.1", 0)  # an in-process client: no socket


def _slot(arg: bytes, message: str = "ERR Invalid slot") -> int:
    try:
        slot = to_int(arg)
    except RedisError:
        raise RedisError(message) from None
    if not 0 <= slot < REDIS_SLOTS:
        raise RedisError(message)
    return slot


def _keys_in_slot(ctx: Ctx, slot: int) -> list[bytes]:
    found = []
    for ks in ctx.engine.keyspaces(ctx.session, write=False, db=0):
        found += [k for k in ks.keys() if redis_slot(k) == slot]
    return sorted(found)


def _info() -> Verbatim:
    lines = ["cluster_state:ok", f"cluster_slots_assigned:{REDIS_SLOTS}", f"cluster_slots_ok:{REDIS_SLOTS}",
             "cluster_slots_pfail:0", "cluster_slots_fail:0", "cluster_known_nodes:1", "cluster_size:1",
             "cluster_current_epoch:1", "cluster_my_epoch:1", "cluster_stats_messages_sent:0",
             "cluster_stats_messages_received:0", "total_cluster_links_buffer_limit_exceeded:0"]
    return Verbatim("\r\n".join(lines) + "\r\n")


@command("cluster", arity=-2, flags="", keys=None)
def cluster(ctx: Ctx, sub: bytes, *args: bytes) -> Any:
    if not ctx.engine.cluster:
        raise RedisError(DISABLED)
    op = sub.lower()
    if op in SHAPE_CHANGES:
        raise RedisError(f"ERR CLUSTER {sub.decode('utf-8', 'replace').upper()} is not supported by dotdo: one "
                         f"dotdo server holds all {REDIS_SLOTS} slots and has no peers")
    if op not in ARITY:
        raise unknown_subcommand(sub, "cluster")
    if len(args) != ARITY[op]:
        raise wrong_arity(f"cluster|{op.decode()}")
    me = node_id(ctx)
    ip, port = _address(ctx)
    if op == b"info":
        return _info()
    if op == b"myid":
        return me.encode()
    if op == b"slots":
        return [[0, REDIS_SLOTS - 1, [ip.encode(), port, me.encode(), Map({})]]]
    if op == b"shards":
        node = Map({b"id": me.encode(), b"port": port, b"ip": ip.encode(), b"endpoint": ip.encode(),
                    b"role": b"master", b"replication-offset": 0, b"health": b"online"})
        return [Map({b"slots": [0, REDIS_SLOTS - 1], b"nodes": [node]})]
    if op == b"nodes":
        return Verbatim(f"{me} {ip}:{port}@{port + 10000 if port else 0} myself,master - 0 0 1 connected "
                        f"0-{REDIS_SLOTS - 1}\n")
    if op == b"links":
        return []
    if op == b"keyslot":
        return redis_slot(args[0])
    if op == b"countkeysinslot":
        return len(_keys_in_slot(ctx, _slot(args[0])))
    if op == b"getkeysinslot":
        slot = _slot(args[0], "ERR Invalid slot or number of keys")
        try:
            count = to_int(args[1])
        except RedisError:
            raise RedisError("ERR Invalid slot or number of keys") from None
        if count < 0:
            raise RedisError("ERR Invalid slot or number of keys")
        return _keys_in_slot(ctx, slot)[:count]
    if op in (b"replicas", b"slaves", b"count-failure-reports"):
        if args[0].decode("utf-8", "replace") != me:
            raise RedisError(f"ERR Unknown node {args[0].decode('utf-8', 'replace')}")
        return 0 if op == b"count-failure-reports" else []
    return [Simple(line) for line in HELP]


@command("asking", arity=1, flags="fast", keys=None)
def asking(ctx: Ctx) -> Any:
    """A client's note that its next command follows an ASK redirect: one server holding every slot
    never sends one, so it changes nothing."""
    if not ctx.engine.cluster:
        raise RedisError(DISABLED)
    return Simple("OK")
