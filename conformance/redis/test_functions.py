"""FUNCTION / FCALL (Redis 7.0 function libraries) through redis-py. Libraries belong to the whole
server, so on the real target every case runs on a private redis-server of its own."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest
import redis

from dotdo_core import Runtime, Store
from dotdo_redis.server import front

from .conftest import _frame

LIB = """#!lua name=mylib
local function set_and_echo(keys, args)
  redis.call('set', keys[1], args[1])
  return {keys[1], args[1], #keys, #args}
end
redis.register_function('set_echo', set_and_echo)
redis.register_function{function_name='getter', callback=function(keys, args) return redis.call('get', keys[1]) end,
                        flags={'no-writes'}, description='reads a key'}
redis.register_function('fails', function(keys, args) return redis.call('incr', keys[1]) end)
redis.register_function('boom', function(keys, args) error('boom') end)
redis.register_function('keys_global', function(keys, args) return KEYS end)
"""


@pytest.fixture
def fr(target, client, request):
    """A client whose server holds no libraries but the case's own."""
    if target == "real":
        url = request.getfixturevalue("private_real_redis")
        c = redis.Redis.from_url(url)
        yield c
        c.close()
    else:
        yield client()


def _pairs(flat: list) -> dict:
    out = {}
    for k, v in zip(flat[::2], flat[1::2]):
        out[k] = [_pairs(f) for f in v] if k == b"functions" else v
    return out


def _libraries(fr, **kw) -> list[dict]:
    return [_pairs(lib) for lib in fr.function_list(**kw)]


def _error(fn) -> str:
    with pytest.raises(redis.ResponseError) as e:
        fn()
    return str(e.value)


def test_a_loaded_library_runs_its_functions_with_keys_and_args(fr):
    assert fr.function_load(LIB) == b"mylib"
    assert fr.fcall("set_echo", 1, "k", "v") == [b"k", b"v", 1, 1]
    assert fr.get("k") == b"v"
    assert fr.fcall_ro("getter", 1, "k") == b"v"
    assert fr.fcall("SET_ECHO", 1, "k2", "w") == [b"k2", b"w", 1, 1]  # function names ignore case


def test_function_errors_name_the_function_and_its_line(fr):
    fr.function_load(LIB)
    fr.set("notnum", "abc")
    assert _error(lambda: fr.fcall("fails", 1, "notnum")) == (
        "value is not an integer or out of range script: fails, on @user_function:9.")
    assert _error(lambda: fr.fcall("boom", 0)) == "user_function:10: boom script: boom, on @user_function:10."
    assert _error(lambda: fr.fcall("keys_global", 0)) == (
        "user_function:11: Script attempted to access nonexistent global variable 'KEYS' script: keys_global, "
        "on @user_function:11.")


@pytest.mark.parametrize("args, message", [
    (("nosuch", 0), "Function not found"),
    (("set_echo", 5, "k"), "Number of keys can't be greater than number of args"),
    (("set_echo", -1), "Number of keys can't be negative"),
    (("set_echo", "x"), "Bad number of keys provided"),
])
def test_fcall_argument_errors(fr, args, message):
    fr.function_load(LIB)
    assert _error(lambda: fr.execute_command("FCALL", *args)) == message


def test_fcall_ro_refuses_a_function_without_no_writes(fr):
    fr.function_load(LIB)
    assert _error(lambda: fr.fcall_ro("set_echo", 1, "k", "v")) == (
        "Can not execute a script with write flag using *_ro command.")


def test_a_no_writes_function_cannot_write(fr):
    fr.function_load("#!lua name=ro\nredis.register_function{function_name='w', "
                     "callback=function(k, a) return redis.call('set', 'x', 1) end, flags={'no-writes'}}")
    assert _error(lambda: fr.fcall("w", 0)) == (
        "Write commands are not allowed from read-only scripts. script: w, on @user_function:2.")


def test_function_list_shows_libraries_functions_flags_and_code(fr):
    fr.function_load(LIB)
    fr.function_load("#!lua name=other\nredis.register_function('x1', function() return 1 end)")
    listed = {lib[b"library_name"]: lib for lib in _libraries(fr)}
    assert set(listed) == {b"mylib", b"other"}
    functions = {f[b"name"]: f for f in listed[b"mylib"][b"functions"]}
    assert set(functions) == {b"set_echo", b"getter", b"fails", b"boom", b"keys_global"}
    assert functions[b"getter"][b"description"] == b"reads a key"
    assert functions[b"getter"][b"flags"] == [b"no-writes"]
    assert functions[b"set_echo"][b"description"] is None and functions[b"set_echo"][b"flags"] == []
    assert listed[b"mylib"][b"engine"] == b"LUA" and b"library_code" not in listed[b"mylib"]
    [only] = _libraries(fr, library="oth*", withcode=True)
    assert only[b"library_name"] == b"other"
    assert only[b"library_code"].startswith(b"#!lua name=other\n")


def test_flags_are_listed_in_redis_order(fr):
    fr.function_load("#!lua name=fl\nredis.register_function{function_name='f', callback=function() return 1 end, "
                     "flags={'allow-cross-slot-keys', 'no-writes', 'allow-stale', 'no-cluster', 'allow-oom'}}")
    [lib] = _libraries(fr)
    assert lib[b"functions"][0][b"flags"] == [b"no-writes", b"allow-oom", b"allow-stale", b"no-cluster",
                                              b"allow-cross-slot-keys"]


def test_function_stats_counts_libraries_and_functions(fr):
    fr.function_load(LIB)
    assert fr.execute_command("FUNCTION", "STATS") == {
        b"running_script": None, b"engines": {b"LUA": {b"libraries_count": 1, b"functions_count": 5}}}


def test_loading_again_needs_replace_and_replace_swaps_the_functions(fr):
    fr.function_load(LIB)
    assert _error(lambda: fr.function_load(LIB)) == "Library 'mylib' already exists"
    fr.function_load("#!lua name=mylib\nredis.register_function('newer', function() return 2 end)", replace=True)
    assert fr.fcall("newer", 0) == 2
    assert _error(lambda: fr.fcall("set_echo", 0)) == "Function not found"


def test_delete_and_flush(fr):
    fr.function_load(LIB)
    assert _error(lambda: fr.function_delete("nolib")) == "Library not found"
    assert _error(lambda: fr.function_delete("MYLIB")) == "Library not found"  # library names keep their case
    assert fr.function_delete("mylib") is True
    assert fr.function_list() == []
    fr.function_load(LIB)
    assert fr.function_flush() is True
    assert fr.function_list() == []
    assert _error(lambda: fr.execute_command("FUNCTION", "FLUSH", "BAD")) == (
        "FUNCTION FLUSH only supports SYNC|ASYNC option")


def test_a_function_name_belongs_to_one_library(fr):
    fr.function_load(LIB)
    assert _error(lambda: fr.function_load("#!lua name=dup\nredis.register_function('set_echo', function() end)")) == (
        "Function set_echo already exists")


@pytest.mark.parametrize("code, message", [
    ("return 1", "Missing library metadata"),
    ("#!lua", "Invalid library metadata"),
    ("#!lua name=x", "Invalid library metadata"),
    ("#!lua\nredis.register_function('f', function() end)", "Library name was not given"),
    ("#!lua name=a b=c\nredis.register_function('f', function() end)", "Invalid metadata value given: b=c"),
    ("#!lua name=x name=y\n", "Invalid metadata value, name argument was given multiple times"),
    ("#!js name=x\n", "Engine 'js' not found"),
    ("#!lua name=bad-name\n", "Library names can only contain letters, numbers, or underscores(_) and must be at "
                              "least one character long"),
    ("#!lua name=empty\nlocal x = 1", "No functions registered"),
    ("#!lua name=syn\nthis is not lua", "Error compiling function: user_function:2: '=' expected near 'is'"),
    ("#!lua name=rt\nerror('boom')",
     "Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable "
     "'error'"),
    ("#!lua name=callnow\nredis.call('set','a','b')",
     "Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable "
     "'call'"),
    ("#!lua name=gl\nfoo = 1\nredis.register_function('g', function() end)",
     "Error registering functions: ERR user_function:2: Attempt to modify a readonly table"),
    ("#!lua name=nm\nredis.register_function()",
     "Error registering functions: ERR wrong number of arguments to redis.register_function"),
    ("#!lua name=nm\nredis.register_function('a')",
     "Error registering functions: ERR calling redis.register_function with a single argument is only applicable "
     "to Lua table (representing named arguments)."),
    ("#!lua name=nm\nredis.register_function('a', 5)",
     "Error registering functions: ERR second argument to redis.register_function must be a function"),
    ("#!lua name=nm\nredis.register_function({}, function() end)",
     "Error registering functions: ERR first argument to redis.register_function must be a string"),
    ("#!lua name=nm\nredis.register_function{callback=function() end}",
     "Error registering functions: ERR redis.register_function must get a function name argument"),
    ("#!lua name=nm\nredis.register_function{function_name='a'}",
     "Error registering functions: ERR redis.register_function must get a callback argument"),
    ("#!lua name=nm\nredis.register_function{function_name='a', callback=function() end, foo=1}",
     "Error registering functions: ERR unknown argument given to redis.register_function"),
    ("#!lua name=nm\nredis.register_function{function_name='a', callback=function() end, flags='no-writes'}",
     "Error registering functions: ERR flags argument to redis.register_function must be a table representing "
     "function flags"),
    ("#!lua name=nm\nredis.register_function{function_name='a', callback=5}",
     "Error registering functions: ERR callback argument given to redis.register_function must be a function"),
    ("#!lua name=nm\nredis.register_function{function_name='a', callback=function() end, flags={'bogus'}}",
     "Error registering functions: ERR unknown flag given"),
    ("#!lua name=nm\nredis.register_function('bad-name', function() end)",
     "Error registering functions: ERR Library names can only contain letters, numbers, or underscores(_) and "
     "must be at least one character long"),
    ("#!lua name=nm\nredis.register_function('x1', function() end)\nredis.register_function('x1', function() end)",
     "Error registering functions: ERR Function already exists in the library"),
])
def test_function_load_errors(fr, code, message):
    assert _error(lambda: fr.function_load(code)) == message
    assert fr.function_list() == []


def test_the_load_api_has_the_log_and_the_version(fr):
    fr.function_load("#!lua name=v\nredis.log(redis.LOG_WARNING, 'loading')\n"
                     "local version = redis.REDIS_VERSION\n"
                     "redis.register_function('v', function() return {version, redis.REDIS_VERSION_NUM} end)\n"
                     "return 7")
    assert fr.fcall("v", 0) == [b"7.0.15", 458767]


@pytest.mark.parametrize("args, message", [
    (("LIST", "LIBRARYNAME"), "library name argument was not given"),
    (("LIST", "BAD"), "Unknown argument BAD"),
    (("LIST", "WITHCODE", "WITHCODE"), "Unknown argument WITHCODE"),
    (("LOAD", "BAD", "x"), "Unknown option given: BAD"),
    (("DELETE",), "wrong number of arguments for 'function|delete' command"),
    (("STATS", "x"), "wrong number of arguments for 'function|stats' command"),
    (("KILL",), "NOTBUSY No scripts in execution right now."),
    (("BOGUS",), "unknown subcommand 'BOGUS'. Try FUNCTION HELP."),
])
def test_function_subcommand_errors(fr, args, message):
    assert _error(lambda: fr.execute_command("FUNCTION", *args)) == message


def test_function_help_lists_the_subcommands(fr):
    help_lines = fr.execute_command("FUNCTION", "HELP")
    assert help_lines[0] == b"FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert b"LOAD [REPLACE] <FUNCTION CODE>" in help_lines and help_lines[-1] == b"    Prints this help."


def test_functions_are_the_same_in_every_database(fr):
    fr.function_load(LIB)
    assert fr.execute_command("SELECT", 3) is True  # redis-py reuses its one idle connection
    assert fr.fcall("set_echo", 1, "k", "v") == [b"k", b"v", 1, 1]


def test_fcall_from_a_script_is_refused(fr):
    fr.function_load(LIB)
    assert _error(lambda: fr.eval("return redis.call('fcall', 'set_echo', 0)", 0)).startswith(
        "This Redis command is not allowed from script")


@pytest.fixture
def raw(target, fr, request):
    """send(*args) → the exact reply bytes, from the same server (data) as `fr`."""
    runtime = None
    if target == "real":
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(request.getfixturevalue("private_real_redis")[len("unix://"):])
    else:
        runtime = Runtime(Store.shared(fr.connection_pool.engine.store.path)).start()
        sock = socket.create_connection(("127.0.0.1", runtime.listen(front, host="127.0.0.1", port=0).port))
    sock.settimeout(10)

    def send(*args) -> bytes:
        sock.sendall(_frame(args))
        out = b""
        while True:  # these replies are small: one read after a pause holds all of it
            out += sock.recv(65536)
            sock.settimeout(0.3)
            try:
                more = sock.recv(65536)
            except socket.timeout:
                sock.settimeout(10)
                return out
            out += more

    yield send
    sock.close()
    if runtime is not None:
        runtime.stop()


def test_function_list_and_stats_reply_bytes_in_resp2_and_resp3(fr, raw):
    fr.function_load("#!lua name=m\nredis.register_function{function_name='g', callback=function() return 1 end, "
                     "flags={'no-writes'}, description='d'}")
    assert raw("FUNCTION", "LIST") == (
        b"*1\r\n*6\r\n$12\r\nlibrary_name\r\n$1\r\nm\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n"
        b"*6\r\n$4\r\nname\r\n$1\r\ng\r\n$11\r\ndescription\r\n$1\r\nd\r\n$5\r\nflags\r\n*1\r\n+no-writes\r\n")
    raw("HELLO", "3")
    assert raw("FUNCTION", "LIST") == (
        b"*1\r\n%3\r\n$12\r\nlibrary_name\r\n$1\r\nm\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n"
        b"%3\r\n$4\r\nname\r\n$1\r\ng\r\n$11\r\ndescription\r\n$1\r\nd\r\n$5\r\nflags\r\n~1\r\n+no-writes\r\n")
    assert raw("FUNCTION", "STATS") == (
        b"%2\r\n$14\r\nrunning_script\r\n_\r\n$7\r\nengines\r\n%1\r\n$3\r\nLUA\r\n%2\r\n$15\r\nlibraries_count\r\n"
        b":1\r\n$15\r\nfunctions_count\r\n:1\r\n")


# FUNCTION DUMP of Redis 7.0.15 holding one library, its code LZF-compressed (conformance/vectors/redis).
REDIS_DUMP = (Path(__file__).parents[1] / "vectors" / "redis" / "function-dump-7.0.15.bin").read_bytes()


def test_dump_and_restore_bring_the_libraries_back(fr):
    fr.function_load(LIB)
    fr.function_load("#!lua name=other\nredis.register_function('x1', function() return 1 end)")
    payload = fr.function_dump()
    fr.function_flush()
    assert fr.function_restore(payload) is True
    assert fr.fcall("x1", 0) == 1 and fr.fcall("set_echo", 1, "k", "v") == [b"k", b"v", 1, 1]
    assert sorted(lib[b"library_name"] for lib in _libraries(fr)) == [b"mylib", b"other"]


def test_restore_policies(fr):
    fr.function_load(LIB)
    payload = fr.function_dump()
    assert _error(lambda: fr.function_restore(payload)) == "Library mylib already exists"  # APPEND, the default
    assert fr.function_restore(payload, "REPLACE") is True
    fr.function_load("#!lua name=extra\nredis.register_function('x1', function() return 1 end)")
    assert fr.function_restore(payload, "FLUSH") is True
    assert [lib[b"library_name"] for lib in _libraries(fr)] == [b"mylib"]
    assert _error(lambda: fr.function_restore(payload, "BAD")) == (
        "Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")


def test_restore_refuses_a_function_another_library_has_and_changes_nothing(fr):
    fr.function_load(LIB.replace("name=mylib", "name=tmp").replace("set_echo", "echo2"))
    payload_of_tmp = fr.function_dump()
    fr.function_flush()
    fr.function_load("#!lua name=x\nredis.register_function('echo2', function() return 1 end)")
    assert _error(lambda: fr.function_restore(payload_of_tmp, "REPLACE")) == "Function echo2 already exists"
    assert [lib[b"library_name"] for lib in _libraries(fr)] == [b"x"]


def test_restore_replaces_the_libraries_it_names_before_checking_functions(fr):
    fr.function_load("#!lua name=x\nredis.register_function('set_echo', function() return 1 end)")
    fr.function_load(LIB.replace("name=mylib", "name=tmp").replace("set_echo", "echo2"))
    both = fr.function_dump()  # x with set_echo, tmp with echo2
    fr.function_flush()
    fr.function_load("#!lua name=x\nredis.register_function('echo2', function() return 1 end)")
    assert fr.function_restore(both, "REPLACE") is True  # x's echo2 goes with the x it replaces
    assert fr.fcall("echo2", 1, "k", "v") == [b"k", b"v", 1, 1]


def test_a_payload_redis_wrote_restores(fr):
    assert fr.function_restore(REDIS_DUMP) is True
    assert fr.fcall("myfunc", 1, "k", "v") == b"OK" and fr.fcall_ro("ro", 1, "k") == b"v"


@pytest.mark.parametrize("payload, message", [
    (REDIS_DUMP[:-1], "DUMP payload version or checksum are wrong"),
    (REDIS_DUMP[:5], "DUMP payload version or checksum are wrong"),
    (REDIS_DUMP[:-10] + b"\x0b\x00" + REDIS_DUMP[-8:], "DUMP payload version or checksum are wrong"),
])
def test_a_damaged_payload_is_refused(fr, payload, message):
    assert _error(lambda: fr.function_restore(payload)) == message
    assert fr.function_list() == []


def test_an_empty_dump_restores_to_nothing(fr):
    payload = fr.function_dump()
    assert fr.function_restore(payload) is True
    assert fr.function_list() == []


def test_a_library_whose_loading_runs_too_long_is_stopped(fr):
    assert _error(lambda: fr.function_load("#!lua name=loop\nwhile true do end")) == (
        "Error registering functions: ERR FUNCTION LOAD timeout")
    assert fr.function_list() == []
    fr.function_load("#!lua name=ok\nredis.register_function('f', function() return 1 end)")
    assert fr.fcall("f", 0) == 1
