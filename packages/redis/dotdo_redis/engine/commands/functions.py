"""FUNCTION and FCALL / FCALL_RO (Redis 7.0 function libraries).

A library is Lua code whose first line is `#!lua name=<library>`; loading it runs the code once,
with only the load API (redis.register_function, redis.log, the version), and records the
functions it registers. Libraries are kept in SQLite beside the scripts, so every process on the
data directory (and every database, as in Redis) sees the same ones; each thread runs them in a
Lua state of its own (lua.function_state), loading a library there at its first call. A function
runs like a script (scripting.run_lua): one write transaction on its keys' shard, redis.call joins
it, errors end it keeping the writes made. Function names are case-insensitive, library names not.
FUNCTION DUMP / RESTORE move libraries as Redis's RDB payloads (rdb.py): Redis reads ours, and
ours read Redis's (LZF-compressed strings included).
"""
from __future__ import annotations

import re
import time
from typing import Any

from ..args import to_int
from ..context import Ctx
from ..errors import RedisError, unknown_subcommand, wrong_arity
from .. import rdb
from ..lua import function_state
from ..registry import command
from ..replies import OK, Map, SetReply, Simple
from .glob import glob_match
from .scripting import kill_running, run_lua, scripts_for

SCHEMA = """
CREATE TABLE IF NOT EXISTS r_functions (name TEXT PRIMARY KEY, code BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS r_function_names (lname TEXT PRIMARY KEY, library TEXT NOT NULL) WITHOUT ROWID;
"""
NAME_RULE = re.compile(r"[A-Za-z0-9_]+")
BAD_NAME = "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"
FLAG_ORDER = ("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys")  # as Redis lists them

class FunctionStore:
    """The libraries of one engine's data directory: code by library, and each function's library."""

    def __init__(self, engine: Any) -> None:
        self.shard = scripts_for(engine).shard
        self.shard.ensure_schema("redis-functions", SCHEMA)

    def find(self, lname: str) -> tuple[str, bytes] | None:
        with self.shard.reader() as conn:
            return conn.execute("SELECT f.name, f.code FROM r_function_names n JOIN r_functions f ON f.name = n.library "
                                "WHERE n.lname = ?", (lname,)).fetchone()

    def libraries(self) -> list[tuple[str, bytes]]:
        with self.shard.reader() as conn:
            return conn.execute("SELECT name, code FROM r_functions ORDER BY name").fetchall()

    def load(self, code: bytes, replace: bool) -> str:
        name = _library_name(code)
        with self.shard.write() as tx:
            if not replace and tx.execute("SELECT 1 FROM r_functions WHERE name = ?", (name,)).fetchone():
                raise RedisError(f"ERR Library '{name}' already exists")
            self._put(tx, name, code, function_state().library(name, code))
        return name

    @staticmethod
    def _put(tx: Any, name: str, code: bytes, functions: dict) -> None:
        """Library `name` with its `functions`, in place of its earlier version; a function another
        library has refuses it (the caller's transaction then rolls back)."""
        tx.execute("DELETE FROM r_function_names WHERE library = ?", (name,))
        for lname, (_, fname, _, _) in functions.items():
            if tx.execute("SELECT 1 FROM r_function_names WHERE lname = ?", (lname,)).fetchone():
                raise RedisError(f"ERR Function {fname} already exists")
            tx.execute("INSERT INTO r_function_names(lname, library) VALUES (?, ?)", (lname, name))
        tx.execute("INSERT OR REPLACE INTO r_functions(name, code) VALUES (?, ?)", (name, code))

    @staticmethod
    def _clear(tx: Any) -> None:
        tx.execute("DELETE FROM r_function_names")
        tx.execute("DELETE FROM r_functions")

    def dump(self) -> bytes:
        """FUNCTION DUMP's payload: every library's code in RDB form (rdb.py)."""
        return rdb.with_footer(b"".join(bytes((rdb.OPCODE_FUNCTION2,)) + rdb.encode_string(code)
                                        for _, code in self.libraries()))

    def restore(self, payload: bytes, policy: str) -> None:
        """FUNCTION RESTORE: the payload's libraries, all or none, by policy FLUSH, APPEND or REPLACE."""
        codes = _payload_libraries(payload)
        state = function_state()
        incoming = {}
        for code in codes:
            name = _library_name(code)
            incoming[name] = (code, state.library(name, code))
        with self.shard.write() as tx:
            if policy == "FLUSH":
                self._clear(tx)
            for name in incoming:  # the libraries replaced go before any function is checked, as in Redis
                exists = tx.execute("SELECT 1 FROM r_functions WHERE name = ?", (name,)).fetchone()
                if exists and policy == "APPEND":
                    raise RedisError(f"ERR Library {name} already exists")
                tx.execute("DELETE FROM r_function_names WHERE library = ?", (name,))
            for name, (code, functions) in incoming.items():
                self._put(tx, name, code, functions)

    def delete(self, name: str) -> bool:
        with self.shard.write() as tx:
            tx.execute("DELETE FROM r_function_names WHERE library = ?", (name,))
            tx.execute("DELETE FROM r_functions WHERE name = ?", (name,))
            return tx.conn.changes() > 0

    def flush(self) -> None:
        with self.shard.write() as tx:
            self._clear(tx)


def functions_for(engine: Any) -> FunctionStore:
    store = engine.extensions.get("functions")
    if store is None:
        store = engine.extensions["functions"] = FunctionStore(engine)
    return store


def _library_name(code: bytes) -> str:
    """The library's name from its `#!<engine> name=<name>` line, with Redis's errors."""
    if not code.startswith(b"#!"):
        raise RedisError("ERR Missing library metadata")
    end = code.find(b"\n")
    if end < 0:
        raise RedisError("ERR Invalid library metadata")
    parts = code[:end].decode("utf-8", "replace").split()
    if not parts:
        raise RedisError("ERR Invalid library metadata")
    name = None
    for part in parts[1:]:
        if part[:5].lower() == "name=":
            if name is not None:
                raise RedisError("ERR Invalid metadata value, name argument was given multiple times")
            name = part[5:]
        else:
            raise RedisError(f"ERR Invalid metadata value given: {part}")
    if name is None:
        raise RedisError("ERR Library name was not given")
    engine = parts[0][2:]
    if engine.lower() != "lua":
        raise RedisError(f"ERR Engine '{engine}' not found")
    if not NAME_RULE.fullmatch(name):
        raise RedisError(BAD_NAME)
    return name


def _payload_libraries(payload: bytes) -> list[bytes]:
    try:
        reader = rdb.Reader(rdb.verify_footer(payload))
    except rdb.RdbError:
        raise RedisError("ERR DUMP payload version or checksum are wrong") from None
    codes = []
    try:
        while not reader.done():
            opcode = reader.byte()
            if opcode == rdb.OPCODE_FUNCTION_PRE_GA:
                raise RedisError("ERR Pre-GA function format not supported")
            if opcode != rdb.OPCODE_FUNCTION2:
                raise RedisError("ERR given type is not a function")
            codes.append(reader.string())
    except rdb.RdbError:
        raise RedisError("ERR Failed loading library payload") from None
    return codes


# -- FCALL ---------------------------------------------------------------------------------------

def _fcall(ctx: Ctx, name: bytes, numkeys: bytes, args: tuple[bytes, ...], readonly: bool) -> Any:
    lname = name.decode("utf-8", "replace").lower()
    found = functions_for(ctx.engine).find(lname)
    if found is None:
        raise RedisError("ERR Function not found")
    try:
        n = to_int(numkeys)
    except RedisError:
        raise RedisError("ERR Bad number of keys provided") from None
    if n > len(args):
        raise RedisError("ERR Number of keys can't be greater than number of args")
    if n < 0:
        raise RedisError("ERR Number of keys can't be negative")
    keys, argv = list(args[:n]), list(args[n:])
    state = function_state()
    callback, fname, flags, _ = state.library(found[0], found[1])[lname]
    if readonly and "no-writes" not in flags:
        raise RedisError("ERR Can not execute a script with write flag using *_ro command.")
    return run_lua(ctx, state, keys, flags, readonly,
                   lambda call, check: state.run_function(callback, fname, keys, argv, call, check),
                   function=fname, command_argv=list(ctx.argv))


@command("fcall", arity=-3, flags="noscript stale movablekeys", keys=None)
def fcall(ctx: Ctx, name: bytes, numkeys: bytes, *args: bytes):
    return _fcall(ctx, name, numkeys, args, readonly=False)


@command("fcall_ro", arity=-3, flags="readonly noscript stale movablekeys", keys=None)
def fcall_ro(ctx: Ctx, name: bytes, numkeys: bytes, *args: bytes):
    return _fcall(ctx, name, numkeys, args, readonly=True)


# -- FUNCTION ------------------------------------------------------------------------------------

FUNCTION_HELP = [
    b"FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    b"LOAD [REPLACE] <FUNCTION CODE>",
    b"    Create a new library with the given library name and code.",
    b"DELETE <LIBRARY NAME>",
    b"    Delete the given library.",
    b"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    b"    Return general information on all the libraries:",
    b"    * Library name",
    b"    * The engine used to run the Library",
    b"    * Library description",
    b"    * Functions list",
    b"    * Library code (if WITHCODE is given)",
    b"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    b"STATS",
    b"    Return information about the current function running:",
    b"    * Function name",
    b"    * Command used to run the function",
    b"    * Duration in MS that the function is running",
    b"    If no function is running, return nil",
    b"    In addition, returns a list of available engines.",
    b"KILL",
    b"    Kill the current running function.",
    b"FLUSH [ASYNC|SYNC]",
    b"    Delete all the libraries.",
    b"    When called without the optional mode argument, the behavior is determined by the",
    b"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    b"    * ASYNC: Asynchronously flush the libraries.",
    b"    * SYNC: Synchronously flush the libraries.",
    b"DUMP",
    b"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
    b"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    b"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
    b"    control how to handle existing libraries (default APPEND):",
    b"    * FLUSH: delete all existing libraries.",
    b"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
    b"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
    b"      libraries with the new libraries (notice that even on this option there is a chance of failure",
    b"      in case of functions name collision with another library).",
    b"HELP",
    b"    Prints this help.",
]


def _list(ctx: Ctx, args: tuple[bytes, ...]) -> list:
    with_code, pattern, i = False, None, 0
    while i < len(args):
        word = args[i].lower()
        if word == b"withcode" and not with_code:
            with_code, i = True, i + 1
        elif word == b"libraryname" and pattern is None:
            if i + 1 >= len(args):
                raise RedisError("ERR library name argument was not given")
            pattern, i = args[i + 1], i + 2
        else:
            raise RedisError(f"ERR Unknown argument {args[i].decode('utf-8', 'replace')}")
    out = []
    state = function_state()
    for name, code in functions_for(ctx.engine).libraries():
        if pattern is not None and not glob_match(pattern, name.encode(), nocase=True):
            continue
        functions = [Map({b"name": fname.encode(), b"description": desc.encode() if desc is not None else None,
                          b"flags": SetReply([Simple(f) for f in FLAG_ORDER if f in flags])})
                     for _, fname, flags, desc in sorted(state.library(name, code).values(), key=lambda f: f[1])]
        entry = Map({b"library_name": name.encode(), b"engine": b"LUA", b"functions": functions})
        if with_code:
            entry[b"library_code"] = code
        out.append(entry)
    return out


def _running(ctx: Ctx) -> list[dict]:
    """The functions other clients are running."""
    store = scripts_for(ctx.engine)
    with store.lock:
        return [r for sid, r in store.running.items() if sid != ctx.session.id and r["function"] is not None]


def _stats(ctx: Ctx) -> Map:
    running = _running(ctx)
    current = None
    if running:
        r = running[0]
        current = Map({b"name": r["function"].encode(), b"command": list(r["command"]),
                       b"duration_ms": int((time.monotonic() - r["started"]) * 1000)})
    libraries = functions_for(ctx.engine).libraries()
    state = function_state()
    count = sum(len(state.library(name, code)) for name, code in libraries)
    return Map({b"running_script": current,
                b"engines": Map({b"LUA": Map({b"libraries_count": len(libraries), b"functions_count": count})})})


@command("function", arity=-2, flags="noscript", keys=None)
def function(ctx: Ctx, sub: bytes, *args: bytes):
    op = sub.lower()
    store = functions_for(ctx.engine)
    if op == b"load":
        if not args:
            raise wrong_arity("function|load")
        replace = False
        for option in args[:-1]:
            if option.lower() != b"replace":
                raise RedisError(f"ERR Unknown option given: {option.decode('utf-8', 'replace')}")
            replace = True
        return store.load(args[-1], replace).encode()
    if op == b"delete":
        if len(args) != 1:
            raise wrong_arity("function|delete")
        if not store.delete(args[0].decode("utf-8", "replace")):
            raise RedisError("ERR Library not found")
        return OK
    if op == b"list":
        return _list(ctx, args)
    if op == b"stats":
        if args:
            raise wrong_arity("function|stats")
        return _stats(ctx)
    if op == b"flush":
        if len(args) > 1:
            raise wrong_arity("function|flush")
        if args and args[0].lower() not in (b"sync", b"async"):
            raise RedisError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
        store.flush()
        return OK
    if op == b"kill":
        if args:
            raise wrong_arity("function|kill")
        return kill_running(ctx, functions=True)
    if op == b"dump":
        if args:
            raise wrong_arity("function|dump")
        return store.dump()
    if op == b"restore":
        if not 1 <= len(args) <= 2:
            raise wrong_arity("function|restore")
        policy = args[1].decode("utf-8", "replace").upper() if len(args) == 2 else "APPEND"
        if policy not in ("FLUSH", "APPEND", "REPLACE"):
            raise RedisError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
        store.restore(args[0], policy)
        return OK
    if op == b"help":
        if args:
            raise wrong_arity("function|help")
        return list(FUNCTION_HELP)
    raise unknown_subcommand(sub, "function")
