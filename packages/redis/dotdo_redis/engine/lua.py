"""Lua scripting with lupa (Lua 5.1, as Redis embeds): the sandbox, redis.* and the
conversions between Redis replies and Lua values.

Each thread gets its own Lua state (lupa runtimes are not thread-safe, and a per-thread
state needs no lock that could order itself against the shard locks). A script's globals
are a read-only proxy over the state's globals: reading a missing global or assigning
one raises Redis's own errors. Errors raised by redis.call carry Redis's message as-is;
other Lua errors get the ERR prefix; both get Redis 7.0's "script: <sha>, on
@user_script:<line>." suffix.
"""
from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from typing import Any, Callable

import lupa.lua51 as lua51

from .args import INT64_MIN
from .cjson import CJson, CJsonError
from . import luastruct
from .cmsgpack import MsgPack, MsgPackError
from .errors import RedisError
from .replies import Bool, Double, Map, NullArray, SetReply, Simple, Verbatim, format_double

log = logging.getLogger("dotdo.redis.lua")

REDIS_VERSION = b"7.0.15"
LOAD_TIMEOUT_S = 0.5  # Redis's LOAD_TIMEOUT_MS: how long a library's code may run while it loads
REDIS_VERSION_NUM = 0x07000F
LOG_LEVELS = {0: logging.DEBUG, 1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING}

# Built once per Lua state. `py` holds the Python callbacks; the chunk returns the runner.
SETUP = r"""
local py = ...
local getinfo, set_env, sethook = debug.getinfo, setfenv, debug.sethook
local error, type, tostring, select, xpcall, rawset = error, type, tostring, select, xpcall, rawset
local real_loadstring = loadstring
local make_proxy = newproxy
local raw_type = type

-- What Redis's Lua lacks.
os = nil; io = nil; loadfile = nil; dofile = nil; print = nil; require = nil; module = nil
setfenv = nil; getfenv = nil; debug = nil; newproxy = nil; package = nil

loadstring = function(s, name)
  if type(s) == "string" and s:byte(1) == 27 then return nil, "binary chunks are not allowed" end
  return real_loadstring(s, name)
end

local redis = {}
redis.LOG_DEBUG = 0; redis.LOG_VERBOSE = 1; redis.LOG_NOTICE = 2; redis.LOG_WARNING = 3
redis.REPL_NONE = 0; redis.REPL_SLAVE = 1; redis.REPL_REPLICA = 1; redis.REPL_AOF = 2; redis.REPL_ALL = 3
redis.REDIS_VERSION = py.version; redis.REDIS_VERSION_NUM = py.version_num

local function raise(msg) py.mark(msg); error(msg, 0) end
local is_error, error_text = py.is_error, py.error_text

-- The redis.* functions are Python callables: a C function keeps the caller's frame even
-- in tail position (`return redis.call(...)`), so errors report the script's line as Redis does.
redis.call = py.call
redis.pcall = py.pcall
redis.sha1hex = py.sha1hex
redis.error_reply = py.error_reply
redis.status_reply = py.status_reply
redis.log = py.log
redis.setresp = py.setresp
redis.set_repl = py.set_repl
redis.replicate_commands = function() return true end
redis.breakpoint = function() return false end
redis.debug = function() end

-- Errors raised by redis.call reach Lua code that catches them as the message string, as in Redis.
local real_pcall, unpack = pcall, unpack
local function pack(...) return {n = select("#", ...), ...} end
pcall = function(f, ...)
  local r = pack(real_pcall(f, ...))
  if not r[1] and is_error(r[2]) then r[2] = error_text(r[2]) end
  return unpack(r, 1, r.n)
end
local real_xpcall = xpcall
_G.xpcall = function(f, handler)
  return real_xpcall(f, function(e)
    if is_error(e) then e = error_text(e) end
    return handler(e)
  end)
end
local null = make_proxy(false)
local cj = py.cjson(null, function(v) return v == null end)
cjson = {null = null, encode = cj.encode, decode = cj.decode}
cmsgpack = py.cmsgpack
struct = py.struct
-- The library functions are Python callables (userdata to Lua); scripts see functions, as in Redis.
_G.type = function(v)
  local t = raw_type(v)
  if t == "userdata" and v ~= null then return "function" end
  return t
end

-- Redis's errors for a missing global and for an assignment to a protected table. Level 3 for a
-- missing name: the user code that indexed (missing <- __index <- user code).
local function missing(k) error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 3) end
local function readonly() error("Attempt to modify a readonly table", 2) end
-- A read-only view of `fields` in which a missing name is an error.
local function checked(fields)
  return setmetatable({}, {
    __index = function(_, k) local v = fields[k]; if v == nil then missing(k) end; return v end,
    __newindex = readonly, __metatable = false,
  })
end

_G.redis = setmetatable({}, {__index = redis, __newindex = readonly, __metatable = false})
bit = py.bit

-- Scripts see the globals through a proxy: missing names and assignments are errors.
local real = _G
local proxy = checked(real)
real._G = proxy

local function user_code(source) return source == "@user_script" or source == "@user_function" end

local function where(e)
  local level = 2
  while true do
    local info = getinfo(level, "Sl")
    if not info then return {e, 0} end
    if user_code(info.source) then return {e, info.currentline} end
    level = level + 1
  end
end

local runner = {}
runner.current_line = function()
  local level = 2
  while true do
    local info = getinfo(level, "Sl")
    if not info then return 0 end
    if user_code(info.source) then return info.currentline end
    level = level + 1
  end
end

-- Function libraries (FUNCTION LOAD): the library's code runs once, at load, seeing only the load
-- API (redis.register_function, redis.log, the log levels and the version); the functions it
-- registers run later with the globals scripts see, but never KEYS and ARGV (their keys and
-- arguments are their parameters).
local registered = nil  -- while a library loads: name -> {callback, flags, description}
local FLAGS = {["no-writes"] = true, ["allow-oom"] = true, ["allow-stale"] = true, ["no-cluster"] = true,
               ["allow-cross-slot-keys"] = true}
local function fail(msg) error({err = "ERR " .. msg}) end
local function register(...)
  local n = select("#", ...)
  local name, callback, flags, description
  if n == 1 then
    local args = ...
    if raw_type(args) ~= "table" then
      fail("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
    end
    for k, v in pairs(args) do
      if k == "function_name" then name = v
      elseif k == "callback" then callback = v
      elseif k == "flags" then
        if raw_type(v) ~= "table" then fail("flags argument to redis.register_function must be a table representing function flags") end
        flags = v
      elseif k == "description" then description = v
      else fail("unknown argument given to redis.register_function") end
    end
    if name == nil then fail("redis.register_function must get a function name argument") end
    if callback == nil then fail("redis.register_function must get a callback argument") end
    if raw_type(callback) ~= "function" then fail("callback argument given to redis.register_function must be a function") end
  elseif n == 2 then
    name, callback = ...
    if raw_type(name) ~= "string" and raw_type(name) ~= "number" then
      fail("first argument to redis.register_function must be a string")
    end
    if raw_type(callback) ~= "function" then fail("second argument to redis.register_function must be a function") end
  else
    fail("wrong number of arguments to redis.register_function")
  end
  if raw_type(name) ~= "string" and raw_type(name) ~= "number" then
    fail("function_name argument given to redis.register_function must be a string")
  end
  name = tostring(name)
  if not name:match("^[%w_]+$") then
    fail("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")
  end
  local names = {}
  for _, f in ipairs(flags or {}) do
    if raw_type(f) ~= "string" or not FLAGS[f] then fail("unknown flag given") end
    names[#names + 1] = f
  end
  if description ~= nil then
    if raw_type(description) ~= "string" and raw_type(description) ~= "number" then
      fail("description argument given to redis.register_function must be a string")
    end
    description = tostring(description)
  end
  local key = name:lower()
  if registered[key] then fail("Function already exists in the library") end
  registered[key] = {name, callback, names, description}
end
local load_redis = checked({
  register_function = register, log = py.log, LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2,
  LOG_WARNING = 3, REDIS_VERSION = py.version, REDIS_VERSION_NUM = py.version_num,
})
local load_globals = {redis = load_redis}
local loading = false
local library_env = setmetatable({}, {
  __index = function(_, k)
    local v
    if loading then v = load_globals[k] elseif k ~= "KEYS" and k ~= "ARGV" then v = real[k] end
    if v == nil then missing(k) end
    return v
  end,
  __newindex = readonly, __metatable = false,
})
runner.load_library = function(code)
  local fn, err = real_loadstring(code, "@user_function")
  if not fn then return false, "compile", err end
  set_env(fn, library_env)
  registered = {}
  loading = true
  -- Redis stops a library whose loading runs past 500 ms (it holds the server meanwhile).
  sethook(function() if py.load_expired() then error({err = "ERR FUNCTION LOAD timeout"}) end end, "", 100000)
  local ok, e = real_xpcall(fn, function(e) return e end)
  sethook()
  loading = false
  local found = registered
  registered = nil
  if not ok then
    if raw_type(e) == "table" and e.err then return false, "register", e.err end
    if is_error(e) then e = error_text(e) end
    return false, "register", "ERR " .. tostring(e)
  end
  return true, found
end
runner.call_function = function(fn, keys, args, check, every)
  sethook(function() local killed = check(); if killed then raise(killed) end end, "", every)
  local r = {real_xpcall(function() return fn(keys, args) end, where)}
  sethook()
  return r[1], r[2]
end
runner.compile = function(body)
  local fn, err = real_loadstring(body, "@user_script")
  if not fn then return false, err end
  set_env(fn, proxy)
  return true, fn
end
runner.run = function(fn, keys, argv, check, every)
  rawset(real, "KEYS", keys)
  rawset(real, "ARGV", argv)
  sethook(function() local killed = check(); if killed then raise(killed) end end, "", every)
  local r = {real_xpcall(fn, where)}
  sethook()
  return r[1], r[2]
end
return runner
"""


def sha1hex(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _lua_number(value: float | int) -> bytes:
    """A number as Lua 5.1's tostring writes it (%.14g)."""
    return b"%.14g" % float(value)


def _no_python_attributes(obj: Any, name: Any, is_setting: bool) -> Any:
    # The redis.* callables are Python objects: without this a script could walk from
    # redis.call to its module's globals and out of the sandbox.
    raise AttributeError("access to Python attributes is not allowed from scripts")


class ScriptError(Exception):
    """An error a redis.* function raises into the script: Redis's message, used as-is."""

    def __init__(self, message: bytes, lua_error: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.lua_error = lua_error  # a Lua library error: the reply gets the ERR prefix


class LuaState:
    """One Lua interpreter with the Redis sandbox, for one thread."""

    def __init__(self) -> None:
        self.lua = lua51.LuaRuntime(
            encoding=None, register_eval=False, register_builtins=False, unpack_returned_tuples=True,
            attribute_filter=_no_python_attributes,
        )
        self.table_from = self.lua.table_from
        self.functions: dict[str, Any] = {}
        self.call: Callable[..., tuple[bool, Any]] | None = None  # set per run
        self.marked: Any = None
        self.resp = 2
        self.load_deadline = 0.0
        py = self.lua.table_from({
            b"version": REDIS_VERSION,
            b"version_num": REDIS_VERSION_NUM,
            b"call": self._call,
            b"pcall": self._pcall,
            b"mark": self._mark,
            b"is_error": lambda e: isinstance(e, ScriptError),
            b"error_text": lambda e: e.message,
            b"sha1hex": self._sha1hex,
            b"error_reply": self._error_reply,
            b"status_reply": self._status_reply,
            b"log": self._log,
            b"setresp": self._setresp,
            b"set_repl": self._set_repl,
            b"bit": self.lua.table_from(_bit_functions()),
            b"cjson": self._make_cjson,
            b"cmsgpack": self._make_cmsgpack(),
            b"struct": self._make_struct(),
            b"load_expired": lambda: time.monotonic() > self.load_deadline,
        })
        self.runner = self.lua.execute(SETUP, py)
        self._compile = self.runner[b"compile"]
        self._run = self.runner[b"run"]
        self._current_line = self.runner[b"current_line"]
        self._load_library = self.runner[b"load_library"]
        self._call_function = self.runner[b"call_function"]
        self.source = "user_script"  # or user_function, while a function runs: errors name it
        self.libraries: dict[tuple[str, str], dict[str, tuple[Any, frozenset[str]]]] = {}

    def _make_cjson(self, null: Any, is_null: Any) -> Any:
        codec = CJson(self.lua, null, is_null)

        def guarded(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
            def call(*args: Any) -> Any:
                if len(args) != 1:
                    raise self._positioned(f"bad argument #1 to '{name}' (expected 1 argument)")
                try:
                    return fn(args[0])
                except CJsonError as e:
                    raise self._positioned(str(e)) from None
            return call

        return self.lua.table_from({b"encode": guarded(codec.encode, "encode"), b"decode": guarded(codec.decode, "decode")})

    def _make_cmsgpack(self) -> Any:
        codec = MsgPack(self.lua)

        def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
            def call(*args: Any) -> Any:
                try:
                    return fn(*args)
                except MsgPackError as e:
                    raise self._positioned(str(e)) from None
                except (TypeError, IndexError, ValueError):
                    raise self._positioned("Bad data format in input.") from None
            return call

        return self.lua.table_from({
            b"pack": guarded(codec.pack), b"unpack": guarded(codec.unpack),
            b"unpack_one": guarded(codec.unpack_one), b"unpack_limit": guarded(codec.unpack_limit),
        })

    def _make_struct(self) -> Any:
        def guarded(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
            def call(fmt: Any = None, *args: Any) -> Any:
                if not isinstance(fmt, bytes):
                    raise self._positioned(f"bad argument #1 to '{name}' (string expected, got {'nil' if fmt is None else 'no value'})")
                try:
                    return fn(fmt, *args)
                except luastruct.StructError as e:
                    raise self._positioned(str(e)) from None
            return call

        return self.lua.table_from({
            b"pack": guarded(luastruct.pack, "pack"), b"unpack": guarded(luastruct.unpack, "unpack"),
            b"size": guarded(luastruct.size, "size"),
        })

    def _positioned(self, message: str) -> "ScriptError":
        # A Lua-library error: it carries the script position and gets the ERR prefix, as in Redis.
        line = self._current_line()
        return ScriptError(f"{self.source}:{line}: {message}".encode(), lua_error=True)

    def _mark(self, message: Any) -> None:
        self.marked = message

    def _error(self, message: bytes) -> "ScriptError":
        # lupa hands the script the exception's message string; marking it lets the final
        # error reply use it as-is, without the ERR prefix other Lua errors get.
        self.marked = message
        return ScriptError(message)

    def _call(self, *args: Any) -> Any:
        ok, value = self.call(*args)
        if not ok:
            raise self._error(value)
        return value

    def _pcall(self, *args: Any) -> Any:
        ok, value = self.call(*args)
        return value if ok else self.table_from({b"err": value})

    def _sha1hex(self, *args: Any) -> bytes:
        if len(args) != 1:
            raise self._error(b"ERR wrong number of arguments")
        value = args[0]
        text = value if isinstance(value, bytes) else _lua_number(value) if _is_number(value) else b""
        return hashlib.sha1(text).hexdigest().encode()

    def _error_reply(self, *args: Any) -> Any:
        if len(args) != 1 or not isinstance(args[0], bytes):
            return self.table_from({b"err": b"ERR wrong number or type of arguments"})
        text = args[0][1:] if args[0].startswith(b"-") else args[0]
        if b" " not in text:
            text = b"ERR " + text
        return self.table_from({b"err": text})

    def _status_reply(self, *args: Any) -> Any:
        if len(args) != 1 or not isinstance(args[0], bytes):
            return self.table_from({b"err": b"ERR wrong number or type of arguments"})
        return self.table_from({b"ok": args[0]})

    def _log(self, *args: Any) -> None:
        if len(args) < 2:
            raise self._error(b"ERR redis.log() requires two arguments or more.")
        level = args[0]
        if not _is_number(level) or int(level) not in LOG_LEVELS:
            raise self._error(b"ERR Invalid debug level.")
        text = b" ".join(p if isinstance(p, bytes) else _lua_number(p) if _is_number(p) else b"" for p in args[1:])
        log.log(LOG_LEVELS[int(level)], "%s", text.decode("utf-8", "replace"))

    def _setresp(self, *args: Any) -> None:
        if len(args) != 1:
            raise self._error(b"ERR redis.setresp() requires one argument.")
        if args[0] not in (2, 3) or isinstance(args[0], bool):
            raise self._error(b"ERR RESP version must be 2 or 3.")
        self.resp = int(args[0])

    def _set_repl(self, *args: Any) -> None:
        if len(args) != 1:
            raise self._error(b"ERR redis.set_repl() requires one argument.")
        if not _is_number(args[0]) or not 0 <= args[0] <= 3:
            raise self._error(b"ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")

    def compile(self, sha: str, body: bytes) -> Any:
        fn = self.functions.get(sha)
        if fn is None:
            ok, fn = self._compile(_strip_shebang(body))
            if not ok:
                msg = fn.decode("utf-8", "replace") if isinstance(fn, bytes) else str(fn)
                raise RedisError(f"ERR Error compiling script (new function): {msg}".replace("\n", " "))
            self.functions[sha] = fn
        return fn

    def run(self, fn: Any, sha: str, keys: list[bytes], argv: list[bytes], call: Callable[..., tuple[bool, Any]],
            check: Callable[[], None]) -> Any:
        """Run a compiled script; returns the reply (a RedisError instance for an error reply)."""
        return self._invoke(self._run, fn, sha, keys, argv, call, check)

    def run_function(self, fn: Any, name: str, keys: list[bytes], argv: list[bytes],
                     call: Callable[..., tuple[bool, Any]], check: Callable[[], None]) -> Any:
        """Run a library's function (FCALL) with its keys and arguments as parameters."""
        self.source = "user_function"
        try:
            return self._invoke(self._call_function, fn, name, keys, argv, call, check)
        finally:
            self.source = "user_script"

    def _invoke(self, runner: Any, fn: Any, name: str, keys: list[bytes], argv: list[bytes],
                call: Callable[..., tuple[bool, Any]], check: Callable[[], None]) -> Any:
        self.call = call
        self.marked = None
        self.resp = 2
        try:
            ok, value = runner(fn, self.table_from(keys), self.table_from(argv), check, 100_000)
        finally:
            self.call = None
        if ok:
            return self.to_reply(value)
        err, line = (value[1], value[2]) if lua51.lua_type(value) == "table" else (value, 0)
        return RedisError(self._error_text(err, name, line))

    def library(self, name: str, code: bytes) -> dict[str, tuple[Any, str, frozenset[str], str | None]]:
        """The functions library `name` registers, by lowercased name: (callback, name, flags,
        description). Loaded once per state and code; raises Redis's FUNCTION LOAD errors."""
        key = (name, sha1hex(code))
        found = self.libraries.get(key)
        if found is None:
            # From the shebang's own newline on: line numbers count the shebang as line 1, as Redis's do.
            self.load_deadline = time.monotonic() + LOAD_TIMEOUT_S
            result = self._load_library(code[code.index(b"\n"):])
            if not result[0]:
                stage, message = result[1], result[2]
                text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
                if stage == b"compile":
                    raise RedisError(f"ERR Error compiling function: {text}".replace("\n", " "))
                raise RedisError(f"ERR Error registering functions: {text}".replace("\n", " "))
            found = {}
            for key_name, entry in result[1].items():
                flags = frozenset(f.decode() for f in entry[3].values())
                desc = entry[4]
                found[key_name.decode()] = (entry[2], entry[1].decode(), flags,
                                            desc.decode() if isinstance(desc, bytes) else None)
            if not found:
                raise RedisError("ERR No functions registered")
            self.libraries[key] = found
        return found

    def _error_text(self, err: Any, sha: str, line: Any) -> str:
        if isinstance(err, ScriptError):
            text = ("ERR " if err.lua_error else "") + err.message.decode("utf-8", "replace")
        elif lua51.lua_type(err) == "table":
            inner = err[b"err"]
            text = inner.decode("utf-8", "replace") if isinstance(inner, bytes) else "ERR unknown error raised by the script"
        elif isinstance(err, bytes):
            text = err.decode("utf-8", "replace")
            if err != self.marked:
                text = "ERR " + text
        elif err is None:
            text = "ERR nil"
        else:
            text = f"ERR {err}"
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        return f"{text} script: {sha}, on @{self.source}:{int(line or 0)}."

    # -- Lua value → Redis reply ------------------------------------------------------
    def to_reply(self, value: Any) -> Any:
        if value is None or value is False:
            return None
        if value is True:
            return 1
        t = type(value)
        if t is bytes:
            return value
        if t is int:
            return value
        if t is float:
            if math.isnan(value) or math.isinf(value) or not -9.2e18 < value < 9.2e18:
                return INT64_MIN
            return int(value)
        if lua51.lua_type(value) == "table":
            err = value[b"err"]
            if isinstance(err, bytes):
                return RedisError(err.decode("utf-8", "replace").replace("\r\n", " ").replace("\n", " "))
            ok = value[b"ok"]
            if isinstance(ok, bytes):
                return Simple(ok.decode("utf-8", "replace"))
            double = value[b"double"]
            if isinstance(double, (int, float)):
                return Double(double)
            mapping = value[b"map"]
            if lua51.lua_type(mapping) == "table":
                return Map({self.to_reply(k): self.to_reply(v) for k, v in mapping.items()})
            members = value[b"set"]
            if lua51.lua_type(members) == "table":
                return SetReply([self.to_reply(k) for k, _ in members.items()])
            out = []
            i = 1
            while True:
                item = value[i]
                if item is None:
                    break
                out.append(self.to_reply(item))
                i += 1
            return out
        return None  # functions, userdata: Redis answers nil

    # -- Redis reply → Lua value -----------------------------------------------------
    def to_lua(self, reply: Any) -> Any:
        t = type(reply)
        if t is bytes or t is int:
            return reply
        resp3 = self.resp == 3
        if reply is None or t is NullArray:
            return None if resp3 else False
        if t is Simple:
            return self.table_from({b"ok": reply.encode()})
        if t is Double:
            return self.table_from({b"double": float(reply)}) if resp3 else format_double(reply)
        if t is Bool:
            return bool(reply) if resp3 else int(reply)
        if t is Map:
            if resp3:
                inner = self.lua.table()
                for k, v in reply.items():
                    inner[self.to_lua(k)] = self.to_lua(v)
                return self.table_from({b"map": inner})
            flat = []
            for k, v in reply.items():
                flat += [self.to_lua(k), self.to_lua(v)]
            return self.table_from(flat)
        if t is SetReply and resp3:
            inner = self.lua.table()
            for m in reply:
                inner[self.to_lua(m)] = True
            return self.table_from({b"set": inner})
        if isinstance(reply, (list, tuple)):
            return self.table_from([self.to_lua(x) for x in reply])
        if t is Verbatim or isinstance(reply, str):
            return reply.encode()
        if isinstance(reply, float):
            return self.to_lua(Double(reply))
        raise TypeError(f"cannot convert {reply!r} for Lua")


def _strip_shebang(body: bytes) -> bytes:
    # The shebang line stays as a comment so line numbers match Redis's.
    return b"--" + body if body.startswith(b"#!") else body


def parse_shebang(body: bytes) -> set[str]:
    """Flags declared by `#!lua flags=a,b`; Redis's errors for anything else."""
    if not body.startswith(b"#!"):
        return set()
    line = body.split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
    parts = line.split()
    if parts[0] != "#!lua":
        raise RedisError(f"ERR Unexpected engine in script shebang: {parts[0]}")
    flags: set[str] = set()
    for part in parts[1:]:
        if not part.startswith("flags="):
            raise RedisError(f"ERR Unknown lua shebang option: {part}")
        for flag in filter(None, part[len("flags="):].split(",")):
            if flag not in ("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"):
                raise RedisError(f"ERR Unexpected flag in script shebang: {flag}")
            flags.add(flag)
    return flags | {"shebang"}


def _bit_functions() -> dict[bytes, Callable]:
    """LuaBitOp (the `bit` library Redis ships): 32-bit two's complement results."""

    def tobit(x: Any) -> int:
        v = int(float(x)) & 0xFFFFFFFF
        return v - (1 << 32) if v & 0x80000000 else v

    def fold(op: Callable[[int, int], int], first: Any, *rest: Any) -> int:
        acc = tobit(first)
        for r in rest:
            acc = op(acc, tobit(r))
        return tobit(acc)

    def rol(x: Any, n: Any) -> int:
        v, s = tobit(x) & 0xFFFFFFFF, int(n) & 31
        return tobit((v << s) | (v >> (32 - s)))

    def ror(x: Any, n: Any) -> int:
        v, s = tobit(x) & 0xFFFFFFFF, int(n) & 31
        return tobit((v >> s) | (v << (32 - s)))

    def tohex(x: Any, n: Any = 8) -> bytes:
        n = int(n)
        digits = "0123456789ABCDEF" if n < 0 else "0123456789abcdef"
        n = min(abs(n) or 8, 8)
        v = tobit(x) & 0xFFFFFFFF
        return "".join(digits[(v >> (4 * i)) & 15] for i in reversed(range(n))).encode()

    return {
        b"tobit": tobit,
        b"bnot": lambda x: tobit(~tobit(x)),
        b"band": lambda a, *r: fold(lambda x, y: x & y, a, *r),
        b"bor": lambda a, *r: fold(lambda x, y: x | y, a, *r),
        b"bxor": lambda a, *r: fold(lambda x, y: x ^ y, a, *r),
        b"lshift": lambda x, n: tobit((tobit(x) & 0xFFFFFFFF) << (int(n) & 31)),
        b"rshift": lambda x, n: tobit((tobit(x) & 0xFFFFFFFF) >> (int(n) & 31)),
        b"arshift": lambda x, n: tobit(tobit(x) >> (int(n) & 31)),
        b"rol": rol,
        b"ror": ror,
        b"bswap": lambda x: tobit(int.from_bytes((tobit(x) & 0xFFFFFFFF).to_bytes(4, "little"), "big")),
        b"tohex": tohex,
    }


_states = threading.local()


def lua_state() -> LuaState:
    state = getattr(_states, "state", None)
    if state is None:
        state = _states.state = LuaState()
    return state


def function_state() -> LuaState:
    """The thread's Lua state for function libraries: a state of its own, as Redis's function engine
    is, so functions never see what EVAL scripts left in the globals (KEYS, ARGV)."""
    state = getattr(_states, "functions", None)
    if state is None:
        state = _states.functions = LuaState()
    return state
