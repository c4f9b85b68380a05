"""Lua scripting through redis-py: EVAL/EVALSHA/SCRIPT, the Lua↔RESP conversion rules,
redis.call/pcall, Redis 7.0's error shapes, atomicity, and the script cache across processes."""
import hashlib
import subprocess
import sys
import threading

import pytest
import redis


def sha(body: str) -> str:
    return hashlib.sha1(body.encode()).hexdigest()


def client_code(r) -> str:
    pool = r.connection_pool
    if hasattr(pool, "engine"):
        return f"import dotdo_redis\nr = dotdo_redis.Redis(data={pool.engine.store.path!r})\n"
    kw = pool.connection_kwargs
    return f"import redis\nr = redis.Redis(host={kw['host']!r}, port={kw['port']}, db={kw.get('db', 0)})\n"


@pytest.mark.parametrize("script, expected", [
    ("return 1", 1),
    ("return 'text'", b"text"),
    ("return 3.99", 3),
    ("return -3.99", -3),
    ("return true", 1),
    ("return false", None),
    ("return nil", None),
    ("return {1, 2, {3, 'a'}}", [1, 2, [3, b"a"]]),
    ("return {1, nil, 3}", [1]),
    ("return {1, false, 3}", [1, None, 3]),
    ("return {}", []),
    ("return 1e20", -9223372036854775808),
    ("return 2^53", 9007199254740992),
    ("return redis.sha1hex('')", b"da39a3ee5e6b4b0d3255bfef95601890afd80709"),
    ("return 'a\\0b'", b"a\x00b"),
    ("return {ok=1}", []),
    ("return tostring(redis.call('get', 'missing'))", b"false"),
    ("return type(redis.call('ping'))", b"table"),
    ("return redis.call('ping')['ok']", b"PONG"),
    ("return bit.band(7, 3) + bit.bor(8, 1) + bit.bxor(5, 1)", 3 + 9 + 4),
    ("return string.format('%d-%s', 5, 'x')", b"5-x"),
    ("return #KEYS + #ARGV", 0),
])
def test_lua_values_convert_to_redis_replies(client, script, expected):
    r = client(protocol=2)
    assert r.eval(script, 0) == expected


def test_status_reply_is_a_simple_string(client):
    r = client(protocol=2, decode_responses=True)
    assert r.eval("return redis.status_reply('FINE')", 0) == "FINE"
    assert r.eval("return {ok='fine too'}", 0) == "fine too"


def test_keys_and_argv_tables(r):
    assert r.eval("return {KEYS[1], KEYS[2], ARGV[1], #KEYS, #ARGV}", 2, "k1", "k2", "a1") == [b"k1", b"k2", b"a1", 2, 1]


def test_redis_call_writes_and_reads(r):
    assert r.eval("redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])", 1, "k", "v") == b"v"
    assert r.get("k") == b"v"


def test_numbers_passed_to_redis_call_use_17_digits(r):
    r.eval("redis.call('set', 'a', 3.0); redis.call('set', 'b', 0.1); redis.call('set', 'c', 1e20)", 0)
    assert r.mget("a", "b", "c") == [b"3", b"0.10000000000000001", b"1e+20"]


def test_collection_replies_become_tables(r):
    r.hset("h", "f", "v")
    assert r.eval("local t = redis.call('hgetall', KEYS[1]); return {#t, t[1], t[2]}", 1, "h") == [2, b"f", b"v"]


def test_float_reply_reaches_lua_as_string(r):
    assert r.eval("return type(redis.call('incrbyfloat', KEYS[1], '1.5'))", 1, "f") == b"string"
    assert r.eval("return redis.call('incrbyfloat', KEYS[1], '1.5')", 1, "f") == b"3"


SHA_BOOM = sha("error('boom')")


@pytest.mark.parametrize("script, message", [
    ("error('boom')", f"user_script:1: boom script: {SHA_BOOM}, on @user_script:1."),
    ("\n\nlocal x = 1\nerror('boom')", "user_script:4: boom script: {sha}, on @user_script:4."),
    ("return redis.call('nosuch')", "Unknown Redis command called from script script: {sha}, on @user_script:1."),
    ("return redis.call('get')", "Wrong number of args calling Redis command from script script: {sha}, on @user_script:1."),
    ("return redis.call()", "Please specify at least one argument for this redis lib call script: {sha}, on @user_script:1."),
    ("return redis.call('set', 'k', true)", "Lua redis lib command arguments must be strings or integers script: {sha}, on @user_script:1."),
    ("return redis.call('subscribe', 'x')", "This Redis command is not allowed from script script: {sha}, on @user_script:1."),
    ("return redis.call('multi')", "This Redis command is not allowed from script script: {sha}, on @user_script:1."),
    ("return redis.call('blpop', 'l', 0)", "This Redis command is not allowed from script script: {sha}, on @user_script:1."),
    ("return undefined_name", "user_script:1: Script attempted to access nonexistent global variable 'undefined_name' script: {sha}, on @user_script:1."),
    ("x = 1", "user_script:1: Attempt to modify a readonly table script: {sha}, on @user_script:1."),
    ("return os.time()", "user_script:1: Script attempted to access nonexistent global variable 'os' script: {sha}, on @user_script:1."),
    ("return io", "user_script:1: Script attempted to access nonexistent global variable 'io' script: {sha}, on @user_script:1."),
    ("return 'x' .. nil", "user_script:1: attempt to concatenate a nil value script: {sha}, on @user_script:1."),
    ("error({err='CUSTOM failure'})", "CUSTOM failure script: {sha}, on @user_script:1."),
    ("error('multi\\nline')", "user_script:1: multi line script: {sha}, on @user_script:1."),
    ("return redis.setresp(4)", "RESP version must be 2 or 3. script: {sha}, on @user_script:1."),
    ("return redis.sha1hex()", "wrong number of arguments script: {sha}, on @user_script:1."),
    ("return redis.log(redis.LOG_WARNING)", "redis.log() requires two arguments or more. script: {sha}, on @user_script:1."),
    ("return redis.log(99, 'x')", "Invalid debug level. script: {sha}, on @user_script:1."),
    ("syntax error here", "Error compiling script (new function): user_script:1: '=' expected near 'error'"),
    ("return redis.error_reply('MY failure')", "MY failure"),
    ("return redis.error_reply('plain')", "plain"),
    ("return {err='plain lower'}", "plain lower"),
])
def test_script_error_shapes(r, script, message):
    with pytest.raises(redis.ResponseError) as e:
        r.eval(script, 0)
    assert str(e.value) == message.format(sha=sha(script))


def test_wrongtype_inside_script_keeps_its_code(r):
    r.hset("h", "f", "v")
    with pytest.raises(redis.ResponseError) as e:
        r.eval("return redis.call('incr', KEYS[1])", 1, "h")
    script = "return redis.call('incr', KEYS[1])"
    assert str(e.value) == f"WRONGTYPE Operation against a key holding the wrong kind of value script: {sha(script)}, on @user_script:1."


def test_pcall_returns_the_error_as_a_table(r):
    r.set("s", "abc")
    assert r.eval("local e = redis.pcall('incr', KEYS[1]); return e['err']", 1, "s") == b"ERR value is not an integer or out of range"
    with pytest.raises(redis.ResponseError) as e:
        r.eval("return redis.pcall('incr', KEYS[1])", 1, "s")
    assert str(e.value) == "value is not an integer or out of range"


def test_lua_pcall_sees_redis_call_errors_as_strings(r):
    script = "local ok, e = pcall(function() redis.call('nosuch') end); return {tostring(ok), type(e), e}"
    assert r.eval(script, 0) == [b"false", b"string", b"ERR Unknown Redis command called from script"]


@pytest.mark.parametrize("numkeys, args, message", [
    (2, ["a"], "Number of keys can't be greater than number of args"),
    (-1, [], "Number of keys can't be negative"),
    ("x", [], "value is not an integer or out of range"),
])
def test_numkeys_errors(r, numkeys, args, message):
    with pytest.raises(redis.ResponseError) as e:
        r.eval("return 1", numkeys, *args)
    assert str(e.value) == message


@pytest.mark.parametrize("call, resp2, resp3", [
    ("'ZRANGE', KEYS[1], 0, -1, 'WITHSCORES'", ["a", "1", "b", "2"], [["a", 1.0], ["b", 2.0]]),
    ("'ZUNION', 1, KEYS[1], 'WITHSCORES'", ["a", "1", "b", "2"], [["a", 1.0], ["b", 2.0]]),
    ("'XREAD', 'STREAMS', KEYS[2], '0'", [["s", [["1-1", ["f", "v"]]]]], {"s": [["1-1", ["f", "v"]]]}),
])
def test_commands_called_from_a_script_reply_in_the_scripts_resp_not_the_callers(r3, call, resp2, resp3):
    r3.zadd("z", {"a": 1, "b": 2})
    r3.xadd("s", {"f": "v"}, id="1-1")
    assert r3.eval(f"return redis.call({call})", 2, "z", "s") == resp2
    assert r3.eval(f"redis.setresp(3); return redis.call({call})", 2, "z", "s") == resp3


def test_evalsha_of_unknown_script_is_noscript(r):
    with pytest.raises(redis.exceptions.NoScriptError) as e:
        r.evalsha("ffffffffffffffffffffffffffffffffffffffff", 0)
    assert str(e.value) == "No matching script. Please use EVAL."


@pytest.mark.parametrize("command", ["EVALSHA", "EVALSHA_RO"])
def test_evalsha_of_a_sha_not_40_long_is_noscript_before_numkeys_is_read(r, command):
    for numkeys in ("x", "3"):
        with pytest.raises(redis.exceptions.NoScriptError):
            r.execute_command(command, "abc", numkeys)
    with pytest.raises(redis.ResponseError) as e:  # 40 characters: numkeys is read first
        r.execute_command(command, "f" * 40, "x")
    assert str(e.value) == "value is not an integer or out of range"


def test_script_load_then_evalsha(r):
    body = "return ARGV[1] .. '!'"
    digest = r.script_load(body)
    assert digest == sha(body)
    assert r.evalsha(digest, 0, "hi") == b"hi!"
    assert r.evalsha(digest.upper(), 0, "up") == b"up!"
    assert r.script_exists(digest, "0" * 40) == [True, False]


def test_eval_caches_the_script_for_evalsha(r):
    body = "return 'cached-by-eval'"
    r.eval(body, 0)
    assert r.evalsha(sha(body), 0) == b"cached-by-eval"


def test_script_flush_forgets_scripts(r):
    digest = r.script_load("return 'to-flush'")
    assert r.script_flush() is True
    assert r.script_exists(digest) == [False]
    with pytest.raises(redis.exceptions.NoScriptError):
        r.evalsha(digest, 0)


@pytest.mark.parametrize("args, message", [
    (("SCRIPT", "FLUSH", "FOO"), "SCRIPT FLUSH only support SYNC|ASYNC option"),
    (("SCRIPT", "LOAD"), "wrong number of arguments for 'script|load' command"),
    (("SCRIPT", "FOO"), "unknown subcommand 'FOO'. Try SCRIPT HELP."),
    (("SCRIPT", "KILL"), "NOTBUSY No scripts in execution right now."),
    (("SCRIPT", "LOAD", "bad code here"), "Error compiling script (new function): user_script:1: '=' expected near 'code'"),
    (("EVAL", "return 1"), "wrong number of arguments for 'eval' command"),
])
def test_script_command_errors(r, args, message):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command(*args)
    assert str(e.value) == message


def test_register_script_falls_back_from_evalsha_to_eval(r):
    r.script_flush()
    add = r.register_script("return tonumber(ARGV[1]) + tonumber(ARGV[2])")
    assert add(args=[2, 3]) == 5
    assert add(args=[10, 20]) == 30


def test_register_script_in_a_pipeline(r):
    incr_by = r.register_script("return redis.call('incrby', KEYS[1], ARGV[1])")
    pipe = r.pipeline()
    incr_by(keys=["n"], args=[5], client=pipe)
    incr_by(keys=["n"], args=[7], client=pipe)
    assert pipe.execute() == [5, 12]


def test_eval_ro_refuses_writes(r):
    script = "return redis.call('set', KEYS[1], 'v')"
    with pytest.raises(redis.ResponseError) as e:
        r.eval_ro(script, 1, "k")
    assert str(e.value) == f"Write commands are not allowed from read-only scripts. script: {sha(script)}, on @user_script:1."
    r.set("k", "v0")
    assert r.eval_ro("return redis.call('get', KEYS[1])", 1, "k") == b"v0"


@pytest.mark.parametrize("script, message", [
    ("#!lua flags=no-writes\nreturn redis.call('set','a','b')",
     "Write commands are not allowed from read-only scripts. script: {sha}, on @user_script:2."),
    ("#!python\nreturn 1", "Unexpected engine in script shebang: #!python"),
    ("#!lua flags=bogus\nreturn 1", "Unexpected flag in script shebang: bogus"),
    ("#!lua name=x\nreturn 1", "Unknown lua shebang option: name=x"),
])
def test_shebang_flags(r, script, message):
    with pytest.raises(redis.ResponseError) as e:
        r.eval(script, 0)
    assert str(e.value) == message.format(sha=sha(script))


def test_shebang_without_flags_runs(r):
    assert r.eval("#!lua\nreturn 42", 0) == 42


def test_an_error_keeps_the_writes_made_before_it(r):
    r.set("s", "not-a-number")
    with pytest.raises(redis.ResponseError):
        r.eval("redis.call('set', 'before', '1'); redis.call('incr', 's'); redis.call('set', 'after', '1')", 0)
    assert r.get("before") == b"1"
    assert r.get("after") is None


def test_scripts_run_atomically_under_concurrency(client):
    clients = [client() for _ in range(4)]
    script = "local v = tonumber(redis.call('get', KEYS[1]) or '0'); redis.call('set', KEYS[1], v + 1); return v + 1"

    def work(c):
        for _ in range(50):
            c.eval(script, 1, "counter")

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert clients[0].get("counter") == b"200"


def test_eval_inside_multi_exec(r):
    pipe = r.pipeline(transaction=True)
    pipe.set("k", "1")
    pipe.eval("return redis.call('incr', KEYS[1])", 1, "k")
    pipe.get("k")
    assert pipe.execute() == [True, 2, b"2"]


def test_select_inside_a_script_does_not_change_the_callers_db(r):
    r.set("here", "yes")
    assert r.eval("redis.call('select', '3'); return redis.call('get', 'here')", 0) is None
    assert r.get("here") == b"yes"


def test_redis_log_and_version_helpers(r):
    assert r.eval("redis.log(redis.LOG_WARNING, 'from a test'); return redis.REDIS_VERSION", 0) == b"7.0.15"
    assert r.eval("return redis.REDIS_VERSION_NUM", 0) == 0x07000F


def test_resp3_client_gets_resp3_types_from_scripts(client):
    r3 = client(protocol=3, decode_responses=True)
    assert r3.eval("return {double=3.5}", 0) == 3.5
    assert r3.eval("return {map={a=1}}", 0) == {"a": 1}
    r3.hset("h", "f", "v")
    assert r3.eval("redis.setresp(3); return redis.call('hgetall', KEYS[1])", 1, "h") == {"f": "v"}
    assert r3.eval("return false", 0) is None


def test_resp2_client_gets_flattened_map_from_scripts(client):
    r2 = client(protocol=2, decode_responses=True)
    assert r2.eval("return {map={a=1}}", 0) == ["a", 1]
    assert r2.eval("return {double=3.5}", 0) == "3.5"


def test_script_loaded_by_another_process_runs_with_evalsha(r):
    body = "return 'loaded elsewhere ' .. ARGV[1]"
    code = client_code(r) + f"print(r.script_load({body!r}))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == sha(body)
    assert r.evalsha(sha(body), 0, "ok") == b"loaded elsewhere ok"


@pytest.mark.parametrize("script, expected", [
    ("return cjson.encode({1, 2, 3})", b"[1,2,3]"),
    ("return cjson.encode({1, 'x', {k=false}})", b'[1,"x",{"k":false}]'),
    ("return cjson.encode({[1]=1, [3]=3})", b"[1,null,3]"),
    ("return cjson.encode({})", b"{}"),
    ("return cjson.encode('a/b\"c\\n')", b'"a\\/b\\"c\\n"'),
    ("return cjson.encode(0.1)", b"0.1"),
    ("return cjson.encode(cjson.null)", b"null"),
    ("return cjson.decode('{\"a\":[1,2.5,\"s\",true]}').a[3]", b"s"),
    ("return cjson.decode('{\"a\":null}').a == cjson.null", 1),
    ("return cjson.encode(cjson.decode('{\"n\":12345678901234}'))", b'{"n":12345678901234}'),
])
def test_cjson_library(r, script, expected):
    assert r.eval(script, 0) == expected


@pytest.mark.parametrize("script, message", [
    ("return cjson.decode('x')", "user_script:1: Expected value but found invalid token at character 1 script: {sha}, on @user_script:1."),
    ("return cjson.encode({[1]=1, [30]=3})", "user_script:1: Cannot serialise table: excessively sparse array script: {sha}, on @user_script:1."),
    ("return cjson.encode(function() end)", "user_script:1: Cannot serialise function: type not supported script: {sha}, on @user_script:1."),
])
def test_cjson_errors(r, script, message):
    with pytest.raises(redis.ResponseError) as e:
        r.eval(script, 0)
    assert str(e.value) == message.format(sha=sha(script))


@pytest.mark.parametrize("script, expected", [
    ("return cmsgpack.pack(1, 'a', {1, 2}, {a=1}, true, false, nil, 1.5, -1, 300, 70000, 5000000000, -200, 0.1)",
     b"\x01\xa1a\x92\x01\x02\x81\xa1a\x01\xc3\xc2\xc0\xca?\xc0\x00\x00\xff\xcd\x01,\xce\x00\x01\x11p\xcf\x00\x00\x00\x01*\x05\xf2\x00"
     b"\xd1\xff8\xcb?\xb9\x99\x99\x99\x99\x99\x9a"),
    ("return {cmsgpack.unpack(cmsgpack.pack({1, 2, {x='y'}}, 'str', 3))}", [[1, 2, []], b"str", 3]),
    ("return cmsgpack.unpack(cmsgpack.pack({1, 2, 3}))[3]", 3),
    ("return cmsgpack.pack(string.rep('x', 40))", b"\xd9(" + b"x" * 40),
    ("return cmsgpack.pack({[1]=1, [3]=3})", b"\x82\x01\x01\x03\x03"),
    ("return cmsgpack.pack({})", b"\x90"),
    ("return type(cmsgpack.unpack_one)", b"function"),
    ("return type(redis.call)", b"function"),
])
def test_cmsgpack_library(client, script, expected):
    assert client(protocol=2).eval(script, 0) == expected


@pytest.mark.parametrize("script, expected", [
    ("return struct.pack('>I2', 258)", b"\x01\x02"),
    ("return struct.pack('<i', -2)", b"\xfe\xff\xff\xff"),
    ("return struct.pack('>bBhHlLiI', -1, 255, -2, 65535, -3, 4, -5, 6)",
     b"\xff\xff\xff\xfe\xff\xff" + b"\xff" * 7 + b"\xfd" + b"\x00" * 7 + b"\x04\xff\xff\xff\xfb\x00\x00\x00\x06"),
    ("return {struct.unpack('>I2', struct.pack('>I2', 258))}", [258, 3]),
    ("return {struct.unpack('<hd', struct.pack('<hd', -7, 2.5))}", [-7, 2, 11]),
    ("return {struct.unpack('s', 'abc\\0rest')}", [b"abc", 5]),
    ("return struct.pack('Bc0', 3, 'xyz')", b"\x03xyz"),
    ("return {struct.unpack('Bc0', '\\3xyz')}", [b"xyz", 5]),
    ("return struct.size('>iI2d')", 14),
    ("return struct.pack('!4 i', 1)", b"\x01\x00\x00\x00"),
    ("return struct.pack('bxb', 1, 2)", b"\x01\x00\x02"),
    ("return struct.pack('>I3', 70000)", b"\x01\x11p"),
])
def test_struct_library(client, script, expected):
    assert client(protocol=2).eval(script, 0) == expected


@pytest.mark.parametrize("script, message", [
    ("return struct.pack('q', 1)", "user_script:1: bad argument #1 to 'pack' (invalid format option 'q') script: {sha}, on @user_script:1."),
    ("return {struct.unpack('>I4', 'ab')}", "user_script:1: bad argument #2 to 'unpack' (data string too short) script: {sha}, on @user_script:1."),
])
def test_struct_errors(r, script, message):
    with pytest.raises(redis.ResponseError) as e:
        r.eval(script, 0)
    assert str(e.value) == message.format(sha=sha(script))
