"""EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT.

A script runs inside one write transaction on the shard of its declared keys (CROSSSLOT
if they span slots in cluster mode), so no other writer — in this process or another —
interleaves with it; the commands it calls join that transaction. As in Redis, an error
stops the script but keeps the writes it already made. Script bodies are kept by SHA1 in
SQLite so EVALSHA finds a script loaded by another process.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Any

from ..args import to_int
from ..context import Ctx
from ..errors import RedisError, unknown_subcommand, wrong_arity
from ..lua import lua_state, parse_shebang, sha1hex
from ...storage import Keyspace
from ..registry import COMMANDS, command
from ..replies import OK
from ..slowlog import SCRIPT_CLIENT

SCRIPTS_SCHEMA = "CREATE TABLE IF NOT EXISTS r_scripts (sha TEXT PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID;"

# Redis 7.0 refuses these from scripts (the noscript flag; CLIENT, CONFIG and SCRIPT by subcommand).
NOSCRIPT = frozenset(
    b"auth bgrewriteaof bgsave blmove blpop brpop brpoplpush bzpopmax bzpopmin debug discard eval eval_ro "
    b"evalsha evalsha_ro exec failover fcall fcall_ro hello monitor multi psubscribe psync punsubscribe quit "
    b"replconf replicaof reset role save shutdown slaveof ssubscribe subscribe sunsubscribe sync unsubscribe "
    b"unwatch wait watch client config script".split()
)
NOT_LOCAL = "ERR Script attempted to access a non local key in a cluster node"


def max_script_time() -> float | None:
    """The cap on one script's run time, in seconds (`dotdo serve --max-script-time`). A served script
    runs on the event loop, so no other client could send SCRIPT KILL: past the cap it is stopped, and
    its writes roll back with it (a script is one transaction)."""
    value = os.environ.get("DOTDO_MAX_SCRIPT_TIME")
    return float(value) if value and float(value) > 0 else None


class ScriptStore:
    """Script bodies by SHA1, shared by every process on the data directory."""

    def __init__(self, engine: Any) -> None:
        ns = engine.store.namespace(f"{engine.name}:scripts", kind="redis-scripts")
        self.shard = ns.shards[0]
        self.shard.ensure_schema("redis-scripts", SCRIPTS_SCHEMA)
        self.running: dict[int, dict[str, Any]] = {}  # session id -> state of the script it is running
        self.lock = threading.Lock()

    def get(self, sha: str) -> bytes | None:
        with self.shard.reader() as conn:
            row = conn.execute("SELECT body FROM r_scripts WHERE sha = ?", (sha,)).fetchone()
        return None if row is None else row[0]

    def put(self, sha: str, body: bytes) -> None:
        if self.get(sha) is None:
            with self.shard.write() as tx:
                tx.execute("INSERT OR IGNORE INTO r_scripts(sha, body) VALUES (?, ?)", (sha, body))

    def exists(self, shas: list[str]) -> list[int]:
        with self.shard.reader() as conn:
            return [int(conn.execute("SELECT 1 FROM r_scripts WHERE sha = ?", (s,)).fetchone() is not None) for s in shas]

    def flush(self) -> None:
        with self.shard.write() as tx:
            tx.execute("DELETE FROM r_scripts")


_store_lock = threading.Lock()


def scripts_for(engine: Any) -> ScriptStore:
    store = engine.extensions.get("scripts")
    if store is None:
        with _store_lock:
            store = engine.extensions.get("scripts")
            if store is None:
                store = engine.extensions["scripts"] = ScriptStore(engine)
    return store


def in_script(ctx: Ctx) -> bool:
    """Whether the command runs from a script (Redis's CLIENT_SCRIPT), as SORT must know."""
    store = ctx.engine.extensions.get("scripts")
    return ctx.in_batch and store is not None and ctx.session.id in store.running


class _ScriptBatch:
    """Hands the script's own transaction to the commands it calls (no savepoint per call)."""

    __slots__ = ("index", "tx_", "tables", "now")
    is_script = True  # MONITOR shows the commands a script calls as coming from "lua"
    deferred = None  # a script's commands write at once

    def __init__(self, index: int, tx: Any, tables: Any) -> None:
        self.index = index
        self.tx_ = tx
        self.tables = tables
        # Redis freezes the clock for the length of a script: every command in it sees one time.
        self.now = time.time_ns() // 1_000_000

    def tx(self, index: int) -> Any:
        if index != self.index:
            raise RedisError(NOT_LOCAL)
        return self.tx_

    def keyspace(self, index: int, db: int) -> Keyspace:
        tx = self.tx(index)
        return Keyspace(self.tables, tx.conn, tx, db, self.now)

    def read_keyspace(self, index: int, db: int) -> None:
        return None  # reads go through the script's transaction, as a read of the batch's shard would


def _parse_numkeys(numkeys: bytes, args: tuple[bytes, ...]) -> int:
    n = to_int(numkeys)
    if n < 0:
        raise RedisError("ERR Number of keys can't be negative")
    if n > len(args):
        raise RedisError("ERR Number of keys can't be greater than number of args")
    return n


def _arg_bytes(value: Any) -> bytes | None:
    if isinstance(value, bytes):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return b"%.17g" % float(value)


def run_script(ctx: Ctx, sha: str, body: bytes, numkeys: bytes, args: tuple[bytes, ...], readonly: bool) -> Any:
    n = _parse_numkeys(numkeys, args)
    keys, argv = list(args[:n]), list(args[n:])
    flags = parse_shebang(body)
    state = lua_state()
    fn = state.compile(sha, body)
    return run_lua(ctx, state, keys, flags, readonly, lambda call, check: state.run(fn, sha, keys, argv, call, check))


def run_lua(ctx: Ctx, state: Any, keys: list[bytes], flags: set[str] | frozenset[str], readonly: bool,
            invoke: Any, function: str | None = None, command_argv: list[bytes] | None = None) -> Any:
    """Run a script or a library function (`invoke(call, check)` runs it in `state`) in one write
    transaction on its keys' shard. `function`: the function's name, for FUNCTION STATS and KILL."""
    engine = ctx.engine
    if "no-writes" in flags:
        readonly = True
    if "no-cluster" in flags and engine.cluster:
        raise RedisError("ERR Can not run script on cluster, 'no-cluster' flag is set.")
    index = engine.shard_index_for(keys)
    session = ctx.session
    store = scripts_for(engine)
    running = {"killed": False, "wrote": False, "started": time.monotonic(), "over_time": False,
               "function": function, "command": command_argv}
    limit = max_script_time()

    def call(*cargs: Any) -> tuple[bool, Any]:
        if not cargs:
            return False, b"ERR Please specify at least one argument for this redis lib call"
        cmd_argv = []
        for a in cargs:
            b = _arg_bytes(a)
            if b is None:
                return False, b"ERR Lua redis lib command arguments must be strings or integers"
            cmd_argv.append(b)
        name = cmd_argv[0].lower()
        cmd = COMMANDS.get(name)
        if cmd is None:
            return False, b"ERR Unknown Redis command called from script"
        count = len(cmd_argv)
        if (cmd.arity > 0 and count != cmd.arity) or (cmd.arity < 0 and count < -cmd.arity):
            return False, b"ERR Wrong number of args calling Redis command from script"
        if name in NOSCRIPT or "noscript" in cmd.flags:
            return False, b"ERR This Redis command is not allowed from script"
        if cmd.write:
            if readonly:
                return False, b"ERR Write commands are not allowed from read-only scripts."
        try:
            if engine.cluster and cmd.keys is not None:
                called_keys = cmd.key_args(cmd_argv)
                if called_keys and engine.shard_index_for(called_keys) != index:
                    raise RedisError(NOT_LOCAL)
            caller_protocol = session.protocol
            # a command shapes its reply for the script's RESP version (2 unless redis.setresp(3)),
            # never for the caller's connection: ZRANGE WITHSCORES is flat to a script even under HELLO 3
            session.protocol = state.resp
            started = time.perf_counter_ns()
            try:
                reply = engine.run(cmd, session, cmd_argv, batch, in_batch=True)
            finally:
                session.protocol = caller_protocol
                engine.slowlog.note(SCRIPT_CLIENT, cmd_argv, started)
        except RedisError as e:
            return False, e.message.encode()
        if isinstance(reply, RedisError):
            return False, reply.message.encode()
        if cmd.write:
            running["wrote"] = True
        return True, state.to_lua(reply)

    def check() -> bytes | None:
        if running["killed"]:
            return b"ERR Script killed by user with %s KILL..." % (b"SCRIPT" if function is None else b"FUNCTION")
        if limit is not None and time.monotonic() - running["started"] > limit:
            running["over_time"] = True
            return f"ERR Script exceeded the server's max-script-time of {limit:g} seconds and was stopped; its writes were rolled back".encode()
        return None

    db = session.db
    with store.lock:
        store.running[session.id] = running
    try:
        with engine.tables[index].shard.write() as tx:
            batch = _ScriptBatch(index, tx, engine.tables[index])
            reply = invoke(call, check)
            if running["over_time"] and isinstance(reply, RedisError):
                raise reply  # inside the transaction: nothing the script wrote is kept
    finally:
        session.db = db  # SELECT inside a script does not change the caller's database
        with store.lock:
            store.running.pop(session.id, None)
    if isinstance(reply, RedisError):
        raise reply
    return reply


def kill_running(ctx: Ctx, functions: bool) -> Any:
    """SCRIPT KILL (functions=False) and FUNCTION KILL: stop what other clients run of that kind,
    unless it already wrote (a script's writes are never half undone)."""
    store = scripts_for(ctx.engine)
    with store.lock:
        others = [r for sid, r in store.running.items() if sid != ctx.session.id]
    running = [r for r in others if (r["function"] is not None) == functions]
    if not running:
        if others:  # the other kind runs: Redis points to its KILL
            raise RedisError(f"BUSY Redis is busy running a script. You can only call "
                             f"{'SCRIPT' if functions else 'FUNCTION'} KILL or SHUTDOWN NOSAVE.")
        raise RedisError("NOTBUSY No scripts in execution right now.")
    if any(r["wrote"] for r in running):
        raise RedisError(
            "UNKILLABLE Sorry the script already executed write commands against the dataset. "
            "You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
        )
    for r in running:
        r["killed"] = True
    return OK


NO_MATCHING_SCRIPT = "NOSCRIPT No matching script. Please use EVAL."


def _load(ctx: Ctx, body: bytes) -> str:
    sha = sha1hex(body)
    parse_shebang(body)
    lua_state().compile(sha, body)
    scripts_for(ctx.engine).put(sha, body)
    return sha


def _eval(ctx: Ctx, body: bytes, numkeys: bytes, args: tuple[bytes, ...], readonly: bool) -> Any:
    _parse_numkeys(numkeys, args)
    sha = _load(ctx, body)
    return run_script(ctx, sha, body, numkeys, args, readonly)


def _evalsha(ctx: Ctx, sha_arg: bytes, numkeys: bytes, args: tuple[bytes, ...], readonly: bool) -> Any:
    if len(sha_arg) != 40:  # no script can match: Redis says so before it reads numkeys
        raise RedisError(NO_MATCHING_SCRIPT)
    _parse_numkeys(numkeys, args)
    sha = sha_arg.decode("latin-1").lower()
    body = scripts_for(ctx.engine).get(sha)
    if body is None:
        raise RedisError(NO_MATCHING_SCRIPT)
    return run_script(ctx, sha, body, numkeys, args, readonly)


@command("eval", arity=-3, flags="noscript stale movablekeys", keys=None)
def eval_(ctx: Ctx, script: bytes, numkeys: bytes, *args: bytes):
    return _eval(ctx, script, numkeys, args, readonly=False)


@command("eval_ro", arity=-3, flags="readonly noscript stale movablekeys", keys=None)
def eval_ro(ctx: Ctx, script: bytes, numkeys: bytes, *args: bytes):
    return _eval(ctx, script, numkeys, args, readonly=True)


@command("evalsha", arity=-3, flags="noscript stale movablekeys", keys=None)
def evalsha(ctx: Ctx, sha: bytes, numkeys: bytes, *args: bytes):
    return _evalsha(ctx, sha, numkeys, args, readonly=False)


@command("evalsha_ro", arity=-3, flags="readonly noscript stale movablekeys", keys=None)
def evalsha_ro(ctx: Ctx, sha: bytes, numkeys: bytes, *args: bytes):
    return _evalsha(ctx, sha, numkeys, args, readonly=True)


SCRIPT_HELP = [
    b"SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    b"DEBUG (YES|SYNC|NO)",
    b"    Set the debug mode for subsequent scripts executed.",
    b"EXISTS <sha1> [<sha1> ...]",
    b"    Return information about the existence of the scripts in the script cache.",
    b"FLUSH [ASYNC|SYNC]",
    b"    Flush the Lua scripts cache. Very dangerous on replicas.",
    b"    When called without the optional mode argument, the behavior is determined by the",
    b"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    b"    * ASYNC: Asynchronously flush the scripts cache.",
    b"    * SYNC: Synchronously flush the scripts cache.",
    b"KILL",
    b"    Kill the currently executing Lua script.",
    b"LOAD <script>",
    b"    Load a script into the scripts cache without executing it.",
    b"HELP",
    b"    Prints this help.",
]


@command("script", arity=-2, flags="noscript", keys=None)
def script(ctx: Ctx, sub: bytes, *args: bytes):
    op = sub.lower()
    store = scripts_for(ctx.engine)
    if op == b"load":
        if len(args) != 1:
            raise wrong_arity("script|load")
        return _load(ctx, args[0]).encode()
    if op == b"exists":
        if not args:
            raise wrong_arity("script|exists")
        return store.exists([a.decode("latin-1").lower() for a in args])
    if op == b"flush":
        if len(args) > 1:
            raise wrong_arity("script|flush")
        if args and args[0].lower() not in (b"sync", b"async"):
            raise RedisError("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
        store.flush()
        lua_state().functions.clear()
        return OK
    if op == b"kill":
        if args:
            raise wrong_arity("script|kill")
        return kill_running(ctx, functions=False)
    if op == b"debug":
        if len(args) != 1:
            raise wrong_arity("script|debug")
        mode = args[0].lower()
        if mode == b"no":
            return OK
        if mode in (b"yes", b"sync"):
            # The Lua debugger (LDB) needs an interactive redis-cli session: not provided by dotdo.
            raise RedisError("ERR SCRIPT DEBUG is not supported by dotdo (the Lua debugger is not implemented)")
        raise RedisError("ERR Use SCRIPT DEBUG YES/SYNC/NO")
    if op == b"help":
        if args:
            raise wrong_arity("script|help")
        return list(SCRIPT_HELP)
    raise unknown_subcommand(sub, "script")
