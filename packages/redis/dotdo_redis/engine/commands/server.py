"""Server commands: INFO, CONFIG, TIME, COMMAND, LASTSAVE, SAVE, BGSAVE, DEBUG, MEMORY,
WAIT, READONLY, READWRITE, ROLE.

dotdo commits every acknowledged write to SQLite, so SAVE and BGSAVE have nothing left to
do and answer as Redis does once a save has finished. CONFIG SET accepts a parameter only
with values dotdo honours; anything else gets Redis's CONFIG SET error shape naming why.
"""
from __future__ import annotations

import json
import logging
import os
import platform
import resource
import sys
import threading
import time
from typing import Any, Callable

from ..args import to_int
from ..context import Ctx
from ..errors import RedisError, unknown_subcommand, wrong_arity
from ..pubsub_hub import CHANNEL, PATTERN, SHARD, glob_match
from ..registry import COMMANDS, Command, command
from ..replies import OK, Map, SetReply, Simple, Verbatim
from ... import storage

SERVER_VERSION = "7.0.15"

# -- per-engine server state ----------------------------------------------------------------


class ServerState:
    def __init__(self, engine: Any) -> None:
        self.run_id = os.urandom(20).hex()
        self.replid = os.urandom(20).hex()
        self.lastsave = int(time.time())
        self.config: dict[str, str] = {name: p.default for name, p in PARAMS.items()}
        # `dotdo serve --max-connections N` is the limit the served front enforces.
        self.config["maxclients"] = os.environ.get("DOTDO_MAX_CONNECTIONS", PARAMS["maxclients"].default)
        self.lock = threading.Lock()


_state_lock = threading.Lock()


def state_for(engine: Any) -> ServerState:
    state = engine.extensions.get("server")
    if state is None:
        with _state_lock:
            state = engine.extensions.get("server")
            if state is None:
                state = engine.extensions["server"] = ServerState(engine)
    return state


# -- CONFIG ------------------------------------------------------------------------------------

class Param:
    """A configuration parameter. `check` turns a value into its canonical text or raises
    ValueError with Redis's reason; None means the parameter is immutable at run time."""

    def __init__(self, default: str, check: Callable[[str], str] | None = None) -> None:
        self.default = default
        self.check = check


_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1000**2, "mb": 1024**2, "g": 1000**3, "gb": 1024**3}


def _memory(text: str) -> int:
    t = text.lower()
    digits = t.rstrip("bkmg")
    unit = t[len(digits):]
    if unit not in _UNITS or not digits.lstrip("-").isdigit():
        raise ValueError("argument must be a memory value")
    return int(digits) * _UNITS[unit]


def _only(allowed: str, why: str, convert: Callable[[str], str] = str) -> Callable[[str], str]:
    def check(text: str) -> str:
        value = convert(text)
        if value != allowed:
            raise ValueError(why)
        return value
    return check


def _yes_no(text: str) -> str:
    if text.lower() not in ("yes", "no"):
        raise ValueError("argument must be 'yes' or 'no'")
    return text.lower()


def _integer(lo: int, hi: int) -> Callable[[str], str]:
    def check(text: str) -> str:
        try:
            value = int(text)
        except ValueError:
            raise ValueError("argument couldn't be parsed into an integer") from None
        if not lo <= value <= hi:
            raise ValueError(f"argument must be between {lo} and {hi} inclusive")
        return str(value)
    return check


def _choice(*options: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        if text.lower() not in options:
            raise ValueError("argument(s) must be one of the following: " + ", ".join(options))
        return text.lower()
    return check


def _save(text: str) -> str:
    parts = text.split()
    if len(parts) % 2 or not all(p.isdigit() for p in parts):
        raise ValueError("Invalid save parameters")
    return " ".join(parts)


def _keyspace_events(text: str) -> str:
    if any(c not in "KEg$lshzxetmdnA" for c in text):
        raise ValueError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
    if text:
        raise ValueError("keyspace notifications are not supported by dotdo")
    return ""


_POLICIES = ("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu",
             "allkeys-random", "noeviction")


def _policy(text: str) -> str:
    value = _choice(*_POLICIES)(text)
    if value != "noeviction":
        raise ValueError("dotdo never evicts keys: only noeviction is supported")
    return value


def _maxmemory(text: str) -> str:
    if _memory(text) != 0:
        raise ValueError("dotdo keeps data on disk and never evicts: only 0 (no limit) is supported")
    return "0"


_LOG_LEVELS = {"debug": logging.DEBUG, "verbose": logging.DEBUG, "notice": logging.INFO, "warning": logging.WARNING,
               "nothing": logging.CRITICAL + 1}


def _set_loglevel(engine: Any, value: str) -> None:
    # Redis's server log is dotdo's "dotdo.redis" Python logger (redis.log writes there too).
    logging.getLogger("dotdo.redis").setLevel(_LOG_LEVELS[value])


def _integer(low: int, high: int = (1 << 63) - 1) -> Callable[[str], str]:
    """A numeric setting as Redis parses one (no spaces, sign or leading zeros), within [low, high]."""
    def check(text: str) -> str:
        try:
            value = to_int(text.encode())
        except RedisError:
            raise ValueError("argument couldn't be parsed into an integer") from None
        if not low <= value <= high:
            raise ValueError(f"argument must be between {low} and {high} inclusive")
        return text
    return check


def _set_slowlog_threshold(engine: Any, value: str) -> None:
    engine.slowlog.slower_than_us = int(value)


def _set_slowlog_max_len(engine: Any, value: str) -> None:
    engine.slowlog.max_len = int(value)  # the log is cut to it at its next entry, as in Redis


# Effects of a setting on the engine, applied only once every pair of a CONFIG SET has been validated.
APPLY: dict[str, Callable[[Any, str], None]] = {
    "loglevel": _set_loglevel,
    "slowlog-log-slower-than": _set_slowlog_threshold,
    "slowlog-max-len": _set_slowlog_max_len,
}


# What clients probe. Settable only where dotdo honours the value: persistence settings are
# recorded (every write is already durable, so none of them can lose data).
PARAMS: dict[str, Param] = {
    "maxmemory": Param("0", _maxmemory),
    "maxmemory-policy": Param("noeviction", _policy),
    "maxmemory-samples": Param("5", None),
    "maxclients": Param("10000", None),
    "save": Param("3600 1 300 100 60 10000", _save),
    "appendonly": Param("no", _yes_no),
    "appendfsync": Param("everysec", _choice("always", "everysec", "no")),
    "appendfilename": Param("appendonly.aof", None),
    "dbfilename": Param("dump.rdb", None),
    "databases": Param(str(storage.DB_COUNT), None),
    "cluster-enabled": Param("no", None),
    "notify-keyspace-events": Param("", _keyspace_events),
    "timeout": Param("0", _only("0", "idle client timeouts are not supported by dotdo", lambda t: str(int(t)) if t.lstrip("-").isdigit() else t)),
    "tcp-keepalive": Param("300", None),
    "proto-max-bulk-len": Param("536870912", None),
    "client-query-buffer-limit": Param("1073741824", None),
    "lua-time-limit": Param("5000", None),
    "busy-reply-threshold": Param("5000", None),
    "slowlog-log-slower-than": Param("10000", _integer(-1)),
    "slowlog-max-len": Param("128", _integer(0)),
    "hz": Param("10", None),
    "port": Param("6379", None),
    "bind": Param("* -::*", None),
    "protected-mode": Param("yes", None),
    "requirepass": Param("", None),
    "daemonize": Param("no", None),
    "loglevel": Param("notice", _choice(*_LOG_LEVELS)),
    "lazyfree-lazy-user-flush": Param("no", _yes_no),
    "stop-writes-on-bgsave-error": Param("yes", _yes_no),
    "rdbcompression": Param("yes", _yes_no),
    "list-max-listpack-size": Param("-2", None),
    "list-max-ziplist-size": Param("-2", None),
    "hash-max-listpack-entries": Param("128", None),
    "hash-max-ziplist-entries": Param("128", None),
    "hash-max-listpack-value": Param("64", None),
    "hash-max-ziplist-value": Param("64", None),
    "set-max-intset-entries": Param("512", None),
    "zset-max-listpack-entries": Param("128", None),
    "zset-max-ziplist-entries": Param("128", None),
    "zset-max-listpack-value": Param("64", None),
    "zset-max-ziplist-value": Param("64", None),
    "stream-node-max-bytes": Param("4096", None),
    "stream-node-max-entries": Param("100", None),
    "latency-tracking": Param("yes", None),
    "latency-monitor-threshold": Param("0", _only("0", "dotdo does not monitor latency spikes (LATENCY): only 0, off, is supported", lambda t: str(int(t)) if t.lstrip("-").isdigit() else t)),
    "enable-debug-command": Param("no", None),
    "replica-read-only": Param("yes", None),
    "slave-read-only": Param("yes", None),
}

CONFIG_HELP = [
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Prints this help.",
]


@command("config", arity=-2, flags="", keys=None)
def config(ctx: Ctx, sub: bytes, *args: bytes):
    op = sub.lower()
    state = state_for(ctx.engine)
    if op == b"get":
        if not args:
            raise wrong_arity("config|get")
        out: dict[bytes, bytes] = {}
        with state.lock:
            for pattern in args:
                for name, value in state.config.items():
                    if glob_match(pattern.lower(), name.encode()):
                        out[name.encode()] = value.encode()
        return Map(out)
    if op == b"set":
        if not args or len(args) % 2:
            raise wrong_arity("config|set")
        changes: dict[str, str] = {}
        for i in range(0, len(args), 2):
            name = args[i].decode("utf-8", "replace").lower()
            param = PARAMS.get(name)
            if param is None:
                raise RedisError(f"ERR Unknown option or number of arguments for CONFIG SET - '{args[i].decode('utf-8', 'replace')}'")
            if name in changes:
                raise RedisError(f"ERR CONFIG SET failed (possibly related to argument '{name}') - duplicate parameter")
            if param.check is None:
                raise RedisError(f"ERR CONFIG SET failed (possibly related to argument '{name}') - can't set immutable config")
            try:
                changes[name] = param.check(args[i + 1].decode("utf-8", "replace"))
            except ValueError as e:
                raise RedisError(f"ERR CONFIG SET failed (possibly related to argument '{name}') - {e}") from None
        with state.lock:
            state.config.update(changes)
            for name, value in changes.items():
                if name in APPLY:
                    APPLY[name](ctx.engine, value)
        return OK
    if op == b"resetstat":
        if args:
            raise wrong_arity("config|resetstat")
        return OK  # dotdo keeps no resettable statistics
    if op == b"rewrite":
        if args:
            raise wrong_arity("config|rewrite")
        raise RedisError("ERR The server is running without a config file")
    if op == b"help":
        return [Simple(line) for line in CONFIG_HELP]
    raise unknown_subcommand(sub, "config")


# -- INFO -----------------------------------------------------------------------------------------

DEFAULT_SECTIONS = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "cluster", "keyspace"]


def _human(n: float) -> str:
    for unit in ("B", "K", "M", "G", "T"):
        if n < 1024 or unit == "T":
            return f"{n:.2f}{unit}" if unit != "B" else f"{int(n)}B"
        n /= 1024
    return f"{n}B"


def _tcp_port(session: Any) -> int:
    address = session.local_address()
    return address[1] if address is not None else 0


def _rss() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _data_bytes(engine: Any) -> int:
    return sum(t.shard.size_bytes() for t in engine.tables)


def keyspace_counts(engine: Any, now_ms: int) -> dict[int, tuple[int, int, int]]:
    """db -> (keys, keys with a TTL, average remaining TTL in ms) over every shard."""
    totals: dict[int, list[int]] = {}
    for tables in engine.tables:
        with tables.shard.reader() as conn:
            rows = conn.execute(
                f"SELECT substr(key, 1, 1), count(*), count(expires_ms), coalesce(sum(expires_ms - ?), 0) FROM {tables.kv.table} "
                "WHERE expires_ms IS NULL OR expires_ms > ? GROUP BY 1",
                (now_ms, now_ms),
            ).fetchall()
        for prefix, keys, expires, ttl_sum in rows:
            entry = totals.setdefault(prefix[0], [0, 0, 0])
            entry[0] += keys
            entry[1] += expires
            entry[2] += ttl_sum
    return {db: (k, e, (s // e if e else 0)) for db, (k, e, s) in sorted(totals.items())}


def _session_total() -> int:
    from .. import session as session_module
    text = repr(session_module._ids)  # itertools.count(N): the next id, so N - 1 sessions so far
    try:
        return int(text[text.index("(") + 1 : text.index(")")]) - 1
    except ValueError:
        return 0


def info_section(ctx: Ctx, name: str) -> list[tuple[str, Any]] | None:
    engine, state = ctx.engine, state_for(ctx.engine)
    now = time.time()
    if name == "server":
        uname = platform.uname()
        uptime = int(now - engine.started)
        return [
            ("redis_version", SERVER_VERSION), ("redis_git_sha1", "00000000"), ("redis_git_dirty", 0),
            ("redis_build_id", "dotdo"), ("redis_mode", "cluster" if engine.cluster else "standalone"),
            ("os", f"{uname.system} {uname.release} {uname.machine}"), ("arch_bits", 64 if sys.maxsize > 2**32 else 32),
            ("multiplexing_api", "asyncio"), ("process_id", os.getpid()), ("process_supervised", "no"),
            ("run_id", state.run_id), ("tcp_port", _tcp_port(ctx.session)), ("server_time_usec", int(now * 1_000_000)),
            ("uptime_in_seconds", uptime), ("uptime_in_days", uptime // 86400), ("hz", 10), ("configured_hz", 10),
            ("executable", sys.executable), ("config_file", ""), ("io_threads_active", 0),
            ("dotdo_data_dir", engine.store.path),
        ]
    if name == "clients":
        sessions = [s for s in list(engine.sessions) if not s.closed]
        blocked = [s.blocking for s in sessions if s.blocking is not None]
        return [
            ("connected_clients", len(sessions)), ("cluster_connections", 0), ("maxclients", state.config["maxclients"]),
            ("client_recent_max_input_buffer", 0), ("client_recent_max_output_buffer", 0),
            ("blocked_clients", len(blocked)), ("tracking_clients", 0),
            # a client blocked with a timeout is in Redis's timeout table; one blocked forever is not
            ("clients_in_timeout_table", sum(1 for b in blocked if b.timeout)),
        ]
    if name == "memory":
        used = _data_bytes(engine)
        rss = _rss()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        scripts = engine.extensions.get("scripts")
        cached = 0
        if scripts is not None:
            with scripts.shard.reader() as conn:
                cached = conn.execute("SELECT count(*) FROM r_scripts").fetchone()[0]
        maxmemory = int(state.config["maxmemory"])
        return [
            ("used_memory", used), ("used_memory_human", _human(used)), ("used_memory_rss", rss),
            ("used_memory_rss_human", _human(rss)), ("used_memory_peak", max(peak, used)),
            ("used_memory_peak_human", _human(max(peak, used))), ("number_of_cached_scripts", cached),
            ("maxmemory", maxmemory), ("maxmemory_human", _human(maxmemory)),
            ("maxmemory_policy", state.config["maxmemory-policy"]), ("mem_allocator", "libc"),
        ]
    if name == "persistence":
        return [
            ("loading", 0), ("async_loading", 0), ("rdb_changes_since_last_save", 0), ("rdb_bgsave_in_progress", 0),
            ("rdb_last_save_time", state.lastsave), ("rdb_last_bgsave_status", "ok"),
            ("aof_enabled", 1 if state.config["appendonly"] == "yes" else 0), ("aof_rewrite_in_progress", 0),
            ("aof_last_bgrewrite_status", "ok"), ("aof_last_write_status", "ok"),
        ]
    if name == "stats":
        hub = engine.extensions.get("pubsub")
        channels = len(hub.active(CHANNEL)) if hub is not None else 0
        patterns = len(hub.active(PATTERN)) if hub is not None else 0
        shard_channels = len(hub.active(SHARD)) if hub is not None else 0
        return [
            ("total_connections_received", _session_total()), ("rejected_connections", 0),
            ("pubsub_channels", channels), ("pubsub_patterns", patterns), ("pubsubshard_channels", shard_channels),
        ]
    if name == "replication":
        return [
            ("role", "master"), ("connected_slaves", 0), ("master_failover_state", "no-failover"),
            ("master_replid", state.replid), ("master_replid2", "0" * 40), ("master_repl_offset", 0),
            ("second_repl_offset", -1), ("repl_backlog_active", 0), ("repl_backlog_size", 1048576),
            ("repl_backlog_first_byte_offset", 0), ("repl_backlog_histlen", 0),
        ]
    if name == "cpu":
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return [
            ("used_cpu_sys", f"{me.ru_stime:.6f}"), ("used_cpu_user", f"{me.ru_utime:.6f}"),
            ("used_cpu_sys_children", f"{kids.ru_stime:.6f}"), ("used_cpu_user_children", f"{kids.ru_utime:.6f}"),
        ]
    if name == "modules":
        return []
    if name == "cluster":
        return [("cluster_enabled", 1 if engine.cluster else 0)]
    if name == "keyspace":
        return [
            (f"db{db}", f"keys={keys},expires={expires},avg_ttl={avg}")
            for db, (keys, expires, avg) in keyspace_counts(engine, ctx.now_ms).items()
        ]
    return None


@command("info", arity=-1, flags="loading stale", keys=None)
def info(ctx: Ctx, *sections: bytes):
    wanted: list[str] = []
    for s in sections or (b"default",):
        name = s.decode("utf-8", "replace").lower()
        if name in ("default", "all", "everything"):
            wanted += DEFAULT_SECTIONS
        else:
            wanted.append(name)
    lines: list[str] = []
    for name in dict.fromkeys(wanted):
        fields = info_section(ctx, name)
        if fields is None:
            continue
        if lines:
            lines.append("")
        lines.append("# " + name.capitalize() if name != "cpu" else "# CPU")
        lines += [f"{k}:{v}" for k, v in fields]
    return Verbatim("\r\n".join(lines) + ("\r\n" if lines else ""))


# -- COMMAND ------------------------------------------------------------------------------------

_TABLE: dict[str, Any] | None = None
REDIS_FLAGS = {
    "write", "readonly", "denyoom", "module", "admin", "pubsub", "noscript", "blocking", "loading", "stale",
    "skip_monitor", "skip_slowlog", "asking", "fast", "no_auth", "may_replicate", "no_mandatory_keys", "no_multi",
    "movablekeys", "allow_busy", "no_async_loading",
}
# Subcommands dotdo answers, for the containers whose subcommands are listed.
SUBCOMMANDS = {
    "config": ("get", "set", "resetstat", "rewrite", "help"),
    "script": ("load", "exists", "flush", "kill", "debug", "help"),
    "pubsub": ("channels", "numsub", "numpat", "shardchannels", "shardnumsub", "help"),
    "command": ("count", "info", "docs", "list", "getkeys", "help"),
    "memory": ("usage", "doctor", "help"),
    "client": ("id", "setname", "getname", "setinfo", "info", "list", "no-evict", "no-touch", "help"),
}


def command_table() -> dict[str, Any]:
    global _TABLE
    if _TABLE is None:
        path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "command_table.json")
        with open(path) as f:
            _TABLE = json.load(f)["commands"]
    return _TABLE


def _key_spec_reply(spec: dict[str, Any]) -> Map:
    out: dict[bytes, Any] = {}
    for field, value in spec.items():
        if field == "flags":
            out[b"flags"] = SetReply([Simple(f) for f in value])
        elif field in ("begin_search", "find_keys"):
            out[field.encode()] = Map({
                b"type": value["type"].encode(),
                b"spec": Map({k.encode(): (v.encode() if isinstance(v, str) else v) for k, v in value["spec"].items()}),
            })
        else:
            out[field.encode()] = value.encode() if isinstance(value, str) else value
    return Map(out)


def _info_reply(cmd: Command) -> list:
    facts = command_table().get(cmd.name, {})
    if "flags" in facts:
        # What Redis reports (clients route on these); the registry's flags drive dotdo itself.
        flags = list(facts["flags"])
        first, last, step = facts["first"], facts["last"], facts["step"]
    else:
        flags = sorted({f.replace("-", "_") for f in cmd.flags} & REDIS_FLAGS | ({"movablekeys"} if callable(cmd.keys) else set()))
        first, last, step = cmd.keys if isinstance(cmd.keys, tuple) else (0, 0, 0)
    acl = facts.get("acl") or (["@write"] if cmd.write else ["@read"] if "readonly" in cmd.flags else []) + \
        (["@fast"] if "fast" in cmd.flags else ["@slow"])
    if "key_specs" in facts:
        specs = [_key_spec_reply(s) for s in facts["key_specs"]]
    elif isinstance(cmd.keys, tuple):
        specs = [_key_spec_reply({
            "flags": ["RW"] if cmd.write else ["RO"],
            "begin_search": {"type": "index", "spec": {"index": first}},
            "find_keys": {"type": "range", "spec": {"lastkey": last if last < 0 else last - first, "keystep": step, "limit": 0}},
        })]
    else:
        specs = []
    subs = []
    for sub in SUBCOMMANDS.get(cmd.name, ()):
        full = f"{cmd.name}|{sub}"
        sub_facts = facts.get("subcommands", {}).get(full)
        if sub_facts is None:
            continue
        subs.append([
            full.encode(), sub_facts["arity"], SetReply([Simple(f) for f in sub_facts["flags"]]),
            sub_facts["first"], sub_facts["last"], sub_facts["step"], SetReply([Simple(a) for a in sub_facts["acl"]]),
            SetReply([t.encode() for t in sub_facts["tips"]]), SetReply([_key_spec_reply(s) for s in sub_facts["key_specs"]]),
            SetReply(),
        ])
    return [
        cmd.name.encode(), cmd.arity, SetReply([Simple(f) for f in flags]), first, last, step,
        SetReply([Simple(a) for a in acl]), SetReply([t.encode() for t in facts.get("tips", ())]), SetReply(specs),
        subs or SetReply(),
    ]


def _docs_value(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, list):
        return [_docs_value(v) for v in value]
    if isinstance(value, dict):
        # Flags are status replies in a set, as redis-cli's hint parser insists.
        return Map({
            k.encode(): SetReply([Simple(f) for f in v]) if k in ("flags", "doc_flags")
            else SetReply(_docs_value(v)) if k == "history" else _docs_value(v)
            for k, v in value.items()
        })
    return value


def _docs_reply(cmd: Command) -> Map:
    facts = command_table().get(cmd.name, {}).get("docs")
    if facts is None:
        return Map({b"summary": b"", b"since": b"", b"group": cmd.group.encode(), b"complexity": b""})
    docs = dict(facts)
    if "subcommands" in docs:
        keep = {f"{cmd.name}|{s}" for s in SUBCOMMANDS.get(cmd.name, ())}
        docs["subcommands"] = {k: v for k, v in docs["subcommands"].items() if k in keep}
        if not docs["subcommands"]:
            del docs["subcommands"]
    return _docs_value(docs)


def _all_names() -> list[str]:
    names = []
    for cmd in COMMANDS.values():
        names.append(cmd.name)
        names += [f"{cmd.name}|{s}" for s in SUBCOMMANDS.get(cmd.name, ())]
    return names


COMMAND_HELP = [
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    "HELP",
    "    Prints this help.",
]


@command("command", arity=-1, flags="loading stale", keys=None)
def command_(ctx: Ctx, *args: bytes):
    if not args:
        return [_info_reply(c) for c in COMMANDS.values()]
    op, rest = args[0].lower(), args[1:]
    if op == b"count":
        if rest:
            raise wrong_arity("command|count")
        return len(COMMANDS)
    if op == b"info":
        if not rest:
            return [_info_reply(c) for c in COMMANDS.values()]
        return [_info_reply(COMMANDS[n.lower()]) if n.lower() in COMMANDS else None for n in rest]
    if op == b"docs":
        names = [n.lower() for n in rest] if rest else list(COMMANDS)
        return Map({n: _docs_reply(COMMANDS[n]) for n in names if n in COMMANDS})
    if op == b"list":
        names = _all_names()
        if rest:
            if len(rest) != 3 or rest[0].lower() != b"filterby":
                raise RedisError("ERR syntax error")
            kind, value = rest[1].lower(), rest[2]
            if kind == b"module":
                return []
            if kind == b"aclcat":
                cat = "@" + value.decode("utf-8", "replace").lower()
                table = command_table()
                names = [
                    n for n in names
                    if cat in (table.get(n.split("|")[0], {}).get("subcommands", {}).get(n, {}) if "|" in n else table.get(n, {})).get("acl", ())
                ]
            elif kind == b"pattern":
                names = [n for n in names if glob_match(value.lower(), n.encode())]
            else:
                raise RedisError("ERR syntax error")
        return [n.encode() for n in names]
    if op == b"getkeys":
        if len(rest) < 2:
            raise wrong_arity("command|getkeys")
        cmd = COMMANDS.get(rest[0].lower())
        if cmd is None:
            raise RedisError("ERR Invalid command specified")
        n = len(rest)
        if (cmd.arity > 0 and n != cmd.arity) or (cmd.arity < 0 and n < -cmd.arity):
            raise RedisError("ERR Invalid number of arguments specified for command")
        argv = [rest[0].lower(), *rest[1:]]
        keys = cmd.key_args(argv) if cmd.keys is not None else _keys_by_spec(cmd.name, argv)
        if not keys:
            raise RedisError("ERR The command has no key arguments")
        return list(keys)
    if op == b"help":
        return [Simple(line) for line in COMMAND_HELP]
    raise unknown_subcommand(args[0], "command")


def _keys_by_spec(name: str, argv: list[bytes]) -> list[bytes]:
    """Keys of a command the registry marks keyless but Redis's key specs describe (EVAL's numkeys ...)."""
    keys: list[bytes] = []
    for spec in command_table().get(name, {}).get("key_specs", ()):
        begin, find = spec["begin_search"], spec["find_keys"]
        if begin["type"] != "index":
            continue
        start = begin["spec"]["index"]
        if find["type"] == "keynum":
            try:
                count = int(argv[start + find["spec"]["keynumidx"]])
            except (IndexError, ValueError):
                continue
            first = start + find["spec"]["firstkey"]
            keys += argv[first : first + count * find["spec"]["keystep"] : find["spec"]["keystep"]]
        elif find["type"] == "range":
            last = find["spec"]["lastkey"]
            end = len(argv) + last if last < 0 else start + last
            keys += argv[start : end + 1 : find["spec"]["keystep"]]
    return keys


# -- small server commands -------------------------------------------------------------------------

@command("time", arity=1, flags="loading stale fast", keys=None)
def time_(ctx: Ctx):
    now = time.time_ns() // 1000
    return [str(now // 1_000_000).encode(), str(now % 1_000_000).encode()]


@command("lastsave", arity=1, flags="loading stale fast", keys=None)
def lastsave(ctx: Ctx):
    return state_for(ctx.engine).lastsave


@command("save", arity=1, flags="admin noscript no-multi", keys=None)
def save(ctx: Ctx):
    state_for(ctx.engine).lastsave = int(time.time())  # every acknowledged write is already committed
    return OK


@command("bgsave", arity=-1, flags="admin noscript", keys=None)
def bgsave(ctx: Ctx, *args: bytes):
    if len(args) > 1 or (args and args[0].lower() != b"schedule"):
        raise RedisError("ERR syntax error")
    state_for(ctx.engine).lastsave = int(time.time())
    return Simple("Background saving started")


@command("debug", arity=-2, flags="admin noscript loading stale", keys=None)
def debug(ctx: Ctx, *args: bytes):
    # Redis 7.0's default (enable-debug-command no) refuses DEBUG outright; dotdo answers the same.
    raise RedisError(
        'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it '
        "from a local connection, otherwise you need to set this option in the configuration file, and then restart the server."
    )


def _usage(ctx: Ctx, key: bytes) -> int | None:
    engine = ctx.engine
    index = engine.shard_index_for([key])
    tables = engine.tables[index]
    with tables.shard.reader() as conn:
        ks = storage.Keyspace(tables, conn, None, ctx.session.db, ctx.now_ms)
        entry = ks.entry(key)
        if entry is None:
            return None
        # A list's key row holds only its ends (bookkeeping Redis has no counterpart for).
        size = 56 + len(key) + (len(entry[1] or b"") if entry[0] != "list" else 0)
        sk = ks.sk(key)
        for table in storage.COMPANIONS.get(entry[0], ()):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "key"]
            length = " + ".join(f"coalesce(length({c}), 8)" for c in cols)
            rows, data = conn.execute(f"SELECT count(*), coalesce(sum({length}), 0) FROM {table} WHERE key = ?", (sk,)).fetchone()
            size += data + 16 * rows
    return (size + 7) // 8 * 8


MEMORY_HELP = [
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
    "HELP",
    "    Prints this help.",
]


@command("memory", arity=-2, flags="", keys=None)
def memory(ctx: Ctx, sub: bytes, *args: bytes):
    op = sub.lower()
    if op == b"usage":
        if not args:
            raise wrong_arity("memory|usage")
        if len(args) == 3 and args[1].lower() == b"samples":
            to_int(args[2])
        elif len(args) != 1:
            raise RedisError("ERR syntax error")
        return _usage(ctx, args[0])
    if op == b"doctor":
        return Verbatim("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.")
    if op == b"help":
        return [Simple(line) for line in MEMORY_HELP]
    raise unknown_subcommand(sub, "memory")


@command("wait", arity=3, flags="noscript", keys=None)
def wait(ctx: Ctx, numreplicas: bytes, timeout: bytes):
    wanted = to_int(numreplicas)
    ms = to_int(timeout)
    if ms < 0:
        raise RedisError("ERR timeout is negative")
    if wanted <= 0 or ctx.in_batch:
        return 0
    # No replica will ever acknowledge: wait out the timeout (forever for 0), as Redis would.
    from .. import Blocked
    return Blocked(0, ms / 1000 if ms else None, 0)


@command("readonly", arity=1, flags="loading stale fast", keys=None)
def readonly(ctx: Ctx):
    if not ctx.engine.cluster:
        raise RedisError("ERR This instance has cluster support disabled")
    return OK


@command("readwrite", arity=1, flags="loading stale fast", keys=None)
def readwrite(ctx: Ctx):
    if not ctx.engine.cluster:
        raise RedisError("ERR This instance has cluster support disabled")
    return OK


@command("role", arity=1, flags="noscript loading stale fast", keys=None)
def role(ctx: Ctx):
    return [b"master", 0, []]
